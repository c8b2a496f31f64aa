//! The `/v1` API: fault injection, auth, scope, rate limits, then the endpoint handlers.

use crate::areas::{Reply, Req};
use crate::routes_gen::{RouteSpec, ROUTES};
use crate::server::ConnCtl;
use crate::state::{bump, project_exists, App, FaultRule, KeyKind, RateInfo};
use crate::util;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use serde_json::{json, Map, Value};
use std::sync::Arc;
use std::time::Duration;

/// Largest request body accepted (the docs allow 40 MB of base64 attachments).
pub const MAX_BODY: usize = 48 * 1024 * 1024;

/// A handler result: HTTP status and the JSON body.
pub type Out = (u16, Value);

/// The canonical error envelope.
pub fn error_body(status: u16, code: &str, message: &str) -> Value {
    json!({"success": false, "error": {"message": message, "code": code, "status": status}})
}

/// An error envelope with its status.
pub fn err(status: u16, code: &str, message: &str) -> Out {
    (status, error_body(status, code, message))
}

/// 400 VALIDATION_FAILED with `details`.
pub fn validation(details: Vec<(String, String)>) -> Out {
    let message = details
        .first()
        .map(|(f, m)| format!("Validation failed: {f}: {m}"))
        .unwrap_or_else(|| "Validation failed".into());
    let d: Vec<Value> = details
        .into_iter()
        .map(|(field, message)| json!({"field": field, "message": message}))
        .collect();
    (
        400,
        json!({"success": false, "error": {"message": message, "code": "VALIDATION_FAILED", "status": 400, "details": d}}),
    )
}

/// 200 with the success envelope around `data`.
pub fn ok(data: Value) -> Out {
    (200, json!({"success": true, "data": data}))
}

/// Everything a handler knows about the caller.
pub struct Ctx {
    /// Target project (None only for project creation).
    pub project_id: Option<String>,
    /// Key kind used.
    pub key_kind: KeyKind,
    /// Redacted key (`AS_…abcd`).
    pub key_hint: String,
    /// Client headers (Authorization redacted).
    pub headers: Value,
    /// User-Agent.
    pub user_agent: String,
    /// Our request id.
    pub request_id: String,
    /// `https://127.0.0.1:PORT` (for URLs the API hands out, e.g. attachment downloads).
    pub admin_url: String,
    /// The JWKS document (only for `jwks.get`).
    pub jwks: Option<Arc<Value>>,
}

/// Percent-decode a path segment (invalid escapes are kept as they are).
pub fn pct_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A matched route and its decoded path parameters.
pub type Matched = (&'static RouteSpec, Vec<(String, String)>);

/// Find the endpoint for `method` + `path` (`/v1/...`) in [`ROUTES`]; returns it with the
/// decoded path parameters. Literal segments win over `{param}` segments
/// (`/templates/search` before `/templates/{templateId}`).
pub fn route(method: &Method, path: &str) -> Option<Matched> {
    let rest = path.strip_prefix("/v1")?;
    let segs: Vec<String> = rest
        .split('/')
        .filter(|s| !s.is_empty())
        .map(pct_decode)
        .collect();
    let mut best: Option<(usize, Matched)> = None;
    for spec in ROUTES {
        if !spec.method.eq_ignore_ascii_case(method.as_str()) {
            continue;
        }
        let pat = spec.path.strip_prefix("/v1").unwrap_or(spec.path);
        let pats: Vec<&str> = pat.split('/').filter(|s| !s.is_empty()).collect();
        if pats.len() != segs.len() {
            continue;
        }
        let mut params = Vec::new();
        let mut literals = 0;
        let mut matched = true;
        for (p, s) in pats.iter().zip(&segs) {
            if let Some(name) = p.strip_prefix('{').and_then(|x| x.strip_suffix('}')) {
                if s.is_empty() {
                    matched = false;
                    break;
                }
                params.push((name.to_string(), s.clone()));
            } else if *p == s {
                literals += 1;
            } else {
                matched = false;
                break;
            }
        }
        if matched && best.as_ref().is_none_or(|(l, _)| literals > *l) {
            best = Some((literals, (spec, params)));
        }
    }
    best.map(|(_, m)| m)
}

/// Split a query string into decoded `(name, value)` pairs (`+` is a space).
pub fn parse_query(q: Option<&str>) -> Vec<(String, String)> {
    q.unwrap_or("")
        .split('&')
        .filter(|s| !s.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (
                pct_decode(&k.replace('+', " ")),
                pct_decode(&v.replace('+', " ")),
            )
        })
        .collect()
}

/// A parsed fault (header `x-sandbox-fault` or an admin rule).
#[derive(Debug, Default, Clone)]
pub struct Fault {
    latency_ms: Option<u64>,
    status: Option<u16>,
    body: Option<Value>,
    headers: Vec<(String, String)>,
    reset_before: bool,
    reset_after: bool,
    truncate: bool,
    malformed: bool,
    burst: Option<u64>,
    retry_after: Option<u64>,
}

impl Fault {
    /// Parse and check a fault object.
    pub fn parse(v: &Value) -> Result<Fault, String> {
        let o = v.as_object().ok_or("fault must be a JSON object")?;
        let mut f = Fault::default();
        for (k, val) in o {
            match k.as_str() {
                "latency_ms" => {
                    let ms = val
                        .as_u64()
                        .ok_or("latency_ms must be a non-negative integer")?;
                    f.latency_ms = Some(ms.min(120_000));
                }
                "status" => {
                    let s = val
                        .as_u64()
                        .filter(|s| (100..=599).contains(s))
                        .ok_or("status must be 100..599")?;
                    f.status = Some(s as u16);
                }
                "body" => f.body = Some(val.clone()),
                "headers" => {
                    let h = val.as_object().ok_or("headers must be an object")?;
                    for (name, value) in h {
                        let value = match value {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        if axum::http::HeaderName::from_bytes(name.as_bytes()).is_err()
                            || HeaderValue::from_str(&value).is_err()
                        {
                            return Err(format!("invalid header {name:?}"));
                        }
                        f.headers.push((name.clone(), value));
                    }
                }
                "reset" => match val.as_str() {
                    Some("before") => f.reset_before = true,
                    Some("after") => f.reset_after = true,
                    _ => return Err("reset must be \"before\" or \"after\"".into()),
                },
                "truncate" => f.truncate = val.as_bool().ok_or("truncate must be a boolean")?,
                "malformed" => f.malformed = val.as_bool().ok_or("malformed must be a boolean")?,
                "rate_limit_burst" => {
                    f.burst = Some(
                        val.as_u64()
                            .filter(|n| *n >= 1)
                            .ok_or("rate_limit_burst must be >= 1")?,
                    )
                }
                "retry_after" => {
                    f.retry_after = Some(val.as_u64().ok_or("retry_after must be an integer")?)
                }
                other => return Err(format!("unknown fault field {other:?}")),
            }
        }
        if f.body.is_some() && f.status.is_none() {
            return Err("body needs status".into());
        }
        Ok(f)
    }

    fn kinds(&self) -> Vec<&'static str> {
        let mut k = Vec::new();
        if self.latency_ms.is_some() {
            k.push("latency");
        }
        if self.status.is_some() {
            k.push("status");
        }
        if self.reset_before {
            k.push("reset_before");
        }
        if self.reset_after {
            k.push("reset_after");
        }
        if self.truncate {
            k.push("truncate");
        }
        if self.malformed {
            k.push("malformed");
        }
        if self.burst.is_some() {
            k.push("rate_limit_burst");
        }
        k
    }
}

/// Header names and values as JSON, with credentials redacted.
pub fn redacted_headers(headers: &HeaderMap) -> Value {
    let mut m = Map::new();
    for name in headers.keys() {
        let vals: Vec<String> = headers
            .get_all(name)
            .iter()
            .map(|v| redact_header(name.as_str(), &String::from_utf8_lossy(v.as_bytes())))
            .collect();
        m.insert(name.as_str().to_string(), Value::String(vals.join(", ")));
    }
    Value::Object(m)
}

fn redact_header(name: &str, value: &str) -> String {
    match name {
        "authorization" => match value.split_once(' ') {
            Some((scheme, token)) => format!("{scheme} {}", util::redact_key(token.trim())),
            None => util::redact_key(value),
        },
        "x-api-key" | "proxy-authorization" | "cookie" => util::redact_key(value),
        _ => value.to_string(),
    }
}

fn json_response(status: u16, body: &Value) -> Response {
    let mut resp = Response::new(Body::from(body.to_string()));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    resp.headers_mut().insert(
        "content-type",
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    resp
}

fn set_header(resp: &mut Response, name: &'static str, value: String) {
    if let Ok(v) = HeaderValue::from_str(&value) {
        resp.headers_mut().insert(name, v);
    }
}

fn add_rate_headers(resp: &mut Response, r: &RateInfo) {
    set_header(resp, "x-ratelimit-limit", r.limit.to_string());
    set_header(resp, "x-ratelimit-remaining", r.remaining.to_string());
    set_header(resp, "x-ratelimit-reset", r.reset_epoch.to_string());
}

fn rate_limited_body(retry_ms: u64) -> Value {
    let secs = retry_ms.div_ceil(1000).max(1);
    json!({"success": false, "error": {
        "message": format!("Too many requests. Please retry after {secs} second(s)."),
        "code": "RATE_LIMIT_EXCEEDED", "status": 429, "retryAfter": secs}})
}

async fn hang_up(ctl: Option<Arc<ConnCtl>>, rst: bool) -> Response {
    match ctl {
        Some(c) => {
            c.abort(rst);
            std::future::pending::<()>().await;
            json_response(
                500,
                &error_body(500, "INTERNAL_SERVER_ERROR", "unreachable"),
            )
        }
        None => json_response(
            500,
            &error_body(
                500,
                "INTERNAL_SERVER_ERROR",
                "connection control unavailable",
            ),
        ),
    }
}

/// Plain-HTTP port: refuse everything, process nothing.
pub async fn https_required(
    axum::extract::State(app): axum::extract::State<Arc<App>>,
    req: Request,
) -> Response {
    let is_api = req.uri().path().starts_with("/v1");
    {
        let mut st = app.lock();
        if is_api {
            st.stats.requests_received += 1;
        }
        bump(&mut st.stats.rejected, "HTTPS_REQUIRED");
    }
    let body = error_body(
        403,
        "HTTPS_REQUIRED",
        "HTTPS is required: plain HTTP requests are rejected and never processed.",
    );
    let mut resp = json_response(403, &body);
    set_header(
        &mut resp,
        "x-request-id",
        format!("req_{}", util::random_hex(20)),
    );
    resp.headers_mut()
        .insert("connection", HeaderValue::from_static("close"));
    resp
}

/// Entry point for every `/v1/...` request on the HTTPS port.
pub async fn handle(
    axum::extract::State(app): axum::extract::State<Arc<App>>,
    req: Request,
) -> Response {
    let request_id = format!("req_{}", util::random_hex(20));
    let (parts, body) = req.into_parts();
    let ctl = parts.extensions.get::<Arc<ConnCtl>>().cloned();
    let log = LogStart::new(&parts, &request_id);
    let mut resp = process(&app, &parts, body, ctl, &request_id, &log).await;
    set_header(&mut resp, "x-request-id", request_id);
    let tag = resp
        .extensions()
        .get::<crate::reqlog::Tag>()
        .cloned()
        .unwrap_or_default();
    log.finish(&app, resp.status().as_u16(), &tag);
    // Webhook deliveries queued by the handler start now (outside the state lock).
    crate::deliver::flush(&app);
    // New mail goes out to open inbox pages.
    let fresh = std::mem::take(&mut app.lock().fresh);
    for m in fresh {
        let _ = app.news.send(m);
    }
    resp
}

/// What the request log knows when a request arrives.
struct LogStart {
    started: std::time::Instant,
    entry: Value,
}

impl LogStart {
    fn new(parts: &axum::http::request::Parts, request_id: &str) -> LogStart {
        let path = parts.uri.path();
        let key = crate::reqlog::bearer(parts.headers.get("authorization"));
        let entry = json!({
            "time": util::now_iso(),
            "epochMs": util::epoch_millis(),
            "method": parts.method.as_str(),
            "path": path,
            "query": parts.uri.query(),
            "endpointId": route(&parts.method, path).map(|(s, _)| s.id),
            "keyFingerprint": key.as_deref().map(crate::reqlog::fingerprint),
            "userAgent": user_agent(&parts.headers),
            "requestId": request_id,
        });
        LogStart {
            started: std::time::Instant::now(),
            entry,
        }
    }

    fn finish(&self, app: &App, status: u16, tag: &crate::reqlog::Tag) {
        let mut e = self.entry.clone();
        e["status"] = json!(status);
        e["errorCode"] = json!(tag.error_code);
        e["fault"] = json!(tag.fault);
        e["latencyMs"] = json!(self.started.elapsed().as_millis() as u64);
        crate::reqlog::record(app, e);
    }
}

fn tagged(mut r: Response, code: Option<String>, fault: &Option<String>) -> Response {
    r.extensions_mut().insert(crate::reqlog::Tag {
        error_code: code,
        fault: fault.clone(),
    });
    r
}

async fn process(
    app: &Arc<App>,
    parts: &axum::http::request::Parts,
    body: Body,
    ctl: Option<Arc<ConnCtl>>,
    request_id: &str,
    log: &LogStart,
) -> Response {
    let path = parts.uri.path().to_string();
    let method = parts.method.clone();

    // 1. Faults: the request header first, otherwise the first matching admin rule.
    let mut fault: Option<Fault> = None;
    let burst_hit;
    {
        let mut st = app.lock();
        st.stats.requests_received += 1;
        if let Some(h) = parts.headers.get("x-sandbox-fault") {
            let parsed = serde_json::from_slice::<Value>(h.as_bytes())
                .map_err(|e| format!("x-sandbox-fault is not JSON: {e}"))
                .and_then(|v| Fault::parse(&v));
            match parsed {
                Ok(f) => fault = Some(f),
                Err(m) => {
                    bump(&mut st.stats.rejected, "SANDBOX_INVALID_FAULT");
                    drop(st);
                    let mut r = json_response(400, &error_body(400, "SANDBOX_INVALID_FAULT", &m));
                    add_rate_headers(&mut r, &app.idle_rate());
                    return tagged(r, Some("SANDBOX_INVALID_FAULT".into()), &None);
                }
            }
        } else if let Some(i) = st.faults.iter().position(|r: &FaultRule| {
            r.times > 0
                && r.path.as_deref().is_none_or(|p| p == path)
                && r.method
                    .as_deref()
                    .is_none_or(|m| m.eq_ignore_ascii_case(method.as_str()))
        }) {
            let rule = &mut st.faults[i];
            rule.times -= 1;
            let f = Fault::parse(&rule.fault).ok();
            if rule.times == 0 {
                st.faults.remove(i);
            }
            fault = f;
        }
        if let Some(f) = &fault {
            st.stats.faults_applied += 1;
            for k in f.kinds() {
                bump(&mut st.stats.faults_by_kind, k);
            }
            if let Some(n) = f.burst {
                st.burst_remaining = n;
            }
        }
        burst_hit = if st.burst_remaining > 0 {
            st.burst_remaining -= 1;
            bump(&mut st.stats.rejected, "RATE_LIMIT_EXCEEDED");
            true
        } else {
            false
        };
    }
    let kinds = fault.as_ref().map(|f| f.kinds().join(","));
    let fault = fault.unwrap_or_default();
    let hung = |app: &App| {
        let tag = crate::reqlog::Tag {
            error_code: Some("CONNECTION_RESET".into()),
            fault: kinds.clone(),
        };
        log.finish(app, 0, &tag);
    };
    if let Some(ms) = fault.latency_ms {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    if fault.reset_before {
        hung(app);
        return hang_up(ctl, true).await;
    }
    if let Some(status) = fault.status {
        let b = fault
            .body
            .clone()
            .unwrap_or_else(|| error_body(status, "SANDBOX_FAULT", "Injected fault"));
        let mut r = match &b {
            Value::String(s) => {
                let mut r = Response::new(Body::from(s.clone()));
                *r.status_mut() =
                    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                r.headers_mut().insert(
                    "content-type",
                    HeaderValue::from_static("text/plain; charset=utf-8"),
                );
                r
            }
            other => json_response(status, other),
        };
        add_rate_headers(&mut r, &app.idle_rate());
        for (k, v) in &fault.headers {
            if let (Ok(n), Ok(v)) = (
                axum::http::HeaderName::from_bytes(k.as_bytes()),
                HeaderValue::from_str(v),
            ) {
                r.headers_mut().insert(n, v);
            }
        }
        let code = match &b {
            Value::String(_) => "SANDBOX_FAULT".to_string(),
            other => error_code(other),
        };
        return tagged(r, Some(code), &kinds);
    }
    if burst_hit {
        let ms = fault.retry_after.unwrap_or(1) * 1000;
        let mut r = json_response(429, &rate_limited_body(ms));
        let mut info = app.idle_rate();
        info.remaining = 0;
        add_rate_headers(&mut r, &info);
        set_header(&mut r, "x-sandbox-retry-after-ms", ms.to_string());
        set_header(&mut r, "retry-after-ms", ms.to_string());
        return tagged(r, Some("RATE_LIMIT_EXCEEDED".into()), &kinds);
    }

    // 2. Normal processing.
    let (reply, rate) = authorize_and_run(app, parts, body, request_id, &path, &method).await;
    let (status, content_type, extra, bytes) = reply.into_parts();

    // 3. Faults that act after processing.
    if fault.reset_after {
        hung(app);
        return hang_up(ctl, true).await;
    }
    if fault.malformed {
        let mut r = Response::new(Body::from(
            "{\"success\": true, \"data\": {\"emailId\": <<not json",
        ));
        r.headers_mut()
            .insert("content-type", HeaderValue::from_static("application/json"));
        add_rate_headers(&mut r, &rate);
        return tagged(r, None, &kinds);
    }
    let code = (status >= 400).then(|| {
        serde_json::from_slice::<Value>(&bytes)
            .map(|v| error_code(&v))
            .unwrap_or_else(|_| "ERROR".into())
    });
    let mut r = if fault.truncate {
        let full = bytes;
        let cut = (full.len() / 2).max(1).min(full.len());
        let partial = Bytes::copy_from_slice(&full[..cut]);
        let stream = futures_util::stream::iter(vec![Ok::<Bytes, std::io::Error>(partial)]).chain(
            futures_util::stream::once(async {
                tokio::time::sleep(Duration::from_millis(100)).await;
                Err(std::io::Error::other("truncated by x-sandbox-fault"))
            }),
        );
        let mut r = Response::new(Body::from_stream(stream));
        *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
        set_header(&mut r, "content-type", content_type);
        set_header(&mut r, "content-length", full.len().to_string());
        r
    } else {
        let mut r = Response::new(Body::from(bytes));
        *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        set_header(&mut r, "content-type", content_type);
        r
    };
    for (k, v) in extra {
        set_header(&mut r, k, v);
    }
    add_rate_headers(&mut r, &rate);
    if status == 429 {
        if let Some(ms) = rate.retry_after_ms {
            set_header(&mut r, "x-sandbox-retry-after-ms", ms.to_string());
            set_header(&mut r, "retry-after-ms", ms.to_string());
        }
    }
    tagged(r, code, &kinds)
}

use futures_util::StreamExt;

async fn authorize_and_run(
    app: &Arc<App>,
    parts: &axum::http::request::Parts,
    body: Body,
    request_id: &str,
    path: &str,
    method: &Method,
) -> (Reply, RateInfo) {
    let reject = |app: &Arc<App>, code: &str| {
        bump(&mut app.lock().stats.rejected, code);
    };
    let found = route(method, path);
    // `none` scope (GET /jwks.json): no key needed, none consumed.
    if let Some((spec, params)) = found.as_ref().filter(|(s, _)| s.scope == "none") {
        let ctx = Ctx {
            project_id: None,
            key_kind: KeyKind::Project,
            key_hint: String::new(),
            headers: redacted_headers(&parts.headers),
            user_agent: user_agent(&parts.headers),
            request_id: request_id.to_string(),
            admin_url: admin_url(app),
            jwks: Some(app.jwks().await),
        };
        let req = Req {
            params: params.clone(),
            query: parse_query(parts.uri.query()),
            body: Value::Null,
        };
        let out = finish(app, spec, &ctx, &req);
        return (out, app.idle_rate());
    }
    // Auth.
    let auth = parts
        .headers
        .get("authorization")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let token = auth.as_deref().and_then(|a| {
        let (scheme, rest) = a.trim().split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| rest.trim().to_string())
    });
    let key_info = token
        .as_ref()
        .and_then(|t| app.lock().keys.get(t).cloned())
        .filter(|k| !k.revoked);
    let (Some(token), Some(key)) = (token, key_info) else {
        reject(app, "UNAUTHORIZED");
        return (
            Reply::Json(401, error_body(401, "UNAUTHORIZED", "Unauthorized")),
            app.idle_rate(),
        );
    };
    let Some((spec, params)) = found else {
        reject(app, "NOT_FOUND");
        return (
            Reply::Json(
                404,
                error_body(
                    404,
                    "NOT_FOUND",
                    &format!("Route {method} {path} not found"),
                ),
            ),
            app.idle_rate(),
        );
    };
    // Scope.
    let header_pid = parts
        .headers
        .get("x-project-id")
        .map(|v| {
            String::from_utf8_lossy(v.as_bytes())
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|s| !s.is_empty());
    let forbidden = |m: &str| (403, error_body(403, "INSUFFICIENT_PERMISSIONS", m));
    let account_route = spec.scope == "account" || spec.scope == "account_no_project";
    let scope: Result<Option<String>, Out> = match key.kind {
        KeyKind::Project => {
            let own = key.project_id.clone().unwrap_or_default();
            if account_route {
                Err(forbidden(
                    "Forbidden: this endpoint requires an account API key (ASA_)",
                ))
            } else if header_pid.as_deref().is_some_and(|p| p != own) {
                Err(forbidden(
                    "Forbidden: the project API key does not belong to the project in x-project-id",
                ))
            } else {
                Ok(Some(own))
            }
        }
        KeyKind::Account => {
            if spec.scope == "project_key" {
                Err(forbidden(
                    "Forbidden: this endpoint requires a project API key (AS_); account keys (ASA_) are not accepted here",
                ))
            } else if spec.scope == "account_no_project" {
                Ok(None)
            } else {
                match header_pid {
                    None => Err(forbidden(
                        "Forbidden: x-project-id header is required with an account API key",
                    )),
                    Some(p) if !project_exists(&app.lock(), &p) => Err(forbidden(
                        "Forbidden: x-project-id does not name a project of this account",
                    )),
                    Some(p) => Ok(Some(p)),
                }
            }
        }
    };
    let project_id = match scope {
        Ok(p) => p,
        Err((s, b)) => {
            reject(app, "INSUFFICIENT_PERMISSIONS");
            return (Reply::Json(s, b), app.idle_rate());
        }
    };
    // Rate limits.
    let rate = {
        let mut st = app.lock();
        let r = app.rate_check(&mut st, &token);
        if r.retry_after_ms.is_some() {
            bump(&mut st.stats.rejected, "RATE_LIMIT_EXCEEDED");
        }
        r
    };
    if let Some(ms) = rate.retry_after_ms {
        return (Reply::Json(429, rate_limited_body(ms)), rate);
    }
    // Body (POST/PUT/PATCH; an empty body counts as `{}`).
    let has_body = matches!(spec.method, "POST" | "PUT" | "PATCH");
    let json_body = if has_body {
        let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
            Ok(b) => b,
            Err(_) => {
                reject(app, "PAYLOAD_TOO_LARGE");
                return (
                    Reply::Json(
                        413,
                        error_body(
                            413,
                            "PAYLOAD_TOO_LARGE",
                            "Request body too large or unreadable",
                        ),
                    ),
                    rate,
                );
            }
        };
        if bytes.iter().all(u8::is_ascii_whitespace) {
            json!({})
        } else {
            match serde_json::from_slice::<Value>(&bytes) {
                Ok(v @ Value::Object(_)) => v,
                Ok(_) => {
                    reject(app, "VALIDATION_FAILED");
                    let (s, b) = validation(vec![(
                        "body".into(),
                        "Request body must be a JSON object".into(),
                    )]);
                    return (Reply::Json(s, b), rate);
                }
                Err(e) => {
                    reject(app, "VALIDATION_FAILED");
                    let (s, b) = validation(vec![("body".into(), format!("Malformed JSON: {e}"))]);
                    return (Reply::Json(s, b), rate);
                }
            }
        }
    } else {
        Value::Null
    };
    // Encrypted body (JWE): decrypt, then handle the plaintext like any other body.
    let json_body = if has_body && is_jwe(&parts.headers) {
        match decrypt_body(app, &parts.headers, &json_body).await {
            Ok(v) => v,
            Err(why) => {
                reject(app, "INVALID_ENCRYPTED_PAYLOAD");
                let b = error_body(400, "INVALID_ENCRYPTED_PAYLOAD", &why);
                return (Reply::Json(400, b), rate);
            }
        }
    } else {
        json_body
    };
    let ctx = Ctx {
        project_id,
        key_kind: key.kind,
        key_hint: util::redact_key(&token),
        headers: redacted_headers(&parts.headers),
        user_agent: user_agent(&parts.headers),
        request_id: request_id.to_string(),
        admin_url: admin_url(app),
        jwks: None,
    };
    let req = Req {
        params,
        query: parse_query(parts.uri.query()),
        body: json_body,
    };
    (finish(app, spec, &ctx, &req), rate)
}

/// `X-Payload-Encryption: jwe`?
fn is_jwe(h: &HeaderMap) -> bool {
    h.get("x-payload-encryption")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("jwe"))
}

/// The plaintext JSON object of an encrypted body `{"encryptedData": "<JWE compact>"}`.
async fn decrypt_body(app: &App, h: &HeaderMap, body: &Value) -> Result<Value, String> {
    let Some(obj) = body.as_object() else {
        return Err("Encrypted payload must be a JSON object".into());
    };
    let Some(compact) = obj.get("encryptedData").and_then(Value::as_str) else {
        return Err("encryptedData (a JWE compact string) is required".into());
    };
    if obj.len() != 1 {
        return Err("an encrypted body holds only encryptedData".into());
    }
    let kid = match h.get("x-key-id").map(|v| v.to_str()) {
        None => None,
        Some(Ok(v)) => Some(v.trim().to_string()),
        Some(Err(_)) => return Err("X-Key-Id is not ASCII".into()),
    };
    let Some(ring) = app.keyring().await else {
        return Err("no encryption keys".into());
    };
    let (plain, kid) = ring
        .decrypt(compact, kid.as_deref())
        .map_err(|why| format!("Invalid encrypted payload: {why}"))?;
    match serde_json::from_slice::<Value>(&plain) {
        Ok(v @ Value::Object(_)) => {
            bump(&mut app.lock().stats.jwe_decrypted, &kid);
            Ok(v)
        }
        _ => Err("Invalid encrypted payload: the plaintext is not a JSON object".into()),
    }
}

fn user_agent(h: &HeaderMap) -> String {
    h.get("user-agent")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default()
}

fn admin_url(app: &App) -> String {
    app.start_info
        .lock()
        .ok()
        .and_then(|v| {
            v.get("admin_url")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .unwrap_or_default()
}

fn error_code(out: &Value) -> String {
    out.pointer("/error/code")
        .and_then(Value::as_str)
        .or_else(|| out.get("code").and_then(Value::as_str))
        .unwrap_or("ERROR")
        .to_string()
}

/// Validate the body against the route's schema, run the handler, count the outcome.
fn finish(app: &App, spec: &'static RouteSpec, ctx: &Ctx, req: &Req) -> Reply {
    let Some(handler) = crate::areas::handler(spec.id) else {
        let out = err(
            501,
            "NOT_IMPLEMENTED",
            &format!("{} is not served by the sandbox", spec.id),
        );
        bump(&mut app.lock().stats.rejected, "NOT_IMPLEMENTED");
        return Reply::Json(out.0, out.1);
    };
    let mut st = app.lock();
    let mut det = Vec::new();
    if let Some(text) = spec.body_schema {
        crate::schema::validate(&req.body, crate::schema::parsed(text), "", &mut det);
    }
    let reply = if det.is_empty() {
        handler(&mut st, ctx, req)
    } else {
        // Also report what the handler itself would refuse (run on a scratch copy of the
        // state, thrown away), so one answer names every bad field.
        let mut scratch = st.scratch();
        let mut merged: Vec<(String, String)> = Vec::new();
        if let Reply::Json(400, b) = handler(&mut scratch, ctx, req) {
            if error_code(&b) == "VALIDATION_FAILED" {
                if let Some(ds) = b.pointer("/error/details").and_then(Value::as_array) {
                    for d in ds {
                        if let (Some(f), Some(m)) = (d["field"].as_str(), d["message"].as_str()) {
                            merged.push((f.to_string(), m.to_string()));
                        }
                    }
                }
            }
        }
        for (f, m) in det {
            if !merged.iter().any(|(g, _)| *g == f) {
                merged.push((f, m));
            }
        }
        let (s, b) = validation(merged);
        Reply::Json(s, b)
    };
    match &reply {
        Reply::Json(s, b) if !(200..300).contains(s) => {
            bump(&mut st.stats.rejected, &error_code(b))
        }
        _ => bump(&mut st.stats.processed, spec.id),
    }
    reply
}

/// Shared helpers for the endpoint modules.
pub mod h {
    pub use super::{err, ok, validation, Out};
    pub use crate::areas::{Reply, Req};
}
