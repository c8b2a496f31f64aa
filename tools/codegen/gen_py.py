"""Python surface of the wheel, generated from api/openapi.json.

`outputs(spec)` returns three files of bindings-python/python/autosend/:

* `types.py`: a TypedDict per component schema (wire names, camelCase), a flat
  `<Namespace><Method>Params` TypedDict per endpoint (path + query + body fields: the dict a
  method also accepts) and a `<Namespace><Method>Result` alias (the response's `data`).
  `total=False` with `Required[...]` on required keys.
* `_keywords.py`: per endpoint id, the snake_case keyword → wire name map the runtime uses to
  build the REST object (`from_` → `from`, `include_reserved_fields` → `includeReservedFields`).
* `_client.pyi`: the sync and async clients with one snake_case namespace per area
  (`client.contact_properties`) and one typed method per endpoint: path parameters
  positional, everything else keyword-only (required ones without a default), or one dict.

Run through tools/codegen/generate.py; `python3 tools/codegen/gen_py.py [spec.json]` writes the
files on its own (for development).
"""

from __future__ import annotations

import json
import keyword
import re
import sys
from pathlib import Path
import model  # noqa: E402  (tools/codegen is on sys.path)
from typing import Any, Dict, List, Optional, Set, Tuple

PKG = "bindings-python/python/autosend"
METHODS = ("get", "post", "put", "patch", "delete")
IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Names the hand-written modules own; a schema may not take them.
RESERVED = {"LastResponse", "BinaryResult", "ApiResult", "ApiResultList", "MessageOnly", "EmptyResult",
            "WebhookEvent", "EndpointId", "Required", "TypedDict", "Literal", "Any", "Dict", "List",
            "Mapping", "Optional", "Sequence", "Union"}
# Hand-written names of earlier releases, kept as aliases (unless a schema has that name).
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
    "BulkUpdateResult": "ContactsBulkUpdateResult",
    "ContactList": "ContactsSearchByEmailsResult",
    "UnsubscribeGroups": "ContactsUnsubscribeGroupsResult",
    "Contact": "ContactsGetResult",
    "CreateProjectRequest": "ProjectsCreateParams",
    "Project": "ProjectsGetResult",
    "ProjectList": "ProjectsListResult",
    "DeleteResult": "MessageOnly",
}


def snake(name: str) -> str:
    """camelCase -> snake_case (`deleteByUserId` -> `delete_by_user_id`)."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def py_keyword(wire: str) -> str:
    """The keyword argument for a wire field: snake_case, `_` appended to Python keywords."""
    name = snake(wire)
    if keyword.iskeyword(name) or name in ("self", "params"):
        name += "_"
    if not IDENT.match(name):
        raise ValueError(f"field {wire!r} has no Python keyword form")
    return name


def docstring(text: str) -> str:
    t = " ".join(text.split()).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return f'"""{t}"""' if not t.endswith('"') else f'"""{t} """'


def pascal(s: str) -> str:
    return s[:1].upper() + s[1:]


def ref_name(ref: str) -> str:
    prefix = "#/components/schemas/"
    if not ref.startswith(prefix):
        raise ValueError(f"unsupported $ref {ref!r}")
    return ref[len(prefix):]


class Op:
    def __init__(self, spec: Dict[str, Any], path: str, method: str, o: Dict[str, Any]) -> None:
        self.spec = spec
        self.id: str = o["operationId"]
        self.namespace, self.name = self.id.split(".", 1)
        self.method = method.upper()
        self.path = path
        self.summary: str = o.get("summary", "")
        self.deprecated = bool(o.get("deprecated"))
        self.response: str = o.get("x-autosend-response", "data")
        self.binary_flag: Optional[str] = o.get("x-autosend-binary-flag")
        self.idempotent = bool(o.get("x-autosend-idempotent"))
        self.pagination: Optional[Dict[str, Any]] = o.get("x-autosend-pagination")
        params = o.get("parameters", [])
        self.path_params = [p for p in params if p.get("in") == "path"]
        self.query_params = [p for p in params if p.get("in") == "query"]
        rb = o.get("requestBody")
        self.body = rb["content"]["application/json"]["schema"] if rb else None
        self.data: Optional[Dict[str, Any]] = None
        for code, r in sorted(o.get("responses", {}).items()):
            if str(code).startswith("2"):
                schema = r.get("content", {}).get("application/json", {}).get("schema")
                if schema:
                    self.data = self.resolve(schema).get("properties", {}).get("data")
                break

    def resolve(self, schema: Dict[str, Any]) -> Dict[str, Any]:
        for _ in range(50):
            if "$ref" not in schema:
                return schema
            schema = self.spec["components"]["schemas"][ref_name(schema["$ref"])]
        raise ValueError("$ref cycle")

    @property
    def base(self) -> str:
        return pascal(self.namespace) + pascal(self.name)

    @property
    def py_name(self) -> str:
        return snake(self.name)

    def fields(self) -> List[Tuple[str, Dict[str, Any], bool, str]]:
        out: List[Tuple[str, Dict[str, Any], bool, str]] = []
        seen: Set[str] = set()
        for p in self.path_params:
            out.append((p["name"], dict(p.get("schema", {"type": "string"})), True, "path"))
            seen.add(p["name"])
        for p in self.query_params:
            s = dict(p.get("schema", {}))
            if p.get("description"):
                s.setdefault("description", p["description"])
            if p["name"] in seen:
                raise ValueError(f"{self.id}: field {p['name']} appears twice")
            out.append((p["name"], s, bool(p.get("required")), "query"))
            seen.add(p["name"])
        if self.body is not None:
            b = self.resolve(self.body)
            req = set(b.get("required", []))
            for name, s in b.get("properties", {}).items():
                if name in seen:
                    raise ValueError(f"{self.id}: field {name} is both a path/query and a body field")
                out.append((name, s, name in req, "body"))
                seen.add(name)
        return out


def operations(spec: Dict[str, Any]) -> List[Op]:
    ops = [Op(spec, path, m, item[m]) for path, item in spec.get("paths", {}).items() for m in METHODS if m in item]
    ids = [o.id for o in ops]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise ValueError(f"duplicate operationId: {dup}")
    return ops


class Types:
    """Renders schemas as Python types; inline objects become named TypedDicts."""

    def __init__(self, spec: Dict[str, Any], request_schemas: Set[str]) -> None:
        self.spec = spec
        self.request_schemas = request_schemas
        self.extra: List[str] = []  # TypedDicts for inline objects, emitted before their users
        self.names: Set[str] = set(spec.get("components", {}).get("schemas", {}))

    def py(self, schema: Any, hint: str, request: bool) -> str:
        if schema is True or schema == {}:
            return "Any"
        if "$ref" in schema:
            return f'"{ref_name(schema["$ref"])}"'
        if "const" in schema:
            return f"Literal[{json.dumps(schema['const'])}]"
        if "enum" in schema:
            lits = ", ".join(json.dumps(v) for v in schema["enum"] if v is not None)
            t = f"Literal[{lits}]"
            tt = schema.get("type")
            if (isinstance(tt, list) and "null" in tt) or None in schema["enum"]:
                t = f"Optional[{t}]"
            return t
        for k in ("oneOf", "anyOf"):
            if k in schema:
                parts = [self.py(s, hint + "Variant", request) for s in schema[k]]
                return f"Union[{', '.join(parts)}]"
        t = schema.get("type")
        if isinstance(t, list):
            others = [x for x in t if x != "null"]
            if not others:
                return "None"
            base = self.py({**schema, "type": others[0] if len(others) == 1 else others}, hint, request)
            return f"Optional[{base}]" if "null" in t else base
        if t == "string":
            return "str"
        if t == "integer":
            return "int"
        if t == "number":
            return "float"
        if t == "boolean":
            return "bool"
        if t == "null":
            return "None"
        if t == "array":
            inner = self.py(schema.get("items", {}), hint + "Item", request)
            return f"Sequence[{inner}]" if request else f"List[{inner}]"
        if t == "object" or "properties" in schema:
            if not schema.get("properties"):
                ap = schema.get("additionalProperties")
                v = self.py(ap, hint + "Value", request) if isinstance(ap, dict) and ap else "Any"
                return f"Mapping[str, {v}]" if request else f"Dict[str, {v}]"
            name = hint
            n = 2
            while name in self.names:
                name = f"{hint}{n}"
                n += 1
            self.names.add(name)
            self.extra.append(self.typed_dict(name, schema, request))
            return f'"{name}"'
        return "Any"

    def typed_dict(self, name: str, schema: Dict[str, Any], request: bool, doc: str = "") -> str:
        req = set(schema.get("required", []))
        items = []
        for prop, s in schema.get("properties", {}).items():
            t = self.py(s, name + pascal(re.sub(r"[^A-Za-z0-9]", "", prop)), request)
            if prop in req:
                t = f"Required[{t}]"
            items.append((prop, t, s.get("description", "")))
        doc = doc or schema.get("description", "")
        functional = any(not IDENT.match(p) or keyword.iskeyword(p) for p, _, _ in items)
        if functional:
            body = "".join(f"        {json.dumps(p)}: {t},\n" for p, t, _ in items)
            comment = f"# {doc}\n" if doc else ""
            return f"{comment}{name} = TypedDict(\n    {json.dumps(name)},\n    {{\n{body}    }},\n    total=False,\n)\n"
        lines = [f"class {name}(TypedDict, total=False):\n"]
        if doc:
            lines.append(f"    {docstring(doc)}\n\n" if items else f"    {docstring(doc)}\n")
        for p, t, d in items:
            lines.append(f"    {p}: {t}\n")
            if d:
                lines.append(f"    {docstring(d)}\n")
        if not items and not doc:
            lines.append("    pass\n")
        return "".join(lines)


def request_schemas(spec: Dict[str, Any], ops: List[Op]) -> Set[str]:
    """Component schemas reachable from a request body."""
    out: Set[str] = set()
    schemas = spec.get("components", {}).get("schemas", {})

    def walk(s: Any) -> None:
        if isinstance(s, dict):
            if "$ref" in s:
                n = ref_name(s["$ref"])
                if n not in out:
                    out.add(n)
                    walk(schemas[n])
                return
            for v in s.values():
                walk(v)
        elif isinstance(s, list):
            for v in s:
                walk(v)

    for op in ops:
        if op.body is not None:
            walk(op.body)
        for p in op.query_params:
            walk(p.get("schema"))
    return out


def result_type(op: Op, types: Types) -> str:
    if op.response in ("data", "binary"):
        return types.py(op.data, op.base + "Data", False) if op.data else "Dict[str, Any]"
    if op.response == "message":
        return '"MessageOnly"'
    if op.response == "empty":
        return '"EmptyResult"'
    raise ValueError(f"{op.id}: unknown x-autosend-response {op.response!r}")


TYPES_HEADER = '''"""TypedDicts for every endpoint's parameters and result (wire names, camelCase, as in the
REST docs).

GENERATED by tools/codegen/gen_py.py from api/openapi.json — do not edit; run
`python3 tools/codegen/generate.py` after changing api/src/*.json.

Runtime values are plain dicts (results are dict subclasses that also carry
``last_response``); these types guide editors and type checkers. Request dicts are exact: a
key the API does not know is a type error here and a ValidationError at run time.
"""

from __future__ import annotations

import sys
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

if sys.version_info >= (3, 11):
    from typing import Literal, Required, TypedDict
else:  # pragma: no cover
    from typing_extensions import Literal, Required, TypedDict

'''


def gen_types(spec: Dict[str, Any], ops: List[Op]) -> Tuple[str, Dict[str, str]]:
    schemas = spec.get("components", {}).get("schemas", {})
    clash = RESERVED & set(schemas)
    if clash:
        raise ValueError(f"schema names taken by the hand-written Python modules: {sorted(clash)}")
    req = request_schemas(spec, ops)
    types = Types(spec, req)
    blocks: List[str] = []

    def emit(text: str) -> None:
        blocks.extend(types.extra)
        types.extra.clear()
        blocks.append(text)

    for name, schema in schemas.items():
        request = name in req
        if (schema.get("type") == "object" or "properties" in schema) and schema.get("properties"):
            emit(types.typed_dict(name, schema, request))
        else:
            emit(f"{name} = {types.py(schema, name, request).strip(chr(34))}\n".replace('"', "'"))

    emit('class MessageOnly(TypedDict, total=False):\n    """The result of a write whose answer is only a top-level message (deletes)."""\n\n    message: str\n')
    emit('class WebhookEvent(TypedDict):\n    """A verified webhook delivery (autosend.webhooks.verify)."""\n\n'
         '    type: str\n    createdAt: Optional[str]\n    deliveryId: Optional[str]\n    data: Dict[str, Any]\n')
    emit('class EmptyResult(TypedDict, total=False):\n    """The result of an endpoint that answers without a body."""\n')

    results: Dict[str, str] = {}
    for op in ops:
        fields = op.fields()
        schema = {"type": "object", "properties": {n: s for n, s, _, _ in fields},
                  "required": [n for n, _, r, _ in fields if r]}
        if f"{op.base}Params" in schemas:
            raise ValueError(f"schema {op.base}Params clashes with the params type of {op.id}; rename it")
        emit(types.typed_dict(f"{op.base}Params", schema, True, f"Parameters of ``{op.id}`` ({op.method} {op.path})."))
        rt = result_type(op, types)
        results[op.id] = rt
        if f"{op.base}Result" in schemas:
            if rt.strip('"') != f"{op.base}Result":
                raise ValueError(f"schema {op.base}Result clashes with the result type of {op.id}; rename it")
            continue  # the schema is the result
        emit(f"{op.base}Result = {rt if not rt.startswith(chr(34)) else rt[1:-1]}\n")
    bases = {op.base for op in ops}
    for alias, target in COMPAT.items():
        if alias not in schemas and (target == "MessageOnly" or target[:-6] in bases):
            blocks.append(f"{alias} = {target}\n")
    ids = ", ".join(json.dumps(op.id) for op in ops)
    blocks.append(f"EndpointId = Literal[{ids}]\n")
    names = sorted({b.split("(", 1)[0].split(" = ", 1)[0].replace("class ", "").strip() for b in blocks if not b.startswith("#")}
                   | {b.split("\n", 1)[1].split(" = ", 1)[0] for b in blocks if b.startswith("#")})
    text = TYPES_HEADER + "\n\n".join(blocks) + "\n\n__all__ = [\n" + "".join(f"    {json.dumps(n)},\n" for n in names) + "]\n"
    return text, results


def gen_keywords(ops: List[Op]) -> str:
    out = ['"""Keyword argument -> wire field, per endpoint id.\n\n'
           'GENERATED by tools/codegen/gen_py.py from api/openapi.json — do not edit.\n"""\n\n'
           "from typing import Dict\n\nKEYWORDS: Dict[str, Dict[str, str]] = {\n"]
    for op in ops:
        pairs = {}
        for wire, _, _, _ in op.fields():
            kw = py_keyword(wire)
            if kw in pairs:
                raise ValueError(f"{op.id}: fields {pairs[kw]!r} and {wire!r} have the same keyword {kw!r}")
            pairs[kw] = wire
        body = ", ".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in pairs.items())
        out.append(f"    {json.dumps(op.id)}: {{{body}}},\n")
    out.append("}\n")
    return "".join(out)


ROOT = Path(__file__).resolve().parents[2]


def chunked_ids() -> List[str]:
    """The endpoint ids the core can split into chunks (`CHUNKED` in core/src/chunk.rs)."""
    return [ep_id for ep_id, _fields in model.chunked()]


def page_item_type(op: Op, types: Types) -> str:
    """The type of one item of a paged list (the array named by x-autosend-pagination.items)."""
    assert op.pagination is not None
    name = op.pagination["items"]
    data = op.resolve(op.data or {})
    arr = data.get("properties", {}).get(name)
    if not arr:
        raise ValueError(f"{op.id}: data has no `{name}` array for its pagination")
    arr = op.resolve(arr)
    item = arr.get("items")
    if not item:
        return "Any"
    t = types.py(item, op.base + "Item", False)
    return t.strip('"')


def method_stub(op: Op, types: Types, is_async: bool) -> str:
    d = "async def" if is_async else "def"
    r = f"{op.base}Result"
    if op.pagination is not None:
        # Paged lists: a page object (sync) or an awaitable, async-iterable paginator (async);
        # a plain `def` in both cases.
        item = page_item_type(op, types)
        r = f"AsyncPaginator[{item}]" if is_async else f"Page[{item}]"
        d = "def"
    doc = f"{op.summary} ``{op.method} {op.path}`` (``{op.id}``)."
    if op.deprecated:
        doc += " Deprecated."
    pos, kws = [], []
    flag = op.binary_flag if op.response == "binary" else None
    for wire, s, required, origin in op.fields():
        t = types.py(s, f"{op.base}Params" + pascal(re.sub(r"[^A-Za-z0-9]", "", wire)), True)
        kw = py_keyword(wire)
        if origin == "path":
            pos.append(f"{kw}: {t}")
        elif wire == flag:
            continue
        else:
            kws.append(f"{kw}: {t}" if required else f"{kw}: {t} = ...")
    lines = []
    sig_head = ", ".join(["self", *pos])
    if not pos and not kws and not flag:
        lines.append(f"    {d} {op.py_name}(self) -> {r}:\n        \"\"\"{doc}\"\"\"\n")
        return "".join(lines)
    lines.append(f"    @overload\n    {d} {op.py_name}(self, params: {op.base}Params, /) -> "
                 f"{'Union[' + r + ', BinaryResult]' if flag else r}: ...\n")
    star = ["*", *kws] if kws or flag else []
    if flag:
        fkw = py_keyword(flag)
        lines.append(f"    @overload\n    {d} {op.py_name}({', '.join([sig_head, *(['*'] + kws + [f'{fkw}: Literal[True]'])])}) -> BinaryResult: ...\n")
        lines.append(f"    @overload\n    {d} {op.py_name}({', '.join([sig_head, *(['*'] + kws + [f'{fkw}: Literal[False] = ...'])])}) -> {r}:\n        \"\"\"{doc}\"\"\"\n")
    else:
        lines.append(f"    @overload\n    {d} {op.py_name}({', '.join([sig_head, *star])}) -> {r}:\n        \"\"\"{doc}\"\"\"\n")
    return "".join(lines)


def bulk_stub(op: Op, types: Types, is_async: bool) -> str:
    """`<method>_all`: the same parameters with any number of items, plus `on_progress`."""
    d = "async def" if is_async else "def"
    doc = (f"{op.summary} Any number of items, sent in chunks the API accepts (one call per chunk, "
           f"never repeated); ``on_progress`` after each chunk. ``{op.id}``.")
    kws = []
    for wire, sch, required, origin in op.fields():
        t = types.py(sch, f"{op.base}Params" + pascal(re.sub(r"[^A-Za-z0-9]", "", wire)), True)
        kws.append(f"{py_keyword(wire)}: {t}" if required else f"{py_keyword(wire)}: {t} = ...")
    prog = "on_progress: Optional[Callable[[BulkProgress], object]] = None"
    name = op.py_name + "_all"
    return (f"    @overload\n    {d} {name}(self, params: {op.base}Params, /, *, {prog}) -> BulkReport: ...\n"
            f"    @overload\n    {d} {name}(self, *, {', '.join(kws + [prog])}) -> BulkReport:\n"
            f"        \"\"\"{doc}\"\"\"\n")


PYI_HEADER = '''# Type stubs for the clients. GENERATED by tools/codegen/gen_py.py from api/openapi.json — do
# not edit. The runtime builds these namespaces from the core's endpoint catalog;
# tests/test_typing_and_examples.py checks every catalog endpoint is declared here.
from typing import Any, Callable, Dict, List, Literal, Mapping, Optional, Sequence, TypedDict, Union, overload

from ._paging import AsyncPaginator, BulkProgress, BulkReport, Page
from ._result import BinaryResult
from ._transport import Transport
from .types import *  # noqa: F403
from .types import EndpointId

class RateLimitsOption(TypedDict, total=False):
    """``rate_limits=``: requests per window; the windows are the API's (1000 / 60000 ms) unless
    a test matches a sandbox started with ``--time-scale N`` (e.g. 100 / 6000 for N=10)."""

    per_second: int
    per_minute: int
    second_ms: int
    minute_ms: int

'''

PYI_BASE = '''
class _Base:
    @property
    def base_url(self) -> str: ...
    @property
    def project_id(self) -> Optional[str]: ...
    @property
    def key_hint(self) -> str: ...
    def set_api_key(self, api_key: str) -> None: ...

_CTOR = None
'''

CTOR = '''    def __init__(
        self,
        api_key: Optional[str] = None,
        *,
        project_id: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        retry_non_idempotent: bool = False,
        deadline: Optional[float] = None,
        ca_file: Optional[str] = None,
        rate_limits: Optional[RateLimitsOption] = None,
        redis_url: Optional[str] = None,
        on_redis_error: str = "fallback",
        encrypt_payloads: bool = False,
        app_info: Optional[Mapping[str, str]] = None,
        on_event: Optional[Callable[[Dict[str, Any]], object]] = None,
        proxy: Optional[str] = None,
    ) -> None: ...
'''

# The blocking client also takes a custom transport (the async one does not: a Python
# callable would block the event loop).
CTOR_SYNC = CTOR.replace(
    "        proxy: Optional[str] = None,\n",
    "        proxy: Optional[str] = None,\n        transport: Optional[Transport] = None,\n",
)


def gen_pyi(spec: Dict[str, Any], ops: List[Op]) -> str:
    types = Types(spec, set())
    chunked = set(chunked_ids())
    known = {op.id for op in ops}
    if not chunked <= known:
        raise ValueError(f"core CHUNKED names unknown endpoints: {sorted(chunked - known)}")
    namespaces: Dict[str, List[Op]] = {}
    for op in ops:
        namespaces.setdefault(op.namespace, []).append(op)
    out = [PYI_HEADER]
    for is_async in (False, True):
        for ns, nops in namespaces.items():
            cls = f"_{'Async' if is_async else ''}{pascal(ns)}"
            out.append(f"class {cls}:\n    \"\"\"The ``{ns}`` endpoints.\"\"\"\n\n")
            out.append("\n".join(method_stub(op, types, is_async) for op in nops))
            for op in nops:
                if op.id in chunked:
                    out.append("\n" + bulk_stub(op, types, is_async))
            out.append("\n")
    out.append(PYI_BASE.replace("\n_CTOR = None\n", "\n"))
    for is_async in (False, True):
        name = "AsyncAutoSend" if is_async else "AutoSend"
        out.append(f"\nclass {name}(_Base):\n")
        for ns in namespaces:
            out.append(f"    {snake(ns)}: _{'Async' if is_async else ''}{pascal(ns)}\n")
        out.append(CTOR if is_async else CTOR_SYNC)
        if is_async:
            out.append("    async def request(self, endpoint_id: EndpointId, params: Optional[Mapping[str, Any]] = None, *, encrypt: Optional[bool] = None, timeout: Optional[float] = None, max_retries: Optional[int] = None) -> Any: ...\n"
                       "    def paginate(self, endpoint_id: EndpointId, params: Optional[Mapping[str, Any]] = None) -> AsyncPaginator[Any]: ...\n"
                       "    async def bulk_all(self, endpoint_id: EndpointId, params: Mapping[str, Any], *, on_progress: Optional[Callable[[BulkProgress], object]] = None) -> BulkReport: ...\n"
                       "    async def close(self) -> None: ...\n"
                       "    async def __aenter__(self) -> AsyncAutoSend: ...\n"
                       "    async def __aexit__(self, *exc: object) -> None: ...\n")
        else:
            out.append("    def request(self, endpoint_id: EndpointId, params: Optional[Mapping[str, Any]] = None, *, encrypt: Optional[bool] = None, timeout: Optional[float] = None, max_retries: Optional[int] = None) -> Any: ...\n"
                       "    def paginate(self, endpoint_id: EndpointId, params: Optional[Mapping[str, Any]] = None) -> Page[Any]: ...\n"
                       "    def bulk_all(self, endpoint_id: EndpointId, params: Mapping[str, Any], *, on_progress: Optional[Callable[[BulkProgress], object]] = None) -> BulkReport: ...\n"
                       "    def close(self) -> None: ...\n"
                       "    def __enter__(self) -> AutoSend: ...\n"
                       "    def __exit__(self, *exc: object) -> None: ...\n")
    return "".join(out)


def outputs(spec: Dict[str, Any]) -> Dict[str, str]:
    ops = operations(spec)
    types_text, _ = gen_types(spec, ops)
    return {
        f"{PKG}/types.py": types_text,
        f"{PKG}/_keywords.py": gen_keywords(ops),
        f"{PKG}/_client.pyi": gen_pyi(spec, ops),
    }


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
