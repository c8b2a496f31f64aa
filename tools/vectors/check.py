#!/usr/bin/env python3
"""Check tests/vectors/*.json: valid JSON, file shape, unique names, required fields per kind,
at least two request vectors per endpoint id, and tests/vectors/pending.json (the shared skip
list: every name exists, each has a reason).

Prints the number of vectors per file and per kind. Exit status 1 on any problem.
"""
import base64
import binascii
import collections
import glob
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VEC = os.path.join(ROOT, "tests", "vectors")

ERROR_KINDS = {
    "invalid_api_key", "missing_project_id", "project_id_not_allowed", "key_scope", "invalid_base_url",
    "validation", "unknown_endpoint", "invalid_config", "webhook_invalid_signature", "webhook_timestamp",
    "webhook_malformed", "api_validation", "authentication", "plan_required", "permission", "not_found",
    "conflict", "rate_limited", "server", "unexpected_status", "invalid_response", "connect", "timeout",
    "connection_lost", "deadline_exceeded", "budget_store", "internal", "panic",
}
# The 93 endpoint ids (api/CONVENTIONS.md "Endpoint ids (fixed)"). tools/vectors/endpoints.json,
# generated from the API description ([{id, method, path, scope, idempotent}]), wins when present.
CONVENTIONS_IDS = """
emails.send emails.bulk emails.status
contacts.create contacts.upsert contacts.get contacts.delete contacts.deleteByUserId contacts.remove
contacts.searchByEmails contacts.bulkUpdate contacts.unsubscribeGroups
contactProperties.list contactProperties.get contactProperties.create contactProperties.delete
customFields.list customFields.get customFields.create customFields.delete
templates.list templates.search templates.get templates.create templates.update templates.delete
templates.updatePreviewText
senders.list senders.get senders.create senders.delete
campaigns.list campaigns.get campaigns.create campaigns.update campaigns.pause campaigns.resume campaigns.abort
campaigns.delete campaigns.analytics
automations.list automations.get automations.create automations.update automations.pause automations.resume
automations.delete
events.list events.get events.create events.update events.delete events.send
domains.list domains.get domains.create domains.verify domains.enableInbound domains.disableInbound domains.delete
contactLists.list contactLists.get contactLists.create contactLists.delete contactLists.searchContacts
contactLists.bulkAdd contactLists.removeContacts
suppressionGroups.list suppressionGroups.get suppressionGroups.create suppressionGroups.update
suppressionGroups.delete suppressionGroups.searchEntries suppressionGroups.suppress suppressionGroups.unsuppress
projects.list projects.get projects.create projects.delete
webhooks.list webhooks.get webhooks.create webhooks.update webhooks.delete webhooks.logs webhooks.reveal
webhooks.resend webhooks.availableEvents
inbound.list inbound.get inbound.attachment inbound.reply
jwks.get
""".split()
ENDPOINTS_JSON = os.path.join(os.path.dirname(os.path.abspath(__file__)), "endpoints.json")


def endpoint_ids():
    if os.path.exists(ENDPOINTS_JSON):
        with open(ENDPOINTS_JSON, encoding="utf-8") as f:
            return [e["id"] for e in json.load(f)], "tools/vectors/endpoints.json"
    return CONVENTIONS_IDS, "the CONVENTIONS id table in check.py"


ENDPOINT_LIST, ENDPOINT_SOURCE = endpoint_ids()
ENDPOINTS = set(ENDPOINT_LIST)
PENDING = "pending.json"
RUNNERS = {"rust", "node", "python", "c"}
MIN_REQUESTS_PER_ENDPOINT = 2
ERR_FIELDS = {"error", "status", "api_code", "message_contains", "retry_after_ms", "request_id", "details",
              "may_have_been_delivered", "field"}
problems = []


def bad(where, msg):
    problems.append("%s: %s" % (where, msg))


def check_error_expect(where, e, allowed_extra=()):
    if e["error"] not in ERROR_KINDS:
        bad(where, "unknown error kind %r" % e["error"])
    extra = set(e) - ERR_FIELDS - set(allowed_extra)
    if extra:
        bad(where, "unexpected expect fields %s" % sorted(extra))


def check_endpoint(where, v, must_be_known=True):
    if "endpoint" not in v:
        bad(where, "missing endpoint")
    elif must_be_known and v["endpoint"] not in ENDPOINTS:
        bad(where, "endpoint %r not in the contract" % v["endpoint"])


def check_lower_headers(where, hs):
    for k in hs:
        if k != k.lower():
            bad(where, "header name %r is not lower-case" % k)


def check_b64(where, what, s):
    try:
        base64.b64decode(s, validate=True)
    except (binascii.Error, TypeError, ValueError):
        bad(where, "%s must be standard base64" % what)


def check_response_like(where, r):
    if not isinstance(r.get("status"), int):
        bad(where, "status must be an int")
    if sum(k in r for k in ("body", "body_text", "body_base64")) != 1:
        bad(where, "exactly one of body / body_text / body_base64")
    if "body_text" in r and not isinstance(r["body_text"], str):
        bad(where, "body_text must be a string")
    if "body_base64" in r:
        check_b64(where, "body_base64", r["body_base64"])


OK_FIELDS = {"ok", "data", "bytes_base64", "content_type", "already_gone"}


def check_done(where, d):
    if d.get("ok") is True:
        if set(d) - OK_FIELDS:
            bad(where, "ok expectation has extra fields %s" % sorted(set(d) - OK_FIELDS))
        if "data" in d and "bytes_base64" in d:
            bad(where, "an ok expectation has data or bytes_base64, not both")
        if "bytes_base64" in d:
            check_b64(where, "bytes_base64", d["bytes_base64"])
        if "already_gone" in d and not isinstance(d["already_gone"], bool):
            bad(where, "already_gone must be a boolean")
    elif "error" in d:
        check_error_expect(where, d)
    else:
        bad(where, "expect must be {ok:true,...} or {error:...}")


def check(v, where):
    kind = v.get("kind")
    for f in ("name", "kind", "doc"):
        if not isinstance(v.get(f), str) or not v.get(f):
            bad(where, "missing/empty %s" % f)
    exp = v.get("expect")
    if kind == "key":
        if not isinstance(v.get("input", {}).get("key"), str):
            bad(where, "input.key must be a string")
        if exp not in ({"key_kind": "project"}, {"key_kind": "account"}, {"error": "invalid_api_key"}):
            bad(where, "bad key expect %r" % exp)
    elif kind == "request":
        if not isinstance(v.get("client"), dict) or "params" not in v:
            bad(where, "request needs client and params")
        is_unknown = isinstance(exp, dict) and exp.get("error") == "unknown_endpoint"
        check_endpoint(where, v, must_be_known=not is_unknown)
        if not isinstance(exp, dict):
            bad(where, "expect must be an object")
        elif "error" in exp:
            if set(exp) - {"error", "field"}:
                bad(where, "request error expect allows only error/field")
            check_error_expect(where, exp)
        else:
            for f in ("method", "url", "headers", "body"):
                if f not in exp:
                    bad(where, "expect.%s missing" % f)
            hs = exp.get("headers", {})
            check_lower_headers(where, hs)
            if "user-agent" in hs:
                bad(where, "user-agent must not be listed (the runner checks it separately)")
            if (exp.get("body") is not None) != ("content-type" in hs):
                bad(where, "content-type must be present exactly when there is a body")
    elif kind == "response":
        check_endpoint(where, v)
        check_response_like(where, v)
        check_lower_headers(where, v.get("headers", {}))
        if not isinstance(exp, dict):
            bad(where, "expect must be an object")
        else:
            check_done(where, exp)
    elif kind == "call":
        check_endpoint(where, v)
        cl = v.get("client")
        if not isinstance(cl, dict) or "api_key" not in cl:
            bad(where, "call needs client.api_key")
        steps = v.get("steps")
        if not isinstance(steps, list) or not steps:
            bad(where, "call needs steps")
            return
        last = -1
        for i, s in enumerate(steps):
            w = "%s step %d" % (where, i)
            if not isinstance(s.get("at"), int) or s["at"] < last:
                bad(w, "at must be a non-decreasing int")
            last = s.get("at", last)
            e = s.get("expect", {})
            keys = set(e)
            if "send" in e:
                if keys != {"send"}:
                    bad(w, "send expectation stands alone")
                if ("respond" in s) == ("transport_error" in s):
                    bad(w, "a send step needs exactly one of respond / transport_error")
                if "respond" in s:
                    check_response_like(w, s["respond"])
                    check_lower_headers(w, s["respond"].get("headers", {}))
                if "transport_error" in s and s["transport_error"] not in ("connect", "timeout", "connection_lost"):
                    bad(w, "bad transport_error")
            elif "wait" in e:
                if keys != {"wait"}:
                    bad(w, "wait stands alone")
            elif "wait_min" in e or "wait_max" in e:
                if keys != {"wait_min", "wait_max"} or e["wait_min"] > e["wait_max"]:
                    bad(w, "wait_min/wait_max both, min <= max")
            elif "done" in e:
                check_done(w, e["done"])
                if i != len(steps) - 1:
                    bad(w, "done must be the last step")
            else:
                bad(w, "unknown step expectation %r" % e)
            if "send" not in e and ("respond" in s or "transport_error" in s):
                bad(w, "respond/transport_error only after a send")
        if "done" not in steps[-1].get("expect", {}):
            bad(where, "last step must be done")
    elif kind == "limiter":
        steps = v.get("steps")
        if not isinstance(steps, list) or not steps:
            bad(where, "limiter needs steps")
            return
        if v.get("answers", "instant") != "instant":
            bad(where, "answers must be \"instant\" when present")
        for i, s in enumerate(steps):
            w = "%s step %d" % (where, i)
            if "refund" in s:
                if set(s) != {"refund"} or not isinstance(s["refund"], int):
                    bad(w, "refund step is {refund: grant}")
                continue
            if not isinstance(s.get("at"), int):
                bad(w, "at must be an int")
            if "settle" in s or "block" in s:
                k = "settle" if "settle" in s else "block"
                if set(s) != {k, "at"} or not isinstance(s[k], int):
                    bad(w, "%s step is {%s: int, at: int}" % (k, k))
                continue
            e = s.get("expect")
            if e != "go" and not (isinstance(e, dict) and set(e) == {"wait"} and isinstance(e["wait"], int)
                                  and e["wait"] > 0):
                bad(w, "expect must be \"go\" or {wait: positive int}")
            if "repeat" in s and (not isinstance(s["repeat"], int) or s["repeat"] < 1):
                bad(w, "repeat must be a positive int")
    elif kind == "webhook":
        for f in ("body", "secret"):
            if not isinstance(v.get(f), str):
                bad(where, "%s must be a string" % f)
        if not isinstance(v.get("headers"), dict) or not isinstance(v.get("now_ms"), int):
            bad(where, "headers object and now_ms int required")
        if not isinstance(exp, dict):
            bad(where, "expect must be an object")
        elif exp.get("ok") is True:
            if set(exp) != {"ok", "type"}:
                bad(where, "ok webhook expect is {ok, type}")
        elif exp.get("error") not in ("webhook_invalid_signature", "webhook_timestamp", "webhook_malformed"):
            bad(where, "webhook error must be a webhook_* kind")
    elif kind in ("pager", "chunk"):
        check_endpoint(where, v, must_be_known=False)
        if not isinstance(v.get("params"), dict):
            bad(where, "params must be an object")
        if "expect_error" in v:
            check_error_expect(where, v["expect_error"], ("field", "message_contains"))
        elif kind == "pager":
            if not isinstance(v.get("pages"), list) or not v["pages"] or not isinstance(v.get("expect_end"), dict):
                bad(where, "pager needs pages (non-empty list) and expect_end")
            for j, pg in enumerate(v.get("pages") or []):
                if not {"expect_params", "data", "expect"} <= set(pg):
                    bad("%s page %d" % (where, j), "needs expect_params, data, expect")
        else:
            e, r = v.get("expect"), v.get("expect_report")
            if not isinstance(e, dict) or not {"field", "chunk_size", "chunk_sizes", "shared"} <= set(e):
                bad(where, "chunk expect needs field, chunk_size, chunk_sizes, shared")
            elif sum(e["chunk_sizes"]) != len(v["params"].get(e["field"], [])):
                bad(where, "chunk_sizes do not add up to the number of items")
            if not isinstance(r, dict) or "chunk_status" not in r:
                bad(where, "chunk needs expect_report.chunk_status")
            elif isinstance(e, dict) and len(r["chunk_status"]) != len(e.get("chunk_sizes", [])):
                bad(where, "one chunk_status per chunk")
    elif kind == "budget_reply":
        if v.get("op") not in ("acquire", "settle", "refund", "block") or "reply" not in v:
            bad(where, "budget_reply needs op (acquire/settle/refund/block) and reply")
        ok = isinstance(exp, dict) and (
            (set(exp) == {"go"} and isinstance(exp["go"], str))
            or (set(exp) == {"wait"} and isinstance(exp["wait"], int) and exp["wait"] > 0)
            or exp == {"ok": True}
            or exp == {"error": "budget_store"})
        if not ok:
            bad(where, "expect is {go: id}, {wait: ms}, {ok: true} or {error: budget_store}")
    else:
        bad(where, "unknown kind %r" % kind)


def check_pending(names):
    """tests/vectors/pending.json: {"description", "pending": [{"name", "reason", "runners"?}]}."""
    path = os.path.join(VEC, PENDING)
    if not os.path.exists(path):
        return 0
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except Exception as exc:  # noqa: BLE001
        bad(PENDING, "invalid JSON: %s" % exc)
        return 0
    if set(doc) != {"description", "pending"} or not isinstance(doc.get("pending"), list):
        bad(PENDING, "top level must be exactly description/pending (a list)")
        return 0
    seen = set()
    for i, p in enumerate(doc["pending"]):
        where = "%s[%d] %s" % (PENDING, i, p.get("name"))
        if set(p) - {"name", "reason", "runners"}:
            bad(where, "fields are name, reason, runners")
        if p.get("name") not in names:
            bad(where, "no vector has this name (remove it)")
        if p.get("name") in seen:
            bad(where, "listed twice")
        seen.add(p.get("name"))
        if not isinstance(p.get("reason"), str) or not p.get("reason"):
            bad(where, "missing reason")
        r = p.get("runners")
        if r is not None and (not isinstance(r, list) or not r or set(r) - RUNNERS):
            bad(where, "runners must be a non-empty subset of %s" % sorted(RUNNERS))
    return len(doc["pending"])


def main():
    names = {}
    per_file = collections.OrderedDict()
    per_kind = collections.Counter()
    files = sorted(f for f in glob.glob(os.path.join(VEC, "*.json")) if os.path.basename(f) != PENDING)
    requests_per_endpoint = collections.Counter()
    if not files:
        bad(VEC, "no vector files")
    for path in files:
        fname = os.path.basename(path)
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except Exception as exc:  # noqa: BLE001
            bad(fname, "invalid JSON: %s" % exc)
            continue
        if set(doc) != {"description", "sources", "vectors"}:
            bad(fname, "top level must be exactly description/sources/vectors")
        if not isinstance(doc.get("sources"), list) or not all(isinstance(s, str) for s in doc["sources"]):
            bad(fname, "sources must be a list of strings")
        counts = collections.Counter()
        for i, v in enumerate(doc.get("vectors", [])):
            where = "%s[%d] %s" % (fname, i, v.get("name"))
            n = v.get("name")
            if n in names:
                bad(where, "duplicate name (also in %s)" % names[n])
            names[n] = fname
            check(v, where)
            if v.get("kind") == "request":
                requests_per_endpoint[v.get("endpoint")] += 1
            counts[v.get("kind")] += 1
            per_kind[v.get("kind")] += 1
        per_file[fname] = counts
    for fname, counts in per_file.items():
        print("%-20s %4d  %s" % (fname, sum(counts.values()),
                                 ", ".join("%s=%d" % kv for kv in sorted(counts.items()))))
    print("-" * 40)
    for k, n in sorted(per_kind.items()):
        print("%-20s %4d" % (k, n))
    thin = [e for e in ENDPOINT_LIST if requests_per_endpoint[e] < MIN_REQUESTS_PER_ENDPOINT]
    for e in thin:
        bad("endpoint %s" % e, "%d request vector(s), want >= %d" % (requests_per_endpoint[e], MIN_REQUESTS_PER_ENDPOINT))
    print("%-20s %4d of %d ids (%s) with >= %d request vectors" % (
        "endpoints", len(ENDPOINT_LIST) - len(thin), len(ENDPOINT_LIST), ENDPOINT_SOURCE, MIN_REQUESTS_PER_ENDPOINT))
    npend = check_pending(names)
    print("%-20s %4d" % ("pending", npend))
    print("%-20s %4d" % ("total", sum(per_kind.values())))
    if problems:
        print("\n%d problem(s):" % len(problems))
        for p in problems:
            print("  " + p)
        sys.exit(1)


if __name__ == "__main__":
    main()
