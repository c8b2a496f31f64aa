"""Every conformance vector in tests/vectors/*.json, through the Python API."""

from __future__ import annotations

import base64
import functools
import json
import os
import re
from typing import Any, Callable, Dict, List, Mapping, Optional

import pytest

import autosend
from autosend import _native, errors, webhooks

from conftest import VECTORS

PENDING_FILE = "pending.json"


def load_vectors(kind: str) -> List[Dict[str, Any]]:
    """Vectors of one kind from tests/vectors/*.json (not the pending list)."""
    out = []
    for f in sorted(VECTORS.glob("*.json")):
        if f.name == PENDING_FILE:
            continue
        for v in json.loads(f.read_text(encoding="utf-8"))["vectors"]:
            if v["kind"] == kind:
                out.append(v)
    return out


def load_pending() -> Dict[str, str]:
    """name -> reason for the entries of pending.json that apply to this runner."""
    f = VECTORS / PENDING_FILE
    if not f.exists():
        return {}
    doc = json.loads(f.read_text(encoding="utf-8"))
    return {p["name"]: p["reason"] for p in doc["pending"] if "python" in p.get("runners", ["python"])}


PENDING = load_pending()


def pending_aware(test: Callable[..., None]) -> Callable[..., None]:
    """A vector listed in pending.json must still fail: it is skipped with its reason, and the
    test fails when it passes (so the list cannot rot)."""

    @functools.wraps(test)
    def wrapper(v: Dict[str, Any]) -> None:
        if v["name"] not in PENDING:
            test(v)
            return
        try:
            test(v)
        except (Exception, pytest.fail.Exception) as exc:  # noqa: BLE001 - any failure keeps it pending
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            pytest.skip(f"pending: {PENDING[v['name']]} ({first})")
        pytest.fail(f"{v['name']} is listed in tests/vectors/{PENDING_FILE} but passes now: remove it from the list")

    return wrapper


def same_url(got: str, want: str) -> bool:
    """Everything before `?` exactly; the query as a multiset of name=value pairs."""

    def split(u: str) -> Any:
        base, _, q = u.partition("?")
        return base, sorted(q.split("&")) if q else []

    return split(got) == split(want)


def check_ok(resp: Mapping[str, Any], expect: Mapping[str, Any]) -> None:
    """Checks a success against {ok, data, bytes_base64, content_type, already_gone}."""
    if "data" in expect:
        assert resp["data"] == expect["data"]
    if "already_gone" in expect:
        assert resp.get("already_gone", False) == expect["already_gone"], "already_gone"
    if "bytes_base64" in expect:
        raw = resp.get("bytes")
        assert isinstance(raw, (bytes, bytearray)), f"want raw bytes, got {resp!r}"
        assert base64.b64encode(bytes(raw)).decode() == expect["bytes_base64"], "bytes"
        if "content_type" in expect:
            assert resp.get("content_type") == expect["content_type"], "content_type"


def _ids(vs: Any) -> Any:
    return [v["name"] for v in vs]


def check_error(exc: autosend.AutoSendError, expect: Mapping[str, Any]) -> None:
    assert isinstance(exc, autosend.AutoSendError)
    assert exc.kind == expect["error"], f"{exc.kind} != {expect['error']}: {exc}"
    assert isinstance(exc, errors.exception_class(expect["error"]))
    assert str(exc) and exc.hint and str(exc).endswith(exc.hint)
    if "field" in expect:
        assert exc.field == expect["field"]
    if "status" in expect:
        assert exc.status == expect["status"]
    if "api_code" in expect:
        assert exc.api_code == expect["api_code"]
    if "message_contains" in expect:
        assert expect["message_contains"] in exc.message
    if "retry_after_ms" in expect:
        assert exc.retry_after_ms == expect["retry_after_ms"]
        if isinstance(exc, autosend.RateLimitError) and exc.retry_after_ms is not None:
            assert exc.retry_after == exc.retry_after_ms / 1000.0
    if "request_id" in expect:
        assert exc.request_id == expect["request_id"]
    if "details" in expect:
        assert exc.details == expect["details"]
    if "may_have_been_delivered" in expect:
        assert exc.may_have_been_delivered == expect["may_have_been_delivered"]


def sansio_client(c: Optional[Mapping[str, Any]], **override: Any) -> Any:
    c = dict(c or {})
    c.update(override)
    return _native.SansIoClient(
        c.get("api_key", "AS_test123"),
        project_id=c.get("project_id"),
        base_url=c.get("base_url"),
        timeout_ms=c.get("timeout_ms") or 30_000,
        max_retries=3 if c.get("max_retries") is None else c["max_retries"],
        retry_non_idempotent=bool(c.get("retry_non_idempotent")),
        deadline_ms=c.get("deadline_ms"),
    )


def body_bytes(spec: Mapping[str, Any]) -> bytes:
    if "body_text" in spec:
        return str(spec["body_text"]).encode("utf-8")
    if "body_base64" in spec:
        return base64.b64decode(spec["body_base64"])
    if "body" in spec:
        return json.dumps(spec["body"]).encode("utf-8")
    return b""


# --- key -------------------------------------------------------------------------------------

KEYS = load_vectors("key")


@pytest.mark.parametrize("v", KEYS, ids=_ids(KEYS))
@pending_aware
def test_key(v: Dict[str, Any]) -> None:
    key = v["input"]["key"]
    secret = key.strip().split("_", 1)[-1] if "_" in key else key.strip()
    if "key_kind" in v["expect"]:
        kind, redacted = _native.parse_key(key)
        assert kind == v["expect"]["key_kind"]
        client = autosend.AutoSend(key, base_url="https://127.0.0.1:9/v1")
        for text in (redacted, repr(client), str(client), client.key_hint):
            assert len(secret) < 4 or secret not in text
    else:
        with pytest.raises(autosend.AutoSendError) as ei:
            _native.parse_key(key)
        check_error(ei.value, v["expect"])
        with pytest.raises(autosend.InvalidApiKeyError) as ei2:
            autosend.AutoSend(key)
        for text in (str(ei.value), repr(ei.value), str(ei2.value), repr(ei2.value)):
            assert len(secret) < 4 or secret not in text


# --- request ---------------------------------------------------------------------------------

REQUESTS = load_vectors("request")


@pytest.mark.parametrize("v", REQUESTS, ids=_ids(REQUESTS))
@pending_aware
def test_request(v: Dict[str, Any]) -> None:
    expect = v["expect"]
    if "error" in expect:
        with pytest.raises(autosend.AutoSendError) as ei:
            client = sansio_client(v.get("client"))
            client.call(v["endpoint"], v["params"], 0)
        check_error(ei.value, expect)
        return
    client = sansio_client(v.get("client"))
    call = client.call(v["endpoint"], v["params"], 0)
    what, req = call.poll(0)
    assert what == "send"
    assert req["method"] == expect["method"]
    assert same_url(req["url"], expect["url"]), f"url {req['url']} != {expect['url']}"
    headers = dict(req["headers"])
    assert len(headers) == len(req["headers"]), "duplicate header"
    ua = headers.pop("user-agent")
    assert ua.startswith("autosend")
    assert "python" in ua
    assert headers == expect["headers"]
    if expect.get("body") is None:
        assert req["body"] is None
    else:
        assert json.loads(req["body"]) == expect["body"]


@pytest.mark.parametrize("v", [v for v in REQUESTS if "error" in v["expect"]],
                         ids=_ids([v for v in REQUESTS if "error" in v["expect"]]))
@pending_aware
def test_request_errors_through_public_client(v: Dict[str, Any]) -> None:
    """Local errors surface identically from the public client, before any I/O."""
    c = v.get("client") or {}
    with pytest.raises(autosend.AutoSendError) as ei:
        client = autosend.AutoSend(
            c.get("api_key", "AS_test123"),
            project_id=c.get("project_id"),
            base_url=c["base_url"] if c.get("base_url") is not None else "https://127.0.0.1:9/v1",
            max_retries=0,
            timeout=0.5,
        )
        client.request(v["endpoint"], v["params"])
    check_error(ei.value, v["expect"])
    assert ei.value.kind != "connect"


# --- response --------------------------------------------------------------------------------

RESPONSES = load_vectors("response")


@pytest.mark.parametrize("v", RESPONSES, ids=_ids(RESPONSES))
@pending_aware
def test_response(v: Dict[str, Any]) -> None:
    client = sansio_client(None, max_retries=0)
    call = client.call(v["endpoint"], v["params"], 1)
    what, _req = call.poll(0)
    assert what == "send"
    call.handle_response(0, v["status"], v.get("headers") or {}, body_bytes(v))
    expect = v["expect"]
    if expect.get("ok"):
        what, resp = call.poll(0)
        assert what == "done"
        check_ok(resp, expect)
    else:
        with pytest.raises(autosend.AutoSendError) as ei:
            call.poll(0)
        check_error(ei.value, expect)


# --- call ------------------------------------------------------------------------------------

CALLS = load_vectors("call")


def check_sent(req: Dict[str, Any], send: Dict[str, Any], where: str) -> None:
    """jwe.json: ``headers`` (a subset; None = absent) and ``encrypted`` (the body is exactly
    ``{"encryptedData": "<five base64url parts>"}``)."""
    got = {k.lower(): val for k, val in req["headers"]}
    for k, want in (send.get("headers") or {}).items():
        assert got.get(k) == want, f"{where}: header {k}: {got.get(k)!r} != {want!r}"
    if "encrypted" in send:
        sealed = False
        try:
            body = json.loads(req["body"] or b"null")
            sealed = (
                isinstance(body, dict)
                and list(body) == ["encryptedData"]
                and re.fullmatch(r"[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+){4}", body["encryptedData"]) is not None
            )
        except (ValueError, TypeError):
            pass
        assert sealed == send["encrypted"], f"{where}: encrypted"


@pytest.mark.parametrize("v", CALLS, ids=_ids(CALLS))
@pending_aware
def test_call(v: Dict[str, Any]) -> None:
    client = sansio_client(v.get("client"))
    c = v.get("client") or {}
    call = client.call(v["endpoint"], v["params"], v.get("seed", 0), bool(c.get("encrypt_payloads")))
    if call.entropy_needed():
        call.provide_entropy(os.urandom(call.entropy_needed()))
    call.record_events("events" in v)
    run_call_steps(call, v)
    if "events" in v:
        # docs/contract.md, Call events: same count, in order, every field given.
        got = list(iter(call.poll_event, None))
        assert len(got) == len(v["events"]), f"events: want {len(v['events'])}, got {got}"
        for i, (want, ev) in enumerate(zip(v["events"], got)):
            for k, val in want.items():
                assert ev.get(k) == val, f"event {i}: {k}: want {val!r}, got {ev}"


def run_call_steps(call: Any, v: Dict[str, Any]) -> None:
    for i, step in enumerate(v["steps"]):
        at = step["at"]
        exp = step["expect"]
        where = f"step {i} at {at}"
        if "done" in exp:
            done = exp["done"]
            if done.get("ok"):
                what, resp = call.poll(at)
                assert what == "done", where
                check_ok(resp, done)
            else:
                with pytest.raises(autosend.AutoSendError) as ei:
                    call.poll(at)
                check_error(ei.value, done)
            continue
        what, value = call.poll(at)
        if "send" in exp:
            assert what == "send", f"{where}: got {what} {value}"
            send = exp["send"]
            if "attempt" in send:
                assert value["attempt"] == send["attempt"], where
            if "method" in send:
                assert value["method"] == send["method"], where
            if "url" in send:
                assert same_url(value["url"], send["url"]), where
            check_sent(value, send, where)
            if "respond" in step:
                r = step["respond"]
                call.handle_response(at, r["status"], r.get("headers") or {}, body_bytes(r))
            elif "transport_error" in step:
                call.handle_transport_error(at, step["transport_error"])
        else:
            assert what == "wait", f"{where}: got {what} {value}"
            if "wait" in exp:
                assert value == exp["wait"], where
            if "wait_min" in exp:
                assert value >= exp["wait_min"], where
            if "wait_max" in exp:
                assert value <= exp["wait_max"], where


# --- limiter ---------------------------------------------------------------------------------

LIMITERS = load_vectors("limiter")
BUDGET_REPLIES = load_vectors("budget_reply")


@pytest.mark.parametrize("v", BUDGET_REPLIES, ids=_ids(BUDGET_REPLIES))
@pending_aware
def test_budget_reply(v: Dict[str, Any]) -> None:
    """A reply of the shared budget's Redis scripts, read by the core."""
    assert _native.Call.budget_interpret(v["op"], v["reply"]) == v["expect"]


@pytest.mark.parametrize("v", LIMITERS, ids=_ids(LIMITERS))
@pending_aware
def test_limiter(v: Dict[str, Any]) -> None:
    limits = v.get("limits") or {}
    lim = _native.RateLimiter(
        limits.get("per_second", 2), limits.get("per_minute", 50), limits.get("second_ms"), limits.get("minute_ms")
    )
    grants = 0
    for i, step in enumerate(v["steps"]):
        if "settle" in step:
            lim.settle(step["settle"], step["at"])
            continue
        if "refund" in step:
            lim.refund(step["refund"])
            continue
        if "block" in step:
            lim.block_for(step["at"], step["block"])
            continue
        for _ in range(step.get("repeat", 1)):
            got = lim.acquire(step["at"])
            if step["expect"] == "go":
                assert got is None, f"step {i}: waited {got}"
            else:
                assert got == step["expect"]["wait"], f"step {i}"
            if got is None:
                grants += 1
                if v.get("answers") == "instant":
                    lim.settle(grants, step["at"])


# --- webhook ---------------------------------------------------------------------------------

WEBHOOKS = load_vectors("webhook")


@pytest.mark.parametrize("v", WEBHOOKS, ids=_ids(WEBHOOKS))
@pending_aware
def test_webhook(v: Dict[str, Any]) -> None:
    opts = v.get("options") or {}
    kwargs: Dict[str, Any] = {"now": v["now_ms"] / 1000.0}
    if "tolerance_past_ms" in opts:
        kwargs["tolerance"] = opts["tolerance_past_ms"] / 1000.0
    if "tolerance_future_ms" in opts:
        kwargs["future_tolerance"] = opts["tolerance_future_ms"] / 1000.0
    body = v["body"].encode("utf-8")
    if v["expect"].get("ok"):
        event = webhooks.verify(body, v["headers"], v["secret"], **kwargs)
        assert event["type"] == v["expect"]["type"]
        assert isinstance(event["data"], dict)
    else:
        with pytest.raises(autosend.WebhookVerificationError) as ei:
            webhooks.verify(body, v["headers"], v["secret"], **kwargs)
        check_error(ei.value, v["expect"])


# --- pager / chunk (docs/contract.md: pagination and chunking) --------------------------------

PAGERS = load_vectors("pager")
CHUNKS = load_vectors("chunk")


@pytest.mark.parametrize("v", PAGERS, ids=_ids(PAGERS))
@pending_aware
def test_pager(v: Dict[str, Any]) -> None:
    params = dict(v.get("params") or {})
    if v.get("start_page") is not None:
        params["page"] = v["start_page"]  # Pager::starting_at
    if "expect_error" in v:
        with pytest.raises(autosend.AutoSendError) as ei:
            _native.Pager(v["endpoint"], params)
        check_error(ei.value, v["expect_error"])
        return
    pager = _native.Pager(v["endpoint"], params)
    if "first_request" in v:
        fr = v["first_request"]
        call = sansio_client(None).call(v["endpoint"], pager.next_params(), 0)
        what, req = call.poll(0)
        assert what == "send"
        assert req["method"] == fr["method"]
        assert same_url(req["url"], fr["url"]), f"url {req['url']} != {fr['url']}"
        body = None if req["body"] is None else json.loads(req["body"])
        assert body == fr["body"]
    for i, page in enumerate(v.get("pages") or []):
        where = f"page step {i}"
        assert pager.next_params() == page["expect_params"], where
        exp = page["expect"]
        if "error" in exp:
            with pytest.raises(autosend.AutoSendError) as ei:
                pager.handle_page(page["data"])
            check_error(ei.value, exp)
            continue
        info = pager.handle_page(page["data"])
        if "item_count" in exp:
            assert len(info["items"]) == exp["item_count"], where
        for k in ("items", "page", "limit", "total", "pages", "has_more"):
            if k in exp:
                assert info[k] == exp[k], f"{where}: {k}"
    end = v.get("expect_end") or {}
    state = pager.describe()
    if "next_params" in end and end["next_params"] is None:
        assert pager.next_params() is None and pager.done
    if "next_page" in end:
        assert pager.page == end["next_page"]
    if "items_seen" in end:
        assert state["items_seen"] == end["items_seen"]
    if "pages_done" in end:
        assert state["pages_done"] == end["pages_done"]


@pytest.mark.parametrize("v", CHUNKS, ids=_ids(CHUNKS))
@pending_aware
def test_chunk(v: Dict[str, Any]) -> None:
    params = v["params"]
    if "expect_error" in v:
        with pytest.raises(autosend.AutoSendError) as ei:
            _native.Chunker(v["endpoint"], params)
        check_error(ei.value, v["expect_error"])
        return
    chunker = _native.Chunker(v["endpoint"], params)
    exp = v["expect"]
    field = exp["field"]
    assert chunker.chunk_size == exp["chunk_size"]
    chunk_params = [chunker.chunk_params(i) for i in range(chunker.chunks)]
    sizes = [len(p[field]) for p in chunk_params]
    assert sizes == exp["chunk_sizes"]
    assert [it for p in chunk_params for it in p[field]] == params[field], "items in order, once each"
    for p in chunk_params:
        for k in exp.get("shared") or []:
            assert p[k] == params[k], f"shared field {k} not copied"
    client = _native.SansIoClient(
        (v.get("client") or {}).get("api_key", "AS_test123"),
        project_id=(v.get("client") or {}).get("project_id"),
        base_url=(v.get("client") or {}).get("base_url"),
        max_retries=0,
        per_second=1000,
        per_minute=60_000,
    )
    outcomes = v.get("outcomes") or {}
    requests = 0
    at = 0
    while True:
        nxt = chunker.next_chunk()
        if nxt is None:
            break
        i, p = nxt
        outcome = outcomes.get(str(i)) or {}
        try:
            call = client.call(v["endpoint"], p, i)
        except autosend.AutoSendError as exc:  # local validation: recorded, nothing sent
            chunker.record_error(i, exc.kind, exc.message, exc.field)
        else:
            for _ in range(100):
                at += 1
                what, value = call.poll(at)
                assert what != "done", f"chunk {i}: done before any request was sent"
                if what == "wait":
                    at += value
                    continue
                requests += 1
                assert len(json.loads(value["body"])[field]) == sizes[i], f"chunk {i} body"
                if "transport_error" in outcome:
                    call.handle_transport_error(at, outcome["transport_error"])
                elif "respond" in outcome:
                    r = outcome["respond"]
                    call.handle_response(at, r["status"], r.get("headers") or {}, body_bytes(r))
                else:
                    call.handle_response(at, 200, {}, json.dumps({"success": True, "data": {"chunk": i, "batchId": f"b{i}"}}).encode())
                break
            at += 1
            chunker.record_call(i, call, at)
        with pytest.raises(autosend.AutoSendError):
            chunker.record_error(i, "validation", "again")
    report = chunker.report()
    er = v["expect_report"]
    assert [c["status"] for c in report["chunks"]] == er["chunk_status"]
    for k in ("counts", "stopped", "retry_safe"):
        if k in er:
            assert report[k] == er[k], k
    if "requests" in er:
        assert requests == er["requests"]
    for i, want in (er.get("chunk_errors") or {}).items():
        e = report["chunks"][int(i)].get("error")
        assert e is not None, f"chunk {i}: want an error"
        check_error(errors._from_native(e), want)
    items = report["items"]
    for idx, status in er.get("item_checks") or []:
        assert items[idx]["status"] == status, f"item {idx}"
    assert [it["index"] for it in items] == list(range(len(params[field]))), "every item once, in order"
    assert sum(report["counts"].values()) == len(params[field])
    # The public report object reads the same.
    pub = autosend.BulkReport(report)
    assert [it.status for it in pub.items] == [it["status"] for it in items]
    assert pub.counts == report["counts"]


def test_every_pending_vector_exists() -> None:
    kinds = ("key", "request", "response", "call", "limiter", "webhook", "pager", "chunk", "budget_reply")
    names = {v["name"] for k in kinds for v in load_vectors(k)}
    assert sorted(set(PENDING) - names) == [], f"listed in {PENDING_FILE} but no vector has this name"


def test_every_vector_kind_was_collected() -> None:
    counts = {k: len(load_vectors(k)) for k in ("key", "request", "response", "call", "limiter", "webhook", "budget_reply")}
    assert all(n > 0 for n in counts.values()), counts
