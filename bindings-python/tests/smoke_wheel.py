"""Smoke test of an installed (or unzipped) wheel on any platform, without network or sandbox:
imports the extension, runs one call through the core's call loop with a scripted transport
(a 503 retried, then a 200), signs a webhook body, and checks that a bad proxy is refused
by the core. Used by scripts/package.sh for every wheel it can run (x86_64 natively, aarch64
under qemu-user). Prints one line; exits non-zero on failure."""

import json
import platform
import sys

import autosend
from autosend import _native

seen = []


def send(request):
    seen.append(request)
    if len(seen) == 1:
        return 503, {}, b""
    return 200, {"x-request-id": "smoke"}, json.dumps({"success": True, "data": {"id": "c-smoke"}}).encode()


client = autosend.AutoSend("AS_smoketest0123456789", transport=send)
got = client.contacts.get("c-smoke")
assert got["id"] == "c-smoke" and got.last_response.attempts == 2, got
assert seen[0].method == "GET" and seen[0].url.endswith("/contacts/c-smoke")

assert autosend.webhooks.sign(b"{}", "whsec_smoke")  # HMAC in the native module

try:
    autosend.AutoSend("AS_smoketest0123456789", proxy="socks5://127.0.0.1:1")
    raise SystemExit("a socks5 proxy was accepted")
except autosend.ConfigurationError as e:
    assert e.field == "proxy", e

print(f"smoke ok: autosend {autosend.__version__} on {platform.machine()} {sys.implementation.name} {platform.python_version()} ({_native.__file__.rsplit('/', 1)[-1]})")
