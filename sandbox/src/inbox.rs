//! The web inbox: `/` lists received mail, `/messages/{id}` shows one. Mail HTML is shown
//! inert: escaped into an `<iframe sandbox srcdoc>` (no scripts) under a strict CSP
//! (no remote loads).

use crate::state::App;
use crate::util::html_escape as esc;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde_json::Value;
use std::sync::Arc;

/// The Content-Security-Policy of every inbox page (inherited by the srcdoc iframes).
pub const CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'self'; \
                       base-uri 'none'; form-action 'none'; connect-src 'none'; script-src 'none'";

const STYLE: &str = "body{font-family:sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;width:100%}\
td,th{border-bottom:1px solid #ddd;padding:.35em .5em;text-align:left;vertical-align:top}\
iframe{width:100%;height:24em;border:1px solid #aaa}pre{white-space:pre-wrap;background:#f6f6f6;padding:.6em}\
.muted{color:#777;font-size:.9em}";

fn page(title: &str, body: String) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>{body}</body></html>",
        esc(title)
    );
    let mut r = Html(html).into_response();
    let h = r.headers_mut();
    h.insert("content-security-policy", HeaderValue::from_static(CSP));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.insert("cache-control", HeaderValue::from_static("no-store"));
    r
}

fn s<'a>(m: &'a Value, k: &str) -> &'a str {
    m.get(k).and_then(Value::as_str).unwrap_or("")
}

fn addr(v: Option<&Value>) -> String {
    match v {
        Some(a) => {
            let email = a.get("email").and_then(Value::as_str).unwrap_or("");
            match a.get("name").and_then(Value::as_str) {
                Some(n) if !n.is_empty() => format!("{n} <{email}>"),
                _ => email.to_string(),
            }
        }
        None => String::new(),
    }
}

/// `GET /`: the list, newest first.
pub async fn list(State(app): State<Arc<App>>) -> Response {
    let msgs = app.lock().messages.clone();
    let mut rows = String::new();
    for m in msgs.iter().rev() {
        let id = s(m, "id");
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td><a href=\"/messages/{}\">{}</a></td><td class=\"muted\">{}</td></tr>",
            esc(s(m, "receivedAt")),
            esc(&addr(m.get("from"))),
            esc(&addr(m.get("to"))),
            esc(id),
            esc(if s(m, "subject").is_empty() { "(no subject)" } else { s(m, "subject") }),
            esc(s(m, "userAgent")),
        ));
    }
    let body = format!(
        "<h1>AutoSend sandbox inbox</h1><p class=\"muted\">{} message(s). Nothing here is ever delivered.</p>\
         <table><thead><tr><th>Time</th><th>From</th><th>To</th><th>Subject</th><th>Sent by (User-Agent)</th></tr></thead><tbody>{rows}</tbody></table>",
        msgs.len()
    );
    page("AutoSend sandbox inbox", body)
}

/// `GET /messages/{id}`: one message.
pub async fn show(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    let found = app
        .lock()
        .messages
        .iter()
        .find(|m| m.get("id").and_then(Value::as_str) == Some(id.as_str()))
        .cloned();
    let Some(m) = found else {
        let mut r = page(
            "Not found",
            "<h1>Message not found</h1><p><a href=\"/\">Back to the inbox</a></p>".into(),
        );
        *r.status_mut() = StatusCode::NOT_FOUND;
        return r;
    };
    let list = |k: &str| {
        m.get(k)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|x| addr(Some(x)))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    let mut headers = String::new();
    if let Some(h) = m.get("headers").and_then(Value::as_object) {
        for (k, v) in h {
            headers.push_str(&format!(
                "<tr><td>{}</td><td>{}</td></tr>",
                esc(k),
                esc(v.as_str().unwrap_or(""))
            ));
        }
    }
    let html_part = match m.get("html").and_then(Value::as_str) {
        Some(h) => format!(
            "<h2>HTML body</h2><iframe title=\"HTML body\" sandbox=\"\" referrerpolicy=\"no-referrer\" srcdoc=\"{}\"></iframe>",
            esc(h)
        ),
        None => String::new(),
    };
    let text_part = match m.get("text").and_then(Value::as_str) {
        Some(t) => format!("<h2>Text body</h2><pre>{}</pre>", esc(t)),
        None => String::new(),
    };
    let template = match m.get("templateId").and_then(Value::as_str) {
        Some(t) => format!("<p>Template: <code>{}</code></p>", esc(t)),
        None => String::new(),
    };
    let subject = if s(&m, "subject").is_empty() {
        "(no subject)"
    } else {
        s(&m, "subject")
    };
    let body = format!(
        "<p><a href=\"/\">&larr; Inbox</a></p><h1>{}</h1><table>\
         <tr><th>From</th><td>{}</td></tr><tr><th>To</th><td>{}</td></tr><tr><th>Cc</th><td>{}</td></tr>\
         <tr><th>Bcc</th><td>{}</td></tr><tr><th>Received</th><td>{}</td></tr><tr><th>Email id</th><td>{}</td></tr>\
         <tr><th>Project</th><td>{}</td></tr><tr><th>Key</th><td>{} ({})</td></tr><tr><th>Sent by</th><td>{}</td></tr></table>\
         {template}{text_part}{html_part}<h2>Request headers</h2><table>{headers}</table>",
        esc(subject),
        esc(&addr(m.get("from"))),
        esc(&addr(m.get("to"))),
        esc(&list("cc")),
        esc(&list("bcc")),
        esc(s(&m, "receivedAt")),
        esc(s(&m, "id")),
        esc(s(&m, "projectId")),
        esc(s(&m, "key")),
        esc(s(&m, "keyKind")),
        esc(s(&m, "userAgent")),
    );
    page(subject, body)
}
