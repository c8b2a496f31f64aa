"""core/src/generated.rs: the endpoint catalog and request-body schemas as static data.

The core interprets this table (core/src/schema.rs validates and canonicalises bodies;
core/src/request.rs builds URLs, queries and headers). Every sub-schema is its own `static`
so the tree needs no lifetime extension tricks; names follow the schema's path.
"""
import json
import re

import model

PATH = "core/src/generated.rs"


def _lit(s):
    return json.dumps(s, ensure_ascii=False)


def _num(x):
    return "None" if x is None else f"Some({float(x)!r})".replace("inf", "f64::INFINITY")


def _u32(x):
    return "None" if x is None else f"Some({int(x)})"


class Emitter:
    def __init__(self, spec):
        self.spec = spec
        self.items = []          # rust source of each static
        self.by_ref = {}         # component name -> static name
        self.names = set()
        self.patterns = []

    def name(self, base):
        n = re.sub(r"[^A-Z0-9_]", "_", base.upper())
        n = re.sub(r"_+", "_", n).strip("_") or "S"
        if n[0].isdigit():
            n = "S_" + n
        cand, i = n, 2
        while cand in self.names:
            cand = f"{n}_{i}"
            i += 1
        self.names.add(cand)
        return cand

    def pattern(self, p):
        if p not in self.patterns:
            self.patterns.append(p)
        return self.patterns.index(p)

    def component(self, ref_name):
        if ref_name not in self.by_ref:
            static = self.name(model.upper_snake(ref_name))
            self.by_ref[ref_name] = static
            schema = self.spec["components"]["schemas"][ref_name]
            body = self.expr(schema, static)
            self.items.append(f"/// `#/components/schemas/{ref_name}`\n"
                              f"static {static}: Schema = {body};")
        return self.by_ref[ref_name]

    def static(self, schema, base):
        """The name of a static holding `schema` (a component's, or a new one)."""
        if "$ref" in schema:
            return self.component(model.ref_name(schema["$ref"]))
        static = self.name(base)
        body = self.expr(schema, static)
        self.items.append(f"static {static}: Schema = {body};")
        return static

    def expr(self, s, base):
        if "$ref" in s:
            return f"Schema::Ref(&{self.component(model.ref_name(s['$ref']))})"
        if "oneOf" in s:
            alts = [a for a in s["oneOf"] if a != {"type": "null"}]
            nullable = len(alts) != len(s["oneOf"])
            names = [self.static(a, f"{base}_ALT{i}") for i, a in enumerate(alts)]
            if len(names) == 1:
                inner = f"Schema::Ref(&{names[0]})"
            else:
                arr = self.name(f"{base}_ALTS")
                self.items.append(f"static {arr}: [&Schema; {len(names)}] = "
                                  f"[{', '.join('&' + n for n in names)}];")
                inner = f"Schema::OneOf(&{arr})"
            if nullable:
                inner_name = self.name(f"{base}_VALUE")
                self.items.append(f"static {inner_name}: Schema = {inner};")
                return f"Schema::Nullable(&{inner_name})"
            return inner
        t, nullable = model.schema_type(s)
        if nullable:
            inner = dict(s)
            inner["type"] = t
            inner_name = self.static(inner, f"{base}_VALUE")
            return f"Schema::Nullable(&{inner_name})"
        if t == "object" or (t is None and "properties" in s):
            props = s.get("properties", {})
            req = set(s.get("required", []))
            fields = []
            for pname, ps in props.items():
                fname = self.static(ps, f"{base}_{model.upper_snake(pname)}")
                fields.append(f"    Field {{ name: {_lit(pname)}, required: {str(pname in req).lower()}, "
                              f"schema: &{fname} }},")
            arr = self.name(f"{base}_FIELDS")
            self.items.append(f"static {arr}: [Field; {len(fields)}] = [\n" + "\n".join(fields) + "\n];")
            ap = s.get("additionalProperties")
            if ap is False or ap is None:
                add = "Additional::Deny"
            elif ap is True or ap == {}:
                add = "Additional::Any"
            else:
                add = f"Additional::Schema(&{self.static(ap, base + '_VALUES')})"
            return f"Schema::Object(ObjectRule {{ fields: &{arr}, additional: {add} }})"
        if t == "string":
            enum = s.get("enum")
            enum_src = "&[" + ", ".join(_lit(e) for e in enum) + "]" if enum else "&[]"
            fmt = {None: "None", "email": "Some(Format::Email)", "date-time": "Some(Format::DateTime)",
                   "uri": "Some(Format::Uri)"}[s.get("format")]
            pat = f"Some({self.pattern(s['pattern'])})" if "pattern" in s else "None"
            hint = "None"
            if "pattern" in s and s.get("description"):
                hint = f"Some({_lit(s['description'])})"
            return (f"Schema::String(StringRule {{ min: {_u32(s.get('minLength'))}, "
                    f"max: {_u32(s.get('maxLength'))}, enum_: {enum_src}, format: {fmt}, "
                    f"pattern: {pat}, hint: {hint} }})")
        if t in ("integer", "number"):
            v = "Integer" if t == "integer" else "Number"
            return (f"Schema::{v}(NumberRule {{ min: {_num(s.get('minimum'))}, "
                    f"max: {_num(s.get('maximum'))} }})")
        if t == "boolean":
            return "Schema::Bool"
        if t == "array":
            items = s.get("items")
            iname = self.static(items, f"{base}_ITEM") if items is not None else "ANY"
            return (f"Schema::Array(ArrayRule {{ items: &{iname}, min: {_u32(s.get('minItems'))}, "
                    f"max: {_u32(s.get('maxItems'))} }})")
        return "Schema::Any"


SCOPE = {"project": "Project", "project_key": "ProjectKey", "account": "Account",
         "account_no_project": "AccountNoProject", "none": "None"}
RESP = {"data": "Data", "message": "Message", "binary": "Binary", "empty": "Empty"}
PTYPE = {"string": "String", "integer": "Integer", "number": "Number", "boolean": "Boolean",
         "array": "Array"}


def _query(q):
    items = PTYPE[q["items"]] if q["type"] == "array" else PTYPE[q["type"]]
    enum = "&[" + ", ".join(_lit(e) for e in (q["enum"] or [])) + "]"
    return (f"QueryParam {{ name: {_lit(q['name'])}, ty: ParamType::{PTYPE[q['type']]}, "
            f"items: ParamType::{items}, min: {_num(q['min'])}, max: {_num(q['max'])}, "
            f"enum_: {enum}, explode: {str(q['explode']).lower()}, "
            f"required: {str(q['required']).lower()} }}")


def outputs(spec):
    ops = model.operations(spec)
    em = Emitter(spec)
    em.names.add("ANY")
    entries = []
    for o in ops:
        body = "None"
        if o["body"] is not None:
            body = f"Some(&{em.static(o['body'], 'BODY_' + model.upper_snake(o['id']))})"
        pag = "None"
        if o["pagination"]:
            p = o["pagination"]
            pag = (f"Some(Pagination {{ style: PageStyle::{p['style'].title()}, "
                   f"location: ParamIn::{p['in'].title()}, items: {_lit(p['items'])} }})")
        qnames = ", ".join(_lit(q["name"]) for q in o["query_params"])
        qparams = "".join(f"\n            {_query(q)}," for q in o["query_params"])
        qparams = f"&[{qparams}\n        ]" if qparams else "&[]"
        entries.append(f"""    Endpoint {{
        id: {_lit(o['id'])},
        method: Method::{o['method'].title()},
        path: {_lit(o['path'])},
        path_params: &[{', '.join(_lit(p) for p in o['path_params'])}],
        query: &[{qnames}],
        query_params: {qparams},
        scope: Scope::{SCOPE[o['scope']]},
        idempotent: {str(o['idempotent']).lower()},
        body: {body},
        body_required: {str(o['body_required']).lower()},
        response: ResponseKind::{RESP[o['response']]},
        binary_flag: {'Some(' + _lit(o['binary_flag']) + ')' if o['binary_flag'] else 'None'},
        pagination: {pag},
        max_body_bytes: {'Some(' + str(o['max_body_bytes']) + ')' if o['max_body_bytes'] else 'None'},
        rules: &[{', '.join(_lit(r) for r in o['rules'])}],
        summary: {_lit(o['summary'])},
    }},""")
    index = "\n".join(f"        {_lit(o['id'])} => Some({i})," for i, o in enumerate(ops))
    # Result fields the description marks required (`required` of the result schema): a 2xx
    # without them is `invalid_response` (core/src/response.rs).
    req_rows = []
    for o in ops:
        res = model.resolve(spec, o["result"]) if o["result"] else {}
        names = res.get("required", []) if isinstance(res, dict) else []
        if names:
            req_rows.append(f"    ({_lit(o['id'])}, &[{', '.join(_lit(n) for n in names)}]),")
    result_required = "\n".join(req_rows)
    pats = "\n".join(f"    {_lit(p)}," for p in em.patterns)
    text = f"""// {model.HEADER}
//! The endpoint catalog and request-body schemas, as static data (see `crate::catalog` for the
//! types and `crate::schema` for how bodies are checked). Edit `api/src/*.json` and run
//! `python3 tools/codegen/generate.py` instead of editing this file.
#![allow(clippy::all, clippy::pedantic)]

use crate::catalog::{{
    Endpoint, Method, PageStyle, Pagination, ParamIn, ParamType, QueryParam, ResponseKind, Scope,
}};
use crate::schema::{{
    Additional, ArrayRule, Field, Format, NumberRule, ObjectRule, Schema, StringRule,
}};

/// Every endpoint the SDK knows ({len(ops)}), in the order of the id table of `api/CONVENTIONS.md`.
pub static CATALOG: &[Endpoint] = &[
{chr(10).join(entries)}
];

/// The position of `id` in [`CATALOG`].
pub fn index_of(id: &str) -> Option<usize> {{
    match id {{
{index}
        _ => None,
    }}
}}

/// The `pattern`s of the schemas below (`StringRule::pattern` indexes this list).
pub static PATTERNS: &[&str] = &[
{pats}
];

/// Endpoints whose result schema marks fields required: `(id, fields)`. A 2xx answer
/// without them is `invalid_response`.
pub static RESULT_REQUIRED: &[(&str, &[&str])] = &[
{result_required}
];

#[allow(dead_code)]
static ANY: Schema = Schema::Any;

{chr(10).join(em.items)}
"""
    return {PATH: text}
