//! Driver of `scripts/realtime-limits.sh`: `n` sequential sends through one blocking client at
//! the API's limits, against the sandbox named by the arguments. A 429 is counted and the send
//! repeated (the client does not retry by itself here). Prints one JSON line.
//!
//! `cargo run -p autosend-http --example realtime_limits -- URL CA_FILE KEY N`

use autosend::ClientOptions;
use autosend_http::{blocking, TlsOptions};
use serde_json::json;
use std::time::Instant;

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let (url, ca, key, n) = (&a[1], &a[2], &a[3], a[4].parse::<usize>().unwrap());
    let mut o = ClientOptions::new(key.as_str());
    o.base_url = Some(url.clone());
    o.max_retries = 0;
    let tls = TlsOptions {
        ca_cert_pem: Some(std::fs::read(ca).unwrap()),
    };
    let c = blocking::Client::new(o, tls).unwrap();
    let (mut ok, mut refused) = (0, 0);
    let t0 = Instant::now();
    while ok < n {
        let r = c.call(
            "emails.send",
            json!({"from": {"email": "hello@mail.example.com"}, "to": {"email": "a@example.com"},
                   "subject": format!("m{ok}"), "html": "<p>hi</p>"}),
        );
        match r {
            Ok(_) => ok += 1,
            Err(e) if e.status() == Some(429) => refused += 1,
            Err(e) => panic!("{e}"),
        }
    }
    let s = t0.elapsed().as_secs_f64();
    println!(
        "{}",
        json!({"lang": "rust", "accepted": ok, "r429": refused, "makespan_s": s})
    );
}
