#!/usr/bin/env python3
"""Generate jwe.json: payload encryption (JWE) as call vectors: key choice from the JWKS, the
key fetch (not an attempt, never authenticated), the one refresh + re-send on
INVALID_ENCRYPTED_PAYLOAD, and fetch failures that never send the body.

Written from api §1.8 (body `{"encryptedData": "<JWE compact>"}`, headers X-Payload-Encryption:
jwe and X-Key-Id, RSA-OAEP-256 + A256GCM, RSA-2048 keys from GET /v1/jwks.json, active key
first, INVALID_ENCRYPTED_PAYLOAD = 400) and docs/decisions.md (which keys are usable, the
refresh policy). Send expectations add `headers` (a subset; null = absent) and `encrypted`
(the body is exactly `{"encryptedData": <five base64url parts>}`). Runners give encrypting
calls random bytes from their CSPRNG; ciphertexts are not compared.
"""
import base64

from common import write

SEND = {"from": {"email": "hello@mail.example.com"}, "to": {"email": "customer@example.com"},
        "subject": "Hi", "html": "<p>Hi</p>"}
DOC = "api §1.8 encrypted payloads"
POLICY = "docs/decisions.md: JWE key choice and refresh"


def b64u(n):
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def modulus(bits, salt):
    # Any odd number of the right size is a valid public modulus for encryption.
    return (1 << (bits - 1)) | (int.from_bytes(bytes([salt]) * (bits // 8), "big") >> 1) | 1


def jwk(kid, bits=2048, salt=0x5A, **over):
    k = {"kty": "RSA", "n": b64u(modulus(bits, salt)), "e": "AQAB", "kid": kid, "alg": "RSA-OAEP-256", "use": "enc"}
    k.update(over)
    return {key: val for key, val in k.items() if val is not None}


def jwks(*keys):
    return {"keys": list(keys)}


N = [0]


def vec(name, doc, steps, endpoint="emails.send", params=None, **cl):
    N[0] += 1
    c = {"api_key": "AS_test123", "max_retries": 3, "retry_non_idempotent": False, "timeout_ms": 30000,
         "deadline_ms": None, "encrypt_payloads": True,
         # One base URL per vector: the key cache is shared per base URL in a process.
         "base_url": "https://jwe%d.example.com/v1" % N[0]}
    c.update(cl)
    return {"name": name, "kind": "call", "doc": doc, "client": c, "endpoint": endpoint,
            "params": SEND if params is None else params, "seed": 7, "steps": steps}


def fetch(at, attempt, status=200, body=None, transport=None):
    exp = {"attempt": attempt, "method": "GET", "url": "jwks", "headers": {"authorization": None},
           "encrypted": False}
    s = {"at": at, "expect": {"send": exp}}
    if transport:
        s["transport_error"] = transport
    else:
        s["respond"] = {"status": status, "headers": {}, "body": body}
    return s


def sealed(at, attempt, kid, status=200, body=None, path="/mails/send"):
    exp = {"attempt": attempt, "method": "POST", "url": path,
           "headers": {"x-payload-encryption": "jwe", "x-key-id": kid, "content-type": "application/json"},
           "encrypted": True}
    return {"at": at, "expect": {"send": exp}, "respond": {"status": status, "headers": {}, "body": body}}


def plain(at, attempt, method, path, status=200, body=None):
    exp = {"attempt": attempt, "method": method, "url": path,
           "headers": {"x-payload-encryption": None, "x-key-id": None}, "encrypted": False}
    return {"at": at, "expect": {"send": exp}, "respond": {"status": status, "headers": {}, "body": body}}


def done(at, **d):
    return {"at": at, "expect": {"done": d}}


def wait_between(at, lo, hi):
    return {"at": at, "expect": {"wait_min": lo, "wait_max": hi}}


OK = {"success": True, "data": {"emailId": "e1"}}
BAD = {"success": False, "error": {"code": "INVALID_ENCRYPTED_PAYLOAD", "message": "Invalid encrypted payload", "status": 400}}
VAL = {"success": False, "error": {"code": "VALIDATION_FAILED", "message": "bad", "status": 400}}
K1, K2 = jwk("key_2026_06"), jwk("key_2026_07", salt=0x3C)

V = [
    vec("jwe_fetch_keys_then_send_sealed_for_the_active_key",
        DOC + ": fetch GET /jwks.json (no key needed), the active key is listed first",
        [fetch(0, 0, body=jwks(K1, K2)), sealed(1, 1, "key_2026_06", body=OK), done(2, ok=True)]),
    vec("jwe_key_choice_skips_unusable_keys",
        POLICY + ": usable = kty RSA, use enc (or absent), alg RSA-OAEP-256 (or absent), a kid, 2048-4096 bits",
        [fetch(0, 0, body=jwks({"kty": "EC", "kid": "ec", "crv": "P-256", "x": "AA", "y": "AA"},
                               jwk("small", bits=1024), jwk("sig", use="sig"), jwk("oaep-sha1", alg="RSA-OAEP"),
                               jwk(None), jwk("no_use_no_alg", use=None, alg=None), K2)),
         sealed(1, 1, "no_use_no_alg", body=OK), done(2, ok=True)]),
    vec("jwe_no_usable_key_is_invalid_response_and_nothing_is_sent",
        POLICY + ": a key set without a usable key ends the call; the body is never sent plain",
        [fetch(0, 0, body=jwks(jwk("small", bits=1024), jwk("sig", use="sig"))),
         done(1, error="invalid_response", may_have_been_delivered=False)]),
    vec("jwe_keys_without_keys_array_is_invalid_response", POLICY,
        [fetch(0, 0, body={"data": []}), done(1, error="invalid_response", may_have_been_delivered=False)]),
    vec("jwe_invalid_encrypted_payload_refreshes_once_and_resends_once",
        DOC + ": a 400 means not processed; " + POLICY + ": drop the cached keys, fetch again, re-seal, re-send once",
        [fetch(0, 0, body=jwks(K1)), sealed(1, 1, "key_2026_06", 400, BAD),
         fetch(2, 1, body=jwks(K2)), sealed(1000, 2, "key_2026_07", body=OK), done(1001, ok=True)]),
    vec("jwe_second_invalid_encrypted_payload_ends_the_call",
        POLICY + ": one refresh per call; never a third send",
        [fetch(0, 0, body=jwks(K1)), sealed(1, 1, "key_2026_06", 400, BAD),
         fetch(2, 1, body=jwks(K1)), sealed(1000, 2, "key_2026_06", 400, BAD),
         done(1001, error="api_validation", status=400, may_have_been_delivered=False)]),
    vec("jwe_refresh_does_not_use_max_retries",
        POLICY + ": the refresh is not a retry (the request was not processed)",
        [fetch(0, 0, body=jwks(K1)), sealed(1, 1, "key_2026_06", 400, BAD),
         fetch(2, 1, body=jwks(K2)), sealed(1000, 2, "key_2026_07", body=OK), done(1001, ok=True)],
        max_retries=0),
    vec("jwe_other_400_is_not_a_refresh", DOC + ": only INVALID_ENCRYPTED_PAYLOAD asks for new keys",
        [fetch(0, 0, body=jwks(K1)), sealed(1, 1, "key_2026_06", 400, VAL),
         done(2, error="api_validation", status=400)]),
    vec("jwe_fetch_5xx_is_retried_and_nothing_was_sent",
        POLICY + ": a failed key fetch sent nothing of the call, so it is retried even for sends",
        [fetch(0, 0, 503, {"success": False, "error": {"code": "INTERNAL_SERVER_ERROR", "message": "x"}}),
         wait_between(0, 0, 1000), fetch(1000, 0, body=jwks(K1)), sealed(1001, 1, "key_2026_06", body=OK),
         done(1002, ok=True)]),
    vec("jwe_fetch_timeout_is_retried_and_nothing_was_sent", POLICY,
        [fetch(0, 0, transport="timeout"), wait_between(0, 0, 1000), fetch(1000, 0, body=jwks(K1)),
         sealed(1001, 1, "key_2026_06", body=OK), done(1002, ok=True)]),
    vec("jwe_fetch_404_ends_the_call", POLICY + ": no key set at this base URL",
        [fetch(0, 0, 404, {"success": False, "error": {"code": "NOT_FOUND", "message": "Not found"}}),
         done(1, error="not_found", status=404, may_have_been_delivered=False)]),
    vec("jwe_429_resends_the_same_sealed_body_without_a_new_fetch",
        POLICY + ": the keys stay fresh for the TTL; a 429 was not processed",
        [fetch(0, 0, body=jwks(K1)),
         sealed(1, 1, "key_2026_06", 429, {"success": False, "error": {"code": "RATE_LIMIT_EXCEEDED", "message": "x", "retryAfter": 2}}),
         {"at": 1, "expect": {"wait": 2000}}, sealed(2001, 2, "key_2026_06", body=OK), done(2002, ok=True)]),
    vec("jwe_bodyless_call_is_not_encrypted", DOC + ": only request bodies are encrypted",
        [plain(0, 1, "GET", "/contacts/c1", body={"success": True, "data": {"id": "c1"}}), done(1, ok=True)],
        endpoint="contacts.get", params={"id": "c1"}),
    vec("jwe_contacts_upsert_is_sealed", DOC + ": any /v1 body",
        [fetch(0, 0, body=jwks(K1)),
         sealed(1, 1, "key_2026_06", body={"success": True, "data": {"id": "c1"}}, path="/contacts/email"),
         done(2, ok=True)],
        endpoint="contacts.upsert", params={"email": "ana@example.com", "firstName": "Ana"}),
    vec("jwe_off_by_default", DOC + ": opt-in",
        [plain(0, 1, "POST", "/mails/send", body=OK), done(1, ok=True)], encrypt_payloads=False),
]

# The fetch URL is relative to the vector's base URL.
for v in V:
    for s in v["steps"]:
        snd = s.get("expect", {}).get("send")
        if snd and snd.get("url") == "jwks":
            snd["url"] = v["client"]["base_url"] + "/jwks.json"
        elif snd and snd.get("url", "").startswith("/"):
            snd["url"] = v["client"]["base_url"] + snd["url"]

if __name__ == "__main__":
    write("jwe.json", "Payload encryption (JWE): key choice, the key fetch, one refresh on INVALID_ENCRYPTED_PAYLOAD.",
          ["api §1.8", "docs/decisions.md: JWE"], V)
