"""Tests of gen_rust.py (typed Rust surface). Run:
    python3 -m unittest discover -s tools/codegen/tests
"""
import os
import re
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import gen_rust  # noqa: E402
import generate  # noqa: E402
import model  # noqa: E402


def real_spec():
    base, parts = generate.load_sources(os.path.join(model.ROOT, "api", "src"))
    return generate.bundle(base, parts)


class Names(unittest.TestCase):
    def test_variant_idents(self):
        self.assertEqual(gen_rust.variant_ident("1.25x"), "X1p25")
        self.assertEqual(gen_rust.variant_ident("2x"), "X2")
        self.assertEqual(gen_rust.variant_ident("UNSUBSCRIBE"), "Unsubscribe")
        self.assertEqual(gen_rust.variant_ident("sending_gradual"), "SendingGradual")
        self.assertEqual(gen_rust.variant_ident("contact_property_matches_with"),
                         "ContactPropertyMatchesWith")

    def test_field_idents(self):
        self.assertEqual(gen_rust.field_ident("type"), "type_")
        self.assertEqual(gen_rust.field_ident("_id"), "id")
        self.assertEqual(gen_rust.field_ident("deleteByUserId"), "delete_by_user_id")
        # serde's camelCase of the ident gives the wire name back, or an explicit rename is made.
        self.assertEqual(gen_rust.serde_camel("template_id"), "templateId")

    def test_doc_text_is_rustdoc_safe(self):
        s = gen_rust.doc_text("See [docs] at https://x.example/a <Name> and `[kept] <as is>`")
        self.assertIn("\\[docs\\]", s)
        self.assertIn("<https://x.example/a>", s)
        self.assertIn("\\<Name\\>", s)
        self.assertIn("`[kept] <as is>`", s)


class RealSpec(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.spec = real_spec()
        cls.out = gen_rust.outputs(cls.spec)
        cls.ops = model.operations(cls.spec)

    def test_every_endpoint_has_a_typed_method_on_both_clients(self):
        text = self.out[gen_rust.ENDPOINTS]
        for o in self.ops:
            calls = text.count(f'self.client.call("{o["id"]}"')
            per_client = 4 if o["response"] == "binary" else 2
            if o["pagination"]:
                per_client += 2  # *_all
            # *_with_response (and *_bytes_with_response, *_all) hold the call; async + blocking.
            self.assertEqual(calls, per_client, o["id"])
            if o["pagination"]:
                self.assertIn(f"pub fn {model.snake(o['name'])}_all(", text, o["id"])

    def test_params_structs_are_flat_and_named_by_id(self):
        models = self.out[gen_rust.MODELS]
        m = re.search(r"pub struct TemplatesUpdateParams \{(.*?)\n\}", models, re.S)
        self.assertIsNotNone(m)
        fields = re.findall(r"pub (\w+):", m.group(1))
        self.assertEqual(fields[0], "template_id")  # the path parameter first
        self.assertIn("preview_text", fields)  # then the body's fields
        self.assertIn("deny_unknown_fields", models[m.start() - 200:m.start()])

    def test_the_binary_flag_is_set_by_the_method_not_the_params(self):
        models = self.out[gen_rust.MODELS]
        m = re.search(r"pub struct InboundAttachmentParams \{(.*?)\n\}", models, re.S)
        self.assertNotIn("download", re.findall(r"pub (\w+):", m.group(1)))
        self.assertIn('set_flag(&mut p, "download", true)', self.out[gen_rust.ENDPOINTS])

    def test_smoke_calls_every_endpoint(self):
        smoke = self.out[gen_rust.SMOKE]
        order = re.search(r"pub const ORDER: &\[&str\] = &\[(.*?)\];", smoke, re.S).group(1)
        ids = re.findall(r'"([A-Za-z]+\.[A-Za-z]+)"', order)
        self.assertEqual(sorted(ids), sorted(o["id"] for o in self.ops))
        pos = {i: n for n, i in enumerate(ids)}
        self.assertLess(pos["templates.create"], pos["templates.get"])
        self.assertLess(pos["templates.get"], pos["templates.delete"])
        self.assertLess(pos["campaigns.pause"], pos["campaigns.resume"])

    def test_results_are_lenient(self):
        models = self.out[gen_rust.MODELS]
        i = models.index("pub struct Template {")
        head = models[i - 200:i]
        self.assertIn('#[serde(rename_all = "camelCase", default)]', head)
        self.assertNotIn("deny_unknown_fields", head)


if __name__ == "__main__":
    unittest.main()
