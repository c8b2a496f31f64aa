//! End to end: the native transport against the local sandbox over HTTPS (its CA trusted
//! explicitly). Each test starts its own sandbox in-process on a free port.

use autosend::types::{Address, SendEmail};
use autosend::{ClientOptions, ErrorKind};
use autosend_http::{blocking, TlsOptions};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

struct Sandbox {
    info: Value,
    admin: reqwest::blocking::Client,
    ca_pem: Vec<u8>,
    _sandbox: autosend_sandbox::InProcess,
}

impl Sandbox {
    fn start(extra: &[&str]) -> Sandbox {
        // --lazy-jwks: no RSA key generation (seconds of CPU in a debug build) for each sandbox.
        let mut args = vec!["--lazy-jwks"];
        args.extend_from_slice(extra);
        let sandbox = autosend_sandbox::InProcess::start(&args).unwrap();
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
    fn fast() -> Sandbox {
        Sandbox::start(&[
            "--rate-per-second",
            "100000",
            "--rate-per-minute",
            "1000000",
        ])
    }
    fn url(&self) -> String {
        self.info["url"].as_str().unwrap().to_string()
    }
    fn project_key(&self) -> String {
        self.info["keys"]["project"][0]["key"]
            .as_str()
            .unwrap()
            .to_string()
    }
    fn admin_get(&self, path: &str) -> Value {
        let url = format!("{}{path}", self.info["admin_url"].as_str().unwrap());
        self.admin.get(url).send().unwrap().json().unwrap()
    }
    fn admin_post(&self, path: &str, body: Value) -> Value {
        let url = format!("{}{path}", self.info["admin_url"].as_str().unwrap());
        self.admin
            .post(url)
            .json(&body)
            .send()
            .unwrap()
            .json()
            .unwrap_or(Value::Null)
    }
    fn client(&self, key: &str, project: Option<&str>) -> blocking::Client {
        let mut o = ClientOptions::new(key);
        o.base_url = Some(self.url());
        o.project_id = project.map(str::to_string);
        o.timeout_ms = 10_000;
        blocking::Client::new(
            o,
            TlsOptions {
                ca_cert_pem: Some(self.ca_pem.clone()),
            },
        )
        .unwrap()
    }
    fn processed(&self, endpoint: &str) -> u64 {
        self.admin_get("/_sandbox/stats")["processed"][endpoint]
            .as_u64()
            .unwrap_or(0)
    }
}

fn mail(to: &str) -> SendEmail {
    let mut m = SendEmail::new(
        Address::named("hello@mail.example.com", "Hello"),
        Address::new(to),
        "Hi from Rust",
    );
    m.html = Some("<p>Hi</p>".into());
    m
}

#[test]
fn send_arrives_with_the_right_headers() {
    let sb = Sandbox::fast();
    let c = sb.client(&sb.project_key(), None);
    let sent = c.send_email(&mail("ada@example.com")).unwrap();
    assert_eq!(sent.email_id.len(), 24);
    let msgs = sb.admin_get("/_sandbox/messages");
    let m = &msgs.as_array().unwrap()[0];
    assert_eq!(m["id"], sent.email_id.as_str());
    assert_eq!(m["subject"], "Hi from Rust");
    assert!(m["userAgent"].as_str().unwrap().starts_with("autosend/"));
    assert_eq!(m["headers"]["accept"], "application/json");
    // The status of what we sent can be read back.
    let status = c
        .call("emails.status", json!({"id": sent.email_id}))
        .unwrap();
    assert_eq!(status.data["id"], sent.email_id.as_str());
}

#[test]
fn account_key_needs_and_sends_the_project_id() {
    let sb = Sandbox::fast();
    let account = sb.info["keys"]["account"][0].as_str().unwrap().to_string();
    let project = sb.info["projects"][0]["id"].as_str().unwrap().to_string();
    let without = sb.client(&account, None);
    let e = without
        .call("contacts.upsert", json!({"email": "x@example.com"}))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MissingProjectId);
    assert_eq!(
        sb.admin_get("/_sandbox/stats")["requests_received"],
        0,
        "nothing may be sent"
    );
    let with = sb.client(&account, Some(&project));
    let up = with
        .call(
            "contacts.upsert",
            json!({"email": "Grace@Example.com", "firstName": "Grace"}),
        )
        .unwrap();
    let id = up.data["id"].as_str().unwrap().to_string();
    // The same contact through the project's own key: one shared state.
    let pk = sb.client(&sb.project_key(), None);
    let got = pk.call("contacts.get", json!({"id": id})).unwrap();
    assert_eq!(got.data["email"], "grace@example.com");
    let created = with
        .call("projects.create", json!({"name": "Tenant 7"}))
        .unwrap();
    assert!(created.data["id"].is_string());
}

#[test]
fn local_scope_error_and_remote_auth_error() {
    let sb = Sandbox::fast();
    let key = sb.project_key();
    let c = sb.client(&key, None);
    assert_eq!(
        c.call("projects.list", json!({})).unwrap_err().kind(),
        ErrorKind::KeyScope
    );
    sb.admin_post("/_sandbox/keys/revoke", json!({"key": key}));
    let e = c.send_email(&mail("ada@example.com")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Authentication);
    assert_eq!(e.status(), Some(401));
    assert!(
        !format!("{e} {e:?} {c:?}").contains(&key[3..]),
        "key leaked"
    );
    // Rotation: a fresh key works without rebuilding the client.
    let fresh = sb.admin_post(
        "/_sandbox/keys",
        json!({"kind": "project", "project_id": sb.info["projects"][0]["id"]}),
    );
    c.rotate_key(fresh["key"].as_str().unwrap()).unwrap();
    c.send_email(&mail("ada@example.com")).unwrap();
}

#[test]
fn lost_answer_is_not_resent_and_is_flagged() {
    let sb = Sandbox::fast();
    let c = sb.client(&sb.project_key(), None);
    sb.admin_post(
        "/_sandbox/faults",
        json!({"path": "/v1/mails/send", "times": 1, "fault": {"reset": "after"}}),
    );
    let e = c.send_email(&mail("once@example.com")).unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::ConnectionLost | ErrorKind::Timeout),
        "{e}"
    );
    assert!(e.may_have_been_delivered());
    assert_eq!(sb.processed("emails.send"), 1, "delivered exactly once");
    // An idempotent read after the same fault is retried and succeeds.
    sb.admin_post(
        "/_sandbox/faults",
        json!({"path": "/v1/contacts/search/emails", "times": 1, "fault": {"reset": "before"}}),
    );
    let r = c
        .call(
            "contacts.searchByEmails",
            json!({"emails": ["once@example.com"]}),
        )
        .unwrap();
    assert_eq!(r.attempts, 2);
}

#[test]
fn server_429_is_waited_out_and_limits_are_respected() {
    let sb = Sandbox::start(&[]); // the real limits: 2/s, 50/min
    let key = sb.project_key();
    sb.admin_post(
        "/_sandbox/faults",
        json!({"times": 1, "fault": {"rate_limit_burst": 1, "retry_after": 1}}),
    );
    let a = sb.client(&key, None);
    let b = sb.client(&key, None); // same key: same budget
    let t0 = Instant::now();
    let h = std::thread::spawn(move || {
        (0..3)
            .map(|i| {
                b.send_email(&mail(&format!("b{i}@example.com")))
                    .map(|_| ())
            })
            .collect::<Vec<_>>()
    });
    for i in 0..3 {
        a.send_email(&mail(&format!("a{i}@example.com"))).unwrap();
    }
    for r in h.join().unwrap() {
        r.unwrap();
    }
    let took = t0.elapsed();
    let stats = sb.admin_get("/_sandbox/stats");
    assert_eq!(stats["processed"]["emails.send"], 6);
    // The injected 429 was waited out; any other 429 can only come from network jitter
    // (the guard keeps it rare) and was retried: every send went through.
    assert!(
        stats["rejected"]["RATE_LIMIT_EXCEEDED"].as_u64().unwrap() >= 1,
        "{stats}"
    );
    assert!(
        took >= Duration::from_millis(2000),
        "6 sends at 2/s take at least 2 s: {took:?}"
    );
}

#[test]
fn async_client_sends() {
    let sb = Sandbox::fast();
    let mut o = ClientOptions::new(sb.project_key());
    o.base_url = Some(sb.url());
    let c = autosend_http::Client::new(
        o,
        TlsOptions {
            ca_cert_pem: Some(sb.ca_pem.clone()),
        },
    )
    .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let r = rt
        .block_on(c.send_email(&mail("async@example.com")))
        .unwrap();
    assert_eq!(r.total_recipients, 1);
}

#[test]
fn refused_connection_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let mut o = ClientOptions::new("AS_nobodyhome123");
    o.base_url = Some(format!("https://127.0.0.1:{port}/v1"));
    o.max_retries = 1;
    let c = blocking::Client::new(o, TlsOptions::default()).unwrap();
    let e = c.send_email(&mail("x@example.com")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connect);
    assert!(!e.may_have_been_delivered());
}

#[test]
fn a_ca_file_without_a_certificate_is_refused() {
    for pem in [
        &b""[..],
        b"not a certificate",
        b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    ] {
        let e = blocking::Client::new(
            ClientOptions::new("AS_abc123"),
            TlsOptions {
                ca_cert_pem: Some(pem.to_vec()),
            },
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidConfig);
    }
}

#[test]
fn caller_thread_io_serves_threads_at_once_and_after_an_idle_second() {
    let sb = Sandbox::fast();
    let mut o = ClientOptions::new(sb.project_key());
    o.base_url = Some(sb.url());
    o.timeout_ms = 10_000;
    let c = blocking::Client::from_core_with(
        autosend::Client::new(o).unwrap(),
        TlsOptions {
            ca_cert_pem: Some(sb.ca_pem.clone()),
        },
        blocking::IoMode::CallerThread,
    )
    .unwrap();
    // Four threads share the calling-thread runtime (they take turns driving it).
    std::thread::scope(|s| {
        for t in 0..4 {
            let c = c.clone();
            s.spawn(move || {
                for i in 0..5 {
                    let sent = c
                        .send_email(&mail(&format!("t{t}-{i}@example.com")))
                        .unwrap();
                    assert_eq!(sent.email_id.len(), 24);
                }
            });
        }
    });
    assert_eq!(sb.processed("emails.send"), 20);
    // Idle past the check interval: the next call looks at the pooled connections first.
    std::thread::sleep(Duration::from_millis(1_100));
    c.send_email(&mail("after-idle@example.com")).unwrap();
    assert_eq!(sb.processed("emails.send"), 21);
}
