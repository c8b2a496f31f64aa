//! Webhook replay de-duplication (`autosend::replay`). AutoSend signs only the body, so the
//! timestamp window does not stop a replayed delivery; the guard remembers verified bodies.

use crate::error::{autosend_error, ffi_result_err, Failure};
use crate::util::{free_handle, handle_ref, need_out, to_handle, write_out};
use crate::{autosend_result, ffi_boundary, ffi_result};
use autosend::{MemoryReplayStore, ReplayGuard};
use std::sync::Mutex;

/// Bytes `autosend_webhook_replay_key` writes: `sha256:` + 64 hex digits + NUL.
pub const AUTOSEND_REPLAY_KEY_SIZE: usize = 72;

/// Remembers verified webhook bodies for a while and refuses them again (in memory, bounded).
/// Thread-safe: may be used from many threads at once.
pub struct autosend_replay_guard {
    inner: Mutex<ReplayGuard<MemoryReplayStore>>,
}

/// Makes a guard remembering each body for `ttl_ms` (> 0; 0 picks the default, 24 hours),
/// at most `capacity` bodies (0 picks the default, 100000; when full, the bodies closest to
/// expiry are forgotten first). `AUTOSEND_RESULT_VALIDATION` for a bad value.
#[no_mangle]
pub unsafe extern "C" fn autosend_replay_guard_new(
    ttl_ms: u64,
    capacity: usize,
    guard_out: *mut *mut autosend_replay_guard,
    error_out: *mut *mut autosend_error,
) -> autosend_result {
    ffi_result_err!(error_out, {
        need_out(guard_out)?;
        let ttl = if ttl_ms == 0 {
            autosend::replay::DEFAULT_REPLAY_TTL_MS
        } else {
            ttl_ms
        };
        let cap = if capacity == 0 {
            autosend::replay::DEFAULT_REPLAY_CAPACITY
        } else {
            capacity
        };
        let g = ReplayGuard::new(ttl, cap).map_err(Failure::from)?;
        let h = to_handle(autosend_replay_guard {
            inner: Mutex::new(g),
        });
        // SAFETY: checked non-null; writable by contract.
        unsafe { write_out(guard_out, h) }?;
        Ok(())
    })
}

/// After `autosend_webhook_verify` succeeded: `*first_out` = true the first time this raw
/// body is seen within the TTL (process it), false for a replay or an already processed
/// retry (answer 200, do nothing). `now_ms` is any clock in ms (e.g. `autosend_now_ms()`).
#[no_mangle]
pub unsafe extern "C" fn autosend_replay_guard_first_seen(
    guard: *const autosend_replay_guard,
    body: *const u8,
    body_len: usize,
    now_ms: u64,
    first_out: *mut bool,
) -> autosend_result {
    ffi_result!({
        // SAFETY: `guard` is NULL or a live handle (contract); shared use is allowed.
        let g = unsafe { handle_ref(guard) }?;
        // SAFETY: NULL (with 0) or readable for `body_len` bytes (contract).
        let body = unsafe { crate::util::bytes_in_opt(body, body_len) }?;
        need_out(first_out)?;
        let first = g
            .inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .first_seen(body, now_ms);
        // SAFETY: checked non-null; writable by contract.
        unsafe { write_out(first_out, first) }?;
        Ok(())
    })
}

/// Writes the de-duplication key of a raw body (`sha256:<hex>`, NUL-terminated) into `out`,
/// which must hold `AUTOSEND_REPLAY_KEY_SIZE` bytes: for a store shared between processes
/// (e.g. Redis `SET key 1 NX PX ttl`). The same key in every language.
#[no_mangle]
pub unsafe extern "C" fn autosend_webhook_replay_key(
    body: *const u8,
    body_len: usize,
    out: *mut u8,
) -> autosend_result {
    ffi_result!({
        // SAFETY: NULL (with 0) or readable for `body_len` bytes (contract).
        let body = unsafe { crate::util::bytes_in_opt(body, body_len) }?;
        need_out(out)?;
        let key = autosend::replay_key(body);
        debug_assert!(key.len() < AUTOSEND_REPLAY_KEY_SIZE);
        // SAFETY: `out` is writable for AUTOSEND_REPLAY_KEY_SIZE bytes (contract) and the key
        // (71 bytes) plus NUL fits; the regions do not overlap (`key` is ours).
        unsafe {
            std::ptr::copy_nonoverlapping(key.as_ptr(), out, key.len());
            *out.add(key.len()) = 0;
        }
        Ok(())
    })
}

/// Frees a guard. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn autosend_replay_guard_free(guard: *mut autosend_replay_guard) {
    ffi_boundary!((), {
        // SAFETY: NULL or a handle from this library, not yet freed (contract).
        unsafe { free_handle(guard) }
    })
}
