//! Benchmark driver of `bench/run.sh` (Rust): one client, one scenario, one JSON line.
//! Scenarios `seq` (N sequential sends after WARMUP) and `startup` (one send): `sdk` is this
//! crate's blocking client, `reqwest` raw `reqwest::blocking` with one reused client (both run
//! their I/O on a thread of their own and keep one TLS connection alive). Scenario `par` (N
//! sends, INFLIGHT at a time, default 16, on one tokio runtime): `sdk-async` is this crate's
//! async client, `reqwest-async` raw async `reqwest`. Every client speaks HTTP/1.1 (the
//! sandbox offers no h2).
//!
//! `cargo run --release -p autosend-http --example bench_send -- CLIENT SCENARIO URL CA KEY N [WARMUP [INFLIGHT]]`

use autosend::{ClientOptions, RateLimits};
use autosend_http::{blocking, TlsOptions};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
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

fn sdk_options(url: &str, key: &str) -> ClientOptions {
    let mut o = ClientOptions::new(key);
    o.base_url = Some(url.to_string());
    o.max_retries = 0;
    o.rate_limits = RateLimits {
        per_second: 100_000,
        per_minute: 1_000_000,
        ..RateLimits::default()
    };
    o
}

/// One async send of either client.
#[derive(Clone)]
enum Async {
    Sdk(autosend_http::Client),
    Raw(reqwest::Client, Arc<(String, String)>),
}

impl Async {
    async fn send(&self, i: usize) {
        match self {
            Async::Sdk(c) => {
                c.call("emails.send", mail(i)).await.unwrap();
            }
            Async::Raw(c, ea) => {
                let r = c
                    .post(&ea.0)
                    .header("authorization", &ea.1)
                    .header("content-type", "application/json")
                    .body(serde_json::to_vec(&mail(i)).unwrap())
                    .send()
                    .await
                    .unwrap();
                assert!(r.status().is_success(), "HTTP {}", r.status());
                let v: serde_json::Value = r.json().await.unwrap();
                std::hint::black_box(v);
            }
        }
    }
}

/// `par`: INFLIGHT tasks share N sends (after each warmed its connection up); wall and CPU.
fn par(
    client: &str,
    url: &str,
    ca_pem: Vec<u8>,
    key: &str,
    n: usize,
    warmup: usize,
    inflight: usize,
) -> (f64, f64) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let c = rt.block_on(async {
        match client {
            "sdk-async" => {
                let tls = TlsOptions {
                    ca_cert_pem: Some(ca_pem),
                };
                Async::Sdk(autosend_http::Client::new(sdk_options(url, key), tls).unwrap())
            }
            "reqwest-async" => {
                let cert = reqwest::Certificate::from_pem(&ca_pem).unwrap();
                let c = reqwest::Client::builder()
                    .add_root_certificate(cert)
                    .build()
                    .unwrap();
                Async::Raw(
                    c,
                    Arc::new((format!("{url}/mails/send"), format!("Bearer {key}"))),
                )
            }
            other => panic!("unknown client {other} for par"),
        }
    });
    let inflight = inflight.max(1);
    let warm_each = (warmup / inflight).max(1);
    rt.block_on(async {
        let tasks: Vec<_> = (0..inflight)
            .map(|_| {
                let c = c.clone();
                tokio::spawn(async move {
                    for i in 0..warm_each {
                        c.send(i).await;
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
    });
    let next = Arc::new(AtomicUsize::new(0));
    let (c0, t0) = (cpu_s(), Instant::now());
    rt.block_on(async {
        let tasks: Vec<_> = (0..inflight)
            .map(|_| {
                let (c, next) = (c.clone(), next.clone());
                tokio::spawn(async move {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= n {
                            break;
                        }
                        c.send(i).await;
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
    });
    (t0.elapsed().as_secs_f64(), cpu_s() - c0)
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let (client, scenario, url, ca, key) = (&a[1], &a[2], &a[3], &a[4], &a[5]);
    let n: usize = a.get(6).map_or(1, |v| v.parse().unwrap());
    let warmup: usize = a.get(7).map_or(0, |v| v.parse().unwrap());
    let inflight: usize = a.get(8).map_or(16, |v| v.parse().unwrap());
    let ca_pem = std::fs::read(ca).unwrap();
    if scenario == "par" {
        let (wall, cpu) = par(client, url, ca_pem, key, n, warmup, inflight);
        println!(
            "{}",
            json!({"lang": "rust", "client": client, "scenario": scenario, "n": n,
                   "wall_s": wall, "cpu_s": cpu, "rss_mb": rss_mb()})
        );
        return;
    }
    let mut send: Box<dyn FnMut(usize)> = match client.as_str() {
        "sdk" => {
            let o = sdk_options(url, key);
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
