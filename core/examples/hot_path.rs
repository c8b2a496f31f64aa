//! The core's share of one send, for instruction counting: N sequential `emails.send` calls
//! through a [`Client`] (prepare, `poll` to the request, `handle_response` with a realistic
//! answer, `poll` to the result), no I/O. Same mail as `transport/examples/bench_send.rs`.
//!
//! Run: `cargo run --release -p autosend --example hot_path -- 450`; per send with callgrind:
//! `bash bench/instr.sh core` (the N = 450 and N = 50 runs, subtracted).

use autosend::{Client, ClientOptions, Poll, RateLimits};
use serde_json::json;
use std::hint::black_box;

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(450);
    let mut o = ClientOptions::new("AS_hotpath0123456789");
    o.base_url = Some("https://127.0.0.1:8443".to_string());
    o.rate_limits = RateLimits {
        per_second: 100_000,
        per_minute: 1_000_000,
        ..RateLimits::default()
    };
    let client = Client::new(o).expect("options are valid");
    let headers: Vec<(String, String)> = [
        ("content-type", "application/json"),
        ("content-length", "120"),
        ("x-request-id", "req_01HZX8Q4W5V6T7R8S9A0B1C2D3"),
        ("x-ratelimit-limit", "50"),
        ("x-ratelimit-remaining", "49"),
        ("x-ratelimit-reset", "1767225660"),
        ("date", "Thu, 01 Jan 2026 00:00:00 GMT"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let ok = br#"{"success":true,"message":"Email queued","data":{"emailId":"em_01HZX8Q4W5V6T7R8S9A0B1C2D3","status":"queued","createdAt":"2026-01-01T00:00:00.000Z"}}"#;
    let mut sent = 0usize;
    for i in 0..n {
        let now = 1_000 + i * 61_000;
        let params = json!({"from": {"email": "hello@mail.example.com"},
            "to": {"email": "a@example.com"}, "subject": format!("m{i}"), "html": "<p>hi</p>"});
        let mut call = client.call("emails.send", params, i).expect("valid mail");
        let Poll::Send(req) = call.poll(now) else {
            panic!("the call did not send");
        };
        sent += black_box(&req).body.as_ref().map_or(0, |b| b.len());
        call.handle_response(now + 1, 200, &headers, ok);
        let Poll::Done(r) = call.poll(now + 1) else {
            panic!("the call did not finish");
        };
        black_box(r.expect("accepted"));
    }
    println!("{n} sends, {sent} body bytes");
}
