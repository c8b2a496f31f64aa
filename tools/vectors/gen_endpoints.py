#!/usr/bin/env python3
"""Generate mail.json, contacts.json and projects.json (request kind)."""
import copy

from common import ACCOUNT_KEY, PROJECT_ID, client, request_err, request_ok, write

S = "api §2.1 POST /mails/send"
BK = "api §2.1 POST /mails/bulk"
SEND = {"from": {"email": "hello@mail.example.com"}, "to": {"email": "customer@example.com"},
        "subject": "Hi", "html": "<p>Hi</p>"}


def send(**changes):
    p = copy.deepcopy(SEND)
    for k, v in changes.items():
        if v is None:
            p.pop(k, None)
        else:
            p[k] = v
    return p


def addrs(n, prefix="r"):
    return [{"email": "%s%d@example.com" % (prefix, i)} for i in range(n)]


def headers_n(n):
    return {"X-Custom-%d" % i: "v%d" % i for i in range(n)}


def atts(n):
    return [{"fileName": "f%d.txt" % i, "content": "aGVsbG8="} for i in range(n)]


BAD_EMAILS = [
    ("no_at", "customer.example.com"),
    ("two_at", "a@@example.com"),
    ("two_at_split", "a@b@example.com"),
    ("empty_local", "@example.com"),
    ("empty_domain", "customer@"),
    ("space", "cus tomer@example.com"),
    ("empty", ""),
]

m = []
m += [
    request_ok("send_minimal_html", S, "emails.send", SEND),
    request_ok("send_text_only", S + " (html or text)", "emails.send", send(html=None, text="Hi")),
    request_ok("send_template_without_subject", S + ": subject required unless templateId; api §6.7",
               "emails.send", send(subject=None, html=None, templateId="A-abc123def456ghi789jk",
                                   dynamicData={"name": "Ana", "items": [1, 2], "nested": {"a": True}})),
    request_ok("send_all_documented_fields", S + " (every documented field passes through unchanged)", "emails.send",
               send(to={"email": "customer@example.com", "name": "Customer"},
                    **{"from": {"email": "hello@mail.example.com", "name": "Hello"}},
                    text="Hi", cc=[{"email": "cc@example.com", "name": "CC"}], bcc=[{"email": "bcc@example.com"}],
                    replyTo={"email": "reply@example.com", "name": "Reply", "dynamicData": {"k": "v"}},
                    dynamicData={"name": "Ana"}, unsubscribeGroupId="unsub_group_123", trackingClick=True,
                    trackingOpen=False, headers={"X-Entity-Ref-ID": "123"},
                    attachments=[{"fileName": "a.pdf", "content": "JVBERi0=", "contentType": "application/pdf",
                                  "description": "Invoice"},
                                 {"fileName": "b.png", "fileUrl": "https://example.com/b.png"}],
                    bypassSuppressions=True)),
    request_ok("send_email_case_and_plus_kept", S + " (the SDK does not normalise addresses)", "emails.send",
               send(to={"email": "Customer+Tag@Sub.Example.CO"})),
    request_ok("send_email_domain_without_dot_ok", "contract brief: address = one @, non-empty local part and domain, no spaces",
               "emails.send", send(to={"email": "root@localhost"})),
    request_ok("send_subject_998_chars_ok", S + ": subject max 998 (at the limit)", "emails.send", send(subject="s" * 998)),
    request_ok("send_subject_998_non_ascii_chars_ok", S + ": subject max 998 characters (not bytes)", "emails.send",
               send(subject="é" * 998)),
    request_err("send_subject_999_chars_refused", S + ": subject max 998 (one past)", "emails.send",
                send(subject="s" * 999), "validation", "subject"),
    request_err("send_no_subject_no_template_refused", S + ": subject required unless templateId", "emails.send",
                send(subject=None), "validation", "subject"),
    request_err("send_no_content_refused", S + ": either templateId or html/text must be present", "emails.send",
                send(html=None), "validation"),
    request_err("send_missing_to_refused", S + ": to required", "emails.send", send(to=None), "validation", "to"),
    request_err("send_missing_from_refused", S + ": from required", "emails.send", {k: v for k, v in SEND.items() if k != "from"},
                "validation", "from"),
    request_err("send_to_array_refused", S + ": to is a single object, not an array (api §6.6)", "emails.send",
                send(to=[{"email": "customer@example.com"}]), "validation", "to"),
    request_err("send_to_missing_email_refused", S + ": Addr.email required", "emails.send",
                send(to={"name": "No Address"}), "validation", "to.email"),
    request_err("send_to_unknown_field_refused", "contract: unknown body fields refused (nested too)", "emails.send",
                send(to={"email": "customer@example.com", "nam": "Typo"}), "validation", "to.nam"),
    request_err("send_unknown_top_level_field_refused", "contract: a misspelled bcc must never be silently dropped",
                "emails.send", send(bccc=[{"email": "x@example.com"}]), "validation", "bccc"),
    request_err("send_wrong_case_field_refused", "contract: wire names are exact camelCase", "emails.send",
                send(replyto={"email": "reply@example.com"}), "validation", "replyto"),
    request_err("send_subject_not_string_refused", S + ": subject string", "emails.send", send(subject=42),
                "validation", "subject"),
    request_err("send_tracking_not_bool_refused", S + ": trackingClick bool", "emails.send", send(trackingClick="yes"),
                "validation", "trackingClick"),
    request_err("send_cc_not_array_refused", S + ": cc Addr[]", "emails.send", send(cc={"email": "cc@example.com"}),
                "validation", "cc"),
]
for tag, bad in BAD_EMAILS:
    m.append(request_err("send_to_email_%s_refused" % tag, "contract brief: emails must look like addresses",
                         "emails.send", send(to={"email": bad}), "validation", "to.email"))
m += [
    request_err("send_from_email_invalid_refused", "contract: field paths", "emails.send",
                send(**{"from": {"email": "hello"}}), "validation", "from.email"),
    request_err("send_cc_index_email_invalid_refused", "contract: field paths use [i] (cc[2].email)", "emails.send",
                send(cc=addrs(2, "cc") + [{"email": "bad"}]), "validation", "cc[2].email"),
    request_err("send_bcc_index_email_invalid_refused", "contract: field paths", "emails.send",
                send(bcc=[{"email": "x y@example.com"}]), "validation", "bcc[0].email"),
    request_err("send_reply_to_email_invalid_refused", "contract: field paths", "emails.send",
                send(replyTo={"email": "@example.com"}), "validation", "replyTo.email"),
    # recipients
    request_ok("send_50_recipients_ok", S + ": to+cc+bcc <= 50 (at the limit)", "emails.send",
               send(cc=addrs(30, "cc"), bcc=addrs(19, "bcc"))),
    request_err("send_51_recipients_refused", S + ": to+cc+bcc <= 50 (one past); contract: names `to`", "emails.send",
                send(cc=addrs(30, "cc"), bcc=addrs(20, "bcc")), "validation", "to"),
    request_err("send_51_recipients_cc_only_refused", S + ": to+cc+bcc <= 50; contract: names `to`", "emails.send",
                send(cc=addrs(50, "cc")), "validation", "to"),
    # custom headers
    request_ok("send_20_headers_ok", S + ": headers <= 20 (at the limit)", "emails.send", send(headers=headers_n(20))),
    request_err("send_21_headers_refused", S + ": headers <= 20 (one past); contract: count limits name the array",
                "emails.send", send(headers=headers_n(21)), "validation", "headers"),
    request_ok("send_header_name_76_ok", S + ": header name ^[A-Za-z0-9-]{1,76}$ (at the limit)", "emails.send",
               send(headers={"X" + "a" * 75: "v"})),
    request_err("send_header_name_77_refused", S + ": header name max 76 (one past)", "emails.send",
                send(headers={"X" + "a" * 76: "v"}), "validation", "headers.X" + "a" * 76),
    request_err("send_header_name_underscore_refused", S + ": header name ^[A-Za-z0-9-]{1,76}$", "emails.send",
                send(headers={"X_Custom": "v"}), "validation", "headers.X_Custom"),
    request_err("send_header_name_colon_refused", S + ": header name pattern", "emails.send",
                send(headers={"X-Custom:": "v"}), "validation", "headers.X-Custom:"),
    request_ok("send_header_value_1000_ok", S + ": header value <= 1000 chars (at the limit)", "emails.send",
               send(headers={"X-Custom": "v" * 1000})),
    request_ok("send_header_value_1000_non_ascii_chars_ok", S + ": header value <= 1000 characters (not bytes: 2000 "
               "bytes of UTF-8 here)", "emails.send", send(headers={"X-Custom": "é" * 1000})),
    request_err("send_header_value_1001_non_ascii_chars_refused", S + ": header value <= 1000 characters (one past)",
                "emails.send", send(headers={"X-Custom": "é" * 1001}), "validation", "headers.X-Custom"),
    request_err("send_header_value_1001_refused", S + ": header value <= 1000 chars (one past)", "emails.send",
                send(headers={"X-Custom": "v" * 1001}), "validation", "headers.X-Custom"),
    request_err("send_header_reserved_from_refused", S + ": reserved header names; contract: headers.From",
                "emails.send", send(headers={"From": "x@example.com"}), "validation", "headers.From"),
    request_err("send_header_reserved_lowercase_refused", S + ": reserved names compared case-insensitively (README ambiguity)",
                "emails.send", send(headers={"message-id": "<x@y>"}), "validation", "headers.message-id"),
    request_err("send_header_reserved_list_unsubscribe_refused", S + ": reserved header names", "emails.send",
                send(headers={"List-Unsubscribe": "<mailto:x@example.com>"}), "validation", "headers.List-Unsubscribe"),
    request_err("send_header_reserved_ses_refused", S + ": reserved header names", "emails.send",
                send(headers={"X-SES-Configuration-Set": "x"}), "validation", "headers.X-SES-Configuration-Set"),
    # attachments
    request_ok("send_20_attachments_ok", S + ": attachments <= 20 (at the limit)", "emails.send",
               send(attachments=atts(20))),
    request_err("send_21_attachments_refused", S + ": attachments <= 20 (one past)", "emails.send",
                send(attachments=atts(21)), "validation", "attachments"),
    request_err("send_attachment_missing_file_name_refused", S + ": Attachment.fileName required; contract: attachments[0].fileName",
                "emails.send", send(attachments=[{"content": "aGVsbG8="}]), "validation", "attachments[0].fileName"),
    request_err("send_attachment_lowercase_filename_refused", "api §6.8 (filename vs fileName); contract: unknown fields refused",
                "emails.send", send(attachments=[{"fileName": "a.txt", "content": "aGk=", "filename": "a.txt"}]),
                "validation", "attachments[0].filename"),
    request_err("send_attachment_no_content_no_url_refused", S + ": fileUrl required if no content", "emails.send",
                send(attachments=[{"fileName": "a.txt"}]), "validation"),
    request_ok("send_attachment_executable_passed_through", "api §6.8: the 'supported types' list is unclear; the SDK does not block extensions locally",
               "emails.send", send(attachments=[{"fileName": "setup.exe", "fileUrl": "https://example.com/setup.exe"}])),
]

# bulk
BULK = {"from": {"email": "hello@mail.example.com"}, "subject": "Hi", "html": "<p>Hi {{name}}</p>",
        "recipients": [{"email": "r0@example.com", "name": "R0", "dynamicData": {"name": "R0"}}]}


def bulk(**changes):
    p = copy.deepcopy(BULK)
    for k, v in changes.items():
        if v is None:
            p.pop(k, None)
        else:
            p[k] = v
    return p


m += [
    request_ok("bulk_minimal", BK, "emails.bulk", BULK),
    request_ok("bulk_all_documented_fields", BK, "emails.bulk",
               bulk(text="Hi", dynamicData={"shared": 1}, replyTo={"email": "reply@example.com"},
                    unsubscribeGroupId="g1", trackingClick=False, trackingOpen=True, headers={"X-Batch": "1"},
                    recipients=[{"email": "r0@example.com", "name": "R0", "dynamicData": {"name": "R0"},
                                 "cc": [{"email": "c@example.com"}], "bcc": [{"email": "b@example.com", "name": "B"}]}])),
    request_ok("bulk_template_without_subject", BK + ": subject required unless templateId", "emails.bulk",
               bulk(subject=None, html=None, templateId="A-abc123")),
    request_ok("bulk_100_recipients_ok", BK + ": recipients 1-100 (at the limit)", "emails.bulk",
               bulk(recipients=addrs(100))),
    request_err("bulk_101_recipients_refused", BK + ": recipients 1-100 (one past)", "emails.bulk",
                bulk(recipients=addrs(101)), "validation", "recipients"),
    request_err("bulk_0_recipients_refused", BK + ": recipients 1-100 (zero)", "emails.bulk",
                bulk(recipients=[]), "validation", "recipients"),
    request_err("bulk_missing_recipients_refused", BK + ": recipients required", "emails.bulk",
                bulk(recipients=None), "validation", "recipients"),
    request_err("bulk_recipient_email_invalid_refused", "contract: field paths", "emails.bulk",
                bulk(recipients=addrs(3) + [{"email": "nope"}]), "validation", "recipients[3].email"),
    request_err("bulk_recipient_cc_email_invalid_refused", "contract: field paths", "emails.bulk",
                bulk(recipients=[{"email": "r@example.com", "cc": [{"email": "ok@example.com"}, {"email": "bad"}]}]),
                "validation", "recipients[0].cc[1].email"),
    request_err("bulk_recipient_unknown_field_refused", "contract: unknown fields refused", "emails.bulk",
                bulk(recipients=[{"email": "r@example.com", "nmae": "x"}]), "validation", "recipients[0].nmae"),
    request_err("bulk_subject_999_refused", BK + ": subject max 998 (one past)", "emails.bulk", bulk(subject="s" * 999),
                "validation", "subject"),
    request_err("bulk_no_content_refused", BK + ": templateId or html/text required", "emails.bulk", bulk(html=None),
                "validation"),
    request_err("bulk_reserved_header_refused", BK + ": headers same rules as send", "emails.bulk",
                bulk(headers={"To": "x@example.com"}), "validation", "headers.To"),
    request_err("bulk_21_headers_refused", BK + ": headers same rules as send", "emails.bulk",
                bulk(headers=headers_n(21)), "validation", "headers"),
    request_err("bulk_attachments_refused", BK + ": attachments not documented for bulk (api §6.5); contract: unknown fields refused",
                "emails.bulk", bulk(attachments=atts(1)), "validation", "attachments"),
    request_err("bulk_legacy_emails_shape_refused", "api §6.4: only the recipients[] shape is documented", "emails.bulk",
                {"emails": [SEND]}, "validation"),
    request_ok("status_get", "api §2.1 GET /mails/{id}/status", "emails.status", {"id": "665f1c2ab3d4e5f6a7b8c9d1"}),
    request_err("status_empty_id_refused", "contract: empty path param", "emails.status", {"id": ""}, "validation", "id"),
    request_err("status_leftover_key_refused", "contract: leftover keys refused", "emails.status",
                {"id": "e1", "verbose": True}, "validation", "verbose"),
]

# ------------------------------------------------------------------ contacts
C = "api §2.2"
c = [
    request_ok("contacts_create_minimal", C + " POST /contacts", "contacts.create", {"email": "ana@example.com"}),
    request_ok("contacts_create_all_fields", C + " POST /contacts", "contacts.create",
               {"email": "ana@example.com", "firstName": "Ana", "lastName": "Lee", "userId": "u-1",
                "listIds": ["l1", "l2"], "customFields": {"plan": "pro", "seats": 3, "vip": True,
                                                          "since": "2026-01-01"}}),
    request_err("contacts_create_missing_email_refused", C + ": email required", "contacts.create",
                {"firstName": "Ana"}, "validation", "email"),
    request_err("contacts_create_invalid_email_refused", "contract brief: emails must look like addresses",
                "contacts.create", {"email": "ana.example.com"}, "validation", "email"),
    request_err("contacts_create_segment_ids_refused", C + ": listIds only, never segment ids; contract: unknown fields refused",
                "contacts.create", {"email": "ana@example.com", "segmentIds": ["s1"]}, "validation", "segmentIds"),
    request_err("contacts_create_list_ids_not_array_refused", C + ": listIds string[]", "contacts.create",
                {"email": "ana@example.com", "listIds": "l1"}, "validation", "listIds"),
    request_ok("contacts_upsert_minimal", C + " POST /contacts/email", "contacts.upsert", {"email": "ana@example.com"}),
    request_ok("contacts_upsert_mobile_empty_string_sent", C + ": upsert mobile \"\" clears the stored value (must be sent)",
               "contacts.upsert", {"email": "ana@example.com", "mobile": ""}),
    request_ok("contacts_upsert_all_fields", C + " POST /contacts/email", "contacts.upsert",
               {"email": "ana@example.com", "firstName": "Ana", "lastName": "Lee", "userId": "u-1",
                "mobile": "+14155550123", "listIds": ["l1"], "customFields": {"plan": "pro"}}),
    request_err("contacts_upsert_missing_email_refused", C + ": email required", "contacts.upsert",
                {"firstName": "Ana"}, "validation", "email"),
    request_err("contacts_upsert_unknown_field_refused", "contract: unknown fields refused", "contacts.upsert",
                {"email": "ana@example.com", "firstname": "Ana"}, "validation", "firstname"),
    request_ok("contacts_get", C + " GET /contacts/{id}", "contacts.get", {"id": "665f1c2ab3d4e5f6a7b8c9d2"}),
    request_ok("contacts_delete", C + " DELETE /contacts/{id}", "contacts.delete", {"id": "665f1c2ab3d4e5f6a7b8c9d2"}),
    request_ok("contacts_delete_by_user_id", C + " DELETE /contacts/email/userId/{userId}", "contacts.deleteByUserId",
               {"userId": "user-42"}),
    request_ok("contacts_delete_by_user_id_email_like", C + " (userId is free-form; @ is percent-encoded)",
               "contacts.deleteByUserId", {"userId": "ana@example.com"}),
    request_ok("contacts_unsubscribe_groups", C + " GET /contacts/{id}/unsubscribe-groups", "contacts.unsubscribeGroups",
               {"id": "665f1c2ab3d4e5f6a7b8c9d2"}),
    request_err("contacts_unsubscribe_groups_empty_id_refused", "contract: empty path param", "contacts.unsubscribeGroups",
                {"id": ""}, "validation", "id"),
    request_ok("contacts_remove_one", C + " POST /contacts/remove: emails >= 1 (at the limit)", "contacts.remove",
               {"emails": ["ana@example.com"]}),
    request_err("contacts_remove_zero_refused", C + " POST /contacts/remove: emails >= 1", "contacts.remove",
                {"emails": []}, "validation", "emails"),
    request_err("contacts_remove_missing_refused", C + " POST /contacts/remove: emails required", "contacts.remove",
                {}, "validation", "emails"),
    request_err("contacts_remove_invalid_email_refused", "contract: field paths emails[i]", "contacts.remove",
                {"emails": ["ana@example.com", "bob"]}, "validation", "emails[1]"),
    request_ok("contacts_search_one", C + " POST /contacts/search/emails: emails >= 1", "contacts.searchByEmails",
               {"emails": ["ana@example.com"]}),
    request_ok("contacts_search_150_no_max", C + " POST /contacts/search/emails: no max documented, none invented",
               "contacts.searchByEmails", {"emails": ["u%d@example.com" % i for i in range(150)]}),
    request_err("contacts_search_zero_refused", C + " POST /contacts/search/emails: emails >= 1",
                "contacts.searchByEmails", {"emails": []}, "validation", "emails"),
    request_err("contacts_search_not_array_refused", C + ": emails string[]", "contacts.searchByEmails",
                {"emails": "ana@example.com"}, "validation", "emails"),
    request_ok("contacts_bulk_update_one", C + " POST /contacts/bulk-update: contacts 1-100", "contacts.bulkUpdate",
               {"contacts": [{"email": "ana@example.com", "firstName": "Ana", "customFields": {"plan": "pro"}}],
                "runWorkflow": True}),
    request_ok("contacts_bulk_update_100_ok", C + " POST /contacts/bulk-update: contacts 1-100 (at the limit)",
               "contacts.bulkUpdate", {"contacts": [{"email": "u%d@example.com" % i} for i in range(100)]}),
    request_err("contacts_bulk_update_101_refused", C + " POST /contacts/bulk-update: contacts max 100 (one past)",
                "contacts.bulkUpdate", {"contacts": [{"email": "u%d@example.com" % i} for i in range(101)]},
                "validation", "contacts"),
    request_err("contacts_bulk_update_0_refused", C + " POST /contacts/bulk-update: contacts min 1",
                "contacts.bulkUpdate", {"contacts": []}, "validation", "contacts"),
    request_err("contacts_bulk_update_item_email_invalid_refused", "contract: field paths contacts[i].email",
                "contacts.bulkUpdate", {"contacts": [{"email": "a@example.com"}, {"email": "a@example.com"},
                                                     {"email": "broken"}]}, "validation", "contacts[2].email"),
    request_err("contacts_bulk_update_item_missing_email_refused", C + ": contacts[].email required",
                "contacts.bulkUpdate", {"contacts": [{"firstName": "Ana"}]}, "validation", "contacts[0].email"),
    request_err("contacts_bulk_update_item_list_ids_refused", C + ": listIds/mobile not listed for bulk-update; contract: unknown fields refused",
                "contacts.bulkUpdate", {"contacts": [{"email": "a@example.com", "listIds": ["l1"]}]},
                "validation", "contacts[0].listIds"),
    request_err("contacts_bulk_update_run_workflow_not_bool_refused", C + ": runWorkflow bool", "contacts.bulkUpdate",
                {"contacts": [{"email": "a@example.com"}], "runWorkflow": "true"}, "validation", "runWorkflow"),
]

# ------------------------------------------------------------------ projects
PR = "api §2.12"
ACC = client(api_key=ACCOUNT_KEY, project_id=PROJECT_ID)
ACC_NOPID = client(api_key=ACCOUNT_KEY)
p = [
    request_ok("projects_list", PR + " GET /account/projects", "projects.list", {}, cl=ACC),
    request_ok("projects_get", PR + " GET /account/projects/{projectId}", "projects.get", {"projectId": PROJECT_ID}, cl=ACC),
    request_ok("projects_get_non_objectid_passed_through", PR + ": ObjectId format is observed, not checked locally (server answers 400)",
               "projects.get", {"projectId": "my-project"}, cl=ACC),
    request_ok("projects_get_id_encoded", "contract: path params percent-encoded", "projects.get",
               {"projectId": "a/b c"}, cl=ACC),
    request_err("projects_get_empty_id_refused", "contract: empty path param", "projects.get", {"projectId": ""},
                "validation", "projectId", cl=ACC),
    request_ok("projects_delete", PR + " DELETE /account/projects/{projectId}", "projects.delete",
               {"projectId": PROJECT_ID}, cl=ACC),
    request_err("projects_delete_dotdot_refused", "contract: .. path param", "projects.delete", {"projectId": ".."},
                "validation", "projectId", cl=ACC),
    request_ok("projects_create_minimal", PR + " POST /account/projects: name required", "projects.create",
               {"name": "Tenant A"}, cl=ACC_NOPID),
    request_ok("projects_create_all_fields", PR + " POST /account/projects", "projects.create",
               {"name": "Tenant A", "domain": "tenant-a.example.com", "regionKey": "eu-central-1"}, cl=ACC_NOPID),
    request_ok("projects_create_name_100_ok", PR + ": name <= 100 (at the limit)", "projects.create",
               {"name": "n" * 100}, cl=ACC_NOPID),
    request_ok("projects_create_name_100_non_ascii_ok", PR + ": name <= 100 characters (not bytes)", "projects.create",
               {"name": "é" * 100}, cl=ACC_NOPID),
    request_err("projects_create_name_101_refused", PR + ": name <= 100 (one past)", "projects.create",
                {"name": "n" * 101}, "validation", "name", cl=ACC_NOPID),
    request_err("projects_create_missing_name_refused", PR + ": name required", "projects.create",
                {"domain": "example.com"}, "validation", "name", cl=ACC_NOPID),
    request_err("projects_create_name_not_string_refused", PR + ": name string", "projects.create",
                {"name": 7}, "validation", "name", cl=ACC_NOPID),
    request_err("projects_create_domain_with_scheme_refused", PR + ": domain without scheme", "projects.create",
                {"name": "Tenant A", "domain": "https://tenant-a.example.com"}, "validation", "domain", cl=ACC_NOPID),
    request_ok("projects_create_region_us_east_1", PR + ": regionKey values", "projects.create",
               {"name": "A", "regionKey": "us-east-1"}, cl=ACC_NOPID),
    request_ok("projects_create_region_us_east_2", PR + ": regionKey values", "projects.create",
               {"name": "A", "regionKey": "us-east-2"}, cl=ACC_NOPID),
    request_ok("projects_create_region_ap_south_1", PR + ": regionKey values", "projects.create",
               {"name": "A", "regionKey": "ap-south-1"}, cl=ACC_NOPID),
    request_ok("projects_create_region_unlisted_passed_through", PR + ": regionKey list may grow; not checked locally (README ambiguity)",
               "projects.create", {"name": "A", "regionKey": "sa-east-1"}, cl=ACC_NOPID),
    request_err("projects_create_unknown_field_refused", "contract: unknown fields refused (api §6.2: projectId belongs in the header, not the payload)",
                "projects.create", {"name": "A", "projectId": PROJECT_ID}, "validation", "projectId", cl=ACC_NOPID),
    request_err("projects_create_project_key_scope", "contract: key_scope", "projects.create", {"name": "A"}, "key_scope"),
]

if __name__ == "__main__":
    write("mail.json", "Mail endpoints: request shape and local validation at and just past every documented limit.",
          ["api §2.1", "docs/contract.md: Parameters"], m)
    write("contacts.json", "Contact endpoints: request shape, path encoding and documented limits.",
          ["api §2.2", "docs/contract.md: Parameters"], c)
    write("projects.json", "Project endpoints (account key): scope, x-project-id rule and create validation.",
          ["api §2.12", "seed: Account API Key", "docs/contract.md: Endpoint ids"], p)
