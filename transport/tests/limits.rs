//! Issue 14 item 3, in real time: slow connection set-up must not earn a 429. The sandbox runs
//! at the API's limits (2/s, 50/min) with every NEW connection's handshake delayed 200 ms.
//! Sends alternate between a cold connection (a fresh client) and a warm one, the pattern that
//! made the server see three requests in one second: a cold request granted first arrives
//! 200 ms after its grant, so a limiter that counts grant times lets the third request
//! (warm, arriving at once) into the same server-side second.

mod common;

use autosend::RateLimits;
use common::Sandbox;
use serde_json::json;
use std::time::{Duration, Instant};

fn send(c: &autosend_http::blocking::Client, i: usize) {
    c.call(
        "emails.send",
        json!({
            "from": {"email": "hello@mail.example.com"},
            "to": {"email": format!("user{i}@example.com")},
            "subject": format!("Mail {i}"),
            "html": "<p>Hi</p>"
        }),
    )
    .unwrap();
}

#[test]
fn slow_new_connections_never_earn_a_429() {
    let sb = Sandbox::start(&["--lazy-jwks", "--new-connection-delay-ms", "200"]);
    let key = sb.project_key();
    let client = || {
        let mut o = sb.options(&key, None);
        o.rate_limits = RateLimits::default();
        // No retry: a 429 would be the test's failure, not something to sit out.
        o.max_retries = 0;
        autosend_http::blocking::Client::new(o, sb.tls()).unwrap()
    };
    let warm = client();
    let started = Instant::now();
    for i in 0..12 {
        if i % 3 == 0 {
            send(&client(), i); // a new connection: arrives 200 ms after its grant
        } else {
            send(&warm, i);
        }
    }
    let took = started.elapsed();
    let stats = sb.admin_get("/_sandbox/stats");
    assert_eq!(
        stats["rejected"]["RATE_LIMIT_EXCEEDED"]
            .as_u64()
            .unwrap_or(0),
        0,
        "the sandbox refused requests: {stats}"
    );
    assert_eq!(stats["processed"]["emails.send"], 12);
    // 12 sends at 2/s: at least 5 s; the arrival bound costs little more.
    assert!(took >= Duration::from_millis(5_000), "{took:?}");
    assert!(took < Duration::from_secs(12), "{took:?}");
}
