//! # libautosend — the C API of the AutoSend SDK
//!
//! A thin layer over the `autosend` core (sans-IO engine) and the `autosend-http` transport.
//! Every rule (keys, headers, limits, retries, errors, webhooks) lives in the core; this crate
//! only converts types. Conventions (modelled on rustls-ffi) are in `docs/c.md`:
//!
//! - every fallible function returns an [`autosend_result`]; numbers are stable and never
//!   reused; the core's error kinds keep the core's numbers;
//! - outputs go through out-pointers, written only on success;
//! - byte strings are `(const uint8_t *ptr, size_t len)`;
//! - every handle has a `_new`/`_free` pair (or is borrowed from one that has); memory the
//!   library allocated is freed only by the library;
//! - every pointer argument is null-checked;
//! - every export has a panic boundary: a panic becomes [`autosend_result::AUTOSEND_RESULT_PANIC`]
//!   (or a neutral value for accessors), never an unwind into C.
#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]

mod budget;
mod call;
mod client;
mod error;
mod events;
mod extra;
mod paging;
mod replay;
mod util;

pub use call::*;
pub use client::*;
pub use error::*;
pub use events::*;
pub use extra::*;
pub use paging::*;
pub use replay::*;
pub use util::{autosend_header, autosend_str};

use std::ffi::c_char;

/// The result of every fallible function. `0` is success. Values 1–99 are C-only misuse
/// codes; every other value is the stable code of the core's error kind (`docs/contract.md`),
/// grouped by the core's taxonomy: 100–149 usage, 150–199 webhook, 200–299 remote (API),
/// 300–399 transport, 900–999 internal. A number is never reused or changed.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum autosend_result {
    /// Success.
    AUTOSEND_RESULT_OK = 0,
    /// A required pointer argument was NULL.
    AUTOSEND_RESULT_NULL_PARAMETER = 1,
    /// A string argument was not valid UTF-8.
    AUTOSEND_RESULT_INVALID_UTF8 = 2,
    /// An argument was longer than `AUTOSEND_MAX_INPUT_LEN` bytes.
    AUTOSEND_RESULT_INPUT_TOO_LARGE = 3,
    /// An argument was out of range (unknown transport error kind, header index, …).
    AUTOSEND_RESULT_INVALID_PARAMETER = 4,
    /// The handle is not in a state that allows this (e.g. a response fed to a call that has
    /// no request outstanding, or a SEND accessor on a WAIT action).
    AUTOSEND_RESULT_INVALID_STATE = 5,
    /// Not an error: the walk or run is over (`autosend_pager_next`,
    /// `autosend_pager_next_params` at the end of the list; `autosend_chunker_next` when no
    /// chunk is left). Nothing was written to the out-pointers.
    AUTOSEND_RESULT_DONE = 6,
    /// `invalid_api_key`
    AUTOSEND_RESULT_INVALID_API_KEY = 100,
    /// `missing_project_id`
    AUTOSEND_RESULT_MISSING_PROJECT_ID = 101,
    /// `project_id_not_allowed`
    AUTOSEND_RESULT_PROJECT_ID_NOT_ALLOWED = 102,
    /// `key_scope`
    AUTOSEND_RESULT_KEY_SCOPE = 103,
    /// `invalid_base_url`
    AUTOSEND_RESULT_INVALID_BASE_URL = 104,
    /// `validation` (also: the JSON parameters do not parse)
    AUTOSEND_RESULT_VALIDATION = 105,
    /// `unknown_endpoint`
    AUTOSEND_RESULT_UNKNOWN_ENDPOINT = 106,
    /// `invalid_config` (also: the CA file cannot be read)
    AUTOSEND_RESULT_INVALID_CONFIG = 107,
    /// `webhook_invalid_signature`
    AUTOSEND_RESULT_WEBHOOK_INVALID_SIGNATURE = 150,
    /// `webhook_timestamp`
    AUTOSEND_RESULT_WEBHOOK_TIMESTAMP = 151,
    /// `webhook_malformed`
    AUTOSEND_RESULT_WEBHOOK_MALFORMED = 152,
    /// `api_validation` (HTTP 400/422)
    AUTOSEND_RESULT_API_VALIDATION = 200,
    /// `authentication` (HTTP 401)
    AUTOSEND_RESULT_AUTHENTICATION = 201,
    /// `plan_required` (HTTP 402)
    AUTOSEND_RESULT_PLAN_REQUIRED = 202,
    /// `permission` (HTTP 403)
    AUTOSEND_RESULT_PERMISSION = 203,
    /// `not_found` (HTTP 404)
    AUTOSEND_RESULT_NOT_FOUND = 204,
    /// `conflict` (HTTP 409)
    AUTOSEND_RESULT_CONFLICT = 205,
    /// `rate_limited` (HTTP 429 after retries)
    AUTOSEND_RESULT_RATE_LIMITED = 206,
    /// `server` (HTTP 5xx)
    AUTOSEND_RESULT_SERVER = 207,
    /// `unexpected_status`
    AUTOSEND_RESULT_UNEXPECTED_STATUS = 208,
    /// `invalid_response`
    AUTOSEND_RESULT_INVALID_RESPONSE = 209,
    /// `connect`
    AUTOSEND_RESULT_CONNECT = 300,
    /// `timeout`
    AUTOSEND_RESULT_TIMEOUT = 301,
    /// `connection_lost`
    AUTOSEND_RESULT_CONNECTION_LOST = 302,
    /// `deadline_exceeded`
    AUTOSEND_RESULT_DEADLINE_EXCEEDED = 303,
    /// `aborted`: the caller cancelled the call (`autosend_call_cancel`).
    AUTOSEND_RESULT_ABORTED = 304,
    /// `budget_store`: the shared rate-limit budget on Redis failed and the client was set to
    /// raise (`autosend_client_options_set_redis_raise`); nothing was sent.
    AUTOSEND_RESULT_BUDGET_STORE = 320,
    /// `internal` (a bug in the SDK)
    AUTOSEND_RESULT_INTERNAL = 900,
    /// `panic`: a panic was caught at the C boundary (a bug in the SDK).
    AUTOSEND_RESULT_PANIC = 901,
}

impl autosend_result {
    /// The result of a core error kind: the same number.
    pub(crate) fn from_kind(kind: autosend::ErrorKind) -> autosend_result {
        use autosend::ErrorKind as K;
        use autosend_result::*;
        match kind {
            K::InvalidApiKey => AUTOSEND_RESULT_INVALID_API_KEY,
            K::MissingProjectId => AUTOSEND_RESULT_MISSING_PROJECT_ID,
            K::ProjectIdNotAllowed => AUTOSEND_RESULT_PROJECT_ID_NOT_ALLOWED,
            K::KeyScope => AUTOSEND_RESULT_KEY_SCOPE,
            K::InvalidBaseUrl => AUTOSEND_RESULT_INVALID_BASE_URL,
            K::Validation => AUTOSEND_RESULT_VALIDATION,
            K::UnknownEndpoint => AUTOSEND_RESULT_UNKNOWN_ENDPOINT,
            K::InvalidConfig => AUTOSEND_RESULT_INVALID_CONFIG,
            K::WebhookInvalidSignature => AUTOSEND_RESULT_WEBHOOK_INVALID_SIGNATURE,
            K::WebhookTimestamp => AUTOSEND_RESULT_WEBHOOK_TIMESTAMP,
            K::WebhookMalformed => AUTOSEND_RESULT_WEBHOOK_MALFORMED,
            K::ApiValidation => AUTOSEND_RESULT_API_VALIDATION,
            K::Authentication => AUTOSEND_RESULT_AUTHENTICATION,
            K::PlanRequired => AUTOSEND_RESULT_PLAN_REQUIRED,
            K::Permission => AUTOSEND_RESULT_PERMISSION,
            K::NotFound => AUTOSEND_RESULT_NOT_FOUND,
            K::Conflict => AUTOSEND_RESULT_CONFLICT,
            K::RateLimited => AUTOSEND_RESULT_RATE_LIMITED,
            K::Server => AUTOSEND_RESULT_SERVER,
            K::UnexpectedStatus => AUTOSEND_RESULT_UNEXPECTED_STATUS,
            K::InvalidResponse => AUTOSEND_RESULT_INVALID_RESPONSE,
            K::Connect => AUTOSEND_RESULT_CONNECT,
            K::Timeout => AUTOSEND_RESULT_TIMEOUT,
            K::ConnectionLost => AUTOSEND_RESULT_CONNECTION_LOST,
            K::DeadlineExceeded => AUTOSEND_RESULT_DEADLINE_EXCEEDED,
            K::Aborted => AUTOSEND_RESULT_ABORTED,
            K::BudgetStore => AUTOSEND_RESULT_BUDGET_STORE,
            K::Panic => AUTOSEND_RESULT_PANIC,
            // `Internal`, and any kind a newer core adds before this list learns it.
            _ => AUTOSEND_RESULT_INTERNAL,
        }
    }

    /// The snake_case name of the C-only codes.
    pub(crate) fn c_only_name(self) -> Option<&'static str> {
        use autosend_result::*;
        Some(match self {
            AUTOSEND_RESULT_OK => "ok",
            AUTOSEND_RESULT_NULL_PARAMETER => "null_parameter",
            AUTOSEND_RESULT_INVALID_UTF8 => "invalid_utf8",
            AUTOSEND_RESULT_INPUT_TOO_LARGE => "input_too_large",
            AUTOSEND_RESULT_INVALID_PARAMETER => "invalid_parameter",
            AUTOSEND_RESULT_INVALID_STATE => "invalid_state",
            AUTOSEND_RESULT_DONE => "done",
            _ => return None,
        })
    }

    /// The stable snake_case name (`ok`, `null_parameter`, `rate_limited`, …).
    pub(crate) fn name(self) -> &'static str {
        if let Some(n) = self.c_only_name() {
            return n;
        }
        match autosend::ErrorKind::from_code(self as u32 as u16) {
            Some(k) => k.name(),
            None => "internal",
        }
    }
}

/// The largest byte string any function accepts (64 MiB). Longer input fails with
/// `AUTOSEND_RESULT_INPUT_TOO_LARGE`.
pub const AUTOSEND_MAX_INPUT_LEN: usize = 64 * 1024 * 1024;

/// Runs `$body` behind a panic boundary; a panic yields `$on_panic`.
macro_rules! ffi_boundary {
    ($on_panic:expr, $body:block) => {
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| $body)) {
            Ok(v) => v,
            Err(_) => $on_panic,
        }
    };
}
pub(crate) use ffi_boundary;

/// Like `ffi_boundary!` for functions returning `autosend_result`.
macro_rules! ffi_result {
    ($body:block) => {
        $crate::ffi_boundary!($crate::autosend_result::AUTOSEND_RESULT_PANIC, {
            #[allow(clippy::redundant_closure_call)]
            let r: ::std::result::Result<(), $crate::autosend_result> = (|| $body)();
            match r {
                Ok(()) => $crate::autosend_result::AUTOSEND_RESULT_OK,
                Err(code) => code,
            }
        })
    };
}
pub(crate) use ffi_result;

/// The stable snake_case name of a result code (`"ok"`, `"rate_limited"`, …), as a static
/// NUL-terminated string; `"unknown"` for numbers that are not results. Never NULL.
#[no_mangle]
pub extern "C" fn autosend_result_name(result: u32) -> *const c_char {
    ffi_boundary!(c"unknown".as_ptr(), {
        let name: &'static std::ffi::CStr = match result {
            0 => c"ok",
            1 => c"null_parameter",
            2 => c"invalid_utf8",
            3 => c"input_too_large",
            4 => c"invalid_parameter",
            5 => c"invalid_state",
            6 => c"done",
            n => match u16::try_from(n)
                .ok()
                .and_then(autosend::ErrorKind::from_code)
            {
                Some(k) => util::static_cstr(k.name()),
                None => c"unknown",
            },
        };
        name.as_ptr()
    })
}

/// The library version (`"0.1.0"`), a static NUL-terminated string.
#[no_mangle]
pub extern "C" fn autosend_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The endpoint catalog as a static JSON array, one object per endpoint id (`id`, `method`,
/// `path`, `path_params`, `query_params`, `scope`, `idempotent`, `response`, `binary_flag`,
/// `pagination`, `rules`, …; see `docs/contract.md`). The ids are the `AUTOSEND_EP_*` macros of
/// `autosend_endpoints.h`. Valid for the life of the process; never fails.
#[no_mangle]
pub extern "C" fn autosend_catalog_json() -> autosend_str {
    static JSON: std::sync::OnceLock<std::ffi::CString> = std::sync::OnceLock::new();
    ffi_boundary!(autosend_str::empty(), {
        let s = JSON.get_or_init(|| {
            std::ffi::CString::new(autosend::describe_catalog().to_string()).unwrap_or_default()
        });
        autosend_str {
            data: s.as_ptr(),
            len: s.as_bytes().len(),
        }
    })
}

/// The number of endpoints the library knows (`AUTOSEND_EP_COUNT` of the header it was built
/// with).
#[no_mangle]
pub extern "C" fn autosend_endpoint_count() -> usize {
    autosend::CATALOG.len()
}

/// Milliseconds on the process-wide monotonic clock that the blocking client feeds to the
/// engine. Rate-limit budgets are shared per key across the process, so a program that
/// drives `autosend_call_poll` itself next to blocking clients of the same key must pass
/// times from this clock. Never fails; thread-safe.
#[no_mangle]
pub extern "C" fn autosend_now_ms() -> u64 {
    std::panic::catch_unwind(autosend_http::now_ms).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_kind_keeps_its_number() {
        for k in autosend::ErrorKind::ALL {
            assert_eq!(autosend_result::from_kind(*k) as u32, u32::from(k.code()));
            assert_eq!(autosend_result::from_kind(*k).name(), k.name());
        }
    }

    #[test]
    fn panics_do_not_cross_the_boundary() {
        let r = ffi_result!({
            let v: Vec<u8> = Vec::new();
            if v.is_empty() {
                std::panic::panic_any("boom");
            }
            Ok(())
        });
        assert_eq!(r, autosend_result::AUTOSEND_RESULT_PANIC);
    }
}
