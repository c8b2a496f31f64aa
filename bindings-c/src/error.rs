//! `autosend_error` (error details) and `autosend_response` (a successful answer).

use crate::util::{free_handle, handle_ref, to_handle, write_out, ZStr};
use crate::{autosend_result, autosend_str, ffi_boundary};

/// Error details: code, kind name, message, hint, HTTP status, API code, request id,
/// retry-after, may-have-been-delivered, failing field and field details.
///
/// Made by the library on failure (through an `autosend_error **error_out` argument) and freed
/// with `autosend_error_free`. Immutable: may be read from any number of threads at once and
/// sent to another thread.
#[derive(Debug)]
pub struct autosend_error {
    code: autosend_result,
    kind: ZStr,
    message: ZStr,
    hint: ZStr,
    api_code: ZStr,
    request_id: ZStr,
    field: ZStr,
    json: ZStr,
    status: u16,
    retry_after_ms: Option<u64>,
    may_have_been_delivered: bool,
    details: Vec<(ZStr, ZStr)>,
    core: Option<autosend::Error>,
}

/// Why a function failed: a code plus, for core errors, the core's error.
#[derive(Debug)]
pub(crate) struct Failure {
    code: autosend_result,
    core: Option<autosend::Error>,
    message: Option<String>,
}

impl Failure {
    pub(crate) fn code(&self) -> autosend_result {
        self.code
    }
}

impl From<autosend_result> for Failure {
    fn from(code: autosend_result) -> Failure {
        Failure {
            code,
            core: None,
            message: None,
        }
    }
}

impl From<autosend::Error> for Failure {
    fn from(e: autosend::Error) -> Failure {
        Failure {
            code: autosend_result::from_kind(e.kind()),
            core: Some(e),
            message: None,
        }
    }
}

fn default_message(code: autosend_result) -> &'static str {
    use autosend_result::*;
    match code {
        AUTOSEND_RESULT_NULL_PARAMETER => "a required pointer argument was NULL",
        AUTOSEND_RESULT_INVALID_UTF8 => "a string argument is not valid UTF-8",
        AUTOSEND_RESULT_INPUT_TOO_LARGE => "an argument is larger than AUTOSEND_MAX_INPUT_LEN",
        AUTOSEND_RESULT_INVALID_PARAMETER => "an argument is out of range",
        AUTOSEND_RESULT_INVALID_STATE => "the handle is not in a state that allows this call",
        AUTOSEND_RESULT_DONE => "the walk or run is over (not an error)",
        AUTOSEND_RESULT_PANIC => "a panic was caught at the C boundary",
        _ => "error",
    }
}

fn default_hint(code: autosend_result) -> &'static str {
    use autosend_result::*;
    match code {
        AUTOSEND_RESULT_NULL_PARAMETER
        | AUTOSEND_RESULT_INVALID_UTF8
        | AUTOSEND_RESULT_INPUT_TOO_LARGE
        | AUTOSEND_RESULT_INVALID_PARAMETER
        | AUTOSEND_RESULT_INVALID_STATE => {
            "A bug in the calling C code: check the arguments against docs/c.md; nothing was sent."
        }
        _ => "This is a bug in the SDK: please report it with the error code and message.",
    }
}

impl autosend_error {
    pub(crate) fn from_failure(f: Failure) -> autosend_error {
        match f.core {
            Some(e) => autosend_error::from_core(&e),
            None => {
                let message = f
                    .message
                    .unwrap_or_else(|| default_message(f.code).to_string());
                let hint = match autosend::ErrorKind::from_code(f.code as u32 as u16) {
                    Some(k) => k.hint(),
                    None => default_hint(f.code),
                };
                let json = serde_json::json!({
                    "kind": f.code.name(),
                    "code": f.code as u32,
                    "message": message,
                    "hint": hint,
                });
                autosend_error {
                    code: f.code,
                    kind: ZStr::new(f.code.name().as_bytes()),
                    message: ZStr::new(message.as_bytes()),
                    hint: ZStr::new(hint.as_bytes()),
                    api_code: ZStr::default(),
                    request_id: ZStr::default(),
                    field: ZStr::default(),
                    json: ZStr::new(json.to_string().as_bytes()),
                    status: 0,
                    retry_after_ms: None,
                    may_have_been_delivered: false,
                    details: Vec::new(),
                    core: None,
                }
            }
        }
    }

    pub(crate) fn from_core(e: &autosend::Error) -> autosend_error {
        autosend_error {
            code: autosend_result::from_kind(e.kind()),
            kind: ZStr::new(e.kind().name().as_bytes()),
            message: ZStr::new(e.message().as_bytes()),
            hint: ZStr::new(e.hint().as_bytes()),
            api_code: ZStr::opt(e.api_code()),
            request_id: ZStr::opt(e.request_id()),
            field: ZStr::opt(e.field()),
            json: ZStr::new(e.to_json().to_string().as_bytes()),
            status: e.status().unwrap_or(0),
            retry_after_ms: e.retry_after_ms(),
            may_have_been_delivered: e.may_have_been_delivered(),
            details: e
                .details()
                .iter()
                .map(|d| {
                    (
                        ZStr::new(d.field.as_bytes()),
                        ZStr::new(d.message.as_bytes()),
                    )
                })
                .collect(),
            core: Some(e.clone()),
        }
    }

    pub(crate) fn code(&self) -> autosend_result {
        self.code
    }

    /// The core error this handle was made from; for C-only failures (no core error) an
    /// `internal` error with the same message, so that a chunk's outcome is still recorded.
    pub(crate) fn to_core(&self) -> autosend::Error {
        match &self.core {
            Some(e) => e.clone(),
            None => autosend::Error::new(
                autosend::ErrorKind::Internal,
                format!(
                    "{} ({})",
                    String::from_utf8_lossy(self.message.bytes()),
                    self.code.name()
                ),
            ),
        }
    }
}

/// Reports a failure: writes a new error handle to `error_out` when it is not NULL, and
/// returns the code.
///
/// # Safety
/// `error_out` must be NULL or valid for a write of a pointer.
pub(crate) unsafe fn report(error_out: *mut *mut autosend_error, f: Failure) -> autosend_result {
    let code = f.code();
    // `AUTOSEND_RESULT_DONE` is an end, not a failure: no error handle.
    if !error_out.is_null() && code != autosend_result::AUTOSEND_RESULT_DONE {
        let h = to_handle(autosend_error::from_failure(f));
        // SAFETY: non-null, and the caller promises it is writable.
        unsafe { error_out.write(h) };
    }
    code
}

/// Like `ffi_result!` for functions with an `autosend_error **error_out` argument: the body
/// returns `Result<(), Failure>`.
macro_rules! ffi_result_err {
    ($error_out:expr, $body:block) => {
        $crate::ffi_boundary!($crate::autosend_result::AUTOSEND_RESULT_PANIC, {
            #[allow(clippy::redundant_closure_call)]
            let r: ::std::result::Result<(), $crate::error::Failure> = (|| $body)();
            match r {
                Ok(()) => $crate::autosend_result::AUTOSEND_RESULT_OK,
                // SAFETY: `error_out` is NULL or writable (the function's documented contract).
                Err(f) => unsafe { $crate::error::report($error_out, f) },
            }
        })
    };
}
pub(crate) use ffi_result_err;

/// Borrow a field of an error handle, or the empty string for NULL.
fn err_str(e: *const autosend_error, f: impl Fn(&autosend_error) -> autosend_str) -> autosend_str {
    ffi_boundary!(autosend_str::empty(), {
        // SAFETY: `e` is NULL or a live autosend_error (documented contract).
        match unsafe { handle_ref(e) } {
            Ok(e) => f(e),
            Err(_) => autosend_str::empty(),
        }
    })
}

/// The error's code: a core kind's stable number, or a C-only code.
/// `AUTOSEND_RESULT_NULL_PARAMETER` if `error` is NULL.
#[no_mangle]
pub unsafe extern "C" fn autosend_error_code(error: *const autosend_error) -> autosend_result {
    ffi_boundary!(autosend_result::AUTOSEND_RESULT_PANIC, {
        // SAFETY: `error` is NULL or a live handle (documented contract).
        match unsafe { handle_ref(error) } {
            Ok(e) => e.code,
            Err(c) => c,
        }
    })
}

/// The kind's snake_case name (`rate_limited`, `null_parameter`, …). Borrowed from `error`.
#[no_mangle]
pub unsafe extern "C" fn autosend_error_kind(error: *const autosend_error) -> autosend_str {
    err_str(error, |e| e.kind.as_str())
}

/// The message (never contains an API key). Borrowed from `error`.
#[no_mangle]
pub unsafe extern "C" fn autosend_error_message(error: *const autosend_error) -> autosend_str {
    err_str(error, |e| e.message.as_str())
}

/// What to do next. Borrowed from `error`.
#[no_mangle]
pub unsafe extern "C" fn autosend_error_hint(error: *const autosend_error) -> autosend_str {
    err_str(error, |e| e.hint.as_str())
}

/// The API's own error code (`VALIDATION_FAILED`, …), or empty. Borrowed from `error`.
#[no_mangle]
pub unsafe extern "C" fn autosend_error_api_code(error: *const autosend_error) -> autosend_str {
    err_str(error, |e| e.api_code.as_str())
}

/// The server's request id, or empty. Borrowed from `error`.
#[no_mangle]
pub unsafe extern "C" fn autosend_error_request_id(error: *const autosend_error) -> autosend_str {
    err_str(error, |e| e.request_id.as_str())
}

/// The failing field (wire path such as `to.email`), or empty. Borrowed from `error`.
#[no_mangle]
pub unsafe extern "C" fn autosend_error_field(error: *const autosend_error) -> autosend_str {
    err_str(error, |e| e.field.as_str())
}

/// Every property as one JSON object (`kind`, `code`, `message`, `hint`, `status`, …).
/// Borrowed from `error`.
#[no_mangle]
pub unsafe extern "C" fn autosend_error_json(error: *const autosend_error) -> autosend_str {
    err_str(error, |e| e.json.as_str())
}

/// The HTTP status of a remote error, or 0.
#[no_mangle]
pub unsafe extern "C" fn autosend_error_status(error: *const autosend_error) -> u16 {
    ffi_boundary!(0, {
        // SAFETY: `error` is NULL or a live handle (documented contract).
        unsafe { handle_ref(error) }.map(|e| e.status).unwrap_or(0)
    })
}

/// True when the server said how long to wait (see `autosend_error_retry_after_ms`).
#[no_mangle]
pub unsafe extern "C" fn autosend_error_has_retry_after(error: *const autosend_error) -> bool {
    ffi_boundary!(false, {
        // SAFETY: `error` is NULL or a live handle (documented contract).
        unsafe { handle_ref(error) }
            .map(|e| e.retry_after_ms.is_some())
            .unwrap_or(false)
    })
}

/// How long to wait before sending again, in ms (0 when not given).
#[no_mangle]
pub unsafe extern "C" fn autosend_error_retry_after_ms(error: *const autosend_error) -> u64 {
    ffi_boundary!(0, {
        // SAFETY: `error` is NULL or a live handle (documented contract).
        unsafe { handle_ref(error) }
            .ok()
            .and_then(|e| e.retry_after_ms)
            .unwrap_or(0)
    })
}

/// True when a non-idempotent request (e.g. a send) may have been acted on although it
/// failed: check before sending again.
#[no_mangle]
pub unsafe extern "C" fn autosend_error_may_have_been_delivered(
    error: *const autosend_error,
) -> bool {
    ffi_boundary!(false, {
        // SAFETY: `error` is NULL or a live handle (documented contract).
        unsafe { handle_ref(error) }
            .map(|e| e.may_have_been_delivered)
            .unwrap_or(false)
    })
}

/// The number of field-level details.
#[no_mangle]
pub unsafe extern "C" fn autosend_error_detail_count(error: *const autosend_error) -> usize {
    ffi_boundary!(0, {
        // SAFETY: `error` is NULL or a live handle (documented contract).
        unsafe { handle_ref(error) }
            .map(|e| e.details.len())
            .unwrap_or(0)
    })
}

/// Detail `index` (0-based): its field path and message, borrowed from `error`.
/// `AUTOSEND_RESULT_INVALID_PARAMETER` if `index` is out of range.
#[no_mangle]
pub unsafe extern "C" fn autosend_error_detail(
    error: *const autosend_error,
    index: usize,
    field_out: *mut autosend_str,
    message_out: *mut autosend_str,
) -> autosend_result {
    crate::ffi_result!({
        // SAFETY: `error` is NULL or a live handle (documented contract).
        let e = unsafe { handle_ref(error) }?;
        crate::util::need_out(field_out)?;
        crate::util::need_out(message_out)?;
        let (f, m) = e
            .details
            .get(index)
            .ok_or(autosend_result::AUTOSEND_RESULT_INVALID_PARAMETER)?;
        // SAFETY: both checked non-null; writable by contract.
        unsafe {
            write_out(field_out, f.as_str())?;
            write_out(message_out, m.as_str())?;
        }
        Ok(())
    })
}

/// Frees an error. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn autosend_error_free(error: *mut autosend_error) {
    ffi_boundary!((), {
        // SAFETY: `error` is NULL or a handle from this library, not yet freed (contract).
        unsafe { free_handle(error) }
    })
}

/// A successful answer: HTTP status, the success value as JSON, the envelope's message,
/// request id, attempts, and for binary endpoints the file (bytes, content type, file name).
/// Immutable: may be read from any number of threads and sent to another thread.
#[derive(Debug)]
pub struct autosend_response {
    status: u16,
    /// The success value; its JSON text is written at the first `autosend_response_json`
    /// (a caller that only checks the status, or hands the response to a chunker, never pays
    /// for it).
    data: serde_json::Value,
    json: std::sync::OnceLock<ZStr>,
    message: ZStr,
    request_id: ZStr,
    attempts: u32,
    already_gone: bool,
    bytes: Option<Vec<u8>>,
    content_type: ZStr,
    filename: ZStr,
}

impl autosend_response {
    /// The success value (`null` for a file).
    pub(crate) fn data(&self) -> serde_json::Value {
        self.data.clone()
    }

    /// The success value as JSON text, written once.
    fn json(&self) -> &ZStr {
        self.json
            .get_or_init(|| ZStr::new(self.data.to_string().as_bytes()))
    }

    /// Takes the answer over (the value and a file's bytes are moved, not copied).
    pub(crate) fn from_core(r: autosend::ApiResponse) -> autosend_response {
        autosend_response {
            status: r.status,
            data: r.data,
            json: std::sync::OnceLock::new(),
            message: ZStr::opt(r.message.as_deref()),
            request_id: ZStr::opt(r.request_id.as_deref()),
            attempts: r.attempts,
            already_gone: r.already_gone,
            content_type: ZStr::opt(r.content_type.as_deref()),
            filename: ZStr::opt(r.filename.as_deref()),
            bytes: r.bytes,
        }
    }
}

fn resp_str(
    r: *const autosend_response,
    f: impl Fn(&autosend_response) -> autosend_str,
) -> autosend_str {
    ffi_boundary!(autosend_str::empty(), {
        // SAFETY: `r` is NULL or a live handle (documented contract).
        match unsafe { handle_ref(r) } {
            Ok(r) => f(r),
            Err(_) => autosend_str::empty(),
        }
    })
}

/// The envelope's top-level `message` (e.g. `Contact deleted successfully`), or empty when
/// the answer had none. For `message` endpoints (deletes) this is the result. Borrowed from
/// `response`.
#[no_mangle]
pub unsafe extern "C" fn autosend_response_message(
    response: *const autosend_response,
) -> autosend_str {
    resp_str(response, |r| r.message.as_str())
}

/// True when a DELETE whose earlier attempt had an unknown outcome got 404 on a retry: the
/// resource is gone (most likely deleted by that earlier attempt). The call succeeded. False
/// for NULL.
#[no_mangle]
pub unsafe extern "C" fn autosend_response_already_gone(
    response: *const autosend_response,
) -> bool {
    ffi_boundary!(false, {
        // SAFETY: `response` is NULL or a live handle (documented contract).
        unsafe { handle_ref(response) }
            .map(|r| r.already_gone)
            .unwrap_or(false)
    })
}

/// True when the answer is a file (a binary endpoint such as `AUTOSEND_EP_INBOUND_ATTACHMENT`
/// called with `"download": true`); read it with `autosend_response_bytes`. The JSON is then
/// `null`. False for NULL.
#[no_mangle]
pub unsafe extern "C" fn autosend_response_is_binary(response: *const autosend_response) -> bool {
    ffi_boundary!(false, {
        // SAFETY: `response` is NULL or a live handle (documented contract).
        unsafe { handle_ref(response) }
            .map(|r| r.bytes.is_some())
            .unwrap_or(false)
    })
}

/// The file of a binary answer: `*data_out` points at `*len_out` bytes (any values, not
/// NUL-terminated; non-NULL even when the file is empty), borrowed from `response` and valid
/// until `autosend_response_free`. `AUTOSEND_RESULT_INVALID_STATE` when the answer is JSON
/// (read `autosend_response_json`).
#[no_mangle]
pub unsafe extern "C" fn autosend_response_bytes(
    response: *const autosend_response,
    data_out: *mut *const u8,
    len_out: *mut usize,
) -> autosend_result {
    crate::ffi_result!({
        // SAFETY: `response` is NULL or a live handle (documented contract).
        let r = unsafe { handle_ref(response) }?;
        crate::util::need_out(data_out)?;
        crate::util::need_out(len_out)?;
        let b = r
            .bytes
            .as_deref()
            .ok_or(autosend_result::AUTOSEND_RESULT_INVALID_STATE)?;
        // A dangling-but-aligned pointer for an empty Vec is still non-NULL.
        // SAFETY: both checked non-null; writable by contract.
        unsafe {
            write_out(data_out, b.as_ptr())?;
            write_out(len_out, b.len())?;
        }
        Ok(())
    })
}

/// The `Content-Type` of a binary answer (e.g. `application/pdf`), or empty. Borrowed from
/// `response`.
#[no_mangle]
pub unsafe extern "C" fn autosend_response_content_type(
    response: *const autosend_response,
) -> autosend_str {
    resp_str(response, |r| r.content_type.as_str())
}

/// The file name of a binary answer from `Content-Disposition`, or empty. Path separators and
/// control characters are removed (safe to use as a file name). Borrowed from `response`.
#[no_mangle]
pub unsafe extern "C" fn autosend_response_filename(
    response: *const autosend_response,
) -> autosend_str {
    resp_str(response, |r| r.filename.as_str())
}

/// The success value as JSON text (the envelope's `data`, see `docs/contract.md`).
/// Borrowed from `response`.
#[no_mangle]
pub unsafe extern "C" fn autosend_response_json(
    response: *const autosend_response,
) -> autosend_str {
    ffi_boundary!(autosend_str::empty(), {
        // SAFETY: `response` is NULL or a live handle (documented contract).
        match unsafe { handle_ref(response) } {
            Ok(r) => r.json().as_str(),
            Err(_) => autosend_str::empty(),
        }
    })
}

/// The server's request id, or empty. Borrowed from `response`.
#[no_mangle]
pub unsafe extern "C" fn autosend_response_request_id(
    response: *const autosend_response,
) -> autosend_str {
    ffi_boundary!(autosend_str::empty(), {
        // SAFETY: `response` is NULL or a live handle (documented contract).
        match unsafe { handle_ref(response) } {
            Ok(r) => r.request_id.as_str(),
            Err(_) => autosend_str::empty(),
        }
    })
}

/// The HTTP status (2xx), or 0 for NULL.
#[no_mangle]
pub unsafe extern "C" fn autosend_response_status(response: *const autosend_response) -> u16 {
    ffi_boundary!(0, {
        // SAFETY: `response` is NULL or a live handle (documented contract).
        unsafe { handle_ref(response) }
            .map(|r| r.status)
            .unwrap_or(0)
    })
}

/// How many attempts the call took, or 0 for NULL.
#[no_mangle]
pub unsafe extern "C" fn autosend_response_attempts(response: *const autosend_response) -> u32 {
    ffi_boundary!(0, {
        // SAFETY: `response` is NULL or a live handle (documented contract).
        unsafe { handle_ref(response) }
            .map(|r| r.attempts)
            .unwrap_or(0)
    })
}

/// Frees a response. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn autosend_response_free(response: *mut autosend_response) {
    ffi_boundary!((), {
        // SAFETY: `response` is NULL or a handle from this library, not yet freed (contract).
        unsafe { free_handle(response) }
    })
}
