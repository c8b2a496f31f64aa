//! The rate limiter and webhook verification on their own.

use crate::error::{autosend_error, ffi_result_err, Failure};
use crate::util::{
    free_handle, handle_ref, headers_in, need_out, str_in, to_handle, write_out, ZStr,
};
use crate::{autosend_header, autosend_result, autosend_str, ffi_boundary, ffi_result};
use autosend::{Acquire, ClientConfig, ClientOptions, RateLimiter, RateLimits};
use std::sync::Mutex;

/// A sliding-window rate limiter (the core's: never exceeds per-second and per-minute limits)
/// of its own, not shared with clients. Thread-safe: may be used from many threads at once.
pub struct autosend_rate_limiter {
    inner: Mutex<RateLimiter>,
}

/// Makes a limiter with these limits (the API's are 2 per second and 50 per minute).
/// `AUTOSEND_RESULT_INVALID_CONFIG` for a zero or implausibly large limit.
#[no_mangle]
pub unsafe extern "C" fn autosend_rate_limiter_new(
    per_second: u32,
    per_minute: u32,
    limiter_out: *mut *mut autosend_rate_limiter,
    error_out: *mut *mut autosend_error,
) -> autosend_result {
    let d = RateLimits::default();
    // SAFETY: the caller's contract is this function's.
    unsafe {
        autosend_rate_limiter_new_windows(
            per_second,
            per_minute,
            d.second_ms,
            d.minute_ms,
            limiter_out,
            error_out,
        )
    }
}

/// [`autosend_rate_limiter_new`] with window lengths in ms (default 1000 and 60000; other
/// values only to match a sandbox's `--time-scale`). `AUTOSEND_RESULT_INVALID_CONFIG` names
/// the field for a bad value.
#[no_mangle]
pub unsafe extern "C" fn autosend_rate_limiter_new_windows(
    per_second: u32,
    per_minute: u32,
    second_ms: u64,
    minute_ms: u64,
    limiter_out: *mut *mut autosend_rate_limiter,
    error_out: *mut *mut autosend_error,
) -> autosend_result {
    ffi_result_err!(error_out, {
        need_out(limiter_out)?;
        let limits = RateLimits {
            per_second,
            per_minute,
            second_ms,
            minute_ms,
        };
        // The core's limit rule is only reachable through a client configuration.
        let mut probe = ClientOptions::new("AS_limitcheck");
        probe.rate_limits = limits;
        ClientConfig::new(probe).map_err(Failure::from)?;
        let h = to_handle(autosend_rate_limiter {
            inner: Mutex::new(RateLimiter::new(limits)),
        });
        // SAFETY: checked non-null; writable by contract.
        unsafe { write_out(limiter_out, h) }?;
        Ok(())
    })
}

/// Takes a slot at `now_ms` (monotonic ms): `*wait_ms_out` = 0 means the slot was taken
/// (send now, then settle or refund the grant: grants are numbered 1, 2, 3, …); otherwise
/// nothing was taken and no slot frees up before that many ms (a lower bound while grants are
/// in flight: ask again then).
#[no_mangle]
pub unsafe extern "C" fn autosend_rate_limiter_acquire(
    limiter: *const autosend_rate_limiter,
    now_ms: u64,
    wait_ms_out: *mut u64,
) -> autosend_result {
    ffi_result!({
        // SAFETY: `limiter` is NULL or a live handle (contract); shared use is allowed.
        let l = unsafe { handle_ref(limiter) }?;
        need_out(wait_ms_out)?;
        let wait = match l
            .inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .acquire(now_ms)
        {
            Acquire::Go(_) => 0,
            Acquire::Wait(ms) => ms.max(1),
        };
        // SAFETY: checked non-null; writable by contract.
        unsafe { write_out(wait_ms_out, wait) }
    })
}

/// The answer to grant `grant` (any HTTP status; or its timeout or lost connection) came at
/// `now_ms`: the request arrived by then and its slot starts freeing from then. Grants are
/// numbered 1, 2, 3, … in the order `autosend_rate_limiter_acquire` took them; until settled
/// (or refunded) a grant holds its slot. Unknown or finished grants are ignored.
#[no_mangle]
pub unsafe extern "C" fn autosend_rate_limiter_settle(
    limiter: *const autosend_rate_limiter,
    grant: u64,
    now_ms: u64,
) -> autosend_result {
    ffi_result!({
        // SAFETY: `limiter` is NULL or a live handle (contract); shared use is allowed.
        let l = unsafe { handle_ref(limiter) }?;
        l.inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .settle(grant, now_ms);
        Ok(())
    })
}

/// Grant `grant` did not count: the server refused it with 429, or nothing was sent (connect
/// error). Its slot is free again. Unknown or finished grants are ignored.
#[no_mangle]
pub unsafe extern "C" fn autosend_rate_limiter_refund(
    limiter: *const autosend_rate_limiter,
    grant: u64,
) -> autosend_result {
    ffi_result!({
        // SAFETY: `limiter` is NULL or a live handle (contract); shared use is allowed.
        let l = unsafe { handle_ref(limiter) }?;
        l.inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .refund(grant);
        Ok(())
    })
}

/// Server feedback: no slot is granted before `now_ms + wait_ms` (clamped to 10 minutes).
#[no_mangle]
pub unsafe extern "C" fn autosend_rate_limiter_block_for(
    limiter: *const autosend_rate_limiter,
    now_ms: u64,
    wait_ms: u64,
) -> autosend_result {
    ffi_result!({
        // SAFETY: `limiter` is NULL or a live handle (contract); shared use is allowed.
        let l = unsafe { handle_ref(limiter) }?;
        l.inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .block_for(now_ms, wait_ms);
        Ok(())
    })
}

/// Frees a limiter. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn autosend_rate_limiter_free(limiter: *mut autosend_rate_limiter) {
    ffi_boundary!((), {
        // SAFETY: NULL or a handle from this library, not yet freed (contract).
        unsafe { free_handle(limiter) }
    })
}

/// The replay window of webhook verification.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct autosend_webhook_options {
    /// How old the timestamp may be (default 300000 = 5 minutes).
    pub tolerance_past_ms: u64,
    /// How far in the future (default 60000 = 1 minute).
    pub tolerance_future_ms: u64,
}

/// A verified webhook event. Immutable: may be read from any thread.
pub struct autosend_webhook_event {
    event_type: ZStr,
    delivery_id: ZStr,
    json: ZStr,
}

/// Verifies a webhook delivery: the raw `body` bytes, the request's headers (any case;
/// `X-Webhook-Signature`, `X-Webhook-Timestamp`, optionally `X-Webhook-Delivery-Id`), the
/// webhook's secret (`whsec_…`) and the wall clock `now_unix_ms`. `options` may be NULL for
/// the defaults. On success `*event_out` gets the event (free with
/// `autosend_webhook_event_free`); on failure the result is 150 (signature), 151
/// (timestamp) or 152 (not an event).
#[no_mangle]
pub unsafe extern "C" fn autosend_webhook_verify(
    body: *const u8,
    body_len: usize,
    headers: *const autosend_header,
    headers_len: usize,
    secret: *const u8,
    secret_len: usize,
    now_unix_ms: u64,
    options: *const autosend_webhook_options,
    event_out: *mut *mut autosend_webhook_event,
    error_out: *mut *mut autosend_error,
) -> autosend_result {
    ffi_result_err!(error_out, {
        // SAFETY: NULL (with 0) or readable for `body_len` bytes (contract).
        let body = unsafe { crate::util::bytes_in_opt(body, body_len) }?;
        // SAFETY: NULL (with 0) or `headers_len` valid headers (contract).
        let headers = unsafe { headers_in(headers, headers_len, false) }?;
        // SAFETY: NULL or readable for `secret_len` bytes (contract).
        let secret = unsafe { str_in(secret, secret_len) }?;
        need_out(event_out)?;
        // SAFETY: `options` is NULL or points to a valid struct (contract).
        let opts = match unsafe { options.as_ref() } {
            Some(o) => autosend::webhook::VerifyOptions {
                tolerance_past_ms: o.tolerance_past_ms,
                tolerance_future_ms: o.tolerance_future_ms,
            },
            None => autosend::webhook::VerifyOptions::default(),
        };
        let ev = autosend::webhook::verify(body, &headers, secret, now_unix_ms, &opts)?;
        let h = to_handle(autosend_webhook_event {
            event_type: ZStr::new(ev.event_type.as_bytes()),
            delivery_id: ZStr::opt(ev.delivery_id.as_deref()),
            json: ZStr::new(ev.to_json().to_string().as_bytes()),
        });
        // SAFETY: checked non-null; writable by contract.
        unsafe { write_out(event_out, h) }?;
        Ok(())
    })
}

/// The default replay window (5 minutes past, 1 minute future).
#[no_mangle]
pub extern "C" fn autosend_webhook_options_default() -> autosend_webhook_options {
    let d = autosend::webhook::VerifyOptions::default();
    autosend_webhook_options {
        tolerance_past_ms: d.tolerance_past_ms,
        tolerance_future_ms: d.tolerance_future_ms,
    }
}

fn event_str(
    ev: *const autosend_webhook_event,
    f: impl Fn(&autosend_webhook_event) -> autosend_str,
) -> autosend_str {
    ffi_boundary!(autosend_str::empty(), {
        // SAFETY: `ev` is NULL or a live handle (contract).
        match unsafe { handle_ref(ev) } {
            Ok(e) => f(e),
            Err(_) => autosend_str::empty(),
        }
    })
}

/// The event type (`email.delivered`, …). Borrowed from `event`.
#[no_mangle]
pub unsafe extern "C" fn autosend_webhook_event_type(
    event: *const autosend_webhook_event,
) -> autosend_str {
    event_str(event, |e| e.event_type.as_str())
}

/// The delivery id (same across retries: use it to de-duplicate), or empty.
#[no_mangle]
pub unsafe extern "C" fn autosend_webhook_event_delivery_id(
    event: *const autosend_webhook_event,
) -> autosend_str {
    event_str(event, |e| e.delivery_id.as_str())
}

/// The event as JSON: `{"type", "createdAt", "deliveryId", "data"}`.
#[no_mangle]
pub unsafe extern "C" fn autosend_webhook_event_json(
    event: *const autosend_webhook_event,
) -> autosend_str {
    event_str(event, |e| e.json.as_str())
}

/// Frees an event. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn autosend_webhook_event_free(event: *mut autosend_webhook_event) {
    ffi_boundary!((), {
        // SAFETY: NULL or a handle from this library, not yet freed (contract).
        unsafe { free_handle(event) }
    })
}
