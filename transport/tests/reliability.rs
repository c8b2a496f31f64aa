//! Issue 14 against small misbehaving servers on loopback (plain TCP, bounded): a stalled TLS
//! handshake is `connect`, answers are capped while they stream, the per-attempt timeout covers
//! the body, and a blocking wait can be interrupted.

use autosend::{ClientOptions, ErrorKind};
use autosend_http::{blocking, TlsOptions};
use serde_json::json;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// Serves each connection with `handle` on its own thread until the test process ends.
fn serve(handle: fn(TcpStream)) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for c in l.incoming().flatten() {
            std::thread::spawn(move || handle(c));
        }
    });
    port
}

/// Reads the request head (and whatever body came with it).
fn read_request(c: &mut TcpStream) {
    let mut buf = [0u8; 65536];
    let _ = c.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = c.read(&mut buf);
}

fn key() -> String {
    // A key of its own per test: the per-key budget is shared process-wide.
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!("AS_reliability{:018}", N.fetch_add(1, Ordering::Relaxed))
}

fn client(base: String, timeout_ms: u64) -> blocking::Client {
    let mut o = ClientOptions::new(key());
    o.base_url = Some(base);
    o.timeout_ms = timeout_ms;
    o.max_retries = 0;
    blocking::Client::new(o, TlsOptions::default()).unwrap()
}

fn mail() -> serde_json::Value {
    json!({"from": {"email": "a@mail.example.com"}, "to": {"email": "b@example.com"},
           "subject": "s", "html": "<p>x</p>"})
}

fn stall(c: TcpStream) {
    // Accepts and never speaks: a TLS handshake that never finishes.
    std::thread::sleep(Duration::from_secs(20));
    drop(c);
}

#[test]
fn stalled_tls_handshake_is_connect_not_timeout() {
    let port = serve(stall);
    let c = client(format!("https://127.0.0.1:{port}/v1"), 1000);
    let t0 = Instant::now();
    let e = c.call("emails.send", mail()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connect, "{e}");
    assert!(!e.may_have_been_delivered(), "nothing was sent: {e:?}");
    assert!(t0.elapsed() < Duration::from_secs(3), "{:?}", t0.elapsed());

    // The async client too.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut o = ClientOptions::new(key());
    o.base_url = Some(format!("https://127.0.0.1:{port}/v1"));
    o.timeout_ms = 1000;
    o.max_retries = 0;
    let ac = autosend_http::Client::new(o, TlsOptions::default()).unwrap();
    let e = rt.block_on(ac.call("emails.send", mail())).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connect, "{e}");
    assert!(!e.may_have_been_delivered());
}

fn endless_body(mut c: TcpStream) {
    read_request(&mut c);
    let head =
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
    if c.write_all(head.as_bytes()).is_err() {
        return;
    }
    let mut chunk = b"10000\r\n".to_vec();
    chunk.extend(vec![b' '; 0x10000]);
    chunk.extend_from_slice(b"\r\n");
    // At most 200 MB; stops as soon as the client hangs up.
    for _ in 0..3200 {
        if c.write_all(&chunk).is_err() {
            return;
        }
    }
}

fn huge_length(mut c: TcpStream) {
    read_request(&mut c);
    let head =
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 209715200\r\n\r\n{";
    let _ = c.write_all(head.as_bytes());
    std::thread::sleep(Duration::from_secs(5));
}

#[test]
fn answers_larger_than_the_cap_are_refused_while_streaming() {
    for handler in [endless_body as fn(TcpStream), huge_length] {
        let port = serve(handler);
        let c = client(format!("http://127.0.0.1:{port}/v1"), 30_000);
        let t0 = Instant::now();
        let e = c.call("emails.send", mail()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidResponse, "{e}");
        assert!(e.may_have_been_delivered(), "the send was answered: {e:?}");
        assert_eq!(e.status(), Some(200));
        assert!(e
            .message()
            .contains(&autosend::MAX_RESPONSE_BYTES.to_string()));
        assert!(t0.elapsed() < Duration::from_secs(20), "{:?}", t0.elapsed());
    }
}

fn drip(mut c: TcpStream) {
    read_request(&mut c);
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{";
    if c.write_all(head.as_bytes()).is_err() {
        return;
    }
    for _ in 0..100 {
        std::thread::sleep(Duration::from_millis(100));
        if c.write_all(b" ").is_err() {
            return;
        }
    }
}

#[test]
fn the_attempt_timeout_covers_the_body() {
    let port = serve(drip);
    let c = client(format!("http://127.0.0.1:{port}/v1"), 1000);
    let t0 = Instant::now();
    let e = c.call("emails.send", mail()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(e.may_have_been_delivered());
    assert!(
        t0.elapsed() < Duration::from_millis(2500),
        "{:?}",
        t0.elapsed()
    );
}

fn hang(mut c: TcpStream) {
    read_request(&mut c);
    std::thread::sleep(Duration::from_secs(20));
}

fn too_many_requests(mut c: TcpStream) {
    read_request(&mut c);
    let body = r#"{"success":false,"error":{"message":"slow down","code":"RATE_LIMIT_EXCEEDED","retryAfter":60}}"#;
    let _ = write!(
        c,
        "HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\nretry-after: 60\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
}

#[test]
fn a_blocking_wait_can_be_interrupted() {
    // Waiting on the server: the send is abandoned in flight, so it may have been delivered.
    let port = serve(hang);
    let c = client(format!("http://127.0.0.1:{port}/v1"), 10_000);
    let t0 = Instant::now();
    let mut checks = 0;
    let e = c
        .call_interruptible("emails.send", mail(), None, &mut || {
            checks += 1;
            t0.elapsed() > Duration::from_millis(300)
        })
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Aborted, "{e}");
    assert!(e.may_have_been_delivered());
    assert!(t0.elapsed() < Duration::from_millis(300 + 2 * autosend::INTERRUPT_CHECK_MS));
    assert!(checks >= 3, "checked {checks} times");

    // Waiting on a 60 s rate-limit pause before the retry: nothing went out again.
    let port = serve(too_many_requests);
    let mut o = ClientOptions::new(key());
    o.base_url = Some(format!("http://127.0.0.1:{port}/v1"));
    o.max_retries = 1;
    let c = blocking::Client::new(o, TlsOptions::default()).unwrap();
    let t0 = Instant::now();
    let e = c
        .call_interruptible("emails.send", mail(), None, &mut || {
            t0.elapsed() > Duration::from_millis(500)
        })
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Aborted, "{e}");
    assert!(
        !e.may_have_been_delivered(),
        "a 429 was not processed: {e:?}"
    );
    assert!(t0.elapsed() < Duration::from_millis(500 + 2 * autosend::INTERRUPT_CHECK_MS));
}

#[test]
fn ca_file_is_read_with_a_limit() {
    let e = TlsOptions::with_ca_file(std::path::Path::new("/dev/zero")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidConfig);
    assert_eq!(e.field(), Some("ca_file"));
    let e = TlsOptions::with_ca_file(std::path::Path::new("/nonexistent/ca.pem")).unwrap_err();
    assert_eq!(e.field(), Some("ca_file"));
}
