//! Webhook delivery end to end (issue 16): register a loopback webhook through the API, send a
//! mail, receive the sandbox's signed `email.delivered` on a tiny HTTP server in this test,
//! verify it with the SDK's own `autosend::webhook::verify`, and find it in `webhooks.logs`.

mod common;

use autosend::types::{Address, SendEmail};
use autosend::webhook::{verify, VerifyOptions};
use common::Sandbox;
use serde_json::json;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

type Delivery = (Vec<(String, String)>, Vec<u8>);

/// Accepts up to `n` requests on 127.0.0.1, answers 200 and hands over headers and raw body.
fn receiver(n: usize) -> (String, mpsc::Receiver<Delivery>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/autosend", l.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for s in l.incoming().take(n) {
            let Ok(mut s) = s else { return };
            let mut r = BufReader::new(s.try_clone().unwrap());
            let mut headers = Vec::new();
            let mut line = String::new();
            r.read_line(&mut line).unwrap(); // request line
            loop {
                line.clear();
                r.read_line(&mut line).unwrap();
                let t = line.trim_end();
                if t.is_empty() {
                    break;
                }
                if let Some((k, v)) = t.split_once(':') {
                    headers.push((k.trim().to_string(), v.trim().to_string()));
                }
            }
            let len: usize = headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                .map(|(_, v)| v.parse().unwrap())
                .unwrap_or(0);
            let mut body = vec![0; len];
            r.read_exact(&mut body).unwrap();
            s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                .unwrap();
            let _ = tx.send((headers, body));
        }
    });
    (url, rx)
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

#[test]
fn a_registered_webhook_receives_and_verifies_a_signed_email_delivered() {
    let sb = Sandbox::fast();
    let c = sb.project_client();
    let (url, rx) = receiver(4);
    let created = c
        .call(
            "webhooks.create",
            json!({"url": url, "events": ["email.delivered"]}),
        )
        .unwrap();
    let webhook = &created.data["webhook"];
    let (id, secret) = (
        webhook["id"].as_str().unwrap().to_string(),
        webhook["secret"].as_str().unwrap().to_string(),
    );
    let mut m = SendEmail::new(
        Address::new("hello@mail.example.com"),
        Address::new("ada@example.com"),
        "Hi {{name}}",
    );
    m.html = Some("<p>Hi {{name}}</p>".into());
    let sent = c.send_email(&m).unwrap();

    let (headers, body) = rx.recv_timeout(Duration::from_secs(20)).unwrap();
    let ev = verify(
        &body,
        &headers,
        &secret,
        now_ms(),
        &VerifyOptions::default(),
    )
    .unwrap();
    assert_eq!(ev.event_type, "email.delivered");
    assert_eq!(ev.raw_data["emailId"], json!(sent.email_id));
    assert!(ev.delivery_id.is_some());
    // A tampered body or another secret is refused by the same verify.
    let mut bad = body.clone();
    bad[0] = b' ';
    assert!(verify(&bad, &headers, &secret, now_ms(), &VerifyOptions::default()).is_err());
    assert!(verify(
        &body,
        &headers,
        "whsec_other",
        now_ms(),
        &VerifyOptions::default()
    )
    .is_err());

    // The delivery log shows it delivered.
    let mut logged = false;
    for _ in 0..100 {
        let logs = c.call("webhooks.logs", json!({"id": id})).unwrap();
        if logs.data["logs"][0]["success"] == json!(true) {
            assert_eq!(logs.data["logs"][0]["event"], json!("email.delivered"));
            assert_eq!(
                logs.data["logs"][0]["jobId"].as_str(),
                ev.delivery_id.as_deref()
            );
            logged = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(logged, "webhooks.logs never showed a successful delivery");
}
