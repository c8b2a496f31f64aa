//! The I/O clients: `autosend-http` (hyper-util or reqwest, + rustls) with the GIL released while waiting.

use crate::bridge::{CatchUnwind, Finish};
use crate::convert::{text, to_json};
use crate::errors::{check, guard, panic_error, to_pyerr};
use crate::paging::{page_error, Chunker, Pager};
use crate::sansio::{key_not_text, options, response_dict};
use autosend::ClientConfig;
use autosend_http::TlsOptions;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use std::panic::{catch_unwind, AssertUnwindSafe};

fn describe<'py>(py: Python<'py>, c: &ClientConfig) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("key", c.key().redacted())?;
    d.set_item("key_kind", c.key().kind().name())?;
    d.set_item("project_id", c.project_id())?;
    d.set_item("base_url", c.base_url())?;
    d.set_item("timeout_ms", c.timeout_ms())?;
    d.set_item("max_retries", c.max_retries())?;
    d.set_item("user_agent", c.user_agent())?;
    d.set_item("proxy", c.proxy().map(|p| p.redacted()))?;
    Ok(d)
}

/// The shared budget's options (`redis_url` wins over `AUTOSEND_REDIS_URL`); the core checks
/// the values.
fn redis_options(
    o: &mut autosend::ClientOptions,
    redis_url: Option<String>,
    on_redis_error: Option<String>,
) -> Result<(), autosend::Error> {
    if let Some(u) = redis_url {
        o.redis_url = Some(u);
    }
    if let Some(p) = on_redis_error {
        o.on_redis_error = autosend::OnRedisError::parse(&p)?;
    }
    Ok(())
}

macro_rules! client_new {
    ($ty:path, $py:ident, $api_key:ident, $project_id:ident, $base_url:ident, $timeout_ms:ident,
     $max_retries:ident, $retry_non_idempotent:ident, $deadline_ms:ident, $ca_pem:ident, $env:ident, $rate_limits:ident,
     $redis_url:ident, $on_redis_error:ident,
     $encrypt_payloads:ident, $app_info:ident, $proxy:ident) => {{
        let mut o = check(
            $py,
            options(
                $api_key.as_ref(),
                $project_id.as_ref(),
                $base_url.as_ref(),
                $timeout_ms,
                $max_retries,
                $retry_non_idempotent,
                $deadline_ms,
                None,
                None,
                $rate_limits.as_ref(),
                $env,
            ),
        )?;
        o.encrypt_payloads = $encrypt_payloads;
        check($py, redis_options(&mut o, $redis_url, $on_redis_error))?;
        check(
            $py,
            crate::events::user_agent_parts($py, &mut o, $app_info.as_ref()),
        )?;
        o.proxy = $proxy;
        let tls = TlsOptions {
            ca_cert_pem: $ca_pem,
        };
        check($py, <$ty>::new(o, tls))
    }};
}

/// Runs one blocking call with the GIL released, checking for signals (Ctrl-C) every
/// `INTERRUPT_CHECK_MS` while it waits. Returns the call's result and the exception a signal
/// handler raised, if any — during the wait (the call was then abandoned: `aborted`, with
/// `may_have_been_delivered`) or right after it (the result is kept).
fn interruptible(
    py: Python<'_>,
    client: &Backend,
    endpoint: &str,
    params: serde_json::Value,
    opts: &autosend::CallOptions,
) -> (
    Result<autosend::ApiResponse, autosend::Error>,
    Option<PyErr>,
) {
    let client = match client {
        Backend::Native(c) => c,
        // The user's transport runs Python code: the loop holds the GIL except while waiting.
        Backend::Hook(h) => {
            let (result, signal) = h.run(py, endpoint, params, opts);
            let signal = signal.or_else(|| py.check_signals().err());
            return (result, signal);
        }
    };
    let mut signal: Option<PyErr> = None;
    let r = crate::exit::detach(py, || {
        catch_unwind(AssertUnwindSafe(|| {
            let mut check = || {
                crate::exit::attach(|py| match py.check_signals() {
                    Ok(()) => false,
                    Err(e) => {
                        signal = Some(e);
                        true
                    }
                })
                .unwrap_or(false)
            };
            client.call_interruptible_opts(endpoint, params, opts, &mut check)
        }))
    });
    let result = r.unwrap_or_else(|p| Err(panic_error(p.as_ref())));
    let signal = signal.or_else(|| py.check_signals().err());
    (result, signal)
}

/// The exception for a call a signal handler interrupted: `autosend.errors._interrupted`
/// turns a `KeyboardInterrupt` into `autosend.CallInterrupted` (a `KeyboardInterrupt`
/// carrying the call's error, `may_have_been_delivered` and, if the answer had arrived, the
/// response); any other exception from a handler is raised as it is.
fn interrupted(
    py: Python<'_>,
    signal: PyErr,
    e: &autosend::Error,
    response: Option<Bound<'_, PyAny>>,
) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let native = to_pyerr(py, e).into_value(py);
        let module = py.import("autosend.errors")?;
        let exc = module.getattr("_interrupted")?.call1((
            signal.clone_ref(py).into_value(py),
            native,
            response,
        ))?;
        Ok(PyErr::from_value(exc))
    };
    build().unwrap_or(signal)
}

/// What sends a blocking client's requests: the native transport, or the user's callable.
enum Backend {
    Native(autosend_http::blocking::Client),
    Hook(Box<crate::hook::Hook>),
}

impl Backend {
    fn on_event(&self, l: Option<autosend_http::EventListener>) {
        match self {
            Backend::Native(c) => c.on_event(l),
            Backend::Hook(h) => h.on_event(l),
        }
    }

    fn rotate_key(&self, key: &str) -> Result<(), autosend::Error> {
        match self {
            Backend::Native(c) => c.rotate_key(key),
            Backend::Hook(h) => h.rotate_key(key),
        }
    }

    fn config(&self) -> ClientConfig {
        match self {
            Backend::Native(c) => c.config(),
            Backend::Hook(h) => h.config(),
        }
    }
}

/// Blocking client; every call releases the GIL while it waits.
#[pyclass(frozen, module = "autosend._native")]
pub struct Client {
    inner: Backend,
}

#[pymethods]
impl Client {
    #[new]
    #[pyo3(signature = (api_key=None, *, project_id=None, base_url=None, timeout_ms=None,
        max_retries=None, retry_non_idempotent=false, deadline_ms=None, ca_pem=None, env=None,
        rate_limits=None, redis_url=None, on_redis_error=None, encrypt_payloads=false,
        app_info=None, proxy=None, transport=None))]
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
        ca_pem: Option<Vec<u8>>,
        env: Option<Bound<'_, PyAny>>,
        rate_limits: Option<Bound<'_, PyAny>>,
        redis_url: Option<String>,
        on_redis_error: Option<String>,
        encrypt_payloads: bool,
        app_info: Option<Bound<'_, PyAny>>,
        proxy: Option<String>,
        transport: Option<Py<PyAny>>,
    ) -> PyResult<Self> {
        guard(py, || {
            let env = env.as_ref();
            // The blocking client starts its I/O thread: do it without the GIL.
            let inner = {
                let mut o = check(
                    py,
                    options(
                        api_key.as_ref(),
                        project_id.as_ref(),
                        base_url.as_ref(),
                        timeout_ms,
                        max_retries,
                        retry_non_idempotent,
                        deadline_ms,
                        None,
                        None,
                        rate_limits.as_ref(),
                        env,
                    ),
                )?;
                o.encrypt_payloads = encrypt_payloads;
                check(py, redis_options(&mut o, redis_url, on_redis_error))?;
                check(
                    py,
                    crate::events::user_agent_parts(py, &mut o, app_info.as_ref()),
                )?;
                o.proxy = proxy;
                if let Some(t) = transport {
                    let hook = check(py, crate::hook::Hook::new(o, t))?;
                    return Ok(Client {
                        inner: Backend::Hook(Box::new(hook)),
                    });
                }
                let tls = TlsOptions {
                    ca_cert_pem: ca_pem,
                };
                let r = crate::exit::detach(py, move || {
                    catch_unwind(AssertUnwindSafe(|| {
                        autosend_http::blocking::Client::new(o, tls)
                    }))
                });
                match r {
                    Ok(r) => check(py, r)?,
                    Err(p) => return Err(to_pyerr(py, &panic_error(p.as_ref()))),
                }
            };
            Ok(Client {
                inner: Backend::Native(inner),
            })
        })
    }

    /// Sends every call's events to `callback(event_dict)` (None: stop). The Python layer
    /// routes them to `logging.getLogger("autosend")` and the user's `on_event`.
    fn set_on_event(&self, callback: Option<Py<PyAny>>) {
        self.inner.on_event(callback.map(crate::events::listener));
    }

    /// Calls an endpoint; returns `{status, data, request_id, attempts}` or raises.
    /// `encrypt`, `timeout_ms`, `max_retries`: this call's own options (None: the client's).
    #[pyo3(signature = (endpoint, params, encrypt=None, timeout_ms=None, max_retries=None))]
    fn call<'py>(
        &self,
        py: Python<'py>,
        endpoint: String,
        params: &Bound<'py, PyAny>,
        encrypt: Option<bool>,
        timeout_ms: Option<u64>,
        max_retries: Option<u32>,
    ) -> PyResult<Bound<'py, PyDict>> {
        guard(py, || {
            let params = check(py, to_json(params, ""))?;
            let o = autosend::CallOptions {
                encrypt,
                timeout_ms,
                max_retries,
            };
            let (result, signal) = interruptible(py, &self.inner, &endpoint, params, &o);
            match (result, signal) {
                (Ok(resp), None) => response_dict(py, &resp),
                (Err(e), None) => Err(to_pyerr(py, &e)),
                // Ctrl-C after the answer arrived: the result travels with the interruption.
                (Ok(resp), Some(sig)) => {
                    let e = autosend::limits::interrupted_after_answer(resp.status);
                    let data = response_dict(py, &resp)?;
                    Err(interrupted(py, sig, &e, Some(data.into_any())))
                }
                (Err(e), Some(sig)) => Err(interrupted(py, sig, &e, None)),
            }
        })
    }

    /// Fetches the pager's next page (one ordinary call, GIL released) and reads it:
    /// the response fields plus `page` (`{items, page, limit, total, pages, has_more}`), or
    /// None when the list is exhausted. A failed page raises with `page` set on the exception.
    fn fetch_page<'py>(
        &self,
        py: Python<'py>,
        pager: &Bound<'py, Pager>,
    ) -> PyResult<Option<Bound<'py, PyDict>>> {
        guard(py, || {
            let p = pager.get();
            let (id, params, page) = p.next_request();
            let Some(params) = params else {
                return Ok(None);
            };
            let (result, signal) = interruptible(py, &self.inner, id, params, &Default::default());
            if let Some(sig) = signal {
                let e = result
                    .err()
                    .unwrap_or_else(|| autosend::limits::interrupted_after_answer(200));
                return Err(interrupted(py, sig, &e, None));
            }
            p.finish(py, page, result).map(Some)
        })
    }

    /// Sends the chunker's next chunk (one ordinary call, GIL released), records its outcome
    /// and returns the progress `{chunks_done, chunks_total, items_done, items_total}`, or
    /// None when no chunk is left.
    fn bulk_step<'py>(
        &self,
        py: Python<'py>,
        chunker: &Bound<'py, Chunker>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        guard(py, || {
            let c = chunker.get();
            let Some((id, index, params)) = c.take_next() else {
                return Ok(None);
            };
            let (result, signal) = interruptible(py, &self.inner, id, params, &Default::default());
            // The chunk's outcome is recorded first (the report stays exact), then the
            // interruption is raised.
            let e = result.as_ref().err().cloned();
            let progress = c.finish(py, index, result)?;
            match signal {
                None => Ok(Some(progress)),
                Some(sig) => {
                    let e = e.unwrap_or_else(|| autosend::limits::interrupted_after_answer(200));
                    Err(interrupted(py, sig, &e, None))
                }
            }
        })
    }

    /// Key rotation without rebuilding the client.
    fn rotate_key(&self, py: Python<'_>, api_key: &Bound<'_, PyString>) -> PyResult<()> {
        guard(py, || {
            let api_key = check(py, text(api_key, key_not_text))?;
            check(py, self.inner.rotate_key(&api_key))
        })
    }

    /// The configuration, key redacted.
    fn describe<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        guard(py, || describe(py, &self.inner.config()))
    }
}

/// Async client: `call` returns an asyncio awaitable run on the tokio runtime.
#[pyclass(frozen, module = "autosend._native")]
pub struct AsyncClient {
    inner: autosend_http::Client,
}

#[pymethods]
impl AsyncClient {
    #[new]
    #[pyo3(signature = (api_key=None, *, project_id=None, base_url=None, timeout_ms=None,
        max_retries=None, retry_non_idempotent=false, deadline_ms=None, ca_pem=None, env=None,
        rate_limits=None, redis_url=None, on_redis_error=None, encrypt_payloads=false,
        app_info=None, proxy=None))]
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
        ca_pem: Option<Vec<u8>>,
        env: Option<Bound<'_, PyAny>>,
        rate_limits: Option<Bound<'_, PyAny>>,
        redis_url: Option<String>,
        on_redis_error: Option<String>,
        encrypt_payloads: bool,
        app_info: Option<Bound<'_, PyAny>>,
        proxy: Option<String>,
    ) -> PyResult<Self> {
        guard(py, || {
            let env = env.as_ref();
            let inner = client_new!(
                autosend_http::Client,
                py,
                api_key,
                project_id,
                base_url,
                timeout_ms,
                max_retries,
                retry_non_idempotent,
                deadline_ms,
                ca_pem,
                env,
                rate_limits,
                redis_url,
                on_redis_error,
                encrypt_payloads,
                app_info,
                proxy
            )?;
            Ok(AsyncClient { inner })
        })
    }

    /// Sends every call's events to `callback(event_dict)` (None: stop), from the I/O
    /// thread with the GIL.
    fn set_on_event(&self, callback: Option<Py<PyAny>>) {
        self.inner.on_event(callback.map(crate::events::listener));
    }

    /// Calls an endpoint; returns an awaitable of `{status, data, request_id, attempts}`.
    /// `encrypt`, `timeout_ms`, `max_retries`: this call's own options (None: the client's).
    #[pyo3(signature = (endpoint, params, encrypt=None, timeout_ms=None, max_retries=None))]
    fn call<'py>(
        &self,
        py: Python<'py>,
        endpoint: String,
        params: &Bound<'py, PyAny>,
        encrypt: Option<bool>,
        timeout_ms: Option<u64>,
        max_retries: Option<u32>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let params = check(py, to_json(params, ""))?;
            let client = self.inner.clone();
            let o = autosend::CallOptions {
                encrypt,
                timeout_ms,
                max_retries,
            };
            let fut = CatchUnwind {
                inner: Box::pin(async move { client.call_opts(&endpoint, params, &o).await }),
            };
            check(py, crate::runtime::check_open())?;
            crate::bridge::awaitable(py, async move {
                let outcome = fut.await;
                Box::new(move |py: Python<'_>| -> PyResult<Py<PyAny>> {
                    match outcome {
                        Ok(Ok(resp)) => Ok(response_dict(py, &resp)?.into_any().unbind()),
                        Ok(Err(e)) => Err(to_pyerr(py, &e)),
                        Err(p) => Err(to_pyerr(py, &panic_error(p.as_ref()))),
                    }
                }) as Finish
            })
        })
    }

    /// Awaitable of the pager's next page; see `Client.fetch_page`.
    fn fetch_page<'py>(
        &self,
        py: Python<'py>,
        pager: &Bound<'py, Pager>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let (id, params, page) = pager.get().next_request();
            let pager: Py<Pager> = pager.clone().unbind();
            let client = self.inner.clone();
            let fut = CatchUnwind {
                inner: Box::pin(async move {
                    match params {
                        Some(p) => Some(client.call(id, p).await),
                        None => None,
                    }
                }),
            };
            check(py, crate::runtime::check_open())?;
            crate::bridge::awaitable(py, async move {
                let outcome = fut.await;
                Box::new(move |py: Python<'_>| -> PyResult<Py<PyAny>> {
                    match outcome {
                        Ok(None) => Ok(py.None()),
                        Ok(Some(result)) => Ok(pager
                            .bind(py)
                            .get()
                            .finish(py, page, result)?
                            .into_any()
                            .unbind()),
                        Err(p) => Err(page_error(py, &panic_error(p.as_ref()), page)),
                    }
                }) as Finish
            })
        })
    }

    /// Awaitable of one chunk sent and recorded; see `Client.bulk_step`.
    fn bulk_step<'py>(
        &self,
        py: Python<'py>,
        chunker: &Bound<'py, Chunker>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let next = chunker.get().take_next();
            let chunker: Py<Chunker> = chunker.clone().unbind();
            let client = self.inner.clone();
            let fut = CatchUnwind {
                inner: Box::pin(async move {
                    match next {
                        Some((id, index, p)) => Some((index, client.call(id, p).await)),
                        None => None,
                    }
                }),
            };
            check(py, crate::runtime::check_open())?;
            crate::bridge::awaitable(py, async move {
                let outcome = fut.await;
                Box::new(move |py: Python<'_>| -> PyResult<Py<PyAny>> {
                    let c = chunker.bind(py).get();
                    match outcome {
                        Ok(None) => Ok(py.None()),
                        Ok(Some((index, result))) => Ok(c.finish(py, index, result)?.unbind()),
                        // A panic mid-call: the chunk stays handed out, so the report says
                        // may_have_been_delivered; the panic is raised.
                        Err(p) => Err(to_pyerr(py, &panic_error(p.as_ref()))),
                    }
                }) as Finish
            })
        })
    }

    /// Key rotation without rebuilding the client.
    fn rotate_key(&self, py: Python<'_>, api_key: &Bound<'_, PyString>) -> PyResult<()> {
        guard(py, || {
            let api_key = check(py, text(api_key, key_not_text))?;
            check(py, self.inner.rotate_key(&api_key))
        })
    }

    /// The configuration, key redacted.
    fn describe<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        guard(py, || describe(py, &self.inner.config()))
    }
}
