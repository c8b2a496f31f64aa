#!/usr/bin/env python3
"""Generate call_events.json: the structured events of a call (kind `call` with `events`).

Written from docs/contract.md ("Call events", and `call` for the steps) and the retry rules it
cites (api §1.5 retryAfter, contract: connect errors are always retried, 5xx on a send is not).
"""
from common import write

KEY = "AS_test123"
BASE = "https://api.autosend.com/v1"
CONTACT = {"success": True, "data": {"id": "c1", "email": "ana@example.com"}}
SEND_OK = {"success": True, "data": {"emailId": "em_1"}}
SEND = {"from": {"email": "a@example.com"}, "to": {"email": "b@example.com"}, "subject": "Hi", "html": "<p>Hi</p>"}
E500 = {"success": False, "message": "Internal error"}


def call(name, doc, endpoint, params, steps, events, **cl):
    c = {"api_key": KEY, "max_retries": 3, "retry_non_idempotent": False, "timeout_ms": 30000, "deadline_ms": None}
    c.update(cl)
    return {"name": name, "kind": "call", "doc": doc, "client": c, "endpoint": endpoint, "params": params,
            "seed": 7, "steps": steps, "events": events}


def send(at, attempt, status=None, body=None, headers=None, transport=None, body_text=None):
    s = {"at": at, "expect": {"send": {"attempt": attempt}}}
    if transport:
        s["transport_error"] = transport
    else:
        r = {"status": status, "headers": headers or {}}
        if body_text is not None:
            r["body_text"] = body_text
        else:
            r["body"] = body
        s["respond"] = r
    return s


def ev(kind, **f):
    return {"kind": kind, **f}


GET = {"endpoint": "contacts.get", "method": "GET", "path": "/v1/contacts/c1"}
POST = {"endpoint": "emails.send", "method": "POST", "path": "/v1/mails/send"}

VECTORS = [
    call("events_success_first_attempt", "contract: Call events (request, response, done)", "contacts.get", {"id": "c1"},
         [send(0, 1, 200, CONTACT, {"x-request-id": "req_1"}), {"at": 0, "expect": {"done": {"ok": True}}}],
         [ev("request", attempt=1, **GET),
          ev("response", attempt=1, status=200, request_id="req_1", duration_ms=0, **GET),
          ev("done", attempt=1, ok=True, status=200, request_id="req_1", duration_ms=0, **GET)]),
    call("events_path_without_query", "contract: Call events (path without the query string)", "templates.list",
         {"limit": 5, "templateType": "marketing"},
         [send(0, 1, 200, {"success": True, "data": []}), {"at": 0, "expect": {"done": {"ok": True}}}],
         [ev("request", endpoint="templates.list", method="GET", path="/v1/templates", attempt=1),
          ev("response", status=200, path="/v1/templates"),
          ev("done", ok=True, path="/v1/templates")]),
    call("events_429_retry_with_reason_and_wait", "contract: Call events; api §1.5 retryAfter seconds",
         "contacts.get", {"id": "c1"},
         [send(100, 1, 429, {"success": False, "message": "Too many requests", "retryAfter": 3}, {"x-request-id": "req_a"}),
          {"at": 100, "expect": {"wait": 3000}},
          send(3100, 2, 200, CONTACT, {"x-request-id": "req_b"}),
          {"at": 3100, "expect": {"done": {"ok": True}}}],
         [ev("request", attempt=1, **GET),
          ev("response", attempt=1, status=429, request_id="req_a", duration_ms=0),
          ev("retry", attempt=1, wait_ms=3000, reason="rate_limited", **GET),
          ev("request", attempt=2),
          ev("response", attempt=2, status=200, request_id="req_b"),
          ev("done", attempt=2, ok=True, status=200, request_id="req_b", duration_ms=3000)]),
    call("events_connect_error_then_success", "contract: Call events; connect errors are always retried",
         "emails.send", SEND,
         [send(0, 1, transport="connect"), {"at": 0, "expect": {"wait_min": 0, "wait_max": 1000}},
          send(1000, 2, 200, SEND_OK, {"x-request-id": "req_s"}),
          {"at": 1000, "expect": {"done": {"ok": True}}}],
         [ev("request", attempt=1, **POST),
          ev("transport_error", attempt=1, reason="connect", duration_ms=0, **POST),
          ev("retry", attempt=1, reason="connect"),
          ev("request", attempt=2, **POST),
          ev("response", attempt=2, status=200, request_id="req_s"),
          ev("done", attempt=2, ok=True, status=200, request_id="req_s", duration_ms=1000)]),
    call("events_send_500_not_retried", "contract: Call events; a 5xx on a send is not retried",
         "emails.send", SEND,
         [send(0, 1, 500, E500, {"x-request-id": "req_e"}),
          {"at": 0, "expect": {"done": {"error": "server", "status": 500, "may_have_been_delivered": True}}}],
         [ev("request", attempt=1, **POST),
          ev("response", attempt=1, status=500, request_id="req_e"),
          ev("done", attempt=1, ok=False, error="server", status=500, request_id="req_e")]),
    call("events_timeout_get_exhausted", "contract: Call events; timeouts of a GET are retried up to max_retries",
         "contacts.get", {"id": "c1"},
         [send(0, 1, transport="timeout"), {"at": 0, "expect": {"wait_min": 0, "wait_max": 1000}},
          send(1000, 2, transport="timeout"),
          {"at": 1000, "expect": {"done": {"error": "timeout"}}}],
         [ev("request", attempt=1),
          ev("transport_error", attempt=1, reason="timeout"),
          ev("retry", attempt=1, reason="timeout"),
          ev("request", attempt=2),
          ev("transport_error", attempt=2, reason="timeout"),
          ev("done", attempt=2, ok=False, error="timeout", duration_ms=1000, **GET)],
         max_retries=1),
]

if __name__ == "__main__":
    write("call_events.json", "Structured call events (docs/contract.md: Call events): kinds, order and fields.",
          ["docs/contract.md: Call events", "docs/contract.md: call", "api §1.5"], VECTORS)
