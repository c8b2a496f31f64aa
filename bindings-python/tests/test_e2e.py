"""End-to-end against the local HTTPS sandbox (trusting its CA via ca_file=)."""

from __future__ import annotations

import asyncio
import threading
import time
import traceback
from typing import Any, Dict

import pytest

import autosend
from conftest import Sandbox

MAIL: Dict[str, Any] = {
    "from": {"email": "hello@mail.example.com", "name": "Example"},
    "to": {"email": "ada@example.com", "name": "Ada"},
    "subject": "Hello from Python",
    "html": "<p>Hi Ada</p>",
}


def client_for(sandbox: Sandbox, key: str, **kw: Any) -> autosend.AutoSend:
    return autosend.AutoSend(key, base_url=sandbox.url, ca_file=sandbox.ca_file, **kw)


def processed(sandbox: Sandbox, endpoint: str) -> int:
    return int(sandbox.admin("GET", "/_sandbox/stats")["processed"].get(endpoint, 0))


def rejected(sandbox: Sandbox, code: str) -> int:
    return int(sandbox.admin("GET", "/_sandbox/stats")["rejected"].get(code, 0))


def test_send_dict_and_keywords(sandbox: Sandbox, new_key: Any) -> None:
    key = new_key()["key"]
    client = client_for(sandbox, key)
    sent = client.emails.send(MAIL)
    assert sent["emailId"]
    sent2 = client.emails.send(
        from_={"email": "hello@mail.example.com"},
        to={"email": "bob@example.com"},
        subject="Keywords",
        text="plain",
        reply_to={"email": "support@example.com"},
    )
    msg = sandbox.admin("GET", f"/_sandbox/messages/{sent2['emailId']}")
    assert msg["subject"] == "Keywords"
    assert msg["replyTo"]["email"] == "support@example.com"
    assert msg["userAgent"].startswith("autosend/") and "python/" in msg["userAgent"]
    status = client.emails.status(id=sent["emailId"])
    assert status["status"] == "delivered" or "status" in status


def test_bulk(sandbox: Sandbox, new_key: Any) -> None:
    client = client_for(sandbox, new_key()["key"])
    res = client.emails.bulk(
        from_={"email": "hello@mail.example.com"},
        recipients=[{"email": f"user{i}@example.com"} for i in range(3)],
        subject="Bulk",
        html="<p>hi</p>",
    )
    assert res["totalRecipients"] == 3
    assert res["successCount"] == 3


def test_contacts_lifecycle(sandbox: Sandbox, new_key: Any) -> None:
    client = client_for(sandbox, new_key()["key"])
    email = f"c{time.monotonic_ns()}@example.com"
    created = client.contacts.create(email=email, first_name="Ana", user_id=f"u{time.monotonic_ns()}")
    cid = created["id"]
    assert client.contacts.get(cid)["email"] == email
    assert client.contacts.get(id=cid)["firstName"] == "Ana"
    with pytest.raises(autosend.ConflictError) as ei:
        client.contacts.create({"email": email})
    assert ei.value.status == 409
    client.contacts.upsert(email=email, last_name="Lovelace", custom_fields={"plan": "pro"})
    found = client.contacts.search_by_emails(emails=[email])
    assert found["contacts"][0]["lastName"] == "Lovelace"
    groups = client.contacts.unsubscribe_groups(cid)
    assert "groups" in groups
    bulk = client.contacts.bulk_update(contacts=[{"email": f"b{i}{email}"} for i in range(2)])
    assert bulk["successCount"] == 2
    deleted = client.contacts.delete(cid)
    assert "message" in deleted
    with pytest.raises(autosend.NotFoundError) as nf:
        client.contacts.get(cid)
    assert nf.value.status == 404 and nf.value.request_id
    client.contacts.remove(emails=[f"b0{email}"])


def test_projects_with_account_key(sandbox: Sandbox) -> None:
    account = sandbox.info["keys"]["account"][0]
    pid = sandbox.info["projects"][0]["id"]
    client = client_for(sandbox, account, project_id=pid)
    assert client.project_id == pid
    listed = client.projects.list()
    assert any(p["id"] == pid for p in listed["projects"])
    created = client.projects.create(name="Py project", domain="py.example.com")
    new_id = created["id"]
    assert client.projects.get(project_id=new_id)["name"] == "Py project"
    client.projects.delete(new_id)
    with pytest.raises(autosend.KeyScopeError):
        client_for(sandbox, sandbox.info["keys"]["project"][0]["key"]).projects.list()
    with pytest.raises(autosend.MissingProjectIdError):
        client_for(sandbox, account).projects.list()


def test_revoked_key_is_authentication_error(sandbox: Sandbox, new_key: Any) -> None:
    key = new_key()["key"]
    client = client_for(sandbox, key)
    client.emails.send(MAIL)
    sandbox.admin("POST", "/_sandbox/keys/revoke", {"key": key})
    with pytest.raises(autosend.AuthenticationError) as ei:
        client.emails.send(MAIL)
    assert ei.value.status == 401 and ei.value.code == 201
    assert key[3:] not in str(ei.value) + repr(ei.value)


def test_key_rotation(sandbox: Sandbox, new_key: Any) -> None:
    old, new = new_key()["key"], new_key()["key"]
    client = client_for(sandbox, old)
    client.emails.send(MAIL)
    sandbox.admin("POST", "/_sandbox/keys/revoke", {"key": old})
    client.set_api_key(new)
    sent = client.emails.send(MAIL)
    msg = sandbox.admin("GET", f"/_sandbox/messages/{sent['emailId']}")
    assert msg["key"].endswith(new[-4:])
    assert client.key_hint.endswith(new[-4:])
    with pytest.raises(autosend.InvalidApiKeyError):
        client.set_api_key("nope")


def test_rate_limit_429_is_retried(sandbox: Sandbox, new_key: Any) -> None:
    client = client_for(sandbox, new_key()["key"])
    before = rejected(sandbox, "RATE_LIMIT_EXCEEDED")
    sandbox.admin("POST", "/_sandbox/faults", {"path": "/v1/mails/send", "fault": {"rate_limit_burst": 1, "retry_after": 1}})
    t0 = time.monotonic()
    sent = client.emails.send(MAIL)
    assert sent["emailId"]
    assert time.monotonic() - t0 >= 0.9
    assert rejected(sandbox, "RATE_LIMIT_EXCEEDED") == before + 1


def test_rate_limit_error_when_retries_exhausted(sandbox: Sandbox, new_key: Any) -> None:
    client = client_for(sandbox, new_key()["key"], max_retries=0)
    sandbox.admin("POST", "/_sandbox/faults", {"path": "/v1/mails/send", "fault": {"rate_limit_burst": 1, "retry_after": 2}})
    with pytest.raises(autosend.RateLimitError) as ei:
        client.emails.send(MAIL)
    assert ei.value.status == 429
    assert ei.value.retry_after == 2.0
    assert ei.value.may_have_been_delivered is False


def test_client_side_limiter_keeps_under_budget(sandbox: Sandbox, new_key: Any) -> None:
    """Two clients of one key share the core's budget (2/s): 6 calls take >= 2 s in total.

    (The server may still answer an occasional 429 at a window boundary, because it counts
    arrival times and the client counts send times; such 429s are retried transparently.)"""
    key = new_key()["key"]
    a, b = client_for(sandbox, key), client_for(sandbox, key)
    before = rejected(sandbox, "RATE_LIMIT_EXCEEDED")
    t0 = time.monotonic()
    for i in range(3):
        a.emails.send(MAIL)
        b.emails.send(MAIL)
    assert time.monotonic() - t0 >= 1.9  # 6 calls at 2/s
    assert rejected(sandbox, "RATE_LIMIT_EXCEEDED") - before <= 2


def test_reset_after_processing_may_have_been_delivered(sandbox: Sandbox, new_key: Any) -> None:
    client = client_for(sandbox, new_key()["key"])
    before_sends = processed(sandbox, "emails.send")
    before_msgs = len(sandbox.admin("GET", "/_sandbox/messages"))
    sandbox.admin("POST", "/_sandbox/faults", {"path": "/v1/mails/send", "fault": {"reset": "after"}})
    with pytest.raises(autosend.APIConnectionError) as ei:
        client.emails.send(MAIL)
    assert ei.value.may_have_been_delivered is True
    assert ei.value.kind == "connection_lost"
    assert processed(sandbox, "emails.send") == before_sends + 1
    assert len(sandbox.admin("GET", "/_sandbox/messages")) == before_msgs + 1


def test_server_error_on_idempotent_call_is_retried(sandbox: Sandbox, new_key: Any) -> None:
    client = client_for(sandbox, new_key()["key"])
    created = client.contacts.create(email=f"r{time.monotonic_ns()}@example.com")
    sandbox.admin("POST", "/_sandbox/faults", {"path": f"/v1/contacts/{created['id']}", "fault": {"status": 503}})
    assert client.contacts.get(created["id"])["id"] == created["id"]


def test_timeout(sandbox: Sandbox, new_key: Any) -> None:
    client = client_for(sandbox, new_key()["key"], timeout=0.3)
    sandbox.admin("POST", "/_sandbox/faults", {"path": "/v1/mails/send", "fault": {"latency_ms": 1500}})
    with pytest.raises(autosend.APITimeoutError) as ei:
        client.emails.send(MAIL)
    assert ei.value.may_have_been_delivered is True


def test_connect_error_nothing_sent() -> None:
    client = autosend.AutoSend("AS_abc123", base_url="https://127.0.0.1:9/v1", max_retries=0)
    with pytest.raises(autosend.APIConnectionError) as ei:
        client.emails.send(MAIL)
    assert ei.value.kind == "connect" and ei.value.may_have_been_delivered is False


def test_untrusted_certificate_fails_without_ca(sandbox: Sandbox, new_key: Any) -> None:
    client = autosend.AutoSend(new_key()["key"], base_url=sandbox.url, max_retries=0)
    with pytest.raises(autosend.APIConnectionError):
        client.emails.send(MAIL)


def test_env_is_read_at_construction(sandbox: Sandbox, new_key: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    key = new_key()["key"]
    monkeypatch.setenv("AUTOSEND_API_KEY", key)
    monkeypatch.setenv("AUTOSEND_BASE_URL", sandbox.url)
    client = autosend.AutoSend(ca_file=sandbox.ca_file)
    monkeypatch.delenv("AUTOSEND_API_KEY")
    assert client.base_url == sandbox.url
    assert client.emails.send(MAIL)["emailId"]
    with pytest.raises(autosend.InvalidApiKeyError) as ei:
        autosend.AutoSend(ca_file=sandbox.ca_file)
    assert "AUTOSEND_API_KEY" in str(ei.value)


def test_env_account_key_with_project(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUTOSEND_API_KEY", raising=False)
    monkeypatch.setenv("AUTOSEND_ACCOUNT_API_KEY", sandbox.info["keys"]["account"][0])
    monkeypatch.setenv("AUTOSEND_PROJECT_ID", sandbox.info["projects"][0]["id"])
    client = autosend.AutoSend(base_url=sandbox.url, ca_file=sandbox.ca_file)
    assert client.project_id == sandbox.info["projects"][0]["id"]
    assert "projects" in client.projects.list()


def test_canary_key_never_leaks(sandbox: Sandbox) -> None:
    secret = "Canary" + "SecretValue0123456789"  # built at run time: source lines never hold it
    canary = "AS_" + secret
    client = client_for(sandbox, canary, max_retries=0)
    texts = [repr(client), str(client)]
    try:
        client.emails.send(MAIL)
    except autosend.AuthenticationError as exc:
        texts += [str(exc), repr(exc), traceback.format_exc(), repr(exc.__dict__), repr(exc.args)]
    else:
        pytest.fail("expected 401")
    try:
        autosend.AutoSend(canary.lower())
    except autosend.InvalidApiKeyError as exc:
        texts += [str(exc), repr(exc), traceback.format_exc(), repr(exc.__dict__)]
    try:
        autosend.AutoSend(canary + "-x")
    except autosend.InvalidApiKeyError as exc:
        texts += [str(exc), repr(exc), traceback.format_exc()]
    for t in texts:
        assert secret not in t and secret.lower() not in t, t
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(client)


def test_async_surface(sandbox: Sandbox, new_key: Any) -> None:
    key = new_key()["key"]

    async def main() -> None:
        async with autosend.AsyncAutoSend(key, base_url=sandbox.url, ca_file=sandbox.ca_file) as client:
            sent = await client.emails.send(MAIL)
            assert sent["emailId"]
            bulk = await client.emails.bulk(
                from_={"email": "hello@mail.example.com"},
                recipients=[{"email": "x@example.com"}, {"email": "y@example.com"}],
                subject="Async bulk",
                text="hi",
            )
            assert bulk["successCount"] == 2
            email = f"a{time.monotonic_ns()}@example.com"
            c = await client.contacts.upsert(email=email)
            got = await client.contacts.get(c["id"])
            assert got["email"] == email
            with pytest.raises(autosend.NotFoundError):
                await client.contacts.get("000000000000000000000000")
            with pytest.raises(autosend.ValidationError) as ei:
                await client.emails.send({"to": {"email": "nope"}})
            assert ei.value.field
            # Concurrency: the event loop keeps running while calls wait.
            ticks = 0

            async def ticker() -> None:
                nonlocal ticks
                while True:
                    ticks += 1
                    await asyncio.sleep(0.01)

            t = asyncio.ensure_future(ticker())
            results = await asyncio.gather(*(client.contacts.get(c["id"]) for _ in range(3)))
            t.cancel()
            assert all(r["id"] == c["id"] for r in results)
            assert ticks > 5

    asyncio.run(main())


def test_async_projects_and_auth(sandbox: Sandbox, new_key: Any) -> None:
    key = new_key()["key"]
    account = sandbox.info["keys"]["account"][0]
    pid = sandbox.info["projects"][0]["id"]

    async def main() -> None:
        acct = autosend.AsyncAutoSend(account, project_id=pid, base_url=sandbox.url, ca_file=sandbox.ca_file)
        listed = await acct.projects.list()
        assert listed["projects"]
        client = autosend.AsyncAutoSend(key, base_url=sandbox.url, ca_file=sandbox.ca_file)
        sandbox.admin("POST", "/_sandbox/keys/revoke", {"key": key})
        with pytest.raises(autosend.AuthenticationError):
            await client.emails.send(MAIL)
        assert "AsyncAutoSend(" in repr(client) and key[3:] not in repr(client)

    asyncio.run(main())


def test_gil_released_while_waiting(sandbox: Sandbox, new_key: Any) -> None:
    client = client_for(sandbox, new_key()["key"])
    sandbox.admin("POST", "/_sandbox/faults", {"path": "/v1/mails/send", "fault": {"latency_ms": 800}})
    done = threading.Event()
    errors: list = []

    def worker() -> None:
        try:
            client.emails.send(MAIL)
        except Exception as exc:  # pragma: no cover
            errors.append(exc)
        finally:
            done.set()

    th = threading.Thread(target=worker)
    th.start()
    time.sleep(0.1)
    count = 0
    while not done.is_set():
        count += 1
    th.join(10)
    assert not errors
    assert count > 10_000  # this thread kept running Python while the call waited
