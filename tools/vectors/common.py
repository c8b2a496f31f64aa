"""Shared helpers for the vector generators (tools/vectors/gen_*.py).

The vectors are derived from the docs (docs/contract.md, /work/shared/autosend-api.md and the
seed document), not from any implementation. These helpers only remove repetition.
"""
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "vectors")

DEFAULT_BASE = "https://api.autosend.com/v1"

# endpoint id -> (method, path template)   [contract: Endpoint ids; api/CONVENTIONS.md id table; api §2]
ENDPOINTS = {
    "emails.send": ("POST", "/mails/send"),
    "emails.bulk": ("POST", "/mails/bulk"),
    "emails.status": ("GET", "/mails/{id}/status"),
    "contacts.create": ("POST", "/contacts"),
    "contacts.upsert": ("POST", "/contacts/email"),
    "contacts.get": ("GET", "/contacts/{id}"),
    "contacts.delete": ("DELETE", "/contacts/{id}"),
    "contacts.deleteByUserId": ("DELETE", "/contacts/email/userId/{userId}"),
    "contacts.remove": ("POST", "/contacts/remove"),
    "contacts.searchByEmails": ("POST", "/contacts/search/emails"),
    "contacts.bulkUpdate": ("POST", "/contacts/bulk-update"),
    "contacts.unsubscribeGroups": ("GET", "/contacts/{id}/unsubscribe-groups"),
    "projects.list": ("GET", "/account/projects"),
    "projects.get": ("GET", "/account/projects/{projectId}"),
    "projects.create": ("POST", "/account/projects"),
    "projects.delete": ("DELETE", "/account/projects/{projectId}"),
    # api §2.3
    "contactProperties.list": ("GET", "/contact-properties"),
    "contactProperties.get": ("GET", "/contact-properties/name/{propertyName}"),
    "contactProperties.create": ("POST", "/contact-properties"),
    "contactProperties.delete": ("DELETE", "/contact-properties/name/{propertyName}"),
    "customFields.list": ("GET", "/custom-fields"),
    "customFields.get": ("GET", "/custom-fields/fieldName/{customFieldName}"),
    "customFields.create": ("POST", "/custom-fields"),
    "customFields.delete": ("DELETE", "/custom-fields/fieldName/{customFieldName}"),
    # api §2.4
    "templates.list": ("GET", "/templates"),
    "templates.search": ("GET", "/templates/search"),
    "templates.get": ("GET", "/templates/{templateId}"),
    "templates.create": ("POST", "/templates"),
    "templates.update": ("PUT", "/templates/{templateId}"),
    "templates.delete": ("DELETE", "/templates/{templateId}"),
    "templates.updatePreviewText": ("PATCH", "/templates/{templateId}/preview-text"),
    # api §2.5
    "senders.list": ("GET", "/senders"),
    "senders.get": ("GET", "/senders/{senderId}"),
    "senders.create": ("POST", "/senders"),
    "senders.delete": ("DELETE", "/senders/{senderId}"),
    # api §2.6
    "campaigns.list": ("GET", "/campaigns"),
    "campaigns.get": ("GET", "/campaigns/{campaignId}"),
    "campaigns.create": ("POST", "/campaigns"),
    "campaigns.update": ("PATCH", "/campaigns/{campaignId}"),
    "campaigns.pause": ("POST", "/campaigns/{campaignId}/pause"),
    "campaigns.resume": ("POST", "/campaigns/{campaignId}/resume"),
    "campaigns.abort": ("POST", "/campaigns/{campaignId}/abort"),
    "campaigns.delete": ("DELETE", "/campaigns/{campaignId}"),
    "campaigns.analytics": ("GET", "/campaigns/{campaignId}/analytics"),
    # api §2.7
    "automations.list": ("GET", "/automations"),
    "automations.get": ("GET", "/automations/{id}"),
    "automations.create": ("POST", "/automations"),
    "automations.update": ("PATCH", "/automations/{id}"),
    "automations.pause": ("POST", "/automations/{id}/pause"),
    "automations.resume": ("POST", "/automations/{id}/resume"),
    "automations.delete": ("DELETE", "/automations/{id}"),
    # api §2.8
    "events.list": ("GET", "/events"),
    "events.get": ("GET", "/events/eventName/{eventName}"),
    "events.create": ("POST", "/events"),
    "events.update": ("PATCH", "/events/eventName/{eventName}"),
    "events.delete": ("DELETE", "/events/eventName/{eventName}"),
    "events.send": ("POST", "/events/send"),
    # api §2.9
    "domains.list": ("GET", "/domains"),
    "domains.get": ("GET", "/domains/{domainId}"),
    "domains.create": ("POST", "/domains"),
    "domains.verify": ("POST", "/domains/{domainId}/verify"),
    "domains.enableInbound": ("POST", "/domains/{domainId}/inbound/enable"),
    "domains.disableInbound": ("POST", "/domains/{domainId}/inbound/disable"),
    "domains.delete": ("DELETE", "/domains/{domainId}"),
    # api §2.10
    "contactLists.list": ("GET", "/contact-lists"),
    "contactLists.get": ("GET", "/contact-lists/{contactListId}"),
    "contactLists.create": ("POST", "/contact-lists"),
    "contactLists.delete": ("DELETE", "/contact-lists/{contactListId}"),
    "contactLists.searchContacts": ("POST", "/contact-lists/contacts/search"),
    "contactLists.bulkAdd": ("POST", "/contact-lists/contacts/bulk-add"),
    "contactLists.removeContacts": ("POST", "/contact-lists/{contactListId}/contacts/remove"),
    # api §2.11
    "suppressionGroups.list": ("GET", "/suppression-groups"),
    "suppressionGroups.get": ("GET", "/suppression-groups/{groupId}"),
    "suppressionGroups.create": ("POST", "/suppression-groups"),
    "suppressionGroups.update": ("PUT", "/suppression-groups/{groupId}"),
    "suppressionGroups.delete": ("DELETE", "/suppression-groups/{groupId}"),
    "suppressionGroups.searchEntries": ("POST", "/suppression-groups/entries"),
    "suppressionGroups.suppress": ("POST", "/suppression-groups/emails/suppress"),
    "suppressionGroups.unsuppress": ("POST", "/suppression-groups/emails/unsuppress"),
    # api §2.13
    "webhooks.list": ("GET", "/webhooks"),
    "webhooks.get": ("GET", "/webhooks/{id}"),
    "webhooks.create": ("POST", "/webhooks"),
    "webhooks.update": ("PUT", "/webhooks/{id}"),
    "webhooks.delete": ("DELETE", "/webhooks/{id}"),
    "webhooks.logs": ("GET", "/webhooks/{id}/logs"),
    "webhooks.reveal": ("GET", "/webhooks/{id}/reveal"),
    "webhooks.resend": ("POST", "/webhooks/{id}/resend"),
    "webhooks.availableEvents": ("GET", "/webhooks/events/available"),
    # api §2.14
    "inbound.list": ("GET", "/inbound/messages"),
    "inbound.get": ("GET", "/inbound/messages/{id}"),
    "inbound.attachment": ("GET", "/inbound/messages/{id}/attachments/{idx}"),
    "inbound.reply": ("POST", "/inbound/messages/{id}/reply"),
    # api §1.8, §2.15
    "jwks.get": ("GET", "/jwks.json"),
}

# The 16 endpoints the first vector files cover (mail, contacts, projects).
LEGACY_ENDPOINTS = [e for e in ENDPOINTS if e.split(".")[0] in ("emails", "contacts", "projects")]

# Scope per api/CONVENTIONS.md "Scope and retry class": project_key for every webhooks, events,
# automations and inbound endpoint; account for projects (create: account_no_project); none for
# jwks.get; project for everything else.
def scope(endpoint):
    ns = endpoint.split(".")[0]
    if endpoint == "jwks.get":
        return "none"
    if endpoint == "projects.create":
        return "account_no_project"
    if ns == "projects":
        return "account"
    if ns in ("webhooks", "events", "automations", "inbound"):
        return "project_key"
    return "project"


# Declared query parameters (api §2 tables). Everything else that is not a path parameter is
# the JSON body (POST/PUT/PATCH) or refused (GET/DELETE).
QUERY = {
    "contactProperties.list": ["includeReservedFields"],
    "customFields.list": ["includeReservedFields"],
    "templates.list": ["templateType", "limit"],
    "templates.search": ["query", "templateType", "templateName", "subject", "templateId", "page", "limit",
                         "sortBy"],
    "campaigns.list": ["status", "name", "page", "limit", "startDate", "endDate", "includeCounts"],
    "automations.list": ["status", "tags", "page", "limit"],
    "contactLists.list": ["type"],
    "suppressionGroups.list": ["onlyGlobal", "includeGlobal"],
    "webhooks.list": ["isActive", "page", "limit"],
    "webhooks.logs": ["page", "limit"],
    "inbound.list": ["from", "to", "threadId", "search", "dateFrom", "dateTo", "page", "limit"],
    "inbound.attachment": ["download"],
}

# POST endpoints whose docs show no request body: nothing is sent (no body, no content-type).
NO_BODY = {"campaigns.pause", "campaigns.resume", "campaigns.abort", "automations.pause", "automations.resume",
           "domains.verify", "domains.enableInbound", "domains.disableInbound"}


def qenc(v):
    """A query value on the wire: booleans true/false, numbers in decimal, arrays joined with a
    literal comma (each item encoded), strings percent-encoded like path segments (space = %20)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, list):
        return ",".join(qenc(x) for x in v)
    return enc(v)


PROJECT_KEY = "AS_test123"
ACCOUNT_KEY = "ASA_acct456"
PROJECT_ID = "665f1c2ab3d4e5f6a7b8c9d0"


def enc(s):
    """Percent-encode a path segment: everything but RFC 3986 unreserved characters."""
    out = []
    for b in s.encode("utf-8"):
        c = chr(b)
        if c.isascii() and (c.isalnum() or c in "-._~"):
            out.append(c)
        else:
            out.append("%%%02X" % b)
    return "".join(out)


def client(api_key=PROJECT_KEY, project_id=None, base_url=None, **extra):
    c = {"api_key": api_key, "project_id": project_id, "base_url": base_url}
    c.update(extra)
    return c


def request_ok(name, doc, endpoint, params, cl=None, body="auto", url=None, headers=None):
    """A request vector whose expectation is the exact request sent.

    Path parameters fill the path (percent-encoded); declared query parameters go to the query
    string in alphabetical order (runners compare the query as a set of pairs, see README),
    with null and empty-string values dropped; the rest is the body of POST/PUT/PATCH."""
    cl = cl or client()
    method, tmpl = ENDPOINTS[endpoint]
    path = tmpl
    rest = dict(params)
    for key in list(rest):
        ph = "{" + key + "}"
        if ph in path:
            path = path.replace(ph, enc(rest.pop(key)))
    query = []
    for key in sorted(k for k in list(rest) if k in QUERY.get(endpoint, [])):
        val = rest.pop(key)
        if val is None or val == "":
            continue
        query.append("%s=%s" % (enc(key), qenc(val)))
    if url is None:
        base = (cl.get("base_url") or DEFAULT_BASE).rstrip("/")
        url = base + path + ("?" + "&".join(query) if query else "")
    if body == "auto":
        body = rest if method in ("POST", "PUT", "PATCH") and endpoint not in NO_BODY else None
    if headers is None:
        key = cl["api_key"].strip()
        sc = scope(endpoint)
        headers = {} if sc == "none" else {"authorization": "Bearer " + key}
        headers["accept"] = "application/json"
        if body is not None:
            headers["content-type"] = "application/json"
        if key.startswith("ASA_") and cl.get("project_id") and sc not in ("none", "account_no_project"):
            headers["x-project-id"] = cl["project_id"]
    return {
        "name": name, "kind": "request", "doc": doc, "client": cl,
        "endpoint": endpoint, "params": params,
        "expect": {"method": method, "url": url, "headers": headers, "body": body},
    }


def request_err(name, doc, endpoint, params, error, field=None, cl=None):
    exp = {"error": error}
    if field is not None:
        exp["field"] = field
    return {
        "name": name, "kind": "request", "doc": doc, "client": cl or client(),
        "endpoint": endpoint, "params": params, "expect": exp,
    }


def write(fname, description, sources, vectors):
    names = [v["name"] for v in vectors]
    dup = {n for n in names if names.count(n) > 1}
    assert not dup, (fname, dup)
    path = os.path.join(OUT, fname)
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"description": description, "sources": sources, "vectors": vectors},
                  f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("%-20s %4d vectors" % (fname, len(vectors)))


ACC = client(api_key=ACCOUNT_KEY, project_id=PROJECT_ID)      # account key + x-project-id
ACC_NOPID = client(api_key=ACCOUNT_KEY)                       # account key, no project id
OID = "665f1c2ab3d4e5f6a7b8c9d0"                              # an ObjectId-looking id (api §1.7)
OID2 = "665f1c2ab3d4e5f6a7b8c9e1"
# A value that needs query/path encoding: space, @, + and non-ASCII (UTF-8, upper-case hex).
TRICKY = "Ana+tag @ café"
