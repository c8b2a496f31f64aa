//! One sender process of the multi-process shared-budget test (tests/multiprocess/run.sh):
//! sends mails `MP_INDEX, MP_INDEX + MP_PROCS, …` below `MP_TOTAL` with the key, base URL,
//! CA and Redis from `AUTOSEND_*`, windows `MP_SECOND_MS`/`MP_MINUTE_MS`; prints one JSON line.
use autosend::ClientOptions;
use autosend_http::{blocking::Client, TlsOptions};
use std::time::{SystemTime, UNIX_EPOCH};

fn var(n: &str) -> u64 {
    std::env::var(n)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{n} not set"))
}

fn epoch_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

fn main() {
    let (idx, procs, total) = (var("MP_INDEX"), var("MP_PROCS"), var("MP_TOTAL"));
    let tag = std::env::var("MP_TAG").unwrap_or_default();
    let mut o = ClientOptions::new("");
    o.fill_from_env(|n| std::env::var(n).ok());
    o.rate_limits.second_ms = var("MP_SECOND_MS");
    o.rate_limits.minute_ms = var("MP_MINUTE_MS");
    o.max_retries = var("MP_MAX_RETRIES") as u32;
    let tls = match std::env::var_os("AUTOSEND_CA_FILE") {
        Some(p) => TlsOptions::with_ca_file(p.as_ref()).unwrap(),
        None => TlsOptions::default(),
    };
    let client = Client::new(o, tls).unwrap();
    let (mut sent, mut failed, mut first, mut last) = (0, vec![], None, 0);
    let mut n = idx;
    while n < total {
        let t = epoch_ms();
        let params = serde_json::json!({
            "from": {"email": "mp@mail.example.com"},
            "to": {"email": format!("mp-{tag}-{n}@example.com")},
            "subject": format!("multi-process {n}"),
            "html": "<p>shared budget</p>",
        });
        match client.call("emails.send", params) {
            Ok(_) => sent += 1,
            Err(e) => failed.push(serde_json::json!([n, e.kind().name()])),
        }
        first.get_or_insert(t);
        last = epoch_ms();
        n += procs;
    }
    println!(
        "{}",
        serde_json::json!({"lang": "rust", "index": idx, "sent": sent, "failed": failed,
                           "first_ms": first, "last_ms": last})
    );
    std::process::exit(if failed.is_empty() { 0 } else { 1 });
}
