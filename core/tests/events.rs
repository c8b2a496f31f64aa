//! Structured call events (issue 15 item 5) and the User-Agent the core builds (item 6).

use autosend::{
    build_user_agent, private_limiter, AppInfo, Call, Client, ClientConfig, ClientOptions, Event,
    EventKind, NameStyle, Poll, RateLimits, TransportErrorKind,
};
use serde_json::{json, Value};

const CANARY: &str = "CanarySecret7Q9Z";

fn client(max_retries: u32) -> Client {
    let mut o = ClientOptions::new(format!("AS_{CANARY}"));
    o.max_retries = max_retries;
    o.base_url = Some("https://api.example.test/v1".into());
    let config = ClientConfig::new(o).unwrap();
    Client::with_limiter(config, private_limiter(RateLimits::default()))
}

fn drain(call: &mut Call) -> Vec<Event> {
    std::iter::from_fn(|| call.poll_event()).collect()
}

fn send(call: &mut Call, now: u64) {
    assert!(matches!(call.poll(now), Poll::Send(_)));
}

#[test]
fn nothing_is_recorded_unless_asked() {
    let c = client(0);
    let mut call = c.call("contacts.get", json!({"id": "c1"}), 1).unwrap();
    assert!(!call.records_events());
    send(&mut call, 0);
    call.handle_response(0, 200, &[], br#"{"success":true,"data":{"id":"c1"}}"#);
    assert!(call.poll_event().is_none());
}

#[test]
fn a_retried_call_reports_each_step_in_order() {
    let c = client(2);
    let mut call = c.call("contacts.get", json!({"id": "c 1"}), 7).unwrap();
    call.record_events(true);
    send(&mut call, 100);
    call.handle_response(
        130,
        429,
        &[("x-request-id".into(), "req_a".into())],
        br#"{"success":false,"message":"slow down","retryAfter":2}"#,
    );
    assert!(matches!(call.poll(130), Poll::Wait(2000)));
    send(&mut call, 2130);
    call.handle_transport_error(2140, TransportErrorKind::Connect);
    let Poll::Wait(w) = call.poll(2140) else {
        panic!("expected a wait")
    };
    send(&mut call, 2140 + w);
    call.handle_response(
        2200 + w,
        200,
        &[("x-request-id".into(), "req_b".into())],
        br#"{"success":true,"data":{"id":"c 1"}}"#,
    );
    assert!(matches!(call.poll(2200 + w), Poll::Done(Ok(_))));
    let ev = drain(&mut call);
    let kinds: Vec<&str> = ev.iter().map(|e| e.kind.name()).collect();
    assert_eq!(
        kinds,
        [
            "request",
            "response",
            "retry",
            "request",
            "transport_error",
            "retry",
            "request",
            "response",
            "done"
        ]
    );
    assert_eq!(ev[0].path, "/v1/contacts/c%201");
    assert_eq!((ev[0].method, ev[0].endpoint), ("GET", "contacts.get"));
    assert_eq!(ev[1].status, Some(429));
    assert_eq!(ev[1].request_id.as_deref(), Some("req_a"));
    assert_eq!(ev[1].duration_ms, Some(30));
    assert_eq!(
        (ev[2].wait_ms, ev[2].reason),
        (Some(2000), Some("rate_limited"))
    );
    assert_eq!(ev[3].attempt, 2);
    assert_eq!(ev[4].reason, Some("connect"));
    assert_eq!((ev[5].reason, ev[5].attempt), (Some("connect"), 2));
    assert_eq!(ev[6].attempt, 3);
    let done = &ev[8];
    assert_eq!(done.ok, Some(true));
    assert_eq!(done.status, Some(200));
    assert_eq!(done.request_id.as_deref(), Some("req_b"));
    assert_eq!(done.attempt, 3);
    assert_eq!(done.duration_ms, Some(2100 + w));
    let j = done.to_json(NameStyle::Camel);
    assert_eq!(j["requestId"], "req_b");
    assert_eq!(j["kind"], "done");
    let j = done.to_json(NameStyle::Snake);
    assert_eq!(j["request_id"], "req_b");
    assert!(j.get("wait_ms").is_none());
}

#[test]
fn a_failed_call_names_its_error_and_a_rate_limit_wait_is_reported() {
    let c = client(0);
    let limiter = c.limiter().clone();
    // Fill the second window: the next call waits.
    for _ in 0..2 {
        let mut other = c.call("contacts.get", json!({"id": "x"}), 1).unwrap();
        send(&mut other, 0);
        other.handle_response(0, 200, &[], br#"{"success":true,"data":{}}"#);
    }
    drop(limiter);
    let mut call = c.call("emails.send", json!({"from": {"email": "a@example.com"}, "to": {"email": "b@example.com"}, "subject": "s", "html": "<p>h</p>"}), 3).unwrap();
    call.record_events(true);
    let Poll::Wait(w) = call.poll(10) else {
        panic!("expected a wait")
    };
    send(&mut call, 10 + w);
    call.handle_response(20 + w, 500, &[], br#"{"success":false,"message":"boom"}"#);
    assert!(matches!(call.poll(20 + w), Poll::Done(Err(_))));
    let ev = drain(&mut call);
    assert_eq!(ev[0].kind, EventKind::RateLimitWait);
    assert_eq!((ev[0].wait_ms, ev[0].reason), (Some(w), Some("rate_limit")));
    let done = ev.last().unwrap();
    assert_eq!(
        (done.ok, done.error, done.status),
        (Some(false), Some("server"), Some(500))
    );
}

#[test]
fn events_never_hold_the_key_the_query_or_the_body() {
    let c = client(1);
    let mut call = c
        .call(
            "contacts.search",
            json!({"email": format!("{CANARY}@example.com")}),
            1,
        )
        .or_else(|_| c.call("contacts.get", json!({"id": CANARY}), 1))
        .unwrap();
    call.record_events(true);
    send(&mut call, 0);
    // The server echoes the key in its request id and message.
    call.handle_response(
        5,
        500,
        &[("x-request-id".into(), format!("AS_{CANARY}"))],
        format!(r#"{{"success":false,"message":"bad key AS_{CANARY}"}}"#).as_bytes(),
    );
    let _ = call.poll(5);
    let all: Vec<Value> = drain(&mut call)
        .iter()
        .flat_map(|e| {
            [
                e.to_json(NameStyle::Snake),
                json!(e.message()),
                json!(format!("{e:?}")),
            ]
        })
        .collect();
    let text = serde_json::to_string(&all).unwrap();
    assert!(!text.contains(&format!("AS_{CANARY}")), "{text}");
    assert!(!text.contains('?'), "no query string: {text}");
}

#[test]
fn the_log_threshold_is_read_once_in_the_core() {
    use autosend::event::log_threshold;
    assert_eq!(log_threshold(" DEBUG "), Some("debug"));
    assert_eq!(log_threshold("info"), Some("info"));
    for off in ["", "off", "0", "warn", "yes"] {
        assert_eq!(log_threshold(off), None, "{off}");
    }
}

#[test]
fn the_user_agent_is_built_by_the_core() {
    let app = AppInfo {
        name: "MyShop".into(),
        version: Some("1.4.2".into()),
        url: Some("https://myshop.example".into()),
    };
    let ua = build_user_agent("python/0.1.0", "CPython 3.12.1", Some(&app)).unwrap();
    assert_eq!(
        ua,
        format!(
            "autosend/{} python/0.1.0 (CPython 3.12.1) MyShop/1.4.2 (+https://myshop.example)",
            autosend::VERSION
        )
    );
    assert_eq!(
        build_user_agent("c/0.1.0", "", None).unwrap(),
        format!("autosend/{} c/0.1.0", autosend::VERSION)
    );
    for (bad, field) in [
        (
            AppInfo {
                name: "".into(),
                ..Default::default()
            },
            "app_info.name",
        ),
        (
            AppInfo {
                name: "My Shop".into(),
                ..Default::default()
            },
            "app_info.name",
        ),
        (
            AppInfo {
                name: "a/b".into(),
                ..Default::default()
            },
            "app_info.name",
        ),
        (
            AppInfo {
                name: "a".into(),
                version: Some("1\r\nX: y".into()),
                url: None,
            },
            "app_info.version",
        ),
        (
            AppInfo {
                name: "a".into(),
                version: None,
                url: Some("ftp://x".into()),
            },
            "app_info.url",
        ),
    ] {
        let e = build_user_agent("x", "", Some(&bad)).unwrap_err();
        assert_eq!(e.kind().name(), "invalid_config");
        assert_eq!(e.field(), Some(field), "{}", e.message());
    }
    let mut o = ClientOptions::new("AS_abc");
    o.app_info = Some(app);
    o.runtime = "node 22.1.0".into();
    o.user_agent = "js/0.1.0".into();
    let c = ClientConfig::new(o).unwrap();
    assert!(c
        .user_agent()
        .ends_with("js/0.1.0 (node 22.1.0) MyShop/1.4.2 (+https://myshop.example)"));
    assert_eq!(
        AppInfo::from_json(&json!({"name": "A", "colour": 1}), "appInfo")
            .unwrap_err()
            .field(),
        Some("appInfo.colour")
    );
    assert_eq!(AppInfo::from_json(&Value::Null, "appInfo").unwrap(), None);
}

#[test]
fn per_call_timeout_and_max_retries_override_the_client() {
    use autosend::CallOptions;
    let c = client(3);
    let o = CallOptions {
        timeout_ms: Some(1234),
        max_retries: Some(0),
        encrypt: None,
    };
    let mut call = c
        .call_opts("contacts.get", json!({"id": "c1"}), 1, &o)
        .unwrap();
    let Poll::Send(req) = call.poll(0) else {
        panic!("expected a send")
    };
    assert_eq!(req.timeout_ms, 1234);
    call.handle_transport_error(0, TransportErrorKind::Connect);
    // max_retries 0: the connect error ends the call at once.
    assert!(matches!(call.poll(0), Poll::Done(Err(_))));
    // The client's own options are untouched.
    let mut other = c.call("contacts.get", json!({"id": "c1"}), 1).unwrap();
    let Poll::Send(req) = other.poll(0) else {
        panic!("expected a send")
    };
    assert_eq!(req.timeout_ms, autosend::DEFAULT_TIMEOUT_MS);
    for (bad, field) in [
        (
            CallOptions {
                timeout_ms: Some(0),
                ..Default::default()
            },
            "timeout",
        ),
        (
            CallOptions {
                max_retries: Some(101),
                ..Default::default()
            },
            "max_retries",
        ),
    ] {
        let e = c
            .call_opts("contacts.get", json!({"id": "c1"}), 1, &bad)
            .unwrap_err();
        assert_eq!(
            (e.kind().name(), e.field()),
            ("invalid_config", Some(field))
        );
    }
}
