//! Admin API under `/_sandbox` (no API key; the server only listens on loopback).

use crate::state::{App, FaultRule, KeyInfo, KeyKind};
use crate::util;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::sync::Arc;

fn bad(msg: impl Into<String>) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({"error": msg.into()}))).into_response()
}

fn parse(body: &Bytes) -> Result<Value, Box<Response>> {
    if body.is_empty() {
        return Ok(json!({}));
    }
    serde_json::from_slice::<Value>(body)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| Box::new(bad("body must be a JSON object")))
}

/// The admin routes.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/_sandbox/config", get(config))
        .route("/_sandbox/stats", get(stats))
        .route("/_sandbox/messages", get(messages).delete(clear_messages))
        .route("/_sandbox/messages/{id}", get(message))
        .route("/_sandbox/reset", post(reset))
        .route("/_sandbox/jwks/rotate", post(rotate_jwks))
        .route("/_sandbox/keys", post(add_key))
        .route("/_sandbox/keys/revoke", post(revoke_key))
        .route("/_sandbox/downloads/{token}", get(download))
        .route(
            "/_sandbox/requests",
            get(crate::reqlog::list_json).delete(crate::reqlog::clear),
        )
        .route(
            "/_sandbox/requests/timeline.svg",
            get(crate::reqlog::timeline),
        )
        .route("/requests", get(crate::reqlog::page))
        .route("/_sandbox/events", post(crate::triggers::fire))
        .route(
            "/_sandbox/unsubscribe/{token}",
            get(crate::triggers::show).post(crate::triggers::confirm),
        )
        .route(
            "/_sandbox/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
}

async fn config(State(app): State<Arc<App>>) -> Response {
    let info = app
        .start_info
        .lock()
        .map(|v| v.clone())
        .unwrap_or(Value::Null);
    Json(info).into_response()
}

async fn stats(State(app): State<Arc<App>>) -> Response {
    Json(App::stats_json(&app.lock())).into_response()
}

async fn messages(State(app): State<Arc<App>>) -> Response {
    Json(Value::Array(app.lock().messages.clone())).into_response()
}

async fn message(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    let st = app.lock();
    match st
        .messages
        .iter()
        .find(|m| m.get("id").and_then(Value::as_str) == Some(id.as_str()))
    {
        Some(m) => Json(m.clone()).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "no such message"})),
        )
            .into_response(),
    }
}

async fn clear_messages(State(app): State<Arc<App>>) -> Response {
    let n = {
        let mut st = app.lock();
        let n = st.messages.len();
        st.messages.clear();
        n
    };
    Json(json!({"cleared": n})).into_response()
}

async fn reset(State(app): State<Arc<App>>) -> Response {
    app.reset();
    Json(json!({"reset": true})).into_response()
}

/// Rotates the JWKS now (as `--jwks-rotate-after` does after N decryptions): the second key
/// becomes active and the first is retired. Answers the new JWKS.
async fn rotate_jwks(State(app): State<Arc<App>>) -> Response {
    match app.keyring().await {
        Some(ring) => {
            ring.rotate_now();
            Json(ring.document()).into_response()
        }
        None => Json(json!({"keys": []})).into_response(),
    }
}

async fn add_key(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let b = match parse(&body) {
        Ok(b) => b,
        Err(r) => return *r,
    };
    let given = b.get("key").and_then(Value::as_str).map(str::to_string);
    let kind = match (b.get("kind").and_then(Value::as_str), &given) {
        (Some("account"), _) => KeyKind::Account,
        (Some("project"), _) => KeyKind::Project,
        (Some(other), _) => {
            return bad(format!(
                "kind must be \"project\" or \"account\", not {other:?}"
            ))
        }
        (None, Some(k)) if k.starts_with("ASA_") => KeyKind::Account,
        (None, _) => KeyKind::Project,
    };
    let key = given.unwrap_or_else(|| match kind {
        KeyKind::Account => format!("ASA_{}", util::random_alnum(32)),
        KeyKind::Project => format!("AS_{}", util::random_alnum(32)),
    });
    let prefix_ok = match kind {
        KeyKind::Account => key.starts_with("ASA_"),
        KeyKind::Project => key.starts_with("AS_") && !key.starts_with("ASA_"),
    };
    if !util::is_key_format(&key) || !prefix_ok {
        return bad("key must be AS_ (project) or ASA_ (account) followed by letters and digits");
    }
    let mut st = app.lock();
    let project_id = match kind {
        KeyKind::Account => None,
        KeyKind::Project => {
            let pid = b
                .get("project_id")
                .or_else(|| b.get("projectId"))
                .and_then(Value::as_str)
                .map(str::to_ascii_lowercase)
                .or_else(|| {
                    st.projects
                        .first()
                        .and_then(|p| p.get("id"))
                        .and_then(Value::as_str)
                        .map(str::to_string)
                });
            match pid {
                Some(p) if crate::state::project_exists(&st, &p) => Some(p),
                _ => return bad("project_id must name an existing project"),
            }
        }
    };
    if st.keys.get(&key).is_some_and(|k| !k.revoked) {
        return (
            StatusCode::CONFLICT,
            Json(json!({"error": "key already exists"})),
        )
            .into_response();
    }
    st.keys.insert(
        key.clone(),
        KeyInfo {
            kind,
            project_id: project_id.clone(),
            revoked: false,
        },
    );
    st.windows.remove(&key);
    Json(json!({"key": key, "kind": kind.as_str(), "project_id": project_id})).into_response()
}

async fn revoke_key(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let b = match parse(&body) {
        Ok(b) => b,
        Err(r) => return *r,
    };
    let Some(key) = b.get("key").and_then(Value::as_str) else {
        return bad("key is required");
    };
    let mut st = app.lock();
    match st.keys.get_mut(key) {
        Some(k) => {
            k.revoked = true;
            Json(json!({"revoked": true, "key": util::redact_key(key)})).into_response()
        }
        None => (StatusCode::NOT_FOUND, Json(json!({"error": "unknown key"}))).into_response(),
    }
}

async fn list_faults(State(app): State<Arc<App>>) -> Response {
    let st = app.lock();
    let rules: Vec<Value> = st
        .faults
        .iter()
        .map(|r| json!({"path": r.path, "method": r.method, "times": r.times, "fault": r.fault}))
        .collect();
    Json(json!({"rules": rules, "burst_remaining": st.burst_remaining})).into_response()
}

async fn add_fault(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let b = match parse(&body) {
        Ok(b) => b,
        Err(r) => return *r,
    };
    let Some(fault) = b.get("fault").cloned() else {
        return bad("fault is required");
    };
    if let Err(e) = crate::api::Fault::parse(&fault) {
        return bad(e);
    }
    let times = match b.get("times") {
        None | Some(Value::Null) => 1,
        Some(v) => match v.as_u64() {
            Some(n) if n >= 1 => n,
            _ => return bad("times must be an integer >= 1"),
        },
    };
    let path = b.get("path").and_then(Value::as_str).map(str::to_string);
    let method = b
        .get("method")
        .and_then(Value::as_str)
        .map(str::to_ascii_uppercase);
    let mut st = app.lock();
    st.faults.push(FaultRule {
        path,
        method,
        times,
        fault,
    });
    Json(json!({"queued": st.faults.len()})).into_response()
}

async fn clear_faults(State(app): State<Arc<App>>) -> Response {
    let mut st = app.lock();
    st.faults.clear();
    st.burst_remaining = 0;
    Json(json!({"cleared": true})).into_response()
}

/// A pre-signed inbound attachment URL (no key, valid for 900 s).
async fn download(State(app): State<Arc<App>>, Path(token): Path<String>) -> Response {
    let st = app.lock();
    match st.downloads.get(&token) {
        Some(d) if d.expires > std::time::Instant::now() => {
            let safe: String = d
                .filename
                .chars()
                .filter(|c| *c != '"' && *c != '\\' && !c.is_control())
                .collect();
            (
                [
                    (axum::http::header::CONTENT_TYPE, d.content_type.clone()),
                    (
                        axum::http::header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{safe}\""),
                    ),
                ],
                d.bytes.clone(),
            )
                .into_response()
        }
        _ => (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "unknown or expired download URL"})),
        )
            .into_response(),
    }
}
