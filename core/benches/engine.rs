//! Engine micro-benchmarks, each next to a baseline measured in the same run:
//! - limiter `acquire` (ring buffer, O(1)) vs a naive scan over every past grant;
//! - building a send request (validation + canonical JSON) vs plain `serde_json::to_vec`;
//! - webhook `verify` (HMAC + timestamp + typed parse) vs the bare HMAC;
//! - parsing an answer (`Call::handle_response` + the final `poll`: status, headers, envelope,
//!   request id, required result fields / error taxonomy) of a send, success and error
//!   envelope, vs plain `serde_json::from_slice` of the same body.
//!
//! Run: `cargo bench -p autosend --bench engine` (criterion prints the numbers; compare the
//! pairs line by line).

use autosend::webhook::{sign, verify, VerifyOptions};
use autosend::{
    build_request, Call, Client, ClientConfig, ClientOptions, Poll, RateLimiter, RateLimits,
};
use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion};
use serde_json::json;
use std::cell::Cell;

/// Baseline: keeps every grant and counts the window by scanning.
struct NaiveLimiter {
    grants: Vec<u64>,
}

impl NaiveLimiter {
    fn acquire(&mut self, now: u64) -> bool {
        let in_sec = self.grants.iter().filter(|&&g| g + 1000 > now).count();
        let in_min = self.grants.iter().filter(|&&g| g + 60_000 > now).count();
        if in_sec < 2 && in_min < 50 {
            self.grants.push(now);
            true
        } else {
            false
        }
    }
}

fn limiter(c: &mut Criterion) {
    let mut g = c.benchmark_group("limiter_acquire_10k");
    g.bench_function("ring_buffer", |b| {
        b.iter(|| {
            let mut l = RateLimiter::new(RateLimits::default());
            for t in 0..10_000u64 {
                black_box(l.acquire(t * 37));
            }
        })
    });
    g.bench_function("baseline_naive_scan", |b| {
        b.iter(|| {
            let mut l = NaiveLimiter { grants: Vec::new() };
            for t in 0..10_000u64 {
                black_box(l.acquire(t * 37));
            }
        })
    });
    g.finish();
}

fn request(c: &mut Criterion) {
    let config = ClientConfig::new(ClientOptions::new("AS_bench123")).unwrap();
    let params = json!({
        "from": {"email": "hello@mail.example.com", "name": "Hello"},
        "to": {"email": "ada@example.com"},
        "cc": [{"email": "b@example.com"}, {"email": "c@example.com"}],
        "subject": "Hello {{name}}",
        "html": "<p>Hello {{name}}</p>".repeat(50),
        "dynamicData": {"name": "Ada"},
        "headers": {"X-Campaign": "spring"}
    });
    let mut g = c.benchmark_group("send_request");
    g.bench_function("build_request", |b| {
        b.iter(|| black_box(build_request(&config, "emails.send", params.clone()).unwrap()))
    });
    g.bench_function("baseline_to_vec", |b| {
        b.iter(|| black_box(serde_json::to_vec(&params.clone()).unwrap()))
    });
    g.finish();
}

fn webhook(c: &mut Criterion) {
    let body = br#"{"type":"email.delivered","createdAt":"2026-01-01T00:00:00.000Z","data":{"emailId":"e1","from":"a@b.co","to":{"email":"c@d.co"},"subject":"Hi","test":false}}"#;
    let sig = sign(body, "whsec_bench");
    let headers = vec![
        ("x-webhook-signature".to_string(), sig),
        (
            "x-webhook-timestamp".to_string(),
            "1767225600000".to_string(),
        ),
    ];
    let mut g = c.benchmark_group("webhook");
    g.bench_function("verify", |b| {
        b.iter(|| {
            black_box(
                verify(
                    body,
                    &headers,
                    "whsec_bench",
                    1_767_225_600_000,
                    &VerifyOptions::default(),
                )
                .unwrap(),
            )
        })
    });
    g.bench_function("baseline_hmac_only", |b| {
        b.iter(|| black_box(sign(body, "whsec_bench")))
    });
    g.finish();
}

/// The headers the sandbox sends with an answer (request id, rate-limit state, date).
fn answer_headers() -> Vec<(String, String)> {
    [
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
    .collect()
}

fn parse(c: &mut Criterion) {
    let mut o = ClientOptions::new("AS_bench123");
    o.max_retries = 0;
    o.rate_limits = RateLimits {
        per_second: 1_000,
        per_minute: 60_000,
        ..RateLimits::default()
    };
    let client = Client::new(o).unwrap();
    let params = json!({
        "from": {"email": "hello@mail.example.com"},
        "to": {"email": "ada@example.com"},
        "subject": "Hello",
        "html": "<p>Hi</p>"
    });
    let headers = answer_headers();
    let ok = br#"{"success":true,"message":"Email queued","data":{"emailId":"em_01HZX8Q4W5V6T7R8S9A0B1C2D3","status":"queued","createdAt":"2026-01-01T00:00:00.000Z"}}"#;
    let err = br#"{"success":false,"error":{"code":"VALIDATION_ERROR","message":"Validation failed","details":[{"field":"to.email","message":"Invalid email address"},{"field":"subject","message":"Subject is required"}]}}"#;
    // A call with its request out (the timed part is only the answer's way in). Each call
    // runs at a new minute, so the limiter never waits.
    let now = Cell::new(0u64);
    let sent = || {
        let t = now.get() + 61_000;
        now.set(t);
        let mut call = client.call("emails.send", params.clone(), 7).unwrap();
        match call.poll(t) {
            Poll::Send(req) => black_box(req),
            _ => panic!("the call did not send"),
        };
        (call, t)
    };
    let answer = |(mut call, t): (Call, u64), status: u16, body: &[u8]| {
        call.handle_response(t, status, &headers, body);
        let r = match call.poll(t) {
            Poll::Done(r) => r,
            _ => panic!("the call did not finish"),
        };
        (call, r)
    };
    let mut g = c.benchmark_group("parse_response");
    g.bench_function("success", |b| {
        b.iter_batched(
            sent,
            |s| {
                let (call, r) = answer(s, 200, ok);
                assert!(r.is_ok());
                (call, r)
            },
            BatchSize::SmallInput,
        )
    });
    g.bench_function("error_envelope", |b| {
        b.iter_batched(
            sent,
            |s| {
                let (call, r) = answer(s, 400, err);
                assert!(r.as_ref().is_err_and(|e| e.details().len() == 2));
                (call, r)
            },
            BatchSize::SmallInput,
        )
    });
    g.bench_function("baseline_from_slice", |b| {
        b.iter(|| black_box(serde_json::from_slice::<serde_json::Value>(black_box(ok)).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, limiter, request, webhook, parse);
criterion_main!(benches);
