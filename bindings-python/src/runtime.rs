//! The async client's tokio runtime, owned here (not pyo3-async-runtimes' global one) so that
//! it can be shut down before the interpreter finalizes ([`shutdown`], from the exit hook of
//! [`crate::exit`]): its threads enter Python to call `on_event` (and, on a loop that cannot
//! watch a socket, to complete awaitables: pyo3-async-runtimes' bridge), and must not once
//! finalization may have started; they do so through [`crate::exit::attach`]. Awaitables are
//! normally completed on their loop's own thread ([`crate::bridge`]).

use pyo3::prelude::*;
use pyo3_async_runtimes::generic::{ContextExt, JoinError, Runtime};
use pyo3_async_runtimes::TaskLocals;
use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

/// How long [`shutdown`] waits for the threads to stop.
const SHUTDOWN_LIMIT: Duration = Duration::from_secs(2);

struct State {
    rt: Option<tokio::runtime::Runtime>,
    /// The process that built `rt` (a forked child has none of its threads: it builds anew).
    pid: u32,
}

static STATE: Mutex<State> = Mutex::new(State { rt: None, pid: 0 });
/// Set once by [`shutdown`]: no new work.
static CLOSED: AtomicBool = AtomicBool::new(false);

fn is_closed() -> bool {
    CLOSED.load(Ordering::Acquire)
}

/// Fails when no task can run (the runtime was shut down at interpreter exit, or could not
/// start): an awaitable would never complete.
pub fn check_open() -> Result<(), autosend::Error> {
    match handle() {
        Some(_) => Ok(()),
        None => Err(closed_error()),
    }
}

/// Why no task can run.
pub fn closed_error() -> autosend::Error {
    autosend::Error::new(
        autosend::ErrorKind::Internal,
        "the async client cannot run: its runtime was shut down at interpreter exit (or could \
         not start); make calls before the program ends",
    )
}

/// Spawns `fut` on the runtime; `None` when it cannot run tasks (see [`check_open`]).
pub fn spawn<F>(fut: F) -> Option<tokio::task::JoinHandle<()>>
where
    F: Future<Output = ()> + Send + 'static,
{
    handle().map(|h| h.spawn(fut))
}

/// A handle of the runtime, built on first use; `None` after [`shutdown`] or when the
/// runtime cannot start.
fn handle() -> Option<tokio::runtime::Handle> {
    let mut s = STATE.lock().unwrap_or_else(|e| e.into_inner());
    if is_closed() {
        return None;
    }
    let pid = std::process::id();
    if s.pid != pid {
        // After fork() the parent's threads are gone: its runtime cannot be dropped (that
        // would wait for them) and is left behind.
        std::mem::forget(s.rt.take());
        s.pid = pid;
    }
    if s.rt.is_none() {
        // Threads with SIGPIPE blocked, like the blocking client's.
        s.rt = autosend_http::runtime_builder()
            .thread_name("autosend-async")
            .build()
            .ok();
    }
    s.rt.as_ref().map(|rt| rt.handle().clone())
}

/// Shuts the runtime down: no new work, every task not finished is dropped (its Python
/// objects go to pyo3's deferred pool, no GIL needed) and the threads are joined (bounded).
/// Idempotent.
pub fn shutdown(py: Python<'_>) {
    let rt = {
        let mut s = STATE.lock().unwrap_or_else(|e| e.into_inner());
        CLOSED.store(true, Ordering::Release);
        if s.pid == std::process::id() {
            s.rt.take()
        } else {
            std::mem::forget(s.rt.take());
            None
        }
    };
    if let Some(rt) = rt {
        // Without the GIL, so that a thread waiting for it can finish and leave.
        py.detach(move || rt.shutdown_timeout(SHUTDOWN_LIMIT));
    }
}

/// Runs `fut` on the runtime; returns its asyncio awaitable (pyo3-async-runtimes' bridge).
pub fn future_into_py<F, T>(py: Python<'_>, fut: F) -> PyResult<Bound<'_, PyAny>>
where
    F: Future<Output = PyResult<T>> + Send + 'static,
    T: for<'py> IntoPyObject<'py> + Send + 'static,
{
    pyo3_async_runtimes::generic::future_into_py::<Tokio, F, T>(py, fut)
}

/// The result of a call that finished after the interpreter began to exit (nobody awaits it;
/// made without the GIL).
pub fn exiting() -> PyErr {
    pyo3::exceptions::PyRuntimeError::new_err("the interpreter is exiting")
}

/// The runtime as pyo3-async-runtimes sees it (`generic::future_into_py::<Tokio, _, _>`).
pub struct Tokio;

/// A spawned task, or nothing when the runtime is shut down.
pub struct Handle(Option<tokio::task::JoinHandle<()>>);

/// Why a task did not finish: its panic, or the runtime was shut down.
pub struct Failed(Option<tokio::task::JoinError>);

impl JoinError for Failed {
    fn is_panic(&self) -> bool {
        self.0.as_ref().is_some_and(|e| e.is_panic())
    }
    fn into_panic(self) -> Box<dyn Any + Send + 'static> {
        match self.0 {
            Some(e) => e.into_panic(),
            None => Box::new("the runtime was shut down"),
        }
    }
}

impl Future for Handle {
    type Output = Result<(), Failed>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.0.as_mut() {
            None => Poll::Ready(Err(Failed(None))),
            Some(h) => Pin::new(h).poll(cx).map_err(|e| Failed(Some(e))),
        }
    }
}

impl Runtime for Tokio {
    type JoinError = Failed;
    type JoinHandle = Handle;

    fn spawn<F>(fut: F) -> Handle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        Handle(handle().map(|h| h.spawn(fut)))
    }

    fn spawn_blocking<F>(f: F) -> Handle
    where
        F: FnOnce() + Send + 'static,
    {
        // The completions that enter Python run here. One that would start after the exit
        // hook ran is dropped instead (nobody awaits it any more).
        Handle(handle().map(|h| {
            h.spawn_blocking(move || {
                crate::exit::attach(|_| f());
            })
        }))
    }
}

tokio::task_local! {
    static TASK_LOCALS: OnceLock<TaskLocals>;
}

impl ContextExt for Tokio {
    fn scope<F, R>(locals: TaskLocals, fut: F) -> Pin<Box<dyn Future<Output = R> + Send>>
    where
        F: Future<Output = R> + Send + 'static,
    {
        let cell = OnceLock::new();
        let _ = cell.set(locals);
        Box::pin(TASK_LOCALS.scope(cell, fut))
    }

    fn get_task_locals() -> Option<TaskLocals> {
        TASK_LOCALS
            .try_with(|c| c.get().cloned())
            .unwrap_or_default()
    }
}
