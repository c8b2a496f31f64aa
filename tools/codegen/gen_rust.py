"""Typed Rust surface, generated from the API description.

    core/src/models.rs            request params and results for every endpoint (serde)
    transport/src/endpoints.rs    resource namespaces on the async and blocking clients
    transport/tests/smoke/generated.rs  calls every endpoint once through the typed methods
                                  (the test crate is transport/tests/smoke.rs)

Naming (fixed, so users can guess a type from an endpoint id):
- `<Namespace><Method>Params` (`TemplatesCreateParams`): everything one call takes, flat: the
  path parameters, the query parameters and the fields of the JSON body, exactly the one JSON
  object the core's `call(id, params)` takes. Only endpoints with no input have no params.
- results keep their schema names (`Template`, `TemplateList`); `message` endpoints return
  `MessageResult`, `empty` ones `()`.
- nested schemas keep their names (`Address`, `AutomationStep`); string enums are Rust enums
  named after the field (`TemplateType`), or `<Owner><Field>` when one field name carries
  different value sets (`CreateContactListType`).

Requests are strict (`deny_unknown_fields`: a misspelled field fails when params are read from
JSON); results are lenient (unknown fields ignored, missing ones default, `null` reads as the
default). Schemas used by both requests and results (`Address`) are read leniently.
"""
import json
import re

import model

MODELS = "core/src/models.rs"
ENDPOINTS = "transport/src/endpoints.rs"
SMOKE = "transport/tests/smoke/generated.rs"

RUST_KEYWORDS = {
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
    "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final",
    "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
}


class GenError(ValueError):
    pass


# Better names for enums whose field name alone is too generic (applied to the name the
# rules below would give).
ENUM_RENAMES = {
    "Operator": "FilterOperator",
    "Reason": "SuppressionReason",
    "Unit": "DelayUnit",
    "CreateContactPropertyType": "PropertyType",
    "CreateContactListType": "ContactListType",
    "AutomationsListStatus": "AutomationStatus",
    "CampaignsListStatus": "CampaignStatus",
}


def pascal(s):
    parts = re.findall(r"[A-Za-z0-9]+", s)
    out = ""
    for p in parts:
        out += p[0].upper() + p[1:]
    return out


def serde_camel(snake_name):
    """What serde's rename_all = "camelCase" makes of a snake_case field name."""
    words = snake_name.split("_")
    return words[0] + "".join(w[:1].upper() + w[1:] for w in words[1:])


def field_ident(wire):
    name = model.snake(wire.lstrip("_"))
    name = re.sub(r"[^a-z0-9_]", "_", name)
    if not name or name[0].isdigit():
        name = "f_" + name
    if name in RUST_KEYWORDS:
        name += "_"
    return name


def variant_ident(value):
    m = re.fullmatch(r"(\d+)(?:\.(\d+))?x", value)
    if m:
        return "X" + m.group(1) + ("p" + m.group(2) if m.group(2) else "")
    parts = re.findall(r"[A-Za-z0-9]+", value)
    if not parts:
        raise GenError(f"enum value {value!r} has no letters or digits")
    name = "".join(p[0].upper() + p[1:].lower() if p.isupper() else p[0].upper() + p[1:]
                   for p in parts)
    if name[0].isdigit():
        name = "V" + name
    return name


_CODE = re.compile(r"(`[^`]*`)")


def doc_text(s):
    """One description as rustdoc-safe markdown (no stray links, HTML tags or bare URLs)."""
    s = " ".join((s or "").split())
    out = []
    for i, chunk in enumerate(_CODE.split(s)):
        if i % 2 == 1:
            out.append(chunk)
            continue
        chunk = chunk.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
        chunk = chunk.replace("<", "\\<").replace(">", "\\>")
        chunk = re.sub(r"(https?://[^\s)]+)", r"<\1>", chunk)
        out.append(chunk)
    return "".join(out)


def doc(lines, indent=""):
    res = []
    for line in lines:
        if line is None:
            continue
        res.append(f"{indent}///" + (" " + line if line else ""))
    return res


def lit(s):
    return json.dumps(s, ensure_ascii=False)


# ------------------------------------------------------------------ type model

class Models:
    def __init__(self, spec):
        self.spec = spec
        self.schemas = spec["components"]["schemas"]
        self.ops = model.operations(spec)
        self.enums = {}          # name -> (values, description)
        self.enum_of = {}        # (owner, field) -> enum name
        self.req_refs, self.resp_refs = set(), set()
        self._reach()
        self._plan_enums()

    def _refs(self, s, out):
        if isinstance(s, dict):
            if "$ref" in s:
                n = model.ref_name(s["$ref"])
                if n not in out:
                    out.add(n)
                    self._refs(self.schemas[n], out)
            for v in s.values():
                self._refs(v, out)
        elif isinstance(s, list):
            for v in s:
                self._refs(v, out)

    def _reach(self):
        self.bodies = set()
        for o in self.ops:
            if o["body"] is not None:
                b = o["body"]
                if "$ref" not in b:
                    raise GenError(f"{o['id']}: the request body must be a $ref to a schema")
                name = model.ref_name(b["$ref"])
                self.bodies.add(name)
                self._refs(self.schemas[name], self.req_refs)
            if o["result"] is not None:
                self._refs(o["result"], self.resp_refs)
        self._refs(self.schemas.get("MessageResult", {}), self.resp_refs)
        if "MessageResult" in self.schemas:
            self.resp_refs.add("MessageResult")
        # Bodies are inlined into the params structs; emitted on their own only when some
        # other schema refers to them.
        self.emitted = sorted((self.req_refs | self.resp_refs))

    def mode(self, name):
        """`request` (strict) or `response` (lenient) for a component schema."""
        if name in self.resp_refs:
            return "response"
        return "request"

    # -------------------------------------------------------------- enums

    def _enum_sites(self):
        """Every string enum of a request: (owner, field, values, description)."""
        sites = []
        for name in sorted(self.schemas):
            s = self.schemas[name]
            for field, p in s.get("properties", {}).items():
                for sub in (p, p.get("items") if isinstance(p.get("items"), dict) else None):
                    if isinstance(sub, dict) and "enum" in sub and "$ref" not in sub:
                        sites.append((name, field, tuple(sub["enum"]), p.get("description", "")))
        for o in self.ops:
            owner = pascal(o["namespace"]) + pascal(o["name"])
            for q in o["query_params"]:
                if q["enum"]:
                    sites.append((owner, q["name"], tuple(q["enum"]), q["description"]))
        return sites

    def _plan_enums(self):
        sites = self._enum_sites()
        by_field = {}
        for owner, field, values, desc in sites:
            by_field.setdefault(field, {}).setdefault(frozenset(values), []).append(
                (owner, values, desc))
        taken = set(self.schemas) | {self.params_name(o) for o in self.ops}
        for field, groups in by_field.items():
            for vs, members in groups.items():
                owner0, values0, desc0 = members[0]
                name = pascal(field) if len(groups) == 1 else owner0 + pascal(field)
                if name in taken or name in self.enums:
                    name = owner0 + pascal(field)
                name = ENUM_RENAMES.get(name, name)
                if name in taken or name in self.enums:
                    raise GenError(f"enum name {name} clashes")
                taken.add(name)
                self.enums[name] = (values0, desc0)
                for owner, _, _ in members:
                    self.enum_of[(owner, field)] = name

    # -------------------------------------------------------------- types

    @staticmethod
    def params_name(o):
        return pascal(o["namespace"]) + pascal(o["name"]) + "Params"

    def rust_type(self, s, owner, field, mode):
        """(rust type, is_option) of a property schema."""
        if "$ref" in s:
            return model.ref_name(s["$ref"]), False
        if "oneOf" in s:
            alts = [a for a in s["oneOf"] if a != {"type": "null"}]
            nullable = len(alts) != len(s["oneOf"])
            return "serde_json::Value", nullable
        t, nullable = model.schema_type(s)
        if t == "string":
            if "enum" in s and (owner, field) in self.enum_of:
                return self.enum_of[(owner, field)], nullable
            return "String", nullable
        if t == "integer":
            return "i64", nullable
        if t == "number":
            return "f64", nullable
        if t == "boolean":
            return "bool", nullable
        if t == "array":
            items = s.get("items")
            if items is None:
                return "Vec<serde_json::Value>", nullable
            inner, inner_opt = self.rust_type(items, owner, field, mode)
            if inner_opt:
                inner = f"Option<{inner}>"
            return f"Vec<{inner}>", nullable
        if t == "object":
            if s.get("properties"):
                raise GenError(f"{owner}.{field}: inline objects with properties need a "
                               "component schema ($ref)")
            ap = s.get("additionalProperties")
            if isinstance(ap, dict) and ap:
                inner, inner_opt = self.rust_type(ap, owner, field, mode)
                if inner != "serde_json::Value" and not inner_opt:
                    return f"std::collections::BTreeMap<String, {inner}>", nullable
            return "serde_json::Map<String, serde_json::Value>", nullable
        if t is None:
            return "serde_json::Value", False
        raise GenError(f"{owner}.{field}: type {t!r} not handled")


# ------------------------------------------------------------------ models.rs

def _field_lines(m, owner, wire, schema, required, mode, description, struct_fields):
    ident = field_ident(wire)
    if ident in struct_fields:
        ident += "_field"
    struct_fields.add(ident)
    ty, nullable = m.rust_type(schema, owner, wire, mode)
    if mode == "response":
        # Lenient: objects and nullable values are Option, the rest default when missing.
        # ("shared": the request shape, required plain and optional `Option`, read leniently.)
        is_obj = "$ref" in schema and model.resolve(m.spec, schema).get("type") == "object"
        optional = nullable or is_obj or ty == "serde_json::Value"
    else:
        optional = nullable or not required
    attrs = []
    if serde_camel(ident) != wire:
        attrs.append(f"rename = {lit(wire)}")
    if ty == "serde_json::Value":
        optional = False if mode == "response" else optional
        if mode != "response" and optional:
            ty = "Option<serde_json::Value>"
            attrs.append('skip_serializing_if = "Option::is_none"')
        elif mode == "response":
            attrs.append('skip_serializing_if = "serde_json::Value::is_null"')
    elif optional:
        ty = f"Option<{ty}>"
        attrs.append('skip_serializing_if = "Option::is_none"')
    elif mode in ("response", "shared"):
        attrs.append('deserialize_with = "de::null_as_default"')
    desc = schema.get("description") or description or ""
    if not desc and "$ref" in schema:
        desc = m.schemas[model.ref_name(schema["$ref"])].get("description", "")
    lines = doc([doc_text(desc) or f"`{wire}`."], "    ")
    if attrs:
        lines.append(f"    #[serde({', '.join(attrs)})]")
    lines.append(f"    pub {ident}: {ty},")
    return ident, ty, lines


def _struct(m, name, description, fields, mode, extra_doc=()):
    """fields: [(wire, schema, required, description, owner)]; `owner` names the schema (or
    endpoint) a field's enum belongs to."""
    derives = "Debug, Clone, PartialEq, Default, Serialize, Deserialize"
    # "shared" (a schema of requests and results, e.g. `Address`): the request shape, read
    # leniently.
    serde = ['rename_all = "camelCase"']
    if mode == "request":
        serde.append("deny_unknown_fields")
    else:
        serde.append("default")
    shape = mode
    lines = doc([doc_text(description) or f"`{name}`."] + list(extra_doc))
    lines.append(f"#[derive({derives})]")
    lines.append(f"#[serde({', '.join(serde)})]")
    lines.append(f"pub struct {name} {{")
    idents = set()
    required_args = []
    for wire, schema, required, desc, owner in fields:
        ident, ty, flines = _field_lines(m, owner, wire, schema, required, shape, desc, idents)
        lines.extend(flines)
        if shape != "response" and required and not ty.startswith("Option<"):
            required_args.append((ident, ty))
    lines.append("}")
    if required_args:
        lines.append("")
        lines.append(f"impl {name} {{")
        args = ", ".join(f"{i}: impl Into<{t}>" for i, t in required_args)
        lines.append(f"    /// A value with the required fields; the optional ones are `None`.")
        lines.append(f"    pub fn new({args}) -> Self {{")
        lines.append(f"        {name} {{")
        for i, _ in required_args:
            lines.append(f"            {i}: {i}.into(),")
        lines.append("            ..Default::default()")
        lines.append("        }")
        lines.append("    }")
        lines.append("}")
    return lines


def _enum(name, values, description):
    """A string enum with an `Other(String)` fallback: a value this SDK does not know yet
    (AutoSend added one) still reads, so a result that carries it never fails to decode. The
    core refuses unknown values in requests (schema `enum`), naming the field."""
    lines = doc([doc_text(description) or f"`{name}`.",
                 "",
                 "Values: " + ", ".join(f"`{v}`" for v in values) + "; any other string reads "
                 "as `Other`."])
    lines.append("#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]")
    lines.append(f"pub enum {name} {{")
    seen = set()
    variants = []
    for i, v in enumerate(values):
        ident = variant_ident(v)
        if ident in seen:
            raise GenError(f"enum {name}: two values map to {ident}")
        seen.add(ident)
        variants.append((ident, v))
        lines.append(f"    /// `{v}`")
        if i == 0:
            lines.append("    #[default]")
        lines.append(f"    {ident},")
    other = "Other" if "Other" not in seen else "Unknown"
    if other in seen:
        raise GenError(f"enum {name}: no free name for the fallback variant")
    lines.append("    /// A value this version of the SDK does not know (sent as is).")
    lines.append(f"    {other}(String),")
    lines.append("}")
    lines.append("")
    lines.append(f"impl {name} {{")
    lines.append("    /// The wire value.")
    lines.append("    pub fn as_str(&self) -> &str {")
    lines.append("        match self {")
    for ident, v in variants:
        lines.append(f"            {name}::{ident} => {lit(v)},")
    lines.append(f"            {name}::{other}(s) => s,")
    lines.append("        }")
    lines.append("    }")
    lines.append("}")
    lines.append("")
    lines.append(f"impl From<&str> for {name} {{")
    lines.append("    fn from(s: &str) -> Self {")
    lines.append("        match s {")
    for ident, v in variants:
        lines.append(f"            {lit(v)} => {name}::{ident},")
    lines.append(f"            _ => {name}::{other}(s.to_string()),")
    lines.append("        }")
    lines.append("    }")
    lines.append("}")
    lines.append("")
    lines.append(f"impl Serialize for {name} {{")
    lines.append("    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {")
    lines.append("        s.serialize_str(self.as_str())")
    lines.append("    }")
    lines.append("}")
    lines.append("")
    lines.append(f"impl<'de> Deserialize<'de> for {name} {{")
    lines.append("    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {")
    lines.append("        let s = String::deserialize(d)?;")
    lines.append(f"        Ok({name}::from(s.as_str()))")
    lines.append("    }")
    lines.append("}")
    lines.append("")
    lines.append(f"impl std::fmt::Display for {name} {{")
    lines.append("    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {")
    lines.append("        f.write_str(self.as_str())")
    lines.append("    }")
    lines.append("}")
    return lines


def _op_params_fields(m, o):
    """[(wire, schema, required, description)] of one endpoint's params struct."""
    op = m.spec["paths"][o["path"]][o["method"].lower()]
    fields = []
    pdesc = {p["name"]: p for p in op.get("parameters", [])}
    for p in o["path_params"]:
        desc = pdesc.get(p, {}).get("description", "") or "Path parameter."
        fields.append((p, {"type": "string", "description": desc}, True, desc, "path"))
    for q in o["query_params"]:
        if o["response"] == "binary" and q["name"] == o["binary_flag"]:
            continue  # set by the method: `x` (JSON) or `x_bytes` (file)
        p = pdesc.get(q["name"], {})
        fields.append((q["name"], p.get("schema", {}), q["required"], q["description"],
                       pascal(o["namespace"]) + pascal(o["name"])))
    if o["body"] is not None:
        body_name = model.ref_name(o["body"]["$ref"])
        body = model.resolve(m.spec, o["body"])
        req = set(body.get("required", []))
        for wire, s in body.get("properties", {}).items():
            fields.append((wire, s, wire in req, s.get("description", ""), body_name))
    names = [f[0] for f in fields]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise GenError(f"{o['id']}: {dup} is both a path/query parameter and a body field")
    return fields


def has_params(m, o):
    return bool(_op_params_fields(m, o))


def result_type(m, o):
    if o["response"] == "message":
        return "MessageResult"
    if o["response"] == "empty":
        return "()"
    if o["result"] is None:
        return "serde_json::Value"
    ty, nullable = m.rust_type(o["result"], "", "", "response")
    return f"Option<{ty}>" if nullable else ty


def models_rs(m):
    out = [
        f"// {model.HEADER} (tools/codegen/gen_rust.py)",
        "//! Typed params and results of every endpoint, generated from the API description.",
        "//!",
        "//! - `<Namespace><Method>Params` (`TemplatesCreateParams`) is everything one call takes, flat:",
        "//!   path parameters, query parameters and body fields, the one JSON object",
        "//!   [`Client::call`](crate::Client::call) takes. Build one with `new(required…)` and set the",
        "//!   optional fields, or with `..Default::default()`. Requests refuse unknown fields when read",
        "//!   from JSON (a misspelled `bcc` is never dropped); the core validates the rest.",
        "//! - Results keep their schema names (`Template`). They are lenient: unknown fields are",
        "//!   ignored, missing ones read as their default (empty, 0, false), `null` too; nested objects",
        "//!   and nullable values are `Option`.",
        "//! - String enums of requests are Rust enums (`TemplateType::Marketing`), with an `Other(String)`",
        "//!   fallback so an answer carrying a value added later still reads.",
        "//!",
        "//! The native transport (`autosend-http`) has one typed method per endpoint that takes and",
        "//! returns these (`client.templates().create(&params)`). Edit `api/src/*.json` and run",
        "//! `python3 tools/codegen/generate.py` instead of editing this file.",
        "#![allow(clippy::all)]",
        "",
        "use serde::{Deserialize, Serialize};",
        "",
        "mod de {",
        "    use serde::{Deserialize, Deserializer};",
        "",
        "    /// `null` (or a missing field) reads as the type's default.",
        "    pub fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>",
        "    where",
        "        D: Deserializer<'de>,",
        "        T: Deserialize<'de> + Default,",
        "    {",
        "        Ok(Option::<T>::deserialize(d)?.unwrap_or_default())",
        "    }",
        "}",
        "",
        "// ---------------------------------------------------------------- endpoint params",
        "",
    ]
    for o in m.ops:
        fields = _op_params_fields(m, o)
        if not fields:
            continue
        name = m.params_name(o)
        parts = []
        if o["path_params"]:
            parts.append("path " + ", ".join(f"`{p}`" for p in o["path_params"]))
        qs = [q["name"] for q in o["query_params"]
              if not (o["response"] == "binary" and q["name"] == o["binary_flag"])]
        if qs:
            parts.append("query " + ", ".join(f"`{q}`" for q in qs))
        if o["body"]:
            parts.append(f"the fields of the body `{model.ref_name(o['body']['$ref'])}`")
        extra = ["", f"Parameters of `{o['id']}` (`{o['method']} {o['path']}`): "
                 + "; ".join(parts) + "."]
        if o["response"] == "binary":
            extra.append(f"`{o['binary_flag']}` is set by the method you call (JSON or bytes).")
        out += _struct(m, name, o["summary"], fields, "request", extra)
        out.append("")
    out += ["// ---------------------------------------------------------------- schemas", ""]
    for name in m.emitted:
        s = m.schemas[name]
        if model.resolve(m.spec, s).get("type") not in ("object", None) or "properties" not in s:
            if s.get("type") == "object":
                out += doc([doc_text(s.get("description", "")) or f"`{name}`."])
                out.append(f"pub type {name} = serde_json::Map<String, serde_json::Value>;")
                out.append("")
                continue
            raise GenError(f"schema {name}: only object schemas can be components here")
        mode = m.mode(name)
        req = set(s.get("required", []))
        fields = [(w, p, w in req, p.get("description", ""), name)
                  for w, p in s["properties"].items()]
        if mode == "response" and name in m.req_refs:
            mode = "shared"
        out += _struct(m, name, s.get("description", ""), fields, mode)
        out.append("")
    out += ["// ---------------------------------------------------------------- enums", ""]
    for name in sorted(m.enums):
        values, desc = m.enums[name]
        out += _enum(name, values, desc)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


# ------------------------------------------------------------------ endpoints.rs

def _ns_struct(ns):
    return pascal(ns) + "Api"


def _method_docs(o, extra=None):
    retry = ("retried after an unknown outcome (idempotent)" if o["idempotent"]
             else "never retried after an unknown outcome")
    lines = [doc_text(o["summary"]), "",
             f"`{o['id']}`: `{o['method']} {o['path']}`; key scope `{o['scope']}`; {retry}."]
    if o.get("deprecated"):
        lines.append("Deprecated by the API (kept for existing integrations).")
    if extra:
        lines += [""] + extra
    return lines


def _page_item_type(m, o):
    pag = o["pagination"]
    res = model.resolve(m.spec, o["result"])
    prop = res.get("properties", {}).get(pag["items"])
    if prop is None:
        raise GenError(f"{o['id']}: pagination items {pag['items']!r} is not a property of the result")
    ty, _ = m.rust_type(prop, model.ref_name(o["result"]["$ref"]), pag["items"], "response")
    if not ty.startswith("Vec<"):
        raise GenError(f"{o['id']}: pagination items {pag['items']!r} is not an array")
    return ty[4:-1]


def _all_pages_method(m, o, is_async, meth, arg, to_val, ind):
    aw = ".await" if is_async else ""
    fn = "pub async fn" if is_async else "pub fn"
    pag = o["pagination"]
    item = _page_item_type(m, o)
    lines = doc([f"Every page of [`Self::{meth}`], items concatenated: pages are fetched one "
                 "after the other from the params' `page` (or 1) until the last one (at most "
                 "[`MAX_PAGES`](crate::MAX_PAGES) pages).", "",
                 f"`{o['id']}` is paged ({pag['style']} page metadata); each page is one call "
                 "with the client's rate limits and retries."], ind)
    lines += _deprecated(o, ind)
    lines.append(f"{ind}{fn} {meth}_all(&self, {arg}) -> Result<Vec<{item}>, Error> {{")
    lines.append(f"{ind}    let mut p = {to_val};")
    lines.append(f"{ind}    let mut page = crate::first_page(&p);")
    lines.append(f"{ind}    let mut out = Vec::new();")
    lines.append(f"{ind}    for _ in 0..crate::MAX_PAGES {{")
    lines.append(f"{ind}        set_flag(&mut p, {lit('page')}, page);")
    lines.append(f"{ind}        let r = self.client.call({lit(o['id'])}, p.clone()){aw}?;")
    lines.append(f"{ind}        let next = crate::page_items(&r.data, {lit(pag['items'])}, "
                 f"{lit(pag['style'])}, &mut out)?;")
    lines.append(f"{ind}        match next {{")
    lines.append(f"{ind}            Some(n) => page = n,")
    lines.append(f"{ind}            None => return Ok(out),")
    lines.append(f"{ind}        }}")
    lines.append(f"{ind}    }}")
    lines.append(f"{ind}    Err(crate::too_many_pages({lit(o['id'])}))")
    lines.append(f"{ind}}}")
    lines.append("")
    return lines


def _deprecated(o, ind):
    if not o.get("deprecated"):
        return []
    note = "deprecated by the AutoSend API"
    m = re.search(r"use ([a-z][A-Za-z]*)\.([a-z][A-Za-z]*)", o["summary"])
    if m:
        note += f"; use client.{model.snake(m.group(1))}().{model.snake(m.group(2))}() instead"
    return [f"{ind}#[deprecated(note = {lit(note)})]"]


def _endpoint_methods(m, o, is_async):
    aw = ".await" if is_async else ""
    fn = "pub async fn" if is_async else "pub fn"
    meth = model.snake(o["name"])
    if meth in RUST_KEYWORDS:
        meth += "_"
    with_p = has_params(m, o)
    pname = m.params_name(o)
    arg = f"params: &{pname}" if with_p else ""
    to_val = "to_params(params)?" if with_p else "serde_json::Value::Object(Default::default())"
    res = result_type(m, o)
    ind = "    "
    lines = []
    if o["response"] == "binary":
        flag = o["binary_flag"]
        for suffix, flag_val, ty, conv, what in (
                ("", "false", res, "Response::from_api", "the JSON answer"),
                ("_bytes", "true", "Download", "Response::download", "the file itself")):
            name = meth + suffix
            extra = ([f"Sends `{flag}=true`: returns {what}."] if flag_val == "true" else
                     [f"Without `{flag}`: returns {what} (`{name}_bytes` downloads the file)."])
            lines += doc(_method_docs(o, extra), ind)
            lines.append(f"{ind}{fn} {name}(&self, {arg}) -> Result<{ty}, Error> {{")
            lines.append(f"{ind}    Ok(self.{name}_with_response(params){aw}?.data)")
            lines.append(f"{ind}}}")
            lines.append("")
            lines += doc([f"[`Self::{name}`] with the whole answer (request id, message, attempts).",
                          ], ind)
            lines.append(f"{ind}{fn} {name}_with_response(&self, {arg}) -> Result<Response<{ty}>, Error> {{")
            if flag_val == "true":
                lines.append(f"{ind}    let mut p = {to_val};")
                lines.append(f"{ind}    set_flag(&mut p, {lit(flag)}, true);")
                lines.append(f"{ind}    {conv}(self.client.call({lit(o['id'])}, p){aw}?)")
            else:
                lines.append(f"{ind}    {conv}(self.client.call({lit(o['id'])}, {to_val}){aw}?)")
            lines.append(f"{ind}}}")
            lines.append("")
        return lines
    if o.get("pagination"):
        lines += _all_pages_method(m, o, is_async, meth, arg, to_val, ind)
    conv = {"message": "Response::from_message", "empty": "Response::from_empty"}.get(
        o["response"], "Response::from_api")
    lines += doc(_method_docs(o), ind)
    lines += _deprecated(o, ind)
    sig_arg = arg
    call_arg = "params" if with_p else ""
    lines.append(f"{ind}{fn} {meth}(&self{', ' + sig_arg if sig_arg else ''}) -> Result<{res}, Error> {{")
    lines.append(f"{ind}    Ok(self.{meth}_with_response({call_arg}){aw}?.data)")
    lines.append(f"{ind}}}")
    lines.append("")
    lines += doc([f"[`Self::{meth}`] with the whole answer (request id, message, attempts).",
                  ], ind)
    lines += _deprecated(o, ind)
    lines.append(f"{ind}{fn} {meth}_with_response(&self{', ' + sig_arg if sig_arg else ''}) "
                 f"-> Result<Response<{res}>, Error> {{")
    lines.append(f"{ind}    {conv}(self.client.call({lit(o['id'])}, {to_val}){aw}?)")
    lines.append(f"{ind}}}")
    lines.append("")
    return lines


def _namespaces(m, is_async):
    client = "crate::Client" if is_async else "crate::blocking::Client"
    kind = "async" if is_async else "blocking"
    groups = {}
    order = []
    for o in m.ops:
        if o["namespace"] not in groups:
            order.append(o["namespace"])
            groups[o["namespace"]] = []
        groups[o["namespace"]].append(o)
    out = []
    accessors = []
    for ns in order:
        st = _ns_struct(ns)
        out += doc([f"The `{ns}` endpoints ({kind}): get one with "
                    f"`client.{model.snake(ns)}()`."])
        out.append("#[derive(Debug, Clone, Copy)]")
        out.append(f"pub struct {st}<'a> {{")
        out.append(f"    client: &'a {client},")
        out.append("}")
        out.append("")
        out.append(f"impl {st}<'_> {{")
        body = []
        for o in groups[ns]:
            body += _endpoint_methods(m, o, is_async)
        out += [l for l in body[:-1]] if body and body[-1] == "" else body
        out.append("}")
        out.append("")
        accessors += doc([f"The `{ns}` endpoints."], "    ")
        accessors.append(f"    pub fn {model.snake(ns)}(&self) -> {st}<'_> {{")
        accessors.append(f"        {st} {{ client: self }}")
        accessors.append("    }")
        accessors.append("")
    if accessors and accessors[-1] == "":
        accessors.pop()
    out.append(f"impl {client} {{")
    out += accessors
    out.append("}")
    return out


def endpoints_rs(m):
    head = [
        f"// {model.HEADER} (tools/codegen/gen_rust.py)",
        "//! Typed methods for every endpoint, grouped by resource: `client.templates().create(&p)`.",
        "//!",
        "//! Each method serialises its params (`autosend::models::*Params`) to the one JSON object",
        "//! the core takes, runs [`Client::call`](crate::Client::call) (rate limits, retries and",
        "//! errors are the core's) and reads the answer leniently into the result type. Every",
        "//! method has a `*_with_response` twin returning [`Response<T>`](crate::Response): the",
        "//! typed value plus the whole [`ApiResponse`](autosend::ApiResponse) (request id, message,",
        "//! attempts). Binary endpoints have a `*_bytes` variant returning a",
        "//! [`Download`]; paged lists a `*_all` variant that fetches every page.",
        "#![allow(clippy::all, deprecated)]",
        "",
        "#[allow(unused_imports)]",
        "use crate::{set_flag, to_params, Download, Response};",
        "use autosend::models::*;",
        "use autosend::Error;",
        "",
    ]
    body = _namespaces(m, True)
    blocking = _namespaces(m, False)
    text = head + body + [
        "",
        "/// The same namespaces on the blocking client.",
        "#[cfg(feature = \"blocking\")]",
        "pub mod blocking {",
        "    #[allow(unused_imports)]",
        "    use crate::{set_flag, to_params, Download, Response};",
        "    use autosend::models::*;",
        "    use autosend::Error;",
        "",
    ] + ["    " + l if l else "" for l in blocking] + ["}"]
    return "\n".join(text).rstrip("\n") + "\n"


# ------------------------------------------------------------------ smoke test

def _sample(m, s, field, depth=0):
    """A small JSON value valid for schema `s` (required fields only)."""
    if depth > 12:
        return None
    if "$ref" in s:
        return _sample(m, model.resolve(m.spec, s), field, depth + 1)
    if "oneOf" in s:
        alts = [a for a in s["oneOf"] if a != {"type": "null"}]
        return _sample(m, alts[0], field, depth + 1)
    t, _ = model.schema_type(s)
    if "enum" in s:
        return s["enum"][0]
    if t == "string":
        fmt = s.get("format")
        if fmt == "email" or "email" in field.lower():
            return "smoke@example.com"
        if fmt == "uri" or field.lower().endswith("url"):
            return "https://hooks.example.com/smoke"
        if fmt == "date-time":
            return "2030-01-01T00:00:00Z"
        v = "smoke"
        mn = s.get("minLength") or 0
        if len(v) < mn:
            v = v + "x" * (mn - len(v))
        if s.get("maxLength") is not None and len(v) > s["maxLength"]:
            v = v[: s["maxLength"]]
        return v
    if t == "integer" or t == "number":
        v = s.get("minimum", 1)
        return int(v) if t == "integer" else v
    if t == "boolean":
        return False
    if t == "array":
        n = max(1, s.get("minItems") or 0)
        return [_sample(m, s.get("items", {"type": "string"}), field, depth + 1) for _ in range(n)]
    if t == "object":
        out = {}
        for k in s.get("required", []):
            out[k] = _sample(m, s["properties"][k], k, depth + 1)
        return out
    return "smoke"


def smoke_rs(m):
    """A test calling every endpoint once through the typed blocking methods: params are built
    from the description (required fields) with hand-written overrides in the test file
    (`transport/tests/smoke_gen.rs` reads `smoke_overrides()` from `common/mod.rs`)."""
    lines = [
        f"// {model.HEADER} (tools/codegen/gen_rust.py)",
        "//! Every endpoint once, through the typed blocking methods, against the in-process sandbox.",
        "//! Params come from the description (required fields with sample values), overridden by",
        "//! `common::smoke_params` where a realistic value is needed (ids of things created before).",
        "#![allow(clippy::all, unused_mut, unused_variables, deprecated)]",
        "",
        "use autosend::models::*;",
        "use crate::common::{Ctx, Sandbox};",
        "use serde_json::json;",
        "",
    ]
    order = smoke_order(m)
    lines.append("/// The endpoint ids in the order the smoke test calls them.")
    lines.append("pub const ORDER: &[&str] = &[")
    for o in order:
        lines.append(f"    {lit(o['id'])},")
    lines.append("];")
    lines.append("")
    lines.append("#[test]")
    lines.append("fn every_endpoint_once_through_the_typed_methods() {")
    lines.append("    let sb = Sandbox::for_smoke();")
    lines.append("    let mut ctx = Ctx::new(&sb);")
    for o in order:
        ns = model.snake(o["namespace"])
        meth = model.snake(o["name"])
        if meth in RUST_KEYWORDS:
            meth += "_"
        fields = _op_params_fields(m, o)
        sample = {}
        for wire, s, req, _, _ in fields:
            if req:
                sample[wire] = _sample(m, s, wire)
        lines.append(f"    // {o['id']}: {o['method']} {o['path']}")
        lines.append("    {")
        lines.append(f"        let c = ctx.client_for({lit(o['scope'])});")
        if fields:
            lines.append(f"        let sample = json!({json.dumps(sample, ensure_ascii=False)});")
            lines.append(f"        let p: {m.params_name(o)} = ctx.params({lit(o['id'])}, sample);")
            call = f"c.{ns}().{meth}_with_response(&p)"
        else:
            call = f"c.{ns}().{meth}_with_response()"
        lines.append(f"        let r = {call};")
        lines.append(f"        ctx.check({lit(o['id'])}, r.map(|r| (serde_json::to_value(&r.data).ok(), r.raw)));")
        if o["response"] == "binary":
            lines.append(f"        let r = c.{ns}().{meth}_bytes_with_response(&p);")
            lines.append(f"        ctx.check_bytes({lit(o['id'])}, r.map(|r| (r.data.bytes.clone(), r.raw)));")
        lines.append("    }")
    lines.append("    ctx.finish(ORDER);")
    lines.append("}")
    return "\n".join(lines) + "\n"


def smoke_order(m):
    """Per namespace (table order): creates first, then reads and updates, deletes last; the
    namespaces that give ids to others (templates, senders, contacts, lists) come first."""
    groups = {}
    order = []
    for o in m.ops:
        if o["namespace"] not in groups:
            order.append(o["namespace"])
            groups[o["namespace"]] = []
        groups[o["namespace"]].append(o)

    def rank(o):
        n = o["name"]
        if n.startswith("create") or n == "upsert":
            return 0
        if n in ("send",) and o["namespace"] == "emails":
            return 0
        if n.startswith("delete") or n in ("remove", "abort", "disableInbound"):
            return 3
        if n in ("resume",):
            return 2
        return 1
    out = []
    for ns in order:
        out += sorted(groups[ns], key=lambda o: (rank(o), o["order"]))
    return out


def outputs(spec):
    m = Models(spec)
    return {
        MODELS: models_rs(m),
        ENDPOINTS: endpoints_rs(m),
        SMOKE: smoke_rs(m),
    }
