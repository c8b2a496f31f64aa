"""docs/api.md: the API reference page, generated from the description."""
import json

import model

PATH = "docs/api.md"

SCOPE_TEXT = {
    "project": "project key, or account key + project id",
    "project_key": "project key (`AS_`) only",
    "account": "account key (`ASA_`) + project id",
    "account_no_project": "account key (`ASA_`), no project id",
    "none": "no key (nothing sent)",
}


def _md(s):
    return (s or "").replace("|", "\\|").replace("\n", " ")


def type_text(spec, s, names=None):
    """A short type description: `string (1–998 chars, email)`, `array of Address (≤ 50)`."""
    if s is None:
        return "any"
    if "$ref" in s:
        name = model.ref_name(s["$ref"])
        if names is not None:
            names.add(name)
        return f"[`{name}`](#{name.lower()})"
    if "oneOf" in s:
        alts = [type_text(spec, a, names) for a in s["oneOf"]]
        return " or ".join(alts)
    t, nullable = model.schema_type(s)
    limits = []
    if t == "string":
        lo, hi = s.get("minLength"), s.get("maxLength")
        if lo is not None and hi is not None:
            limits.append(f"{lo}–{hi} chars")
        elif hi is not None:
            limits.append(f"≤ {hi} chars")
        elif lo is not None:
            limits.append(f"≥ {lo} chars")
        if "format" in s:
            limits.append(s["format"])
        if "enum" in s:
            limits.append("one of " + ", ".join(f"`{e}`" for e in s["enum"]))
        if "pattern" in s:
            limits.append(f"pattern `{s['pattern']}`")
        text = "string"
    elif t in ("integer", "number"):
        lo, hi = s.get("minimum"), s.get("maximum")
        if lo is not None and hi is not None:
            limits.append(f"{lo}–{hi}")
        elif lo is not None:
            limits.append(f"≥ {lo}")
        elif hi is not None:
            limits.append(f"≤ {hi}")
        if "enum" in s:
            limits.append("one of " + ", ".join(f"`{e}`" for e in s["enum"]))
        text = t
    elif t == "array":
        lo, hi = s.get("minItems"), s.get("maxItems")
        if lo is not None and hi is not None:
            limits.append(f"{lo}–{hi} items")
        elif hi is not None:
            limits.append(f"≤ {hi} items")
        elif lo is not None:
            limits.append(f"≥ {lo} items")
        text = "array of " + type_text(spec, s.get("items"), names)
    elif t == "object":
        ap = s.get("additionalProperties")
        if s.get("properties"):
            text = "object {" + ", ".join(s["properties"]) + "}"
        elif isinstance(ap, dict):
            text = "map of " + type_text(spec, ap, names)
        else:
            text = "object"
    elif t == "boolean":
        text = "boolean"
    else:
        text = "any"
    if "default" in s:
        limits.append(f"default `{json.dumps(s['default'])}`")
    if nullable:
        text += " or null"
    return text + (f" ({', '.join(limits)})" if limits else "")


def _body_rows(spec, body, names):
    s = model.resolve(spec, body)
    req = set(s.get("required", []))
    rows = []
    for name, p in s.get("properties", {}).items():
        desc = p.get("description") or model.resolve(spec, p).get("description", "")
        rows.append(f"| body | `{name}`{' **(required)**' if name in req else ''} | "
                    f"{_md(type_text(spec, p, names))} | {_md(desc)} |")
    ap = s.get("additionalProperties")
    if ap not in (None, False):
        rows.append("| body | *(other keys)* | "
                    f"{_md(type_text(spec, ap, names) if isinstance(ap, dict) else 'any')} | free-form |")
    return rows


def _result(spec, o, names):
    if o["response"] == "message":
        return "the top-level `message` (no `data`)"
    if o["response"] == "empty":
        return "nothing (2xx without a body is success)"
    r = o["result"]
    text = ("`data`: " if o["enveloped"] else "the JSON body as is (no envelope): ") + \
        (type_text(spec, r, names) if r else "any")
    if o["response"] == "binary":
        text = (f"bytes (with content type and file name) when `{o['binary_flag']}` is true; "
                f"otherwise {text}")
    if o["status"] and o["status"] != "200":
        text += f" (HTTP {o['status']})"
    return text


def outputs(spec):
    ops = model.operations(spec)
    groups = model.areas(ops)
    out = [f"<!-- {model.HEADER} -->", "", "# AutoSend API reference", "",
           "Every endpoint the SDK knows, generated from `api/openapi.json` (edit `api/src/*.json`"
           " and run `python3 tools/codegen/generate.py`). Names: JavaScript `client.<namespace>."
           "<method>`, Python `client.<namespace>.<method>` in snake_case, C the id string (macros"
           " in `bindings-c/include/autosend_endpoints.h`). Parameters are one object: path"
           " parameters fill the path, query parameters the query string, every other key is the"
           " JSON body (see `docs/contract.md`).", "",
           "Retry class: **safe** endpoints are retried after an unknown outcome (5xx, timeout,"
           " lost connection); **once** endpoints never are, and their errors say whether the"
           " request may have been delivered.", "",
           "## Coverage", "", "| area | endpoints |", "|---|---|"]
    for area, group in groups:
        out.append(f"| [{area}](#{area.replace(' ', '-').replace('(', '').replace(')', '')}) | {len(group)} |")
    out.append(f"| **total** | **{len(ops)}** |")
    out.append("")
    names = set()
    for area, group in groups:
        out += [f"## {area}", ""]
        for o in group:
            py = f"client.{model.snake(o['namespace'])}.{model.snake(o['name'])}"
            out += [f"### `{o['id']}`", "", _md(o["summary"]) + (" *(deprecated)*" if o["deprecated"] else ""), "",
                    f"- `{o['method']} {o['path']}`",
                    f"- JS `client.{o['namespace']}.{o['name']}` · Python `{py}` · C `\"{o['id']}\"`",
                    f"- scope: {o['scope']} ({SCOPE_TEXT.get(o['scope'], '')})",
                    f"- retry class: {'safe' if o['idempotent'] else 'once'}"]
            if o["pagination"]:
                p = o["pagination"]
                out.append(f"- pagination: {p['style']}, page/limit in the {p['in']}, items in `{p['items']}`")
            if o["rules"]:
                out.append("- checked locally: " + ", ".join(f"`{r}`" for r in o["rules"]))
            if o["max_body_bytes"]:
                out.append(f"- body limit: {o['max_body_bytes']} bytes")
            out.append(f"- result: {_result(spec, o, names)}")
            if o["source"]:
                out.append(f"- source: {o['source']}")
            rows = [f"| path | `{p}` **(required)** | string | |" for p in o["path_params"]]
            for q in o["query_params"]:
                t = q["type"] + (f" of {q['items']}" if q["type"] == "array" else "")
                lim = []
                if q["min"] is not None or q["max"] is not None:
                    lim.append(f"{'' if q['min'] is None else q['min']}–{'' if q['max'] is None else q['max']}")
                if q["enum"]:
                    lim.append("one of " + ", ".join(f"`{e}`" for e in q["enum"]))
                if q["default"] is not None:
                    lim.append(f"default `{json.dumps(q['default'])}`")
                rows.append(f"| query | `{q['name']}` | {t}{' (' + ', '.join(lim) + ')' if lim else ''} | {_md(q['description'])} |")
            if o["body"] is not None:
                rows += _body_rows(spec, o["body"], names)
            if rows:
                out += ["", "| in | name | type | description |", "|---|---|---|---|"] + rows
            out.append("")
    # Types referenced from the tables above, and the ones they reference.
    out += ["## Types", ""]
    done = set()
    pending = sorted(names)
    while pending:
        name = pending.pop(0)
        if name in done:
            continue
        done.add(name)
        s = spec["components"]["schemas"][name]
        more = set()
        out += [f"### {name}", "", _md(s.get("description", "")), ""]
        props = s.get("properties", {})
        if props:
            req = set(s.get("required", []))
            out += ["| field | type | description |", "|---|---|---|"]
            for pname, p in props.items():
                out.append(f"| `{pname}`{' **(required)**' if pname in req else ''} | "
                           f"{_md(type_text(spec, p, more))} | {_md(p.get('description', ''))} |")
        else:
            out.append(_md(type_text(spec, s, more)))
        out.append("")
        pending = sorted(set(pending) | (more - done))
    return {PATH: "\n".join(out).rstrip() + "\n"}
