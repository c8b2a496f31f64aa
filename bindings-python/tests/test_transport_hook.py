"""Issue 15 item 6: ``AutoSend(transport=...)`` — the user's callable sends each attempt while
the core's call loop keeps the key, rate limit, retries, deadline, errors and events; the key
never shows in a repr, an error or an event (canary)."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import time
from typing import Any, Dict, List, Tuple

import pytest

import autosend
from conftest import Sandbox

EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples"
MAIL = {"from": {"email": "a@example.com"}, "to": {"email": "b@example.com"}, "subject": "hook", "text": "t"}
FAST = {"per_second": 1000, "per_minute": 100000}
CANARY = "AS_HookCanarySecret0123456789"


def _ok(data: Dict[str, Any]) -> Tuple[int, Dict[str, str], bytes]:
    body = json.dumps({"success": True, "data": data}).encode()
    return 200, {"content-type": "application/json", "x-request-id": "req-hook-1"}, body


class Fake:
    """A scripted transport: each item is an answer tuple or an exception to raise."""

    def __init__(self, *script: Any) -> None:
        self.script = list(script)
        self.seen: List[autosend.TransportRequest] = []

    def __call__(self, request: autosend.TransportRequest) -> Any:
        self.seen.append(request)
        step = self.script.pop(0)
        if isinstance(step, BaseException):
            raise step
        return step


def _key(n: int) -> str:
    return f"{CANARY}{n}"


def test_the_callable_sends_and_the_core_retries() -> None:
    fake = Fake((503, [("content-type", "application/json")], b'{"success":false,"error":"busy"}'), _ok({"id": "c1", "email": "x@example.com"}))
    seen: List[Dict[str, Any]] = []
    client = autosend.AutoSend(_key(1), transport=fake, rate_limits=FAST, on_event=seen.append)
    got = client.contacts.get("c1")
    assert got["id"] == "c1" and got.last_response.request_id == "req-hook-1"
    assert got.last_response.attempts == 2
    assert [r.attempt for r in fake.seen] == [1, 2]
    r = fake.seen[0]
    assert r.method == "GET" and r.url == "https://api.autosend.com/v1/contacts/c1" and r.body is None
    assert r.endpoint == "contacts.get" and r.timeout == autosend.DEFAULT_TIMEOUT
    assert any(v.endswith(_key(1)) for _, v in r.headers), "the core put the key in the headers"
    assert "user-agent" in r.headers_dict()
    # Canary: neither the request's repr nor the events carry the key.
    text = repr(r) + repr(seen)
    assert _key(1) not in text and "HookCanary" not in text
    assert [e["kind"] for e in seen] == ["request", "response", "retry", "request", "response", "done"]


def test_failures_are_judged_by_the_core() -> None:
    # Nothing sent (connect): a send is retried.
    fake = Fake(ConnectionRefusedError("refused"), _ok({"emailId": "m1"}))
    client = autosend.AutoSend(_key(2), transport=fake, rate_limits=FAST)
    assert client.emails.send(MAIL)["emailId"] == "m1"
    assert len(fake.seen) == 2 and json.loads(fake.seen[1].body or b"")["subject"] == "hook"
    # A timeout on a send may have delivered it: not retried, flagged.
    fake = Fake(TimeoutError(), _ok({"emailId": "never"}))
    client = autosend.AutoSend(_key(3), transport=fake, rate_limits=FAST)
    with pytest.raises(autosend.APITimeoutError) as ei:
        client.emails.send(MAIL)
    assert ei.value.may_have_been_delivered is True and len(fake.seen) == 1
    # TransportError names the kind; connection_lost on an idempotent read is retried.
    fake = Fake(autosend.TransportError("connection_lost"), _ok({"id": "c2"}))
    client = autosend.AutoSend(_key(4), transport=fake, rate_limits=FAST)
    assert client.contacts.get("c2")["id"] == "c2" and len(fake.seen) == 2
    with pytest.raises(ValueError):
        autosend.TransportError("dns")


def test_transport_error_kinds_are_the_cores() -> None:
    from autosend import _native, _transport

    categories = {name: category for _, name, category, _ in _native.error_kinds()}
    kinds = _transport.TRANSPORT_ERROR_KINDS
    assert kinds == tuple(_native.TRANSPORT_ERROR_KINDS) and kinds
    # The kinds the wrapper maps Python's own exceptions to are in the core's list.
    req = {"method": "GET", "url": "u", "headers": [], "body": None, "timeout_ms": 1, "attempt": 1, "endpoint": "e"}
    for exc in (TimeoutError(), ConnectionRefusedError(), ConnectionResetError()):
        assert _transport.wrap(Fake(exc))(req) in kinds
    # Each kind is a transport error kind of the core, and the call ends with it.
    for i, kind in enumerate(kinds):
        assert categories[kind] == "transport"
        client = autosend.AutoSend(_key(40 + i), transport=Fake(autosend.TransportError(kind)), rate_limits=FAST)
        with pytest.raises(autosend.APIConnectionError) as ei:
            client.request("contacts.get", {"id": "c9"}, max_retries=0)
        assert ei.value.kind == kind


def test_per_request_timeout_and_max_retries_reach_the_transport() -> None:
    fake = Fake((503, {}, b""), _ok({"id": "c3"}))
    client = autosend.AutoSend(_key(5), transport=fake, rate_limits=FAST)
    with pytest.raises(autosend.ServerError):
        client.request("contacts.get", {"id": "c3"}, timeout=5, max_retries=0)
    assert len(fake.seen) == 1 and fake.seen[0].timeout == 5.0


def test_other_exceptions_end_the_call_unchanged() -> None:
    boom = RuntimeError("bug in my transport")
    fake = Fake(boom)
    client = autosend.AutoSend(_key(6), transport=fake, rate_limits=FAST)
    with pytest.raises(RuntimeError) as ei:
        client.emails.send(MAIL)
    assert ei.value is boom and len(fake.seen) == 1


def test_a_wrong_answer_is_a_clear_type_error_without_the_key() -> None:
    for bad in ("oops", (200, {}), (42, {}, b""), (200, 7, b""), (200, {}, 3.5)):
        client = autosend.AutoSend(_key(7), transport=Fake(bad), rate_limits=FAST)
        with pytest.raises(TypeError) as ei:
            client.emails.send(MAIL)
        msg = str(ei.value)
        assert msg.startswith("transport: ") and "(status, headers, body)" in msg, msg
        assert "HookCanary" not in msg


def test_a_response_object_is_accepted() -> None:
    class Resp:  # the shape of a requests / httpx response
        status_code = 200
        headers = {"x-request-id": "req-obj"}
        content = json.dumps({"success": True, "data": {"emailId": "m2"}}).encode()

    client = autosend.AutoSend(_key(8), transport=lambda r: Resp(), rate_limits=FAST)
    sent = client.emails.send(MAIL)
    assert sent["emailId"] == "m2" and sent.last_response.request_id == "req-obj"


def test_options_of_the_builtin_transport_are_refused() -> None:
    with pytest.raises(autosend.ConfigurationError, match="transport must be a callable"):
        autosend.AutoSend(_key(9), transport="requests")  # type: ignore[arg-type]
    for kw in ({"proxy": "http://127.0.0.1:3128"}, {"redis_url": "redis://127.0.0.1:6379/0"}):
        name = next(iter(kw))
        with pytest.raises(autosend.ConfigurationError, match=f"{name} configures the built-in transport"):
            autosend.AutoSend(_key(9), transport=Fake(), **kw)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        autosend.AsyncAutoSend(_key(9), transport=Fake())  # type: ignore[call-arg]


def test_example_runs_against_the_sandbox(sandbox: Sandbox, new_key: Any) -> None:
    env = dict(os.environ)
    env.update({"AUTOSEND_API_KEY": new_key()["key"], "AUTOSEND_BASE_URL": sandbox.url, "AUTOSEND_CA_FILE": sandbox.ca_file})
    r = subprocess.run([sys.executable, str(EXAMPLES / "custom_transport.py")], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("queued ") and "TransportRequest(POST " in r.stdout
    email_id = r.stdout.split()[1]
    msg = sandbox.admin("GET", f"/_sandbox/messages/{email_id}")
    assert msg["subject"] == "Sent through my own HTTP client"
    assert env["AUTOSEND_API_KEY"] not in r.stdout + r.stderr


def test_rate_limit_stays_in_the_core() -> None:
    # 2 per second (the default budget of a key): the third call waits in the core, not in the
    # transport, which sees each request only when it may go.
    times: List[float] = []

    def send(r: autosend.TransportRequest) -> Any:
        times.append(time.monotonic())
        return _ok({"id": "c4"})

    client = autosend.AutoSend(_key(10), transport=send, rate_limits={"per_second": 2, "per_minute": 50})
    for _ in range(3):
        client.contacts.get("c4")
    assert times[2] - times[0] >= 0.9, times
