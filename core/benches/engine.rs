//! Engine micro-benchmarks, each next to a baseline measured in the same run:
//! - limiter `acquire` (ring buffer, O(1)) vs a naive scan over every past grant;
//! - building a send request (validation + canonical JSON) vs plain `serde_json::to_vec`;
//! - webhook `verify` (HMAC + timestamp + typed parse) vs the bare HMAC.
//!
//! Run: `cargo bench -p autosend --bench engine` (criterion prints the numbers; compare the
//! pairs line by line).

use autosend::webhook::{sign, verify, VerifyOptions};
use autosend::{build_request, ClientConfig, ClientOptions, RateLimiter, RateLimits};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use serde_json::json;

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

criterion_group!(benches, limiter, request, webhook);
criterion_main!(benches);
