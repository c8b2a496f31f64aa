"""Interpreter exit: the native threads stop entering Python before CPython finalizes.

Threads of the native layer enter Python: the async runtime's (completing awaitables, calling
``on_event``), the sync client's I/O thread (``on_event``), and daemon threads of the program
that are inside a call (GIL released) when it ends. One that takes the GIL while CPython
finalizes is killed in the middle of Rust code and the process dies at exit (SIGSEGV, or
SIGABRT with "PyGILState_Release: thread state ... must be current"), although every call
succeeded. ``atexit`` hooks run before finalization starts: this one (registered when the
package is imported, so it runs after the program's own hooks) waits, GIL released and at most
2 s, for the threads on their way into Python, bars the others (a daemon thread returning from
a call then waits for the end of the process, as CPython 3.14 does itself), and shuts the
async runtime down. See ``src/exit.rs``.
"""

from __future__ import annotations

import atexit

from . import _native

atexit.register(_native.at_exit)
