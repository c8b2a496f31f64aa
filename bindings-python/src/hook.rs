//! `AutoSend(transport=...)`: the user's own HTTP function sends each attempt, while the
//! core's call loop (the same `autosend::Call` the native transport drives) keeps deciding
//! everything else: headers and key, rate-limit waits (the process-wide budget of the key,
//! shared with the native clients), retries, deadline, errors, events.
//!
//! The Python layer (`autosend._transport`) wraps the user's function; the wrapper takes the
//! request dict and returns `(status, [(name, value)], body)`, or a transport failure kind
//! (`connect`, `timeout`, `connection_lost`). Any other exception it raises ends the call
//! (`cancel`, `may_have_been_delivered`) and is raised to the caller unchanged.

use crate::errors::panic_error;
use autosend::{ApiResponse, CallOptions, ClientConfig, Error, Poll, Request, TransportErrorKind};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;
use std::time::{Duration, Instant};

/// A client whose attempts are sent by a Python callable.
pub struct Hook {
    core: RwLock<autosend::Client>,
    transport: Py<PyAny>,
    events: RwLock<Option<autosend_http::EventListener>>,
    seed: AtomicU64,
}

/// The request of one attempt as the dict the Python wrapper takes (the same fields as the
/// sans-IO `Call.poll`).
pub fn request_dict<'py>(py: Python<'py>, req: &Request) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("endpoint", req.endpoint)?;
    d.set_item("method", req.method.as_str())?;
    d.set_item("url", &req.url)?;
    let hs = PyList::empty(py);
    for (k, v) in &req.headers {
        hs.append((k, v))?;
    }
    d.set_item("headers", hs)?;
    match &req.body {
        Some(b) => d.set_item("body", PyBytes::new(py, b))?,
        None => d.set_item("body", py.None())?,
    }
    d.set_item("timeout_ms", req.timeout_ms)?;
    d.set_item("attempt", req.attempt)?;
    Ok(d)
}

/// What one attempt through the callable came to.
enum Sent {
    Answer(u16, Vec<(String, String)>, Vec<u8>),
    Failed(TransportErrorKind),
    /// The callable raised something else (a bug, Ctrl-C): the call ends with it.
    Raised(PyErr),
}

fn bad_return() -> PyErr {
    pyo3::exceptions::PyTypeError::new_err(
        "transport: the wrapper must return (status, headers, body) or a failure kind",
    )
}

impl Hook {
    /// A core client on the process clock (the key's budget is shared with the native
    /// clients of this process) and the wrapped callable.
    pub fn new(options: autosend::ClientOptions, transport: Py<PyAny>) -> Result<Hook, Error> {
        let core = autosend::Client::new(options)?;
        let mut h = RandomState::new().build_hasher();
        h.write_u64(0x7a11);
        Ok(Hook {
            core: RwLock::new(core),
            transport,
            events: RwLock::new(None),
            seed: AtomicU64::new(h.finish()),
        })
    }

    /// The current configuration.
    pub fn config(&self) -> ClientConfig {
        self.core().config().clone()
    }

    fn core(&self) -> autosend::Client {
        self.core.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Where the calls' events go (`None`: nowhere; nothing is recorded then).
    pub fn on_event(&self, l: Option<autosend_http::EventListener>) {
        *self.events.write().unwrap_or_else(|p| p.into_inner()) = l;
    }

    /// Switches to a new key; calls already running keep the old one.
    pub fn rotate_key(&self, key: &str) -> Result<(), Error> {
        self.core
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .rotate_key(key)
    }

    fn drain(&self, call: &mut autosend::Call) {
        if !call.records_events() {
            return;
        }
        let l = self
            .events
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        while let Some(e) = call.poll_event() {
            if let Some(l) = &l {
                l(&e);
            }
        }
    }

    fn send(&self, py: Python<'_>, req: &Request) -> Sent {
        let out = (|| -> PyResult<Sent> {
            let d = request_dict(py, req)?;
            let r = match self.transport.call1(py, (d,)) {
                Ok(r) => r.into_bound(py),
                Err(e) => return Ok(Sent::Raised(e)),
            };
            if let Ok(kind) = r.cast::<PyString>() {
                let kind = kind.to_cow()?;
                return TransportErrorKind::from_name(&kind)
                    .map(Sent::Failed)
                    .ok_or_else(bad_return);
            }
            let (status, headers, body): (u16, Bound<'_, PyAny>, Vec<u8>) =
                r.extract().map_err(|_| bad_return())?;
            let headers = crate::convert::headers(&headers).map_err(|_| bad_return())?;
            Ok(Sent::Answer(status, headers, body))
        })();
        out.unwrap_or_else(Sent::Raised)
    }

    /// Runs one call: returns its result and the exception that ended it early, if any (the
    /// callable's own, or a signal handler's during a wait). With an exception the result is
    /// the core's `aborted` error for the call (`may_have_been_delivered` when a request may
    /// have left).
    pub fn run(
        &self,
        py: Python<'_>,
        endpoint: &str,
        params: serde_json::Value,
        o: &CallOptions,
    ) -> (Result<ApiResponse, Error>, Option<PyErr>) {
        let r = catch_unwind(AssertUnwindSafe(|| self.run_inner(py, endpoint, params, o)));
        r.unwrap_or_else(|p| (Err(panic_error(p.as_ref())), None))
    }

    fn run_inner(
        &self,
        py: Python<'_>,
        endpoint: &str,
        params: serde_json::Value,
        o: &CallOptions,
    ) -> (Result<ApiResponse, Error>, Option<PyErr>) {
        let now = autosend_http::now_ms;
        let seed = self
            .seed
            .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
        let mut call = match self.core().call_opts(endpoint, params, seed, o) {
            Ok(c) => c,
            Err(e) => return (Err(e), None),
        };
        let listening = self
            .events
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .is_some();
        call.record_events(listening);
        if let Err(e) = autosend_http::fill_entropy(&mut call) {
            return (Err(e), None);
        }
        loop {
            let step = call.poll(now());
            self.drain(&mut call);
            match step {
                Poll::Done(r) => return (r, None),
                Poll::Wait(ms) => {
                    if let Some(sig) = wait(py, ms) {
                        let e = call.cancel(now(), false);
                        self.drain(&mut call);
                        return (Err(e), Some(sig));
                    }
                }
                // `redis_url` is refused with `transport=`: no Redis connection here, so the
                // budget falls back to the process's own (or fails, as configured).
                Poll::Budget(_) => call.handle_budget_error(
                    now(),
                    "a client with a custom transport has no Redis connection",
                ),
                Poll::Send(req) => match self.send(py, &req) {
                    Sent::Answer(status, headers, body) => {
                        if body.len() > autosend::MAX_RESPONSE_BYTES {
                            call.handle_oversized_response(now(), status, &headers)
                        } else {
                            call.handle_response(now(), status, &headers, &body)
                        }
                    }
                    Sent::Failed(kind) => call.handle_transport_error(now(), kind),
                    Sent::Raised(err) => {
                        let e = call.cancel(now(), true);
                        self.drain(&mut call);
                        return (Err(e), Some(err));
                    }
                },
            }
        }
    }
}

/// Sleeps `ms` without the GIL, checking for signals (Ctrl-C) every `INTERRUPT_CHECK_MS`;
/// the exception a signal handler raised, if any.
fn wait(py: Python<'_>, ms: u64) -> Option<PyErr> {
    let end = Instant::now() + Duration::from_millis(ms);
    loop {
        let now = Instant::now();
        if now >= end {
            return None;
        }
        let slice = (end - now).min(Duration::from_millis(autosend::INTERRUPT_CHECK_MS));
        crate::exit::detach(py, || std::thread::sleep(slice));
        if let Err(e) = py.check_signals() {
            return Some(e);
        }
    }
}
