//! Stable-Rust fuzzing of the core's input surfaces (no nightly needed): each target replays its
//! checked-in corpus (`core/fuzz/corpus/<target>/`) plus seeds taken from the conformance
//! vectors, then mutates them (byte flips, inserts of JSON tokens and canary keys, deletions,
//! splices) for `AUTOSEND_FUZZ_SECS` seconds (default 0: corpus only, as in `cargo test`).
//! Seeded by `AUTOSEND_FUZZ_SEED` (default: the time), printed so a failure can be replayed.
//!
//! Invariants: no panic; a key never appears in an error; every error has a kind, and a
//! validation error names its field. A failing input is written to
//! `target/fuzz-failures/<target>-<n>` and the test fails.
//!
//! `bash scripts/test.sh fuzz` runs every target for 25 s.

use autosend::{
    build_request, limits, normalize_base_url, private_limiter, webhook, ApiKey, Call,
    ClientConfig, ClientOptions, Error, ErrorKind, Poll, RateLimits, CATALOG,
};
use serde_json::Value;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The secret part every target looks for in error texts.
const CANARY: &str = "CanarySecret7Q9Z";
const KEY: &str = "AS_CanarySecret7Q9Z";
const WH_SECRET: &str = "whsec_CanarySecret7Q9Z";

const TOKENS: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b":",
    b",",
    b"\\u0000",
    b"\\ud800",
    b"null",
    b"true",
    b"1e999",
    b"-0",
    b"18446744073709551616",
    b"\"dynamicData\":",
    b"\"to\":",
    b"\"email\":",
    b"@",
    b"%",
    b"https://",
    b"http://127.0.0.1",
    b"AS_",
    b"ASA_",
    b"Bearer ",
    KEY.as_bytes(),
    CANARY.as_bytes(),
    b"\xff",
    b"\xc3\xa9",
    b"\r\n",
    b"\"retryAfter\":",
    b"\"error\":",
    b"\"data\":",
    b"\"message\":",
    b"\"details\":[",
    b"\"code\":\"PLAN_UPGRADE_REQUIRED\"",
    b"{\"a\":{\"a\":{\"a\":{\"a\":",
];

fn secs() -> u64 {
    std::env::var("AUTOSEND_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(&dir) {
        let mut files: Vec<_> = rd.flatten().map(|e| e.path()).collect();
        files.sort();
        for f in files {
            out.push(std::fs::read(f).unwrap());
        }
    }
    out
}

/// Every vector of `kind` from tests/vectors.
fn vectors(kind: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors"))
        .unwrap()
        .flatten()
    {
        let p = e.path();
        if p.extension().and_then(|x| x.to_str()) != Some("json") {
            continue;
        }
        let v: Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
        for x in v["vectors"].as_array().into_iter().flatten() {
            if x["kind"] == kind {
                out.push(x.clone());
            }
        }
    }
    out
}

fn mutate(rng: &mut fastrand::Rng, seeds: &[Vec<u8>], input: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..rng.usize(1..=6) {
        let at = rng.usize(0..=v.len());
        match rng.u8(0..7) {
            0 if !v.is_empty() => {
                let i = rng.usize(0..v.len());
                v[i] ^= 1 << rng.u8(0..8);
            }
            1 if !v.is_empty() => {
                let i = rng.usize(0..v.len());
                v[i] = rng.u8(..);
            }
            2 | 3 => {
                let t = TOKENS[rng.usize(0..TOKENS.len())];
                v.splice(at..at, t.iter().copied());
            }
            4 if !v.is_empty() => {
                let end = (at + rng.usize(1..16)).min(v.len());
                v.drain(at.min(end)..end);
            }
            5 if !v.is_empty() => {
                let s = rng.usize(0..v.len());
                let e = (s + rng.usize(1..32)).min(v.len());
                let piece = v[s..e].to_vec();
                for _ in 0..rng.usize(1..8) {
                    v.splice(at.min(v.len())..at.min(v.len()), piece.iter().copied());
                }
            }
            _ => {
                let other = &seeds[rng.usize(0..seeds.len())];
                if !other.is_empty() {
                    let s = rng.usize(0..other.len());
                    v.truncate(at);
                    v.extend_from_slice(&other[s..]);
                }
            }
        }
    }
    v.truncate(1 << 16);
    v
}

/// Checks an error: a kind, a field for validation errors, no key in any text.
fn check_error(e: &Error, canary: &str) -> Result<(), String> {
    let texts = format!("{e} {e:?} {}", e.to_json());
    if texts.contains(canary) {
        return Err(format!("secret in the error: {texts}"));
    }
    if e.kind() == ErrorKind::Validation && e.field().is_none_or(str::is_empty) {
        return Err(format!("validation error without a field: {e}"));
    }
    if matches!(e.kind(), ErrorKind::Internal | ErrorKind::Panic) {
        return Err(format!("internal error: {e}"));
    }
    Ok(())
}

fn run(target: &str, mut seeds: Vec<Vec<u8>>, check: impl Fn(&[u8]) -> Result<(), String>) {
    seeds.extend(corpus(target));
    seeds.push(Vec::new());
    let seed = std::env::var("AUTOSEND_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        });
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut failures: Vec<String> = Vec::new();
    let run_one = |failures: &mut Vec<String>, input: &[u8]| {
        let r = catch_unwind(AssertUnwindSafe(|| check(input))).unwrap_or_else(|p| {
            Err(format!(
                "panic: {}",
                p.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            ))
        });
        if let Err(why) = r {
            let dir = repo().join("target/fuzz-failures");
            let _ = std::fs::create_dir_all(&dir);
            let f = dir.join(format!("{target}-{}", failures.len()));
            let _ = std::fs::write(&f, input);
            failures.push(format!("{why} (input saved to {})", f.display()));
        }
    };
    for s in &seeds {
        run_one(&mut failures, s);
    }
    let end = Instant::now() + Duration::from_secs(secs());
    let mut n = 0u64;
    while Instant::now() < end && failures.len() < 5 {
        let base = seeds[rng.usize(0..seeds.len())].clone();
        let input = mutate(&mut rng, &seeds, &base);
        run_one(&mut failures, &input);
        n += 1;
    }
    println!(
        "fuzz {target}: {} seeds, {n} mutated inputs (seed {seed})",
        seeds.len()
    );
    assert!(
        failures.is_empty(),
        "fuzz {target}:\n{}",
        failures.join("\n")
    );
}

fn text(input: &[u8]) -> String {
    String::from_utf8_lossy(input).into_owned()
}

#[test]
fn fuzz_key_parsing() {
    let seeds = vectors("key")
        .iter()
        .filter_map(|v| v["input"]["key"].as_str().map(|s| s.as_bytes().to_vec()))
        .chain([
            KEY.as_bytes().to_vec(),
            format!("ASA_{CANARY}").into_bytes(),
        ])
        .collect();
    run("key", seeds, |input| {
        let s = text(input);
        match ApiKey::parse(&s) {
            Ok(k) => {
                let shown = format!("{k:?} {}", k.redacted());
                if s.contains(CANARY) && shown.contains(CANARY) {
                    return Err(format!("key shown: {shown}"));
                }
                Ok(())
            }
            Err(e) => {
                if e.kind() != ErrorKind::InvalidApiKey {
                    return Err(format!("kind {}", e.kind()));
                }
                check_error(&e, CANARY)
            }
        }
    });
}

#[test]
fn fuzz_base_url() {
    let seeds = [
        "https://api.autosend.com/v1",
        "http://127.0.0.1:8080/v1/",
        "https://[::1]:443/a/b?x#y",
        "http://localhost",
        "https://user:pass@example.com/v1",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    run("base_url", seeds, |input| {
        match normalize_base_url(&text(input)) {
            Ok(u) if u.starts_with("https://") || u.starts_with("http://") => Ok(()),
            Ok(u) => Err(format!("accepted {u:?}")),
            Err(e) if e.kind() == ErrorKind::InvalidBaseUrl => check_error(&e, CANARY),
            Err(e) => Err(format!("kind {}", e.kind())),
        }
    });
}

fn config() -> ClientConfig {
    let mut o = ClientOptions::new(KEY);
    o.max_retries = 2;
    ClientConfig::new(o).unwrap()
}

/// Input = one byte choosing the endpoint + JSON text of the parameters.
fn request_seeds() -> Vec<Vec<u8>> {
    vectors("request")
        .iter()
        .filter_map(|v| {
            let id = v["endpoint"].as_str()?;
            let i = CATALOG.iter().position(|e| e.id == id)?;
            let mut b = vec![i as u8];
            b.extend(serde_json::to_vec(&v["params"]).ok()?);
            Some(b)
        })
        .collect()
}

#[test]
fn fuzz_request_validation() {
    let cfg = config();
    run("request", request_seeds(), |input| {
        let Some((&ep, rest)) = input.split_first() else {
            return Ok(());
        };
        let ep = CATALOG[usize::from(ep) % CATALOG.len()].id;
        // The parse stage does not know the key (C and wasm call it before the client): a
        // syntax error names the top-level field, which is the caller's own text.
        let params = match limits::params_from_json(rest) {
            Ok(p) => p,
            Err(e) => return check_error(&e, "\u{0}never"),
        };
        match build_request(&cfg, ep, params) {
            Ok((_, req)) => {
                let shown = format!("{req:?}");
                if shown.contains(CANARY) {
                    return Err(format!("key in Debug: {shown}"));
                }
                Ok(())
            }
            Err(e) => check_error(&e, CANARY),
        }
    });
}

/// Input = endpoint byte, status byte, then `headers\n\nbody`.
fn response_seeds() -> Vec<Vec<u8>> {
    vectors("response")
        .iter()
        .filter_map(|v| {
            let id = v["endpoint"].as_str()?;
            let i = CATALOG.iter().position(|e| e.id == id)?;
            let status = v["status"].as_u64()?;
            let si = STATUSES
                .iter()
                .position(|s| u64::from(*s) == status)
                .unwrap_or(0);
            let mut b = vec![i as u8, si as u8];
            for (k, val) in v["headers"].as_object()? {
                b.extend(format!("{k}: {}\n", val.as_str().unwrap_or("")).bytes());
            }
            b.extend(b"\n");
            match v.get("body_text").and_then(Value::as_str) {
                Some(t) => b.extend(t.bytes()),
                None => b.extend(serde_json::to_vec(&v["body"]).ok()?),
            }
            Some(b)
        })
        .collect()
}

const STATUSES: &[u16] = &[
    200, 201, 202, 204, 206, 301, 307, 400, 401, 402, 403, 404, 405, 409, 413, 422, 429, 500, 502,
    503, 504, 599, 100, 0, 999,
];

#[test]
fn fuzz_response_path() {
    let cfg = config();
    run("response", response_seeds(), |input| {
        if input.len() < 2 {
            return Ok(());
        }
        let ep = &CATALOG[usize::from(input[0]) % CATALOG.len()];
        let status = STATUSES[usize::from(input[1]) % STATUSES.len()];
        let rest = &input[2..];
        let split = rest
            .windows(2)
            .position(|w| w == b"\n\n")
            .unwrap_or(rest.len());
        let headers: Vec<(String, String)> = text(&rest[..split])
            .lines()
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let body = rest.get(split + 2..).unwrap_or_default();
        // Any call of the endpoint: find parameters the core accepts (or skip).
        let params = request_params(ep.id);
        let Ok(mut call) = Call::new(
            &cfg,
            private_limiter(RateLimits::default()),
            ep.id,
            params,
            7,
        ) else {
            return Ok(());
        };
        let mut now = 0u64;
        for _ in 0..20 {
            match call.poll(now) {
                Poll::Send(_) => call.handle_response(now, status, &headers, body),
                Poll::Wait(ms) => now += ms.max(1),
                Poll::Budget(_) => return Err("a budget operation without Redis configured".into()),
                Poll::Done(Ok(r)) => {
                    let shown = format!("{r:?}");
                    return if shown.contains(CANARY) && !body_has_canary(body) {
                        Err(format!("key in a result: {shown}"))
                    } else {
                        Ok(())
                    };
                }
                Poll::Done(Err(e)) => return check_error(&e, CANARY),
            }
        }
        Err("the call did not end within 20 polls".into())
    });
}

fn body_has_canary(body: &[u8]) -> bool {
    text(body).contains(CANARY)
}

/// The first request vector's parameters for `id`, or none.
fn request_params(id: &str) -> Value {
    use std::sync::OnceLock;
    static P: OnceLock<Vec<(String, Value)>> = OnceLock::new();
    let all = P.get_or_init(|| {
        vectors("request")
            .into_iter()
            .filter(|v| v["expect"].get("error").is_none())
            .map(|v| {
                (
                    v["endpoint"].as_str().unwrap_or("").to_string(),
                    v["params"].clone(),
                )
            })
            .collect()
    });
    all.iter()
        .find(|(e, _)| e == id)
        .map(|(_, p)| p.clone())
        .unwrap_or(Value::Null)
}

/// Input = `timestamp\nsignature\nbody`.
#[test]
fn fuzz_webhook_verification() {
    let now = 1_767_225_600_000u64;
    let mut seeds: Vec<Vec<u8>> = vectors("webhook")
        .iter()
        .filter_map(|v| {
            let body = v["input"]["body"].as_str().or(v["body"].as_str())?;
            Some(
                format!(
                    "{now}\n{}\n{body}",
                    webhook::sign(body.as_bytes(), WH_SECRET)
                )
                .into_bytes(),
            )
        })
        .collect();
    let ev = r#"{"type":"email.delivered","createdAt":"2026-01-01T00:00:00.000Z","data":{"emailId":"e1"}}"#;
    seeds.push(format!("{now}\n{}\n{ev}", webhook::sign(ev.as_bytes(), WH_SECRET)).into_bytes());
    run("webhook", seeds, |input| {
        let mut parts = input.splitn(3, |b| *b == b'\n');
        let ts = text(parts.next().unwrap_or_default());
        let sig = text(parts.next().unwrap_or_default());
        let body = parts.next().unwrap_or_default();
        let headers = vec![
            ("X-Webhook-Timestamp".to_string(), ts),
            ("X-Webhook-Signature".to_string(), sig),
        ];
        let opts = webhook::VerifyOptions::default();
        if let Err(e) = webhook::verify(body, &headers, WH_SECRET, now, &opts) {
            if e.kind().category() != autosend::Category::Webhook {
                return Err(format!("kind {}", e.kind()));
            }
            check_error(&e, CANARY)?;
        }
        // Property: a body signed with the secret and a fresh timestamp never fails on the
        // signature or the timestamp (only `webhook_malformed` if it is not an event).
        let good = vec![
            ("x-webhook-timestamp".to_string(), now.to_string()),
            (
                "x-webhook-signature".to_string(),
                webhook::sign(body, WH_SECRET),
            ),
        ];
        match webhook::verify(body, &good, WH_SECRET, now, &opts) {
            Ok(_) => Ok(()),
            Err(e) if e.kind() == ErrorKind::WebhookMalformed => check_error(&e, CANARY),
            Err(e) => Err(format!("a correctly signed body refused: {e}")),
        }
    });
}
