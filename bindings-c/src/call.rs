//! The sans-IO call machine: `poll` → SEND / WAIT / DONE, fed by the caller's HTTP stack.

use crate::client::{autosend_client, parse_params};
use crate::error::{autosend_error, autosend_response, ffi_result_err};
use crate::util::{
    bytes_in_opt, free_handle, handle_mut, handle_ref, headers_in, need_out, str_in, to_handle,
    write_out, ZStr,
};
use crate::{autosend_header, autosend_result, autosend_str, ffi_boundary, ffi_result};
use autosend::{Poll, TransportErrorKind};

/// One logical API call driven by the caller: rate limiting, retries and error mapping are
/// done by the library; sending is done by the caller. Not thread-safe: use from one thread
/// at a time (it may be moved between threads). Free with `autosend_call_free`.
pub struct autosend_call {
    pub(crate) call: autosend::Call,
    awaiting: bool,
    /// The event last taken by `autosend_call_poll_event` (lent out until the next one).
    pub(crate) last_event: ZStr,
}

/// What `autosend_call_poll` asks the caller to do.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum autosend_action_kind {
    /// Send the request (method, URL, headers, body, timeout), then feed back the answer with
    /// `autosend_call_handle_response` or `autosend_call_handle_transport_error`.
    AUTOSEND_ACTION_SEND = 1,
    /// Call `autosend_call_poll` again after `autosend_action_wait_ms` ms.
    AUTOSEND_ACTION_WAIT = 2,
    /// The call is over: read `autosend_action_response` or `autosend_action_error`.
    AUTOSEND_ACTION_DONE = 3,
}

/// Why an attempt failed below HTTP (argument of `autosend_call_handle_transport_error`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum autosend_transport_error {
    /// No connection (DNS, refused, TLS handshake): nothing reached the server.
    AUTOSEND_TRANSPORT_ERROR_CONNECT = 1,
    /// The attempt timed out after the request went out.
    AUTOSEND_TRANSPORT_ERROR_TIMEOUT = 2,
    /// The connection broke after the request went out.
    AUTOSEND_TRANSPORT_ERROR_CONNECTION_LOST = 3,
}

struct SendData {
    method: ZStr,
    url: ZStr,
    headers: Vec<(ZStr, ZStr)>,
    body: Option<Vec<u8>>,
    timeout_ms: u64,
    attempt: u32,
}

enum Action {
    Send(SendData),
    Wait(u64),
    Done(Result<autosend_response, autosend_error>),
}

/// One answer of `autosend_call_poll`. Immutable: may be read from any thread. Everything
/// borrowed from it stays valid until `autosend_action_free`.
pub struct autosend_action {
    action: Action,
}

/// Prepares a call of `endpoint_id` with a JSON object of parameters, using the client's
/// configuration and rate-limit budget. `seed` drives the retry jitter. Local errors (key
/// scope, missing project id, validation, unknown endpoint) are returned here, before
/// anything is sent. The call does not borrow the client: either may be freed first.
#[no_mangle]
pub unsafe extern "C" fn autosend_call_new(
    client: *const autosend_client,
    endpoint_id: *const u8,
    endpoint_id_len: usize,
    params_json: *const u8,
    params_len: usize,
    seed: u64,
    call_out: *mut *mut autosend_call,
    error_out: *mut *mut autosend_error,
) -> autosend_result {
    ffi_result_err!(error_out, {
        // SAFETY: `client` is NULL or a live handle (contract); shared use is allowed.
        let c = unsafe { handle_ref(client) }?;
        // SAFETY: NULL or readable for `endpoint_id_len` bytes (contract).
        let endpoint = unsafe { str_in(endpoint_id, endpoint_id_len) }?;
        // SAFETY: NULL or readable for `params_len` bytes (contract).
        let params = parse_params(unsafe { crate::util::bytes_in(params_json, params_len) }?)?;
        need_out(call_out)?;
        let mut call = c.core().call(endpoint, params, seed)?;
        // Payload encryption: random bytes from the operating system (no-op for plain calls).
        autosend_http::fill_entropy(&mut call)?;
        let h = to_handle(autosend_call {
            call,
            awaiting: false,
            last_event: ZStr::default(),
        });
        // SAFETY: checked non-null; writable by contract.
        unsafe { write_out(call_out, h) }?;
        Ok(())
    })
}

/// Says what to do next at `now_ms` (monotonic milliseconds, e.g. `CLOCK_MONOTONIC`). On
/// success `*action_out` gets an action to free with `autosend_action_free`. After a SEND,
/// feed the outcome back before polling again (polling instead ends the call with an
/// `internal` error, never a double send). After DONE, polling again yields DONE with an
/// `internal` error.
#[no_mangle]
pub unsafe extern "C" fn autosend_call_poll(
    call: *mut autosend_call,
    now_ms: u64,
    action_out: *mut *mut autosend_action,
) -> autosend_result {
    ffi_result!({
        // SAFETY: `call` is NULL or a live handle used by one thread (contract).
        let c = unsafe { handle_mut(call) }?;
        need_out(action_out)?;
        let mut polled = c.call.poll(now_ms);
        // The sans-IO API has no Redis connection: the shared budget falls back (or raises).
        while let Poll::Budget(_) = polled {
            c.call
                .handle_budget_error(now_ms, "the C sans-IO API cannot run budget operations");
            polled = c.call.poll(now_ms);
        }
        let action = match polled {
            Poll::Send(mut req) => {
                c.awaiting = true;
                Action::Send(SendData {
                    method: ZStr::new(req.method.as_str().as_bytes()),
                    url: ZStr::new(req.url.as_bytes()),
                    headers: req
                        .headers
                        .iter()
                        .map(|(k, v)| (ZStr::new(k.as_bytes()), ZStr::new(v.as_bytes())))
                        .collect(),
                    body: req.body.take(),
                    timeout_ms: req.timeout_ms,
                    attempt: req.attempt,
                })
            }
            Poll::Wait(ms) => {
                c.awaiting = false;
                Action::Wait(ms)
            }
            Poll::Budget(_) => Action::Wait(1),
            Poll::Done(r) => {
                c.awaiting = false;
                Action::Done(match r {
                    Ok(resp) => Ok(autosend_response::from_core(resp)),
                    Err(e) => Err(autosend_error::from_core(&e)),
                })
            }
        };
        // SAFETY: checked non-null; writable by contract.
        unsafe { write_out(action_out, to_handle(autosend_action { action })) }
    })
}

/// Feeds the HTTP answer to the request of the last SEND: status, response headers (values
/// that are not UTF-8 are read lossily; `headers` may be NULL when `headers_len` is 0) and
/// the raw body (NULL allowed when `body_len` is 0). `AUTOSEND_RESULT_INVALID_STATE` if no
/// request is outstanding.
#[no_mangle]
pub unsafe extern "C" fn autosend_call_handle_response(
    call: *mut autosend_call,
    now_ms: u64,
    status: u16,
    headers: *const autosend_header,
    headers_len: usize,
    body: *const u8,
    body_len: usize,
) -> autosend_result {
    ffi_result!({
        // SAFETY: `call` is NULL or a live handle used by one thread (contract).
        let c = unsafe { handle_mut(call) }?;
        // SAFETY: NULL (with 0) or `headers_len` valid headers (contract).
        let headers = unsafe { headers_in(headers, headers_len, true) }?;
        // SAFETY: NULL (with 0) or readable for `body_len` bytes (contract).
        let body = unsafe { bytes_in_opt(body, body_len) }?;
        if !c.awaiting {
            return Err(autosend_result::AUTOSEND_RESULT_INVALID_STATE);
        }
        c.awaiting = false;
        c.call.handle_response(now_ms, status, &headers, body);
        Ok(())
    })
}

/// Feeds a failure below HTTP for the request of the last SEND; `kind` is an
/// `autosend_transport_error` value (`AUTOSEND_RESULT_INVALID_PARAMETER` otherwise).
/// `AUTOSEND_RESULT_INVALID_STATE` if no request is outstanding.
#[no_mangle]
pub unsafe extern "C" fn autosend_call_handle_transport_error(
    call: *mut autosend_call,
    now_ms: u64,
    kind: u32,
) -> autosend_result {
    ffi_result!({
        // SAFETY: `call` is NULL or a live handle used by one thread (contract).
        let c = unsafe { handle_mut(call) }?;
        let kind = match kind {
            1 => TransportErrorKind::Connect,
            2 => TransportErrorKind::Timeout,
            3 => TransportErrorKind::ConnectionLost,
            _ => return Err(autosend_result::AUTOSEND_RESULT_INVALID_PARAMETER),
        };
        if !c.awaiting {
            return Err(autosend_result::AUTOSEND_RESULT_INVALID_STATE);
        }
        c.awaiting = false;
        c.call.handle_transport_error(now_ms, kind);
        Ok(())
    })
}

/// Cancels the call (the caller gives up, e.g. on shutdown). `request_sent`: the request of
/// the last SEND was handed to the network (false if you give up before sending it). Always
/// returns `AUTOSEND_RESULT_ABORTED` (or a C-only code for a bad handle) and, if `error_out`
/// is not NULL, an error whose `may_have_been_delivered` says whether a sent request of a
/// non-idempotent endpoint may have been acted on (or an earlier attempt was ambiguous). The
/// next poll returns DONE with the same error. Safe to call at any point; the outstanding
/// request, if any, need not be fed back.
#[no_mangle]
pub unsafe extern "C" fn autosend_call_cancel(
    call: *mut autosend_call,
    now_ms: u64,
    request_sent: bool,
    error_out: *mut *mut autosend_error,
) -> autosend_result {
    ffi_result_err!(error_out, {
        // SAFETY: `call` is NULL or a live handle used by one thread (contract).
        let c = unsafe { handle_mut(call) }?;
        let sent = c.awaiting && request_sent;
        c.awaiting = false;
        Err(c.call.cancel(now_ms, sent).into())
    })
}

/// True once the call has finished (the next poll returns DONE).
#[no_mangle]
pub unsafe extern "C" fn autosend_call_is_done(call: *const autosend_call) -> bool {
    ffi_boundary!(false, {
        // SAFETY: `call` is NULL or a live handle (contract).
        unsafe { handle_ref(call) }
            .map(|c| c.call.is_done())
            .unwrap_or(false)
    })
}

/// Frees a call. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn autosend_call_free(call: *mut autosend_call) {
    ffi_boundary!((), {
        // SAFETY: NULL or a handle from this library, not yet freed (contract).
        unsafe { free_handle(call) }
    })
}

fn with_action<T>(a: *const autosend_action, default: T, f: impl FnOnce(&Action) -> T) -> T {
    let r: Option<T> = ffi_boundary!(None, {
        // SAFETY: `a` is NULL or a live handle (contract).
        match unsafe { handle_ref(a) } {
            Ok(a) => Some(f(&a.action)),
            Err(_) => None,
        }
    });
    r.unwrap_or(default)
}

fn with_send<T>(a: *const autosend_action, default: T, f: impl FnOnce(&SendData) -> T) -> T {
    let r: Option<T> = with_action(a, None, |a| match a {
        Action::Send(s) => Some(f(s)),
        _ => None,
    });
    r.unwrap_or(default)
}

fn send_data(a: &autosend_action) -> Result<&SendData, autosend_result> {
    match &a.action {
        Action::Send(s) => Ok(s),
        _ => Err(autosend_result::AUTOSEND_RESULT_INVALID_STATE),
    }
}

/// SEND, WAIT or DONE. `0` for NULL.
#[no_mangle]
pub unsafe extern "C" fn autosend_action_get_kind(action: *const autosend_action) -> u32 {
    with_action(action, 0, |a| match a {
        Action::Send(_) => autosend_action_kind::AUTOSEND_ACTION_SEND as u32,
        Action::Wait(_) => autosend_action_kind::AUTOSEND_ACTION_WAIT as u32,
        Action::Done(_) => autosend_action_kind::AUTOSEND_ACTION_DONE as u32,
    })
}

/// WAIT: how long to wait in ms. 0 for other kinds.
#[no_mangle]
pub unsafe extern "C" fn autosend_action_wait_ms(action: *const autosend_action) -> u64 {
    with_action(action, 0, |a| match a {
        Action::Wait(ms) => *ms,
        _ => 0,
    })
}

/// SEND: the HTTP method (`GET`, `POST`, `DELETE`, …); empty for other kinds.
#[no_mangle]
pub unsafe extern "C" fn autosend_action_method(action: *const autosend_action) -> autosend_str {
    with_send(action, autosend_str::empty(), |s| s.method.as_str())
}

/// SEND: the absolute URL; empty for other kinds.
#[no_mangle]
pub unsafe extern "C" fn autosend_action_url(action: *const autosend_action) -> autosend_str {
    with_send(action, autosend_str::empty(), |s| s.url.as_str())
}

/// SEND: the number of request headers; 0 for other kinds.
#[no_mangle]
pub unsafe extern "C" fn autosend_action_header_count(action: *const autosend_action) -> usize {
    with_send(action, 0, |s| s.headers.len())
}

/// SEND: header `index` (names lower-case). Includes the API key: never log
/// `authorization`. `AUTOSEND_RESULT_INVALID_PARAMETER` if out of range,
/// `AUTOSEND_RESULT_INVALID_STATE` if the action is not a SEND.
#[no_mangle]
pub unsafe extern "C" fn autosend_action_header(
    action: *const autosend_action,
    index: usize,
    name_out: *mut autosend_str,
    value_out: *mut autosend_str,
) -> autosend_result {
    ffi_result!({
        // SAFETY: `action` is NULL or a live handle (contract).
        let s = send_data(unsafe { handle_ref(action) }?)?;
        need_out(name_out)?;
        need_out(value_out)?;
        let (n, v) = s
            .headers
            .get(index)
            .ok_or(autosend_result::AUTOSEND_RESULT_INVALID_PARAMETER)?;
        // SAFETY: both checked non-null; writable by contract.
        unsafe {
            write_out(name_out, n.as_str())?;
            write_out(value_out, v.as_str())?;
        }
        Ok(())
    })
}

/// SEND: whether the request has a body.
#[no_mangle]
pub unsafe extern "C" fn autosend_action_has_body(action: *const autosend_action) -> bool {
    with_send(action, false, |s| s.body.is_some())
}

/// SEND: the request body (JSON); `{ non-NULL, 0 }` when there is none.
#[no_mangle]
pub unsafe extern "C" fn autosend_action_body(
    action: *const autosend_action,
    body_out: *mut *const u8,
    body_len_out: *mut usize,
) -> autosend_result {
    ffi_result!({
        // SAFETY: `action` is NULL or a live handle (contract).
        let s = send_data(unsafe { handle_ref(action) }?)?;
        need_out(body_out)?;
        need_out(body_len_out)?;
        let b: &[u8] = s.body.as_deref().unwrap_or(&[]);
        // SAFETY: both checked non-null; writable by contract.
        unsafe {
            write_out(body_out, b.as_ptr())?;
            write_out(body_len_out, b.len())?;
        }
        Ok(())
    })
}

/// SEND: the timeout for this attempt in ms; 0 for other kinds.
#[no_mangle]
pub unsafe extern "C" fn autosend_action_timeout_ms(action: *const autosend_action) -> u64 {
    with_send(action, 0, |s| s.timeout_ms)
}

/// SEND: the attempt number (1 for the first); 0 for other kinds.
#[no_mangle]
pub unsafe extern "C" fn autosend_action_attempt(action: *const autosend_action) -> u32 {
    with_send(action, 0, |s| s.attempt)
}

/// DONE: `AUTOSEND_RESULT_OK` if the call succeeded, else the error's code.
/// `AUTOSEND_RESULT_INVALID_STATE` for SEND/WAIT, `AUTOSEND_RESULT_NULL_PARAMETER` for NULL.
#[no_mangle]
pub unsafe extern "C" fn autosend_action_result(action: *const autosend_action) -> autosend_result {
    with_action(
        action,
        autosend_result::AUTOSEND_RESULT_NULL_PARAMETER,
        |a| match a {
            Action::Done(Ok(_)) => autosend_result::AUTOSEND_RESULT_OK,
            Action::Done(Err(e)) => e.code(),
            _ => autosend_result::AUTOSEND_RESULT_INVALID_STATE,
        },
    )
}

/// DONE with success: the response, borrowed from `action` (do not free it). NULL otherwise.
#[no_mangle]
pub unsafe extern "C" fn autosend_action_response(
    action: *const autosend_action,
) -> *const autosend_response {
    with_action(action, std::ptr::null(), |a| match a {
        Action::Done(Ok(r)) => r as *const autosend_response,
        _ => std::ptr::null(),
    })
}

/// DONE with failure: the error, borrowed from `action` (do not free it). NULL otherwise.
#[no_mangle]
pub unsafe extern "C" fn autosend_action_error(
    action: *const autosend_action,
) -> *const autosend_error {
    with_action(action, std::ptr::null(), |a| match a {
        Action::Done(Err(e)) => e as *const autosend_error,
        _ => std::ptr::null(),
    })
}

/// Frees an action (and everything borrowed from it). NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn autosend_action_free(action: *mut autosend_action) {
    ffi_boundary!((), {
        // SAFETY: NULL or a handle from this library, not yet freed (contract).
        unsafe { free_handle(action) }
    })
}
