//! Completing asyncio awaitables from the runtime's threads without their taking the GIL.
//!
//! A call made on an event loop returns one of the loop's own futures (`create_future`); the
//! work runs as a task on the runtime ([`crate::runtime`]). When it ends, the task does not
//! enter Python: it puts a [`Finish`] (the outcome, not yet a Python object) on its loop's
//! queue and, if the queue was empty, writes one byte to a socket the loop watches
//! (`add_reader`). The loop's thread, which holds the GIL anyway, then builds the results of
//! everything queued and sets them ([`Drain`]): one wake-up per batch, no thread waiting for
//! the GIL (a runtime thread that did would stall every other call on it until the loop let
//! go, up to the interpreter's switch interval), no hop to another thread per completion.
//!
//! Cancelling the awaitable aborts the task (a done callback). A loop without `add_reader`
//! (or without weak references) gets pyo3-async-runtimes' bridge instead
//! ([`crate::runtime::future_into_py`]), as before.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyWeakrefMethods, PyWeakrefReference};
use std::future::Future;
use std::io::{Read, Write};
use std::os::unix::io::AsRawFd;
use std::os::unix::net::UnixStream;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

/// What a finished task hands to its loop: builds the awaitable's result (or exception)
/// with the GIL, on the loop's thread.
pub type Finish = Box<dyn FnOnce(Python<'_>) -> PyResult<Py<PyAny>> + Send>;

/// One finished task: the loop's future and how to complete it.
struct Done {
    fut: Py<PyAny>,
    finish: Finish,
}

/// The finished tasks of one event loop, and the socket pair that wakes it.
struct Queue {
    /// The process that made it (a forked child makes its own).
    pid: u32,
    pending: Mutex<Pending>,
    /// Read end, watched by the loop (both ends live as long as the queue: a late write
    /// never meets a closed socket).
    rx: UnixStream,
    tx: UnixStream,
}

struct Pending {
    items: Vec<Done>,
    /// A byte was written and not yet drained: further pushes need not write.
    signalled: bool,
}

impl Queue {
    fn new() -> std::io::Result<Queue> {
        let (rx, tx) = UnixStream::pair()?;
        rx.set_nonblocking(true)?;
        tx.set_nonblocking(true)?;
        Ok(Queue {
            pid: std::process::id(),
            pending: Mutex::new(Pending {
                items: Vec::new(),
                signalled: false,
            }),
            rx,
            tx,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// From any thread, without the GIL.
    fn push(&self, done: Done) {
        let wake = {
            let mut p = self.lock();
            p.items.push(done);
            !std::mem::replace(&mut p.signalled, true)
        };
        if wake {
            // Never blocks (at most one byte is unread); nothing to do if it fails.
            let _ = (&self.tx).write(&[1]);
        }
    }

    /// Empties the socket, then takes what is queued. A push after the take writes again.
    fn take(&self) -> Vec<Done> {
        let mut buf = [0u8; 64];
        while matches!((&self.rx).read(&mut buf), Ok(n) if n > 0) {}
        let mut p = self.lock();
        p.signalled = false;
        std::mem::take(&mut p.items)
    }
}

/// The loop's reader callback: completes every queued awaitable.
#[pyclass(frozen)]
struct Drain(Arc<Queue>);

#[pymethods]
impl Drain {
    fn __call__(&self, py: Python<'_>) {
        if self.0.pid != std::process::id() {
            return;
        }
        for done in self.0.take() {
            complete(py, done);
        }
    }
}

/// Sets one awaitable's result. The outcome is always built (a chunk's `finish` records it),
/// then dropped if the awaitable was cancelled meanwhile. Nothing escapes: a failure lands on
/// the awaitable, or is dropped with it.
fn complete(py: Python<'_>, done: Done) {
    let Done { fut, finish } = done;
    let result = catch_unwind(AssertUnwindSafe(|| finish(py))).unwrap_or_else(|p| {
        Err(crate::errors::to_pyerr(
            py,
            &crate::errors::panic_error(p.as_ref()),
        ))
    });
    let fut = fut.bind(py);
    let cancelled = fut
        .call_method0(intern!(py, "cancelled"))
        .and_then(|c| c.is_truthy())
        .unwrap_or(true);
    if cancelled {
        return;
    }
    let set = match result {
        Ok(v) => fut.call_method1(intern!(py, "set_result"), (v,)),
        Err(e) => fut.call_method1(intern!(py, "set_exception"), (e.into_value(py),)),
    };
    if let Err(e) = set {
        e.write_unraisable(py, Some(fut));
    }
}

/// Done callback of an awaitable: aborts its task (a no-op once the task has ended, which it
/// has whenever the awaitable completed normally).
#[pyclass(frozen)]
struct Abort(tokio::task::AbortHandle);

#[pymethods]
impl Abort {
    fn __call__(&self, _fut: &Bound<'_, PyAny>) {
        self.0.abort();
    }
}

/// The last loop seen (weakly) and its queue: the common case of one loop needs no lookup.
static LAST: Mutex<Option<(Py<PyWeakrefReference>, Arc<Queue>)>> = Mutex::new(None);
/// `weakref.WeakKeyDictionary` of loop → [`Drain`], for programs with several loops.
static LOOPS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The running loop and its queue; the queue is `None` when the loop cannot watch a socket.
fn loop_queue<'py>(py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, Option<Arc<Queue>>)> {
    let ev = GET_RUNNING_LOOP
        .import(py, "asyncio", "get_running_loop")?
        .call0()?;
    let pid = std::process::id();
    {
        let last = LAST.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((weak, q)) = last.as_ref() {
            if q.pid == pid && weak.bind(py).upgrade().is_some_and(|l| l.is(&ev)) {
                return Ok((ev, Some(q.clone())));
            }
        }
    }
    let q = match register(py, &ev) {
        Ok(q) => q,
        // No add_reader (a proactor loop) or no weak references: the generic bridge.
        Err(_) => return Ok((ev, None)),
    };
    if let Ok(weak) = PyWeakrefReference::new(&ev) {
        *LAST.lock().unwrap_or_else(|e| e.into_inner()) = Some((weak.unbind(), q.clone()));
    }
    Ok((ev, Some(q)))
}

/// This loop's queue, made and watched on first use.
fn register(py: Python<'_>, ev: &Bound<'_, PyAny>) -> PyResult<Arc<Queue>> {
    let loops = LOOPS
        .get_or_try_init(py, || {
            py.import("weakref")?
                .getattr("WeakKeyDictionary")?
                .call0()
                .map(Bound::unbind)
        })?
        .bind(py);
    if let Ok(d) = loops.call_method1("get", (ev,))?.cast::<Drain>() {
        let old = d.get().0.clone();
        if old.pid == std::process::id() {
            return Ok(old);
        }
        // Forked with this loop: stop watching the parent's socket.
        let _ = ev.call_method1("remove_reader", (old.rx.as_raw_fd(),));
    }
    let q = Arc::new(Queue::new().map_err(|e| {
        pyo3::exceptions::PyOSError::new_err(format!("cannot make the loop's wake-up socket: {e}"))
    })?);
    let drain = Bound::new(py, Drain(q.clone()))?;
    // The weak key first: a loop without weak references never gets a reader.
    loops.set_item(ev, &drain)?;
    if let Err(e) = ev.call_method1("add_reader", (q.rx.as_raw_fd(), &drain)) {
        let _ = loops.del_item(ev);
        return Err(e);
    }
    Ok(q)
}

/// Runs `work` on the runtime and returns an awaitable of its outcome, completed on the
/// running loop's thread. Fails when no loop is running or the runtime cannot run tasks.
pub fn awaitable<'py, F>(py: Python<'py>, work: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = Finish> + Send + 'static,
{
    let (ev, queue) = loop_queue(py)?;
    let Some(queue) = queue else {
        return crate::runtime::future_into_py(py, async move {
            let finish = work.await;
            crate::exit::attach(finish).unwrap_or_else(|| Err(crate::runtime::exiting()))
        });
    };
    let fut = ev.call_method0(intern!(py, "create_future"))?;
    let target = fut.clone().unbind();
    let task = crate::runtime::spawn(async move {
        let finish = match (CatchUnwind {
            inner: Box::pin(work),
        })
        .await
        {
            Ok(f) => f,
            Err(p) => {
                let e = crate::errors::panic_error(p.as_ref());
                Box::new(move |py: Python<'_>| Err(crate::errors::to_pyerr(py, &e))) as Finish
            }
        };
        queue.push(Done {
            fut: target,
            finish,
        });
    })
    .ok_or_else(|| crate::errors::to_pyerr(py, &crate::runtime::closed_error()))?;
    fut.call_method1(
        intern!(py, "add_done_callback"),
        (Abort(task.abort_handle()),),
    )?;
    Ok(fut)
}

/// Turns a panic while polling the inner future into an `Err` with its payload.
pub struct CatchUnwind<F: ?Sized> {
    /// The future polled.
    pub inner: Pin<Box<F>>,
}

impl<F: Future + ?Sized> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Box<dyn std::any::Any + Send>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.inner.as_mut();
        match catch_unwind(AssertUnwindSafe(move || inner.poll(cx))) {
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(p) => Poll::Ready(Err(p)),
        }
    }
}
