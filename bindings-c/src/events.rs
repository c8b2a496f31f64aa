//! Call events (issue 15 item 5) and the application part of the User-Agent (item 6). The
//! core decides both; this file only crosses the C boundary.

use crate::call::autosend_call;
use crate::client::autosend_client_options;
use crate::util::{bytes_in_opt, handle_mut, str_in, ZStr};
use crate::{autosend_result, autosend_str, ffi_boundary, ffi_result};
use autosend::{Event, NameStyle};
use std::ffi::c_void;

/// Receives each event of a blocking call as one JSON object (`kind`, `endpoint`, `method`,
/// `path`, `attempt`, and per kind `status`, `request_id`, `duration_ms`, `wait_ms`,
/// `reason`, `ok`, `error`; plus `message`, one line for a log, and `level`, `debug` or
/// `info`). Called on the thread that made the call, with the `user_data` given; `event_json`
/// is valid during the call only. It never holds the key, headers, query or body. It must not
/// unwind or `longjmp` out of the library.
pub type autosend_event_cb =
    Option<unsafe extern "C" fn(user_data: *mut c_void, event_json: autosend_str)>;

/// The callback and its user data, as the transport's listener.
#[derive(Clone, Copy)]
pub(crate) struct EventSink {
    cb: unsafe extern "C" fn(*mut c_void, autosend_str),
    user_data: *mut c_void,
}

// SAFETY: the C contract (docs/c.md) makes the caller responsible for `user_data` being
// usable from the threads that make calls; the library only passes the pointer back.
unsafe impl Send for EventSink {}
// SAFETY: as above; the sink is never mutated after it is set.
unsafe impl Sync for EventSink {}

/// The event as JSON text (snake_case names) with `message` and `level`.
pub(crate) fn event_json(e: &Event) -> ZStr {
    let mut v = e.to_json(NameStyle::Snake);
    if let Some(o) = v.as_object_mut() {
        o.insert("message".into(), e.message().into());
        o.insert("level".into(), e.level().into());
    }
    ZStr::new(v.to_string().as_bytes())
}

impl std::fmt::Debug for EventSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EventSink")
    }
}

impl EventSink {
    fn deliver(&self, e: &Event) {
        let text = event_json(e);
        // SAFETY: a callback the caller registered for these events, with its own user_data;
        // `text` outlives the call.
        unsafe { (self.cb)(self.user_data, text.as_str()) }
    }

    pub(crate) fn listener(self) -> autosend_http::EventListener {
        std::sync::Arc::new(move |e: &Event| self.deliver(e))
    }
}

/// Sends the events of every blocking call made by clients built from these options to
/// `callback` (NULL: none). Events are recorded only while a callback is set.
#[no_mangle]
pub unsafe extern "C" fn autosend_client_options_set_event_callback(
    options: *mut autosend_client_options,
    callback: autosend_event_cb,
    user_data: *mut c_void,
) -> autosend_result {
    ffi_result!({
        // SAFETY: `options` is NULL or a live handle used by one thread (contract).
        let o = unsafe { handle_mut(options) }?;
        o.events = callback.map(|cb| EventSink { cb, user_data });
        Ok(())
    })
}

/// Names your application in the `User-Agent` (`MyShop/1.4.2 (+https://myshop.example)`):
/// `name` is required; `version` and `url` may be NULL (length 0). Checked by
/// `autosend_client_new` (`invalid_config` naming `app_info.name`, `.version` or `.url`).
#[no_mangle]
pub unsafe extern "C" fn autosend_client_options_set_app_info(
    options: *mut autosend_client_options,
    name: *const u8,
    name_len: usize,
    version: *const u8,
    version_len: usize,
    url: *const u8,
    url_len: usize,
) -> autosend_result {
    ffi_result!({
        // SAFETY: `options` is NULL or a live handle used by one thread (contract).
        let o = unsafe { handle_mut(options) }?;
        // SAFETY: readable for `name_len` bytes (contract).
        let name = unsafe { str_in(name, name_len) }?.to_string();
        let opt = |p: *const u8, n: usize| -> Result<Option<String>, autosend_result> {
            // SAFETY: NULL with length 0, or readable for `n` bytes (contract).
            let b = unsafe { bytes_in_opt(p, n) }?;
            if p.is_null() {
                return Ok(None);
            }
            std::str::from_utf8(b)
                .map(|s| Some(s.to_string()))
                .map_err(|_| autosend_result::AUTOSEND_RESULT_INVALID_UTF8)
        };
        o.opts.app_info = Some(autosend::AppInfo {
            name,
            version: opt(version, version_len)?,
            url: opt(url, url_len)?,
        });
        Ok(())
    })
}

/// Starts (`true`) or stops recording the structured events of a sans-IO call; read them
/// with `autosend_call_poll_event`.
#[no_mangle]
pub unsafe extern "C" fn autosend_call_record_events(
    call: *mut autosend_call,
    on: bool,
) -> autosend_result {
    ffi_result!({
        // SAFETY: `call` is NULL or a live handle used by one thread (contract).
        let c = unsafe { handle_mut(call) }?;
        c.call.record_events(on);
        Ok(())
    })
}

/// Takes the oldest recorded event of a sans-IO call: `true` and the event as JSON (see
/// `autosend_event_cb`) in `*event_json_out`, valid until the next `autosend_call_poll_event`
/// or `autosend_call_free`; `false` when there is none (or on a NULL argument).
#[no_mangle]
pub unsafe extern "C" fn autosend_call_poll_event(
    call: *mut autosend_call,
    event_json_out: *mut autosend_str,
) -> bool {
    ffi_boundary!(false, {
        // SAFETY: `call` is NULL or a live handle used by one thread (contract).
        let Ok(c) = (unsafe { handle_mut(call) }) else {
            return false;
        };
        if event_json_out.is_null() {
            return false;
        }
        match c.call.poll_event() {
            None => false,
            Some(e) => {
                c.last_event = event_json(&e);
                // SAFETY: checked non-null; writable by contract.
                unsafe { event_json_out.write(c.last_event.as_str()) };
                true
            }
        }
    })
}

/// Like `autosend_client_call_with`, with this call's own per-attempt timeout and retries:
/// `timeout_ms` 0 and `max_retries` negative keep the client's. The values are checked like
/// the client's options (`invalid_config` naming `timeout` or `max_retries`).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn autosend_client_call_opts(
    client: *const crate::client::autosend_client,
    endpoint_id: *const u8,
    endpoint_id_len: usize,
    params_json: *const u8,
    params_len: usize,
    encrypt: u32,
    timeout_ms: u64,
    max_retries: i64,
    response_out: *mut *mut crate::error::autosend_response,
    error_out: *mut *mut crate::error::autosend_error,
) -> autosend_result {
    crate::error::ffi_result_err!(error_out, {
        // SAFETY: NULL or readable for `endpoint_id_len` bytes (contract).
        let endpoint = unsafe { str_in(endpoint_id, endpoint_id_len) }?;
        // SAFETY: `client` is NULL or a live handle (contract); shared use is allowed.
        let c = unsafe { crate::util::handle_ref(client) }?;
        // SAFETY: NULL or readable for `params_len` bytes (contract).
        let params = crate::client::parse_params(unsafe {
            crate::util::bytes_in(params_json, params_len)
        }?)?;
        crate::util::need_out(response_out)?;
        let encrypt = match encrypt {
            0 => None,
            1 => Some(false),
            2 => Some(true),
            _ => {
                return Err(autosend::Error::new(
                    autosend::ErrorKind::InvalidConfig,
                    "encrypt must be AUTOSEND_ENCRYPT_DEFAULT, _OFF or _ON",
                )
                .into())
            }
        };
        let o = autosend::CallOptions {
            encrypt,
            timeout_ms: (timeout_ms > 0).then_some(timeout_ms),
            max_retries: u32::try_from(max_retries).ok().or_else(|| {
                // Negative: the client's; beyond u32: refused by the core's limit.
                (max_retries > 0).then_some(u32::MAX)
            }),
        };
        let http = c.http()?;
        let r = crate::client::with_sigpipe_blocked(|| http.call_opts(endpoint, params, &o))?;
        let resp = crate::error::autosend_response::from_core(r);
        // SAFETY: checked non-null; writable by contract.
        unsafe { crate::util::write_out(response_out, crate::util::to_handle(resp)) }?;
        Ok(())
    })
}
