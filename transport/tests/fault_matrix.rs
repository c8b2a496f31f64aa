//! The cross-language fault matrix (`tests/faults/matrix.json`) through the native transport:
//! every case against the in-process sandbox or the misbehaving server. The Node, Python and C
//! suites run the same file.

mod common;

use autosend::{ClientOptions, Error};
use autosend_http::{blocking, TlsOptions};
use common::Sandbox;
use serde_json::{json, Value};
use std::time::Instant;

const LANG: &str = "rust";

fn matrix() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/faults/matrix.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The case's pending reason for this language, if any.
fn pending(case: &Value) -> Option<String> {
    match &case["pending"] {
        Value::String(s) => Some(s.clone()),
        Value::Object(m) => m.get(LANG).and_then(Value::as_str).map(str::to_string),
        _ => None,
    }
}

/// Every text of an error a user could see or log.
fn error_texts(e: &Error) -> String {
    format!("{e} {e:?} {}", e.to_json())
}

struct Misbehave {
    info: Value,
    http: reqwest::blocking::Client,
    _rt: tokio::runtime::Runtime,
}

impl Misbehave {
    fn start() -> Misbehave {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let m = rt.block_on(autosend_sandbox::misbehave::start(0)).unwrap();
        let info = m.info();
        // The server's tasks live in `rt`; the handle itself may go.
        drop(m);
        let http = reqwest::blocking::Client::builder()
            .use_rustls_tls()
            .add_root_certificate(
                reqwest::Certificate::from_pem(info["ca_pem"].as_str().unwrap().as_bytes())
                    .unwrap(),
            )
            .build()
            .unwrap();
        Misbehave {
            info,
            http,
            _rt: rt,
        }
    }

    fn received(&self) -> Value {
        let url = format!("{}/_stats", self.info["url"].as_str().unwrap());
        self.http.get(url).send().unwrap().json::<Value>().unwrap()["received"].clone()
    }
}

fn admin_post(sb: &Sandbox, path: &str, body: Value) {
    let url = format!("{}{path}", sb.info["admin_url"].as_str().unwrap());
    let r = sb.admin.post(url).json(&body).send().unwrap();
    assert!(r.status().is_success(), "{path}: {}", r.status());
}

fn count(v: &Value, name: &str) -> u64 {
    v[name].as_u64().unwrap_or(0)
}

#[test]
fn fault_matrix() {
    let m = matrix();
    let sb = Sandbox::fast();
    let mb = Misbehave::start();
    let defaults = &m["client"];
    let mut failures = Vec::new();
    let mut ran = 0;
    let t0 = Instant::now();
    for (i, case) in m["cases"].as_array().unwrap().iter().enumerate() {
        let name = case["name"].as_str().unwrap();
        if let Some(why) = pending(case) {
            println!("PENDING {name}: {why}");
            continue;
        }
        let class = &m["classes"][case["class"].as_str().unwrap()];
        let endpoint = class["endpoint"].as_str().unwrap();
        // A fresh key per case: its own rate-limit budget, and a secret to look for.
        let key = format!("AS_matrix{i}x{}", 7_000_000 + i * 7919);
        let secret = key.trim_start_matches("AS_").to_string();
        let mut o = ClientOptions::new(&key);
        o.max_retries = defaults["max_retries"].as_u64().unwrap() as u32;
        o.timeout_ms = defaults["timeout_ms"].as_u64().unwrap();
        o.deadline_ms = defaults["deadline_ms"].as_u64();
        let (ca, before) = match case["server"].as_str().unwrap() {
            "sandbox" => {
                admin_post(&sb, "/_sandbox/keys", json!({"key": key}));
                admin_post(
                    &sb,
                    "/_sandbox/faults",
                    json!({"path": class["path"], "times": 1, "fault": case["fault"]}),
                );
                o.base_url = Some(sb.url());
                (
                    sb.ca_pem.clone(),
                    sb.admin_get("/_sandbox/stats")["processed"].clone(),
                )
            }
            _ => {
                let b = case["behaviour"].as_str().unwrap();
                o.base_url = Some(if b == "tlsstall" {
                    format!("{}/v1", mb.info["stall_url"].as_str().unwrap())
                } else {
                    format!("{}/{b}/v1", mb.info["url"].as_str().unwrap())
                });
                (
                    mb.info["ca_pem"].as_str().unwrap().as_bytes().to_vec(),
                    mb.received(),
                )
            }
        };
        let c = blocking::Client::new(
            o,
            TlsOptions {
                ca_cert_pem: Some(ca),
            },
        )
        .unwrap();
        let started = Instant::now();
        let got = c.call(endpoint, class["params"].clone());
        let took = started.elapsed();
        ran += 1;
        let exp = &case["expect"];
        let mut problems = Vec::new();
        match &got {
            Ok(r) => {
                if exp["ok"] != true {
                    problems.push(format!(
                        "succeeded (status {}), expected an error",
                        r.status
                    ));
                }
            }
            Err(e) => {
                let kind = e.kind().name();
                if exp["ok"] == true {
                    problems.push(format!("failed with {kind}: {e}"));
                }
                if let Some(k) = exp["error"].as_str() {
                    if k != kind {
                        problems.push(format!("kind {kind}, expected {k} ({e})"));
                    }
                }
                if let Some(ks) = exp["error_in"].as_array() {
                    if !ks.iter().any(|k| k == kind) {
                        problems.push(format!("kind {kind}, expected one of {ks:?} ({e})"));
                    }
                }
                if let Some(s) = exp["status"].as_u64() {
                    if e.status() != Some(s as u16) {
                        problems.push(format!("status {:?}, expected {s}", e.status()));
                    }
                }
                if let Some(d) = exp["may_have_been_delivered"].as_bool() {
                    if e.may_have_been_delivered() != d {
                        problems.push(format!(
                            "may_have_been_delivered {}, expected {d}",
                            e.may_have_been_delivered()
                        ));
                    }
                }
                if error_texts(e).contains(&secret) {
                    problems.push("the key appears in the error".to_string());
                }
            }
        }
        match case["server"].as_str().unwrap() {
            "sandbox" => {
                let after = sb.admin_get("/_sandbox/stats")["processed"].clone();
                let n = count(&after, endpoint) - count(&before, endpoint);
                if let Some(want) = exp["processed"].as_u64() {
                    if n != want {
                        problems.push(format!("processed {n} times, expected {want}"));
                    }
                }
                if let Some(max) = exp["processed_at_most"].as_u64() {
                    if n > max {
                        problems.push(format!("processed {n} times, expected at most {max}"));
                    }
                }
                // A case's fault must not leak into the next one.
                let url = format!("{}/_sandbox/faults", sb.info["admin_url"].as_str().unwrap());
                sb.admin.delete(url).send().unwrap();
            }
            _ => {
                let after = mb.received();
                if let Some(want) = exp["received"].as_object() {
                    for (b, n) in want {
                        let got = count(&after, b) - count(&before, b);
                        if Some(got) != n.as_u64() {
                            problems.push(format!("{b} received {got} requests, expected {n}"));
                        }
                    }
                }
            }
        }
        println!(
            "{name}: {:?} in {took:?}",
            got.as_ref().map(|r| r.status).map_err(|e| e.kind().name())
        );
        if !problems.is_empty() {
            failures.push(format!("{name}: {}", problems.join("; ")));
        }
    }
    println!("fault matrix: {ran} cases in {:?}", t0.elapsed());
    assert!(
        failures.is_empty(),
        "fault matrix failures:\n{}",
        failures.join("\n")
    );
}
