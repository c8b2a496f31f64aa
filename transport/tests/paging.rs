//! Auto-pagination and chunked bulk writes against the local sandbox (in-process, HTTPS, its
//! CA trusted explicitly, rate limits off on both sides).

use autosend::chunk::Status;
use autosend::{ClientOptions, ErrorKind, RateLimits};
use autosend_http::{blocking, TlsOptions};
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::collections::BTreeSet;

struct Sandbox {
    info: Value,
    admin: reqwest::blocking::Client,
    ca_pem: Vec<u8>,
    _sandbox: autosend_sandbox::InProcess,
}

impl Sandbox {
    fn fast() -> Sandbox {
        let sandbox = autosend_sandbox::InProcess::start(&[
            "--rate-per-second",
            "100000",
            "--rate-per-minute",
            "1000000",
        ])
        .unwrap();
        let ca_pem = sandbox.ca_pem.clone();
        let admin = reqwest::blocking::Client::builder()
            .use_rustls_tls()
            .add_root_certificate(reqwest::Certificate::from_pem(&ca_pem).unwrap())
            .build()
            .unwrap();
        Sandbox {
            info: sandbox.info().clone(),
            admin,
            ca_pem,
            _sandbox: sandbox,
        }
    }
    fn admin_url(&self, path: &str) -> String {
        format!("{}{path}", self.info["admin_url"].as_str().unwrap())
    }
    fn stats(&self) -> Value {
        self.admin
            .get(self.admin_url("/_sandbox/stats"))
            .send()
            .unwrap()
            .json()
            .unwrap()
    }
    fn processed(&self, endpoint: &str) -> u64 {
        self.stats()["processed"][endpoint].as_u64().unwrap_or(0)
    }
    fn fault(&self, rule: Value) {
        let r = self
            .admin
            .post(self.admin_url("/_sandbox/faults"))
            .json(&rule)
            .send()
            .unwrap();
        assert!(
            r.status().is_success(),
            "fault rule refused: {}",
            r.status()
        );
    }
    fn options(&self) -> ClientOptions {
        let key = self.info["keys"]["project"][0]["key"].as_str().unwrap();
        let mut o = ClientOptions::new(key);
        o.base_url = Some(self.info["url"].as_str().unwrap().to_string());
        o.timeout_ms = 10_000;
        o.max_retries = 0;
        o.rate_limits = RateLimits {
            per_second: 100_000,
            per_minute: 1_000_000,
            ..Default::default()
        };
        o
    }
    fn tls(&self) -> TlsOptions {
        TlsOptions {
            ca_cert_pem: Some(self.ca_pem.clone()),
        }
    }
    fn client(&self) -> blocking::Client {
        blocking::Client::new(self.options(), self.tls()).unwrap()
    }
}

fn contacts(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| json!({"email": format!("p{i:04}@example.com"), "firstName": format!("P{i}")}))
        .collect()
}

fn emails_of(items: &[Value]) -> BTreeSet<String> {
    items
        .iter()
        .map(|c| c["email"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn bulk_update_250_then_list_them_back_page_by_page() {
    let sb = Sandbox::fast();
    let c = sb.client();
    let mut seen = Vec::new();
    let report = c
        .bulk_all(
            "contacts.bulkUpdate",
            json!({"contacts": contacts(250), "runWorkflow": false}),
            |p| seen.push((p.chunks_done, p.chunks_total, p.items_done)),
        )
        .unwrap();
    assert!(report.all_accepted(), "{}", report.describe());
    assert_eq!(seen, [(1, 3, 100), (2, 3, 200), (3, 3, 250)]);
    assert_eq!(report.chunks[2].data.as_ref().unwrap()["successCount"], 50);
    assert_eq!(sb.processed("contacts.bulkUpdate"), 3);

    let before = sb.processed("contactLists.searchContacts");
    let mut pages = c
        .paginate(
            "contactLists.searchContacts",
            json!({"contactListId": "GLOBAL_CONTACT_LIST"}),
        )
        .unwrap();
    let listed: Vec<Value> = pages.by_ref().collect::<Result<_, _>>().unwrap();
    assert_eq!(pages.failed_page(), None);
    assert_eq!(listed.len(), 250, "every contact once");
    assert_eq!(emails_of(&listed), emails_of(&contacts(250)));
    assert_eq!(pages.pager().total(), Some(250));
    // limit 100 (the documented maximum) → 3 page requests, no extra one after the last page.
    assert_eq!(sb.processed("contactLists.searchContacts") - before, 3);
}

#[test]
fn async_stream_lists_the_same_contacts() {
    let sb = Sandbox::fast();
    sb.client()
        .bulk_all(
            "contacts.bulkUpdate",
            json!({"contacts": contacts(120)}),
            |_| {},
        )
        .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let c = autosend_http::Client::new(sb.options(), sb.tls()).unwrap();
    let (listed, failed) = rt.block_on(async {
        let mut s = c
            .paginate(
                "contactLists.searchContacts",
                json!({"contactListId": "GLOBAL_CONTACT_LIST", "limit": 50}),
            )
            .unwrap();
        let mut out = Vec::new();
        while let Some(item) = s.next().await {
            out.push(item.unwrap());
        }
        (out, s.failed_page())
    });
    assert_eq!(failed, None);
    assert_eq!(emails_of(&listed), emails_of(&contacts(120)));
    assert_eq!(listed.len(), 120);
    assert_eq!(sb.processed("contactLists.searchContacts"), 3);
    let report = rt
        .block_on(c.bulk_all(
            "contactLists.bulkAdd",
            json!({"contactListId": "GLOBAL_CONTACT_LIST",
                   "emails": (0..501).map(|i| format!("n{i}@example.com")).collect::<Vec<_>>()}),
            |_| {},
        ))
        .unwrap();
    assert_eq!(report.chunks.len(), 2);
    assert!(report.all_accepted(), "{}", report.describe());
}

#[test]
fn a_failed_page_stops_the_iterator_and_the_walk_resumes_there() {
    let sb = Sandbox::fast();
    let c = sb.client();
    c.bulk_all(
        "contacts.bulkUpdate",
        json!({"contacts": contacts(250)}),
        |_| {},
    )
    .unwrap();
    let path = "/v1/contact-lists/contacts/search";
    sb.fault(json!({"path": path, "method": "POST", "times": 1, "fault": {"latency_ms": 1}}));
    sb.fault(json!({"path": path, "method": "POST", "times": 1, "fault": {"status": 403}}));
    let params = json!({"contactListId": "GLOBAL_CONTACT_LIST"});
    let mut pages = c
        .paginate("contactLists.searchContacts", params.clone())
        .unwrap();
    let mut got = Vec::new();
    let mut error = None;
    for item in pages.by_ref() {
        match item {
            Ok(v) => got.push(v),
            Err(e) => error = Some(e),
        }
    }
    assert_eq!(error.map(|e| e.kind()), Some(ErrorKind::Permission));
    assert_eq!(got.len(), 100, "page 1 arrived before page 2 failed");
    assert_eq!(pages.failed_page(), Some(2));
    assert!(pages.next().is_none(), "the iterator stays ended");

    let mut resume = params;
    resume["page"] = json!(pages.failed_page().unwrap());
    let rest: Vec<Value> = c
        .paginate("contactLists.searchContacts", resume)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    got.extend(rest);
    assert_eq!(got.len(), 250);
    assert_eq!(emails_of(&got), emails_of(&contacts(250)));
}

#[test]
fn bulk_1001_recipients_with_the_third_chunk_lost_after_processing() {
    let sb = Sandbox::fast();
    let c = sb.client();
    let path = "/v1/mails/bulk";
    // Chunks 1-2 pass a harmless rule; chunk 3 is processed, then the connection is reset
    // before the answer: its outcome is unknown to the client.
    sb.fault(json!({"path": path, "method": "POST", "times": 2, "fault": {"latency_ms": 1}}));
    sb.fault(json!({"path": path, "method": "POST", "times": 1, "fault": {"reset": "after"}}));
    let recipients: Vec<Value> = (0..1001)
        .map(|i| json!({"email": format!("r{i:04}@example.com")}))
        .collect();
    let mut last = None;
    let report = c
        .bulk_all(
            "emails.bulk",
            json!({
                "from": {"email": "hello@mail.example.com"},
                "subject": "Hi", "html": "<p>Hi</p>",
                "recipients": recipients,
            }),
            |p| last = Some(*p),
        )
        .unwrap();
    let last = last.unwrap();
    assert_eq!(
        (last.chunks_done, last.chunks_total, last.items_done),
        (11, 11, 1001)
    );
    let d = report.describe();
    let statuses: Vec<&str> = report.chunks.iter().map(|c| c.status.name()).collect();
    let mut want = vec!["accepted"; 11];
    want[2] = "may_have_been_delivered";
    assert_eq!(statuses, want, "{d}");
    assert_eq!(report.count(&Status::Accepted), 901);
    assert_eq!(report.count(&Status::MayHaveBeenDelivered), 100);
    assert_eq!(
        report.items_with(&Status::MayHaveBeenDelivered),
        (200..300).collect::<Vec<_>>()
    );
    let e = report.chunks[2].error.as_ref().unwrap();
    assert!(e.may_have_been_delivered(), "{e}");
    assert!(!report.retry_safe);
    assert_eq!(d["items"].as_array().unwrap().len(), 1001);
    // The sandbox processed all 11 chunks exactly once: chunk 3 was not re-sent.
    let stats = sb.stats();
    assert_eq!(stats["processed"]["emails.bulk"], 11, "{stats}");
    assert_eq!(stats["faults_applied"], 3, "{stats}");
    let accepted: u64 = report
        .chunks
        .iter()
        .filter_map(|c| c.data.as_ref())
        .map(|d| d["successCount"].as_u64().unwrap())
        .sum();
    assert_eq!(accepted, 901);
}

#[test]
fn usage_errors_send_nothing() {
    let sb = Sandbox::fast();
    let c = sb.client();
    let e = c.paginate("senders.list", json!({})).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation);
    let e = c
        .bulk_all("emails.bulk", json!({"recipients": []}), |_| {})
        .unwrap_err();
    assert_eq!(e.field(), Some("recipients"));
    assert_eq!(sb.stats()["requests_received"], 0);
}
