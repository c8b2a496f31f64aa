#!/usr/bin/env python3
"""Generate tests/vectors/webhooks.json with real HMAC-SHA256 signatures.

Scheme (api §3.3/§3.4, docs others/webhooks/verify-requests): signature = lowercase hex
HMAC-SHA256(key = webhook secret as UTF-8, incl. its `whsec_` prefix, msg = raw body bytes);
X-Webhook-Timestamp = epoch milliseconds; replay guard 5 min past / 1 min future.
"""
import hashlib
import hmac
import json

from common import write

SECRET = "whsec_k7Pq2Vx9Lm4Tz8Rb3Nc6Hd1Fg5Jw0Ys"
NOW = 1767225600000  # 2026-01-01T00:00:00Z
V = "api §3.4 signature scheme"
T = "api §3.4 replay guard (5 min past, 1 min future); contract: webhook_timestamp"


def sig(body, secret=SECRET):
    return hmac.new(secret.encode("utf-8"), body.encode("utf-8"), hashlib.sha256).hexdigest()


def envelope(typ, data, created="2026-01-01T00:00:00.000Z"):
    return json.dumps({"type": typ, "createdAt": created, "data": data}, separators=(",", ":"), ensure_ascii=False)


def hdrs(body, ts=NOW, signature=None, event=None, delivery="job_123"):
    h = {"x-webhook-signature": sig(body) if signature is None else signature, "x-webhook-timestamp": str(ts)}
    if event:
        h["x-webhook-event"] = event
    h["x-webhook-delivery-id"] = delivery
    h["content-type"] = "application/json"
    return h


def wh(name, doc, body, headers, expect, secret=SECRET, now=NOW, options=None):
    v = {"name": name, "kind": "webhook", "doc": doc, "body": body, "headers": headers, "secret": secret,
         "now_ms": now}
    if options:
        v["options"] = options
    v["expect"] = expect
    return v


EMAIL = {"emailId": "665f1c2ab3d4e5f6a7b8c9d1", "from": "hello@mail.example.com",
         "to": {"email": "customer@example.com", "name": "Customer"}, "subject": "Welcome", "test": False}
EVENTS = [
    ("email.delivered", dict(EMAIL)),
    ("email.sent", dict(EMAIL)),
    ("email.bounced", dict(EMAIL, bounceType="Permanent", bounceSubType="General", reason="mailbox does not exist")),
    ("email.opened", dict(EMAIL)),
    ("email.clicked", dict(EMAIL, clickedUrl="https://example.com/?a=1&b=2")),
    ("email.spam_reported", dict(EMAIL, complaintType="abuse")),
    ("email.unsubscribed", {"emailId": "665f1c2ab3d4e5f6a7b8c9d1", "test": False}),
    ("contact.created", {"contactId": "665f1c2ab3d4e5f6a7b8c9d2", "email": "ana@example.com", "name": "Ana"}),
    ("contact.updated", {"contactId": "665f1c2ab3d4e5f6a7b8c9d2", "email": "ana@example.com",
                         "changedFields": ["firstName"]}),
    ("email.received", {"inboundEmailId": "665f1c2ab3d4e5f6a7b8c9d3", "from": {"email": "x@example.org", "name": "X"},
                        "to": ["support@example.com"], "cc": [], "subject": "Help ✉ café", "attachments": [],
                        "spamVerdict": "PASS", "virusVerdict": "PASS", "receivedAt": "2026-01-01T00:00:00.000Z"}),
]

w = []
for typ, data in EVENTS:
    body = envelope(typ, data)
    w.append(wh("wh_valid_" + typ.replace(".", "_"), V + "; api §3.1 event " + typ, body, hdrs(body, event=typ),
                {"ok": True, "type": typ}))

B = envelope("email.delivered", EMAIL)
PRETTY = json.dumps({"type": "email.delivered", "createdAt": "2026-01-01T00:00:00.000Z", "data": EMAIL}, indent=2) + "\n"
w += [
    wh("wh_valid_hmac_sha256_prefix", "api §3.4 / §6.26: Convex accepts an `hmac-sha256=` prefix; accepted (README)", B,
       hdrs(B, signature="hmac-sha256=" + sig(B)), {"ok": True, "type": "email.delivered"}),
    wh("wh_valid_uppercase_hex", "api §3.3 lowercase hex; hex is compared case-insensitively (README ambiguity)", B,
       hdrs(B, signature=sig(B).upper()), {"ok": True, "type": "email.delivered"}),
    wh("wh_valid_raw_body_pretty_printed", V + ": verify the raw bytes, never a re-serialised object", PRETTY,
       hdrs(PRETTY), {"ok": True, "type": "email.delivered"}),
    wh("wh_valid_unknown_event_type", "api §3.2 envelope; new event types must not break receivers", envelope("email.future_thing", {"x": 1}),
       hdrs(envelope("email.future_thing", {"x": 1})), {"ok": True, "type": "email.future_thing"}),
    # An unknown type of a known family is not read as that family's data: its data may have
    # any shape (api §3.1 lists 14 types; a 15th must still be accepted as it is).
    wh("wh_valid_unknown_email_type_other_shape", "api §3.2 envelope; new event types must not break receivers, "
       "whatever their data holds", envelope("email.future_thing", {"emailId": 12345, "subject": ["a", "b"]}),
       hdrs(envelope("email.future_thing", {"emailId": 12345, "subject": ["a", "b"]})),
       {"ok": True, "type": "email.future_thing"}),
    wh("wh_valid_unknown_contact_type_other_shape", "api §3.2 envelope; new event types must not break receivers, "
       "whatever their data holds", envelope("contact.merged", {"contactId": 7, "changedFields": "email"}),
       hdrs(envelope("contact.merged", {"contactId": 7, "changedFields": "email"})),
       {"ok": True, "type": "contact.merged"}),
    wh("wh_valid_header_names_any_case", "HTTP header names are case-insensitive", B,
       {"X-Webhook-Signature": sig(B), "X-Webhook-Timestamp": str(NOW), "X-Webhook-Event": "email.delivered",
        "Content-Type": "application/json"}, {"ok": True, "type": "email.delivered"}),
    wh("wh_wrong_secret", V, B, hdrs(B, signature=sig(B, "whsec_someOtherSecret")), {"error": "webhook_invalid_signature"}),
    wh("wh_secret_without_whsec_prefix", V + ": the whsec_ prefix is part of the HMAC key (api §6.26)", B,
       hdrs(B, signature=sig(B, SECRET[len("whsec_"):])), {"error": "webhook_invalid_signature"}),
    wh("wh_body_altered_one_byte", V + ": any change to the body breaks the signature", B.replace("Welcome", "Welcomf"),
       hdrs(B), {"error": "webhook_invalid_signature"}),
    wh("wh_body_reserialised", V + ": signature of the compact form does not match a pretty-printed body", PRETTY,
       hdrs(B), {"error": "webhook_invalid_signature"}),
    wh("wh_body_trailing_newline_added", V + ": one extra byte", B + "\n", hdrs(B), {"error": "webhook_invalid_signature"}),
    wh("wh_missing_signature_header", "contract: signature header missing", B,
       {"x-webhook-timestamp": str(NOW), "content-type": "application/json"}, {"error": "webhook_invalid_signature"}),
    wh("wh_empty_signature_header", "contract: signature header malformed", B, hdrs(B, signature=""),
       {"error": "webhook_invalid_signature"}),
    wh("wh_signature_not_hex", "contract: signature header malformed", B, hdrs(B, signature="z" * 64),
       {"error": "webhook_invalid_signature"}),
    wh("wh_signature_truncated", "contract: signature header malformed (63 hex digits)", B, hdrs(B, signature=sig(B)[:-1]),
       {"error": "webhook_invalid_signature"}),
    wh("wh_signature_too_long", "contract: signature header malformed (65 hex digits)", B, hdrs(B, signature=sig(B) + "0"),
       {"error": "webhook_invalid_signature"}),
    wh("wh_signature_base64_not_hex", V + ": hex digest, not base64", B,
       hdrs(B, signature=__import__("base64").b64encode(bytes.fromhex(sig(B))).decode()),
       {"error": "webhook_invalid_signature"}),
    wh("wh_prefix_with_wrong_signature", V, B, hdrs(B, signature="hmac-sha256=" + sig(B, "whsec_other")),
       {"error": "webhook_invalid_signature"}),
    wh("wh_prefix_only", "contract: signature header malformed", B, hdrs(B, signature="hmac-sha256="),
       {"error": "webhook_invalid_signature"}),
    # timestamps
    wh("wh_timestamp_exactly_5_min_old_ok", T + ": exactly 5 min is not older than 5 min", B, hdrs(B, ts=NOW - 300000),
       {"ok": True, "type": "email.delivered"}),
    wh("wh_timestamp_5_min_plus_1ms_old", T + ": older than 5 min", B, hdrs(B, ts=NOW - 300001), {"error": "webhook_timestamp"}),
    wh("wh_timestamp_1_hour_old", T, B, hdrs(B, ts=NOW - 3600000), {"error": "webhook_timestamp"}),
    wh("wh_timestamp_exactly_1_min_future_ok", T + ": exactly 1 min ahead is allowed", B, hdrs(B, ts=NOW + 60000),
       {"ok": True, "type": "email.delivered"}),
    wh("wh_timestamp_1_min_plus_1ms_future", T + ": more than 1 min in the future", B, hdrs(B, ts=NOW + 60001),
       {"error": "webhook_timestamp"}),
    wh("wh_timestamp_equal_now_ok", T, B, hdrs(B, ts=NOW), {"ok": True, "type": "email.delivered"}),
    wh("wh_timestamp_missing", "contract: X-Webhook-Timestamp missing", B,
       {"x-webhook-signature": sig(B), "content-type": "application/json"}, {"error": "webhook_timestamp"}),
    wh("wh_timestamp_not_a_number", "contract: malformed timestamp", B, hdrs(B, ts="abc"), {"error": "webhook_timestamp"}),
    wh("wh_timestamp_empty", "contract: malformed timestamp", B, hdrs(B, ts=""), {"error": "webhook_timestamp"}),
    wh("wh_timestamp_iso_string", "api §1.7: the header is epoch milliseconds, not ISO", B,
       hdrs(B, ts="2026-01-01T00:00:00Z"), {"error": "webhook_timestamp"}),
    wh("wh_timestamp_fractional", "contract: malformed timestamp (integer milliseconds)", B, hdrs(B, ts="1767225600000.5"),
       {"error": "webhook_timestamp"}),
    wh("wh_timestamp_negative", "contract: malformed or too old", B, hdrs(B, ts="-1"), {"error": "webhook_timestamp"}),
    wh("wh_timestamp_in_seconds_is_too_old", "api §3.3: milliseconds; a seconds value reads as January 1970", B,
       hdrs(B, ts=NOW // 1000), {"error": "webhook_timestamp"}),
    wh("wh_custom_tolerance_2_min_ok", "contract: options.tolerance_past_ms (Convex uses ±2 min)", B,
       hdrs(B, ts=NOW - 120000), {"ok": True, "type": "email.delivered"},
       options={"tolerance_past_ms": 120000, "tolerance_future_ms": 120000}),
    wh("wh_custom_tolerance_2_min_exceeded", "contract: options.tolerance_past_ms", B, hdrs(B, ts=NOW - 120001),
       {"error": "webhook_timestamp"}, options={"tolerance_past_ms": 120000, "tolerance_future_ms": 120000}),
    wh("wh_custom_tolerance_future_exceeded", "contract: options.tolerance_future_ms", B, hdrs(B, ts=NOW + 120001),
       {"error": "webhook_timestamp"}, options={"tolerance_past_ms": 120000, "tolerance_future_ms": 120000}),
    wh("wh_custom_tolerance_future_allows_more", "contract: options.tolerance_future_ms", B, hdrs(B, ts=NOW + 90000),
       {"ok": True, "type": "email.delivered"}, options={"tolerance_past_ms": 300000, "tolerance_future_ms": 120000}),
]
# email.received read leniently (events are read leniently; only requests are strict)
RECV = dict(EVENTS[-1][1])
LENIENT = "api §3.1 email.received; brief: events are read leniently (a signed event is never refused for its data shape)"
for name, changes in [
    ("wh_received_from_plain_string", {"from": "x@example.org"}),
    ("wh_received_from_with_extra_keys", {"from": {"email": "x@example.org", "name": "X", "address": "x@example.org",
                                                  "display": "X <x@example.org>"}}),
    ("wh_received_from_name_null", {"from": {"email": "x@example.org", "name": None}}),
    ("wh_received_from_string_with_display_name", {"from": "X Y <x@example.org>"}),
    ("wh_received_to_as_objects_and_nulls", {"to": [{"email": "support@example.com", "name": None}], "cc": None,
                                             "attachments": None}),
    ("wh_received_extra_fields", {"threadId": "t1", "inReplyToEmailActivityId": None, "newField": {"a": 1}}),
]:
    body = envelope("email.received", dict(RECV, **changes))
    w.append(wh(name, LENIENT, body, hdrs(body, event="email.received"), {"ok": True, "type": "email.received"}))

# malformed body, valid signature
for name, body, doc in [
    ("wh_malformed_not_json", "this is not json", "contract: webhook_malformed (signature fine, body not an envelope)"),
    ("wh_malformed_empty_body", "", "contract: webhook_malformed"),
    ("wh_malformed_json_array", "[1,2,3]", "contract: webhook_malformed (not an object)"),
    ("wh_malformed_missing_type", json.dumps({"createdAt": "2026-01-01T00:00:00.000Z", "data": {}}),
     "api §3.2: type required"),
    ("wh_malformed_type_empty", json.dumps({"type": "", "createdAt": "2026-01-01T00:00:00.000Z", "data": {}}),
     "api §3.2: type names the event; an empty string names none"),
    ("wh_malformed_type_not_string", json.dumps({"type": 7, "createdAt": "2026-01-01T00:00:00.000Z", "data": {}}),
     "api §3.2: type is a string"),
    ("wh_malformed_data_not_object", json.dumps({"type": "email.sent", "createdAt": "2026-01-01T00:00:00.000Z", "data": "x"}),
     "api §3.2: data is an object"),
    ("wh_malformed_truncated_json", B[:-5], "contract: webhook_malformed"),
]:
    w.append(wh(name, doc, body, hdrs(body), {"error": "webhook_malformed"}))

if __name__ == "__main__":
    write("webhooks.json", "Webhook verification: HMAC-SHA256 over the raw body, replay window, envelope shape.",
          ["api §3.1-3.4, §6.24, §6.26", "docs/contract.md: webhook"], w)
