//! Runs every conformance vector in `tests/vectors/*.json` against the core.
//! The vectors were written from the API docs; see docs/contract.md for the format.

use autosend::webhook::{verify, VerifyOptions};
use autosend::{
    build_request, private_limiter, Acquire, ApiKey, Call, ChunkStatus, Chunker, ClientConfig,
    ClientOptions, Error, Pager, Poll, RateLimiter, RateLimits, TransportErrorKind,
};
use base64::Engine as _;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::PathBuf;

/// The shared skip list: vectors not passing yet, with a reason (docs/contract.md).
const PENDING: &str = "pending.json";
/// This runner's name in `pending.json` `runners` lists.
const RUNNER: &str = "rust";

fn vector_dir() -> PathBuf {
    // core/tests/vectors links to the repository's tests/vectors (a copy in the packaged crate).
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

fn vector_files() -> Vec<PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(vector_dir())
        .expect("tests/vectors exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter(|p| p.file_name().is_some_and(|n| n != PENDING))
        .collect();
    files.sort();
    files
}

/// name -> reason, for the entries of `pending.json` that apply to this runner.
fn pending() -> HashMap<String, String> {
    let path = vector_dir().join(PENDING);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return HashMap::new();
    };
    let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{PENDING}: {e}"));
    doc["pending"]
        .as_array()
        .expect("pending.json: a pending array")
        .iter()
        .filter(|p| match p.get("runners").and_then(Value::as_array) {
            None => true,
            Some(r) => r.iter().any(|x| x == RUNNER),
        })
        .map(|p| {
            (
                p["name"].as_str().expect("pending name").to_string(),
                p["reason"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Compares URLs: everything before `?` exactly, the query as a multiset of `name=value`
/// pairs (their order is not part of the contract; each pair's encoding is).
fn same_url(want: &str, got: &str) -> bool {
    let split = |u: &str| -> (String, Vec<String>) {
        match u.split_once('?') {
            None => (u.to_string(), Vec::new()),
            Some((b, q)) => {
                let mut pairs: Vec<String> = q.split('&').map(str::to_string).collect();
                pairs.sort();
                (b.to_string(), pairs)
            }
        }
    };
    split(want) == split(got)
}

fn opt_str(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_string)
}

fn options(client: &Value) -> ClientOptions {
    let mut o =
        ClientOptions::new(opt_str(client, "api_key").unwrap_or_else(|| "AS_test123".into()));
    o.project_id = opt_str(client, "project_id");
    o.base_url = opt_str(client, "base_url");
    if let Some(n) = client.get("max_retries").and_then(Value::as_u64) {
        o.max_retries = n as u32;
    }
    if let Some(b) = client.get("retry_non_idempotent").and_then(Value::as_bool) {
        o.retry_non_idempotent = b;
    }
    if let Some(n) = client.get("timeout_ms").and_then(Value::as_u64) {
        o.timeout_ms = n;
    }
    o.deadline_ms = client.get("deadline_ms").and_then(Value::as_u64);
    o.encrypt_payloads = client
        .get("encrypt_payloads")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    o.user_agent = "rust-vectors/0".into();
    o
}

fn headers_of(v: Option<&Value>) -> Vec<(String, String)> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| v.to_string()),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn body_of(v: &Value) -> Vec<u8> {
    if let Some(t) = v.get("body_text").and_then(Value::as_str) {
        return t.as_bytes().to_vec();
    }
    if let Some(b) = v.get("body_base64").and_then(Value::as_str) {
        return base64::engine::general_purpose::STANDARD
            .decode(b)
            .expect("body_base64 is base64");
    }
    match v.get("body") {
        None => Vec::new(),
        Some(b) => serde_json::to_vec(b).unwrap(),
    }
}

/// Checks an error against `{error, status, api_code, message_contains, retry_after_ms,
/// request_id, details, may_have_been_delivered, field}`.
fn check_error(e: &Error, exp: &Value) -> Result<(), String> {
    let want = exp["error"].as_str().unwrap_or_default();
    if e.kind().name() != want {
        return Err(format!("want error {want}, got {} ({e})", e.kind().name()));
    }
    if let Some(s) = exp.get("status").and_then(Value::as_u64) {
        if e.status() != Some(s as u16) {
            return Err(format!("want status {s}, got {:?}", e.status()));
        }
    }
    if let Some(c) = exp.get("api_code") {
        let got = e.api_code().map(|s| json!(s)).unwrap_or(Value::Null);
        if &got != c {
            return Err(format!("want api_code {c}, got {got}"));
        }
    }
    if let Some(m) = exp.get("message_contains").and_then(Value::as_str) {
        if !e.message().contains(m) {
            return Err(format!("message {:?} lacks {m:?}", e.message()));
        }
    }
    if let Some(r) = exp.get("retry_after_ms") {
        let got = e.retry_after_ms().map(|x| json!(x)).unwrap_or(Value::Null);
        if &got != r {
            return Err(format!("want retry_after_ms {r}, got {got}"));
        }
    }
    if let Some(r) = exp.get("request_id") {
        let got = e.request_id().map(|x| json!(x)).unwrap_or(Value::Null);
        if &got != r {
            return Err(format!("want request_id {r}, got {got}"));
        }
    }
    if let Some(d) = exp.get("may_have_been_delivered").and_then(Value::as_bool) {
        if e.may_have_been_delivered() != d {
            return Err(format!(
                "want may_have_been_delivered {d}, got {}",
                e.may_have_been_delivered()
            ));
        }
    }
    if let Some(f) = exp.get("field").and_then(Value::as_str) {
        if e.field() != Some(f) {
            return Err(format!("want field {f:?}, got {:?}", e.field()));
        }
    }
    if let Some(d) = exp.get("details") {
        let got = serde_json::to_value(e.details()).unwrap();
        if &got != d {
            return Err(format!("want details {d}, got {got}"));
        }
    }
    Ok(())
}

/// The raw bytes and content type of a binary success (`inbound.attachment` with
/// `download=true`).
fn binary_of(resp: &autosend::ApiResponse) -> Result<(Vec<u8>, Option<String>), String> {
    match &resp.bytes {
        Some(b) => Ok((b.clone(), resp.content_type.clone())),
        None => Err(format!("want bytes, got JSON data {}", resp.data)),
    }
}

fn check_done(r: Result<autosend::ApiResponse, Error>, exp: &Value) -> Result<(), String> {
    if exp.get("ok").and_then(Value::as_bool) == Some(true) {
        let resp = r.map_err(|e| format!("want ok, got error {e}"))?;
        if let Some(g) = exp.get("already_gone").and_then(Value::as_bool) {
            if resp.already_gone != g {
                return Err(format!("want already_gone {g}, got {}", resp.already_gone));
            }
        }
        if let Some(b) = exp.get("bytes_base64").and_then(Value::as_str) {
            let want = base64::engine::general_purpose::STANDARD
                .decode(b)
                .map_err(|e| e.to_string())?;
            let (bytes, ct) = binary_of(&resp)?;
            if bytes != want {
                return Err(format!(
                    "bytes: want {} bytes, got {}",
                    want.len(),
                    bytes.len()
                ));
            }
            if let Some(c) = exp.get("content_type").and_then(Value::as_str) {
                if ct.as_deref() != Some(c) {
                    return Err(format!("content_type: want {c}, got {ct:?}"));
                }
            }
        }
        if let Some(d) = exp.get("data") {
            if &resp.data != d {
                return Err(format!("want data {d}, got {}", resp.data));
            }
        }
        if let Some(s) = exp.get("status").and_then(Value::as_u64) {
            if resp.status as u64 != s {
                return Err(format!("want status {s}, got {}", resp.status));
            }
        }
        Ok(())
    } else {
        match r {
            Ok(resp) => Err(format!("want error, got ok {}", resp.data)),
            Err(e) => check_error(&e, exp),
        }
    }
}

fn run_key(v: &Value) -> Result<(), String> {
    let input = v["input"]["key"].as_str().unwrap_or_default();
    let exp = &v["expect"];
    let secret = input.trim().split_once('_').map(|(_, s)| s).unwrap_or("");
    match ApiKey::parse(input) {
        Ok(k) => {
            let shown = format!("{k} {k:?}");
            if secret.len() >= 8 && shown.contains(secret) {
                return Err("key shown in Debug/Display".into());
            }
            match exp.get("key_kind").and_then(Value::as_str) {
                Some(kind) if kind == k.kind().name() => Ok(()),
                other => Err(format!("want {other:?}/{exp}, got {}", k.kind().name())),
            }
        }
        Err(e) => {
            let shown = format!("{e} {e:?}");
            if secret.len() >= 6 && shown.contains(secret) {
                return Err(format!("error echoes the key: {shown}"));
            }
            if exp.get("error").is_none() {
                return Err(format!("want {exp}, got error {e}"));
            }
            check_error(&e, exp)
        }
    }
}

fn run_request(v: &Value) -> Result<(), String> {
    let exp = &v["expect"];
    let built = ClientConfig::new(options(&v["client"])).and_then(|c| {
        build_request(
            &c,
            v["endpoint"].as_str().unwrap_or_default(),
            v["params"].clone(),
        )
    });
    let (_, req) = match built {
        Err(e) => {
            if exp.get("error").is_none() {
                return Err(format!("want request, got error {e}"));
            }
            return check_error(&e, exp);
        }
        Ok(r) => r,
    };
    if exp.get("error").is_some() {
        return Err(format!("want error {exp}, got request {req:?}"));
    }
    if exp["method"].as_str() != Some(req.method.as_str()) {
        return Err(format!(
            "method: want {}, got {}",
            exp["method"], req.method
        ));
    }
    if !same_url(exp["url"].as_str().unwrap_or_default(), &req.url) {
        return Err(format!("url: want {}, got {}", exp["url"], req.url));
    }
    let mut got = serde_json::Map::new();
    for (k, val) in &req.headers {
        if k == "user-agent" {
            if !val.starts_with("autosend") {
                return Err(format!("user-agent {val:?}"));
            }
            continue;
        }
        got.insert(k.clone(), json!(val));
    }
    if Value::Object(got.clone()) != exp["headers"] {
        return Err(format!(
            "headers: want {}, got {}",
            exp["headers"],
            Value::Object(got)
        ));
    }
    let body = match &req.body {
        None => Value::Null,
        Some(b) => serde_json::from_slice(b).map_err(|e| e.to_string())?,
    };
    if body != exp["body"] {
        return Err(format!("body: want {}, got {body}", exp["body"]));
    }
    Ok(())
}

fn run_response(v: &Value) -> Result<(), String> {
    let mut o = options(v.get("client").unwrap_or(&Value::Null));
    o.max_retries = 0;
    let config = ClientConfig::new(o).map_err(|e| e.to_string())?;
    let mut call = Call::new(
        &config,
        private_limiter(RateLimits::default()),
        v["endpoint"].as_str().unwrap_or_default(),
        v.get("params").cloned().unwrap_or(json!({})),
        1,
    )
    .map_err(|e| format!("call: {e}"))?;
    match call.poll(0) {
        Poll::Send(_) => {}
        other => return Err(format!("want send, got {other:?}")),
    }
    call.handle_response(
        0,
        v["status"].as_u64().unwrap_or(0) as u16,
        &headers_of(v.get("headers")),
        &body_of(v),
    );
    match call.poll(0) {
        Poll::Done(r) => check_done(r, &v["expect"]),
        other => Err(format!("want done, got {other:?}")),
    }
}

fn run_call(v: &Value) -> Result<(), String> {
    let config = ClientConfig::new(options(&v["client"])).map_err(|e| e.to_string())?;
    let mut call = Call::new(
        &config,
        private_limiter(config.rate_limits()),
        v["endpoint"].as_str().unwrap_or_default(),
        v["params"].clone(),
        v["seed"].as_u64().unwrap_or(0),
    )
    .map_err(|e| format!("call: {e}"))?;
    if config.encrypt_payloads() {
        // A key cache of the vector's own; random bytes as any CSPRNG would give them.
        call.encrypt_with(&config, Default::default());
        let bytes: Vec<u8> = (0..call.entropy_needed())
            .map(|i| (i * 31 + 7) as u8)
            .collect();
        call.provide_entropy(&bytes).map_err(|e| e.to_string())?;
    }
    let want_events = v.get("events").and_then(Value::as_array);
    call.record_events(want_events.is_some());
    for (i, step) in v["steps"].as_array().into_iter().flatten().enumerate() {
        let at = step["at"].as_u64().unwrap_or(0);
        let exp = &step["expect"];
        let ctx = |m: String| format!("step {i} (at {at}): {m}");
        match call.poll(at) {
            Poll::Send(req) => {
                let Some(s) = exp.get("send") else {
                    return Err(ctx(format!("want {exp}, got send attempt {}", req.attempt)));
                };
                if let Some(a) = s.get("attempt").and_then(Value::as_u64) {
                    if req.attempt as u64 != a {
                        return Err(ctx(format!("want attempt {a}, got {}", req.attempt)));
                    }
                }
                if let Some(m) = s.get("method").and_then(Value::as_str) {
                    if req.method.as_str() != m {
                        return Err(ctx(format!("want method {m}")));
                    }
                }
                if let Some(u) = s.get("url").and_then(Value::as_str) {
                    if !same_url(u, &req.url) {
                        return Err(ctx(format!("want url {u}, got {}", req.url)));
                    }
                }
                check_sent_headers(s, &req).map_err(ctx)?;
                if let Some(r) = step.get("respond") {
                    call.handle_response(
                        at,
                        r["status"].as_u64().unwrap_or(0) as u16,
                        &headers_of(r.get("headers")),
                        &body_of(r),
                    );
                } else if let Some(t) = step.get("transport_error").and_then(Value::as_str) {
                    let kind = TransportErrorKind::from_name(t)
                        .ok_or_else(|| ctx(format!("bad transport_error {t}")))?;
                    call.handle_transport_error(at, kind);
                }
            }
            Poll::Wait(ms) => {
                if let Some(w) = exp.get("wait").and_then(Value::as_u64) {
                    if ms != w {
                        return Err(ctx(format!("want wait {w}, got wait {ms}")));
                    }
                } else if let (Some(lo), Some(hi)) = (
                    exp.get("wait_min").and_then(Value::as_u64),
                    exp.get("wait_max").and_then(Value::as_u64),
                ) {
                    if ms < lo || ms > hi {
                        return Err(ctx(format!("want wait in [{lo}, {hi}], got {ms}")));
                    }
                } else {
                    return Err(ctx(format!("want {exp}, got wait {ms}")));
                }
            }
            Poll::Budget(op) => return Err(ctx(format!("no Redis store configured: {op:?}"))),
            Poll::Done(r) => {
                let Some(d) = exp.get("done") else {
                    return Err(ctx(format!("want {exp}, got done {r:?}")));
                };
                check_done(r, d).map_err(ctx)?;
            }
        }
    }
    if let Some(want) = want_events {
        check_events(want, std::iter::from_fn(|| call.poll_event()).collect())?;
    }
    Ok(())
}

/// `headers` (a subset; null = absent) and `encrypted` (the body is exactly
/// `{"encryptedData": "<five base64url parts>"}`) of a send expectation (jwe.json).
fn check_sent_headers(s: &Value, req: &autosend::Request) -> Result<(), String> {
    if let Some(hs) = s.get("headers").and_then(Value::as_object) {
        for (k, want) in hs {
            let got = req.header(k);
            match (want.as_str(), got) {
                (None, None) => {}
                (Some(w), Some(g)) if w == g => {}
                _ => return Err(format!("header {k}: want {want}, got {got:?}")),
            }
        }
    }
    if let Some(enc) = s.get("encrypted").and_then(Value::as_bool) {
        let sealed = req
            .body
            .as_deref()
            .and_then(|b| serde_json::from_slice::<Value>(b).ok())
            .and_then(|v| {
                let o = v.as_object()?.clone();
                let c = o.get("encryptedData")?.as_str()?.to_string();
                (o.len() == 1).then_some(c)
            })
            .is_some_and(|c| {
                let parts: Vec<&str> = c.split('.').collect();
                parts.len() == 5
                    && parts.iter().all(|p| {
                        !p.is_empty()
                            && p.bytes()
                                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                    })
            });
        if sealed != enc {
            return Err(format!("want encrypted={enc}, got a body that is {sealed}"));
        }
    }
    Ok(())
}

fn run_limiter(v: &Value) -> Result<(), String> {
    let limits = match v.get("limits") {
        Some(l) => {
            let d = RateLimits::default();
            RateLimits {
                per_second: l["per_second"].as_u64().unwrap_or(d.per_second as u64) as u32,
                per_minute: l["per_minute"].as_u64().unwrap_or(d.per_minute as u64) as u32,
                second_ms: l["second_ms"].as_u64().unwrap_or(d.second_ms),
                minute_ms: l["minute_ms"].as_u64().unwrap_or(d.minute_ms),
            }
        }
        None => RateLimits::default(),
    };
    let instant = v.get("answers").and_then(Value::as_str) == Some("instant");
    let mut l = RateLimiter::new(limits);
    for (i, step) in v["steps"].as_array().into_iter().flatten().enumerate() {
        let at = step["at"].as_u64().unwrap_or(0);
        if let Some(g) = step.get("settle").and_then(Value::as_u64) {
            l.settle(g, at);
            continue;
        }
        if let Some(g) = step.get("refund").and_then(Value::as_u64) {
            l.refund(g);
            continue;
        }
        if let Some(ms) = step.get("block").and_then(Value::as_u64) {
            l.block_for(at, ms);
            continue;
        }
        for r in 0..step.get("repeat").and_then(Value::as_u64).unwrap_or(1) {
            let got = l.acquire(at);
            let ok = match (&step["expect"], got) {
                (Value::String(s), Acquire::Go(_)) => s == "go",
                (e, Acquire::Wait(ms)) => e.get("wait").and_then(Value::as_u64) == Some(ms),
                _ => false,
            };
            if !ok {
                return Err(format!(
                    "step {i} rep {r} at {at}: want {}, got {got:?}",
                    step["expect"]
                ));
            }
            if let (true, Acquire::Go(g)) = (instant, got) {
                l.settle(g, at);
            }
        }
    }
    Ok(())
}

fn run_webhook(v: &Value) -> Result<(), String> {
    let mut opts = VerifyOptions::default();
    if let Some(o) = v.get("options") {
        if let Some(p) = o.get("tolerance_past_ms").and_then(Value::as_u64) {
            opts.tolerance_past_ms = p;
        }
        if let Some(f) = o.get("tolerance_future_ms").and_then(Value::as_u64) {
            opts.tolerance_future_ms = f;
        }
    }
    let r = verify(
        v["body"].as_str().unwrap_or_default().as_bytes(),
        &headers_of(v.get("headers")),
        v["secret"].as_str().unwrap_or_default(),
        v["now_ms"].as_u64().unwrap_or(0),
        &opts,
    );
    let exp = &v["expect"];
    match r {
        Ok(ev) => {
            if exp.get("ok").and_then(Value::as_bool) != Some(true) {
                return Err(format!("want {exp}, got ok {}", ev.event_type));
            }
            match exp.get("type").and_then(Value::as_str) {
                Some(t) if t != ev.event_type => {
                    Err(format!("want type {t}, got {}", ev.event_type))
                }
                _ => Ok(()),
            }
        }
        Err(e) => {
            if exp.get("error").is_none() {
                return Err(format!("want ok, got {e}"));
            }
            check_error(&e, exp)
        }
    }
}

/// `kind: "pager"`: build the pager (or expect a usage error), then for each page compare
/// `next_params` with `expect_params`, feed `data` and compare the page info; finally check
/// `expect_end` (`next_params: null`, or `next_page` after an error; `items_seen`,
/// `pages_done`). `first_request`: the request built from the first page's params.
fn run_pager(v: &Value) -> Result<(), String> {
    let endpoint = v["endpoint"].as_str().unwrap_or_default();
    let made = match v.get("start_page").and_then(Value::as_u64) {
        Some(p) => Pager::starting_at(endpoint, v["params"].clone(), p),
        None => Pager::new(endpoint, v["params"].clone()),
    };
    let mut pager = match (made, v.get("expect_error")) {
        (Err(e), Some(exp)) => return check_error(&e, exp),
        (Err(e), None) => return Err(format!("want a pager, got error {e}")),
        (Ok(p), Some(exp)) => {
            return Err(format!("want error {exp}, got pager {:?}", p.describe()))
        }
        (Ok(p), None) => p,
    };
    if let Some(fr) = v.get("first_request") {
        let config = ClientConfig::new(options(&Value::Null)).map_err(|e| e.to_string())?;
        let params = pager.next_params().ok_or("no first page")?;
        let (_, req) = build_request(&config, endpoint, params).map_err(|e| e.to_string())?;
        if fr["method"].as_str() != Some(req.method.as_str()) {
            return Err(format!("first request method: want {}", fr["method"]));
        }
        if !same_url(fr["url"].as_str().unwrap_or_default(), &req.url) {
            return Err(format!(
                "first request url: want {}, got {}",
                fr["url"], req.url
            ));
        }
        let body = match &req.body {
            None => Value::Null,
            Some(b) => serde_json::from_slice(b).map_err(|e| e.to_string())?,
        };
        if body != fr["body"] {
            return Err(format!(
                "first request body: want {}, got {body}",
                fr["body"]
            ));
        }
    }
    for (i, page) in v["pages"].as_array().into_iter().flatten().enumerate() {
        let ctx = |m: String| format!("page step {i}: {m}");
        let got = pager.next_params().unwrap_or(Value::Null);
        if got != page["expect_params"] {
            return Err(ctx(format!(
                "next_params: want {}, got {got}",
                page["expect_params"]
            )));
        }
        let exp = &page["expect"];
        match pager.handle_page(&page["data"]) {
            Err(e) => {
                if exp.get("error").is_none() {
                    return Err(ctx(format!("want page, got error {e}")));
                }
                check_error(&e, exp).map_err(ctx)?;
            }
            Ok(info) => {
                if exp.get("error").is_some() {
                    return Err(ctx(format!("want error {exp}, got {:?}", info.describe())));
                }
                let d = info.describe();
                if let Some(n) = exp.get("item_count").and_then(Value::as_u64) {
                    if info.items.len() as u64 != n {
                        return Err(ctx(format!("want {n} items, got {}", info.items.len())));
                    }
                }
                for k in ["items", "page", "limit", "total", "pages", "has_more"] {
                    if let Some(w) = exp.get(k) {
                        if &d[k] != w {
                            return Err(ctx(format!("{k}: want {w}, got {}", d[k])));
                        }
                    }
                }
            }
        }
    }
    let end = &v["expect_end"];
    if end.get("next_params").is_some_and(Value::is_null) && pager.next_params().is_some() {
        return Err(format!(
            "want the list exhausted, next_params is {:?}",
            pager.next_params()
        ));
    }
    if let Some(p) = end.get("next_page").and_then(Value::as_u64) {
        if pager.page() != Some(p) {
            return Err(format!("want next page {p}, got {:?}", pager.page()));
        }
    }
    if let Some(n) = end.get("items_seen").and_then(Value::as_u64) {
        if pager.items_seen() != n {
            return Err(format!("want items_seen {n}, got {}", pager.items_seen()));
        }
    }
    if let Some(n) = end.get("pages_done").and_then(Value::as_u64) {
        if pager.pages_done() != n {
            return Err(format!("want pages_done {n}, got {}", pager.pages_done()));
        }
    }
    Ok(())
}

/// `kind: "chunk"`: build the chunker (or expect a usage error), check the split and the
/// shared fields, send every chunk as a real call (max_retries 0, no rate limit) answered
/// 200 unless `outcomes[index]` gives a `respond` or `transport_error`, record the results
/// and compare the report with `expect_report`.
fn run_chunk(v: &Value) -> Result<(), String> {
    let endpoint = v["endpoint"].as_str().unwrap_or_default();
    let params = &v["params"];
    let mut chunker = match (
        Chunker::new(endpoint, params.clone()),
        v.get("expect_error"),
    ) {
        (Err(e), Some(exp)) => return check_error(&e, exp),
        (Err(e), None) => return Err(format!("want a chunker, got error {e}")),
        (Ok(c), Some(exp)) => return Err(format!("want error {exp}, got {} chunks", c.chunks())),
        (Ok(c), None) => c,
    };
    let exp = &v["expect"];
    let field = exp["field"].as_str().unwrap_or_default();
    if chunker.field() != field {
        return Err(format!("field: want {field}, got {}", chunker.field()));
    }
    if Some(chunker.chunk_size() as u64) != exp["chunk_size"].as_u64() {
        return Err(format!(
            "chunk_size: want {}, got {}",
            exp["chunk_size"],
            chunker.chunk_size()
        ));
    }
    let sizes: Vec<u64> = (0..chunker.chunks())
        .map(|i| {
            chunker.chunk_params(i).unwrap()[field]
                .as_array()
                .unwrap()
                .len() as u64
        })
        .collect();
    if json!(sizes) != exp["chunk_sizes"] {
        return Err(format!(
            "chunk sizes: want {}, got {sizes:?}",
            exp["chunk_sizes"]
        ));
    }
    // Every item in exactly one chunk, in order; shared fields copied as given.
    let all: Vec<Value> = (0..chunker.chunks())
        .flat_map(|i| {
            chunker.chunk_params(i).unwrap()[field]
                .as_array()
                .unwrap()
                .clone()
        })
        .collect();
    if Some(&all) != params[field].as_array() {
        return Err("the chunks' items are not the caller's items in order".into());
    }
    for i in 0..chunker.chunks() {
        let p = chunker.chunk_params(i).unwrap();
        for k in exp["shared"].as_array().into_iter().flatten() {
            let k = k.as_str().unwrap_or_default();
            if p[k] != params[k] {
                return Err(format!("chunk {i}: shared field {k} not copied"));
            }
        }
    }
    let mut o = options(v.get("client").unwrap_or(&Value::Null));
    o.max_retries = 0;
    let config = ClientConfig::new(o).map_err(|e| e.to_string())?;
    let unlimited = RateLimits {
        per_second: 1_000_000,
        per_minute: 1_000_000,
        ..Default::default()
    };
    let mut requests = 0u64;
    let mut at = 0u64;
    while let Some((i, p)) = chunker.next_chunk() {
        let outcome = &v["outcomes"][i.to_string()];
        let result = match Call::new(&config, private_limiter(unlimited), endpoint, p, i as u64) {
            Err(e) => Err(e),
            Ok(mut call) => loop {
                at += 1;
                match call.poll(at) {
                    Poll::Done(r) => break r,
                    Poll::Wait(ms) => at += ms,
                    Poll::Budget(op) => panic!("no Redis store configured: {op:?}"),
                    Poll::Send(req) => {
                        requests += 1;
                        let body: Value =
                            serde_json::from_slice(req.body.as_deref().unwrap_or(b"null"))
                                .map_err(|e| e.to_string())?;
                        if body[field].as_array().map(Vec::len) != Some(sizes[i] as usize) {
                            return Err(format!("chunk {i}: the request body lacks its {field}"));
                        }
                        if let Some(t) = outcome.get("transport_error").and_then(Value::as_str) {
                            let kind =
                                TransportErrorKind::from_name(t).ok_or("bad transport_error")?;
                            call.handle_transport_error(at, kind);
                        } else if let Some(r) = outcome.get("respond") {
                            call.handle_response(
                                at,
                                r["status"].as_u64().unwrap_or(0) as u16,
                                &headers_of(r.get("headers")),
                                &body_of(r),
                            );
                        } else {
                            let ok = json!({"success": true, "data": {"chunk": i, "batchId": format!("b{i}")}});
                            call.handle_response(at, 200, &[], ok.to_string().as_bytes());
                        }
                    }
                }
            },
        };
        chunker.record(i, result).map_err(|e| e.to_string())?;
        if chunker
            .record(i, Err(Error::validation("", "again")))
            .is_ok()
        {
            return Err(format!("chunk {i} could be recorded twice"));
        }
    }
    let report = chunker.report();
    let d = report.describe();
    let er = &v["expect_report"];
    let statuses: Vec<&str> = report.chunks.iter().map(|c| c.status.name()).collect();
    if json!(statuses) != er["chunk_status"] {
        return Err(format!(
            "chunk status: want {}, got {statuses:?}",
            er["chunk_status"]
        ));
    }
    for k in ["counts", "stopped", "retry_safe"] {
        if let Some(w) = er.get(k) {
            if &d[k] != w {
                return Err(format!("{k}: want {w}, got {}", d[k]));
            }
        }
    }
    if let Some(n) = er.get("requests").and_then(Value::as_u64) {
        if requests != n {
            return Err(format!("want {n} requests sent, got {requests}"));
        }
    }
    if let Some(m) = er.get("chunk_errors").and_then(Value::as_object) {
        for (i, want) in m {
            let c = &report.chunks[i.parse::<usize>().map_err(|e| e.to_string())?];
            let e = c
                .error
                .as_ref()
                .ok_or(format!("chunk {i}: want an error"))?;
            check_error(e, want).map_err(|m| format!("chunk {i}: {m}"))?;
        }
    }
    for chk in er["item_checks"].as_array().into_iter().flatten() {
        let idx = chk[0].as_u64().unwrap_or(0) as usize;
        let got = report.item_status(idx).map(ChunkStatus::name);
        if got != chk[1].as_str() {
            return Err(format!("item {idx}: want {}, got {got:?}", chk[1]));
        }
    }
    // Every item accounted for exactly once, in order, with its chunk's status.
    let items = d["items"].as_array().ok_or("report has no items")?;
    if items.len() != all.len()
        || items
            .iter()
            .enumerate()
            .any(|(i, it)| it["index"].as_u64() != Some(i as u64))
    {
        return Err("the report does not list every item exactly once".into());
    }
    let total: u64 = d["counts"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(Value::as_u64)
        .sum();
    if total != all.len() as u64 {
        return Err(format!("counts add up to {total}, not {}", all.len()));
    }
    Ok(())
}

#[test]
fn conformance_vectors() {
    let pending = pending();
    let mut passed = 0;
    let mut skipped = Vec::new();
    let mut failures = Vec::new();
    let mut names = std::collections::HashSet::new();
    for f in vector_files() {
        let text = std::fs::read_to_string(&f).unwrap();
        let doc: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        for v in doc["vectors"].as_array().expect("vectors array") {
            let name = v["name"].as_str().unwrap_or("?").to_string();
            assert!(names.insert(name.clone()), "duplicate vector name {name}");
            let r = match v["kind"].as_str() {
                Some("key") => run_key(v),
                Some("request") => run_request(v),
                Some("response") => run_response(v),
                Some("call") => run_call(v),
                Some("limiter") => run_limiter(v),
                Some("webhook") => run_webhook(v),
                Some("pager") => run_pager(v),
                Some("chunk") => run_chunk(v),
                Some("budget_reply") => run_budget_reply(v),
                k => Err(format!("unknown kind {k:?}")),
            };
            match (r, pending.get(&name)) {
                (Ok(()), None) => passed += 1,
                (Err(e), None) => failures.push(format!("{name}: {e}")),
                (Err(e), Some(reason)) => skipped.push(format!("{name} ({reason}): {e}")),
                (Ok(()), Some(_)) => failures.push(format!(
                    "{name}: listed in tests/vectors/{PENDING} but passes now: remove it from the list"
                )),
            }
        }
    }
    for p in pending.keys() {
        if !names.contains(p) {
            failures.push(format!(
                "{p}: listed in tests/vectors/{PENDING} but no vector has this name"
            ));
        }
    }
    for s in &skipped {
        eprintln!("SKIP {s}");
    }
    for f in &failures {
        eprintln!("FAIL {f}");
    }
    eprintln!(
        "vectors: {passed} passed, {} skipped (pending), {} failed",
        skipped.len(),
        failures.len()
    );
    assert!(passed >= 120, "too few vectors ran: {passed}");
    assert!(failures.is_empty(), "{} vectors failed", failures.len());
}

/// A reply of the shared budget's Redis scripts, read by the core.
fn run_budget_reply(v: &Value) -> Result<(), String> {
    let kind = autosend::BudgetOpKind::from_name(v["op"].as_str().unwrap_or("")).ok_or("bad op")?;
    let got = autosend::budget_redis::interpret_reply_json(kind, &v["reply"]);
    if got != v["expect"] {
        return Err(format!("want {}, got {got}", v["expect"]));
    }
    Ok(())
}

/// `events` of a call vector (docs/contract.md, Call events): same count, in order, and every
/// field an expected event gives.
fn check_events(want: &[Value], got: Vec<autosend::Event>) -> Result<(), String> {
    let got: Vec<Value> = got
        .iter()
        .map(|e| e.to_json(autosend::NameStyle::Snake))
        .collect();
    if want.len() != got.len() {
        return Err(format!(
            "events: want {} events, got {}: {}",
            want.len(),
            got.len(),
            Value::from(got.clone())
        ));
    }
    for (i, (w, g)) in want.iter().zip(&got).enumerate() {
        for (k, wv) in w.as_object().into_iter().flatten() {
            if g.get(k) != Some(wv) {
                return Err(format!("event {i}: want {k} = {wv}, got {g}"));
            }
        }
    }
    Ok(())
}
