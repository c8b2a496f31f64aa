//! The webhook exports of both WebAssembly modules: `autosend-wasm` (the SDK) and
//! `autosend-wasm-webhook` (the npm subpath `autosend-sdk/webhook`) link this crate, so one
//! conversion layer serves both. It is a plain library: each module stays a `cdylib` of its
//! own (a crate that is both `cdylib` and `rlib` loses LTO, +30% on the small module).
//!
//! `autosend::webhook::verify` and the core's replay guard; the linker keeps only what these
//! few exports reach. It only converts types: bytes and strings in, JSON strings out; errors
//! cross as a thrown string holding the core's `Error::to_json()`, which the JavaScript side
//! turns into the SDK's `WebhookVerificationError` subclasses. Nothing here can panic (no
//! `unwrap`/`expect`; the wasm profile aborts on panic).

use autosend::webhook::{self, VerifyOptions};
use autosend::Error;
use wasm_bindgen::prelude::*;

fn err_value(e: &Error) -> JsValue {
    JsValue::from_str(&e.to_json().to_string())
}

/// Milliseconds from JS (a double) to u64 without any panicking path.
fn ms(x: f64) -> u64 {
    if x.is_finite() && x > 0.0 {
        x as u64
    } else {
        0
    }
}

/// Verifies a webhook delivery. `header_pairs` is flat: `[name0, value0, name1, value1, …]`.
/// A tolerance below 0 picks the core's default. Returns the event JSON
/// `{type, createdAt, deliveryId, data}` or throws the error JSON.
#[wasm_bindgen(js_name = verifyWebhook)]
pub fn verify_webhook(
    body: &[u8],
    header_pairs: Vec<String>,
    secret: &str,
    now_unix_ms: f64,
    tolerance_past_ms: f64,
    tolerance_future_ms: f64,
) -> Result<String, JsValue> {
    let mut headers = Vec::with_capacity(header_pairs.len() / 2);
    let mut it = header_pairs.into_iter();
    while let (Some(k), Some(v)) = (it.next(), it.next()) {
        headers.push((k, v));
    }
    let defaults = VerifyOptions::default();
    let pick = |x: f64, default: u64| if x >= 0.0 { ms(x) } else { default };
    let options = VerifyOptions {
        tolerance_past_ms: pick(tolerance_past_ms, defaults.tolerance_past_ms),
        tolerance_future_ms: pick(tolerance_future_ms, defaults.tolerance_future_ms),
    };
    let event = webhook::verify(body, &headers, secret, ms(now_unix_ms), &options)
        .map_err(|e| err_value(&e))?;
    Ok(event.to_json().to_string())
}

/// The core's webhook replay guard (in memory, bounded): AutoSend signs only the body, so the
/// timestamp window does not stop a replayed delivery.
#[wasm_bindgen]
pub struct WasmReplayGuard {
    inner: autosend::ReplayGuard,
}

#[wasm_bindgen]
impl WasmReplayGuard {
    /// `ttl_ms` < 0 or `capacity` < 1 pick the core's defaults; `ttl_ms` 0 is refused.
    #[wasm_bindgen(constructor)]
    pub fn new(ttl_ms: f64, capacity: f64) -> Result<WasmReplayGuard, JsValue> {
        let ttl = if ttl_ms < 0.0 {
            autosend::replay::DEFAULT_REPLAY_TTL_MS
        } else {
            ms(ttl_ms)
        };
        let cap = if capacity >= 1.0 {
            capacity.min(1e9) as usize
        } else {
            autosend::replay::DEFAULT_REPLAY_CAPACITY
        };
        let inner = autosend::ReplayGuard::new(ttl, cap).map_err(|e| err_value(&e))?;
        Ok(WasmReplayGuard { inner })
    }

    /// True the first time `body` is seen within the TTL; false for a replay.
    #[wasm_bindgen(js_name = firstSeen)]
    pub fn first_seen(&mut self, body: &[u8], now_ms: f64) -> bool {
        self.inner.first_seen(body, ms(now_ms))
    }

    /// How many bodies are remembered.
    pub fn size(&self) -> f64 {
        self.inner.store().len() as f64
    }
}

/// The de-duplication key of a raw body (`sha256:<hex>`), the same in every language.
#[wasm_bindgen(js_name = webhookReplayKey)]
pub fn webhook_replay_key(body: &[u8]) -> String {
    autosend::replay_key(body)
}

/// The core's replay defaults, `[ttlMs, capacity]`.
#[wasm_bindgen(js_name = replayDefaults)]
pub fn replay_defaults() -> Vec<f64> {
    vec![
        autosend::replay::DEFAULT_REPLAY_TTL_MS as f64,
        autosend::replay::DEFAULT_REPLAY_CAPACITY as f64,
    ]
}
