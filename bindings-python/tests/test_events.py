"""Issue 15 items 5 and 6: call events routed to ``logging.getLogger("autosend")`` and
``on_event``, the request id of a success, ``app_info`` and the runtime in the User-Agent the
core builds, and no key anywhere in events or log records (canary)."""

from __future__ import annotations

import logging
import platform
import sys
import time
from typing import Any, Dict, List

import pytest

import autosend
from conftest import Sandbox

MAIL = {"from": {"email": "a@example.com"}, "to": {"email": "b@example.com"}, "subject": "events", "html": "<p>e</p>"}


def test_events_reach_on_event_and_the_logger_without_the_key(
    sandbox: Sandbox, new_key: Any, caplog: pytest.LogCaptureFixture
) -> None:
    key = new_key()["key"]
    seen: List[Dict[str, Any]] = []
    client = autosend.AutoSend(
        key,
        base_url=sandbox.url,
        ca_file=sandbox.ca_file,
        on_event=seen.append,
        app_info={"name": "PyEvents", "version": "3.1", "url": "https://example.com/py"},
    )
    created = client.contacts.create(email=f"ev{time.monotonic_ns()}@example.com")
    sandbox.admin("POST", "/_sandbox/faults", {"path": f"/v1/contacts/{created['id']}", "fault": {"status": 503}})
    with caplog.at_level(logging.DEBUG, logger="autosend"):
        seen.clear()
        got = client.contacts.get(created["id"])
    kinds = [e["kind"] for e in seen]
    assert kinds == ["request", "response", "retry", "request", "response", "done"], kinds
    assert seen[0]["path"].endswith(f"/contacts/{created['id']}") and seen[0]["method"] == "GET"
    assert seen[1]["status"] == 503 and seen[2]["reason"] == "server" and seen[2]["wait_ms"] >= 0
    assert seen[3]["attempt"] == 2 and seen[4]["status"] == 200
    assert seen[5]["ok"] is True and seen[5]["request_id"] == got.last_response.request_id
    assert got.last_response.request_id  # the request id of a success
    records = [r for r in caplog.records if r.name == "autosend"]
    assert [r.levelno for r in records] == [10, 10, 20, 10, 10, 10]
    assert records[2].getMessage().startswith("contacts.get GET ")
    assert records[2].autosend_event["kind"] == "retry"  # type: ignore[attr-defined]
    text = repr(seen) + "".join(r.getMessage() + repr(r.__dict__) for r in records)
    assert key not in text and key[3:] not in text
    # The User-Agent, built by the core, names the runtime and the app.
    sent = client.emails.send(MAIL)
    ua = sandbox.admin("GET", f"/_sandbox/messages/{sent['emailId']}")["userAgent"]
    impl = sys.implementation.name
    assert f" python/{autosend.__version__} ({impl} {platform.python_version()}) " in ua, ua
    assert ua.endswith(" PyEvents/3.1 (+https://example.com/py)"), ua


def test_nothing_recorded_without_a_listener(sandbox: Sandbox, new_key: Any) -> None:
    logging.getLogger("autosend").setLevel(logging.WARNING)
    try:
        client = autosend.AutoSend(new_key()["key"], base_url=sandbox.url, ca_file=sandbox.ca_file)
        client.emails.send(MAIL)
        assert client._listening is False
        # A logging configuration made later is honoured at the next call.
        logging.getLogger("autosend").setLevel(logging.DEBUG)
        client.emails.send(MAIL)
        assert client._listening is True
    finally:
        logging.getLogger("autosend").setLevel(logging.NOTSET)


def test_bad_app_info_and_on_event_name_the_field() -> None:
    with pytest.raises(autosend.AutoSendError) as ei:
        autosend.AutoSend("AS_abc123", app_info={"name": "My Shop"})
    assert ei.value.kind == "invalid_config" and ei.value.field == "app_info.name"
    with pytest.raises(autosend.AutoSendError) as ei:
        autosend.AutoSend("AS_abc123", app_info={"name": "a", "colour": "red"})
    assert ei.value.field == "app_info.colour"
    with pytest.raises(autosend.AutoSendError, match="on_event"):
        autosend.AutoSend("AS_abc123", on_event="print")  # type: ignore[arg-type]


def test_async_client_events(sandbox: Sandbox, new_key: Any) -> None:
    import asyncio

    seen: List[Dict[str, Any]] = []

    async def run() -> Any:
        c = autosend.AsyncAutoSend(new_key()["key"], base_url=sandbox.url, ca_file=sandbox.ca_file, on_event=seen.append)
        return await c.emails.send(MAIL)

    sent = asyncio.run(run())
    assert [e["kind"] for e in seen] == ["request", "response", "done"]
    assert seen[-1]["request_id"] == sent.last_response.request_id


def test_per_request_timeout_and_max_retries(sandbox: Sandbox, new_key: Any) -> None:
    seen: List[Dict[str, Any]] = []
    client = autosend.AutoSend(new_key()["key"], base_url=sandbox.url, ca_file=sandbox.ca_file, on_event=seen.append)
    created = client.contacts.create(email=f"pr{time.monotonic_ns()}@example.com")
    sandbox.admin("POST", "/_sandbox/faults", {"path": f"/v1/contacts/{created['id']}", "fault": {"status": 503}})
    seen.clear()
    with pytest.raises(autosend.AutoSendError) as ei:
        client.request("contacts.get", {"id": created["id"]}, max_retries=0)
    assert ei.value.status == 503
    assert [e["kind"] for e in seen] == ["request", "response", "done"]
    sandbox.admin("POST", "/_sandbox/faults", {"path": "/v1/mails/send", "times": 1, "fault": {"latency_ms": 1500}})
    with pytest.raises(autosend.APITimeoutError):
        client.request("emails.send", MAIL, timeout=0.3)
    with pytest.raises(autosend.AutoSendError) as ei:
        client.request("emails.send", MAIL, max_retries=101)
    assert ei.value.kind == "invalid_config" and ei.value.field == "max_retries"
