//! Interpreter exit: no thread enters Python once it may be finalizing.
//!
//! A thread that takes the GIL while CPython finalizes (before 3.14) is ended with
//! `pthread_exit` in the middle of Rust frames, and the process dies at exit (SIGSEGV, or
//! SIGABRT with "PyGILState_Release: thread state … must be current when releasing") although
//! every call succeeded. Such threads are the async runtime's (completing awaitables, calling
//! `on_event`), the blocking client's I/O thread (`on_event`), and Python daemon threads that
//! are inside a call (GIL released) when the program ends.
//!
//! [`at_exit`] runs from an `atexit` hook, registered when the package is imported (hooks run
//! before finalization starts, after the non-daemon threads were joined). From then on
//! [`attach`] skips its work on every thread but the exiting one, and a thread leaving a
//! [`detach`] section hangs for good instead of taking the GIL back (what CPython 3.14 does
//! itself; the process is about to end). The hook waits, with the GIL released, until the
//! threads already on their way in are back out, then shuts the async runtime down.

use pyo3::prelude::*;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::OnceLock;
use std::thread::ThreadId;
use std::time::{Duration, Instant};

/// How long the hook waits for threads to leave Python (a callback of the user's that never
/// returns must not hang the exit).
const LIMIT: Duration = Duration::from_secs(2);

static EXITING: AtomicBool = AtomicBool::new(false);
/// Threads between "may enter Python" and "entered, or gave up".
static ENTERING: AtomicUsize = AtomicUsize::new(0);
/// The thread that runs the exit hook (and then finalizes): it alone goes on after it.
static EXITER: OnceLock<ThreadId> = OnceLock::new();

/// True once the exit hook ran, on any thread but the one that ran it.
fn barred() -> bool {
    EXITING.load(SeqCst) && EXITER.get() != Some(&std::thread::current().id())
}

/// Counts the calling thread in, unless it is barred (then `false`).
fn come_in() -> bool {
    ENTERING.fetch_add(1, SeqCst);
    if barred() {
        ENTERING.fetch_sub(1, SeqCst);
        return false;
    }
    true
}

/// `Python::attach(f)` for a thread that may run while the interpreter exits; `None` (and
/// `f` not run) once the exit hook ran.
pub fn attach<R>(f: impl FnOnce(Python<'_>) -> R) -> Option<R> {
    if !come_in() {
        return None;
    }
    let r = Python::attach(f);
    ENTERING.fetch_sub(1, SeqCst);
    Some(r)
}

/// `py.detach(f)` for work a Python daemon thread may still be doing when the program ends:
/// if the exit hook ran meanwhile, the thread never takes the GIL back (it hangs until the
/// process ends).
pub fn detach<T, F>(py: Python<'_>, f: F) -> T
where
    F: Send + FnOnce() -> T,
    T: Send,
{
    let r = py.detach(move || {
        let r = f();
        while !come_in() {
            std::thread::park();
        }
        r
    });
    ENTERING.fetch_sub(1, SeqCst);
    r
}

/// The exit hook (see the module's documentation). Idempotent.
#[pyfunction]
pub fn at_exit(py: Python<'_>) {
    let _ = EXITER.set(std::thread::current().id());
    EXITING.store(true, SeqCst);
    py.detach(|| {
        let end = Instant::now() + LIMIT;
        while ENTERING.load(SeqCst) > 0 && Instant::now() < end {
            std::thread::sleep(Duration::from_millis(1));
        }
    });
    crate::runtime::shutdown(py);
}
