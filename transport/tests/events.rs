//! Call events reach the listener and the `log` facade (issue 15 item 5); the `User-Agent`
//! carries `app_info` (item 6); no event or log line holds the key.

mod common;

use autosend::{AppInfo, Event};
use autosend_http::blocking;
use serde_json::json;
use std::sync::{Arc, Mutex};

static LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;
impl log::Log for Capture {
    fn enabled(&self, m: &log::Metadata) -> bool {
        m.target() == autosend_http::LOG_TARGET
    }
    fn log(&self, r: &log::Record) {
        if self.enabled(r.metadata()) {
            LINES
                .lock()
                .unwrap()
                .push(format!("{} {}", r.level(), r.args()));
        }
    }
    fn flush(&self) {}
}

#[test]
fn events_go_to_the_listener_and_to_log_without_the_key() {
    log::set_logger(&Capture).unwrap();
    log::set_max_level(log::LevelFilter::Debug);
    let sb = common::Sandbox::fast();
    let key = sb.project_key();
    let mut o = sb.options(&key, None);
    o.app_info = Some(AppInfo {
        name: "EventsTest".into(),
        version: Some("2.0".into()),
        url: Some("https://example.com/app".into()),
    });
    let client = blocking::Client::new(o, sb.tls()).unwrap();
    let seen: Arc<Mutex<Vec<Event>>> = Arc::default();
    let s = seen.clone();
    client.on_event(Some(Arc::new(move |e: &Event| {
        s.lock().unwrap().push(e.clone())
    })));
    let r = client
        .call(
            "emails.send",
            json!({"from": {"email": "a@example.com"}, "to": {"email": "b@example.com"},
                   "subject": "events", "html": "<p>hi</p>"}),
        )
        .unwrap();
    let ev = seen.lock().unwrap().clone();
    let kinds: Vec<&str> = ev.iter().map(|e| e.kind.name()).collect();
    assert_eq!(kinds, ["request", "response", "done"]);
    assert_eq!(ev[0].path, "/v1/mails/send");
    assert_eq!(ev[0].method, "POST");
    assert_eq!(ev[1].status, Some(200));
    assert!(ev[1].request_id.is_some());
    assert_eq!(ev[2].request_id.as_deref(), r.request_id.as_deref());
    let lines = LINES.lock().unwrap().clone();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(
        lines[0].starts_with("DEBUG emails.send POST /v1/mails/send"),
        "{lines:?}"
    );
    let all = format!("{ev:?} {lines:?}");
    assert!(!all.contains(&key), "an event holds the key");
    // The server saw the User-Agent the core built, with the app's part.
    let msgs = sb.admin_get("/_sandbox/messages");
    let ua = msgs
        .as_array()
        .and_then(|m| m.last())
        .or(msgs["messages"].as_array().and_then(|m| m.last()))
        .unwrap()["userAgent"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(ua.starts_with("autosend/"), "{ua}");
    assert!(
        ua.ends_with(" EventsTest/2.0 (+https://example.com/app)"),
        "{ua}"
    );
}
