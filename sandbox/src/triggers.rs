//! Admin triggers: `POST /_sandbox/events` fires bounce, complaint, open, click (and the other
//! email events) for a received message to the project's webhooks; `/_sandbox/unsubscribe/{token}`
//! is the page behind the `{{unsubscribe}}` merge tag (it really adds the recipient to the
//! suppression group and fires `email.group_unsubscribed` / `email.unsubscribed`).

use crate::areas::{data, sget};
use crate::state::App;
use crate::util;
use crate::util::html_escape as esc;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// Email events that can be triggered for a message, with the extra `data` fields they get by
/// default (§3.1).
pub const TRIGGERS: &[(&str, &str)] = &[
    ("email.sent", "{}"),
    ("email.delivered", "{}"),
    (
        "email.deferred",
        r#"{"delayType":"MailboxFull","delayReason":"sandbox: mailbox full"}"#,
    ),
    (
        "email.bounced",
        r#"{"bounceType":"Permanent","bounceSubType":"General","reason":"sandbox: simulated bounce"}"#,
    ),
    ("email.opened", "{}"),
    ("email.clicked", r#"{"clickedUrl":"https://example.com/"}"#),
    ("email.spam_reported", r#"{"complaintType":"abuse"}"#),
];

fn bad(status: StatusCode, msg: impl Into<String>) -> Response {
    (status, Json(json!({"error": msg.into()}))).into_response()
}

/// `POST /_sandbox/events` with JSON `{emailId, type, data?}` or a form (`emailId`, `type`;
/// from the inbox's buttons, answered with a redirect back to the message).
pub async fn fire(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let form = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let b: Value = if form {
        let pairs: HashMap<String, String> = url_pairs(&body);
        json!(pairs)
    } else {
        match serde_json::from_slice::<Value>(&body) {
            Ok(v @ Value::Object(_)) => v,
            _ => {
                return bad(
                    StatusCode::BAD_REQUEST,
                    "body must be a JSON object {emailId, type, data?}",
                )
            }
        }
    };
    let email_id = b
        .get("emailId")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let kind = b
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let Some((_, extra)) = TRIGGERS.iter().find(|(k, _)| *k == kind) else {
        let names: Vec<&str> = TRIGGERS.iter().map(|t| t.0).collect();
        return bad(
            StatusCode::BAD_REQUEST,
            format!("type must be one of {names:?}"),
        );
    };
    let jobs = {
        let mut st = app.lock();
        let Some(m) = st
            .messages
            .iter()
            .find(|m| sget(m, "id") == email_id)
            .cloned()
        else {
            return bad(
                StatusCode::NOT_FOUND,
                "emailId must name a message in the inbox (see /_sandbox/messages)",
            );
        };
        let mut d = crate::deliver::email_data(&m);
        if let (Some(o), Ok(Value::Object(x))) =
            (d.as_object_mut(), serde_json::from_str::<Value>(extra))
        {
            for (k, v) in x {
                o.insert(k, v);
            }
            if let Some(Value::Object(given)) = b.get("data") {
                for (k, v) in given {
                    o.insert(k.clone(), v.clone());
                }
            }
        }
        if let Some(msg) = st.messages.iter_mut().find(|x| sget(x, "id") == email_id) {
            let evs = msg["events"].as_array().cloned().unwrap_or_default();
            let mut evs = evs;
            evs.push(json!({"type": kind, "at": util::now_iso()}));
            msg["events"] = json!(evs);
        }
        let pid = sget(&m, "projectId").to_string();
        crate::deliver::enqueue(&mut st, &pid, &kind, d, None)
    };
    crate::deliver::flush(&app);
    if form {
        let mut r = StatusCode::SEE_OTHER.into_response();
        if let Ok(v) = HeaderValue::from_str(&format!("/messages/{}", email_id)) {
            r.headers_mut().insert("location", v);
        }
        return r;
    }
    Json(json!({"type": kind, "emailId": email_id, "jobIds": jobs})).into_response()
}

fn url_pairs(body: &[u8]) -> HashMap<String, String> {
    let s = String::from_utf8_lossy(body);
    s.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| {
            let dec = |x: &str| crate::api::pct_decode(&x.replace('+', " "));
            (dec(k), dec(v))
        })
        .collect()
}

fn page(title: &str, body: String) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>\
         <style>body{{font-family:sans-serif;margin:2em;max-width:40em}}</style></head><body>{body}</body></html>",
        esc(title)
    );
    let mut r = Html(html).into_response();
    r.headers_mut().insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'",
        ),
    );
    r
}

/// `GET /_sandbox/unsubscribe/{token}`: who and which group, with a confirm button.
pub async fn show(
    State(app): State<Arc<App>>,
    Path(token): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(u) = app.lock().unsubscribes.get(&token).cloned() else {
        return (
            StatusCode::NOT_FOUND,
            page("Unknown link", "<h1>Unknown unsubscribe link</h1>".into()),
        )
            .into_response();
    };
    let what = if q.contains_key("preferences") {
        "Email preferences"
    } else {
        "Unsubscribe"
    };
    page(
        what,
        format!(
            "<h1>{what}</h1><p>Stop mail of group <code>{}</code> to <b>{}</b>?</p>\
             <form method=\"post\"><button type=\"submit\">Unsubscribe</button></form>\
             <p><small>AutoSend sandbox: this really adds the address to the suppression group.</small></p>",
            esc(sget(&u, "groupId")),
            esc(sget(&u, "email"))
        ),
    )
}

/// `POST /_sandbox/unsubscribe/{token}`: suppress the recipient in the group and fire
/// `email.unsubscribed` (global group) or `email.group_unsubscribed`.
pub async fn confirm(State(app): State<Arc<App>>, Path(token): Path<String>) -> Response {
    let done = {
        let mut st = app.lock();
        let Some(u) = st.unsubscribes.get(&token).cloned() else {
            return (
                StatusCode::NOT_FOUND,
                page("Unknown link", "<h1>Unknown unsubscribe link</h1>".into()),
            )
                .into_response();
        };
        let pid = sget(&u, "projectId").to_string();
        let email = sget(&u, "email").to_string();
        let group = sget(&u, "groupId").to_string();
        let d = data(&mut st, &pid);
        let global = d
            .groups
            .iter()
            .any(|g| sget(g, "groupId") == group && g["isGlobal"] == json!(true));
        if !d
            .entries
            .iter()
            .any(|x| sget(x, "email") == email && sget(x, "groupId") == group)
        {
            let now = util::now_iso();
            d.entries.push(
                json!({"id": util::object_id(), "email": email, "groupId": group,
                "reason": "UNSUBSCRIBE_LINK", "createdAt": now, "updatedAt": now}),
            );
        }
        let mut ev = json!({"emailId": u["emailId"], "test": false});
        let kind = if global {
            "email.unsubscribed"
        } else {
            ev["unsubscribeGroupId"] = json!(group);
            "email.group_unsubscribed"
        };
        crate::deliver::enqueue(&mut st, &pid, kind, ev, None);
        (email, group)
    };
    crate::deliver::flush(&app);
    page(
        "Unsubscribed",
        format!(
            "<h1>Unsubscribed</h1><p><b>{}</b> will no longer receive mail of group <code>{}</code>.</p>",
            esc(&done.0),
            esc(&done.1)
        ),
    )
}
