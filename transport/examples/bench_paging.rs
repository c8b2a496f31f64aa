//! Benchmark: iterate 10,000 contacts through `paginate` vs the same 100 page requests made by
//! hand with the same client, against an in-process sandbox with rate limits off on both
//! sides. Prints the medians and their ratio (target < 1.2).
//!
//! `cargo run --release -p autosend-http --example bench_paging [-- ROUNDS]`

use autosend::{ClientOptions, RateLimits};
use autosend_http::{blocking, TlsOptions};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const ITEMS: usize = 10_000;

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(7);
    let sandbox = autosend_sandbox::InProcess::start(&[
        "--rate-per-second",
        "100000",
        "--rate-per-minute",
        "1000000",
    ])
    .unwrap();
    let info = sandbox.info().clone();
    let ca = sandbox.ca_pem.clone();
    let mut o = ClientOptions::new(info["keys"]["project"][0]["key"].as_str().unwrap());
    o.base_url = Some(info["url"].as_str().unwrap().to_string());
    o.rate_limits = RateLimits {
        per_second: 100_000,
        per_minute: 1_000_000,
        ..Default::default()
    };
    let c = blocking::Client::new(
        o,
        TlsOptions {
            ca_cert_pem: Some(ca),
        },
    )
    .unwrap();

    let contacts: Vec<Value> = (0..ITEMS)
        .map(|i| json!({"email": format!("b{i:05}@example.com")}))
        .collect();
    let report = c
        .bulk_all("contacts.bulkUpdate", json!({"contacts": contacts}), |_| {})
        .unwrap();
    assert!(report.all_accepted());
    let params = json!({"contactListId": "GLOBAL_CONTACT_LIST"});

    let by_pager = || {
        let t = Instant::now();
        let mut n = 0usize;
        for item in c
            .paginate("contactLists.searchContacts", params.clone())
            .unwrap()
        {
            let item = item.unwrap();
            n += usize::from(item.get("email").is_some());
        }
        assert_eq!(n, ITEMS);
        t.elapsed()
    };
    let by_hand = || {
        let t = Instant::now();
        let mut n = 0usize;
        let mut page = 1u64;
        loop {
            let mut p = params.clone();
            p["page"] = json!(page);
            p["limit"] = json!(100);
            let r = c.call("contactLists.searchContacts", p).unwrap();
            let items = r.data["contacts"].as_array().unwrap();
            n += items.iter().filter(|i| i.get("email").is_some()).count();
            let pages = r.data["pagination"]["pages"].as_u64().unwrap();
            if items.is_empty() || page >= pages {
                break;
            }
            page += 1;
        }
        assert_eq!(n, ITEMS);
        t.elapsed()
    };
    // Warm up (connection, TLS session, allocations).
    by_pager();
    by_hand();
    let mut a = Vec::new();
    let mut b = Vec::new();
    for r in 0..rounds {
        // Alternate the order so neither side always runs first.
        if r % 2 == 0 {
            a.push(by_pager());
            b.push(by_hand());
        } else {
            b.push(by_hand());
            a.push(by_pager());
        }
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (ma, mb) = (median(&mut a), median(&mut b));
    println!(
        "{ITEMS} items, 100 pages, {rounds} rounds: paginate median {:.1} ms, by hand median \
         {:.1} ms, ratio {:.3}",
        ma.as_secs_f64() * 1e3,
        mb.as_secs_f64() * 1e3,
        ma.as_secs_f64() / mb.as_secs_f64()
    );
}
