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
                       base-uri 'none'; form-action 'self'; connect-src 'none'; script-src 'none'";

const STYLE: &str = "body{font-family:sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;width:100%}\
td,th{border-bottom:1px solid #ddd;padding:.35em .5em;text-align:left;vertical-align:top}\
iframe{width:100%;height:24em;border:1px solid #aaa}pre{white-space:pre-wrap;background:#f6f6f6;padding:.6em}\
.muted{color:#777;font-size:.9em}.error{background:#fee;border:1px solid #d33;padding:.6em}.tabs>input{position:absolute;opacity:0}.tabs>label{display:inline-block;padding:.4em .9em;border:1px solid #aaa;border-bottom:none;cursor:pointer}.tabs>input:checked+label{background:#3a7bd5;color:#fff}.tabs>input:focus-visible+label{outline:2px solid #e08000}.tabs>.panel{display:none;border-top:1px solid #aaa;padding-top:.5em}#t-html:checked~#p-html,#t-text:checked~#p-text,#t-src:checked~#p-src,#t-hdr:checked~#p-hdr{display:block}form.ev{display:inline}nav a{margin-right:1em}@media (prefers-color-scheme:dark){body{background:#1b1b1b;color:#ddd}pre{background:#262626}td,th{border-color:#444}.error{background:#402020}}";

/// An inbox page: `body` inside the shared layout, with the inbox CSP.
pub fn page(title: &str, body: String) -> Response {
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

/// The subject as the recipient sees it (rendered with `dynamicData`).
fn shown_subject(m: &Value) -> String {
    let r = m
        .pointer("/rendered/subject")
        .and_then(Value::as_str)
        .unwrap_or_else(|| s(m, "subject"));
    if r.is_empty() {
        "(no subject)".into()
    } else {
        r.to_string()
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
            esc(&shown_subject(m)),
            esc(s(m, "userAgent")),
        ));
    }
    let body = format!(
        "<nav><a href=\"/\">Inbox</a><a href=\"/requests\">API request log</a></nav><h1>AutoSend sandbox inbox</h1><p class=\"muted\">{} message(s). Nothing here is ever delivered.</p>\
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
    let rendered = |k: &str| {
        m.pointer(&format!("/rendered/{k}"))
            .and_then(Value::as_str)
            .or_else(|| m.get(k).and_then(Value::as_str))
            .map(str::to_string)
    };
    let html_panel = match rendered("html") {
        Some(h) => format!(
            "<iframe title=\"HTML body\" sandbox=\"\" referrerpolicy=\"no-referrer\" srcdoc=\"{}\"></iframe>",
            esc(&h)
        ),
        None => "<p class=\"muted\">(no HTML part)</p>".into(),
    };
    let text_panel = match rendered("text") {
        Some(t) => format!("<pre id=\"text-body\">{}</pre>", esc(&t)),
        None => "<p class=\"muted\">(no text part)</p>".into(),
    };
    let source =
        serde_json::to_string_pretty(m.get("body").unwrap_or(&Value::Null)).unwrap_or_default();
    let error = match m.get("renderError").and_then(Value::as_str) {
        Some(e) => format!(
            "<p class=\"error\" id=\"render-error\">Template error: {}</p>",
            esc(e)
        ),
        None => String::new(),
    };
    let template = match m.get("templateId").and_then(Value::as_str) {
        Some(t) => format!("<p>Template: <code>{}</code></p>", esc(t)),
        None => String::new(),
    };
    let mut attachments = String::new();
    if let Some(a) = m.pointer("/body/attachments").and_then(Value::as_array) {
        for (i, att) in a.iter().enumerate() {
            let name = att
                .get("fileName")
                .or_else(|| att.get("filename"))
                .and_then(Value::as_str)
                .unwrap_or("attachment");
            attachments.push_str(&format!(
                "<li><a href=\"/messages/{}/attachments/{i}\" download>{}</a></li>",
                esc(&id),
                esc(name)
            ));
        }
    }
    if !attachments.is_empty() {
        attachments = format!("<h2>Attachments</h2><ul>{attachments}</ul>");
    }
    let mut buttons = String::new();
    for (ev, _) in crate::triggers::TRIGGERS.iter().skip(2) {
        buttons.push_str(&format!(
            "<form class=\"ev\" method=\"post\" action=\"/_sandbox/events\"><input type=\"hidden\" name=\"emailId\" value=\"{}\">\
             <input type=\"hidden\" name=\"type\" value=\"{ev}\"><button type=\"submit\">{ev}</button></form> ",
            esc(&id)
        ));
    }
    let subject = shown_subject(&m);
    let subject = subject.as_str();
    let body = format!(
        "<nav><a href=\"/\">&larr; Inbox</a><a href=\"/requests\">API request log</a></nav><h1 id=\"subject\">{}</h1>{error}<table>\
         <tr><th>From</th><td>{}</td></tr><tr><th>To</th><td>{}</td></tr><tr><th>Cc</th><td>{}</td></tr>\
         <tr><th>Bcc</th><td>{}</td></tr><tr><th>Received</th><td>{}</td></tr><tr><th>Email id</th><td>{}</td></tr>\
         <tr><th>Project</th><td>{}</td></tr><tr><th>Key</th><td>{} ({})</td></tr><tr><th>Sent by</th><td>{}</td></tr></table>\
         {template}<div class=\"tabs\">\
         <input type=\"radio\" name=\"tab\" id=\"t-html\" checked><label for=\"t-html\">HTML</label>\
         <input type=\"radio\" name=\"tab\" id=\"t-text\"><label for=\"t-text\">Text</label>\
         <input type=\"radio\" name=\"tab\" id=\"t-src\"><label for=\"t-src\">Source (JSON)</label>\
         <input type=\"radio\" name=\"tab\" id=\"t-hdr\"><label for=\"t-hdr\">Request headers</label>\
         <div class=\"panel\" id=\"p-html\">{html_panel}</div><div class=\"panel\" id=\"p-text\">{text_panel}</div>\
         <div class=\"panel\" id=\"p-src\"><pre>{}</pre></div><div class=\"panel\" id=\"p-hdr\"><table>{headers}</table></div></div>\
         {attachments}<h2>Trigger a webhook event</h2><p>{buttons}</p>",
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
        esc(&source),
    );
    page(subject, body)
}

/// `GET /messages/{id}/attachments/{n}`: an attachment's bytes (base64 `content` decoded).
pub async fn attachment(
    State(app): State<Arc<App>>,
    Path((id, n)): Path<(String, usize)>,
) -> Response {
    use base64::Engine as _;
    let att = app
        .lock()
        .messages
        .iter()
        .find(|m| m.get("id").and_then(Value::as_str) == Some(id.as_str()))
        .and_then(|m| m.pointer(&format!("/body/attachments/{n}")).cloned());
    let Some(att) = att else {
        return (StatusCode::NOT_FOUND, "no such attachment").into_response();
    };
    let name: String = att
        .get("fileName")
        .or_else(|| att.get("filename"))
        .and_then(Value::as_str)
        .unwrap_or("attachment")
        .chars()
        .filter(|c| *c != '"' && *c != '\\' && !c.is_control())
        .collect();
    let bytes = att
        .get("content")
        .and_then(Value::as_str)
        .and_then(|c| {
            base64::engine::general_purpose::STANDARD
                .decode(c.trim())
                .ok()
        })
        .unwrap_or_default();
    (
        [
            ("content-type", "application/octet-stream".to_string()),
            (
                "content-disposition",
                format!("attachment; filename=\"{name}\""),
            ),
            ("x-content-type-options", "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response()
}
