"""Sends one mail through your own HTTP code (here the standard library's urllib).

The SDK's core still builds the request (key, headers, body), keeps the rate limit, retries
and the deadline; `send` only moves bytes. Swap in requests, httpx or a test double the same
way (a requests/httpx response can be returned as it is).

Environment: AUTOSEND_API_KEY (required), AUTOSEND_BASE_URL (optional, e.g. the sandbox's
URL), AUTOSEND_CA_FILE (optional extra trusted CA, e.g. the sandbox's).
"""

import os
import socket
import ssl
import sys
import urllib.error
import urllib.request
from typing import List, Tuple

import autosend

ctx = ssl.create_default_context(cafile=os.environ.get("AUTOSEND_CA_FILE") or None)
attempts: List[str] = []


def send(request: autosend.TransportRequest) -> Tuple[int, List[Tuple[str, str]], bytes]:
    attempts.append(repr(request))  # safe to log: the repr leaves header values (the key) out
    req = urllib.request.Request(request.url, data=request.body, method=request.method, headers=request.headers_dict())
    try:
        with urllib.request.urlopen(req, context=ctx, timeout=request.timeout) as resp:
            return resp.status, list(resp.getheaders()), resp.read()
    except urllib.error.HTTPError as e:  # 4xx/5xx: an answer, the core reads it
        return e.code, list(e.headers.items()), e.read()
    except (socket.timeout, TimeoutError):
        raise autosend.TransportError("timeout") from None
    except urllib.error.URLError as e:
        # Name resolution or connect failure: nothing was sent, the core may retry.
        raise autosend.TransportError("connect", str(e.reason)) from None


def main() -> int:
    client = autosend.AutoSend(transport=send, max_retries=2)
    try:
        sent = client.emails.send(
            {
                "from": {"email": "hello@mail.example.com"},
                "to": {"email": "ada@example.com"},
                "subject": "Sent through my own HTTP client",
                "text": "Hello from a custom transport.",
            }
        )
    except autosend.AutoSendError as e:
        print(f"send failed: {e}", file=sys.stderr)
        return 1
    print("queued", sent.get("emailId"), "after", len(attempts), "attempt(s):", attempts[-1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
