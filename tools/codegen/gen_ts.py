"""TypeScript surface of the npm package, generated from api/openapi.json.

`outputs(spec)` returns {"bindings-wasm/pkg-src/endpoints.d.ts": text}: one interface per
component schema, one flat `<Namespace><Method>Params` type per endpoint (path + query + body
fields merged, as the REST object the SDK takes), one `<Namespace><Method>Result` per endpoint
(the envelope's `data`), one interface per namespace with a typed method per endpoint, the
id → params/result map behind `client.request(id, …)`, and `AutoSendEndpoints`, which the
hand-written `AutoSend` class in index.d.ts extends. Errors, options and webhooks stay
hand-written in index.d.ts.

Run through tools/codegen/generate.py; `python3 tools/codegen/gen_ts.py [spec.json]` writes the
file on its own (for development).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
import model  # noqa: E402  (tools/codegen is on sys.path)
from typing import Any, Dict, List, Optional, Tuple

OUTPUT = "bindings-wasm/pkg-src/endpoints.d.ts"
# The Node smoke test's table: every endpoint in the order and with the sample params of the
# Rust smoke test (transport/tests/smoke/generated.rs, from gen_rust.py), so both SDKs call
# the sandbox the same way; bindings-wasm/tests/smoke.test.mjs adds the same overrides.
SMOKE_TABLE = "bindings-wasm/tests/smoke.generated.json"
METHODS = ("get", "post", "put", "patch", "delete")
# Names declared by the hand-written index.d.ts: a schema may not take them.
RESERVED = {
    "JsonValue", "JsonObject", "RequestOptions", "AutoSendOptions", "AutoSend", "LastResponse",
    "WithResponse", "BinaryResult", "MessageOnly", "EmptyResult", "ErrorKind", "FieldError",
    "WebhookEvent", "WebhookEventType", "VerifyWebhookOptions", "WebhookHeaders", "ErrorKindInfo",
    "EndpointInfo", "Endpoints", "EndpointId", "BinaryEndpointId", "ParamsOf", "ResultOf",
    "RequestArgs", "EndpointCount", "AutoSendEndpoints", "ItemOf", "PageMeta", "Page", "PagePromise",
    "BulkStatus", "BulkProgress", "BulkOptions", "BulkChunk", "BulkItem", "BulkReport",
}
# Names of the hand-written types of earlier releases, kept as aliases of the generated ones
# (emitted unless a schema already has that name).
COMPAT = {
    "SendEmailRequest": "EmailsSendParams",
    "SendEmailResponse": "EmailsSendResult",
    "BulkEmailRequest": "EmailsBulkParams",
    "BulkEmailResponse": "EmailsBulkResult",
    "MailStatus": "EmailsStatusResult",
    "CreateContactRequest": "ContactsCreateParams",
    "UpsertContactRequest": "ContactsUpsertParams",
    "EmailListRequest": "ContactsSearchByEmailsParams",
    "BulkUpdateContactsRequest": "ContactsBulkUpdateParams",
    "BulkUpdateContactsResponse": "ContactsBulkUpdateResult",
    "ContactSearchResponse": "ContactsSearchByEmailsResult",
    "UnsubscribeGroupsResponse": "ContactsUnsubscribeGroupsResult",
    "Contact": "ContactsGetResult",
    "CreateProjectRequest": "ProjectsCreateParams",
    "Project": "ProjectsGetResult",
    "ProjectListResponse": "ProjectsListResult",
    "DeleteResponse": "MessageOnly",
}
IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


# ------------------------------------------------------------------------------ spec model


def ref_name(ref: str) -> str:
    prefix = "#/components/schemas/"
    if not ref.startswith(prefix):
        raise ValueError(f"unsupported $ref {ref!r} (only {prefix}<Name>)")
    return ref[len(prefix):]


def pascal(s: str) -> str:
    return s[:1].upper() + s[1:]


class Op:
    """One operation, read from the description."""

    def __init__(self, spec: Dict[str, Any], path: str, method: str, o: Dict[str, Any]) -> None:
        self.spec = spec
        self.id: str = o["operationId"]
        self.namespace, self.name = self.id.split(".", 1)
        self.method = method.upper()
        self.path = path
        self.summary: str = o.get("summary", "")
        self.description: str = o.get("description", "")
        self.deprecated = bool(o.get("deprecated"))
        self.response: str = o.get("x-autosend-response", "data")
        self.binary_flag: Optional[str] = o.get("x-autosend-binary-flag")
        self.pagination: Optional[Dict[str, Any]] = o.get("x-autosend-pagination")
        self.scope: str = o.get("x-autosend-scope", "project")
        self.idempotent = bool(o.get("x-autosend-idempotent"))
        params = o.get("parameters", [])
        self.path_params = [p for p in params if p.get("in") == "path"]
        self.query_params = [p for p in params if p.get("in") == "query"]
        self.body: Optional[Dict[str, Any]] = None
        rb = o.get("requestBody")
        if rb:
            self.body = rb["content"]["application/json"]["schema"]
        self.data: Optional[Dict[str, Any]] = None
        for code, r in sorted(o.get("responses", {}).items()):
            if not str(code).startswith("2"):
                continue
            schema = r.get("content", {}).get("application/json", {}).get("schema")
            if schema:
                schema = self.resolve(schema)
                self.data = schema.get("properties", {}).get("data")
            break

    def resolve(self, schema: Dict[str, Any]) -> Dict[str, Any]:
        seen = 0
        while "$ref" in schema:
            schema = self.spec["components"]["schemas"][ref_name(schema["$ref"])]
            seen += 1
            if seen > 20:
                raise ValueError("$ref cycle")
        return schema

    @property
    def type_base(self) -> str:
        return pascal(self.namespace) + pascal(self.name)

    def fields(self) -> Tuple[List[Tuple[str, Dict[str, Any], bool, str]], Any]:
        """(name, schema, required, origin) for path, query and body fields; and the body's
        additionalProperties (False when exact)."""
        out: List[Tuple[str, Dict[str, Any], bool, str]] = []
        seen = set()
        for p in self.path_params:
            s = dict(p.get("schema", {"type": "string"}))
            if p.get("description"):
                s.setdefault("description", p["description"])
            out.append((p["name"], s, True, "path"))
            seen.add(p["name"])
        for p in self.query_params:
            s = dict(p.get("schema", {}))
            if p.get("description"):
                s.setdefault("description", p["description"])
            if p["name"] in seen:
                raise ValueError(f"{self.id}: field {p['name']} appears twice")
            out.append((p["name"], s, bool(p.get("required")), "query"))
            seen.add(p["name"])
        extra: Any = False
        if self.body is not None:
            b = self.resolve(self.body)
            if b.get("type") != "object":
                raise ValueError(f"{self.id}: the request body must be an object")
            req = set(b.get("required", []))
            for name, s in b.get("properties", {}).items():
                if name in seen:
                    raise ValueError(f"{self.id}: field {name} is both a path/query and a body field")
                out.append((name, s, name in req, "body"))
                seen.add(name)
            extra = b.get("additionalProperties", False)
        return out, extra

    def params_optional(self) -> bool:
        fields, _ = self.fields()
        return not any(r for _, _, r, _ in fields)


def operations(spec: Dict[str, Any]) -> List[Op]:
    ops = []
    for path, item in spec.get("paths", {}).items():
        for m in METHODS:
            if m in item:
                ops.append(Op(spec, path, m, item[m]))
    ids = [o.id for o in ops]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise ValueError(f"duplicate operationId: {sorted(dup)}")
    return ops


# ------------------------------------------------------------------------------ TS types


def lit(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False)


def key(name: str) -> str:
    return name if IDENT.match(name) else lit(name)


def doc_line(schema: Dict[str, Any]) -> str:
    """The description plus the documented limits, on one line."""
    parts = []
    if schema.get("description"):
        parts.append(schema["description"].strip())
    limits = []
    for k, label in (("minLength", "min length"), ("maxLength", "max length"), ("minimum", "min"),
                     ("maximum", "max"), ("minItems", "min items"), ("maxItems", "max items"),
                     ("format", "format"), ("pattern", "pattern"), ("default", "default")):
        if k in schema:
            limits.append(f"{label} {json.dumps(schema[k])}")
    if limits:
        parts.append("(" + ", ".join(limits) + ")")
    if schema.get("deprecated"):
        parts.append("@deprecated")
    return " ".join(parts).replace("*/", "*\\/")


def ts_type(schema: Any, indent: str = "") -> str:
    if schema is True or schema == {}:
        return "JsonValue"
    if "$ref" in schema:
        return ref_name(schema["$ref"])
    if "const" in schema:
        return lit(schema["const"])
    if "enum" in schema:
        vals = [lit(v) for v in schema["enum"]]
        t = schema.get("type")
        if isinstance(t, list) and "null" in t and None not in schema["enum"]:
            vals.append("null")
        return " | ".join(vals)
    for k in ("oneOf", "anyOf"):
        if k in schema:
            return " | ".join(wrap(ts_type(s, indent)) for s in schema[k])
    t = schema.get("type")
    if isinstance(t, list):
        others = [x for x in t if x != "null"]
        base = ts_type({**schema, "type": others[0] if len(others) == 1 else others}, indent) if others else "null"
        return f"{wrap(base)} | null" if "null" in t else base
    if t == "string":
        return "string"
    if t in ("integer", "number"):
        return "number"
    if t == "boolean":
        return "boolean"
    if t == "null":
        return "null"
    if t == "array":
        return f"Array<{ts_type(schema.get('items', {}), indent)}>"
    if t == "object" or "properties" in schema:
        return object_type(schema, indent)
    return "JsonValue"


def wrap(t: str) -> str:
    return f"({t})" if " | " in t or " & " in t else t


def object_type(schema: Dict[str, Any], indent: str) -> str:
    props = schema.get("properties", {})
    ap = schema.get("additionalProperties", None)
    if not props:
        if ap is False:
            return "Record<string, never>"
        if isinstance(ap, dict) and ap:
            return f"{{ [key: string]: {ts_type(ap, indent)} }}"
        return "JsonObject"
    return "{\n" + members(schema, indent + "  ") + indent + "}"


def members(schema: Dict[str, Any], indent: str) -> str:
    req = set(schema.get("required", []))
    out = []
    for name, s in schema.get("properties", {}).items():
        out.append(member(name, s, name in req, indent))
    ap = schema.get("additionalProperties", None)
    if ap not in (None, False):
        out.append(f"{indent}[key: string]: unknown;\n")
    return "".join(out)


def member(name: str, s: Dict[str, Any], required: bool, indent: str) -> str:
    d = doc_line(s)
    head = f"{indent}/** {d} */\n" if d else ""
    return f"{head}{indent}{key(name)}{'' if required else '?'}: {ts_type(s, indent)};\n"


# ------------------------------------------------------------------------------ output


HEADER = """\
// GENERATED by tools/codegen/gen_ts.py from api/openapi.json — do not edit.
// Run `python3 tools/codegen/generate.py` after changing api/src/*.json.
//
// Request types are the flat REST object each endpoint takes (path, query and body fields
// together, camelCase as in the API docs); unknown fields are type errors here and refused by
// the core at run time. Result types are the response's `data`.

import type {
  JsonValue, JsonObject, RequestOptions, WithResponse, BinaryResult, MessageOnly, EmptyResult,
  ItemOf, PagePromise, BulkOptions, BulkReport,
} from './index.js';
"""


def result_type(op: Op) -> str:
    if op.response in ("data", "binary"):
        return ts_type(op.data) if op.data else "JsonObject"
    if op.response == "message":
        return "MessageOnly"
    if op.response == "empty":
        return "EmptyResult"
    raise ValueError(f"{op.id}: unknown x-autosend-response {op.response!r}")


def op_doc(op: Op, indent: str) -> str:
    lines = [op.summary or op.id, "", f"`{op.method} {op.path}` — endpoint id `{op.id}`."]
    if op.description:
        lines[1:1] = ["", op.description]
    if op.response == "binary":
        lines.append(f"Pass `{op.binary_flag}: true` to receive the raw bytes (a `Uint8Array`).")
    if not op.idempotent:
        lines.append("Not retried after an unknown outcome (check `mayHaveBeenDelivered` on errors).")
    if op.deprecated:
        lines.append("@deprecated")
    body = "\n".join(f"{indent} * {l}".rstrip() for l in lines).replace("*/", "*\\/")
    return f"{indent}/**\n{body}\n{indent} */\n"


def outputs(spec: Dict[str, Any]) -> Dict[str, str]:
    ops = operations(spec)
    out = [HEADER]

    schemas = spec.get("components", {}).get("schemas", {})
    clash = RESERVED & set(schemas)
    if clash:
        raise ValueError(f"schema names taken by index.d.ts: {sorted(clash)}; rename them in api/src")
    out.append("\n// ------------------------------------------------------------------ schemas\n")
    for name, schema in schemas.items():
        d = doc_line(schema)
        doc = f"/** {d} */\n" if d else ""
        if (schema.get("type") == "object" or "properties" in schema) and schema.get("properties"):
            out.append(f"\n{doc}export interface {name} {{\n{members(schema, '  ')}}}\n")
        else:
            out.append(f"\n{doc}export type {name} = {ts_type(schema)};\n")

    out.append("\n// ---------------------------------------------------------- endpoint params\n")
    for op in ops:
        fields, extra = op.fields()
        out.append(f"\n/** Parameters of `{op.id}` ({op.method} {op.path}). */\n")
        if not fields and extra in (False, None):
            out.append(f"export type {op.type_base}Params = Record<string, never>;\n")
        else:
            body = "".join(member(n, s, r, "  ") for n, s, r, _ in fields)
            if extra not in (False, None):
                body += "  [key: string]: unknown;\n"
            out.append(f"export interface {op.type_base}Params {{\n{body}}}\n")
        if f"{op.type_base}Params" in schemas:
            raise ValueError(f"schema {op.type_base}Params clashes with the params type of {op.id}; rename it")
        rt = result_type(op)
        if f"{op.type_base}Result" in schemas:
            if rt != f"{op.type_base}Result":
                raise ValueError(f"schema {op.type_base}Result clashes with the result type of {op.id}; rename it")
            continue  # the schema is the result
        out.append(f"/** Result of `{op.id}`: the response's `data`. */\n")
        out.append(f"export type {op.type_base}Result = {rt};\n")

    bases = {op.type_base for op in ops}
    compat = [(a, t) for a, t in COMPAT.items() if a not in schemas and (t == "MessageOnly" or t[:-6] in bases)]
    if compat:
        out.append("\n// Names of earlier releases.\n")
        for alias, target in compat:
            out.append(f"export type {alias} = {target};\n")

    bulk_helpers = dict(model.chunked())  # id -> item fields; the helper is `<method>All`
    out.append("\n// ---------------------------------------------------------------- namespaces\n")
    namespaces: Dict[str, List[Op]] = {}
    for op in ops:
        namespaces.setdefault(op.namespace, []).append(op)
    for ns, nops in namespaces.items():
        out.append(f"\n/** The `{ns}` endpoints (`client.{ns}.…`). */\n")
        out.append(f"export interface {pascal(ns)}Namespace {{\n")
        for op in nops:
            t = op.type_base
            opt = "?" if op.params_optional() else ""
            doc = op_doc(op, "  ")
            if op.response == "binary":
                flag = op.binary_flag or "download"
                out.append(doc)
                out.append(f"  {op.name}(params: {t}Params & {{ {key(flag)}: true }}, options?: RequestOptions): Promise<BinaryResult>;\n")
                out.append(doc)
                out.append(f"  {op.name}(params{opt}: {t}Params & {{ {key(flag)}?: false }}, options?: RequestOptions): Promise<WithResponse<{t}Result>>;\n")
            elif op.pagination:
                items = op.pagination["items"]
                out.append(doc.replace(
                    "   */\n",
                    "   *\n   * Paged list: resolves to the first page (`.items`, `.page`, `.nextPage()`) and is\n"
                    f"   * async-iterable over every `{items}` item of every page (`for await`).\n   */\n", 1))
                out.append(f"  {op.name}(params{opt}: {t}Params, options?: RequestOptions): PagePromise<ItemOf<{t}Result, {lit(items)}>, {t}Result>;\n")
            else:
                out.append(doc)
                out.append(f"  {op.name}(params{opt}: {t}Params, options?: RequestOptions): Promise<WithResponse<{t}Result>>;\n")
            if op.id in bulk_helpers:
                fields = bulk_helpers[op.id]
                helper = op.name + "All"
                item = " | ".join(f"ItemOf<{t}Params, {lit(f)}>" for f in fields)
                out.append(
                    f"  /**\n   * `{op.id}` for any number of items: `{' or '.join(fields)}` is split into chunks of the\n"
                    "   * schema's maximum, one call per chunk. Resolves to the report (every item once:\n"
                    "   * accepted / refused / may_have_been_delivered / not_attempted); a chunk whose outcome is\n"
                    "   * unknown is never re-sent. Rejects only on a usage error (nothing sent).\n   */\n")
                out.append(f"  {helper}(params: {t}Params, options?: BulkOptions): Promise<BulkReport<{item}>>;\n")
        out.append("}\n")

    out.append("\n// ------------------------------------------------------------ request(id, …)\n\n")
    out.append("/** Every endpoint id with its params, result and whether params may be omitted. */\n")
    out.append("export interface Endpoints {\n")
    for op in ops:
        t = op.type_base
        out.append(f"  {lit(op.id)}: {{ params: {t}Params; result: {t}Result; paramsOptional: {'true' if op.params_optional() else 'false'} }};\n")
    out.append("}\n\n")
    out.append("/** The catalog id of an endpoint (`namespace.method`). */\n")
    out.append("export type EndpointId = keyof Endpoints;\n")
    binary = [op.id for op in ops if op.response == "binary"]
    out.append("/** Endpoints that answer with raw bytes when their download flag is true. */\n")
    out.append(f"export type BinaryEndpointId = {' | '.join(lit(i) for i in binary) or 'never'};\n")
    out.append("export type ParamsOf<K extends EndpointId> = Endpoints[K]['params'];\n")
    out.append("export type ResultOf<K extends EndpointId> = Endpoints[K]['result'];\n")
    out.append(
        "/** `[params, options?]`, with `params` optional when the endpoint has no required field. */\n"
        "export type RequestArgs<K extends EndpointId> = Endpoints[K]['paramsOptional'] extends true\n"
        "  ? [params?: ParamsOf<K>, options?: RequestOptions]\n"
        "  : [params: ParamsOf<K>, options?: RequestOptions];\n"
    )
    out.append(f"\n/** Number of endpoints in the catalog this file was generated from. */\nexport type EndpointCount = {len(ops)};\n")

    out.append("\n/** The generated part of the `AutoSend` client: one namespace per API area and `request`. */\n")
    out.append("export interface AutoSendEndpoints {\n")
    for ns in namespaces:
        out.append(f"  readonly {ns}: {pascal(ns)}Namespace;\n")
    out.append(
        "  /** Calls a binary endpoint by id with its download flag set: resolves to the bytes. */\n"
        "  request<K extends BinaryEndpointId>(endpointId: K, params: ParamsOf<K> & { download: true }, options?: RequestOptions): Promise<BinaryResult>;\n"
        "  /** Calls any catalog endpoint by id with its REST parameters; resolves to its `data`. */\n"
        "  request<K extends EndpointId>(endpointId: K, ...args: RequestArgs<K>): Promise<WithResponse<ResultOf<K>>>;\n"
    )
    out.append("}\n")
    text = "".join(out)
    if binary and any((op.binary_flag or "download") != "download" for op in ops if op.response == "binary"):
        raise ValueError("request() overload assumes the binary flag is named `download`")
    return {OUTPUT: text, SMOKE_TABLE: smoke_table(spec)}


def smoke_table(spec: Dict[str, Any]) -> str:
    """[{id, scope, method, path, binary, sample}] in gen_rust's smoke order and samples."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import gen_rust  # noqa: E402  (sibling generator: one sample rule for both smoke tests)

    m = gen_rust.Models(spec)
    rows = []
    for o in gen_rust.smoke_order(m):
        sample = {}
        for wire, s, req, _, _ in gen_rust._op_params_fields(m, o):
            if req:
                sample[wire] = gen_rust._sample(m, s, wire)
        rows.append({
            "id": o["id"], "scope": o["scope"], "method": o["method"], "path": o["path"],
            "binary": o["response"] == "binary", "sample": sample,
        })
    return json.dumps({"generated": "by tools/codegen/generate.py (gen_ts.py) — do not edit",
                       "endpoints": rows}, indent=1, ensure_ascii=False) + "\n"


def main(argv: List[str]) -> int:
    root = Path(__file__).resolve().parents[2]
    spec_path = Path(argv[1]) if len(argv) > 1 else root / "api" / "openapi.json"
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    for rel, text in outputs(spec).items():
        (root / rel).write_text(text, encoding="utf-8")
        print(f"wrote {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
