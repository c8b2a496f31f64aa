"""Interpreter exit with the async client: let the runtime's threads leave Python first.

The async client's awaitables are completed by threads of the native runtime, which take the
GIL for a moment to hand the result to the event loop (`loop.call_soon_threadsafe`). That hand
over runs Python code, so the interpreter can switch to the main thread in the middle of it;
if the main thread then reaches the end of the program, CPython starts finalizing while the
runtime thread still holds a thread state, and the process dies at exit (SIGSEGV, or
"PyGILState_Release: thread state must be current" and SIGABRT) although every call
succeeded. The `atexit` hook below runs before finalization starts: it gives the GIL back
until no thread unknown to `threading` is inside Python code any more (bounded, 2 s).
"""

from __future__ import annotations

import atexit
import sys
import threading
import time

_installed = False
_LIMIT_S = 2.0


def _foreign_threads_in_python() -> bool:
    known = {t.ident for t in threading.enumerate() if not isinstance(t, threading._DummyThread)}
    return any(ident not in known for ident in sys._current_frames())


def wait_for_native_threads(limit_s: float = _LIMIT_S) -> bool:
    """Waits (GIL released) until no native runtime thread runs Python code; False on timeout."""
    deadline = time.monotonic() + limit_s
    while _foreign_threads_in_python():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.001)
    return True


def install() -> None:
    """Registers the exit hook once (called when the first async client is created)."""
    global _installed
    if not _installed:
        _installed = True
        atexit.register(wait_for_native_threads)
