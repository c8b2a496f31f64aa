//! The sandbox as a developer's daily tool (issue 16): Handlebars rendering with
//! `dynamicData`, real signed webhook deliveries (with retries and logs), triggered events,
//! unsubscribe links that unsubscribe, and the request log with its timeline.

mod common;
use common::*;
use serde_json::{json, Value};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// One received delivery: lower-cased headers and the raw body.
#[derive(Debug)]
struct Hit {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Hit {
    fn h(&self, n: &str) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
}

/// A loopback HTTP receiver answering the statuses in `answers` in turn (then 200).
async fn receiver(answers: Vec<u16>) -> (String, mpsc::UnboundedReceiver<Hit>) {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", l.local_addr().unwrap());
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut answers = answers.into_iter();
        for _ in 0..200 {
            let Ok((mut s, _)) = l.accept().await else {
                return;
            };
            let mut buf = Vec::new();
            let mut tmp = [0u8; 4096];
            let (head_end, len) = loop {
                let n = s.read(&mut tmp).await.unwrap_or(0);
                if n == 0 {
                    break (0, 0);
                }
                buf.extend_from_slice(&tmp[..n]);
                if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&buf[..i]).to_ascii_lowercase();
                    let len = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    break (i + 4, len);
                }
            };
            if head_end == 0 {
                continue;
            }
            while buf.len() < head_end + len {
                let n = s.read(&mut tmp).await.unwrap_or(0);
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&tmp[..n]);
            }
            let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
            let headers = head
                .lines()
                .skip(1)
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
                .collect();
            let status = answers.next().unwrap_or(200);
            let _ = s
                .write_all(
                    format!(
                        "HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    )
                    .as_bytes(),
                )
                .await;
            let _ = tx.send(Hit {
                headers,
                body: buf[head_end..head_end + len.min(buf.len() - head_end)].to_vec(),
            });
        }
    });
    (url, rx)
}

async fn next(rx: &mut mpsc::UnboundedReceiver<Hit>) -> Hit {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("a delivery within 10 s")
        .expect("receiver alive")
}

fn hmac_hex(secret: &str, body: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let mut m = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    m.update(body);
    hex::encode(m.finalize().into_bytes())
}

async fn wait_logs(sb: &Sandbox, id: &str, pred: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..100 {
        let l = data(&sb.p("GET", &format!("/webhooks/{id}/logs"), None).await);
        if pred(&l) {
            return l;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("webhook logs never matched");
}

#[tokio::test]
async fn dynamic_data_is_rendered_with_handlebars_and_errors_are_shown() {
    let sb = Sandbox::fast();
    let mut m = mail();
    m["subject"] = json!("Hi {{name}}");
    m["html"] = json!("<p>{{#if vip}}Dear {{name}}{{else}}Hello{{/if}}</p><a href=\"{{unsubscribe}}\">unsubscribe</a>");
    m["text"] = json!("Hello {{name}}");
    m["dynamicData"] = json!({"name": "Ada", "vip": true});
    let id = data(&sb.p("POST", "/mails/send", Some(m.clone())).await)["emailId"]
        .as_str()
        .unwrap()
        .to_string();
    let msg = sb
        .admin("GET", &format!("/_sandbox/messages/{id}"), None)
        .await;
    assert_eq!(msg["rendered"]["subject"], json!("Hi Ada"));
    assert_eq!(msg["rendered"]["text"], json!("Hello Ada"));
    let html = msg["rendered"]["html"].as_str().unwrap();
    assert!(html.starts_with("<p>Dear Ada</p>"), "{html}");
    assert_eq!(msg["renderError"], Value::Null);
    // The raw request is kept as sent.
    assert_eq!(msg["subject"], json!("Hi {{name}}"));
    // The inbox shows what the recipient sees.
    let page = sb
        .client
        .get(sb.admin_url(&format!("/messages/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Hi Ada") && page.contains("Hello Ada") && page.contains("Dear Ada"));
    let list = sb
        .client
        .get(sb.admin_url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("Hi Ada"));

    // {{unsubscribe}} is a working link: it adds the recipient to the (global) group.
    let unsub = msg["unsubscribeUrl"].as_str().unwrap().to_string();
    assert!(html.contains(&unsub));
    let r = sb.client.post(&unsub).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let groups = data(&sb.p("GET", "/suppression-groups", None).await);
    let text = groups.to_string();
    assert!(text.contains("\"suppressionCount\":1"), "{text}");

    // A template error is kept and shown, not swallowed.
    m["html"] = json!("{{#if vip}}never closed");
    let id = data(&sb.p("POST", "/mails/send", Some(m.clone())).await)["emailId"]
        .as_str()
        .unwrap()
        .to_string();
    let msg = sb
        .admin("GET", &format!("/_sandbox/messages/{id}"), None)
        .await;
    assert!(
        msg["renderError"].as_str().unwrap().starts_with("html:"),
        "{msg}"
    );
    let page = sb
        .client
        .get(sb.admin_url(&format!("/messages/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Template error: html:"));

    // Bulk: one rendered mail per recipient, with the recipient's own data.
    let b = json!({"from": {"email": "hello@mail.example.com"}, "subject": "Hi {{name}}", "html": "x",
        "dynamicData": {"name": "all"},
        "recipients": [{"email": "a@example.com", "dynamicData": {"name": "A"}}, {"email": "b@example.com"}]});
    assert_eq!(
        data(&sb.p("POST", "/mails/bulk", Some(b)).await)["successCount"],
        json!(2)
    );
    let all = sb.admin("GET", "/_sandbox/messages", None).await;
    let subjects: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == json!("bulk"))
        .map(|m| m["rendered"]["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects, vec!["Hi A", "Hi all"]);
}

#[tokio::test]
async fn sends_are_delivered_signed_to_webhooks_with_retries_and_logs() {
    let sb = Sandbox::start(&[
        "--rate-per-second",
        "100000",
        "--rate-per-minute",
        "1000000",
        "--webhook-retry-ms",
        "20,20,20",
    ]);
    // The receiver refuses the first attempt with 500: the delivery is retried.
    let (url, mut rx) = receiver(vec![500]).await;
    let w = data(
        &sb.p(
            "POST",
            "/webhooks",
            Some(json!({"url": url, "events": ["email.delivered", "email.bounced"]})),
        )
        .await,
    )["webhook"]
        .clone();
    let (wid, secret) = (
        w["id"].as_str().unwrap().to_string(),
        w["secret"].as_str().unwrap().to_string(),
    );
    let id = data(&sb.p("POST", "/mails/send", Some(mail())).await)["emailId"]
        .as_str()
        .unwrap()
        .to_string();
    let first = next(&mut rx).await;
    let second = next(&mut rx).await;
    for h in [&first, &second] {
        assert_eq!(h.h("x-webhook-event"), "email.delivered");
        assert_eq!(h.h("x-webhook-signature"), hmac_hex(&secret, &h.body));
        assert_eq!(h.h("user-agent"), "AutoSend-Webhooks/1.0");
        assert_eq!(h.h("content-type"), "application/json");
        let ts: u64 = h.h("x-webhook-timestamp").parse().unwrap();
        assert!(ts > 1_600_000_000_000, "epoch ms");
    }
    assert_eq!(
        first.h("x-webhook-delivery-id"),
        second.h("x-webhook-delivery-id")
    );
    assert_eq!(first.body, second.body);
    let p: Value = serde_json::from_slice(&second.body).unwrap();
    assert_eq!(p["type"], json!("email.delivered"));
    assert_eq!(p["data"]["emailId"], json!(id));
    assert_eq!(p["data"]["to"]["email"], json!("jane@example.com"));
    assert!(p["createdAt"].is_string());
    let logs = wait_logs(&sb, &wid, |l| l["logs"][0]["success"] == json!(true)).await;
    let l = &logs["logs"][0];
    assert_eq!(
        (l["attempts"].clone(), l["statusCode"].clone()),
        (json!(2), json!(200))
    );
    assert_eq!(
        l["jobId"].as_str().unwrap(),
        first.h("x-webhook-delivery-id")
    );

    // Bounce from the admin API, and resend through the API.
    let r = sb
        .admin(
            "POST",
            "/_sandbox/events",
            Some(json!({"emailId": id, "type": "email.bounced"})),
        )
        .await;
    assert_eq!(r["jobIds"].as_array().unwrap().len(), 1, "{r}");
    let b = next(&mut rx).await;
    let p: Value = serde_json::from_slice(&b.body).unwrap();
    assert_eq!(
        (
            p["type"].as_str().unwrap(),
            p["data"]["bounceType"].as_str().unwrap()
        ),
        ("email.bounced", "Permanent")
    );
    sb.p(
        "POST",
        &format!("/webhooks/{wid}/resend"),
        Some(json!({"event": "email.delivered", "data": {"emailId": id}})),
    )
    .await;
    let r = next(&mut rx).await;
    assert_eq!(r.h("x-webhook-signature"), hmac_hex(&secret, &r.body));

    // A handler that always fails: 4 attempts, then failureCount and lastFailedAt.
    let (url2, mut rx2) = receiver(vec![500, 500, 500, 500]).await;
    let w2 = data(
        &sb.p(
            "POST",
            "/webhooks",
            Some(json!({"url": url2, "events": ["email.sent"]})),
        )
        .await,
    )["webhook"]
        .clone();
    let wid2 = w2["id"].as_str().unwrap().to_string();
    sb.p("POST", "/mails/send", Some(mail())).await;
    for _ in 0..4 {
        next(&mut rx2).await;
    }
    let logs = wait_logs(&sb, &wid2, |l| l["logs"][0]["status"] == json!("failed")).await;
    assert_eq!(logs["logs"][0]["attempts"], json!(4));
    assert_eq!(logs["logs"][0]["statusCode"], json!(500));
    let got = data(&sb.p("GET", &format!("/webhooks/{wid2}"), None).await);
    assert_eq!(got["failureCount"], json!(1));
    assert!(got["lastFailedAt"].is_string());

    // Hosts other than loopback are never called (without --webhook-any-host): logged as not sent.
    let w3 = data(
        &sb.p(
            "POST",
            "/webhooks",
            Some(json!({"url": "https://hooks.example.com/x", "events": ["email.sent"]})),
        )
        .await,
    )["webhook"]
        .clone();
    let wid3 = w3["id"].as_str().unwrap().to_string();
    sb.p("POST", "/mails/send", Some(mail())).await;
    let logs = wait_logs(&sb, &wid3, |l| l["logs"][0]["status"] == json!("not_sent")).await;
    assert_eq!(logs["logs"][0]["attempts"], json!(0));
    assert!(logs["logs"][0]["errorMessage"]
        .as_str()
        .unwrap()
        .contains("--webhook-any-host"));
}

#[tokio::test]
async fn the_request_log_and_timeline_show_every_request_and_the_429s() {
    let sb = Sandbox::start(&["--rate-per-second", "2", "--rate-per-minute", "50"]);
    let key = sb.pkey(0);
    let mut codes = Vec::new();
    for _ in 0..4 {
        codes.push(sb.p("GET", "/webhooks", None).await.status);
    }
    assert!(codes.contains(&429), "{codes:?}");
    let log = sb.admin("GET", "/_sandbox/requests", None).await;
    let reqs = log["requests"].as_array().unwrap();
    assert_eq!(reqs.len(), 4);
    let fp = reqs[0]["keyFingerprint"].as_str().unwrap().to_string();
    assert!(fp.starts_with("fp_"));
    assert_eq!(reqs[0]["endpointId"], json!("webhooks.list"));
    assert!(reqs
        .iter()
        .any(|r| r["status"] == json!(429) && r["errorCode"] == json!("RATE_LIMIT_EXCEEDED")));
    assert!(reqs[0]["latencyMs"].is_u64());
    assert!(
        !log.to_string().contains(&key[3..]),
        "the key never appears"
    );
    let only = sb.admin("GET", "/_sandbox/requests?status=429", None).await;
    assert!(only["requests"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["status"] == json!(429)));
    let svg = sb
        .client
        .get(sb.admin_url(&format!("/_sandbox/requests/timeline.svg?key={fp}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        svg.starts_with("<svg")
            && svg.contains("class=\"r429\"")
            && svg.contains("class=\"limit\"")
    );
    let page = sb
        .client
        .get(sb.admin_url("/requests"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&fp) && page.contains("refused with 429") && !page.contains(&key[3..]));
}

#[tokio::test]
async fn inbox_search_filters_and_live_updates_over_sse() {
    let sb = Sandbox::fast();
    let mut stream = sb
        .client
        .get(sb.admin_url("/_sandbox/stream"))
        .send()
        .await
        .unwrap();
    assert!(stream.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let mut m = mail();
    m["subject"] = json!("Live {{what}}");
    m["dynamicData"] = json!({"what": "update"});
    sb.p("POST", "/mails/send", Some(m.clone())).await;
    let mut seen = String::new();
    while !seen.contains("Live update") {
        let chunk = tokio::time::timeout(Duration::from_secs(10), stream.chunk())
            .await
            .expect("an event within 10 s")
            .unwrap()
            .expect("stream open");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(seen.contains("event: message"), "{seen}");
    m["subject"] = json!("Other");
    m["to"] = json!({"email": "zed@example.com"});
    sb.p("POST", "/mails/send", Some(m)).await;
    let get = |p: &str| {
        let url = sb.admin_url(p);
        let c = sb.client.clone();
        async move { c.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let all = get("/").await;
    assert!(all.contains("Live update") && all.contains("Other"));
    let only = get("/?q=zed%40example").await;
    assert!(
        only.contains("Other") && !only.contains("Live update"),
        "{only}"
    );
    let none = get("/?ua=no-such-sdk").await;
    assert!(none.contains("<span id=\"count\">0</span>"));
    let js = get("/_sandbox/inbox.js").await;
    assert!(js.contains("EventSource('/_sandbox/stream')"));
}
