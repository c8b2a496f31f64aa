#!/usr/bin/env python3
"""Bundles api/src/*.json into api/openapi.json, validates it, and writes every generated file.

    python3 tools/codegen/generate.py            # write what changed
    python3 tools/codegen/generate.py --check    # exit 1 naming every stale file; writes nothing

Options: --src DIR (default api/src; tests use a fixture), --partial (allow ids of the table
to be missing while the description is being written).

Generators are modules `tools/codegen/gen_*.py` defining `outputs(spec) -> {path: text}` (paths
relative to the repository root; `spec` is the bundled document, see model.py for helpers).
Every such module found is run, in name order; two modules may not write the same path.
Rule: edit api/src/*.json, run this, commit everything.
"""
import argparse
import glob
import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import model  # noqa: E402

ROOT = model.ROOT
TOP_ORDER = ("openapi", "info", "jsonSchemaDialect", "servers", "security", "tags", "paths",
             "components")
OP_ORDER = ("operationId", "summary", "description", "tags", "deprecated", "x-autosend-scope",
            "x-autosend-idempotent", "x-autosend-response", "x-autosend-binary-flag",
            "x-autosend-pagination", "x-autosend-rules", "x-autosend-max-body-bytes",
            "x-autosend-source", "parameters", "requestBody", "responses")


class SpecError(Exception):
    pass


# ---------------------------------------------------------------- bundling

def load_sources(src):
    base_path = os.path.join(src, "_base.json")
    if not os.path.exists(base_path):
        raise SpecError(f"{os.path.relpath(base_path, ROOT)} is missing")
    with open(base_path, encoding="utf-8") as f:
        base = json.load(f)
    parts = []
    for p in sorted(glob.glob(os.path.join(src, "*.json"))):
        if os.path.basename(p) == "_base.json":
            continue
        with open(p, encoding="utf-8") as f:
            try:
                parts.append((os.path.basename(p), json.load(f)))
            except json.JSONDecodeError as e:
                raise SpecError(f"{os.path.relpath(p, ROOT)}: not JSON: {e}") from e
    return base, parts


def bundle(base, parts):
    """One document: _base.json plus every area's paths and schemas (stable order)."""
    doc = json.loads(json.dumps(base))
    paths = dict(doc.get("paths", {}))
    schemas = dict(doc.get("components", {}).get("schemas", {}))
    origin = {k: "_base.json" for k in schemas}
    for name, part in parts:
        extra = set(part) - {"paths", "components", "x-autosend-area", "x-autosend-source"}
        if extra:
            raise SpecError(f"api/src/{name}: unexpected top-level keys {sorted(extra)}")
        for p, item in part.get("paths", {}).items():
            if p in paths:
                # The same path may be split over files only by method.
                clash = set(item) & set(paths[p])
                if clash:
                    raise SpecError(f"api/src/{name}: {p} {sorted(clash)} defined twice")
                paths[p] = {**paths[p], **item}
            else:
                paths[p] = item
        comps = part.get("components", {})
        if set(comps) - {"schemas"}:
            raise SpecError(f"api/src/{name}: only components.schemas is allowed")
        for s, v in comps.get("schemas", {}).items():
            if s in schemas:
                raise SpecError(f"api/src/{name}: schema {s} also defined in {origin[s]}")
            schemas[s] = v
            origin[s] = name
    out = {k: doc[k] for k in TOP_ORDER[:1] if k in doc}
    out["x-autosend-generated"] = ("bundled by tools/codegen/generate.py from api/src/*.json — "
                                   "do not edit; edit api/src and re-run the generator")
    out.update({k: doc[k] for k in TOP_ORDER[1:] if k in doc})
    out.update({k: v for k, v in doc.items() if k not in out and k not in ("paths", "components")})
    out["paths"] = {p: _order_item(paths[p]) for p in sorted(paths)}
    comps = dict(doc.get("components", {}))
    comps["schemas"] = {s: schemas[s] for s in sorted(schemas)}
    out["components"] = {k: comps[k] for k in sorted(comps)}
    return out


def _order_item(item):
    out = {}
    for m in model.METHODS:
        if m in item:
            op = item[m]
            o = {k: op[k] for k in OP_ORDER if k in op}
            o.update({k: op[k] for k in op if k not in o})
            out[m] = o
    out.update({k: v for k, v in item.items() if k not in out})
    return out


def dumps(doc):
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- validation

ANNOTATIONS = {"description", "title", "example", "examples", "default", "deprecated",
               "readOnly", "writeOnly"}
KEYWORDS = {"type", "properties", "required", "additionalProperties", "minLength", "maxLength",
            "enum", "pattern", "format", "minimum", "maximum", "items", "minItems", "maxItems",
            "$ref", "oneOf"}
TYPES = {"object", "string", "integer", "number", "boolean", "array"}


def validate(spec, partial=False):
    errs = []
    schemas = spec.get("components", {}).get("schemas", {})

    def walk_refs(node, where):
        if isinstance(node, dict):
            if "$ref" in node:
                ref = node["$ref"]
                if not isinstance(ref, str) or not ref.startswith("#/components/schemas/"):
                    errs.append(f"{where}: $ref {ref!r} must point at #/components/schemas/<Name>")
                elif ref.split("/")[-1] not in schemas:
                    errs.append(f"{where}: $ref {ref} does not resolve")
            for k, v in node.items():
                walk_refs(v, f"{where}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk_refs(v, f"{where}[{i}]")

    walk_refs(spec, "#")
    if errs:
        return errs  # everything below resolves refs

    def check_schema(s, where, request, depth=0):
        if depth > 40:
            errs.append(f"{where}: nests too deeply (recursive $ref?)")
            return
        if not isinstance(s, dict):
            errs.append(f"{where}: a schema must be an object")
            return
        if "$ref" in s:
            extra = set(s) - {"$ref"} - ANNOTATIONS - {"x-autosend-source"}
            if extra:
                errs.append(f"{where}: $ref with siblings {sorted(extra)}")
            if request:
                target = s["$ref"].split("/")[-1]
                check_schema(schemas[target], f"#/components/schemas/{target}", True, depth + 1)
            return
        allowed = KEYWORDS | ANNOTATIONS
        if not request:
            allowed = allowed | {"const"}
        for k in s:
            if k not in allowed and not k.startswith("x-autosend-"):
                errs.append(f"{where}: keyword {k!r} is outside the schema subset (api/CONVENTIONS.md)")
        t = s.get("type")
        if isinstance(t, list):
            if len(t) != 2 or "null" not in t or not (set(t) - {"null"}) <= TYPES:
                errs.append(f"{where}: type list must be [<type>, \"null\"], got {t}")
            t = [x for x in t if x != "null"][0] if len(t) == 2 and "null" in t else None
        elif t is not None and t not in TYPES and not (t == "null" and not request):
            errs.append(f"{where}: unknown type {t!r}")
        if "oneOf" in s:
            alts = s["oneOf"]
            if not isinstance(alts, list) or not alts:
                errs.append(f"{where}: oneOf must be a non-empty list")
            else:
                for i, a in enumerate(alts):
                    if a == {"type": "null"}:
                        continue
                    check_schema(a, f"{where}.oneOf[{i}]", request, depth + 1)
            return
        if t is None and not request:
            pass
        elif t is None and set(s) & {"properties", "items"}:
            errs.append(f"{where}: properties/items without a type")
        if "format" in s and s["format"] not in model.FORMATS:
            errs.append(f"{where}: format {s['format']!r} unknown (use {', '.join(model.FORMATS)})")
        if "enum" in s and request:
            if t != "string" or not all(isinstance(x, str) for x in s["enum"]):
                errs.append(f"{where}: enum is supported on strings only")
        for k in ("minLength", "maxLength", "minItems", "maxItems"):
            if k in s and (not isinstance(s[k], int) or s[k] < 0):
                errs.append(f"{where}: {k} must be a non-negative integer")
        for k in ("minimum", "maximum"):
            if k in s and not isinstance(s[k], (int, float)):
                errs.append(f"{where}: {k} must be a number")
        if t == "object" or "properties" in s:
            props = s.get("properties", {})
            for r in s.get("required", []):
                if r not in props:
                    errs.append(f"{where}: required {r!r} is not a property")
            for name, p in props.items():
                check_schema(p, f"{where}.properties.{name}", request, depth + 1)
                if request and isinstance(p, dict) and "$ref" not in p and "description" not in p:
                    errs.append(f"{where}.properties.{name}: description missing")
            ap = s.get("additionalProperties")
            if request and ap is None:
                errs.append(f"{where}: request objects must say additionalProperties "
                            "(false, or true/a schema for free-form maps)")
            if isinstance(ap, dict):
                check_schema(ap, f"{where}.additionalProperties", request, depth + 1)
        if t == "array":
            if "items" not in s and request:
                errs.append(f"{where}: array without items")
            elif "items" in s:
                check_schema(s["items"], f"{where}.items", request, depth + 1)

    for name, s in schemas.items():
        check_schema(s, f"#/components/schemas/{name}", False)

    table = model.id_table()
    table_ids = {row[1]: row for row in table}
    seen = {}
    for path, item in spec.get("paths", {}).items():
        for method, op in item.items():
            if method not in model.METHODS:
                if method not in ("parameters", "summary", "description"):
                    errs.append(f"{path}: unknown key {method!r}")
                continue
            w = f"{method.upper()} {path}"
            ep = op.get("operationId")
            if not ep:
                errs.append(f"{w}: operationId missing")
                continue
            w = f"{ep} ({method.upper()} {path})"
            if ep in seen:
                errs.append(f"{w}: operationId also used by {seen[ep]}")
            seen[ep] = w
            row = table_ids.get(ep)
            if row is None:
                errs.append(f"{w}: id not in the id table of api/CONVENTIONS.md")
            else:
                if row[2] and row[2] != method.upper():
                    errs.append(f"{w}: the id table says method {row[2]}")
                if row[3] and row[3] != path:
                    errs.append(f"{w}: the id table says path {row[3]}")
                if op.get("tags") != [ep.split(".")[0]]:
                    errs.append(f"{w}: tags must be [{ep.split('.')[0]!r}]")
            if not op.get("summary"):
                errs.append(f"{w}: summary missing")
            scope = op.get("x-autosend-scope")
            if scope not in model.SCOPES:
                errs.append(f"{w}: x-autosend-scope {scope!r} not one of {model.SCOPES}")
            if not isinstance(op.get("x-autosend-idempotent"), bool):
                errs.append(f"{w}: x-autosend-idempotent (true/false) missing")
            resp = op.get("x-autosend-response")
            if resp not in model.RESPONSES:
                errs.append(f"{w}: x-autosend-response {resp!r} not one of {model.RESPONSES}")
            for r in op.get("x-autosend-rules", []):
                if r not in model.RULES:
                    errs.append(f"{w}: rule {r!r} unknown (known: {', '.join(model.RULES)})")
            mb = op.get("x-autosend-max-body-bytes")
            if mb is not None and (not isinstance(mb, int) or mb <= 0):
                errs.append(f"{w}: x-autosend-max-body-bytes must be a positive integer")
            # parameters
            names_in_path = [seg[1:-1] for seg in path.split("/") if seg.startswith("{")]
            params = op.get("parameters", [])
            pp = [p.get("name") for p in params if p.get("in") == "path"]
            if pp != names_in_path:
                errs.append(f"{w}: path parameters {pp} must be {names_in_path} (path order)")
            qnames = set()
            for p in params:
                pw = f"{w} parameter {p.get('name')!r}"
                if p.get("in") not in ("path", "query"):
                    errs.append(f"{pw}: in must be path or query")
                    continue
                if p.get("in") == "path":
                    if p.get("required") is not True:
                        errs.append(f"{pw}: path parameters are required: true")
                    ps = model.resolve(spec, p.get("schema", {}))
                    if ps.get("type") != "string":
                        errs.append(f"{pw}: path parameters are strings")
                    continue
                qnames.add(p.get("name"))
                ps = p.get("schema")
                if not isinstance(ps, dict):
                    errs.append(f"{pw}: schema missing")
                    continue
                check_schema(ps, pw, True)
                ps = model.resolve(spec, ps)
                t = ps.get("type")
                if t not in ("string", "integer", "number", "boolean", "array"):
                    errs.append(f"{pw}: query type must be string/integer/number/boolean/array")
                if t == "array":
                    it = model.resolve(spec, ps.get("items", {})).get("type")
                    if it not in ("string", "integer", "number", "boolean"):
                        errs.append(f"{pw}: array items must be scalars")
            if resp == "binary":
                flag = op.get("x-autosend-binary-flag")
                if flag not in qnames:
                    errs.append(f"{w}: x-autosend-binary-flag must name a query parameter")
            elif "x-autosend-binary-flag" in op:
                errs.append(f"{w}: x-autosend-binary-flag only goes with response binary")
            pag = op.get("x-autosend-pagination")
            if pag is not None:
                if (not isinstance(pag, dict) or pag.get("style") not in ("nested", "flat")
                        or pag.get("in") not in ("query", "body")
                        or not isinstance(pag.get("items"), str)):
                    errs.append(f"{w}: x-autosend-pagination must be "
                                "{style: nested|flat, in: query|body, items: <name>}")
                elif pag["in"] == "query" and not {"page", "limit"} & qnames:
                    errs.append(f"{w}: pagination in query but no page/limit query parameter")
            rb = op.get("requestBody")
            if rb is not None and isinstance(rb.get("content", {}).get("application/json", {}).get("schema"), dict):
                props = model.resolve(spec, rb["content"]["application/json"]["schema"]).get("properties", {})
                clash = set(props) & (qnames | set(names_in_path))
                if clash:
                    errs.append(f"{w}: body fields {sorted(clash)} clash with path/query parameters "
                                "(one parameter object: each name must go to one place)")
            if rb is not None:
                if method in ("get", "delete"):
                    errs.append(f"{w}: GET/DELETE take no body")
                sch = rb.get("content", {}).get("application/json", {}).get("schema")
                if sch is None:
                    errs.append(f"{w}: requestBody needs content.application/json.schema")
                else:
                    check_schema(sch, f"{w} requestBody", True)
                    if model.resolve(spec, sch).get("type") != "object":
                        errs.append(f"{w}: the request body must be an object schema")
            ok = [c for c in op.get("responses", {}) if str(c).startswith("2")]
            if not ok:
                errs.append(f"{w}: no 2xx response")
    if not partial:
        missing = [r[1] for r in table if r[1] not in seen]
        if missing:
            errs.append(f"{len(missing)} ids of the table have no operation: {', '.join(missing)}")
    if len(table) != 93:
        errs.append(f"the id table of api/CONVENTIONS.md lists {len(table)} ids, not 93")
    return errs


# ---------------------------------------------------------------- generators

def generator_modules():
    mods = []
    for p in sorted(glob.glob(os.path.join(HERE, "gen_*.py"))):
        name = os.path.splitext(os.path.basename(p))[0]
        spec = importlib.util.spec_from_file_location(name, p)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        if callable(getattr(mod, "outputs", None)):
            mods.append((name, mod))
    return mods


def all_outputs(spec, bundled_text):
    files = {"api/openapi.json": ("generate.py", bundled_text)}
    for name, mod in generator_modules():
        for path, text in mod.outputs(spec).items():
            path = path.replace(os.sep, "/")
            if path in files:
                raise SpecError(f"{name} and {files[path][0]} both write {path}")
            if os.path.isabs(path) or ".." in path.split("/"):
                raise SpecError(f"{name}: {path} must be relative to the repository root")
            files[path] = (name, text)
    return {p: t for p, (_, t) in files.items()}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if any generated file is stale")
    ap.add_argument("--src", default=os.path.join(ROOT, "api", "src"))
    ap.add_argument("--partial", action="store_true",
                    help="allow ids of the table without an operation (while writing api/src)")
    args = ap.parse_args(argv)
    try:
        base, parts = load_sources(args.src)
        spec = bundle(base, parts)
        errs = validate(spec, partial=args.partial)
        if errs:
            for e in errs:
                print("error: " + e, file=sys.stderr)
            print(f"{len(errs)} problems in the API description; nothing written", file=sys.stderr)
            return 2
        files = all_outputs(spec, dumps(spec))
    except (SpecError, ValueError, KeyError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    stale = []
    for path, text in sorted(files.items()):
        full = os.path.join(ROOT, path)
        try:
            with open(full, encoding="utf-8", newline="") as f:
                same = f.read() == text
        except FileNotFoundError:
            same = False
        if same:
            continue
        stale.append(path)
        if not args.check:
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w", encoding="utf-8", newline="") as f:
                f.write(text)
    if args.check:
        for p in stale:
            print(f"stale: {p} (run python3 tools/codegen/generate.py)", file=sys.stderr)
        if stale:
            return 1
        print(f"{len(files)} generated files up to date")
        return 0
    print(f"{len(files)} generated files, {len(stale)} written" +
          (": " + ", ".join(stale) if stale else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
