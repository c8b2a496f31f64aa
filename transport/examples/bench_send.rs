//! Benchmark driver of `bench/run.sh` (Rust): one client, one scenario, one JSON line.
//! `sdk` is this crate's blocking client, `reqwest` raw `reqwest::blocking` with one reused
//! client (both keep one TLS connection alive). Scenarios: `seq` (N sequential sends after
//! WARMUP) and `startup` (one send).
//!
//! `cargo run --release -p autosend-http --example bench_send -- CLIENT SCENARIO URL CA KEY N [WARMUP]`

use autosend::{ClientOptions, RateLimits};
use autosend_http::{blocking, TlsOptions};
use serde_json::json;
use std::time::Instant;

fn cpu_s() -> f64 {
    // CPU time of every live thread of this process, in ns (/proc/self/task/*/schedstat):
    // the clients' I/O threads included, at a finer grain than /proc/self/stat's 10 ms ticks.
    let mut ns = 0u64;
    if let Ok(tasks) = std::fs::read_dir("/proc/self/task") {
        for t in tasks.flatten() {
            let s = std::fs::read_to_string(t.path().join("schedstat")).unwrap_or_default();
            ns += s
                .split_whitespace()
                .next()
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0);
        }
    }
    ns as f64 / 1e9
}

fn rss_mb() -> f64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: f64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    pages * 4096.0 / 1_048_576.0
}

fn mail(i: usize) -> serde_json::Value {
    json!({"from": {"email": "hello@mail.example.com"}, "to": {"email": "a@example.com"},
           "subject": format!("m{i}"), "html": "<p>hi</p>"})
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let (client, scenario, url, ca, key) = (&a[1], &a[2], &a[3], &a[4], &a[5]);
    let n: usize = a.get(6).map_or(1, |v| v.parse().unwrap());
    let warmup: usize = a.get(7).map_or(0, |v| v.parse().unwrap());
    let ca_pem = std::fs::read(ca).unwrap();
    let mut send: Box<dyn FnMut(usize)> = match client.as_str() {
        "sdk" => {
            let mut o = ClientOptions::new(key.as_str());
            o.base_url = Some(url.clone());
            o.max_retries = 0;
            o.rate_limits = RateLimits {
                per_second: 100_000,
                per_minute: 1_000_000,
                ..RateLimits::default()
            };
            let tls = TlsOptions {
                ca_cert_pem: Some(ca_pem),
            };
            let c = blocking::Client::new(o, tls).unwrap();
            Box::new(move |i| {
                c.call("emails.send", mail(i)).unwrap();
            })
        }
        "reqwest" => {
            let cert = reqwest::Certificate::from_pem(&ca_pem).unwrap();
            let c = reqwest::blocking::Client::builder()
                .add_root_certificate(cert)
                .build()
                .unwrap();
            let endpoint = format!("{url}/mails/send");
            let auth = format!("Bearer {key}");
            Box::new(move |i| {
                let r = c
                    .post(&endpoint)
                    .header("authorization", &auth)
                    .header("content-type", "application/json")
                    .body(serde_json::to_vec(&mail(i)).unwrap())
                    .send()
                    .unwrap();
                assert!(r.status().is_success(), "HTTP {}", r.status());
                let v: serde_json::Value = r.json().unwrap();
                std::hint::black_box(v);
            })
        }
        other => panic!("unknown client {other}"),
    };
    for i in 0..warmup {
        send(i);
    }
    let (c0, t0) = (cpu_s(), Instant::now());
    for i in 0..n {
        send(i);
    }
    let wall = t0.elapsed().as_secs_f64();
    println!(
        "{}",
        json!({"lang": "rust", "client": client, "scenario": scenario, "n": n,
               "wall_s": wall, "cpu_s": cpu_s() - c0, "rss_mb": rss_mb()})
    );
}
