"""Encrypted request bodies (JWE RSA-OAEP-256 + A256GCM): the core's output decrypted by an
independent library (jwcrypto), and the sandbox decrypting sends, bulk sends and contact
upserts across a key rotation."""

from __future__ import annotations

import asyncio
import json
import os
from typing import Any, Dict, Iterator

import pytest

import autosend
from autosend import _native
from conftest import Sandbox, _start_sandbox

from jwcrypto import jwe, jwk  # the independent JOSE implementation (test venv)

MAIL: Dict[str, Any] = {
    "from": {"email": "hello@mail.example.com"},
    "to": {"email": "ada@example.com"},
    "subject": "Encrypted from Python",
    "html": "<p>PII</p>",
}


@pytest.fixture(scope="module")
def rotating_sandbox() -> Iterator[Sandbox]:
    yield from _start_sandbox(
        "--lazy-jwks", "--jwks-rotate-after", "3", "--rate-per-second", "100000", "--rate-per-minute", "1000000"
    )


def test_an_independent_library_decrypts_what_the_core_produces() -> None:
    key = jwk.JWK.generate(kty="RSA", size=2048, kid="py-k1", use="enc", alg="RSA-OAEP-256")
    public = json.loads(key.export_public())
    client = _native.SansIoClient("AS_jwepython1", base_url="https://jwe-python.example/v1")
    call = client.call("emails.send", MAIL, 7, True)
    need = call.entropy_needed()
    assert need > 0
    call.provide_entropy(os.urandom(need))
    kind, fetch = call.poll(0)
    assert kind == "send" and fetch["url"].endswith("/jwks.json") and fetch["method"] == "GET"
    call.handle_response(1, 200, [], json.dumps({"keys": [public]}).encode())
    kind, req = call.poll(2)
    assert kind == "send" and req["url"].endswith("/mails/send")
    headers = dict(req["headers"])
    assert headers["x-payload-encryption"] == "jwe"
    assert headers["x-key-id"] == "py-k1"
    body = json.loads(req["body"])
    assert list(body) == ["encryptedData"]
    token = jwe.JWE()
    token.deserialize(body["encryptedData"], key=key)
    assert token.jose_header == {"alg": "RSA-OAEP-256", "enc": "A256GCM", "kid": "py-k1"}
    assert json.loads(token.payload) == MAIL
    assert b"PII" not in req["body"]


def test_no_entropy_means_nothing_is_sent() -> None:
    client = _native.SansIoClient("AS_jwepython2", base_url="https://jwe-python2.example/v1")
    call = client.call("emails.send", MAIL, 7, True)
    with pytest.raises(autosend.AutoSendError) as exc:
        call.poll(0)
    assert exc.value.kind == "internal"


def test_encrypted_send_bulk_upsert_across_a_rotation(rotating_sandbox: Sandbox) -> None:
    sb = rotating_sandbox
    sb.admin("POST", "/_sandbox/reset", {})
    key = sb.info["keys"]["project"][0]["key"]
    client = autosend.AutoSend(key, base_url=sb.url, ca_file=sb.ca_file, encrypt_payloads=True, timeout=120)
    assert client.emails.send(MAIL)["emailId"]
    bulk = client.emails.bulk(
        {"from": {"email": "hello@mail.example.com"}, "subject": "Bulk", "html": "<p>x</p>",
         "recipients": [{"email": "a@example.com"}, {"email": "b@example.com"}]}
    )
    assert bulk["totalRecipients"] == 2
    up = client.contacts.upsert({"email": "grace@example.com", "firstName": "Grace"})
    assert up["firstName"] == "Grace"
    for i in range(3):  # the sandbox rotated after 3: one refusal, refresh, re-send
        assert client.emails.send(dict(MAIL, subject=f"after rotation {i}"))["emailId"]
    client.request("emails.send", MAIL, encrypt=False)
    stats = sb.admin("GET", "/_sandbox/stats")
    assert len(stats["jwe_decrypted"]) == 2, stats
    assert sum(stats["jwe_decrypted"].values()) == 6
    assert stats["rejected"].get("INVALID_ENCRYPTED_PAYLOAD") == 1
    assert stats["processed"]["emails.send"] == 5
    assert stats["processed"]["contacts.upsert"] == 1
    with pytest.raises(autosend.AutoSendError):
        client.request("emails.send", MAIL, encrypt="yes")  # type: ignore[arg-type]
    with pytest.raises(autosend.AutoSendError):
        autosend.AutoSend(key, base_url=sb.url, encrypt_payloads=1)  # type: ignore[arg-type]


def test_async_client_encrypts_per_call(rotating_sandbox: Sandbox) -> None:
    sb = rotating_sandbox
    key = sb.info["keys"]["project"][0]["key"]
    before = sum(sb.admin("GET", "/_sandbox/stats")["jwe_decrypted"].values())

    async def run() -> None:
        client = autosend.AsyncAutoSend(key, base_url=sb.url, ca_file=sb.ca_file, timeout=120)
        await client.request("contacts.upsert", {"email": "x@example.com"}, encrypt=True)
        await client.request("contacts.upsert", {"email": "y@example.com"})

    asyncio.run(run())
    after = sum(sb.admin("GET", "/_sandbox/stats")["jwe_decrypted"].values())
    assert after == before + 1
