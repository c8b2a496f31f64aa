#!/usr/bin/env python3
"""Generate tests/vectors/paging.json (kind "pager") and chunking.json (kind "chunk").

Written from the docs: api §1.6 (page/limit pagination, 1-based pages, nested
`data.pagination{page,limit,total,pages}` vs flat `data{total,page,limit,totalPages}`), the
paged endpoints of api §2 (defaults and maxima), api/CONVENTIONS.md (`x-autosend-pagination`,
retry classes) and the bulk limits of api §2.1/§2.2/§2.10 (recipients 1-100, contacts 1-100,
bulk-add emails or contactIds <= 500). The end-of-list and chunk-outcome rules are the SDK's
decisions, stated in docs/contract.md ("Pagination and chunking").
"""
from common import DEFAULT_BASE, write

P16 = "api §1.6 pagination; contract: pager"
CH = "contract: chunked bulk writes"


def ids(prefix, a, b):
    return [{"id": "%s%04d" % (prefix, i)} for i in range(a, b)]


def nested(name, items, page, limit, total, pages=None):
    return {name: items, "pagination": {"page": page, "limit": limit, "total": total,
                                         "pages": -(-total // limit) if pages is None else pages}}


def flat(name, items, page, limit, total, pages=None):
    return {name: items, "total": total, "page": page, "limit": limit,
            "totalPages": -(-total // limit) if pages is None else pages}


def step(params, data, page, limit, total, pages, has_more, count, items=None):
    e = {"item_count": count, "page": page, "limit": limit, "total": total, "pages": pages, "has_more": has_more}
    if items is not None:
        e["items"] = items
    return {"expect_params": params, "data": data, "expect": e}


def pager(name, doc, endpoint, params, pages, end, start_page=None, first_request=None):
    v = {"name": name, "kind": "pager", "doc": doc, "endpoint": endpoint, "params": params}
    if start_page is not None:
        v["start_page"] = start_page
    if first_request:
        v["first_request"] = first_request
    v["pages"] = pages
    v["expect_end"] = end
    return v


def pager_err(name, doc, endpoint, params, error, field=None, contains=None):
    e = {"error": error}
    if field is not None:
        e["field"] = field
    if contains:
        e["message_contains"] = contains
    return {"name": name, "kind": "pager", "doc": doc, "endpoint": endpoint, "params": params, "expect_error": e}


def walk(endpoint, style, name, base, total, limit, send_limit=True, first=1):
    """A clean walk of `total` items, `limit` per page, from page `first`."""
    mk = nested if style == "nested" else flat
    pages = -(-total // limit)
    out = []
    for p in range(first, pages + 1):
        a, b = (p - 1) * limit, min(p * limit, total)
        prm = dict(base, page=p)
        if send_limit:
            prm["limit"] = limit
        out.append(step(prm, mk(name, ids("i", a, b), p, limit, total), p, limit, total, pages, p < pages, b - a))
    return out


def gen_pager():
    v = []
    # --- both styles, both locations --------------------------------------------------------
    v.append(pager(
        "pager_campaigns_nested_query_250", P16 + "; api §2.6 campaigns list (limit 1-100): without a limit the "
        "pager sends the documented maximum", "campaigns.list", {"status": "draft"},
        walk("campaigns.list", "nested", "campaigns", {"status": "draft"}, 250, 100),
        {"next_params": None, "items_seen": 250, "pages_done": 3},
        first_request={"method": "GET", "url": DEFAULT_BASE + "/campaigns?limit=100&page=1&status=draft",
                       "body": None}))
    v.append(pager(
        "pager_webhooks_flat_query_limit_2", P16 + " style B; api §2.13 webhooks list (flat total/page/limit/"
        "totalPages)", "webhooks.list", {"limit": 2, "isActive": True},
        walk("webhooks.list", "flat", "webhooks", {"isActive": True}, 5, 2),
        {"next_params": None, "items_seen": 5, "pages_done": 3},
        first_request={"method": "GET", "url": DEFAULT_BASE + "/webhooks?isActive=true&limit=2&page=1",
                       "body": None}))
    v.append(pager(
        "pager_webhook_logs_flat_path_param", P16 + " style B; api §2.13 delivery logs (path id kept on every "
        "page)", "webhooks.logs", {"id": "665f1c2ab3d4e5f6a7b8c9d0", "limit": 50},
        walk("webhooks.logs", "flat", "logs", {"id": "665f1c2ab3d4e5f6a7b8c9d0"}, 120, 50),
        {"next_params": None, "items_seen": 120, "pages_done": 3},
        first_request={"method": "GET", "url": DEFAULT_BASE +
                       "/webhooks/665f1c2ab3d4e5f6a7b8c9d0/logs?limit=50&page=1", "body": None}))
    base = {"contactListId": "GLOBAL_CONTACT_LIST"}
    v.append(pager(
        "pager_list_contacts_nested_body_150", P16 + "; api §2.10 contacts search: page/limit in the JSON body "
        "(POST-for-read), limit max 100", "contactLists.searchContacts", dict(base),
        walk("contactLists.searchContacts", "nested", "contacts", base, 150, 100),
        {"next_params": None, "items_seen": 150, "pages_done": 2},
        first_request={"method": "POST", "url": DEFAULT_BASE + "/contact-lists/contacts/search",
                       "body": {"contactListId": "GLOBAL_CONTACT_LIST", "page": 1, "limit": 100}}))
    base = {"groupId": "GEHYB", "reason": "MANUAL"}
    v.append(pager(
        "pager_suppression_entries_nested_body_filters", P16 + "; api §2.11 entries search (body, filters kept on "
        "every page)", "suppressionGroups.searchEntries", dict(base, limit=20),
        walk("suppressionGroups.searchEntries", "nested", "entries", base, 45, 20),
        {"next_params": None, "items_seen": 45, "pages_done": 3},
        first_request={"method": "POST", "url": DEFAULT_BASE + "/suppression-groups/entries",
                       "body": {"groupId": "GEHYB", "reason": "MANUAL", "page": 1, "limit": 20}}))
    v.append(pager(
        "pager_inbound_limit_max_200", P16 + "; api §2.14 inbound list (items named `items`, limit 1-200)",
        "inbound.list", {"from": "ana@example.com"},
        walk("inbound.list", "nested", "items", {"from": "ana@example.com"}, 201, 200),
        {"next_params": None, "items_seen": 201, "pages_done": 2}))
    v.append(pager(
        "pager_automations_items_name", P16 + "; api §2.7 automations list (items named workflowAutomations)",
        "automations.list", {"limit": 10},
        walk("automations.list", "nested", "workflowAutomations", {}, 10, 10),
        {"next_params": None, "items_seen": 10, "pages_done": 1}))
    v.append(pager(
        "pager_templates_search_filters", P16 + "; api §2.4 templates search", "templates.search",
        {"query": "welcome", "limit": 3},
        walk("templates.search", "nested", "templates", {"query": "welcome"}, 7, 3),
        {"next_params": None, "items_seen": 7, "pages_done": 3}))
    # --- end-of-list rules --------------------------------------------------------------------
    v.append(pager(
        "pager_empty_list", P16 + ": an empty first page ends the walk", "campaigns.list", {},
        [step({"page": 1, "limit": 100}, nested("campaigns", [], 1, 100, 0, 0), 1, 100, 0, 0, False, 0, [])],
        {"next_params": None, "items_seen": 0, "pages_done": 1}))
    v.append(pager(
        "pager_empty_page_ends_even_if_pages_says_more", P16 + ": an empty page ends the walk whatever the counts "
        "say (never loop on a list that emptied)", "campaigns.list", {"limit": 10},
        [step({"page": 1, "limit": 10}, nested("campaigns", ids("c", 0, 10), 1, 10, 30), 1, 10, 30, 3, True, 10),
         step({"page": 2, "limit": 10}, nested("campaigns", [], 2, 10, 30), 2, 10, 30, 3, False, 0)],
        {"next_params": None, "items_seen": 10, "pages_done": 2}))
    v.append(pager(
        "pager_last_page_exact", P16 + ": a full last page (page == pages) ends the walk without an extra request",
        "campaigns.list", {},
        walk("campaigns.list", "nested", "campaigns", {}, 200, 100),
        {"next_params": None, "items_seen": 200, "pages_done": 2}))
    v.append(pager(
        "pager_total_grows_between_pages", P16 + ": the latest total/pages is trusted; a list that grows while it "
        "is walked is followed to its new last page", "campaigns.list", {},
        [step({"page": 1, "limit": 100}, nested("campaigns", ids("c", 0, 100), 1, 100, 200), 1, 100, 200, 2, True,
              100),
         step({"page": 2, "limit": 100}, nested("campaigns", ids("c", 100, 200), 2, 100, 250), 2, 100, 250, 3, True,
              100),
         step({"page": 3, "limit": 100}, nested("campaigns", ids("c", 200, 250), 3, 100, 250), 3, 100, 250, 3, False,
              50)],
        {"next_params": None, "items_seen": 250, "pages_done": 3}))
    v.append(pager(
        "pager_total_shrinks_between_pages", P16 + ": the latest total/pages is trusted; a list that shrinks ends "
        "at its new last page (no request past it)", "webhooks.list", {"limit": 100},
        [step({"page": 1, "limit": 100}, flat("webhooks", ids("w", 0, 100), 1, 100, 300), 1, 100, 300, 3, True, 100),
         step({"page": 2, "limit": 100}, flat("webhooks", ids("w", 100, 150), 2, 100, 150), 2, 100, 150, 2, False,
              50)],
        {"next_params": None, "items_seen": 150, "pages_done": 2}))
    v.append(pager(
        "pager_fewer_than_limit_on_a_middle_page", P16 + ": a short page before the last one (page < pages) does "
        "not end the walk", "campaigns.list", {},
        [step({"page": 1, "limit": 100}, nested("campaigns", ids("c", 0, 97), 1, 100, 250), 1, 100, 250, 3, True,
              97),
         step({"page": 2, "limit": 100}, nested("campaigns", ids("c", 97, 197), 2, 100, 250), 2, 100, 250, 3, True,
              100),
         step({"page": 3, "limit": 100}, nested("campaigns", ids("c", 197, 247), 3, 100, 250), 3, 100, 250, 3,
              False, 50)],
        {"next_params": None, "items_seen": 247, "pages_done": 3}))
    v.append(pager(
        "pager_without_page_counts_short_page_ends", P16 + ": an answer without page metadata ends at the first "
        "page with fewer items than the limit", "automations.list", {"limit": 2},
        [step({"page": 1, "limit": 2}, {"workflowAutomations": ids("a", 0, 2)}, 1, 2, None, None, True, 2),
         step({"page": 2, "limit": 2}, {"workflowAutomations": ids("a", 2, 3)}, 2, 2, None, None, False, 1)],
        {"next_params": None, "items_seen": 3, "pages_done": 2}))
    v.append(pager(
        "pager_pages_from_total_and_limit", P16 + ": without `pages`, ceil(total / limit) pages", "campaigns.list",
        {"limit": 2},
        [step({"page": 1, "limit": 2}, {"campaigns": ids("c", 0, 2), "pagination": {"page": 1, "limit": 2,
                                                                                  "total": 4}},
              1, 2, 4, 2, True, 2),
         step({"page": 2, "limit": 2}, {"campaigns": ids("c", 2, 4), "pagination": {"page": 2, "limit": 2,
                                                                                  "total": 4}},
              2, 2, 4, 2, False, 2)],
        {"next_params": None, "items_seen": 4, "pages_done": 2}))
    # --- resume ---------------------------------------------------------------------------------
    v.append(pager(
        "pager_resume_from_page_3", P16 + ": a walk can start (resume) at page N", "campaigns.list", {"limit": 100},
        walk("campaigns.list", "nested", "campaigns", {}, 500, 100, first=3),
        {"next_params": None, "items_seen": 300, "pages_done": 3}, start_page=3))
    v.append(pager(
        "pager_resume_page_in_params", P16 + ": `page` in the params is where the walk starts", "webhooks.list",
        {"page": 2, "limit": 2},
        walk("webhooks.list", "flat", "webhooks", {}, 5, 2, first=2),
        {"next_params": None, "items_seen": 3, "pages_done": 2}))
    v.append(pager(
        "pager_bad_answer_keeps_the_page_for_resume", P16 + ": an answer without the items array is "
        "invalid_response and the pager stays on that page (resume there)", "campaigns.list", {},
        [step({"page": 1, "limit": 100}, nested("campaigns", ids("c", 0, 100), 1, 100, 300), 1, 100, 300, 3, True,
              100),
         {"expect_params": {"page": 2, "limit": 100}, "data": {"pagination": {"page": 2, "limit": 100, "total": 300,
                                                                               "pages": 3}},
          "expect": {"error": "invalid_response"}}],
        {"next_page": 2, "items_seen": 100, "pages_done": 1}))
    v.append(pager(
        "pager_answer_for_another_page_refused", P16 + ": an answer for another page than the one asked for is "
        "invalid_response (a server ignoring `page` would repeat items forever)", "webhooks.list", {"limit": 1},
        [step({"page": 1, "limit": 1}, flat("webhooks", ids("w", 0, 1), 1, 1, 3), 1, 1, 3, 3, True, 1),
         {"expect_params": {"page": 2, "limit": 1}, "data": flat("webhooks", ids("w", 0, 1), 1, 1, 3),
          "expect": {"error": "invalid_response", "message_contains": "page 2"}}],
        {"next_page": 2, "items_seen": 1, "pages_done": 1}))
    # --- usage errors ---------------------------------------------------------------------------
    v.append(pager_err("pager_not_a_paged_endpoint", "api §1.6: senders list is not paginated; contract: pager "
                       "usage error", "senders.list", {}, "validation", contains="not a paged list"))
    v.append(pager_err("pager_get_is_not_paged", "contract: pager usage error", "contacts.get", {"id": "x"},
                       "validation", contains="not a paged list"))
    v.append(pager_err("pager_unknown_endpoint", "contract: unknown endpoint ids", "campaigns.lst", {},
                       "unknown_endpoint"))
    v.append(pager_err("pager_page_zero_refused", "api §1.6: pages are 1-based", "campaigns.list", {"page": 0},
                       "validation", field="page"))
    v.append(pager_err("pager_limit_not_a_number_refused", "api §2.6 limit is an integer", "campaigns.list",
                       {"limit": "50"}, "validation", field="limit"))
    return v


def recipients(n):
    return [{"email": "r%04d@example.com" % i, "name": "R %d" % i} for i in range(n)]


def contacts(n):
    return [{"email": "c%04d@example.com" % i, "firstName": "C%d" % i} for i in range(n)]


def emails(n):
    return ["e%04d@example.com" % i for i in range(n)]


BULK_SHARED = {"from": {"email": "news@mail.example.com", "name": "News"}, "subject": "Hello {{name}}",
               "html": "<p>Hi {{name}}</p>", "dynamicData": {"campaign": "spring"}}


def chunk(name, doc, endpoint, params, field, size, sizes, outcomes=None, report=None, client_extra=None):
    v = {"name": name, "kind": "chunk", "doc": doc, "endpoint": endpoint, "params": params,
         "expect": {"field": field, "chunk_size": size, "chunk_sizes": sizes,
                    "shared": sorted(k for k in params if k != field)}}
    if client_extra:
        v["client"] = client_extra
    if outcomes:
        v["outcomes"] = outcomes
    n = sum(sizes)
    if report is None:
        report = {"chunk_status": ["accepted"] * len(sizes),
                  "counts": {"accepted": n, "refused": 0, "may_have_been_delivered": 0, "not_attempted": 0},
                  "stopped": False}
    v["expect_report"] = report
    return v


def chunk_err(name, doc, endpoint, params, field=None, contains=None):
    e = {"error": "validation"}
    if field:
        e["field"] = field
    if contains:
        e["message_contains"] = contains
    return {"name": name, "kind": "chunk", "doc": doc, "endpoint": endpoint, "params": params, "expect_error": e}


def counts(acc=0, ref=0, mhbd=0, na=0):
    return {"accepted": acc, "refused": ref, "may_have_been_delivered": mhbd, "not_attempted": na}


def gen_chunk():
    v = []
    B = "api §2.1 bulk: recipients 1-100 per request; " + CH
    U = "api §2.2 bulk-update: contacts 1-100 per request; " + CH
    A = "api §2.10 bulk-add: emails or contactIds, <= 500 per request; " + CH
    v.append(chunk("chunk_bulk_exact_multiple_200", B, "emails.bulk", dict(BULK_SHARED, recipients=recipients(200)),
                   "recipients", 100, [100, 100]))
    v.append(chunk("chunk_bulk_one_recipient", B, "emails.bulk", dict(BULK_SHARED, recipients=recipients(1)),
                   "recipients", 100, [1]))
    v.append(chunk("chunk_bulk_101_recipients", B, "emails.bulk", dict(BULK_SHARED, recipients=recipients(101)),
                   "recipients", 100, [100, 1]))
    v.append(chunk("chunk_bulk_1001_recipients", B, "emails.bulk", dict(BULK_SHARED, recipients=recipients(1001)),
                   "recipients", 100, [100] * 10 + [1]))
    v.append(chunk("chunk_bulk_update_250_contacts", U, "contacts.bulkUpdate",
                   {"contacts": contacts(250), "runWorkflow": True}, "contacts", 100, [100, 100, 50]))
    v.append(chunk("chunk_bulk_add_501_emails", A, "contactLists.bulkAdd",
                   {"contactListId": "665f1c2ab3d4e5f6a7b8c9d0", "emails": emails(501)}, "emails", 500, [500, 1]))
    v.append(chunk("chunk_bulk_add_1000_contact_ids", A, "contactLists.bulkAdd",
                   {"contactListId": "665f1c2ab3d4e5f6a7b8c9d0",
                    "contactIds": ["665f1c2ab3d4e5f6a7b8%04x" % i for i in range(1000)]},
                   "contactIds", 500, [500, 500]))
    # chunk 3 of 5 ends without an answer: may have been delivered, never re-sent, the rest go on
    v.append(chunk(
        "chunk_bulk_timeout_on_chunk_3_of_5", B + "; api/CONVENTIONS.md: emails.bulk is not idempotent (a timeout "
        "is an unknown outcome)", "emails.bulk", dict(BULK_SHARED, recipients=recipients(500)), "recipients", 100,
        [100] * 5, outcomes={"2": {"transport_error": "timeout"}},
        report={"chunk_status": ["accepted", "accepted", "may_have_been_delivered", "accepted", "accepted"],
                "counts": counts(acc=400, mhbd=100), "stopped": False, "retry_safe": False,
                "chunk_errors": {"2": {"error": "timeout", "may_have_been_delivered": True}},
                "item_checks": [[0, "accepted"], [199, "accepted"], [200, "may_have_been_delivered"],
                                [299, "may_have_been_delivered"], [300, "accepted"], [499, "accepted"]],
                "requests": 5}))
    v.append(chunk(
        "chunk_bulk_update_500_on_chunk_3_of_5", U + "; api/CONVENTIONS.md: contacts.bulkUpdate is not idempotent "
        "(a 5xx is an unknown outcome)", "contacts.bulkUpdate", {"contacts": contacts(450)}, "contacts", 100,
        [100, 100, 100, 100, 50],
        outcomes={"2": {"respond": {"status": 500, "body": {"success": False, "error": {
            "message": "Internal error", "code": "INTERNAL_SERVER_ERROR"}}}}},
        report={"chunk_status": ["accepted", "accepted", "may_have_been_delivered", "accepted", "accepted"],
                "counts": counts(acc=350, mhbd=100), "stopped": False, "retry_safe": False,
                "chunk_errors": {"2": {"error": "server", "status": 500, "may_have_been_delivered": True}},
                "item_checks": [[200, "may_have_been_delivered"], [449, "accepted"]], "requests": 5}))
    v.append(chunk(
        "chunk_bulk_refused_chunk_continues", B + "; api §1.5 validation errors: a refused chunk was not processed",
        "emails.bulk", dict(BULK_SHARED, recipients=recipients(250)), "recipients", 100, [100, 100, 50],
        outcomes={"1": {"respond": {"status": 400, "body": {"success": False, "error": {
            "message": "Validation failed", "code": "VALIDATION_FAILED"}}}}},
        report={"chunk_status": ["accepted", "refused", "accepted"], "counts": counts(acc=150, ref=100),
                "stopped": False, "retry_safe": False,
                "chunk_errors": {"1": {"error": "api_validation", "status": 400, "may_have_been_delivered": False}},
                "item_checks": [[99, "accepted"], [100, "refused"], [199, "refused"], [200, "accepted"]],
                "requests": 3}))
    v.append(chunk(
        "chunk_bulk_local_validation_refused_unsent", B + "; contract: a chunk failing local checks is refused "
        "without being sent, the others go on", "emails.bulk",
        dict(BULK_SHARED, recipients=recipients(150)[:120] + [{"email": "not-an-address"}] + recipients(150)[121:]),
        "recipients", 100, [100, 50],
        report={"chunk_status": ["accepted", "refused"], "counts": counts(acc=100, ref=50), "stopped": False,
                "retry_safe": False, "chunk_errors": {"1": {"error": "validation"}}, "requests": 1}))
    v.append(chunk(
        "chunk_auth_error_stops_the_run", U + "; api §1.5 401: every later chunk would be refused too, so the run "
        "stops and the rest is not_attempted", "contacts.bulkUpdate", {"contacts": contacts(400)}, "contacts", 100,
        [100] * 4,
        outcomes={"1": {"respond": {"status": 401, "body": {"success": False, "error": {
            "message": "Unauthorized", "code": "UNAUTHORIZED"}}}}},
        report={"chunk_status": ["accepted", "refused", "not_attempted", "not_attempted"],
                "counts": counts(acc=100, ref=100, na=200), "stopped": True, "retry_safe": False,
                "chunk_errors": {"1": {"error": "authentication", "status": 401}},
                "item_checks": [[0, "accepted"], [150, "refused"], [399, "not_attempted"]], "requests": 2}))
    v.append(chunk(
        "chunk_bulk_add_503_unknown_but_retry_safe", A + "; api/CONVENTIONS.md: bulk-add is idempotent (a set-like "
        "write): a 5xx leaves the outcome unknown, but re-sending is safe", "contactLists.bulkAdd",
        {"contactListId": "665f1c2ab3d4e5f6a7b8c9d0", "emails": emails(600)}, "emails", 500, [500, 100],
        outcomes={"0": {"respond": {"status": 503, "body": {"success": False, "error": {"message": "Unavailable"}}}}},
        report={"chunk_status": ["may_have_been_delivered", "accepted"], "counts": counts(acc=100, mhbd=500),
                "stopped": False, "retry_safe": True,
                "chunk_errors": {"0": {"error": "server", "status": 503, "may_have_been_delivered": False}},
                "requests": 2}))
    # usage errors
    v.append(chunk_err("chunk_zero_recipients_refused", B + ": 0 items is a usage error, nothing is sent",
                       "emails.bulk", dict(BULK_SHARED, recipients=[]), field="recipients"))
    v.append(chunk_err("chunk_missing_items_refused", U, "contacts.bulkUpdate", {"runWorkflow": True},
                       field="contacts"))
    v.append(chunk_err("chunk_emails_and_contact_ids_refused", A + " (not both)", "contactLists.bulkAdd",
                       {"emails": emails(2), "contactIds": ["665f1c2ab3d4e5f6a7b8c9d0"]}))
    v.append(chunk_err("chunk_not_a_bulk_endpoint", CH + ": only emails.bulk, contacts.bulkUpdate and "
                       "contactLists.bulkAdd are split", "emails.send", {"to": {"email": "a@example.com"}},
                       contains="emails.bulk"))
    v.append(chunk_err("chunk_items_not_an_array_refused", B, "emails.bulk",
                       dict(BULK_SHARED, recipients={"email": "a@example.com"}), field="recipients"))
    return v


def main():
    write("paging.json", "Auto-pagination (kind pager): the params of each page request and the reading of each "
          "page (items, page metadata, end of list, resume).",
          ["api §1.6", "api §2 paged endpoints", "api/CONVENTIONS.md x-autosend-pagination", "docs/contract.md"],
          gen_pager())
    write("chunking.json", "Chunked bulk writes (kind chunk): splitting by the schema's maxItems, shared fields, "
          "per-chunk outcomes and the per-item report.",
          ["api §2.1 bulk", "api §2.2 bulk-update", "api §2.10 bulk-add", "api/CONVENTIONS.md retry classes",
           "docs/contract.md"], gen_chunk())


if __name__ == "__main__":
    main()
