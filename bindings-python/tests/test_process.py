"""Issue 14 at the process level: SIGPIPE, fork, Ctrl-C, stalled TLS handshakes, oversized
answers, and typed errors for hostile arguments. Scripts that need their own process (signal
dispositions, fork, SIGINT) run in a subprocess of this interpreter."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from typing import Any, Dict, Iterator, List

import pytest

import autosend
from conftest import Sandbox

MAIL: Dict[str, Any] = {
    "from": {"email": "hello@mail.example.com"},
    "to": {"email": "ada@example.com"},
    "subject": "process test",
    "html": "<p>hi</p>",
}


def run_script(code: str, env: Dict[str, str], timeout: float = 60) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def sandbox_env(sandbox: Sandbox, key: str) -> Dict[str, str]:
    return {"T_URL": sandbox.url, "T_CA": sandbox.ca_file, "T_KEY": key}


def subjects(sandbox: Sandbox, subject: str) -> int:
    return sum(1 for m in sandbox.admin("GET", "/_sandbox/messages") if m.get("subject") == subject)


# --- 1. SIGPIPE ---------------------------------------------------------------------------------

SIGPIPE_SCRIPT = """
import json, os, signal, sys
signal.signal(signal.SIGPIPE, signal.SIG_DFL)   # as many CLIs do: a SIGPIPE now kills the process
import autosend
c = autosend.AutoSend(os.environ["T_KEY"], base_url=os.environ["T_URL"], ca_file=os.environ["T_CA"], max_retries=0)
mail = {"from": {"email": "hello@mail.example.com"}, "to": {"email": "ada@example.com"},
        "subject": os.environ["T_SUBJECT"], "html": "x" * (4 << 20)}
try:
    if os.environ["T_WHAT"] == "send":
        c.emails.send(mail)
    else:
        c.templates.list()
    print(json.dumps({"ok": True}))
except autosend.AutoSendError as e:
    print(json.dumps({"kind": e.kind, "code": e.code, "mhbd": e.may_have_been_delivered}))
"""


@pytest.mark.parametrize("when", ["before", "after"])
@pytest.mark.parametrize("what", ["send", "get"])
def test_sigpipe_default_disposition_survives_a_reset(sandbox: Sandbox, new_key: Any, when: str, what: str) -> None:
    path = "/v1/mails/send" if what == "send" else "/v1/templates"
    sandbox.admin("POST", "/_sandbox/faults", {"path": path, "fault": {"reset": when}})
    try:
        env = {**sandbox_env(sandbox, new_key()["key"]), "T_WHAT": what, "T_SUBJECT": f"sigpipe-{what}-{when}"}
        r = run_script(SIGPIPE_SCRIPT, env)
    finally:
        sandbox.admin("DELETE", "/_sandbox/faults")
    assert r.returncode == 0, f"killed by signal {-r.returncode}: {r.stderr[-2000:]}"
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["kind"] == "connection_lost" and out["code"] == 302, out
    if what == "send":
        assert out["mhbd"] is True


# --- 2. fork ------------------------------------------------------------------------------------


def test_os_fork_child_uses_the_parent_client(sandbox: Sandbox, new_key: Any) -> None:
    client = autosend.AutoSend(new_key()["key"], base_url=sandbox.url, ca_file=sandbox.ca_file, max_retries=0, timeout=5)
    client.templates.list()  # the parent's I/O thread and connection pool are in use
    subject = f"fork-{time.monotonic_ns()}"
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.close(r)
        try:
            client.emails.send({**MAIL, "subject": subject})
            msg = {"ok": True}
        except autosend.AutoSendError as e:
            msg = {"kind": e.kind, "mhbd": e.may_have_been_delivered}
        except BaseException as e:  # noqa: BLE001
            msg = {"error": repr(e)}
        os.write(w, json.dumps(msg).encode())
        os._exit(0)
    os.close(w)
    with os.fdopen(r) as f:
        got = json.loads(f.read() or "{}")
    os.waitpid(pid, 0)
    assert got == {"ok": True}, got
    assert subjects(sandbox, subject) == 1
    # The parent's client is untouched (after a second: the child's send counted on the
    # server, not in the parent's copy of the budget).
    time.sleep(1.1)
    client.templates.list()


def _mp_send(url: str, ca: str, key: str, subject: str, q: Any, client: Any) -> None:
    try:
        client.emails.send({**MAIL, "subject": subject})
        q.put({"ok": True})
    except autosend.AutoSendError as e:
        q.put({"kind": e.kind, "mhbd": e.may_have_been_delivered})


def test_multiprocessing_fork_children(sandbox: Sandbox, new_key: Any) -> None:
    key = new_key()["key"]
    client = autosend.AutoSend(key, base_url=sandbox.url, ca_file=sandbox.ca_file, max_retries=0, timeout=5)
    client.templates.list()
    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    subject = f"mp-fork-{time.monotonic_ns()}"
    procs = [ctx.Process(target=_mp_send, args=(sandbox.url, sandbox.ca_file, key, f"{subject}-{i}", q, client)) for i in range(2)]
    for p in procs:
        p.start()
        time.sleep(1.1)  # the sandbox's per-key 2/s (each child has its own copy of the budget)
    results = [q.get(timeout=30) for _ in procs]
    for p in procs:
        p.join(30)
    assert results == [{"ok": True}, {"ok": True}], results
    for i in range(2):
        assert subjects(sandbox, f"{subject}-{i}") == 1


# --- 4. Ctrl-C ----------------------------------------------------------------------------------

SIGINT_SCRIPT = """
import json, os, signal, sys, time
# A shell's background job starts with SIGINT ignored and Python then installs no handler:
# restore the interactive default so the test does not depend on how the suite was started.
signal.signal(signal.SIGINT, signal.default_int_handler)
import autosend
c = autosend.AutoSend(os.environ["T_KEY"], base_url=os.environ["T_URL"], ca_file=os.environ["T_CA"],
                      max_retries=int(os.environ.get("T_RETRIES", "0")), timeout=30)
mail = {"from": {"email": "hello@mail.example.com"}, "to": {"email": "ada@example.com"},
        "subject": "sigint", "html": "<p>x</p>"}
print("ready", flush=True)
t0 = time.monotonic()
try:
    c.emails.send(mail)
    print(json.dumps({"done": True}))
except autosend.CallInterrupted as e:
    assert isinstance(e, KeyboardInterrupt)
    print(json.dumps({"interrupted": True, "mhbd": e.may_have_been_delivered, "kind": e.kind,
                      "email_id": e.email_id, "cause": type(e.__cause__).__name__,
                      "at": time.monotonic()}))
"""


def _interrupt(env: Dict[str, str]) -> Dict[str, Any]:
    p = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(SIGINT_SCRIPT)],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert p.stdout is not None
        assert p.stdout.readline().strip() == "ready"
        time.sleep(1.0)  # the send is now waiting
        sent_at = time.monotonic()
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=20)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert out.strip(), err[-2000:]
    got = dict(json.loads(out.strip().splitlines()[-1]))
    if "at" in got:
        got["latency"] = got.pop("at") - sent_at
    return got


def test_ctrl_c_interrupts_a_send_waiting_on_the_server(sandbox: Sandbox, new_key: Any) -> None:
    sandbox.admin("POST", "/_sandbox/faults", {"path": "/v1/mails/send", "fault": {"latency_ms": 15000}})
    try:
        got = _interrupt(sandbox_env(sandbox, new_key()["key"]))
    finally:
        sandbox.admin("DELETE", "/_sandbox/faults")
    assert got.get("interrupted"), got
    assert got["mhbd"] is True and got["kind"] == "aborted" and got["cause"] != "NoneType"
    assert got["latency"] < 0.5, got  # within ~100 ms of the signal (slack for a loaded machine)


def test_ctrl_c_interrupts_a_rate_limit_wait(sandbox: Sandbox, new_key: Any) -> None:
    # A 429 asking for 60 s: the retry waits; Ctrl-C must end the wait at once.
    sandbox.admin("POST", "/_sandbox/faults", {"path": "/v1/mails/send", "fault": {"rate_limit_burst": 1, "retry_after": 60}})
    try:
        got = _interrupt({**sandbox_env(sandbox, new_key()["key"]), "T_RETRIES": "1"})
    finally:
        sandbox.admin("DELETE", "/_sandbox/faults")
    assert got.get("interrupted"), got
    assert got["mhbd"] is False  # the 429 was not processed, nothing else went out
    assert got["latency"] < 0.5, got


def test_call_interrupted_is_a_keyboard_interrupt_not_an_exception() -> None:
    assert issubclass(autosend.CallInterrupted, KeyboardInterrupt)
    assert not issubclass(autosend.CallInterrupted, Exception)


# --- 5 and 7: misbehaving servers on loopback ---------------------------------------------------


@pytest.fixture()
def stalled_port() -> Iterator[int]:
    """Accepts TCP connections and never speaks (a TLS handshake that never finishes)."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    conns: List[socket.socket] = []
    stop = threading.Event()

    def loop() -> None:
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                conns.append(srv.accept()[0])
            except OSError:
                pass

    t = threading.Thread(target=loop, daemon=True)
    t.start()
    yield srv.getsockname()[1]
    stop.set()
    t.join()
    for c in conns:
        c.close()
    srv.close()


def test_stalled_tls_handshake_is_connect(stalled_port: int) -> None:
    client = autosend.AutoSend("AS_abc123", base_url=f"https://127.0.0.1:{stalled_port}/v1", max_retries=0, timeout=1)
    t0 = time.monotonic()
    with pytest.raises(autosend.APIConnectionError) as ei:
        client.emails.send(MAIL)
    assert ei.value.kind == "connect" and ei.value.code == 300
    assert ei.value.may_have_been_delivered is False
    assert time.monotonic() - t0 < 3


@pytest.fixture()
def endless_port() -> Iterator[int]:
    """Answers 200 with an endless chunked body (at most 200 MB; stops when the client leaves)."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    stop = threading.Event()

    def handle(c: socket.socket) -> None:
        with c:
            c.recv(65536)
            try:
                c.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
                chunk = b"10000\r\n" + b" " * 0x10000 + b"\r\n"
                for _ in range(3200):
                    if stop.is_set():
                        return
                    c.sendall(chunk)
            except OSError:
                return

    def loop() -> None:
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                c = srv.accept()[0]
            except OSError:
                continue
            threading.Thread(target=handle, args=(c,), daemon=True).start()

    t = threading.Thread(target=loop, daemon=True)
    t.start()
    yield srv.getsockname()[1]
    stop.set()
    t.join()
    srv.close()


def test_oversized_answer_is_a_typed_error(endless_port: int) -> None:
    client = autosend.AutoSend("AS_abc123", base_url=f"http://127.0.0.1:{endless_port}/v1", max_retries=0, timeout=30)
    with pytest.raises(autosend.InvalidResponseError) as ei:
        client.emails.send(MAIL)
    assert ei.value.may_have_been_delivered is True
    assert str(autosend._native.MAX_RESPONSE_BYTES) in str(ei.value)


# --- 6. typed errors for hostile arguments ------------------------------------------------------


def test_webhook_verify_hostile_arguments_are_typed() -> None:
    secret = "whsec_" + "a" * 32
    body = '{"type":"email.sent","createdAt":"2026-01-01T00:00:00Z","data":{}}'
    sig = autosend.webhooks.sign(body, secret)
    headers = {"X-Webhook-Signature": sig, "X-Webhook-Timestamp": str(int(time.time() * 1000))}
    with pytest.raises(autosend.WebhookVerificationError):
        autosend.webhooks.verify("\ud800" + body, headers, secret)
    for kw in ({"tolerance": float("inf")}, {"tolerance": float("nan")}, {"now": 1e30}, {"now": float("-inf")},
               {"future_tolerance": 10**400}, {"tolerance": -1}):
        with pytest.raises(autosend.ValidationError) as ei:
            autosend.webhooks.verify(body, headers, secret, **kw)  # type: ignore[arg-type]
        assert ei.value.field in ("now", "tolerance", "future_tolerance"), kw


def test_ca_file_is_read_with_a_limit() -> None:
    t0 = time.monotonic()
    with pytest.raises(autosend.ConfigurationError) as ei:
        autosend.AutoSend("AS_abc123", ca_file="/dev/zero")
    assert ei.value.field == "ca_file" and "ca_file" in str(ei.value)
    assert time.monotonic() - t0 < 5
    with pytest.raises(autosend.ConfigurationError) as ei:
        autosend.AutoSend("AS_abc123", ca_file="/nonexistent/ca.pem")
    assert ei.value.field == "ca_file"


def test_default_deadline_comes_from_the_core() -> None:
    assert autosend._native.DEFAULT_DEADLINE_MS == 90_000


# Exit with the clients (async, and sync from daemon threads): test_exit.py.
