//! Client options and the blocking client.

use crate::error::{autosend_error, autosend_response, ffi_result_err, Failure};
use crate::util::{
    bytes_in, free_handle, handle_mut, handle_ref, need_out, str_in, to_handle, write_out,
};
use crate::{autosend_result, ffi_boundary, ffi_result};
use autosend::{ClientConfig, ClientOptions, RateLimits};
use std::sync::{Arc, Mutex};

/// The environment variable with a PEM CA file to trust in addition to the system roots
/// (read by `autosend_client_options_fill_from_env` and `autosend_client_new_from_env`).
pub(crate) const AUTOSEND_ENV_CA_FILE: &str = "AUTOSEND_CA_FILE";

/// Options for `autosend_client_new`: a builder. Create with `autosend_client_options_new`,
/// set what you need, pass to `autosend_client_new` (which copies it), free with
/// `autosend_client_options_free`. Not thread-safe: use from one thread at a time (it may be
/// moved between threads).
#[derive(Debug)]
pub struct autosend_client_options {
    pub(crate) opts: ClientOptions,
    ca_pem: Option<Vec<u8>>,
    ca_file: Option<String>,
    shared_limiter: bool,
    pub(crate) events: Option<crate::events::EventSink>,
}

/// Whether an API key is a project key (`AS_`) or an account key (`ASA_`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum autosend_key_kind {
    /// `AS_…`: bound to one project.
    AUTOSEND_KEY_KIND_PROJECT = 1,
    /// `ASA_…`: account-wide; needs a project id for project endpoints.
    AUTOSEND_KEY_KIND_ACCOUNT = 2,
}

fn user_agent() -> String {
    format!("c/{}", env!("CARGO_PKG_VERSION"))
}

/// Makes options with the defaults (no key, production base URL, 30 s timeout, 3 retries,
/// shared rate-limit budget per key).
#[no_mangle]
pub unsafe extern "C" fn autosend_client_options_new(
    options_out: *mut *mut autosend_client_options,
) -> autosend_result {
    ffi_result!({
        need_out(options_out)?;
        let mut opts = ClientOptions::new("");
        opts.user_agent = user_agent();
        let h = to_handle(autosend_client_options {
            opts,
            ca_pem: None,
            ca_file: None,
            shared_limiter: true,
            events: None,
        });
        // SAFETY: checked non-null; writable by contract.
        unsafe { write_out(options_out, h) }
    })
}

fn set_opt(
    options: *mut autosend_client_options,
    f: impl FnOnce(&mut autosend_client_options),
) -> autosend_result {
    ffi_result!({
        // SAFETY: `options` is NULL or a live handle used by one thread (contract).
        let o = unsafe { handle_mut(options) }?;
        f(o);
        Ok(())
    })
}

fn set_str(
    options: *mut autosend_client_options,
    value: *const u8,
    value_len: usize,
    f: impl FnOnce(&mut autosend_client_options, &str),
) -> autosend_result {
    ffi_result!({
        // SAFETY: `options` is NULL or a live handle used by one thread (contract).
        let o = unsafe { handle_mut(options) }?;
        // SAFETY: `value` is NULL or readable for `value_len` bytes (contract).
        let s = unsafe { str_in(value, value_len) }?;
        f(o, s);
        Ok(())
    })
}

/// Sets the API key (`AS_…` or `ASA_…`). Checked by `autosend_client_new`.
#[no_mangle]
pub unsafe extern "C" fn autosend_client_options_set_api_key(
    options: *mut autosend_client_options,
    value: *const u8,
    value_len: usize,
) -> autosend_result {
    set_str(options, value, value_len, |o, s| {
        o.opts.api_key = s.to_string()
    })
}

/// Sets the project id (account keys only; sent as `x-project-id`). Checked by
/// `autosend_client_new` (printable ASCII, no spaces, CR or LF). Empty clears it.
#[no_mangle]
pub unsafe extern "C" fn autosend_client_options_set_project_id(
    options: *mut autosend_client_options,
    value: *const u8,
    value_len: usize,
) -> autosend_result {
    set_str(options, value, value_len, |o, s| {
        o.opts.project_id = (!s.is_empty()).then(|| s.to_string())
    })
}

/// Sets the base URL (default `https://api.autosend.com/v1`; plain http only for
/// loopback). Checked by `autosend_client_new` (an empty URL is refused there).
#[no_mangle]
pub unsafe extern "C" fn autosend_client_options_set_base_url(
    options: *mut autosend_client_options,
    value: *const u8,
    value_len: usize,
) -> autosend_result {
    set_str(options, value, value_len, |o, s| {
        o.opts.base_url = Some(s.to_string())
    })
}

/// Trusts the CA certificate(s) in this PEM file as well as the system roots (e.g. the
/// sandbox's CA). Read by `autosend_client_new`. Empty clears it.
#[no_mangle]
pub unsafe extern "C" fn autosend_client_options_set_ca_file(
    options: *mut autosend_client_options,
    value: *const u8,
    value_len: usize,
) -> autosend_result {
    set_str(options, value, value_len, |o, s| {
        o.ca_file = (!s.is_empty()).then(|| s.to_string())
    })
}

/// Trusts the CA certificate(s) in this PEM text as well as the system roots. The bytes are
/// copied. Checked at the first blocking call.
#[no_mangle]
pub unsafe extern "C" fn autosend_client_options_set_ca_pem(
    options: *mut autosend_client_options,
    pem: *const u8,
    pem_len: usize,
) -> autosend_result {
    ffi_result!({
        // SAFETY: `options` is NULL or a live handle used by one thread (contract).
        let o = unsafe { handle_mut(options) }?;
        // SAFETY: `pem` is NULL or readable for `pem_len` bytes (contract).
        let b = unsafe { bytes_in(pem, pem_len) }?;
        o.ca_pem = Some(b.to_vec());
        Ok(())
    })
}

/// Per-attempt timeout in ms (default 30000; 0 is refused by `autosend_client_new`).
#[no_mangle]
pub unsafe extern "C" fn autosend_client_options_set_timeout_ms(
    options: *mut autosend_client_options,
    timeout_ms: u64,
) -> autosend_result {
    set_opt(options, |o| o.opts.timeout_ms = timeout_ms)
}

/// Retries after the first attempt (default 3, at most 100).
#[no_mangle]
pub unsafe extern "C" fn autosend_client_options_set_max_retries(
    options: *mut autosend_client_options,
    max_retries: u32,
) -> autosend_result {
    set_opt(options, |o| o.opts.max_retries = max_retries)
}

/// Also retry non-idempotent calls (sends) after 5xx / timeouts (default false: a retry
/// can deliver a mail twice).
#[no_mangle]
pub unsafe extern "C" fn autosend_client_options_set_retry_non_idempotent(
    options: *mut autosend_client_options,
    enabled: bool,
) -> autosend_result {
    set_opt(options, |o| o.opts.retry_non_idempotent = enabled)
}

/// Encrypt request bodies (JWE, RSA-OAEP-256 + A256GCM, the API's public key from
/// `GET /jwks.json`) for every call of the client (default false). The random bytes come from
/// the operating system (`getrandom`). `autosend_client_call_with` overrides it per call.
#[no_mangle]
pub unsafe extern "C" fn autosend_client_options_set_encrypt_payloads(
    options: *mut autosend_client_options,
    enabled: bool,
) -> autosend_result {
    set_opt(options, |o| o.opts.encrypt_payloads = enabled)
}

/// Overall deadline per call in ms, waits included; 0 = no deadline (the default).
#[no_mangle]
pub unsafe extern "C" fn autosend_client_options_set_deadline_ms(
    options: *mut autosend_client_options,
    deadline_ms: u64,
) -> autosend_result {
    set_opt(options, |o| {
        o.opts.deadline_ms = (deadline_ms != 0).then_some(deadline_ms)
    })
}

/// true (default): clients of the same key share one rate-limit budget in the process.
/// false: this client gets a budget of its own (tests; after a key rotation the new key's
/// shared budget is used).
#[no_mangle]
pub unsafe extern "C" fn autosend_client_options_set_shared_limiter(
    options: *mut autosend_client_options,
    shared: bool,
) -> autosend_result {
    set_opt(options, |o| o.shared_limiter = shared)
}

/// The key's rate limits (default 2 per second, 50 per minute). Checked by
/// `autosend_client_new`.
#[no_mangle]
pub unsafe extern "C" fn autosend_client_options_set_rate_limits(
    options: *mut autosend_client_options,
    per_second: u32,
    per_minute: u32,
) -> autosend_result {
    ffi_result!({
        // SAFETY: `options` is NULL or a live handle used by one thread (contract).
        let o = unsafe { handle_mut(options) }?;
        o.opts.rate_limits = RateLimits {
            per_second,
            per_minute,
            ..o.opts.rate_limits
        };
        Ok(())
    })
}

/// Shares the key's rate-limit budget with every process using the same Redis (or Valkey):
/// `redis://host:6379/0`. Empty clears it. Also read from `AUTOSEND_REDIS_URL` by
/// `autosend_client_options_fill_from_env`. Checked by `autosend_client_new`.
#[no_mangle]
pub unsafe extern "C" fn autosend_client_options_set_redis_url(
    options: *mut autosend_client_options,
    value: *const u8,
    value_len: usize,
) -> autosend_result {
    set_str(options, value, value_len, |o, s| {
        o.opts.redis_url = (!s.trim().is_empty()).then(|| s.to_string())
    })
}

/// Sends every request through this HTTP(S) proxy (`http://user:pass@proxy.example:3128`,
/// CONNECT tunnel) instead of the one `HTTPS_PROXY` / `NO_PROXY` name. Empty clears it.
/// Checked by `autosend_client_new` (`AUTOSEND_RESULT_INVALID_CONFIG`, field `proxy`; the
/// password never appears in a message).
#[no_mangle]
pub unsafe extern "C" fn autosend_client_options_set_proxy(
    options: *mut autosend_client_options,
    value: *const u8,
    value_len: usize,
) -> autosend_result {
    set_str(options, value, value_len, |o, s| {
        o.opts.proxy = (!s.trim().is_empty()).then(|| s.to_string())
    })
}

/// When Redis fails (unreachable, slower than 250 ms, a strange answer): false (default) →
/// use the process-local budget (reported once on stderr) and try Redis again later; true →
/// fail the call with `AUTOSEND_RESULT_BUDGET_STORE` before anything is sent.
#[no_mangle]
pub unsafe extern "C" fn autosend_client_options_set_redis_raise(
    options: *mut autosend_client_options,
    raise: bool,
) -> autosend_result {
    set_opt(options, |o| {
        o.opts.on_redis_error = if raise {
            autosend::OnRedisError::Raise
        } else {
            autosend::OnRedisError::Fallback
        }
    })
}

/// The lengths of the two rate-limit windows in ms (default 1000 and 60000). Change them only
/// to match a sandbox started with `--time-scale N` (e.g. 100 and 6000 for N = 10). Checked
/// by `autosend_client_new` (`0 < second_ms <= minute_ms <= 3600000`; the error names
/// `rate_limits.second_ms` or `rate_limits.minute_ms`).
#[no_mangle]
pub unsafe extern "C" fn autosend_client_options_set_rate_windows(
    options: *mut autosend_client_options,
    second_ms: u64,
    minute_ms: u64,
) -> autosend_result {
    ffi_result!({
        // SAFETY: `options` is NULL or a live handle used by one thread (contract).
        let o = unsafe { handle_mut(options) }?;
        o.opts.rate_limits.second_ms = second_ms;
        o.opts.rate_limits.minute_ms = minute_ms;
        Ok(())
    })
}

fn fill_from_env(o: &mut autosend_client_options) {
    o.opts.fill_from_env(|name| std::env::var(name).ok());
    if o.ca_file.is_none() && o.ca_pem.is_none() {
        o.ca_file = std::env::var(AUTOSEND_ENV_CA_FILE)
            .ok()
            .filter(|v| !v.trim().is_empty());
    }
}

/// Fills what is not set yet from the environment: `AUTOSEND_API_KEY` (or
/// `AUTOSEND_ACCOUNT_API_KEY` with `AUTOSEND_PROJECT_ID`), `AUTOSEND_BASE_URL`,
/// `AUTOSEND_REDIS_URL` and `AUTOSEND_CA_FILE`. Values already set win. Reads the process environment: do not call
/// while another thread changes it.
#[no_mangle]
pub unsafe extern "C" fn autosend_client_options_fill_from_env(
    options: *mut autosend_client_options,
) -> autosend_result {
    ffi_result!({
        // SAFETY: `options` is NULL or a live handle used by one thread (contract).
        let o = unsafe { handle_mut(options) }?;
        fill_from_env(o);
        Ok(())
    })
}

/// Frees options. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn autosend_client_options_free(options: *mut autosend_client_options) {
    ffi_boundary!((), {
        // SAFETY: NULL or a handle from this library, not yet freed (contract).
        unsafe { free_handle(options) }
    })
}

struct ClientState {
    core: autosend::Client,
    tls: autosend_http::TlsOptions,
    http: Option<Arc<autosend_http::blocking::Client>>,
    events: Option<crate::events::EventSink>,
}

/// A client: validated options, the key's rate-limit budget, and (built at the first
/// blocking call) an HTTPS transport. Thread-safe: one client may be used from many threads
/// at once, including `autosend_client_rotate_key`. Free with `autosend_client_free` once no
/// thread uses it any more.
pub struct autosend_client {
    state: Mutex<ClientState>,
}

impl autosend_client {
    fn lock(&self) -> std::sync::MutexGuard<'_, ClientState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn core(&self) -> autosend::Client {
        self.lock().core.clone()
    }

    pub(crate) fn http(&self) -> Result<Arc<autosend_http::blocking::Client>, autosend::Error> {
        let mut st = self.lock();
        if let Some(h) = &st.http {
            return Ok(h.clone());
        }
        // The transport drives this client's own core (configuration and limiter), its I/O
        // on the calling thread (no hand-over per call, like a raw libcurl easy handle); every
        // call runs inside `with_sigpipe_blocked`, so a write to a connection the server reset
        // fails with EPIPE instead of killing the C program (Rust, Python and Node hosts
        // ignore SIGPIPE; a C host usually does not).
        let h = Arc::new(with_sigpipe_blocked(|| {
            autosend_http::blocking::Client::from_core_with(
                st.core.clone(),
                st.tls.clone(),
                autosend_http::blocking::IoMode::CallerThread,
            )
        })?);
        if let Some(sink) = st.events {
            h.on_event(Some(sink.listener()));
        }
        st.http = Some(h.clone());
        Ok(h)
    }
}

/// Keeps SIGPIPE blocked in the calling thread while it lives. The transport writes to its
/// sockets on the calling thread (`IoMode::CallerThread`: no hand-over to an I/O thread per
/// call), and a write to a connection the server reset raises SIGPIPE, whose default action
/// kills a C program; blocked, the write fails with EPIPE (`connection_lost`) instead. On drop
/// a SIGPIPE left pending by such a write is discarded and the thread's mask restored. When the
/// thread had SIGPIPE blocked already nothing changes. Threads started meanwhile (the resolver
/// pool) inherit the mask. Costs three system calls per call.
pub(crate) struct SigpipeGuard {
    /// The thread's mask before, when this guard blocked SIGPIPE.
    #[cfg(unix)]
    old: Option<libc::sigset_t>,
}

impl SigpipeGuard {
    #[cfg(unix)]
    pub(crate) fn new() -> SigpipeGuard {
        // SAFETY: sigset_t is plain data, initialised by sigemptyset/pthread_sigmask before
        // use; pthread_sigmask only changes the calling thread's mask.
        let old = unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            let mut old: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, libc::SIGPIPE);
            (libc::pthread_sigmask(libc::SIG_BLOCK, &set, &mut old) == 0
                && libc::sigismember(&old, libc::SIGPIPE) == 0)
                .then_some(old)
        };
        SigpipeGuard { old }
    }

    #[cfg(not(unix))]
    pub(crate) fn new() -> SigpipeGuard {
        SigpipeGuard {}
    }
}

#[cfg(unix)]
impl Drop for SigpipeGuard {
    fn drop(&mut self) {
        let Some(old) = &self.old else { return };
        // SAFETY: the sets are initialised by sigemptyset/sigpending before use; a zero
        // timeout makes sigtimedwait take a pending SIGPIPE without waiting; `old` is the mask
        // pthread_sigmask returned for this thread.
        unsafe {
            let mut pending: libc::sigset_t = std::mem::zeroed();
            if libc::sigpending(&mut pending) == 0
                && libc::sigismember(&pending, libc::SIGPIPE) == 1
            {
                let mut set: libc::sigset_t = std::mem::zeroed();
                libc::sigemptyset(&mut set);
                libc::sigaddset(&mut set, libc::SIGPIPE);
                let zero = libc::timespec {
                    tv_sec: 0,
                    tv_nsec: 0,
                };
                libc::sigtimedwait(&set, std::ptr::null_mut(), &zero);
            }
            libc::pthread_sigmask(libc::SIG_SETMASK, old, std::ptr::null_mut());
        }
    }
}

/// Runs `f` with SIGPIPE blocked in the calling thread ([`SigpipeGuard`]).
pub(crate) fn with_sigpipe_blocked<T>(f: impl FnOnce() -> T) -> T {
    let _pipe = SigpipeGuard::new();
    f()
}

fn build_client(o: &autosend_client_options) -> Result<autosend_client, Failure> {
    let opts = o.opts.clone();
    let core = if o.shared_limiter {
        autosend::Client::new(opts.clone())?
    } else {
        let limiter = autosend::private_limiter(opts.rate_limits);
        autosend::Client::with_limiter(ClientConfig::new(opts.clone())?, limiter)
    };
    let tls = match (&o.ca_pem, &o.ca_file) {
        (Some(pem), _) => autosend_http::TlsOptions {
            ca_cert_pem: Some(pem.clone()),
        },
        (None, Some(path)) => autosend_http::TlsOptions::with_ca_file(std::path::Path::new(path))?,
        (None, None) => autosend_http::TlsOptions::default(),
    };
    Ok(autosend_client {
        state: Mutex::new(ClientState {
            core,
            tls,
            http: None,
            events: o.events,
        }),
    })
}

/// Creates a client from options (the options are copied and may be freed right after).
/// Validates key, project id, base URL and limits (errors 100–107) and reads the CA file.
#[no_mangle]
pub unsafe extern "C" fn autosend_client_new(
    options: *const autosend_client_options,
    client_out: *mut *mut autosend_client,
    error_out: *mut *mut autosend_error,
) -> autosend_result {
    ffi_result_err!(error_out, {
        // SAFETY: `options` is NULL or a live handle (contract).
        let o = unsafe { handle_ref(options) }?;
        need_out(client_out)?;
        let c = build_client(o)?;
        // SAFETY: checked non-null; writable by contract.
        unsafe { write_out(client_out, to_handle(c)) }?;
        Ok(())
    })
}

/// Creates a client from the environment alone (see `autosend_client_options_fill_from_env`).
#[no_mangle]
pub unsafe extern "C" fn autosend_client_new_from_env(
    client_out: *mut *mut autosend_client,
    error_out: *mut *mut autosend_error,
) -> autosend_result {
    ffi_result_err!(error_out, {
        need_out(client_out)?;
        let mut opts = ClientOptions::new("");
        opts.user_agent = user_agent();
        let mut o = autosend_client_options {
            opts,
            ca_pem: None,
            ca_file: None,
            shared_limiter: true,
            events: None,
        };
        fill_from_env(&mut o);
        let c = build_client(&o)?;
        // SAFETY: checked non-null; writable by contract.
        unsafe { write_out(client_out, to_handle(c)) }?;
        Ok(())
    })
}

/// Parses JSON parameters with the core's rules (depth, size, the field named in every
/// refusal); a failure is a `validation` error (nothing was sent).
pub(crate) fn parse_params(json: &[u8]) -> Result<serde_json::Value, Failure> {
    autosend::limits::params_from_json(json).map_err(Failure::from)
}

fn blocking_call(
    client: *const autosend_client,
    endpoint: &str,
    params_json: *const u8,
    params_len: usize,
    response_out: *mut *mut autosend_response,
) -> Result<(), Failure> {
    blocking_call_with(
        client,
        endpoint,
        params_json,
        params_len,
        autosend_encrypt::AUTOSEND_ENCRYPT_DEFAULT,
        response_out,
    )
}

fn blocking_call_with(
    client: *const autosend_client,
    endpoint: &str,
    params_json: *const u8,
    params_len: usize,
    encrypt: autosend_encrypt,
    response_out: *mut *mut autosend_response,
) -> Result<(), Failure> {
    // SAFETY: `client` is NULL or a live handle (contract); shared use is allowed.
    let c = unsafe { handle_ref(client) }?;
    // SAFETY: NULL or readable for `params_len` bytes (contract).
    let params = parse_params(unsafe { bytes_in(params_json, params_len) }?)?;
    need_out(response_out)?;
    let http = c.http()?;
    let encrypt = match encrypt {
        autosend_encrypt::AUTOSEND_ENCRYPT_DEFAULT => None,
        autosend_encrypt::AUTOSEND_ENCRYPT_OFF => Some(false),
        autosend_encrypt::AUTOSEND_ENCRYPT_ON => Some(true),
    };
    let r = with_sigpipe_blocked(|| http.call_with(endpoint, params, encrypt))?;
    // SAFETY: checked non-null; writable by contract.
    unsafe { write_out(response_out, to_handle(autosend_response::from_core(r))) }?;
    Ok(())
}

/// Calls any catalog endpoint (`emails.send`, `contacts.get`, …) with a JSON object of
/// parameters, blocking until done (rate-limit waits and retries included). On success
/// `*response_out` gets a response to free with `autosend_response_free`; on failure
/// `*error_out` (if not NULL) gets the error details to free with `autosend_error_free`.
#[no_mangle]
pub unsafe extern "C" fn autosend_client_call(
    client: *const autosend_client,
    endpoint_id: *const u8,
    endpoint_id_len: usize,
    params_json: *const u8,
    params_len: usize,
    response_out: *mut *mut autosend_response,
    error_out: *mut *mut autosend_error,
) -> autosend_result {
    ffi_result_err!(error_out, {
        // SAFETY: NULL or readable for `endpoint_id_len` bytes (contract).
        let endpoint = unsafe { str_in(endpoint_id, endpoint_id_len) }?;
        blocking_call(client, endpoint, params_json, params_len, response_out)
    })
}

/// Payload encryption (JWE) for one call of `autosend_client_call_with`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum autosend_encrypt {
    /// Follow the client's option (`autosend_client_options_set_encrypt_payloads`).
    AUTOSEND_ENCRYPT_DEFAULT = 0,
    /// Send this call's body plain.
    AUTOSEND_ENCRYPT_OFF = 1,
    /// Encrypt this call's body.
    AUTOSEND_ENCRYPT_ON = 2,
}

/// Like `autosend_client_call`, choosing payload encryption for this call. An `encrypt`
/// value outside the enum is an `invalid_config` error.
#[no_mangle]
pub unsafe extern "C" fn autosend_client_call_with(
    client: *const autosend_client,
    endpoint_id: *const u8,
    endpoint_id_len: usize,
    params_json: *const u8,
    params_len: usize,
    encrypt: u32,
    response_out: *mut *mut autosend_response,
    error_out: *mut *mut autosend_error,
) -> autosend_result {
    ffi_result_err!(error_out, {
        // SAFETY: NULL or readable for `endpoint_id_len` bytes (contract).
        let endpoint = unsafe { str_in(endpoint_id, endpoint_id_len) }?;
        let encrypt = match encrypt {
            0 => autosend_encrypt::AUTOSEND_ENCRYPT_DEFAULT,
            1 => autosend_encrypt::AUTOSEND_ENCRYPT_OFF,
            2 => autosend_encrypt::AUTOSEND_ENCRYPT_ON,
            _ => {
                return Err(autosend::Error::new(
                    autosend::ErrorKind::InvalidConfig,
                    "encrypt must be AUTOSEND_ENCRYPT_DEFAULT, _OFF or _ON",
                )
                .into())
            }
        };
        blocking_call_with(
            client,
            endpoint,
            params_json,
            params_len,
            encrypt,
            response_out,
        )
    })
}

/// `emails.send` (POST /mails/send) with the documented JSON body
/// (`{"from":{"email":…},"to":{"email":…},"subject":…,"html":…}`); the response JSON has
/// `emailId`. Same contract as `autosend_client_call`.
#[no_mangle]
pub unsafe extern "C" fn autosend_client_send_email(
    client: *const autosend_client,
    mail_json: *const u8,
    mail_len: usize,
    response_out: *mut *mut autosend_response,
    error_out: *mut *mut autosend_error,
) -> autosend_result {
    ffi_result_err!(error_out, {
        blocking_call(client, "emails.send", mail_json, mail_len, response_out)
    })
}

/// `emails.bulk` (POST /mails/bulk) with the documented JSON body (`recipients`, 1–100).
/// Same contract as `autosend_client_call`.
#[no_mangle]
pub unsafe extern "C" fn autosend_client_send_bulk(
    client: *const autosend_client,
    bulk_json: *const u8,
    bulk_len: usize,
    response_out: *mut *mut autosend_response,
    error_out: *mut *mut autosend_error,
) -> autosend_result {
    ffi_result_err!(error_out, {
        blocking_call(client, "emails.bulk", bulk_json, bulk_len, response_out)
    })
}

/// Switches the client to a new key at run time (and to that key's shared budget). Calls
/// already running or prepared keep the old key. The key must fit the client's project id
/// rule (errors 100, 102).
#[no_mangle]
pub unsafe extern "C" fn autosend_client_rotate_key(
    client: *const autosend_client,
    api_key: *const u8,
    api_key_len: usize,
    error_out: *mut *mut autosend_error,
) -> autosend_result {
    ffi_result_err!(error_out, {
        // SAFETY: `client` is NULL or a live handle (contract); shared use is allowed.
        let c = unsafe { handle_ref(client) }?;
        // SAFETY: NULL or readable for `api_key_len` bytes (contract).
        let key = unsafe { str_in(api_key, api_key_len) }?;
        let mut st = c.lock();
        st.core.rotate_key(key)?;
        // Rebuilt from the rotated core at the next blocking call; calls already running
        // keep the old transport and key.
        st.http = None;
        Ok(())
    })
}

/// Frees a client. NULL is ignored. No other thread may still use it.
#[no_mangle]
pub unsafe extern "C" fn autosend_client_free(client: *mut autosend_client) {
    ffi_boundary!((), {
        // SAFETY: NULL or a handle from this library, not yet freed, unused (contract).
        unsafe { free_handle(client) }
    })
}

/// Parses an API key on its own and says its kind (`AUTOSEND_RESULT_INVALID_API_KEY` when it
/// is malformed; the message never contains the secret).
#[no_mangle]
pub unsafe extern "C" fn autosend_api_key_kind(
    api_key: *const u8,
    api_key_len: usize,
    kind_out: *mut autosend_key_kind,
    error_out: *mut *mut autosend_error,
) -> autosend_result {
    ffi_result_err!(error_out, {
        // SAFETY: NULL or readable for `api_key_len` bytes (contract).
        let key = unsafe { str_in(api_key, api_key_len) }?;
        need_out(kind_out)?;
        let k = autosend::ApiKey::parse(key)?;
        let kind = match k.kind() {
            autosend::KeyKind::Project => autosend_key_kind::AUTOSEND_KEY_KIND_PROJECT,
            autosend::KeyKind::Account => autosend_key_kind::AUTOSEND_KEY_KIND_ACCOUNT,
        };
        // SAFETY: checked non-null; writable by contract.
        unsafe { write_out(kind_out, kind) }?;
        Ok(())
    })
}
