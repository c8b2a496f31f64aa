//! WebAssembly binding of the `autosend` core, for the `autosend-sdk` npm package.
//!
//! This crate only converts types: JSON strings and byte arrays in, JSON strings out. Every
//! rule (key parsing, env-var precedence, headers, validation, retries, rate limits, webhook
//! verification) stays in the core. The JavaScript wrapper (`js/sdk.mjs`) runs the loop:
//! `poll` → `fetch` → `handleResponse` / `handleTransportError`, with timers for waits.
//!
//! Errors cross into JS as a thrown string holding the core's `Error::to_json()`; the wrapper
//! turns it into an `AutoSendError` subclass. No function here can panic: there is no
//! `unwrap`/`expect`, and every conversion has a fallback (the wasm profile aborts on panic,
//! which would kill the instance).

use autosend::{
    private_limiter, Acquire, ApiKey, Call, Chunker, Client, ClientConfig, ClientOptions, Error,
    ErrorKind, NameStyle, Pager, Poll, RateLimiter, RateLimits, TransportErrorKind,
};
use serde_json::{json, Map, Value};
use wasm_bindgen::prelude::*;

/// The package version, sent in the `User-Agent` as `js/<version>`.
const BINDING_VERSION: &str = env!("CARGO_PKG_VERSION");

fn to_string(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".to_string())
}

fn err_value(e: &Error) -> JsValue {
    JsValue::from_str(&to_string(&e.to_json()))
}

fn config_error(msg: impl Into<String>) -> JsValue {
    err_value(&Error::new(ErrorKind::InvalidConfig, msg))
}

/// Milliseconds from JS (a double) to u64 without any panicking path.
fn ms(x: f64) -> u64 {
    if x.is_finite() && x > 0.0 {
        x as u64
    } else {
        0
    }
}

fn parse_json(s: &str, what: &str) -> Result<Value, JsValue> {
    serde_json::from_str(s).map_err(|_| config_error(format!("{what} is not valid JSON")))
}

fn opt_string(o: &Map<String, Value>, name: &str) -> Result<Option<String>, JsValue> {
    match o.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(config_error(format!("{name} must be a string"))),
    }
}

/// Largest integer a JS number holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

fn opt_u64(o: &Map<String, Value>, name: &str) -> Result<Option<u64>, JsValue> {
    match o.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match v.as_f64() {
            Some(f) if f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f <= MAX_SAFE_INTEGER => {
                Ok(Some(f as u64))
            }
            _ => Err(config_error(format!(
                "{name} must be a whole number from 0 to {MAX_SAFE_INTEGER} (Number.MAX_SAFE_INTEGER)"
            ))),
        },
    }
}

fn opt_bool(o: &Map<String, Value>, name: &str) -> Result<Option<bool>, JsValue> {
    match o.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(config_error(format!("{name} must be true or false"))),
    }
}

fn headers_from_json(s: &str) -> Result<Vec<(String, String)>, JsValue> {
    let v = parse_json(s, "headers")?;
    let mut out = Vec::new();
    match v {
        Value::Array(items) => {
            for item in items {
                if let Value::Array(pair) = item {
                    if let (Some(Value::String(k)), Some(Value::String(val))) =
                        (pair.first(), pair.get(1))
                    {
                        out.push((k.clone(), val.clone()));
                    }
                }
            }
        }
        Value::Object(map) => {
            for (k, val) in map {
                match val {
                    Value::String(s) => out.push((k, s)),
                    Value::Array(vals) => {
                        for x in vals {
                            if let Value::String(s) = x {
                                out.push((k.clone(), s));
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
    Ok(out)
}

/// Headers handed over as one string, `name\nvalue\n` per header (what a fetch `Headers`
/// object holds cannot contain a line feed): no JSON to parse per response.
fn headers_from_lines(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::with_capacity(16);
    let mut parts = s.split('\n');
    while let (Some(k), Some(v)) = (parts.next(), parts.next()) {
        out.push((k.to_string(), v.to_string()));
    }
    out
}

/// Appends `s` as a JSON string (quoted, escaped as JSON requires: `"`, `\\` and the control
/// characters), written in place (no string per value).
fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    let mut plain = 0;
    for (i, b) in s.bytes().enumerate() {
        if b == b'"' || b == b'\\' || b < 0x20 {
            out.push_str(&s[plain..i]);
            match b {
                b'"' => out.push_str("\\\""),
                b'\\' => out.push_str("\\\\"),
                _ => {
                    use std::fmt::Write;
                    let _ = write!(out, "\\u{b:04x}");
                }
            }
            plain = i + 1;
        }
    }
    out.push_str(&s[plain..]);
    out.push('"');
}

/// The `{"send": …}` step as JSON text, written directly (no `Value` tree per attempt).
fn send_json(req: &autosend::Request, has_body: bool) -> String {
    let mut out = String::with_capacity(256 + req.url.len());
    out.push_str("{\"send\":{\"method\":");
    push_json_str(&mut out, req.method.as_str());
    out.push_str(",\"url\":");
    push_json_str(&mut out, &req.url);
    out.push_str(",\"headers\":[");
    for (i, (k, v)) in req.headers.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        push_json_str(&mut out, k);
        out.push(',');
        push_json_str(&mut out, v);
        out.push(']');
    }
    out.push_str("],\"hasBody\":");
    out.push_str(if has_body { "true" } else { "false" });
    use std::fmt::Write;
    let _ = write!(
        out,
        ",\"timeoutMs\":{},\"attempt\":{}}}}}",
        req.timeout_ms, req.attempt
    );
    out
}

/// The environment variables the core's rule reads (`ClientOptions::fill_from_env`), as a
/// JSON array of names: the JS side reads only these, and only where `process` exists.
#[wasm_bindgen(js_name = envVarNames)]
pub fn env_var_names() -> String {
    to_string(&json!([
        autosend::ENV_API_KEY,
        autosend::ENV_ACCOUNT_API_KEY,
        autosend::ENV_PROJECT_ID,
        autosend::ENV_BASE_URL,
        autosend::event::ENV_LOG
    ]))
}

/// Reads a reply of the shared budget's scripts (conformance vectors): `op` is `acquire`,
/// `settle`, `refund` or `block`; returns `{go}`, `{wait}`, `{ok}` or `{error}` as JSON.
#[wasm_bindgen(js_name = budgetInterpret)]
pub fn budget_interpret(op: &str, reply: &str) -> Result<String, JsValue> {
    let kind = autosend::BudgetOpKind::from_name(op)
        .ok_or_else(|| config_error(format!("unknown budget op {op:?}")))?;
    let v: Value = serde_json::from_str(reply).unwrap_or(Value::Null);
    Ok(to_string(&autosend::budget_redis::interpret_reply_json(
        kind, &v,
    )))
}

/// The most bytes a call's request body may have for `endpoint` (its documented limit, else
/// the core's `DEFAULT_MAX_BODY_BYTES`): JS refuses bigger parameters while serialising them,
/// before they cross into wasm. 0 for an unknown endpoint (the core reports it).
#[wasm_bindgen(js_name = maxBodyBytes)]
pub fn max_body_bytes(endpoint: &str) -> f64 {
    autosend::endpoint(endpoint)
        .map(|ep| {
            ep.max_body_bytes
                .unwrap_or(autosend::DEFAULT_MAX_BODY_BYTES) as f64
        })
        .unwrap_or(0.0)
}

/// The most bytes of a response body the transport reads (`autosend::MAX_RESPONSE_BYTES`).
#[wasm_bindgen(js_name = maxResponseBytes)]
pub fn max_response_bytes() -> f64 {
    autosend::MAX_RESPONSE_BYTES as f64
}

/// The client's methods as JSON `[[namespace, name, id, paged, chunked], …]`, one per catalog
/// endpoint: what the JS constructor builds its namespaces from. (`describeCatalog`'s full
/// description costs ~10 ms on its first call, at start-up.)
#[wasm_bindgen(js_name = catalogMethods)]
pub fn catalog_methods() -> String {
    let methods: Vec<(&str, &str, &str, bool, bool)> = autosend::CATALOG
        .iter()
        .map(|e| {
            (
                e.namespace(),
                e.method_name(),
                e.id,
                e.pagination.is_some(),
                autosend::chunk::CHUNKED.iter().any(|(id, _)| *id == e.id),
            )
        })
        .collect();
    serde_json::to_string(&methods).unwrap_or_else(|_| "[]".to_string())
}

/// The endpoint catalog (`describe_catalog()`) as JSON.
#[wasm_bindgen(js_name = describeCatalog)]
pub fn describe_catalog() -> String {
    to_string(&autosend::describe_catalog())
}

/// Every error kind: `[{code, name, category, hint}]`.
#[wasm_bindgen(js_name = errorKinds)]
pub fn error_kinds() -> String {
    let kinds: Vec<Value> = ErrorKind::ALL
        .iter()
        .map(|k| {
            json!({
                "code": k.code(),
                "name": k.name(),
                "category": serde_json::to_value(k.category()).unwrap_or(Value::Null),
                "hint": k.hint(),
            })
        })
        .collect();
    to_string(&Value::Array(kinds))
}

/// The errors the JS side reports when it cannot ask the core, as the core's error JSON
/// (code, kind, category, hint, display): `notLoaded` (the package was imported past its
/// entry point), `unreadable` (a thrown value that is not the core's error JSON) and `trap`
/// (the instance trapped: a panic under `panic = "abort"`, after which it cannot be asked).
/// Called once at build time by `js/gen-boundary-errors.mjs`, which writes them into a small
/// JS table that `js/sdk.mjs` and `webhook/js/webhook.mjs` import.
#[wasm_bindgen(js_name = boundaryErrors)]
pub fn boundary_errors() -> String {
    let e = |kind, msg: &str| Error::new(kind, msg).to_json();
    to_string(&json!({
        "notLoaded": e(
            ErrorKind::Internal,
            "the autosend WebAssembly module is not loaded (import the package through its entry point)",
        ),
        "unreadable": e(ErrorKind::Internal, "unreadable error from the core"),
        "trap": e(
            ErrorKind::Panic,
            "the WebAssembly core stopped unexpectedly; this is a bug, please report it",
        ),
    }))
}

/// A local error built by the core (code, category, hint) for a value the JS side cannot
/// convert: `kind` is a kind name (`validation`, `invalid_config`, `invalid_api_key`);
/// `field` is used by `validation` only.
#[wasm_bindgen(js_name = localError)]
pub fn local_error(kind: &str, field: &str, message: &str) -> String {
    let e = match ErrorKind::from_name(kind) {
        Some(ErrorKind::Validation) => Error::validation(field, message),
        Some(k) => Error::new(k, message),
        None => Error::new(ErrorKind::Internal, format!("unknown error kind {kind:?}")),
    };
    to_string(&e.to_json())
}

/// The core and binding versions.
#[wasm_bindgen]
pub fn versions() -> String {
    to_string(&json!({"core": autosend::VERSION, "binding": BINDING_VERSION}))
}

/// Parses a key (conformance vectors): `{kind, redacted, debug}` or throws the error JSON.
#[wasm_bindgen(js_name = parseKey)]
pub fn parse_key(key: &str) -> Result<String, JsValue> {
    let k = ApiKey::parse(key).map_err(|e| err_value(&e))?;
    Ok(to_string(&json!({
        "kind": k.kind().name(),
        "redacted": k.redacted(),
        "debug": format!("{k:?}"),
        "display": format!("{k}"),
    })))
}

/// A client: the validated configuration and the key's shared rate-limit budget. The key
/// lives only in wasm memory; nothing here returns it except inside a request's headers.
#[wasm_bindgen]
pub struct WasmClient {
    client: Client,
    /// The `AUTOSEND_LOG` threshold read from the `env` option (`debug`, `info`), if any.
    log: Option<&'static str>,
}

#[wasm_bindgen]
impl WasmClient {
    /// `options` is JSON: `{apiKey, projectId, baseUrl, timeoutMs, maxRetries,
    /// retryNonIdempotent, deadlineMs, encrypt, rateLimits: {perSecond, perMinute, secondMs,
    /// minuteMs}, runtime,
    /// env: {NAME: value}, privateLimiter}`. Missing values take the core's defaults; `env`
    /// is applied through the core's `fill_from_env` rule. `api_key`, when given, replaces
    /// `options.apiKey`: a key passed as its own string argument crosses into wasm the way
    /// `rotateKey`'s does (a lone surrogate becomes U+FFFD), so the core judges both alike.
    #[wasm_bindgen(constructor)]
    pub fn new(options: &str, api_key: Option<String>) -> Result<WasmClient, JsValue> {
        let v = parse_json(options, "options")?;
        let Value::Object(o) = v else {
            return Err(config_error("options must be an object"));
        };
        let key = match api_key {
            Some(k) => k,
            None => opt_string(&o, "apiKey")?.unwrap_or_default(),
        };
        let mut opts = ClientOptions::new(key);
        opts.project_id = opt_string(&o, "projectId")?;
        opts.base_url = opt_string(&o, "baseUrl")?;
        if let Some(t) = opt_u64(&o, "timeoutMs")? {
            opts.timeout_ms = t;
        }
        if let Some(r) = opt_u64(&o, "maxRetries")? {
            opts.max_retries = u32::try_from(r).unwrap_or(u32::MAX);
        }
        if let Some(b) = opt_bool(&o, "retryNonIdempotent")? {
            opts.retry_non_idempotent = b;
        }
        opts.deadline_ms = opt_u64(&o, "deadlineMs")?;
        if let Some(b) = opt_bool(&o, "encrypt")? {
            opts.encrypt_payloads = b;
        }
        match o.get("rateLimits") {
            None | Some(Value::Null) => {}
            Some(rl) => {
                opts.rate_limits = RateLimits::from_json(rl, NameStyle::Camel, "rateLimits")
                    .map_err(|e| err_value(&e))?;
            }
        }
        opts.user_agent = format!("js/{BINDING_VERSION}");
        opts.runtime = opt_string(&o, "runtime")?.unwrap_or_default();
        if let Some(a) = o.get("appInfo") {
            opts.app_info =
                autosend::AppInfo::from_json(a, "appInfo").map_err(|e| err_value(&e))?;
        }
        let mut log = None;
        if let Some(Value::Object(env)) = o.get("env") {
            opts.fill_from_env(|name| env.get(name).and_then(Value::as_str).map(str::to_string));
            log = env
                .get(autosend::event::ENV_LOG)
                .and_then(Value::as_str)
                .and_then(autosend::event::log_threshold);
        }
        // JS cannot open sockets: the shared budget runs on the caller's Redis client
        // (`redis` option), never on a URL.
        opts.redis_url = None;
        opts.redis_client = opt_bool(&o, "redisClient")?.unwrap_or(false);
        if let Some(p) = opt_string(&o, "onRedisError")? {
            opts.on_redis_error = autosend::OnRedisError::parse(&p).map_err(|e| err_value(&e))?;
        }
        if let Some(t) = opt_u64(&o, "redisTimeoutMs")? {
            opts.redis_timeout_ms = t;
        }
        let private = opt_bool(&o, "privateLimiter")?.unwrap_or(false);
        let limits = opts.rate_limits;
        let config = ClientConfig::new(opts).map_err(|e| err_value(&e))?;
        let client = if private {
            Client::with_limiter(config, private_limiter(limits))
        } else {
            Client::from_config(config)
        };
        Ok(WasmClient { client, log })
    }

    /// Prepares a call; local errors (scope, project id, validation) are thrown here.
    /// The seed (two 32-bit halves, from `crypto.getRandomValues`) drives the retry jitter.
    /// `encrypt`: this call's payload-encryption choice (`undefined`: the client's `encrypt`);
    /// an encrypting call then needs `entropyNeeded()` random bytes via `provideEntropy`.
    /// `timeout` (ms per attempt) and `max_retries`: this call's own (`undefined`: the
    /// client's); whole numbers, checked by the core.
    #[allow(clippy::too_many_arguments)]
    pub fn call(
        &self,
        endpoint: &str,
        params: &str,
        seed_hi: u32,
        seed_lo: u32,
        encrypt: Option<bool>,
        timeout: Option<f64>,
        max_retries: Option<f64>,
    ) -> Result<WasmCall, JsValue> {
        let params = parse_params(params)?;
        let seed = (u64::from(seed_hi) << 32) | u64::from(seed_lo);
        let o = autosend::CallOptions {
            encrypt,
            timeout_ms: timeout.map(|t| whole_ms("timeout", t)).transpose()?,
            max_retries: max_retries
                .map(|r| whole_ms("maxRetries", r).map(|r| u32::try_from(r).unwrap_or(u32::MAX)))
                .transpose()?,
        };
        let call = self
            .client
            .call_opts(endpoint, params, seed, &o)
            .map_err(|e| err_value(&e))?;
        Ok(WasmCall {
            call,
            bytes: None,
            error: None,
            body: None,
        })
    }

    /// Key rotation: later calls use the new key (and its budget).
    #[wasm_bindgen(js_name = rotateKey)]
    pub fn rotate_key(&mut self, key: &str) -> Result<(), JsValue> {
        self.client.rotate_key(key).map_err(|e| err_value(&e))
    }

    /// Notices of the shared budget on Redis not yet taken (an outage and the fallback, its
    /// end), as JSON `[{event, message}]`: the JS layer reports each once.
    #[wasm_bindgen(js_name = takeBudgetNotices)]
    pub fn take_budget_notices(&self) -> String {
        let v: Vec<Value> = self
            .client
            .take_budget_notices()
            .into_iter()
            .map(|n| json!({"event": n.event, "message": n.message}))
            .collect();
        to_string(&Value::Array(v))
    }

    /// Safe-to-log facts: `{keyKind, key (redacted), projectId, baseUrl, timeoutMs,
    /// maxRetries, userAgent}`.
    pub fn describe(&self) -> String {
        let c = self.client.config();
        to_string(&json!({
            "keyKind": c.key().kind().name(),
            "key": c.key().redacted(),
            "projectId": c.project_id(),
            "baseUrl": c.base_url(),
            "timeoutMs": c.timeout_ms(),
            "maxRetries": c.max_retries(),
            "userAgent": c.user_agent(),
            "log": self.log,
        }))
    }
}

/// A per-call number from JS: a whole number from 0 to 2^53, else `invalid_config` naming it.
fn whole_ms(name: &str, v: f64) -> Result<u64, JsValue> {
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= 9_007_199_254_740_991.0 {
        Ok(v as u64)
    } else {
        Err(config_error(format!(
            "{name} must be a whole number from 0 to Number.MAX_SAFE_INTEGER, got {v}"
        )))
    }
}

/// A call's recorded events as a JSON array (camelCase fields plus `message` and `level`).
fn events_json(call: &mut Call) -> String {
    let mut out = Vec::new();
    while let Some(e) = call.poll_event() {
        let mut v = e.to_json(NameStyle::Camel);
        if let Some(o) = v.as_object_mut() {
            o.insert("message".into(), e.message().into());
            o.insert("level".into(), e.level().into());
        }
        out.push(v);
    }
    to_string(&Value::Array(out))
}

/// One logical API call (the core's state machine).
#[wasm_bindgen]
pub struct WasmCall {
    call: Call,
    /// The file of a finished binary call, until `takeBytes`.
    bytes: Option<Vec<u8>>,
    /// The error the call ended with (or its cancellation), kept whole for
    /// [`WasmChunker::record_call_error`] (the JSON form cannot rebuild every flag).
    error: Option<Error>,
    /// The body of the request last returned by `poll`, until `takeBody`.
    body: Option<String>,
}

#[wasm_bindgen]
impl WasmCall {
    /// Random bytes this call needs before its first poll (payload encryption; 0 otherwise).
    #[wasm_bindgen(js_name = entropyNeeded)]
    pub fn entropy_needed(&self) -> u32 {
        u32::try_from(self.call.entropy_needed()).unwrap_or(u32::MAX)
    }

    /// Gives the call its random bytes (from `crypto.getRandomValues`).
    #[wasm_bindgen(js_name = provideEntropy)]
    pub fn provide_entropy(&mut self, bytes: &[u8]) -> Result<(), JsValue> {
        self.call.provide_entropy(bytes).map_err(|e| err_value(&e))
    }

    /// What to do at `now_ms` (monotonic), as JSON: `{"send": {method, url, headers: [[k, v]],
    /// hasBody, timeoutMs, attempt}}` (the body itself through [`WasmCall::take_body`]), `{"wait": ms}` or `{"done": {"ok": true, data, status,
    /// requestId, message, alreadyGone, attempts, binary, contentType, filename}}` /
    /// `{"done": {"ok": false, "error": {…}}}`. When `binary` is true the file is taken with
    /// [`WasmCall::take_bytes`] (bytes never go through JSON).
    pub fn poll(&mut self, now_ms: f64) -> String {
        let v = match self.call.poll(ms(now_ms)) {
            Poll::Send(mut req) => {
                // The body stays out of this JSON (no escaping of a big body twice): the JS
                // side takes it with `takeBody` (moved, not copied).
                self.body = req.body.take().map(|b| match String::from_utf8(b) {
                    Ok(s) => s,
                    Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
                });
                return send_json(&req, self.body.is_some());
            }
            Poll::Wait(w) => json!({ "wait": w }),
            Poll::Budget(op) => json!({ "budget": op.to_json() }),
            Poll::Done(Ok(mut r)) => {
                // Every field the core describes (so new ones reach JS without glue), plus the
                // camelCase names the JS layer reads. The file itself stays out of JSON. The
                // data is moved into the description, not copied.
                let data = std::mem::take(&mut r.data);
                let mut done = r.describe();
                if let Value::Object(m) = &mut done {
                    m.insert("data".to_string(), data);
                    let get = |k: &str| m.get(k).cloned().unwrap_or(Value::Null);
                    let renamed = [
                        ("requestId", get("request_id")),
                        ("contentType", get("content_type")),
                        ("alreadyGone", get("already_gone")),
                    ];
                    for (k, v) in renamed {
                        m.insert(k.to_string(), v);
                    }
                    m.insert("ok".to_string(), Value::Bool(true));
                    m.insert("binary".to_string(), Value::Bool(r.bytes.is_some()));
                }
                self.bytes = r.bytes;
                json!({ "done": done })
            }
            Poll::Done(Err(e)) => {
                let v = json!({"done": {"ok": false, "error": e.to_json()}});
                self.error = Some(e);
                v
            }
        };
        to_string(&v)
    }

    /// The file of a finished binary call (a `Uint8Array`, copied once out of wasm memory);
    /// empty when there is none. Taking it frees it.
    /// Starts (true) or stops recording the call's structured events (`takeEvents`).
    #[wasm_bindgen(js_name = recordEvents)]
    pub fn record_events(&mut self, on: bool) {
        self.call.record_events(on);
    }

    /// The events recorded since the last take, as a JSON array (see docs/contract.md, Call
    /// events; camelCase names, plus `message` and `level`).
    #[wasm_bindgen(js_name = takeEvents)]
    pub fn take_events(&mut self) -> String {
        events_json(&mut self.call)
    }

    #[wasm_bindgen(js_name = takeBytes)]
    pub fn take_bytes(&mut self) -> Vec<u8> {
        self.bytes.take().unwrap_or_default()
    }

    /// The body (JSON text) of the request last returned by `poll`; `undefined` when it has
    /// none. Taking it frees it.
    #[wasm_bindgen(js_name = takeBody)]
    pub fn take_body(&mut self) -> Option<String> {
        self.body.take()
    }

    /// The answer's body was over `maxResponseBytes()`: the transport stopped reading it.
    /// Ends the call with the core's `invalid_response` error (see
    /// `Call::handle_oversized_response`).
    #[wasm_bindgen(js_name = handleOversizedResponse)]
    pub fn handle_oversized_response(
        &mut self,
        now_ms: f64,
        status: u16,
        headers: &str,
    ) -> Result<(), JsValue> {
        let headers = headers_from_json(headers)?;
        self.call
            .handle_oversized_response(ms(now_ms), status, &headers);
        Ok(())
    }

    /// Feeds the HTTP answer, its headers as one string of `name\nvalue\n` per header (from a
    /// fetch `Headers` object, whose names and values hold no line feed).
    #[wasm_bindgen(js_name = handleResponseLines)]
    pub fn handle_response_lines(&mut self, now_ms: f64, status: u16, headers: &str, body: &[u8]) {
        let headers = headers_from_lines(headers);
        self.call
            .handle_response(ms(now_ms), status, &headers, body);
    }

    /// Feeds the HTTP answer (`headers` as JSON `[[name, value]]` or `{name: value}`).
    #[wasm_bindgen(js_name = handleResponse)]
    pub fn handle_response(
        &mut self,
        now_ms: f64,
        status: u16,
        headers: &str,
        body: &[u8],
    ) -> Result<(), JsValue> {
        let headers = headers_from_json(headers)?;
        self.call
            .handle_response(ms(now_ms), status, &headers, body);
        Ok(())
    }

    /// Feeds the reply of the last `{"budget": op}` (the Redis reply as JSON).
    #[wasm_bindgen(js_name = handleBudgetReply)]
    pub fn handle_budget_reply(&mut self, now_ms: f64, reply: &str) -> Result<(), JsValue> {
        let v: Value = serde_json::from_str(reply).unwrap_or(Value::Null);
        self.call.handle_budget_reply(ms(now_ms), &v);
        Ok(())
    }

    /// The last `{"budget": op}` failed (Redis unreachable, too slow, an error reply).
    #[wasm_bindgen(js_name = handleBudgetError)]
    pub fn handle_budget_error(&mut self, now_ms: f64, why: &str) {
        self.call.handle_budget_error(ms(now_ms), why);
    }

    /// Feeds a transport failure: `connect`, `timeout` or `connection_lost`.
    #[wasm_bindgen(js_name = handleTransportError)]
    pub fn handle_transport_error(&mut self, now_ms: f64, kind: &str) -> Result<(), JsValue> {
        let k = TransportErrorKind::from_name(kind)
            .ok_or_else(|| config_error(format!("unknown transport error kind {kind:?}")))?;
        self.call.handle_transport_error(ms(now_ms), k);
        Ok(())
    }

    /// Cancels the call (the caller's AbortSignal fired) and returns the core's `aborted`
    /// error as JSON; its `may_have_been_delivered` says whether a send may have gone out.
    /// `request_sent`: the last polled request was handed to fetch.
    pub fn cancel(&mut self, now_ms: f64, request_sent: bool) -> String {
        let e = self.call.cancel(ms(now_ms), request_sent);
        let v = to_string(&e.to_json());
        self.error = Some(e);
        v
    }

    /// The endpoint is safe to repeat after an unknown outcome.
    #[wasm_bindgen(getter)]
    pub fn idempotent(&self) -> bool {
        self.call.endpoint().idempotent
    }
}

/// The core's [`Pager`]: which page to ask for next and when a paged list ends. The JS side
/// only sends each page's request (an ordinary call) and feeds the answer's `data` back.
#[wasm_bindgen]
pub struct WasmPager {
    pager: Pager,
}

#[wasm_bindgen]
impl WasmPager {
    /// A pager for the paged list `endpoint` with `params` (JSON; `page` resumes there, `limit`
    /// sets the page size, else the documented maximum). `start_page` ≥ 1 overrides
    /// `params.page` (0 = none). Throws the error JSON for a non-paged endpoint or a bad
    /// page/limit.
    #[wasm_bindgen(constructor)]
    pub fn new(endpoint: &str, params: &str, start_page: f64) -> Result<WasmPager, JsValue> {
        let params = parse_params(params)?;
        let made = if start_page >= 1.0 {
            Pager::starting_at(endpoint, params, ms(start_page))
        } else {
            Pager::new(endpoint, params)
        };
        made.map(|pager| WasmPager { pager })
            .map_err(|e| err_value(&e))
    }

    /// The endpoint id being walked.
    #[wasm_bindgen(getter, js_name = endpointId)]
    pub fn endpoint_id(&self) -> String {
        self.pager.endpoint().id.to_string()
    }

    /// The parameters of the next page request as JSON, or `null` when the list is
    /// exhausted. Unchanged until `handlePage` succeeds (a failed page is asked for again).
    #[wasm_bindgen(js_name = nextParams)]
    pub fn next_params(&self) -> String {
        to_string(&self.pager.next_params().unwrap_or(Value::Null))
    }

    /// Reads the answer's `data` (JSON) for the page asked for: `{items, page, limit, total,
    /// pages, has_more}`, or throws the error JSON (`invalid_response`; the pager stays on
    /// the page).
    #[wasm_bindgen(js_name = handlePage)]
    pub fn handle_page(&mut self, data: &str) -> Result<String, JsValue> {
        let data = serde_json::from_str::<Value>(data).unwrap_or(Value::Null);
        self.pager
            .handle_page(&data)
            .map(|p| to_string(&p.describe()))
            .map_err(|e| err_value(&e))
    }

    /// The page the next request asks for (where a failed walk resumes); 0 once exhausted.
    pub fn page(&self) -> f64 {
        self.pager.page().map(|p| p as f64).unwrap_or(0.0)
    }

    /// Items returned so far by this pager.
    #[wasm_bindgen(js_name = itemsSeen)]
    pub fn items_seen(&self) -> f64 {
        self.pager.items_seen() as f64
    }

    /// Pages read so far by this pager.
    #[wasm_bindgen(js_name = pagesDone)]
    pub fn pages_done(&self) -> f64 {
        self.pager.pages_done() as f64
    }

    /// The pager's state: `{endpoint, pagination, next_page, first_page, limit, pages_done,
    /// items_seen, total, pages, done}`.
    pub fn describe(&self) -> String {
        to_string(&self.pager.describe())
    }

    /// An independent copy (a page object keeps its own cursor).
    #[wasm_bindgen(js_name = copy)]
    pub fn duplicate(&self) -> WasmPager {
        WasmPager {
            pager: self.pager.clone(),
        }
    }
}

/// The core's [`Chunker`]: splits one bulk write into chunks the API accepts, records each
/// chunk's outcome and reports per item. The JS side sends each chunk as an ordinary call.
#[wasm_bindgen]
pub struct WasmChunker {
    chunker: Chunker,
}

#[wasm_bindgen]
impl WasmChunker {
    /// A chunker for `endpoint` (`emails.bulk`, `contacts.bulkUpdate`, `contactLists.bulkAdd`)
    /// with `params` (JSON) holding every item. Throws the error JSON on a usage error.
    #[wasm_bindgen(constructor)]
    pub fn new(endpoint: &str, params: &str) -> Result<WasmChunker, JsValue> {
        Chunker::new(endpoint, parse_params(params)?)
            .map(|chunker| WasmChunker { chunker })
            .map_err(|e| err_value(&e))
    }

    /// `{field, chunkSize, chunks, items}`.
    pub fn layout(&self) -> String {
        to_string(&json!({
            "field": self.chunker.field(),
            "chunkSize": self.chunker.chunk_size(),
            "chunks": self.chunker.chunks(),
            "items": self.chunker.items(),
        }))
    }

    /// The parameters of chunk `index` (JSON), or `null`.
    #[wasm_bindgen(js_name = chunkParams)]
    pub fn chunk_params(&self, index: u32) -> String {
        to_string(
            &self
                .chunker
                .chunk_params(index as usize)
                .unwrap_or(Value::Null),
        )
    }

    /// The next chunk to send, `{index, params}` as JSON, or `null` when none is left (every
    /// chunk handed out, or the run stopped). Each chunk is handed out once.
    #[wasm_bindgen(js_name = nextChunk)]
    pub fn next_chunk(&mut self) -> String {
        match self.chunker.next_chunk() {
            Some((i, p)) => to_string(&json!({"index": i, "params": p})),
            None => "null".to_string(),
        }
    }

    /// Records that chunk `index` was accepted with the answer's `data` (JSON).
    #[wasm_bindgen(js_name = recordOk)]
    pub fn record_ok(&mut self, index: u32, data: &str) -> Result<(), JsValue> {
        let data = serde_json::from_str::<Value>(data).unwrap_or(Value::Null);
        self.chunker
            .record_ok(index as usize, data)
            .map_err(|e| err_value(&e))
    }

    /// Records the error the call of chunk `index` ended with (kept whole by the call).
    #[wasm_bindgen(js_name = recordCallError)]
    pub fn record_call_error(&mut self, index: u32, call: &mut WasmCall) -> Result<(), JsValue> {
        let e = call.error.take().unwrap_or_else(|| {
            Error::new(
                ErrorKind::Internal,
                "the call ended without an outcome the core recorded",
            )
        });
        self.chunker
            .record_err(index as usize, e)
            .map_err(|e| err_value(&e))
    }

    /// Records an error raised before any call existed (the call could not be prepared:
    /// nothing was sent). `kind` is an error kind name; `field` is used by `validation`.
    #[wasm_bindgen(js_name = recordLocalError)]
    pub fn record_local_error(
        &mut self,
        index: u32,
        kind: &str,
        field: &str,
        message: &str,
    ) -> Result<(), JsValue> {
        let e = match ErrorKind::from_name(kind) {
            Some(ErrorKind::Validation) => Error::validation(field, message),
            Some(k) => Error::new(k, message),
            None => Error::new(ErrorKind::Internal, message),
        };
        self.chunker
            .record_err(index as usize, e)
            .map_err(|e| err_value(&e))
    }

    /// `{chunks_done, chunks_total, items_done, items_total}`.
    pub fn progress(&self) -> String {
        to_string(&self.chunker.progress().describe())
    }

    /// The report (`Report::describe()`): `{endpoint, field, chunk_size, items_total,
    /// chunks_total, all_accepted, stopped, retry_safe, counts, chunks, items}`.
    pub fn report(&self) -> String {
        to_string(&self.chunker.report().describe())
    }
}

/// The core's parameter parser: depth, size and the field named in every refusal.
fn parse_params(params: &str) -> Result<Value, JsValue> {
    autosend::limits::params_from_json(params.as_bytes()).map_err(|e| err_value(&e))
}

/// A standalone sliding-window limiter (conformance vectors).
#[wasm_bindgen]
pub struct WasmRateLimiter {
    inner: RateLimiter,
}

#[wasm_bindgen]
impl WasmRateLimiter {
    /// A limiter with the given limits and window lengths in ms (0 or missing → the default).
    #[wasm_bindgen(constructor)]
    pub fn new(
        per_second: u32,
        per_minute: u32,
        second_ms: Option<f64>,
        minute_ms: Option<f64>,
    ) -> WasmRateLimiter {
        let d = RateLimits::default();
        let limits = RateLimits {
            per_second: if per_second == 0 {
                d.per_second
            } else {
                per_second
            },
            per_minute: if per_minute == 0 {
                d.per_minute
            } else {
                per_minute
            },
            second_ms: second_ms.map(ms).filter(|&m| m > 0).unwrap_or(d.second_ms),
            minute_ms: minute_ms.map(ms).filter(|&m| m > 0).unwrap_or(d.minute_ms),
        };
        WasmRateLimiter {
            inner: RateLimiter::new(limits),
        }
    }

    /// Takes a slot at `now_ms`: returns 0 when taken (grants are numbered 1, 2, 3, …: settle
    /// or refund it), else the ms to wait (always > 0).
    pub fn acquire(&mut self, now_ms: f64) -> f64 {
        match self.inner.acquire(ms(now_ms)) {
            Acquire::Go(_) => 0.0,
            Acquire::Wait(w) => w as f64,
        }
    }

    /// The answer to `grant` (or its timeout) came at `now_ms`: it arrived by then.
    pub fn settle(&mut self, grant: f64, now_ms: f64) {
        self.inner.settle(ms(grant), ms(now_ms));
    }

    /// `grant` did not count (429, or nothing was sent): its slot is free again.
    pub fn refund(&mut self, grant: f64) {
        self.inner.refund(ms(grant));
    }

    /// Server feedback: no slot before `now_ms + wait_ms`.
    #[wasm_bindgen(js_name = blockFor)]
    pub fn block_for(&mut self, now_ms: f64, wait_ms: f64) {
        self.inner.block_for(ms(now_ms), ms(wait_ms));
    }
}

// `verifyWebhook`, `WasmReplayGuard`, `webhookReplayKey` and `replayDefaults` come from the
// crate both wasm modules link (bindings-wasm/webhook/exports): one conversion layer serves
// the SDK's wasm and the small `autosend-sdk/webhook` one.
pub use autosend_wasm_webhook_exports::{
    replay_defaults, verify_webhook, webhook_replay_key, WasmReplayGuard,
};
