"""sandbox/src/routes_gen.rs: the route table the sandbox judges requests by.

It must not reference the core (the sandbox judges the SDK independently): plain strings only,
the request schema as compact JSON with every `$ref` resolved.
"""
import json

import model

PATH = "sandbox/src/routes_gen.rs"


def _raw(s):
    hashes = "#"
    while f'"{hashes}' in s:
        hashes += "#"
    return f'r{hashes}"{s}"{hashes}'


def outputs(spec):
    rows = []
    for o in model.operations(spec):
        schema = "None"
        if o["body"] is not None:
            compact = json.dumps(model.inline(spec, o["body"]), separators=(",", ":"),
                                 ensure_ascii=False, sort_keys=False)
            schema = f"Some({_raw(compact)})"
        query = ", ".join(json.dumps(q["name"]) for q in o["query_params"])
        rows.append(f"""    RouteSpec {{
        id: {json.dumps(o['id'])},
        method: {json.dumps(o['method'])},
        path: {json.dumps(o['path'])},
        scope: {json.dumps(o['scope'])},
        query: &[{query}],
        body_schema: {schema},
    }},""")
    text = f"""// {model.HEADER}
//! Every endpoint of the API description, for the sandbox's router and request checks.
//! Independent of the SDK core on purpose: the sandbox judges the SDK, so it reads the
//! description, not the core's interpretation of it.

/// One route of the AutoSend API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteSpec {{
    /// Endpoint id (`contactProperties.list`).
    pub id: &'static str,
    /// HTTP method, upper-case.
    pub method: &'static str,
    /// Path template under `/v1` (`/contacts/{{id}}`).
    pub path: &'static str,
    /// `project`, `project_key`, `account`, `account_no_project` or `none`.
    pub scope: &'static str,
    /// Declared query parameters.
    pub query: &'static [&'static str],
    /// Compact JSON of the request body schema, `$ref`s resolved; `None` without a body.
    pub body_schema: Option<&'static str>,
}}

/// All routes ({len(rows)}), in the order of the id table of `api/CONVENTIONS.md`.
pub static ROUTES: &[RouteSpec] = &[
{chr(10).join(rows)}
];
"""
    return {PATH: text}
