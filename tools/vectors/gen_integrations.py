#!/usr/bin/env python3
"""Generate webhooks_api.json, inbound.json, jwks.json (request and response kinds) and
dynamic_data.json (where `dynamicData` is accepted), from api §1.4, §1.8, §2.1, §2.13-§2.15 and
api/CONVENTIONS.md (ids, scopes)."""
import base64
import copy

from common import (ACC, ACC_NOPID, ACCOUNT_KEY, OID, OID2, PROJECT_ID, PROJECT_KEY, TRICKY, client, enc,
                    request_err, request_ok, write)

UNK = "contract: unknown body fields refused, the path named"
UNQ = "contract: undeclared query parameters refused (an endpoint refuses leftover keys)"
ASA = client(api_key=ACCOUNT_KEY, project_id=PROJECT_ID)
SCOPE_PK = "api §1.2 / CONVENTIONS scope project_key: an ASA_ key is refused locally"

# ------------------------------------------------------------------ webhook management (api §2.13)
W = "api §2.13"
EVENTS = ["email.delivered", "email.bounced"]
w = [
    request_ok("webhooks_list", W + " GET /webhooks", "webhooks.list", {}),
    request_ok("webhooks_list_query", W + ": isActive bool, page, limit 1-100 (at the limit)", "webhooks.list",
               {"isActive": True, "page": 2, "limit": 100}),
    request_ok("webhooks_list_is_active_false", W + ": false is sent, not dropped", "webhooks.list",
               {"isActive": False}),
    request_err("webhooks_list_limit_101_refused", W + ": limit 1-100 (one past)", "webhooks.list", {"limit": 101},
                "validation", "limit"),
    request_err("webhooks_list_undeclared_query_refused", UNQ, "webhooks.list", {"status": "active"}, "validation",
                "status"),
    request_err("webhooks_list_account_key_scope", SCOPE_PK, "webhooks.list", {}, "key_scope", cl=ASA),
    request_err("webhooks_list_project_key_with_project_id_refused", "contract: project_id_not_allowed (before scope)",
                "webhooks.list", {}, "project_id_not_allowed", cl=client(project_id=PROJECT_ID)),
    request_ok("webhooks_get", W + " GET /webhooks/{id}", "webhooks.get", {"id": OID}),
    request_err("webhooks_get_account_key_scope", SCOPE_PK, "webhooks.get", {"id": OID}, "key_scope", cl=ASA),
    request_ok("webhooks_create", W + " POST /webhooks", "webhooks.create",
               {"url": "https://example.com/hooks/autosend", "events": EVENTS}),
    request_ok("webhooks_create_http_allowed", W + ": HTTP allowed for webhook URLs", "webhooks.create",
               {"url": "http://example.com/hook", "events": ["email.sent"]}),
    request_err("webhooks_create_zero_events_refused", W + ": events >= 1", "webhooks.create",
                {"url": "https://example.com/hook", "events": []}, "validation", "events"),
    request_err("webhooks_create_url_without_protocol_refused", W + ": url must include the protocol",
                "webhooks.create", {"url": "example.com/hook", "events": EVENTS}, "validation", "url"),
    request_err("webhooks_create_missing_url_refused", W + ": url required", "webhooks.create", {"events": EVENTS},
                "validation", "url"),
    request_err("webhooks_create_account_key_scope", SCOPE_PK, "webhooks.create",
                {"url": "https://example.com/hook", "events": EVENTS}, "key_scope", cl=ASA),
    request_ok("webhooks_update_put", W + " PUT /webhooks/{id}", "webhooks.update",
               {"id": OID, "url": "https://example.com/new", "events": ["email.opened"], "isActive": True}),
    request_err("webhooks_update_secret_refused", W + ": sending secret is refused (400); " + UNK, "webhooks.update",
                {"id": OID, "secret": "whsec_x"}, "validation", "secret"),
    request_err("webhooks_update_zero_events_refused", W + ": events replaces the list, >= 1", "webhooks.update",
                {"id": OID, "events": []}, "validation", "events"),
    request_ok("webhooks_delete", W + " DELETE /webhooks/{id}", "webhooks.delete", {"id": OID}),
    request_err("webhooks_delete_account_key_scope", SCOPE_PK, "webhooks.delete", {"id": OID}, "key_scope", cl=ASA),
    request_ok("webhooks_logs", W + " GET /webhooks/{id}/logs", "webhooks.logs", {"id": OID}),
    request_ok("webhooks_logs_limit_100_ok", W + ": logs limit 1-100 (at the limit)", "webhooks.logs",
               {"id": OID, "page": 3, "limit": 100}),
    request_err("webhooks_logs_limit_101_refused", W + ": logs limit 1-100 (one past)", "webhooks.logs",
                {"id": OID, "limit": 101}, "validation", "limit"),
    request_ok("webhooks_reveal", W + " GET /webhooks/{id}/reveal", "webhooks.reveal", {"id": OID}),
    request_err("webhooks_reveal_account_key_scope", SCOPE_PK, "webhooks.reveal", {"id": OID}, "key_scope", cl=ASA),
    request_ok("webhooks_resend", W + " POST /webhooks/{id}/resend", "webhooks.resend",
               {"id": OID, "event": "email.delivered", "data": {"emailId": OID2, "test": True}}),
    request_err("webhooks_resend_missing_data_refused", W + ": data required", "webhooks.resend",
                {"id": OID, "event": "email.delivered"}, "validation", "data"),
    request_ok("webhooks_available_events", W + " GET /webhooks/events/available", "webhooks.availableEvents", {}),
    request_err("webhooks_available_events_account_key_scope", SCOPE_PK, "webhooks.availableEvents", {}, "key_scope",
                cl=ASA),
]

# ------------------------------------------------------------------ inbound (api §2.14)
I = "api §2.14"
ATT = "att_" + OID2
REPLY = {"from": {"email": "support@example.com", "name": "Support"}, "text": "Thanks!"}
ib = [
    request_ok("inbound_list", I + " GET /inbound/messages", "inbound.list", {}),
    request_ok("inbound_list_all_query_params", I + ": every documented filter (from/to encoded: + and @)",
               "inbound.list", {"from": "ana+tag@example.com", "to": "support@example.com", "threadId": OID,
                                "search": "Help ✉ café", "dateFrom": "2026-01-01T00:00:00.000Z",
                                "dateTo": "2026-02-01T00:00:00.000Z", "page": 2, "limit": 200}),
    request_ok("inbound_list_empty_values_dropped", "README: null and empty-string query values are not sent",
               "inbound.list", {"from": None, "to": "", "limit": 10}),
    request_err("inbound_list_limit_201_refused", I + ": limit 1-200 (one past)", "inbound.list", {"limit": 201},
                "validation", "limit"),
    request_ok("inbound_list_search_200_ok", I + ": search <= 200 (at the limit)", "inbound.list",
               {"search": "s" * 200}),
    request_err("inbound_list_search_201_refused", I + ": search <= 200 (one past)", "inbound.list",
                {"search": "s" * 201}, "validation", "search"),
    request_err("inbound_list_undeclared_query_refused", UNQ, "inbound.list", {"sort": "receivedAt"}, "validation",
                "sort"),
    request_err("inbound_list_account_key_scope", SCOPE_PK, "inbound.list", {}, "key_scope", cl=ASA),
    request_ok("inbound_get", I + " GET /inbound/messages/{id}", "inbound.get", {"id": OID}),
    request_err("inbound_get_account_key_scope", SCOPE_PK, "inbound.get", {"id": OID}, "key_scope", cl=ASA),
    request_ok("inbound_attachment_by_index", I + " GET /inbound/messages/{id}/attachments/{idx} (0-based index)",
               "inbound.attachment", {"id": OID, "idx": "0"}),
    request_ok("inbound_attachment_download_true", I + ": download=true switches to raw bytes (README reading 45: "
               "accept */*, the answer is a file)", "inbound.attachment",
               {"id": OID, "idx": ATT, "download": True},
               headers={"authorization": "Bearer AS_test123", "accept": "*/*"}),
    request_ok("inbound_attachment_download_false", I + ": download=false is sent as false", "inbound.attachment",
               {"id": OID, "idx": "1", "download": False}),
    request_ok("inbound_attachment_two_path_params_encoded", "contract: every path param percent-encoded",
               "inbound.attachment", {"id": "msg/1 é", "idx": "att 1@x"}),
    request_err("inbound_attachment_missing_idx_refused", "contract: a required path param is missing",
                "inbound.attachment", {"id": OID}, "validation", "idx"),
    request_err("inbound_attachment_empty_idx_refused", "contract: empty path param", "inbound.attachment",
                {"id": OID, "idx": ""}, "validation", "idx"),
    request_err("inbound_attachment_download_string_refused", I + ": download is a boolean", "inbound.attachment",
                {"id": OID, "idx": "0", "download": "yes"}, "validation", "download"),
    request_ok("inbound_reply", I + " POST /inbound/messages/{id}/reply (path + body)", "inbound.reply",
               dict(REPLY, id=OID)),
    request_ok("inbound_reply_all_fields", I + ": every documented reply field passes through", "inbound.reply",
               dict(REPLY, id=OID, subject="Re: Help", html="<p>Thanks!</p>", cc=[{"email": "cc@example.com"}],
                    bcc=[{"email": "bcc@example.com", "name": "B"}],
                    attachments=[{"fileName": "a.pdf", "fileUrl": "https://example.com/a.pdf",
                                  "contentType": "application/pdf", "fileSize": 1, "contentId": "c1",
                                  "description": "Invoice"}])),
    request_ok("inbound_reply_from_name_256_ok", I + ": from.name <= 256 (at the limit)", "inbound.reply",
               dict(REPLY, id=OID, **{"from": {"email": "support@example.com", "name": "n" * 256}})),
    request_err("inbound_reply_from_name_257_refused", I + ": from.name <= 256 (one past)", "inbound.reply",
                dict(REPLY, id=OID, **{"from": {"email": "support@example.com", "name": "n" * 257}}), "validation",
                "from.name"),
    request_ok("inbound_reply_cc_50_ok", I + ": cc <= 50 (at the limit)", "inbound.reply",
               dict(REPLY, id=OID, cc=[{"email": "c%d@example.com" % i} for i in range(50)])),
    request_err("inbound_reply_cc_51_refused", I + ": cc <= 50 (one past)", "inbound.reply",
                dict(REPLY, id=OID, cc=[{"email": "c%d@example.com" % i} for i in range(51)]), "validation", "cc"),
    request_err("inbound_reply_subject_empty_refused", I + ": subject 1-998 (empty)", "inbound.reply",
                dict(REPLY, id=OID, subject=""), "validation", "subject"),
    request_err("inbound_reply_content_id_129_refused", I + ": attachment contentId <= 128 (one past)",
                "inbound.reply", dict(REPLY, id=OID, attachments=[{"fileName": "a.png", "content": "aGk=",
                                                                   "contentId": "c" * 129}]),
                "validation", "attachments[0].contentId"),
    request_err("inbound_reply_missing_from_refused", I + ": from required", "inbound.reply",
                {"id": OID, "text": "Thanks!"}, "validation", "from"),
    request_err("inbound_reply_unknown_field_refused", UNK, "inbound.reply", dict(REPLY, id=OID, replyTo={"email": "x@example.com"}),
                "validation", "replyTo"),
    request_err("inbound_reply_account_key_scope", SCOPE_PK, "inbound.reply", dict(REPLY, id=OID), "key_scope", cl=ASA),
]


def resp(name, doc, endpoint, params, status, expect, body=None, body_text=None, body_base64=None, headers=None):
    v = {"name": name, "kind": "response", "doc": doc, "endpoint": endpoint, "params": params, "status": status,
         "headers": headers or {}}
    if body_base64 is not None:
        v["body_base64"] = body_base64
    elif body_text is not None:
        v["body_text"] = body_text
    else:
        v["body"] = body
    v["expect"] = expect
    return v


REPLY_DATA = {"emailId": "0102018f-aaaa-bbbb-cccc-000000000000-000000", "message": "Reply queued",
              "status": "QUEUED", "totalRecipients": 1}
PDF = b"%PDF-1.4\n\x00\x01\x02\xff\xfe\x80binary\r\n%%EOF"
B64 = base64.b64encode(PDF).decode()
ib += [
    resp("inbound_reply_202_data", I + ": HTTP 202 with {success, message, data}; api §1.4: the value is data",
         "inbound.reply", dict(REPLY, id=OID), 202, {"ok": True, "data": REPLY_DATA},
         body={"success": True, "message": "Reply queued", "data": REPLY_DATA}),
    resp("inbound_reply_202_empty_body", "contract: success value (any 2xx; an empty body is {})", "inbound.reply",
         dict(REPLY, id=OID), 202, {"ok": True, "data": {}}, body_text=""),
    resp("inbound_attachment_binary_download", I + ": download=true returns raw bytes with Content-Type (CONVENTIONS: binary)",
         "inbound.attachment", {"id": OID, "idx": "0", "download": True}, 200,
         {"ok": True, "bytes_base64": B64, "content_type": "application/pdf"}, body_base64=B64,
         headers={"content-type": "application/pdf", "content-disposition": "attachment; filename=\"a.pdf\""}),
    resp("inbound_attachment_json_without_download", I + ": without download the JSON data (metadata) is returned",
         "inbound.attachment", {"id": OID, "idx": "0"}, 200,
         {"ok": True, "data": {"attachmentId": "att_" + OID2, "filename": "a.pdf", "contentType": "application/pdf",
                               "size": 32, "downloadUrl": "https://files.example.com/a.pdf?sig=x", "expiresIn": 900}},
         body={"success": True, "data": {"attachmentId": "att_" + OID2, "filename": "a.pdf",
                                         "contentType": "application/pdf", "size": 32,
                                         "downloadUrl": "https://files.example.com/a.pdf?sig=x", "expiresIn": 900}},
         headers={"content-type": "application/json"}),
    resp("inbound_attachment_binary_404_is_error", I + ": ATTACHMENT_NOT_FOUND; an error stays an error in binary mode",
         "inbound.attachment", {"id": OID, "idx": "9", "download": True}, 404,
         {"error": "not_found", "status": 404, "api_code": "ATTACHMENT_NOT_FOUND"},
         body={"success": False, "error": {"message": "Attachment not found", "code": "ATTACHMENT_NOT_FOUND"}},
         headers={"content-type": "application/json"}),
]

# ------------------------------------------------------------------ jwks (api §1.8, §2.15)
J = "api §1.8 GET /jwks.json (no auth shown); CONVENTIONS scope none: no Authorization, no x-project-id"
j = [
    request_ok("jwks_get_project_key_no_authorization", J, "jwks.get", {}),
    request_ok("jwks_get_account_key_no_project_id", J + " (even with an account key and a project id)", "jwks.get",
               {}, cl=ACC),
    request_ok("jwks_get_account_key_without_project_id", J + " (no missing_project_id: nothing is sent)", "jwks.get",
               {}, cl=ACC_NOPID),
    request_ok("jwks_get_custom_base", J + "; api §1.1 base URL", "jwks.get", {},
               cl=client(base_url="http://127.0.0.1:8080/v1")),
    request_err("jwks_get_leftover_refused", "contract: leftover keys refused", "jwks.get", {"kid": "key_2026_06"},
                "validation", "kid"),
]

# ------------------------------------------------------------------ dynamicData (api §2.1 and the rest)
S = "api §2.1 POST /mails/send"
BK = "api §2.1 POST /mails/bulk"
DD = {"firstName": "Ana", "items": [1, 2]}
SEND = {"from": {"email": "hello@mail.example.com"}, "to": {"email": "customer@example.com"}, "subject": "Hi",
        "html": "<p>Hi {{firstName}}</p>"}
BULK = {"from": {"email": "hello@mail.example.com"}, "subject": "Hi", "html": "<p>Hi</p>",
        "recipients": [{"email": "r0@example.com"}]}


def with_(base, **kw):
    p = copy.deepcopy(base)
    p.update(kw)
    return p


NOT_DOC = "dynamicData is documented only on send/bulk, bulk recipients, replyTo (send/bulk) and bulk from; " + UNK
dd = [
    request_ok("dd_send_top_level_ok", S + ": dynamicData object", "emails.send", with_(SEND, dynamicData=DD)),
    request_ok("dd_send_reply_to_ok", S + ": replyTo.dynamicData documented", "emails.send",
               with_(SEND, replyTo={"email": "reply@example.com", "dynamicData": DD})),
    request_ok("dd_bulk_top_level_ok", BK + ": shared dynamicData", "emails.bulk", with_(BULK, dynamicData=DD)),
    request_ok("dd_bulk_recipient_ok", BK + ": per-recipient dynamicData", "emails.bulk",
               with_(BULK, recipients=[{"email": "r0@example.com", "dynamicData": DD}])),
    request_ok("dd_bulk_reply_to_ok", BK + ": replyTo Addr (+ dynamicData, as on send)", "emails.bulk",
               with_(BULK, replyTo={"email": "reply@example.com", "dynamicData": DD})),
    request_ok("dd_bulk_from_ok", BK + ": the bulk page lists from.dynamicData (api §6.7)", "emails.bulk",
               with_(BULK, **{"from": {"email": "hello@mail.example.com", "dynamicData": DD}})),
    request_err("dd_send_to_refused", S + ": to is Addr {email, name}; " + NOT_DOC, "emails.send",
                with_(SEND, to={"email": "customer@example.com", "dynamicData": DD}), "validation", "to.dynamicData"),
    request_err("dd_send_from_refused", S + ": from.dynamicData is on the bulk page only; " + NOT_DOC, "emails.send",
                with_(SEND, **{"from": {"email": "hello@mail.example.com", "dynamicData": DD}}), "validation",
                "from.dynamicData"),
    request_err("dd_send_cc_refused", S + ": cc Addr[]; " + NOT_DOC, "emails.send",
                with_(SEND, cc=[{"email": "cc@example.com", "dynamicData": DD}]), "validation", "cc[0].dynamicData"),
    request_err("dd_bulk_recipient_cc_refused", BK + ": recipient cc Addr[]; " + NOT_DOC, "emails.bulk",
                with_(BULK, recipients=[{"email": "r0@example.com", "cc": [{"email": "c@example.com", "dynamicData": DD}]}]),
                "validation", "recipients[0].cc[0].dynamicData"),
    request_err("dd_contacts_create_refused", "api §2.2 POST /contacts; " + NOT_DOC, "contacts.create",
                {"email": "ana@example.com", "dynamicData": DD}, "validation", "dynamicData"),
    request_err("dd_contacts_upsert_refused", "api §2.2 POST /contacts/email; " + NOT_DOC, "contacts.upsert",
                {"email": "ana@example.com", "dynamicData": DD}, "validation", "dynamicData"),
    request_err("dd_templates_create_refused", "api §2.4 POST /templates (dynamicVariables, not dynamicData); " + NOT_DOC,
                "templates.create", {"templateName": "W", "subject": "Hi", "dynamicData": DD}, "validation",
                "dynamicData"),
    request_err("dd_campaigns_create_refused", "api §2.6 POST /campaigns; " + NOT_DOC, "campaigns.create",
                {"name": "C", "subject": "Hi", "templateId": "A-abc", "dynamicData": DD}, "validation", "dynamicData"),
    request_err("dd_inbound_reply_refused", "api §2.14 reply; " + NOT_DOC, "inbound.reply",
                {"id": OID, "from": {"email": "support@example.com"}, "text": "x", "dynamicData": DD}, "validation",
                "dynamicData"),
]



def nest(levels, make=lambda v: {"a": v}):
    """A value whose objects/arrays nest `levels` deep (the value itself is level 1)."""
    v = 1
    for _ in range(levels):
        v = make(v)
    return v


# One nesting limit for every endpoint and language, decided in the core: 64 levels below
# the parameters object (the parameter's own value is level 1); the refusal names the
# top-level field.
DEPTH = "docs/decisions.md: one nesting limit, 64 levels, the field named (issue 14 item 8)"
dd += [
    request_ok("dd_depth_64_ok", DEPTH + ": 64 levels accepted", "emails.send", with_(SEND, dynamicData=nest(64))),
    request_err("dd_depth_65_refused", DEPTH + ": 65 levels refused", "emails.send",
                with_(SEND, dynamicData=nest(65)), "validation", "dynamicData"),
    request_err("dd_depth_120_refused", DEPTH + ": 120 levels refused (the JSON files stay under parsers' 128-level limits)", "emails.send",
                with_(SEND, dynamicData=nest(120)), "validation", "dynamicData"),
    request_ok("dd_depth_64_arrays_ok", DEPTH + ": arrays count like objects (64)", "emails.send",
               with_(SEND, dynamicData={"x": nest(63, lambda v: [v])})),
    request_err("dd_depth_65_arrays_refused", DEPTH + ": arrays count like objects (65)", "emails.send",
                with_(SEND, dynamicData={"x": nest(64, lambda v: [v])}), "validation", "dynamicData"),
    request_err("dd_depth_bulk_recipient_refused", DEPTH + ": recipients[0].dynamicData counts from recipients",
                "emails.bulk", with_(BULK, recipients=[{"email": "r0@example.com", "dynamicData": nest(63)}]),
                "validation", "recipients"),
    request_err("dd_depth_before_schema", DEPTH + ": checked for every endpoint, before its own rules",
                "contacts.create", {"email": "ana@example.com", "customFields": nest(65)}, "validation",
                "customFields"),
]

if __name__ == "__main__":
    write("webhooks_api.json", "Webhook management endpoints (project key only): list query, create/update rules.",
          ["api §2.13", "api §1.2", "api/CONVENTIONS.md", "docs/contract.md: Parameters"], w)
    write("inbound.json", "Inbound endpoints (project key only): filters, two path params, binary attachments, 202 reply.",
          ["api §2.14", "api §1.4", "api/CONVENTIONS.md", "docs/contract.md: Parameters, vectors"], ib)
    write("jwks.json", "GET /jwks.json: the one endpoint that sends no credentials.",
          ["api §1.8, §2.15", "api/CONVENTIONS.md: scope none"], j)
    write("dynamic_data.json", "Where dynamicData is accepted (as documented) and where it is refused.",
          ["api §2.1, §2.2, §2.4, §2.6, §2.14, §6.7", "docs/contract.md: Parameters"], dd)
