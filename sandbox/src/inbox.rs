//! The web inbox: `/` lists received mail (search and filters as query parameters, live
//! updates over server-sent events from `/_sandbox/stream`), `/messages/{id}` shows one
//! (tabs: rendered HTML, text, JSON source, request headers; attachments; event buttons).
//! Mail HTML is shown inert: escaped into an `<iframe sandbox srcdoc>` (no scripts, not even
//! the inbox's own) under a strict CSP (no remote loads, no script; the list page alone runs
//! the sandbox's `/_sandbox/inbox.js`).

use crate::state::App;
use crate::util::html_escape as esc;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// The Content-Security-Policy of the message and request-log pages (inherited by the srcdoc
/// iframes): no script at all, no remote loads; forms only to the sandbox (event buttons).
pub const CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'self'; \
                       base-uri 'none'; form-action 'self'; connect-src 'none'; script-src 'none'";

/// The CSP of the list page: as [`CSP`], plus the sandbox's own `/_sandbox/inbox.js` and its
/// event stream. The list shows no mail bodies.
pub const LIST_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'none'; \
                       base-uri 'none'; form-action 'self'; connect-src 'self'; script-src 'self'";

const STYLE: &str = "body{font-family:sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;width:100%}\
td,th{border-bottom:1px solid #ddd;padding:.35em .5em;text-align:left;vertical-align:top}\
iframe{width:100%;height:24em;border:1px solid #aaa}pre{white-space:pre-wrap;background:#f6f6f6;padding:.6em}\
.muted{color:#777;font-size:.9em}.error{background:#fee;border:1px solid #d33;padding:.6em}.tabs>input{position:absolute;opacity:0}.tabs>label{display:inline-block;padding:.4em .9em;border:1px solid #aaa;border-bottom:none;cursor:pointer}.tabs>input:checked+label{background:#3a7bd5;color:#fff}.tabs>input:focus-visible+label{outline:2px solid #e08000}.tabs>.panel{display:none;border-top:1px solid #aaa;padding-top:.5em}#t-html:checked~#p-html,#t-text:checked~#p-text,#t-src:checked~#p-src,#t-hdr:checked~#p-hdr{display:block}form.ev{display:inline}form.search input{margin:.2em}tr.sel{outline:2px solid #e08000}tr.fresh{background:#eef6ff}.bad{color:#d33}.good{color:#2a2}nav a{margin-right:1em}@media (prefers-color-scheme:dark){body{background:#1b1b1b;color:#ddd}pre{background:#262626}td,th{border-color:#444}.error{background:#402020}}";

/// An inbox page: `body` inside the shared layout, with the strict [`CSP`].
pub fn page(title: &str, body: String) -> Response {
    page_csp(title, body, CSP)
}

fn page_csp(title: &str, body: String, csp: &'static str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>{body}</body></html>",
        esc(title)
    );
    let mut r = Html(html).into_response();
    let h = r.headers_mut();
    h.insert("content-security-policy", HeaderValue::from_static(csp));
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

/// The list row data of a message (also what the live update sends).
pub fn summary(m: &Value) -> Value {
    serde_json::json!({
        "id": s(m, "id"),
        "receivedAt": s(m, "receivedAt"),
        "from": addr(m.get("from")),
        "to": addr(m.get("to")),
        "subject": shown_subject(m),
        "projectId": s(m, "projectId"),
        "userAgent": s(m, "userAgent"),
        "renderError": m.get("renderError").cloned().unwrap_or(Value::Null),
    })
}

/// Does the message match the inbox filters (`q` free text over subject, from, to, cc;
/// `to`, `subject`, `project`, `ua` substrings; `since`/`until` ISO-8601 prefixes)?
pub fn matches(m: &Value, q: &HashMap<String, String>) -> bool {
    let sum = summary(m);
    let has = |field: &str, needle: &str| {
        sum[field]
            .as_str()
            .unwrap_or("")
            .to_lowercase()
            .contains(&needle.to_lowercase())
    };
    q.iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .all(|(k, v)| {
            let v = v.trim();
            match k.as_str() {
                "q" => {
                    ["subject", "from", "to"].iter().any(|f| has(f, v))
                        || m.get("cc").is_some_and(|c| {
                            c.to_string().to_lowercase().contains(&v.to_lowercase())
                        })
                }
                "to" => has("to", v),
                "subject" => has("subject", v),
                "project" => has("projectId", v),
                "ua" => has("userAgent", v),
                "since" => s(m, "receivedAt") >= v,
                "until" => s(m, "receivedAt") <= v,
                _ => true,
            }
        })
}

fn row(m: &Value) -> String {
    let sum = summary(m);
    let g = |k: &str| esc(sum[k].as_str().unwrap_or(""));
    let warn = if sum["renderError"].is_string() {
        " <span class=\"bad\" title=\"template error\">&#9888;</span>"
    } else {
        ""
    };
    format!(
        "<tr data-id=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td><a href=\"/messages/{}\">{}</a>{warn}</td><td class=\"muted\">{}</td><td class=\"muted\">{}</td></tr>",
        g("id"), g("receivedAt"), g("from"), g("to"), g("id"), g("subject"), g("projectId"), g("userAgent"),
    )
}

/// `GET /`: the list, newest first, filtered by the query (see [`matches`]).
pub async fn list(
    State(app): State<Arc<App>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let msgs = app.lock().messages.clone();
    let shown: Vec<&Value> = msgs.iter().rev().filter(|m| matches(m, &q)).collect();
    let rows: String = shown.iter().map(|m| row(m)).collect();
    let val = |k: &str| esc(q.get(k).map(String::as_str).unwrap_or(""));
    let filtered = q.values().any(|v| !v.trim().is_empty());
    let body = format!(
        "<nav><a href=\"/\">Inbox</a><a href=\"/requests\">API request log</a></nav><h1>AutoSend sandbox inbox</h1>\
         <form class=\"search\" method=\"get\" action=\"/\" role=\"search\">\
         <input type=\"search\" id=\"q\" name=\"q\" value=\"{}\" placeholder=\"Search subject, from, to (press /)\" aria-label=\"Search\">\
         <input name=\"to\" value=\"{}\" placeholder=\"recipient\" aria-label=\"Recipient\">\
         <input name=\"project\" value=\"{}\" placeholder=\"project id\" aria-label=\"Project\">\
         <input name=\"ua\" value=\"{}\" placeholder=\"SDK / User-Agent\" aria-label=\"User-Agent\">\
         <input name=\"since\" value=\"{}\" placeholder=\"since (ISO time)\" aria-label=\"Since\">\
         <button type=\"submit\">Filter</button>{}</form>\
         <p class=\"muted\"><span id=\"count\">{}</span> message(s){}. Nothing here is ever delivered. \
         <span id=\"live\" aria-live=\"polite\"></span> Keys: <kbd>/</kbd> search, <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>Enter</kbd> open.</p>\
         <table id=\"messages\"{}><thead><tr><th>Time</th><th>From</th><th>To</th><th>Subject</th><th>Project</th><th>Sent by (User-Agent)</th></tr></thead><tbody>{rows}</tbody></table>\
         <script src=\"/_sandbox/inbox.js\"></script>",
        val("q"), val("to"), val("project"), val("ua"), val("since"),
        if filtered { " <a href=\"/\">clear</a>" } else { "" },
        shown.len(),
        if filtered { format!(" of {}", msgs.len()) } else { String::new() },
        if filtered { " data-filtered=\"1\"" } else { "" },
    );
    page_csp("AutoSend sandbox inbox", body, LIST_CSP)
}

/// `GET /_sandbox/stream`: server-sent events, one `message` event (the [`summary`] JSON) per
/// mail received; a comment every 15 s keeps the connection open.
pub async fn stream(State(app): State<Arc<App>>) -> Response {
    use axum::response::sse::{Event, KeepAlive, Sse};
    let rx = app.news.subscribe();
    let events = futures_util::stream::unfold(rx, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(v) => {
                    let ev = Event::default().event("message").data(v.to_string());
                    return Some((Ok::<Event, std::convert::Infallible>(ev), rx));
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(_) => return None,
            }
        }
    });
    Sse::new(events)
        .keep_alive(KeepAlive::new().interval(std::time::Duration::from_secs(15)))
        .into_response()
}

/// The inbox's only script: live rows from `/_sandbox/stream` (built with `textContent`, never
/// HTML), and keyboard navigation.
pub const INBOX_JS: &str = r#"(() => {
  const tbody = document.querySelector('#messages tbody');
  const count = document.getElementById('count');
  const live = document.getElementById('live');
  if (tbody && !document.querySelector('#messages[data-filtered]') && window.EventSource) {
    const es = new EventSource('/_sandbox/stream');
    es.addEventListener('message', (e) => {
      const m = JSON.parse(e.data);
      const tr = document.createElement('tr');
      tr.dataset.id = m.id;
      tr.className = 'fresh';
      const cell = (t, cls) => { const td = document.createElement('td'); td.textContent = t; if (cls) td.className = cls; tr.appendChild(td); return td; };
      cell(m.receivedAt); cell(m.from); cell(m.to);
      const td = cell('');
      const a = document.createElement('a');
      a.href = '/messages/' + encodeURIComponent(m.id);
      a.textContent = m.subject;
      td.appendChild(a);
      cell(m.projectId, 'muted'); cell(m.userAgent, 'muted');
      tbody.insertBefore(tr, tbody.firstChild);
      if (count) count.textContent = String(Number(count.textContent) + 1);
      if (live) live.textContent = 'New: ' + m.subject;
    });
  }
  let sel = -1;
  const rows = () => Array.from(document.querySelectorAll('#messages tbody tr'));
  const mark = () => rows().forEach((r, i) => r.classList.toggle('sel', i === sel));
  document.addEventListener('keydown', (e) => {
    const t = e.target;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA')) return;
    const q = document.getElementById('q');
    if (e.key === '/' && q) { e.preventDefault(); q.focus(); return; }
    const rs = rows();
    if (!rs.length) return;
    if (e.key === 'j') { sel = Math.min(sel + 1, rs.length - 1); mark(); }
    else if (e.key === 'k') { sel = Math.max(sel - 1, 0); mark(); }
    else if (e.key === 'Enter' && sel >= 0) { const a = rs[sel].querySelector('a'); if (a) a.click(); }
  });
})();
"#;

/// `GET /_sandbox/inbox.js`.
pub async fn script() -> Response {
    (
        [
            ("content-type", "text/javascript; charset=utf-8"),
            ("cache-control", "no-store"),
        ],
        INBOX_JS,
    )
        .into_response()
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
