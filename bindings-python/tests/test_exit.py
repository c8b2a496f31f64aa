"""Interpreter exit after using the clients: every process must exit 0, never SIGSEGV/SIGABRT.

Found by the benchmarks: a process that used AsyncAutoSend died at exit in about 1 run in 4
(SIGSEGV, or SIGABRT with "Fatal Python error: PyGILState_Release: thread state ... must be
current when releasing / Python runtime state: finalizing") after all its sends succeeded: the
runtime's threads were still completing awaitables (GIL taken) while CPython finalized. The
crash is a race, so each test runs a bounded number of processes at once; the variants cover
exit with and without close(), with an event callback, with a call still in flight, and the
sync client used from a daemon thread still inside a call.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from typing import Dict, List, Tuple

from conftest import Sandbox

ASYNC_CHILD = """
import asyncio, os, sys
import autosend

VARIANT = sys.argv[1]
MAIL = {"from": {"email": "hello@mail.example.com"}, "to": {"email": "ada@example.com"},
        "subject": "exit", "html": "<p>x</p>"}

async def main():
    c = autosend.AsyncAutoSend(os.environ["T_KEY"], base_url=os.environ["T_URL"],
                               ca_file=os.environ["T_CA"], max_retries=0,
                               rate_limits={"per_second": 100000, "per_minute": 1000000},
                               on_event=(lambda e: None) if VARIANT == "events" else None)
    for _ in range(2):
        await asyncio.gather(*(c.emails.send(MAIL) for _ in range(16)))
    if VARIANT == "inflight":
        # Calls still running when the program ends: asyncio.run cancels them.
        for _ in range(8):
            asyncio.ensure_future(c.emails.send(MAIL))
        await asyncio.sleep(0)
    if VARIANT == "close":
        await c.close()
    print("sent", flush=True)

asyncio.run(main())
"""

SYNC_CHILD = """
import os, sys, threading
import autosend

MAIL = {"from": {"email": "hello@mail.example.com"}, "to": {"email": "ada@example.com"},
        "subject": "exit", "html": "<p>x</p>"}
c = autosend.AutoSend(os.environ["T_KEY"], base_url=os.environ["T_URL"], ca_file=os.environ["T_CA"],
                      max_retries=0, rate_limits={"per_second": 100000, "per_minute": 1000000},
                      on_event=lambda e: None)
for _ in range(4):
    c.emails.send(MAIL)

def loop():
    while True:
        c.emails.send(MAIL)

# Daemon threads still inside calls (GIL released, events arriving) when the program ends.
for _ in range(4):
    threading.Thread(target=loop, daemon=True).start()
print("sent", flush=True)
"""


def run_children(sandbox: Sandbox, code: str, variants: List[str]) -> List[Tuple[str, int, str]]:
    """Runs one process per variant, all at once; returns the ones that did not exit cleanly."""
    env: Dict[str, str] = {
        **os.environ,
        "T_URL": sandbox.url,
        "T_CA": sandbox.ca_file,
        "T_KEY": sandbox.info["keys"]["project"][0]["key"],
    }
    procs = [
        (v, subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), v], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        for v in variants
    ]
    bad = []
    for v, p in procs:
        out, err = p.communicate(timeout=120)
        if p.returncode != 0 or out.strip() != "sent" or "Fatal Python error" in err:
            bad.append((v, p.returncode, err[-400:]))
    return bad


def test_async_client_processes_exit_cleanly(fresh_sandbox: Sandbox) -> None:
    variants = ["close", "plain", "events", "inflight"] * 3
    bad = run_children(fresh_sandbox, ASYNC_CHILD, variants)
    assert not bad, f"{len(bad)} of {len(variants)} processes died at exit: {bad}"


def test_sync_client_processes_exit_cleanly(fresh_sandbox: Sandbox) -> None:
    variants = ["daemon"] * 4
    bad = run_children(fresh_sandbox, SYNC_CHILD, variants)
    assert not bad, f"{len(bad)} of {len(variants)} processes died at exit: {bad}"
