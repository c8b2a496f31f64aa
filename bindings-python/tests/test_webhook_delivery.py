"""Webhook delivery end to end (issue 16): register a loopback webhook with webhooks.create,
send a mail, receive the sandbox's signed ``email.delivered`` on a tiny HTTP server in this
test, verify it with the SDK's own ``autosend.webhooks.verify``, and find it in webhooks.logs."""

from __future__ import annotations

import http.server
import queue
import threading
from typing import Any, Dict, List, Tuple

import pytest

import autosend
from autosend import webhooks

from conftest import Sandbox, wait_until


def _receiver() -> Tuple[str, "queue.Queue[Tuple[Dict[str, str], bytes]]", http.server.HTTPServer]:
    got: "queue.Queue[Tuple[Dict[str, str], bytes]]" = queue.Queue()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()
            got.put(({k: v for k, v in self.headers.items()}, body))

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/autosend", got, server


def test_registered_webhook_receives_and_verifies_signed_email_delivered(
    sandbox: Sandbox, new_key: Any
) -> None:
    url, got, server = _receiver()
    client = autosend.AutoSend(new_key()["key"], base_url=sandbox.url, ca_file=sandbox.ca_file)
    hook = client.webhooks.create(url=url, events=["email.delivered"])["webhook"]
    try:
        sent = client.emails.send(
            {
                "from": {"email": "hello@mail.example.com"},
                "to": {"email": "ada@example.com"},
                "subject": "webhook e2e",
                "html": "<p>hi</p>",
            }
        )
        headers, body = got.get(timeout=20)
        event = webhooks.verify(body, headers, hook["secret"])
        assert event["type"] == "email.delivered"
        assert event["data"]["emailId"] == sent["emailId"]
        assert event["deliveryId"]
        with pytest.raises(autosend.WebhookVerificationError):
            webhooks.verify(b" " + body[1:], headers, hook["secret"])
        with pytest.raises(autosend.WebhookVerificationError):
            webhooks.verify(body, headers, "whsec_other")

        logs: List[Any] = []

        def delivered() -> bool:
            logs[:] = client.webhooks.logs(hook["id"]).items
            return bool(logs) and logs[0]["success"] is True

        assert wait_until(delivered, timeout=10), logs
        assert logs[0]["event"] == "email.delivered"
        assert logs[0]["jobId"] == event["deliveryId"]
    finally:
        # The sandbox is shared by the session: later sends must not go to a closed port.
        client.webhooks.delete(hook["id"])
        server.shutdown()
