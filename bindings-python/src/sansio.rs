//! Thin sans-IO classes over the core, for the conformance vectors and for callers that bring
//! their own I/O. Every rule stays in the core; these only convert types.

use crate::convert::{text, to_json, to_py};
use crate::errors::{check, guard};
use autosend::{Acquire, ClientOptions, Error, ErrorKind, Poll, RateLimits, TransportErrorKind};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString, PyTuple};
use std::cell::RefCell;
use std::sync::{Mutex, MutexGuard};

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The error for an API key that is not valid text. Never includes the key.
pub fn key_not_text() -> Error {
    Error::new(
        ErrorKind::InvalidApiKey,
        "the API key is not valid UTF-8 text (it holds a lone surrogate, e.g. from a \
         surrogateescape-decoded value); pass the key exactly as issued",
    )
}

/// A `str` option as text; a lone surrogate becomes the option's own error (never the value).
fn option_text(
    value: Option<&Bound<'_, PyString>>,
    what: &str,
    kind: ErrorKind,
) -> Result<Option<String>, Error> {
    value
        .map(|s| {
            text(s, || {
                Error::new(
                    kind,
                    format!("{what} is not valid UTF-8 text (it holds a lone surrogate)"),
                )
            })
        })
        .transpose()
}

/// The error for an environment variable that is set but cannot be decoded as text.
fn env_not_text(name: &str) -> Error {
    let kind = match name {
        "AUTOSEND_BASE_URL" => ErrorKind::InvalidBaseUrl,
        "AUTOSEND_PROJECT_ID" => ErrorKind::InvalidConfig,
        _ => ErrorKind::InvalidApiKey,
    };
    Error::new(
        kind,
        format!(
            "{name} is set but is not valid UTF-8 text (a lone surrogate, e.g. undecodable \
             bytes in the environment); set it to the value exactly as issued"
        ),
    )
}

/// Options shared by the sans-IO and the I/O clients. Converts types only; every rule about
/// the values runs in the core.
#[allow(clippy::too_many_arguments)]
pub fn options(
    api_key: Option<&Bound<'_, PyString>>,
    project_id: Option<&Bound<'_, PyString>>,
    base_url: Option<&Bound<'_, PyString>>,
    timeout_ms: Option<u64>,
    max_retries: Option<u32>,
    retry_non_idempotent: bool,
    deadline_ms: Option<u64>,
    per_second: Option<u32>,
    per_minute: Option<u32>,
    rate_limits: Option<&Bound<'_, PyAny>>,
    env: Option<&Bound<'_, PyAny>>,
) -> Result<ClientOptions, Error> {
    let api_key = api_key.map(|k| text(k, key_not_text)).transpose()?;
    let mut o = ClientOptions::new(api_key.unwrap_or_default());
    o.project_id = option_text(project_id, "project_id", ErrorKind::InvalidConfig)?;
    o.base_url = option_text(base_url, "base_url", ErrorKind::InvalidBaseUrl)?;
    if let Some(t) = timeout_ms {
        o.timeout_ms = t;
    }
    if let Some(r) = max_retries {
        o.max_retries = r;
    }
    o.retry_non_idempotent = retry_non_idempotent;
    o.deadline_ms = deadline_ms;
    let mut limits = match rate_limits {
        Some(r) if !r.is_none() => RateLimits::from_json(
            &to_json(r, "rate_limits")?,
            autosend::NameStyle::Snake,
            "rate_limits",
        )?,
        _ => RateLimits::default(),
    };
    if let Some(s) = per_second {
        limits.per_second = s;
    }
    if let Some(m) = per_minute {
        limits.per_minute = m;
    }
    o.rate_limits = limits;
    o.user_agent = format!("python/{}", env!("CARGO_PKG_VERSION"));
    if let Some(env) = env {
        // A variable the core asks for that is set but not valid text is reported as such,
        // not treated as unset (which would claim it is missing).
        let not_text: RefCell<Option<String>> = RefCell::new(None);
        o.fill_from_env(|name| {
            let v = env.get_item(name).ok()?;
            let s = v.cast::<PyString>().ok()?;
            match s.to_cow() {
                Ok(c) => Some(c.into_owned()),
                Err(_) => {
                    not_text
                        .borrow_mut()
                        .get_or_insert_with(|| name.to_string());
                    None
                }
            }
        });
        if let Some(name) = not_text.into_inner() {
            return Err(env_not_text(&name));
        }
    }
    Ok(o)
}

/// A sans-IO client: validated configuration plus a rate limiter (private unless `shared`;
/// a shared one is shared among sans-IO clients of the key and base URL, which must feed it
/// one clock, and never with the I/O clients, which use the process clock).
#[pyclass(frozen, module = "autosend._native")]
pub struct SansIoClient {
    inner: Mutex<autosend::Client>,
}

#[pymethods]
impl SansIoClient {
    #[new]
    #[pyo3(signature = (api_key, *, project_id=None, base_url=None, timeout_ms=None, max_retries=None,
        retry_non_idempotent=false, deadline_ms=None, per_second=None, per_minute=None, shared_limiter=false,
        rate_limits=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        api_key: Option<Bound<'_, PyString>>,
        project_id: Option<Bound<'_, PyString>>,
        base_url: Option<Bound<'_, PyString>>,
        timeout_ms: Option<u64>,
        max_retries: Option<u32>,
        retry_non_idempotent: bool,
        deadline_ms: Option<u64>,
        per_second: Option<u32>,
        per_minute: Option<u32>,
        shared_limiter: bool,
        rate_limits: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        guard(py, || {
            let o = check(
                py,
                options(
                    api_key.as_ref(),
                    project_id.as_ref(),
                    base_url.as_ref(),
                    timeout_ms,
                    max_retries,
                    retry_non_idempotent,
                    deadline_ms,
                    per_second,
                    per_minute,
                    rate_limits.as_ref(),
                    None,
                ),
            )?;
            let client = if shared_limiter {
                // The caller's clock is its own: share a budget with other sans-IO clients of
                // the key, never with the blocking/async clients (process clock).
                let config = check(py, autosend::ClientConfig::new(o))?;
                autosend::Client::on_clock(config, autosend::ClockId::SANS_IO)
            } else {
                let limits = o.rate_limits;
                let config = check(py, autosend::ClientConfig::new(o))?;
                autosend::Client::with_limiter(config, autosend::private_limiter(limits))
            };
            Ok(SansIoClient {
                inner: Mutex::new(client),
            })
        })
    }

    /// Prepares a call; local errors (scope, project id, validation) raise here.
    /// `encrypt=True` seals the body (JWE): give the call `entropy_needed()` bytes of
    /// `os.urandom` through `provide_entropy` before polling.
    #[pyo3(signature = (endpoint, params, seed=0, encrypt=None))]
    fn call(
        &self,
        py: Python<'_>,
        endpoint: &str,
        params: &Bound<'_, PyAny>,
        seed: u64,
        encrypt: Option<bool>,
    ) -> PyResult<Call> {
        guard(py, || {
            let params = check(py, to_json(params, ""))?;
            let client = lock(&self.inner).clone();
            let call = check(py, client.call_with(endpoint, params, seed, encrypt))?;
            Ok(Call {
                inner: Mutex::new(call),
            })
        })
    }

    /// Key rotation.
    fn rotate_key(&self, py: Python<'_>, api_key: &Bound<'_, PyString>) -> PyResult<()> {
        guard(py, || {
            let api_key = check(py, text(api_key, key_not_text))?;
            check(py, lock(&self.inner).rotate_key(&api_key))
        })
    }
}

/// One call's state machine (`poll` / `handle_response` / `handle_transport_error`).
#[pyclass(frozen, module = "autosend._native")]
pub struct Call {
    inner: Mutex<autosend::Call>,
}

#[pymethods]
impl Call {
    /// Random bytes the call needs before its first poll (payload encryption; else 0).
    fn entropy_needed(&self) -> usize {
        lock(&self.inner).entropy_needed()
    }

    /// Gives the call its random bytes (`os.urandom(call.entropy_needed())`).
    fn provide_entropy(&self, py: Python<'_>, data: &[u8]) -> PyResult<()> {
        guard(py, || check(py, lock(&self.inner).provide_entropy(data)))
    }

    /// `("send", request_dict)`, `("wait", ms)` or `("done", response_dict)`; a failed call
    /// raises its `AutoSendError` instead of returning `done`.
    fn poll<'py>(&self, py: Python<'py>, now_ms: u64) -> PyResult<Bound<'py, PyTuple>> {
        guard(py, || {
            let p = {
                let mut call = lock(&self.inner);
                let mut p = call.poll(now_ms);
                // The sans-IO API has no Redis connection: the shared budget falls back (or
                // raises).
                while let Poll::Budget(_) = p {
                    call.handle_budget_error(
                        now_ms,
                        "the Python sans-IO API cannot run budget operations",
                    );
                    p = call.poll(now_ms);
                }
                p
            };
            match p {
                Poll::Budget(_) => Err(pyo3::exceptions::PyRuntimeError::new_err(
                    "unreachable: budget operation",
                )),
                Poll::Send(req) => {
                    let d = crate::hook::request_dict(py, &req)?;
                    PyTuple::new(py, [("send").into_pyobject(py)?.into_any(), d.into_any()])
                }
                Poll::Wait(ms) => PyTuple::new(
                    py,
                    [
                        "wait".into_pyobject(py)?.into_any(),
                        ms.into_pyobject(py)?.into_any(),
                    ],
                ),
                Poll::Done(Ok(resp)) => PyTuple::new(
                    py,
                    [
                        "done".into_pyobject(py)?.into_any(),
                        response_dict(py, &resp)?.into_any(),
                    ],
                ),
                Poll::Done(Err(e)) => Err(crate::errors::to_pyerr(py, &e)),
            }
        })
    }

    /// Feeds the HTTP answer to the request last returned by `poll`.
    #[pyo3(signature = (now_ms, status, headers, body))]
    fn handle_response(
        &self,
        py: Python<'_>,
        now_ms: u64,
        status: u16,
        headers: &Bound<'_, PyAny>,
        body: &[u8],
    ) -> PyResult<()> {
        guard(py, || {
            let hs = check(py, crate::convert::headers(headers))?;
            lock(&self.inner).handle_response(now_ms, status, &hs, body);
            Ok(())
        })
    }

    /// Reads a reply of the shared budget's Redis scripts (conformance vectors): returns
    /// `{"go": id}`, `{"wait": ms}`, `{"ok": True}` or `{"error": kind}`.
    #[staticmethod]
    fn budget_interpret<'py>(
        py: Python<'py>,
        op: &str,
        reply: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let kind = autosend::BudgetOpKind::from_name(op)
            .ok_or_else(|| pyo3::exceptions::PyValueError::new_err("unknown budget op"))?;
        let v = check(py, crate::convert::to_json(reply, "reply"))?;
        let r = autosend::budget_redis::interpret_reply_json(kind, &v);
        crate::convert::to_py(py, &r)
    }

    /// Feeds a transport failure: `connect`, `timeout` or `connection_lost`.
    fn handle_transport_error(&self, py: Python<'_>, now_ms: u64, kind: &str) -> PyResult<()> {
        guard(py, || {
            let k = TransportErrorKind::from_name(kind).ok_or_else(|| {
                pyo3::exceptions::PyValueError::new_err(
                    "kind must be 'connect', 'timeout' or 'connection_lost'",
                )
            })?;
            lock(&self.inner).handle_transport_error(now_ms, k);
            Ok(())
        })
    }

    /// Attempts made so far.
    #[getter]
    fn attempts(&self) -> u32 {
        lock(&self.inner).attempts()
    }

    /// Starts (True) or stops recording the call's structured events.
    fn record_events(&self, on: bool) {
        lock(&self.inner).record_events(on);
    }

    /// The oldest recorded event not taken yet (a dict: `kind`, `endpoint`, `method`, `path`,
    /// `attempt`, and per kind `status`, `request_id`, `duration_ms`, `wait_ms`, `reason`,
    /// `ok`, `error`; plus `message` and `level`), or None.
    fn poll_event<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let e = lock(&self.inner).poll_event();
        e.map(|e| crate::events::event_dict(py, &e)).transpose()
    }
}

impl Call {
    /// Polls the core call (for the chunker, which records the final result itself).
    pub fn poll_raw(&self, now_ms: u64) -> Poll {
        lock(&self.inner).poll(now_ms)
    }
}

/// Every field the core describes (`ApiResponse::describe`: status, data, message,
/// request_id, attempts, content_type, filename, …, so new ones reach Python without glue),
/// plus `bytes`: the file of a binary endpoint, else None.
pub fn response_dict<'py>(
    py: Python<'py>,
    resp: &autosend::ApiResponse,
) -> PyResult<Bound<'py, PyDict>> {
    let d = to_py(py, &resp.describe())?.cast_into::<PyDict>()?;
    match &resp.bytes {
        Some(b) => d.set_item("bytes", PyBytes::new(py, b))?,
        None => d.set_item("bytes", py.None())?,
    }
    Ok(d)
}

/// The per-key sliding-window limiter.
#[pyclass(frozen, module = "autosend._native")]
pub struct RateLimiter {
    inner: Mutex<autosend::RateLimiter>,
}

#[pymethods]
impl RateLimiter {
    #[new]
    #[pyo3(signature = (per_second=None, per_minute=None, second_ms=None, minute_ms=None))]
    fn new(
        py: Python<'_>,
        per_second: Option<u32>,
        per_minute: Option<u32>,
        second_ms: Option<u64>,
        minute_ms: Option<u64>,
    ) -> PyResult<Self> {
        guard(py, || {
            let d = RateLimits::default();
            let limits = RateLimits {
                per_second: per_second.unwrap_or(d.per_second),
                per_minute: per_minute.unwrap_or(d.per_minute),
                second_ms: second_ms.unwrap_or(d.second_ms),
                minute_ms: minute_ms.unwrap_or(d.minute_ms),
            };
            check(py, limits.validate())?;
            Ok(RateLimiter {
                inner: Mutex::new(autosend::RateLimiter::new(limits)),
            })
        })
    }

    /// `None` when a slot was taken (grants are numbered 1, 2, 3, …: settle or refund it),
    /// else the ms to wait.
    fn acquire(&self, py: Python<'_>, now_ms: u64) -> PyResult<Option<u64>> {
        guard(py, || {
            Ok(match lock(&self.inner).acquire(now_ms) {
                Acquire::Go(_) => None,
                Acquire::Wait(ms) => Some(ms),
            })
        })
    }

    /// The answer to `grant` (or its timeout) came at `now_ms`: it arrived by then.
    fn settle(&self, py: Python<'_>, grant: u64, now_ms: u64) -> PyResult<()> {
        guard(py, || {
            lock(&self.inner).settle(grant, now_ms);
            Ok(())
        })
    }

    /// `grant` did not count (429, or nothing was sent): its slot is free again.
    fn refund(&self, py: Python<'_>, grant: u64) -> PyResult<()> {
        guard(py, || {
            lock(&self.inner).refund(grant);
            Ok(())
        })
    }

    /// Server feedback: no slot before `now_ms + wait_ms`.
    fn block_for(&self, py: Python<'_>, now_ms: u64, wait_ms: u64) -> PyResult<()> {
        guard(py, || {
            lock(&self.inner).block_for(now_ms, wait_ms);
            Ok(())
        })
    }
}

/// Parses a key: returns `(kind, redacted)` or raises `InvalidApiKeyError`.
#[pyfunction]
pub fn parse_key(py: Python<'_>, key: &Bound<'_, PyString>) -> PyResult<(&'static str, String)> {
    guard(py, || {
        let key = check(py, text(key, key_not_text))?;
        let k = check(py, autosend::ApiKey::parse(&key))?;
        Ok((k.kind().name(), k.redacted()))
    })
}

/// The endpoint catalog, as a list of dicts.
#[pyfunction]
pub fn describe_catalog(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    guard(py, || to_py(py, &autosend::describe_catalog()))
}

/// Every error kind: `(code, name, category, hint)`.
#[pyfunction]
pub fn error_kinds(py: Python<'_>) -> PyResult<Vec<(u16, &'static str, String, &'static str)>> {
    guard(py, || {
        Ok(autosend::ErrorKind::ALL
            .iter()
            .map(|k| {
                let cat = serde_json::to_value(k.category())
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                (k.code(), k.name(), cat, k.hint())
            })
            .collect())
    })
}

/// An error built by the core (code, category, hint, display) as the dict
/// `autosend.errors._from_native` takes, for a value the Python layer refuses before calling
/// the core: `kind` is a kind name (`validation` uses `field`).
#[pyfunction]
#[pyo3(signature = (kind, message, field=None))]
pub fn local_error<'py>(
    py: Python<'py>,
    kind: &str,
    message: &str,
    field: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    guard(py, || {
        let e = match ErrorKind::from_name(kind) {
            Some(ErrorKind::Validation) => Error::validation(field.unwrap_or("params"), message),
            Some(k) => Error::new(k, message),
            None => Error::new(ErrorKind::Internal, format!("unknown error kind {kind:?}")),
        };
        to_py(py, &e.to_json())
    })
}

/// Verifies a webhook delivery; returns the event dict. `body` is the raw bytes, or a `str`
/// (encoded as UTF-8; one that cannot be, a lone surrogate, is `webhook_malformed`); times are
/// in seconds, checked by the core (NaN, infinite, negative or huge → `validation`).
#[pyfunction]
#[pyo3(signature = (body, headers, secret, now, tolerance=None, future_tolerance=None))]
pub fn verify_webhook<'py>(
    py: Python<'py>,
    body: &Bound<'py, PyAny>,
    headers: &Bound<'py, PyAny>,
    secret: &Bound<'py, PyString>,
    now: f64,
    tolerance: Option<f64>,
    future_tolerance: Option<f64>,
) -> PyResult<Bound<'py, PyAny>> {
    guard(py, || {
        let body: Vec<u8> = match body.cast::<PyString>() {
            Ok(s) => check(
                py,
                crate::convert::text(s, || {
                    Error::new(
                        ErrorKind::WebhookMalformed,
                        "the body is a str that is not valid Unicode (a lone surrogate): pass \
                         the raw bytes exactly as received",
                    )
                }),
            )?
            .into_bytes(),
            Err(_) => body.extract::<Vec<u8>>()?,
        };
        let hs = check(py, crate::convert::headers(headers))?;
        let secret = check(py, secret_text(secret))?;
        let d = autosend::webhook::VerifyOptions::default();
        let ms = |field: &str, v: Option<f64>, default: u64| match v {
            None => Ok(default),
            Some(s) => autosend::limits::seconds_arg_ms(field, s),
        };
        let now_ms = check(py, autosend::limits::seconds_arg_ms("now", now))?;
        let opts = autosend::webhook::VerifyOptions {
            tolerance_past_ms: check(py, ms("tolerance", tolerance, d.tolerance_past_ms))?,
            tolerance_future_ms: check(
                py,
                ms("future_tolerance", future_tolerance, d.tolerance_future_ms),
            )?,
        };
        let ev = check(
            py,
            autosend::webhook::verify(&body, &hs, &secret, now_ms, &opts),
        )?;
        to_py(py, &ev.to_json())
    })
}

/// A time argument in seconds (`ttl`, `now`) as whole ms, checked by the core
/// (`limits::seconds_arg_ms`): NaN, infinities, negative or huge values are a `ValidationError`
/// naming `field`.
#[pyfunction]
pub fn seconds_to_ms(py: Python<'_>, field: &str, seconds: f64) -> PyResult<u64> {
    check(py, autosend::limits::seconds_arg_ms(field, seconds))
}

/// Reads a CA file for `ca_file=` with the core's size limit (`MAX_CA_FILE_BYTES`), so
/// `/dev/zero` or a huge file is an `invalid_config` error naming `ca_file`, not a
/// `MemoryError`.
#[pyfunction]
pub fn read_ca_file<'py>(
    py: Python<'py>,
    path: std::path::PathBuf,
) -> PyResult<Bound<'py, pyo3::types::PyBytes>> {
    guard(py, || {
        let pem = crate::exit::detach(py, || autosend_http::read_ca_file(&path));
        Ok(pyo3::types::PyBytes::new(py, &check(py, pem)?))
    })
}

/// The signature header value for `body` (for tests and local webhook senders).
#[pyfunction]
pub fn sign_webhook(py: Python<'_>, body: &[u8], secret: &Bound<'_, PyString>) -> PyResult<String> {
    guard(py, || {
        let secret = check(py, secret_text(secret))?;
        Ok(autosend::webhook::sign(body, &secret))
    })
}

/// The webhook secret as UTF-8; the encoding error (which holds the secret) is dropped.
fn secret_text(secret: &Bound<'_, PyString>) -> Result<String, autosend::Error> {
    crate::convert::text(secret, || {
        autosend::Error::new(
            autosend::ErrorKind::WebhookInvalidSignature,
            "the webhook secret is not valid UTF-8 text (a lone surrogate?): copy the whsec_… value again",
        )
    })
}

/// Converts a Python value the way calls do (for tests of input handling).
#[pyfunction]
pub fn to_json_text(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<String> {
    guard(py, || {
        let v = check(py, to_json(value, ""))?;
        Ok(v.to_string())
    })
}

/// Panics on purpose: proves the guard turns panics into `InternalError`.
#[pyfunction]
pub fn _debug_panic(py: Python<'_>) -> PyResult<()> {
    guard(py, || {
        let v: Vec<u8> = Vec::new();
        let i = v.len() + 3;
        if i > 0 {
            std::panic::panic_any("deliberate test panic".to_string());
        }
        Ok(())
    })
}
