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
use autosend::{ApiResponse, CallOptions, ClientConfig, Error, Request, TransportErrorKind};
use autosend_http::{Answer, Driver, Outcome};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::RwLock;
use std::time::{Duration, Instant};

/// A client whose attempts are sent by a Python callable.
pub struct Hook {
    core: RwLock<autosend::Client>,
    transport: Py<PyAny>,
    driver: Driver,
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
        Ok(Hook {
            core: RwLock::new(core),
            transport,
            driver: Driver::new(),
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
        self.driver.on_event(l);
    }

    /// Switches to a new key; calls already running keep the old one.
    pub fn rotate_key(&self, key: &str) -> Result<(), Error> {
        self.core
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .rotate_key(key)
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
        let mut call = match self.driver.start(&self.core(), endpoint, params, o) {
            Ok(c) => c,
            Err(e) => return (Err(e), None),
        };
        let mut io = PyIo {
            py,
            transport: &self.transport,
            raised: None,
        };
        let r = self.driver.run(&mut call, &mut io);
        (r, io.raised)
    }
}

/// The hook's I/O for the shared call loop ([`Driver::run`]): attempts through the Python
/// callable, waits that check for signals. `raised`: the exception that ended the call (the
/// callable's own, a bug or Ctrl-C; or a signal handler's during a wait).
struct PyIo<'a, 'py> {
    py: Python<'py>,
    transport: &'a Py<PyAny>,
    raised: Option<PyErr>,
}

impl autosend_http::driver::Io for PyIo<'_, '_> {
    fn wait(&mut self, ms: u64) -> bool {
        self.raised = wait(self.py, ms);
        self.raised.is_none()
    }

    // `redis_url` is refused with `transport=`: no Redis connection here, so the budget falls
    // back to the process's own (or fails, as configured).
    fn budget(&mut self, call: &mut autosend::Call, _op: &autosend::BudgetOp) {
        call.handle_budget_error(
            autosend_http::now_ms(),
            "a client with a custom transport has no Redis connection",
        );
    }

    fn send(&mut self, req: Request) -> Option<Result<Answer, Outcome>> {
        match self.call(&req) {
            Ok(r) => Some(r),
            Err(e) => {
                self.raised = Some(e);
                None
            }
        }
    }
}

impl PyIo<'_, '_> {
    /// One attempt through the callable: an answer (one over the size limit is `Oversized`)
    /// or a failure kind; `Err` when the callable raised anything else or returned nonsense.
    fn call(&self, req: &Request) -> PyResult<Result<Answer, Outcome>> {
        let py = self.py;
        let d = request_dict(py, req)?;
        let r = self.transport.call1(py, (d,))?.into_bound(py);
        if let Ok(kind) = r.cast::<PyString>() {
            let kind = kind.to_cow()?;
            return TransportErrorKind::from_name(&kind)
                .map(|k| Err(Outcome::Transport(k)))
                .ok_or_else(bad_return);
        }
        let (status, headers, body): (u16, Bound<'_, PyAny>, Vec<u8>) =
            r.extract().map_err(|_| bad_return())?;
        let headers = crate::convert::headers(&headers).map_err(|_| bad_return())?;
        if body.len() > autosend::MAX_RESPONSE_BYTES {
            return Ok(Err(Outcome::Oversized(status, headers)));
        }
        Ok(Ok((status, headers, body)))
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
