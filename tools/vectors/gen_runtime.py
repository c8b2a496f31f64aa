#!/usr/bin/env python3
"""Generate errors.json (response kind), limiter.json and retries.json (call kind)."""
from common import ENDPOINTS, write

DATE = "Thu, 01 Jan 2026 00:00:00 GMT"  # = 1767225600 s
DATE_S = 1767225600
E15 = "api §1.5 error envelope"
MAP = "contract: error taxonomy (status mapping)"
SV = "contract: success value"

SEND_PARAMS = {"from": {"email": "hello@mail.example.com"}, "to": {"email": "customer@example.com"},
               "subject": "Hi", "html": "<p>Hi</p>"}


def resp(name, doc, status, expect, body=None, body_text=None, headers=None, endpoint="contacts.get",
         params=None):
    v = {"name": name, "kind": "response", "doc": doc, "endpoint": endpoint}
    if params is None:
        params = {"id": "c1"} if endpoint == "contacts.get" else (SEND_PARAMS if endpoint == "emails.send" else None)
    if params is not None:
        v["params"] = params
    v["status"] = status
    v["headers"] = headers or {}
    if body_text is not None:
        v["body_text"] = body_text
    else:
        v["body"] = body
    v["expect"] = expect
    return v


def err(code, message, status=None, **extra):
    e = {"message": message, "code": code}
    if status is not None:
        e["status"] = status
    e.update(extra)
    return {"success": False, "error": e}


# A details list whose first entry names no field (a summary line), then two that do.
FIRST_NAMED = [{"field": "", "message": "2 problems"}, {"field": "to.email", "message": "Invalid email"},
               {"field": "subject", "message": "Subject is required"}]

r = []
# ---------------------------------------------------------------- envelope variants
r += [
    resp("err_canonical_400_details", E15 + ": canonical object with details[{field,message}] (VALIDATION_FAILED)", 400,
         {"error": "api_validation", "status": 400, "api_code": "VALIDATION_FAILED", "message_contains": "Validation failed",
          "details": [{"field": "to.email", "message": "Invalid email"}], "request_id": "req_1"},
         body=err("VALIDATION_FAILED", "Validation failed", 400, details=[{"field": "to.email", "message": "Invalid email"}]),
         headers={"x-request-id": "req_1"}, endpoint="emails.send"),
    resp("err_details_first_named_field", E15 + " details[{field,message}]; contract: the `field` of a remote error "
         "is the first details entry with a non-empty field", 400,
         {"error": "api_validation", "status": 400, "api_code": "VALIDATION_FAILED", "field": "to.email",
          "details": FIRST_NAMED},
         body=err("VALIDATION_FAILED", "Validation failed", 400, details=FIRST_NAMED), endpoint="emails.send"),
    resp("err_canonical_no_status_field", E15 + ": error.status optional", 404,
         {"error": "not_found", "status": 404, "api_code": "CONTACT_NOT_FOUND", "message_contains": "Contact not found"},
         body=err("CONTACT_NOT_FOUND", "Contact not found")),
    resp("err_details_as_string", E15 + ": details array|string", 400,
         {"error": "api_validation", "status": 400, "api_code": "VALIDATION_ERROR", "message_contains": "Invalid request"},
         body=err("VALIDATION_ERROR", "Invalid request", 400, details="projectId must be a valid ObjectId")),
    resp("err_error_is_string", E15 + ": error as a plain string (senders create)", 409,
         {"error": "conflict", "status": 409, "message_contains": "Sender already exists"},
         body={"success": False, "error": "Sender already exists"}),
    resp("err_error_is_string_400", E15 + ": error as a plain string", 400,
         {"error": "api_validation", "status": 400, "message_contains": "Email is required"},
         body={"success": False, "error": "Email is required"}),
    resp("err_error_is_array_of_message_path", E15 + ": error as array of {message,path} (project delete)", 400,
         {"error": "api_validation", "status": 400, "message_contains": "Invalid project id",
          "details": [{"field": "projectId", "message": "Invalid project id"}]},
         body={"success": False, "error": [{"message": "Invalid project id", "path": "projectId"}]},
         endpoint="contacts.delete", params={"id": "x"}),
    resp("err_error_object_with_path", E15 + ": error object with path (inbound list)", 400,
         {"error": "api_validation", "status": 400, "message_contains": "Invalid value"},
         body={"success": False, "error": {"message": "Invalid value", "path": "limit"}}),
    resp("err_flat_message_401", E15 + ": flat {success:false,message} (api-keys page)", 401,
         {"error": "authentication", "status": 401, "message_contains": "Unauthorized"},
         body={"success": False, "message": "Unauthorized"}),
    resp("err_flat_message_403", E15 + ": flat message Forbidden", 403,
         {"error": "permission", "status": 403, "message_contains": "Forbidden"},
         body={"success": False, "message": "Forbidden"}),
    resp("err_legacy_flat_message_errors_array", E15 + ": legacy flat message + errors[{field,message}]", 400,
         {"error": "api_validation", "status": 400, "message_contains": "Validation failed",
          "details": [{"field": "subject", "message": "Subject is required"},
                      {"field": "to", "message": "Recipient is required"}]},
         body={"success": False, "message": "Validation failed",
               "errors": [{"field": "subject", "message": "Subject is required"},
                          {"field": "to", "message": "Recipient is required"}]}, endpoint="emails.send"),
    resp("err_non_json_text_500", E15 + ": tolerant parser; non-JSON body", 500,
         {"error": "server", "status": 500, "message_contains": "upstream exploded"},
         body_text="upstream exploded"),
    resp("err_non_json_text_401", E15 + ": tolerant parser; plain-text 401", 401,
         {"error": "authentication", "status": 401, "message_contains": "Unauthorized"}, body_text="Unauthorized"),
    resp("err_empty_body_500", E15 + ": empty body", 500, {"error": "server", "status": 500}, body_text=""),
    resp("err_empty_body_404", E15 + ": empty body", 404, {"error": "not_found", "status": 404}, body_text=""),
    resp("err_html_502_page", E15 + ": HTML error page from a proxy", 502, {"error": "server", "status": 502},
         body_text="<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>",
         headers={"content-type": "text/html"}),
    resp("err_json_null_body_500", E15 + ": JSON that is not an object", 500, {"error": "server", "status": 500}, body_text="null"),
    resp("err_json_array_body_400", E15 + ": JSON array body", 400, {"error": "api_validation", "status": 400},
         body=["bad"]),
    resp("err_request_id_header", "contract: request_id from the response", 500,
         {"error": "server", "request_id": "req_abc"}, body=err("INTERNAL_SERVER_ERROR", "Internal error", 500),
         headers={"x-request-id": "req_abc"}),
]
# ---------------------------------------------------------------- status mapping
r += [
    resp("status_400_api_validation", MAP, 400, {"error": "api_validation", "status": 400, "api_code": "VALIDATION_FAILED"},
         body=err("VALIDATION_FAILED", "Validation failed", 400)),
    resp("status_401_authentication", MAP + "; api §4.2", 401,
         {"error": "authentication", "status": 401, "api_code": "UNAUTHORIZED"}, body=err("UNAUTHORIZED", "Unauthorized", 401)),
    resp("status_402_plan_required", MAP + "; api §4.2", 402,
         {"error": "plan_required", "status": 402, "api_code": "PLAN_UPGRADE_REQUIRED"},
         body=err("PLAN_UPGRADE_REQUIRED", "Please upgrade your plan to access these resources.", 402)),
    resp("status_403_with_plan_code_plan_required", "contract: any status with api code PLAN_UPGRADE_REQUIRED", 403,
         {"error": "plan_required", "status": 403, "api_code": "PLAN_UPGRADE_REQUIRED"},
         body=err("PLAN_UPGRADE_REQUIRED", "Plan upgrade required", 403), endpoint="contacts.create",
         params={"email": "ana@example.com"}),
    resp("status_403_permission", MAP, 403, {"error": "permission", "status": 403, "api_code": "INSUFFICIENT_PERMISSIONS"},
         body=err("INSUFFICIENT_PERMISSIONS", "Insufficient permissions", 403)),
    resp("status_403_plan_message_without_code_is_permission", MAP + " (only the code, not the message text, selects plan_required)", 403,
         {"error": "permission", "status": 403, "message_contains": "Plan upgrade required"},
         body={"success": False, "message": "Plan upgrade required"}, endpoint="contacts.create",
         params={"email": "ana@example.com"}),
    resp("status_404_not_found", MAP, 404, {"error": "not_found", "status": 404, "api_code": "NOT_FOUND"},
         body=err("NOT_FOUND", "Not found", 404)),
    resp("status_409_conflict", MAP, 409, {"error": "conflict", "status": 409, "api_code": "EVENT_ALREADY_EXISTS"},
         body=err("EVENT_ALREADY_EXISTS", "Event already exists", 409)),
    resp("status_422_api_validation", MAP + " (HTTP 400 and 422)", 422, {"error": "api_validation", "status": 422},
         body=err("VALIDATION_FAILED", "Unprocessable", 422)),
    resp("status_429_rate_limited", MAP, 429, {"error": "rate_limited", "status": 429, "api_code": "RATE_LIMIT_EXCEEDED"},
         body=err("RATE_LIMIT_EXCEEDED", "Too many requests", 429)),
    resp("status_500_server", MAP, 500, {"error": "server", "status": 500, "api_code": "INTERNAL_SERVER_ERROR"},
         body=err("INTERNAL_SERVER_ERROR", "Internal server error", 500)),
    resp("status_500_resource_code", MAP + "; api §2.2 CONTACT_DELETION_FAILED", 500,
         {"error": "server", "status": 500, "api_code": "CONTACT_DELETION_FAILED"},
         body=err("CONTACT_DELETION_FAILED", "Could not delete", 500), endpoint="contacts.delete", params={"id": "c1"}),
    resp("status_502_server", MAP, 502, {"error": "server", "status": 502}, body={"success": False, "message": "Bad gateway"}),
    resp("status_503_server", MAP + "; api §4.2 legacy 503", 503, {"error": "server", "status": 503},
         body={"success": False, "message": "Service temporarily unavailable"}),
    resp("status_504_server", MAP + " (any 5xx)", 504, {"error": "server", "status": 504}, body_text="Gateway Timeout"),
    resp("status_418_unexpected", MAP + ": any other non-2xx", 418, {"error": "unexpected_status", "status": 418},
         body={"success": False, "message": "I'm a teapot"}),
    resp("status_405_unexpected", MAP + ": any other non-2xx", 405, {"error": "unexpected_status", "status": 405},
         body_text=""),
    resp("status_302_unexpected", MAP + ": any other non-2xx (redirects are not followed into success)", 302,
         {"error": "unexpected_status", "status": 302}, body_text="", headers={"location": "https://example.com/"}),
    # may_have_been_delivered
    resp("delivered_flag_send_500_true", "contract: non-idempotent call got a 5xx -> may_have_been_delivered", 500,
         {"error": "server", "may_have_been_delivered": True}, body=err("INTERNAL_SERVER_ERROR", "boom", 500),
         endpoint="emails.send"),
    resp("delivered_flag_send_503_html_true", "contract: may_have_been_delivered on 5xx", 503,
         {"error": "server", "may_have_been_delivered": True}, body_text="<html>503</html>", endpoint="emails.send"),
    resp("delivered_flag_bulk_500_true", "contract: emails.bulk is not retry-safe", 500,
         {"error": "server", "may_have_been_delivered": True}, body_text="", endpoint="emails.bulk",
         params={"from": {"email": "hello@mail.example.com"}, "subject": "Hi", "html": "<p>Hi</p>",
                 "recipients": [{"email": "r@example.com"}]}),
    resp("delivered_flag_contacts_create_500_true", "contract: contacts.create is not retry-safe", 500,
         {"error": "server", "may_have_been_delivered": True}, body_text="", endpoint="contacts.create",
         params={"email": "ana@example.com"}),
    resp("delivered_flag_send_400_false", "contract: a 4xx was refused, nothing was delivered", 400,
         {"error": "api_validation", "may_have_been_delivered": False}, body=err("VALIDATION_FAILED", "bad", 400),
         endpoint="emails.send"),
    resp("delivered_flag_send_429_false", "contract: 429 means the request was not processed", 429,
         {"error": "rate_limited", "may_have_been_delivered": False}, body=err("RATE_LIMIT_EXCEEDED", "slow down", 429,
                                                                              retryAfter=1), endpoint="emails.send"),
    resp("delivered_flag_get_500_false", "contract: only non-idempotent calls carry may_have_been_delivered=true", 500,
         {"error": "server", "may_have_been_delivered": False}, body_text=""),
]
# ---------------------------------------------------------------- retryAfter
RA = "api §4.1 / §6.12 retryAfter"
r += [
    resp("retry_after_nested_seconds", RA + ": inside error, seconds", 429,
         {"error": "rate_limited", "retry_after_ms": 5000, "api_code": "RATE_LIMIT_EXCEEDED"},
         body=err("RATE_LIMIT_EXCEEDED", "Too many requests", 429, retryAfter=5)),
    resp("retry_after_top_level_legacy", RA + ": legacy top-level retryAfter: 30", 429,
         {"error": "rate_limited", "retry_after_ms": 30000},
         body={"success": False, "message": "Too many requests", "retryAfter": 30}),
    resp("retry_after_nested_wins_over_top_level", RA + ": nested error.retryAfter wins", 429,
         {"error": "rate_limited", "retry_after_ms": 2000},
         body={"success": False, "retryAfter": 30, "error": {"message": "slow", "code": "RATE_LIMIT_EXCEEDED", "retryAfter": 2}}),
    resp("retry_after_fractional_seconds", RA + ": seconds may be fractional", 429,
         {"error": "rate_limited", "retry_after_ms": 1500}, body=err("RATE_LIMIT_EXCEEDED", "slow", 429, retryAfter=1.5)),
    resp("retry_after_zero", RA, 429, {"error": "rate_limited", "retry_after_ms": 0},
         body=err("RATE_LIMIT_EXCEEDED", "slow", 429, retryAfter=0)),
    resp("retry_after_epoch_seconds_with_date", RA + ": epoch seconds (>= 1e9) converted with the Date header", 429,
         {"error": "rate_limited", "retry_after_ms": 30000},
         body=err("RATE_LIMIT_EXCEEDED", "slow", 429, retryAfter=DATE_S + 30), headers={"date": DATE}),
    resp("retry_after_epoch_ms_with_date", RA + ": epoch milliseconds (>= 1e11) converted with the Date header", 429,
         {"error": "rate_limited", "retry_after_ms": 30000},
         body=err("RATE_LIMIT_EXCEEDED", "slow", 429, retryAfter=(DATE_S + 30) * 1000), headers={"date": DATE}),
    resp("retry_after_epoch_in_past_is_zero", RA + ": an epoch already passed means no wait (never negative)", 429,
         {"error": "rate_limited", "retry_after_ms": 0},
         body=err("RATE_LIMIT_EXCEEDED", "slow", 429, retryAfter=DATE_S - 10), headers={"date": DATE}),
    resp("retry_after_exactly_1e9_is_epoch", RA + ": boundary 1e9 is an epoch (year 2001, in the past -> 0)", 429,
         {"error": "rate_limited", "retry_after_ms": 0},
         body=err("RATE_LIMIT_EXCEEDED", "slow", 429, retryAfter=1000000000), headers={"date": DATE}),
    resp("retry_after_epoch_without_date_falls_back", RA + ": epoch without a Date header -> 1000 ms", 429,
         {"error": "rate_limited", "retry_after_ms": 1000},
         body=err("RATE_LIMIT_EXCEEDED", "slow", 429, retryAfter=DATE_S + 30)),
    resp("retry_after_epoch_ms_without_date_falls_back", RA + ": epoch ms without a Date header -> 1000 ms", 429,
         {"error": "rate_limited", "retry_after_ms": 1000},
         body=err("RATE_LIMIT_EXCEEDED", "slow", 429, retryAfter=(DATE_S + 30) * 1000)),
]
# ---------------------------------------------------------------- success value
r += [
    resp("ok_data_object", SV + ": data unwrapped", 200,
         {"ok": True, "data": {"emailId": "e1", "message": "Email queued successfully.", "totalRecipients": 1}},
         body={"success": True, "data": {"emailId": "e1", "message": "Email queued successfully.", "totalRecipients": 1}},
         endpoint="emails.send"),
    resp("ok_data_with_message_sibling", SV + ": envelope message is dropped when data exists", 200,
         {"ok": True, "data": {"id": "c1", "email": "ana@example.com"}},
         body={"success": True, "message": "Contact created", "data": {"id": "c1", "email": "ana@example.com"}},
         endpoint="contacts.create", params={"email": "ana@example.com"}),
    resp("ok_data_array", SV + ": data can be any JSON", 200, {"ok": True, "data": [1, 2]},
         body={"success": True, "data": [1, 2]}),
    resp("ok_data_null", SV + ": has data -> value of data, even null", 200, {"ok": True, "data": None},
         body={"success": True, "data": None}),
    resp("ok_delete_envelope_without_data", SV + ": delete -> envelope without success", 200,
         {"ok": True, "data": {"message": "Contact deleted successfully"}},
         body={"success": True, "message": "Contact deleted successfully"}, endpoint="contacts.delete",
         params={"id": "c1"}),
    resp("ok_remove_success_only", SV + "; api §2.2 remove returns {success:true} only", 200, {"ok": True, "data": {}},
         body={"success": True}, endpoint="contacts.remove", params={"emails": ["ana@example.com"]}),
    resp("ok_delete_by_user_id_envelope", SV + ": delete envelope", 200,
         {"ok": True, "data": {"message": "Contact deleted"}},
         body={"success": True, "message": "Contact deleted"}, endpoint="contacts.deleteByUserId",
         params={"userId": "u1"}),
    resp("ok_not_an_envelope_object", SV + ": JSON that is not an envelope -> as is", 200,
         {"ok": True, "data": {"emailId": "e1"}}, body={"emailId": "e1"}, endpoint="emails.send"),
    resp("ok_not_an_envelope_array", SV + ": JSON that is not an envelope -> as is", 200, {"ok": True, "data": [{"id": "p1"}]},
         body=[{"id": "p1"}]),
    resp("ok_empty_body", SV + ": empty body -> {}", 200, {"ok": True, "data": {}}, body_text=""),
    resp("ok_204_empty", SV + ": any 2xx; empty body -> {}", 204, {"ok": True, "data": {}}, body_text="",
         endpoint="contacts.delete", params={"id": "c1"}),
    resp("ok_201_data", "api §1.4: treat any 2xx as success (201 for creates)", 201,
         {"ok": True, "data": {"id": "c1"}}, body={"success": True, "data": {"id": "c1"}},
         endpoint="contacts.create", params={"email": "ana@example.com"}),
    resp("ok_202_data", "api §1.4: 202 with {success,message,data}", 202, {"ok": True, "data": {"emailId": "e1"}},
         body={"success": True, "message": "Accepted", "data": {"emailId": "e1"}}, endpoint="emails.send"),
    resp("ok_2xx_not_json_invalid_response", "contract: invalid_response (2xx whose body is not JSON)", 200,
         {"error": "invalid_response", "status": 200}, body_text="<html>OK</html>"),
    resp("ok_2xx_truncated_json_invalid_response", "contract: invalid_response", 200,
         {"error": "invalid_response", "status": 200}, body_text="{\"success\": true, \"data\": {"),
]

# A 2xx without the result's documented (required) fields: the type promises them, so the
# answer is invalid_response; a send that got a 2xx was probably processed.
MISSING = "api §2.1 send/bulk return {emailId…}/{batchId…}; decisions: a 2xx without the documented fields"
BULK_PARAMS = {"from": {"email": "hello@mail.example.com"}, "subject": "Hi", "html": "<p>Hi</p>",
               "recipients": [{"email": "r0@example.com"}]}
INV = {"error": "invalid_response", "may_have_been_delivered": True}
r += [
    resp("send_200_empty_body_invalid_response", MISSING + ": empty 200", 200, dict(INV, status=200),
         body_text="", endpoint="emails.send"),
    resp("send_204_invalid_response", MISSING + ": 204 on emails.send", 204, dict(INV, status=204),
         body_text="", endpoint="emails.send"),
    resp("send_200_empty_object_invalid_response", MISSING + ": {}", 200, dict(INV, status=200),
         body={}, endpoint="emails.send"),
    resp("send_200_envelope_without_email_id", MISSING + ": {success, data:{message}}", 200,
         dict(INV, status=200, message_contains="emailId"),
         body={"success": True, "data": {"message": "Email queued successfully."}}, endpoint="emails.send"),
    resp("send_200_null_email_id", MISSING + ": emailId null", 200, dict(INV, status=200),
         body={"success": True, "data": {"emailId": None}}, endpoint="emails.send"),
    resp("send_200_data_not_object", MISSING + ": data is a string", 200, dict(INV, status=200),
         body={"success": True, "data": "ok"}, endpoint="emails.send"),
    resp("bulk_200_without_batch_id", MISSING + ": bulk without batchId", 200,
         dict(INV, status=200, message_contains="batchId"),
         body={"success": True, "data": {"totalRecipients": 1}}, endpoint="emails.bulk", params=BULK_PARAMS),
    resp("bulk_200_with_batch_id_ok", MISSING + ": bulk with batchId", 200,
         {"ok": True, "data": {"batchId": "b1", "totalRecipients": 1}},
         body={"success": True, "data": {"batchId": "b1", "totalRecipients": 1}}, endpoint="emails.bulk",
         params=BULK_PARAMS),
    resp("get_200_empty_still_ok", MISSING + ": endpoints without required result fields keep {}", 200,
         {"ok": True, "data": {}}, body={}),
]

# ================================================================= limiter
LIM = "seed: 2 requests per second and 50 per minute per API key; contract: limiter"


def lim(name, doc, steps, limits=None, instant=True):
    v = {"name": name, "kind": "limiter", "doc": doc}
    if instant:
        v["answers"] = "instant"
    if limits:
        v["limits"] = limits
    v["steps"] = steps
    return v


def go(at, repeat=None):
    s = {"at": at, "expect": "go"}
    if repeat:
        s["repeat"] = repeat
    return s


def wait(at, ms, repeat=None):
    s = {"at": at, "expect": {"wait": ms}}
    if repeat:
        s["repeat"] = repeat
    return s


def settle(grant, at):
    return {"settle": grant, "at": at}


def refund(grant):
    return {"refund": grant}


def block(at, ms):
    return {"block": ms, "at": at}


CLOCK_JUMP_MS = 60000
# docs/decisions.md: the reading that shows a jump may itself be stale, so after a jump the
# records count this much longer (the bound on a reading's staleness that dropped calls use).
JUMP_MARGIN_MS = 250


class RefLimiter:
    """Reference model (ARCHITECTURE.md, limiter): the server counts a request when it arrives,
    somewhere between its grant and its answer. A grant is in flight until settled (its answer,
    any status, or a timeout: it arrived by then) or refunded (429 or nothing sent: never
    counted). A window of n per P ms allows a grant at `now` when fewer than n records are in
    flight or settled with arrived_by + P > now. A step back of the clock of at most 60000 ms is
    a stale reading (the latest time stands); a longer one is a jump (the timeline resumes where
    it was, as if no time had passed)."""

    def __init__(self, per_second=2, per_minute=50, second_ms=1000, minute_ms=60000):
        self.windows = [(second_ms, per_second), (minute_ms, per_minute)]
        self.flying = {}  # grant -> True
        self.settled = []  # arrived_by, timeline
        self.offset = 0
        self.last = None
        self.grants = 0
        self.blocked = 0

    def time(self, now):
        t = now + self.offset
        if self.last is None or t >= self.last:
            self.last = t
        elif self.last - t > CLOCK_JUMP_MS:
            self.offset += self.last - t
            self.settled = [x + JUMP_MARGIN_MS for x in self.settled]
            if self.blocked > self.last:
                self.blocked += JUMP_MARGIN_MS
        return self.last

    def acquire(self, now):
        t = self.time(now)
        at = max(t, self.blocked)
        k = len(self.flying)
        for size, n in self.windows:
            live = sorted([x for x in self.settled if x + size > t])
            if k >= n:
                at = max(at, t + size)  # in flight: arrives at `now` at the earliest
            elif len(live) >= n - k:
                at = max(at, live[len(live) - (n - k)] + size)
        if at > t:
            return {"wait": at - t}
        self.grants += 1
        self.flying[self.grants] = True
        return "go"

    def settle(self, grant, now):
        t = self.time(now)
        if self.flying.pop(grant, None):
            self.settled.append(t)

    def refund(self, grant):
        self.flying.pop(grant, None)

    def block(self, now, ms):
        t = self.time(now)
        self.blocked = max(self.blocked, t + ms)


L = []
L += [
    lim("lim_two_per_second_then_wait", LIM + ": the 3rd request in the same ms waits a full second",
        [go(0), go(0), wait(0, 1000)]),
    lim("lim_wait_is_exact_remaining", LIM + ": wait = exact ms until the oldest slot frees",
        [go(0), go(0), wait(1, 999), wait(250, 750), wait(999, 1)]),
    lim("lim_window_end_is_exclusive", LIM + ": a request at t counts in [t, t+1000)", [go(0), go(0), wait(999, 1), go(1000)]),
    lim("lim_staggered_boundary", LIM + ": each slot frees exactly 1000 ms after it was taken",
        [go(0), go(500), wait(999, 1), go(1000), wait(1000, 500), wait(1499, 1), go(1500), wait(1500, 500), go(2000)]),
    lim("lim_sliding_not_fixed_window", LIM + ": sliding window (a fixed per-second bucket would allow the 3rd at 1000)",
        [go(900), go(900), wait(1000, 900), wait(1899, 1), go(1900)]),
    lim("lim_wait_does_not_consume", LIM + ": a refused acquire records nothing",
        [go(0), go(0), wait(0, 1000, repeat=5), wait(500, 500, repeat=3), go(1000), go(1000), wait(1000, 1000)]),
    lim("lim_idle_resets", LIM + ": after a long idle both windows are empty",
        [go(0), go(0), go(120000), go(120000), wait(120000, 1000)]),
    lim("lim_first_request_at_large_time", LIM + ": times are arbitrary monotonic ms", [go(86400000), go(86400000), wait(86400000, 1000)]),
]
# 50 per minute at 2/s
steps = []
for s in range(25):
    steps.append(go(s * 1000, repeat=2))
steps += [wait(25000, 35000), wait(59999, 1), go(60000), go(60000), wait(60000, 1000), go(61000), go(61000),
          wait(61000, 1000)]
L.append(lim("lim_50_per_minute_full_speed", LIM + ": 50 requests at 2/s fill the minute; the 51st waits for the first to age out", steps))
# 51st spread out
steps = [go(i * 600) for i in range(50)]
steps += [wait(30000, 30000), wait(59999, 1), go(60000), wait(60000, 600), go(60600), wait(60600, 600), go(61200)]
L.append(lim("lim_51st_within_a_minute", LIM + ": 50 requests spread over 29.4 s, the 51st waits until the first is 60 s old", steps))
# 50th at 59999
steps = [go(0)] + [go(1000 + i * 1200) for i in range(48)] + [go(59999), wait(59999, 1), go(60000), wait(60000, 1000)]
L.append(lim("lim_per_minute_exact_boundary", LIM + ": request at 0 counts in [0, 60000); a slot frees at exactly 60000", steps))
ARR = ("issue 14 item 3 / contract: limiter — the server counts a request when it arrives, somewhere between its "
       "grant and its answer")
L += [
    lim("lim_both_windows_max_wait", LIM + ": when both windows are full the wait is the larger one",
        [go(0), go(500), wait(500, 500), go(1000), wait(1000, 59000)], limits={"per_second": 2, "per_minute": 3}),
    lim("lim_custom_per_second", "contract: limits are configurable", [go(0, repeat=5), wait(0, 1000), go(1000, repeat=5), wait(1500, 500)],
        limits={"per_second": 5, "per_minute": 50}),
    lim("lim_custom_per_minute_only_binds", "contract: limits are configurable",
        [go(0, repeat=10), wait(0, 60000), wait(30000, 30000), go(60000, repeat=10), wait(60000, 60000)],
        limits={"per_second": 100, "per_minute": 10}),
    lim("lim_per_second_1", "contract: limits are configurable", [go(0), wait(0, 1000), wait(999, 1), go(1000), wait(1000, 1000)],
        limits={"per_second": 1, "per_minute": 50}),
    lim("lim_scaled_windows", "contract: second_ms/minute_ms match a sandbox's --time-scale (10: 100 ms / 6000 ms)",
        [go(0), go(0), wait(0, 100), go(100), go(100), wait(150, 50)] + [go(200 + 50 * i) for i in range(6)] + [wait(500, 5500)],
        limits={"per_second": 2, "per_minute": 10, "second_ms": 100, "minute_ms": 6000}),
    lim("lim_clock_backwards_no_extra_slots", LIM + "; brief: a clock that goes backwards must not allow extra requests (a step back is a stale reading: the latest time stands)",
        [go(1000), go(1000), wait(500, 1000), wait(0, 1000), go(2000), go(2000), wait(2000, 1000)]),
    lim("lim_clock_backwards_far", LIM + "; a step back of a minute is still a stale reading: neither unblocks nor grants extra",
        [go(60000), go(60000), wait(0, 1000), go(61000), go(5000), wait(5000, 1000), go(62000)]),
    lim("lim_clock_small_step_back_waits_for_the_latest_time", LIM + ": a step back of at most 60000 ms is a stale reading; the window frees 1000 ms after the latest time seen",
        [go(1000), go(400), wait(400, 1000), wait(1399, 601), go(2000)]),
    lim("lim_clock_jump_back_resumes", LIM + ": a jump back of more than 60000 ms counts as no time passing; the timeline resumes where it was, and the records count 250 ms longer (the reading that shows the jump may be stale; docs/decisions.md)",
        [go(100000), go(100000), wait(20000, 1250), wait(20999, 251), wait(21000, 250), go(21250)]),
    lim("lim_clock_jump_seen_by_a_stale_reading", ARR + ": a jump back seen by a 24 ms stale reading frees no slot before a full second of real time after the answer, plus the 250 ms jump margin",
        [go(500000), go(500000), settle(1, 500000), wait(439976, 1250), wait(440984, 242), go(441226)], instant=False),
    # Arrival-aware: grants are in flight until settled or refunded.
    lim("lim_arrival_bounded_by_answer", ARR + ": a slot frees 1000 ms after the ANSWER (a cold first request answered at 360 may have arrived at 359)",
        [go(0), go(0), settle(1, 360), settle(2, 380), wait(1000, 360), wait(1359, 1), go(1360)], instant=False),
    lim("lim_in_flight_holds_its_slot", ARR + ": a grant in flight may still arrive now; the wait is a lower bound",
        [go(0), wait(5000, 1000), settle(1, 5000), wait(5999, 1), go(6000)],
        limits={"per_second": 1, "per_minute": 50}, instant=False),
    lim("lim_in_flight_lower_bound_then_settled", ARR + ": while both fly the wait is the window from now; once settled, from their answers",
        [go(0), go(0), wait(0, 1000), settle(1, 200), wait(300, 900), settle(2, 250), wait(300, 900), wait(1199, 1),
         go(1200), wait(1200, 100)], instant=False),
    lim("lim_refund_429_frees_the_slot", ARR + ": a 429 was not counted by the server: refunded, its slot is free",
        [go(0), go(0), refund(1), settle(2, 10), go(10), wait(10, 1000)], instant=False),
    lim("lim_refund_keeps_the_minute_budget", ARR + ": a refused attempt does not consume the per-minute budget",
        [go(0), settle(1, 0), go(0), settle(2, 0), go(0), refund(3), go(0), settle(4, 0), wait(0, 60000)],
        limits={"per_second": 3, "per_minute": 3}, instant=False),
    lim("lim_connect_error_refunded", ARR + ": nothing sent (connect error): refunded",
        [go(0), refund(1), go(0), refund(2), go(0), go(0), wait(0, 1000)], instant=False),
    lim("lim_settle_unknown_or_twice_ignored", ARR + ": settling or refunding a finished or unknown grant changes nothing",
        [go(0), settle(1, 0), settle(1, 0), settle(7, 0), refund(1), refund(9), go(0), settle(2, 0), wait(0, 1000)],
        instant=False),
    lim("lim_stale_settle_uses_latest_time", ARR + ": an answer time older than the latest time seen counts as the latest",
        [go(10000), go(10000), settle(1, 10500), settle(2, 10100), wait(11400, 100), go(11500)], instant=False),
    lim("lim_server_block_precise", "issue 14 item 3: the server's precise wait (289 ms) blocks the key exactly that long",
        [block(0, 289), wait(0, 289), wait(288, 1), go(289)], instant=False),
    lim("lim_server_block_only_tightens", LIM + ": feedback only tightens; a shorter block changes nothing",
        [block(0, 3000), block(0, 100), wait(100, 2900), go(3000)], instant=False),
]
for v in L:  # verify against the reference model
    ref = RefLimiter(**(v.get("limits") or {}))
    for i, s in enumerate(v["steps"]):
        if "settle" in s:
            ref.settle(s["settle"], s["at"])
            continue
        if "refund" in s:
            ref.refund(s["refund"])
            continue
        if "block" in s:
            ref.block(s["at"], s["block"])
            continue
        for _ in range(s.get("repeat", 1)):
            got = ref.acquire(s["at"])
            assert got == s["expect"], (v["name"], i, s, got)
            if got == "go" and v.get("answers") == "instant":
                ref.settle(ref.grants, s["at"])

# ================================================================= calls
CALL = "contract: call vectors"
RETRY = "contract: retry rules (full jitter, base 1000 ms, cap 20000 ms)"


def call(name, doc, endpoint, steps, params=None, **cl):
    c = {"api_key": "AS_test123", "max_retries": 3, "retry_non_idempotent": False, "timeout_ms": 30000,
         "deadline_ms": None}
    c.update(cl)
    if params is None:
        params = {"id": "c1"} if endpoint in ("contacts.get", "contacts.delete") else SEND_PARAMS
    return {"name": name, "kind": "call", "doc": doc, "client": c, "endpoint": endpoint, "params": params, "seed": 7,
            "steps": steps}


def send(at, attempt, status=None, body=None, body_text=None, headers=None, transport=None, method=None, url=None):
    exp = {"attempt": attempt}
    if method:
        exp["method"] = method
    if url:
        exp["url"] = url
    s = {"at": at, "expect": {"send": exp}}
    if transport:
        s["transport_error"] = transport
    else:
        rr = {"status": status, "headers": headers or {}}
        if body_text is not None:
            rr["body_text"] = body_text
        else:
            rr["body"] = body
        s["respond"] = rr
    return s


def cwait(at, ms):
    return {"at": at, "expect": {"wait": ms}}


def jwait(at, cap):
    return {"at": at, "expect": {"wait_min": 0, "wait_max": cap}}


def done(at, **d):
    return {"at": at, "expect": {"done": d}}


OK_CONTACT = {"success": True, "data": {"id": "c1", "email": "ana@example.com"}}
OK_SEND = {"success": True, "data": {"emailId": "e1", "message": "Email queued successfully.", "totalRecipients": 1}}
E500 = err("INTERNAL_SERVER_ERROR", "Internal server error", 500)


def r429(ra):
    return err("RATE_LIMIT_EXCEEDED", "Too many requests", 429, retryAfter=ra)


U = "https://api.autosend.com/v1"
C = []
C += [
    call("call_get_ok_first_try", CALL, "contacts.get",
         [send(0, 1, 200, OK_CONTACT, method="GET", url=U + "/contacts/c1"), done(0, ok=True, data=OK_CONTACT["data"])]),
    call("call_send_ok_first_try", CALL, "emails.send",
         [send(0, 1, 200, OK_SEND, method="POST", url=U + "/mails/send"), done(0, ok=True, data=OK_SEND["data"])]),
    # 429
    call("call_429_retry_after_exact_wait", "api §4.1: wait retryAfter seconds then retry; brief: exact wait", "contacts.get",
         [send(0, 1, 429, r429(2)), cwait(0, 2000), cwait(500, 1500), send(2000, 2, 200, OK_CONTACT),
          done(2000, ok=True, data=OK_CONTACT["data"])]),
    call("call_429_top_level_retry_after", "api §1.5 legacy top-level retryAfter", "contacts.get",
         [send(0, 1, 429, {"success": False, "message": "Too many requests", "retryAfter": 3}), cwait(0, 3000),
          send(3000, 2, 200, OK_CONTACT), done(3000, ok=True, data=OK_CONTACT["data"])]),
    call("call_429_retry_after_not_capped", "contract brief: for 429 the wait is exactly retryAfter (the 20 s cap is for backoff only)",
         "contacts.get", [send(0, 1, 429, r429(30)), cwait(0, 30000), send(30000, 2, 200, OK_CONTACT),
                          done(30000, ok=True, data=OK_CONTACT["data"])]),
    call("call_429_retry_after_at_two_minutes_waited", "decisions: a 429 asking for up to 120 s is waited out (within the call's deadline)", "contacts.get",
         [send(0, 1, 429, r429(120)), cwait(0, 120000), send(120000, 2, 200, OK_CONTACT),
          done(120000, ok=True, data=OK_CONTACT["data"])], deadline_ms=600000),
    call("call_default_deadline_refuses_a_longer_wait",
         "decisions: without deadline_ms a call has the default deadline (90 s): a 100 s server wait ends it at once with deadline_exceeded, nothing re-sent",
         "contacts.get", [send(0, 1, 429, r429(100)), done(0, error="deadline_exceeded", status=429, retry_after_ms=100000,
                                                           may_have_been_delivered=False)]),
    call("call_default_deadline_allows_a_minute_wait",
         "decisions: the default deadline (90 s) covers a full minute window of waiting plus an attempt",
         "contacts.get", [send(0, 1, 429, r429(60)), cwait(0, 60000), send(60000, 2, 200, OK_CONTACT),
                          done(60000, ok=True, data=OK_CONTACT["data"])]),
    call("call_429_retry_after_beyond_two_minutes_returned",
         "decisions: a 429 asking for more than 120 s is returned to the caller (rate_limited with retry_after_ms) instead of blocking",
         "contacts.get", [send(0, 1, 429, r429(600)), done(0, error="rate_limited", status=429, retry_after_ms=600000)]),
    call("call_429_epoch_retry_after_with_date", "api §6.12: epoch retryAfter converted with the Date header", "contacts.get",
         [send(0, 1, 429, r429(DATE_S + 3), headers={"date": DATE}), cwait(0, 3000), send(3000, 2, 200, OK_CONTACT),
          done(3000, ok=True, data=OK_CONTACT["data"])]),
    call("call_429_epoch_without_date_waits_1000", "contract brief: epoch retryAfter without Date -> 1000 ms", "contacts.get",
         [send(0, 1, 429, r429(DATE_S + 3)), cwait(0, 1000), send(1000, 2, 200, OK_CONTACT),
          done(1000, ok=True, data=OK_CONTACT["data"])]),
    call("call_429_without_retry_after_backoff", RETRY + " (no retryAfter: the backoff bound applies)", "contacts.get",
         [send(0, 1, 429, err("RATE_LIMIT_EXCEEDED", "Too many requests", 429)), jwait(0, 1000),
          send(1000, 2, 200, OK_CONTACT), done(1000, ok=True, data=OK_CONTACT["data"])]),
    call("call_429_on_send_is_retried", "api §4.2: 429 = not processed, so retrying emails.send is safe", "emails.send",
         [send(0, 1, 429, r429(1)), cwait(0, 1000), send(1000, 2, 200, OK_SEND), done(1000, ok=True, data=OK_SEND["data"])]),
    call("call_429_exhausts_max_retries", "contract: rate_limited after retries are used up", "contacts.get",
         [send(0, 1, 429, r429(1)), cwait(0, 1000), send(1000, 2, 429, r429(1)), cwait(1000, 1000),
          send(2000, 3, 429, r429(4)),
          done(2000, error="rate_limited", status=429, api_code="RATE_LIMIT_EXCEEDED", retry_after_ms=4000)],
         max_retries=2),
    call("call_429_refused_attempts_hold_no_slot", "decisions: a 429 was not counted by the server, so the refused "
         "attempts are refunded: the retry waits exactly the server's wait (the limiter would otherwise demand 1000 ms "
         "after two attempts)",
         "contacts.get",
         [send(0, 1, 429, r429(0.2)), cwait(0, 200), send(200, 2, 429, r429(0.2)), cwait(200, 200),
          send(400, 3, 200, OK_CONTACT), done(400, ok=True, data=OK_CONTACT["data"])]),
    # connect
    call("call_connect_error_get_retried", RETRY + "; contract: connect = nothing reached the server", "contacts.get",
         [send(0, 1, transport="connect"), jwait(0, 1000), send(1000, 2, 200, OK_CONTACT),
          done(1000, ok=True, data=OK_CONTACT["data"])]),
    call("call_connect_error_send_retried", "contract: connect error is safe to retry even for emails.send", "emails.send",
         [send(0, 1, transport="connect"), jwait(0, 1000), send(1000, 2, 200, OK_SEND), done(1000, ok=True, data=OK_SEND["data"])]),
    call("call_connect_error_send_exhausted_not_delivered", "contract: connect -> may_have_been_delivered false", "emails.send",
         [send(0, 1, transport="connect"), jwait(0, 1000), send(1000, 2, transport="connect"),
          done(1000, error="connect", may_have_been_delivered=False)], max_retries=1),
    # 5xx on GET
    call("call_5xx_get_retried_jitter", RETRY + ": retry n waits in [0, min(20000, 1000*2^(n-1))]", "contacts.get",
         [send(0, 1, 500, E500), jwait(0, 1000), send(1000, 2, 503, body_text=""), jwait(1000, 2000),
          send(3000, 3, 502, body_text="<html>502</html>"), jwait(3000, 4000), send(7000, 4, 200, OK_CONTACT),
          done(7000, ok=True, data=OK_CONTACT["data"])]),
    call("call_5xx_backoff_cap_20000", RETRY + ": the cap bounds retry 6 (32000 -> 20000)", "contacts.get",
         [send(0, 1, 500, E500), jwait(0, 1000), send(1000, 2, 500, E500), jwait(1000, 2000),
          send(3000, 3, 500, E500), jwait(3000, 4000), send(7000, 4, 500, E500), jwait(7000, 8000),
          send(15000, 5, 500, E500), jwait(15000, 16000), send(31000, 6, 500, E500), jwait(31000, 20000),
          send(51000, 7, 500, E500), done(51000, error="server", status=500, may_have_been_delivered=False)],
         max_retries=6),
    call("call_5xx_delete_retried", "contract: contacts.delete is retry-safe", "contacts.delete",
         [send(0, 1, 503, body_text=""), jwait(0, 1000), send(1000, 2, 200, {"success": True, "message": "Contact deleted"}),
          done(1000, ok=True, data={"message": "Contact deleted"})]),
    call("call_5xx_upsert_retried", "contract: contacts.upsert is retry-safe (POST)", "contacts.upsert",
         [send(0, 1, 500, E500), jwait(0, 1000), send(1000, 2, 200, OK_CONTACT), done(1000, ok=True, data=OK_CONTACT["data"])],
         params={"email": "ana@example.com"}),
    call("call_timeout_get_retried", "contract: GET is retry-safe after a timeout", "contacts.get",
         [send(0, 1, transport="timeout"), jwait(0, 1000), send(1000, 2, 200, OK_CONTACT),
          done(1000, ok=True, data=OK_CONTACT["data"])]),
    call("call_connection_lost_get_exhausted", "contract: connection_lost on an idempotent call", "contacts.get",
         [send(0, 1, transport="connection_lost"), jwait(0, 1000), send(1000, 2, transport="connection_lost"),
          done(1000, error="connection_lost", may_have_been_delivered=False)], max_retries=1),
    # non-idempotent not retried
    call("call_send_500_not_retried", "contract: may_have_been_delivered; not retried unless retry_non_idempotent", "emails.send",
         [send(0, 1, 500, E500), done(0, error="server", status=500, may_have_been_delivered=True)]),
    call("call_send_502_html_not_retried", "contract: may_have_been_delivered", "emails.send",
         [send(0, 1, 502, body_text="<html>502 Bad Gateway</html>"), done(0, error="server", status=502, may_have_been_delivered=True)]),
    call("call_send_timeout_not_retried", "contract: timeout after the request was sent", "emails.send",
         [send(0, 1, transport="timeout"), done(0, error="timeout", may_have_been_delivered=True)]),
    call("call_send_connection_lost_not_retried", "contract: connection broke after the request was sent", "emails.send",
         [send(0, 1, transport="connection_lost"), done(0, error="connection_lost", may_have_been_delivered=True)]),
    call("call_bulk_500_not_retried", "contract: emails.bulk not retry-safe", "emails.bulk",
         [send(0, 1, 500, E500), done(0, error="server", may_have_been_delivered=True)],
         params={"from": {"email": "hello@mail.example.com"}, "subject": "Hi", "html": "<p>Hi</p>",
                 "recipients": [{"email": "r@example.com"}]}),
    call("call_contacts_create_timeout_not_retried", "contract: contacts.create not retry-safe", "contacts.create",
         [send(0, 1, transport="timeout"), done(0, error="timeout", may_have_been_delivered=True)],
         params={"email": "ana@example.com"}),
    call("call_bulk_update_connection_lost_not_retried", "contract: contacts.bulkUpdate not retry-safe", "contacts.bulkUpdate",
         [send(0, 1, transport="connection_lost"), done(0, error="connection_lost", may_have_been_delivered=True)],
         params={"contacts": [{"email": "ana@example.com"}]}),
    call("call_projects_create_500_not_retried", "contract: projects.create not retry-safe", "projects.create",
         [send(0, 1, 500, E500), done(0, error="server", may_have_been_delivered=True)], params={"name": "A"},
         api_key="ASA_acct456"),
    # opt-in
    call("call_send_500_retried_with_opt_in", "contract: retry_non_idempotent opts in", "emails.send",
         [send(0, 1, 500, E500), jwait(0, 1000), send(1000, 2, 200, OK_SEND), done(1000, ok=True, data=OK_SEND["data"])],
         retry_non_idempotent=True),
    call("call_send_timeout_retried_with_opt_in", "contract: retry_non_idempotent opts in", "emails.send",
         [send(0, 1, transport="timeout"), jwait(0, 1000), send(1000, 2, 200, OK_SEND), done(1000, ok=True, data=OK_SEND["data"])],
         retry_non_idempotent=True),
    call("call_send_opt_in_exhausted_still_flags_delivery", "contract: may_have_been_delivered stays true", "emails.send",
         [send(0, 1, 500, E500), jwait(0, 1000), send(1000, 2, transport="connection_lost"),
          done(1000, error="connection_lost", may_have_been_delivered=True)], max_retries=1, retry_non_idempotent=True),
    # max_retries semantics
    call("call_max_retries_0_one_attempt", "contract brief: max_retries 0 = exactly one attempt", "contacts.get",
         [send(0, 1, 500, E500), done(0, error="server", status=500)], max_retries=0),
    call("call_max_retries_0_connect", "contract brief: max_retries 0 = exactly one attempt", "contacts.get",
         [send(0, 1, transport="connect"), done(0, error="connect", may_have_been_delivered=False)], max_retries=0),
    call("call_max_retries_0_429", "contract brief: max_retries 0; rate_limited reports retry_after_ms", "contacts.get",
         [send(0, 1, 429, r429(7)), done(0, error="rate_limited", status=429, retry_after_ms=7000)], max_retries=0),
    call("call_max_retries_counts_retries", "contract brief: max_retries 1 = 2 attempts (unlike the Node SDK, api §5.3)",
         "contacts.get",
         [send(0, 1, 500, E500), jwait(0, 1000), send(1000, 2, 500, E500), done(1000, error="server", status=500)],
         max_retries=1),
    # 4xx not retried
    call("call_400_not_retried", "contract: 4xx not retried", "contacts.get",
         [send(0, 1, 400, err("VALIDATION_FAILED", "bad", 400)), done(0, error="api_validation", status=400)]),
    call("call_401_not_retried", "contract: 4xx not retried", "contacts.get",
         [send(0, 1, 401, {"success": False, "message": "Unauthorized"}), done(0, error="authentication", status=401)]),
    call("call_404_not_retried", "contract: 4xx not retried", "contacts.get",
         [send(0, 1, 404, err("CONTACT_NOT_FOUND", "Contact not found", 404)),
          done(0, error="not_found", status=404, api_code="CONTACT_NOT_FOUND")]),
    call("call_409_not_retried", "contract: 4xx not retried", "contacts.create",
         [send(0, 1, 409, {"success": False, "error": "Contact already exists"}),
          done(0, error="conflict", status=409, may_have_been_delivered=False)], params={"email": "ana@example.com"}),
    call("call_418_not_retried", "contract: unexpected_status not retried", "contacts.get",
         [send(0, 1, 418, body_text=""), done(0, error="unexpected_status", status=418)]),
    call("call_2xx_not_json_not_retried", "contract: invalid_response", "contacts.get",
         [send(0, 1, 200, body_text="OK"), done(0, error="invalid_response", status=200)]),
    # deadline
    call("call_deadline_passed_during_backoff", "contract: deadline_exceeded; no new attempt after the deadline", "contacts.get",
         [send(0, 1, 500, E500), jwait(0, 1000), done(1600, error="deadline_exceeded")], deadline_ms=1500),
    call("call_deadline_passed_during_429_wait", "contract: deadline_exceeded", "contacts.get",
         [send(0, 1, 429, r429(1)), cwait(0, 1000), done(2500, error="deadline_exceeded")], deadline_ms=2000),
    call("call_deadline_not_reached", "contract: the deadline does not interfere before it passes", "contacts.get",
         [send(0, 1, 429, r429(1)), cwait(0, 1000), send(1000, 2, 429, r429(1)), cwait(1000, 1000),
          send(2000, 3, 200, OK_CONTACT), done(2000, ok=True, data=OK_CONTACT["data"])], deadline_ms=3000),
]

# DELETE retried after an unknown outcome, then 404: it is gone (our earlier attempt, or someone
# else, deleted it). The goal of a delete is reached: success with already_gone.
GONE = "brief: an idempotent DELETE retried after an unknown outcome (timeout/5xx/connection_lost) that gets 404 succeeds with already_gone"
E404 = err("CONTACT_NOT_FOUND", "Contact not found", 404)
DEL_OK = {"success": True, "message": "Contact deleted successfully"}
C += [
    call("call_delete_404_first_attempt_not_found", GONE + "; a 404 on the first attempt stays not_found", "contacts.delete",
         [send(0, 1, 404, E404), done(0, error="not_found", status=404, api_code="CONTACT_NOT_FOUND")]),
    call("call_delete_ok_not_already_gone", GONE + "; a plain success is not already_gone", "contacts.delete",
         [send(0, 1, 200, DEL_OK), done(0, ok=True, data={"message": "Contact deleted successfully"}, already_gone=False)]),
    call("call_delete_404_after_timeout_already_gone", GONE, "contacts.delete",
         [send(0, 1, transport="timeout"), jwait(0, 1000), send(1000, 2, 404, E404), done(1000, ok=True, already_gone=True)]),
    call("call_delete_404_after_500_already_gone", GONE, "contacts.delete",
         [send(0, 1, 500, E500), jwait(0, 1000), send(1000, 2, 404, E404), done(1000, ok=True, already_gone=True)]),
    call("call_delete_404_after_connection_lost_already_gone", GONE, "contacts.delete",
         [send(0, 1, transport="connection_lost"), jwait(0, 1000), send(1000, 2, 404, E404),
          done(1000, ok=True, already_gone=True)]),
    call("call_delete_404_after_timeout_then_500_already_gone", GONE + " (any earlier unknown outcome counts)",
         "contacts.delete",
         [send(0, 1, transport="timeout"), jwait(0, 1000), send(1000, 2, 503, body_text=""), jwait(1000, 2000),
          send(3000, 3, 404, E404), done(3000, ok=True, already_gone=True)]),
    call("call_delete_by_user_id_404_after_timeout_already_gone", GONE, "contacts.deleteByUserId",
         [send(0, 1, transport="timeout"), jwait(0, 1000), send(1000, 2, 404, E404), done(1000, ok=True, already_gone=True)],
         params={"userId": "u1"}),
    call("call_projects_delete_404_after_5xx_already_gone", GONE, "projects.delete",
         [send(0, 1, 502, body_text=""), jwait(0, 1000), send(1000, 2, 404, err("PROJECT_NOT_FOUND", "Project not found", 404)),
          done(1000, ok=True, already_gone=True)], params={"projectId": "665f1c2ab3d4e5f6a7b8c9d0"},
         api_key="ASA_acct456", project_id="665f1c2ab3d4e5f6a7b8c9d0"),
    call("call_delete_404_after_connect_error_not_found", GONE + "; a connect error reached nothing, so the 404 is real",
         "contacts.delete",
         [send(0, 1, transport="connect"), jwait(0, 1000), send(1000, 2, 404, E404), done(1000, error="not_found", status=404)]),
    call("call_delete_404_after_429_not_found", GONE + "; a 429 was not processed, so the 404 is real", "contacts.delete",
         [send(0, 1, 429, r429(1)), cwait(0, 1000), send(1000, 2, 404, E404), done(1000, error="not_found", status=404)]),
    call("call_get_404_after_timeout_stays_not_found", GONE + "; only DELETE: a read that finds nothing is not found",
         "contacts.get",
         [send(0, 1, transport="timeout"), jwait(0, 1000), send(1000, 2, 404, E404), done(1000, error="not_found", status=404)]),
]

if __name__ == "__main__":
    write("errors.json", "Response parsing: every error-envelope variant, status mapping, retryAfter and the success value.",
          ["api §1.4, §1.5, §4.1, §4.2, §6.11-13", "docs/contract.md: Error taxonomy, Success value"], r)
    write("limiter.json", "Client-side sliding-window limiter: 2 per 1000 ms and 50 per 60000 ms by default.",
          ["seed: Rate Limiting", "api §4.1", "docs/contract.md: limiter"], L)
    write("retries.json", "Call state machine: retries, waits, may_have_been_delivered, max_retries and deadline.",
          ["api §4.1, §4.2", "docs/contract.md: Error taxonomy, call vectors"], C)
