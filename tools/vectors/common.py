"""Shared helpers for the vector generators (tools/vectors/gen_*.py).

The vectors are derived from the docs (docs/contract.md, /work/shared/autosend-api.md and the
seed document), not from any implementation. These helpers only remove repetition.
"""
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "vectors")

DEFAULT_BASE = "https://api.autosend.com/v1"

# endpoint id -> (method, path template)   [contract: Endpoint ids]
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
}

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
    """A request vector whose expectation is the exact request sent."""
    cl = cl or client()
    method, tmpl = ENDPOINTS[endpoint]
    path = tmpl
    rest = dict(params)
    for key in list(rest):
        ph = "{" + key + "}"
        if ph in path:
            path = path.replace(ph, enc(rest.pop(key)))
    if url is None:
        base = (cl.get("base_url") or DEFAULT_BASE).rstrip("/")
        url = base + path
    if body == "auto":
        body = rest if method == "POST" else None
    if headers is None:
        key = cl["api_key"].strip()
        headers = {"authorization": "Bearer " + key, "accept": "application/json"}
        if body is not None:
            headers["content-type"] = "application/json"
        if key.startswith("ASA_") and cl.get("project_id") and endpoint != "projects.create":
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
    print("%-16s %4d vectors" % (fname, len(vectors)))
