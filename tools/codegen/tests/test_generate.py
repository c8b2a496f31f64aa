"""Tests of the generator: bundling, validation, --check. Run:
    python3 -m unittest discover -s tools/codegen/tests
"""
import copy
import json
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import generate  # noqa: E402
import model  # noqa: E402

ROOT = model.ROOT


def op(ep_id, **extra):
    o = {"operationId": ep_id, "summary": "Do it.", "tags": [ep_id.split(".")[0]],
         "x-autosend-scope": "project", "x-autosend-idempotent": True,
         "x-autosend-response": "data",
         "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
             "type": "object", "properties": {"success": {"const": True},
                                              "data": {"$ref": "#/components/schemas/Thing"}}}}}}}}
    o.update(extra)
    return o


BASE = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {},
        "components": {"schemas": {"Thing": {"type": "object", "properties": {}}}}}


def body(schema):
    return {"required": True, "content": {"application/json": {"schema": schema}}}


class Validate(unittest.TestCase):
    def spec(self, paths, schemas=None):
        part = {"paths": paths, "components": {"schemas": schemas or {}}}
        return generate.bundle(copy.deepcopy(BASE), [("x.json", part)])

    def errors(self, paths, schemas=None):
        return generate.validate(self.spec(paths, schemas), partial=True)

    def test_good_operation_passes(self):
        self.assertEqual(self.errors({"/senders": {"get": op("senders.list")}}), [])

    def test_unknown_id_and_wrong_method(self):
        errs = self.errors({"/senders": {"get": op("senders.lsit")},
                            "/templates/{templateId}": {"post": op(
                                "templates.update", parameters=[{"name": "templateId", "in": "path",
                                                                 "required": True, "schema": {"type": "string"}}])}})
        self.assertTrue(any("senders.lsit" in e and "id table" in e for e in errs), errs)
        self.assertTrue(any("method PUT" in e for e in errs), errs)

    def test_missing_extensions_and_unknown_rule(self):
        o = op("senders.list", **{"x-autosend-rules": ["no_such_rule"]})
        del o["x-autosend-scope"]
        errs = self.errors({"/senders": {"get": o}})
        self.assertTrue(any("x-autosend-scope" in e for e in errs), errs)
        self.assertTrue(any("no_such_rule" in e for e in errs), errs)

    def test_refs_must_resolve(self):
        o = op("senders.create", requestBody=body({"$ref": "#/components/schemas/Nope"}))
        errs = self.errors({"/senders": {"post": o}})
        self.assertTrue(any("does not resolve" in e for e in errs), errs)

    def test_schema_subset_and_request_objects(self):
        schemas = {"CreateSender": {"type": "object", "properties": {
            "email": {"type": "string", "format": "idn-email", "description": "x"},
            "n": {"anyOf": [{"type": "string"}], "description": "x"}}}}
        o = op("senders.create", requestBody=body({"$ref": "#/components/schemas/CreateSender"}))
        errs = self.errors({"/senders": {"post": o}}, schemas)
        self.assertTrue(any("idn-email" in e for e in errs), errs)
        self.assertTrue(any("'anyOf'" in e for e in errs), errs)
        self.assertTrue(any("additionalProperties" in e for e in errs), errs)

    def test_path_params_in_order(self):
        o = op("inbound.attachment", parameters=[
            {"name": "idx", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}])
        errs = self.errors({"/inbound/messages/{id}/attachments/{idx}": {"get": o}})
        self.assertTrue(any("path order" in e for e in errs), errs)

    def test_missing_ids_unless_partial(self):
        spec = self.spec({"/senders": {"get": op("senders.list")}})
        errs = generate.validate(spec, partial=False)
        self.assertTrue(any("92 ids of the table have no operation" in e for e in errs), errs)

    def test_bundle_refuses_duplicate_schemas(self):
        with self.assertRaises(generate.SpecError):
            generate.bundle(copy.deepcopy(BASE), [("a.json", {"components": {"schemas": {"Thing": {}}}})])


class Model(unittest.TestCase):
    def test_id_table(self):
        rows = model.id_table()
        self.assertEqual(len(rows), 93)
        by_id = {r[1]: r for r in rows}
        self.assertEqual(by_id["templates.update"][2], "PUT")
        self.assertEqual(by_id["contactLists.bulkAdd"][2:], ("POST", "/contact-lists/contacts/bulk-add"))
        self.assertEqual(by_id["jwks.get"][2:], ("GET", "/jwks.json"))

    def test_inline_keeps_properties_named_like_annotations(self):
        spec = {"components": {"schemas": {"T": {"type": "object", "description": "doc",
                                                  "properties": {"description": {"type": "string", "description": "d"},
                                                                 "title": {"$ref": "#/components/schemas/S"}}},
                                            "S": {"type": "string", "maxLength": 3, "title": "x"}}}}
        out = model.inline(spec, {"$ref": "#/components/schemas/T"})
        self.assertEqual(out, {"type": "object", "properties": {"description": {"type": "string"},
                                                                "title": {"type": "string", "maxLength": 3}}})

    def test_names(self):
        self.assertEqual(model.snake("deleteByUserId"), "delete_by_user_id")
        self.assertEqual(model.upper_snake("contactProperties"), "CONTACT_PROPERTIES")


class Check(unittest.TestCase):
    def test_repository_is_up_to_date(self):
        r = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "codegen", "generate.py"), "--check"],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_check_names_a_stale_file_without_writing(self):
        path = os.path.join(ROOT, "tools", "vectors", "endpoints.json")
        with open(path, encoding="utf-8") as f:
            good = f.read()
        try:
            with open(path, "w", encoding="utf-8") as f:
                f.write(good + " ")
            r = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "codegen", "generate.py"), "--check"],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 1)
            self.assertIn("tools/vectors/endpoints.json", r.stderr)
            with open(path, encoding="utf-8") as f:
                self.assertEqual(f.read(), good + " ", "--check must not write")
        finally:
            with open(path, "w", encoding="utf-8") as f:
                f.write(good)


if __name__ == "__main__":
    unittest.main()
