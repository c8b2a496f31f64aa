"""The generated surface: snake_case namespaces for every catalog id, keyword -> wire names,
results with ``last_response``, binary answers as ``bytes``, and values that come from the
native module instead of being copied into Python. Runs against a loopback HTTP stub (the
core allows plain http on loopback), so each answer can be shaped exactly."""

from __future__ import annotations

import asyncio
import json
import pathlib
import pickle
import threading
import typing
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple
from urllib.parse import parse_qs, urlsplit

import pytest

import autosend
from autosend import _catalog, _client, _native, _result
from autosend._keywords import KEYWORDS
from autosend.types import EndpointId

PKG = pathlib.Path(autosend.__file__).resolve().parent

Reply = Tuple[int, Dict[str, str], bytes]


class Stub:
    """A loopback HTTP server answering from a queue of canned replies."""

    def __init__(self) -> None:
        self.replies: List[Optional[Reply]] = []
        self.seen: List[Tuple[str, str, bytes]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                n = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(n) if n else b""
                stub.seen.append((self.command, self.path, body))
                reply = stub.replies.pop(0) if stub.replies else (200, {}, b'{"success":true,"data":{}}')
                if reply is None:  # drop the connection without answering
                    self.close_connection = True
                    return
                status, headers, payload = reply
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def reply(self, status: int = 200, body: Any = None, headers: Optional[Dict[str, str]] = None, raw: Optional[bytes] = None) -> None:
        payload = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        h = {"content-type": "application/json"} if raw is None and body is not None else {}
        h.update(headers or {})
        self.replies.append((status, h, payload))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def stub() -> Iterator[Stub]:
    s = Stub()
    try:
        yield s
    finally:
        s.close()


def client(stub: Stub, **kw: Any) -> autosend.AutoSend:
    return autosend.AutoSend("AS_surfaceTest1", base_url=stub.url, **kw)


# ------------------------------------------------------------------------------ namespaces


def test_every_catalog_id_is_a_snake_case_method_sync_and_async() -> None:
    c = autosend.AutoSend("AS_surfaceTest1")
    a = autosend.AsyncAutoSend("AS_surfaceTest1")
    eps = _catalog.ENDPOINTS
    assert len(eps) >= 16
    for ep in eps:
        ns, name = ep["python_namespace"], ep["python_name"]
        assert ns == _catalog.snake(ep["namespace"]) and name == _catalog.snake(ep["name"])
        assert ns.islower() and name.islower(), ep["id"]
        fn = getattr(getattr(c, ns), name)
        assert callable(fn) and fn.__name__ == name, ep["id"]
        afn = getattr(getattr(a, ns), name)
        if ep.get("pagination"):
            # Paged lists return an AsyncPaginator (awaitable and async-iterable), not a coroutine.
            assert not asyncio.iscoroutinefunction(afn), ep["id"]
        else:
            assert asyncio.iscoroutinefunction(afn), ep["id"]
    bulk = {f"{ep['python_namespace']}.{ep['python_name']}_all" for ep in eps if ep["id"] in _catalog.CHUNKED}
    assert bulk == {"emails.bulk_all", "contacts.bulk_update_all", "contact_lists.bulk_add_all"}
    for qual in bulk:
        ns, name = qual.split(".")
        assert callable(getattr(getattr(c, ns), name))
        assert asyncio.iscoroutinefunction(getattr(getattr(a, ns), name))
    ids = {ep["id"] for ep in eps}
    if "contactProperties.list" in ids:
        assert callable(c.contact_properties.list)
    if "inbound.reply" in ids:
        assert callable(c.inbound.reply)


def test_generated_names_match_the_catalog() -> None:
    ids = sorted(ep["id"] for ep in _catalog.ENDPOINTS)
    assert sorted(KEYWORDS) == ids, "_keywords.py is stale: run tools/codegen/generate.py"
    assert sorted(typing.get_args(EndpointId)) == ids, "types.py is stale: run tools/codegen/generate.py"
    for ep in _catalog.ENDPOINTS:
        for p in ep["path_params"]:
            assert p in KEYWORDS[ep["id"]].values(), (ep["id"], p)


def test_values_come_from_the_native_module_not_copies() -> None:
    assert _client.ENV_NAMES == tuple(_native.ENV_NAMES)
    assert "AUTOSEND_API_KEY" in _native.ENV_NAMES
    assert autosend.DEFAULT_MAX_RETRIES == _native.DEFAULT_MAX_RETRIES
    assert autosend.DEFAULT_TIMEOUT == _native.DEFAULT_TIMEOUT_MS / 1000
    for name in ("_client.py", "_params.py", "webhooks.py"):
        src = (PKG / name).read_text()
        for copied in ('"AUTOSEND_', "30000", "30.0", "300.0", "code=10", "autosend error 10"):
            assert copied not in src, f"{name} copies {copied!r} from the core"
    c = autosend.AutoSend("AS_surfaceTest1")
    d = c._describe()
    assert d["timeout_ms"] == _native.DEFAULT_TIMEOUT_MS and d["max_retries"] == _native.DEFAULT_MAX_RETRIES
    with pytest.raises(autosend.ConfigurationError) as e:
        autosend.AutoSend("AS_surfaceTest1", max_retries=-1)
    assert e.value.code == 107 and e.value.hint and "autosend error 107" in str(e.value)


# ------------------------------------------------------------------------------ calls


def test_query_and_path_params_from_snake_case_keywords(stub: Stub) -> None:
    c = client(stub)
    stub.reply(body={"success": True, "data": {"campaigns": [], "pagination": {"page": 2}}})
    c.campaigns.list(status="draft", page=2, limit=5)
    method, path, _ = stub.seen[-1]
    u = urlsplit(path)
    assert method == "GET" and u.path == "/v1/campaigns"
    assert parse_qs(u.query) == {"status": ["draft"], "page": ["2"], "limit": ["5"]}
    if "contactProperties.list" in KEYWORDS:
        c.contact_properties.list(include_reserved_fields=True)
        assert parse_qs(urlsplit(stub.seen[-1][1]).query) == {"includeReservedFields": ["true"]}


def test_from_keyword_and_positional_path_param(stub: Stub) -> None:
    c = client(stub)
    stub.reply(202, {"success": True, "message": "Reply queued", "data": {"emailId": "e1", "status": "QUEUED"}})
    res = c.inbound.reply("msg1", from_={"email": "a@mail.example.com"}, text="thanks")
    method, path, body = stub.seen[-1]
    assert (method, path) == ("POST", "/v1/inbound/messages/msg1/reply")
    assert json.loads(body) == {"from": {"email": "a@mail.example.com"}, "text": "thanks"}
    assert res == {"emailId": "e1", "status": "QUEUED"}
    assert res.last_response.status == 202 and res.last_response.message == "Reply queued"


def test_results_carry_last_response(stub: Stub) -> None:
    c = client(stub)
    stub.reply(body={"success": True, "message": "Contact created", "data": {"id": "c1"}}, headers={"x-request-id": "req_1"})
    res = c.contacts.create(email="a@example.com")
    assert isinstance(res, dict) and isinstance(res, autosend.ApiResult)
    assert res == {"id": "c1"} and list(res) == ["id"] and json.dumps(res) == '{"id": "c1"}'
    info = autosend.last_response(res)
    assert info is res.last_response
    assert (info.status, info.request_id, info.message, info.already_gone, info.attempts) == (200, "req_1", "Contact created", False, 1)
    assert pickle.loads(pickle.dumps(res)) == {"id": "c1"}
    with pytest.raises(TypeError):
        autosend.last_response({"id": "c1"})


def test_message_only_answer(stub: Stub) -> None:
    c = client(stub)
    stub.reply(body={"success": True, "message": "Template deleted"})
    res = c.templates.delete("A-1")
    assert stub.seen[-1][:2] == ("DELETE", "/v1/templates/A-1")
    assert res.last_response.message == "Template deleted"


def test_delete_already_gone_after_an_ambiguous_first_attempt(stub: Stub) -> None:
    c = client(stub, max_retries=2)
    stub.replies.append(None)  # connection dropped: outcome unknown, DELETE is retried
    stub.reply(404, {"success": False, "error": {"message": "not found", "code": "CONTACT_NOT_FOUND"}})
    res = c.contacts.delete("c1")
    assert len(stub.seen) == 2
    assert res.last_response.already_gone is True and res.last_response.attempts == 2


def test_binary_download_is_bytes(stub: Stub) -> None:
    c = client(stub)
    payload = bytes(range(256))
    stub.reply(raw=payload, headers={"content-type": "application/pdf", "content-disposition": 'attachment; filename="inv.pdf"'})
    got = c.inbound.attachment("msg1", "0", download=True)
    method, path, _ = stub.seen[-1]
    u = urlsplit(path)
    assert (method, u.path, parse_qs(u.query)) == ("GET", "/v1/inbound/messages/msg1/attachments/0", {"download": ["true"]})
    assert isinstance(got, bytes) and isinstance(got, autosend.BinaryResult) and got == payload
    assert got.content_type == "application/pdf" and got.filename == "inv.pdf"
    assert got.last_response.status == 200
    stub.reply(body={"success": True, "data": {"attachmentId": "att_1", "size": 3}})
    meta = c.inbound.attachment("msg1", "att_1")
    assert meta == {"attachmentId": "att_1", "size": 3} and not isinstance(meta, bytes)


def test_async_binary_and_last_response(stub: Stub) -> None:
    async def run() -> Tuple[Any, Any]:
        a = autosend.AsyncAutoSend("AS_surfaceTest1", base_url=stub.url)
        stub.reply(raw=b"\x00\x01", headers={"content-type": "application/octet-stream"})
        raw = await a.inbound.attachment("m", "1", download=True)
        stub.reply(202)
        empty = await a.inbound.reply("m", from_={"email": "a@mail.example.com"}, text="x")
        return raw, empty

    raw, empty = asyncio.run(run())
    assert raw == b"\x00\x01" and raw.last_response.content_type == "application/octet-stream"
    assert empty == {} and empty.last_response.status == 202


def test_positional_arguments_are_checked() -> None:
    c = autosend.AutoSend("AS_surfaceTest1")
    with pytest.raises(TypeError, match="path parameters"):
        c.templates.get("A-1", "extra")
    with pytest.raises(autosend.ValidationError) as e:
        c.templates.get(["A-1"])
    assert e.value.field == "params" and "templateId" in str(e.value)
    with pytest.raises(autosend.ValidationError) as e:
        c.inbound.attachment("m1", 0)
    assert e.value.field == "idx"


def test_result_builder_shapes() -> None:
    lst = _result.build({"status": 200, "data": [1, 2], "attempts": 1})
    assert lst == [1, 2] and isinstance(lst, autosend.ApiResultList) and lst.last_response.status == 200
    assert _result.build({"status": 200, "data": None, "message": "ok"}) is None
    msg = _result.build({"status": 200, "data": {"message": "ok"}, "message": "ok"})
    assert msg == {"message": "ok"} and msg.last_response.message == "ok"
