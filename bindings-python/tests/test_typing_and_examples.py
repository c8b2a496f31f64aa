"""Stubs cover the catalog and pass mypy --strict; the README examples run against the sandbox."""

from __future__ import annotations

import ast
import os
import pathlib
import subprocess
import sys
from typing import Any

import pytest

import autosend
from autosend._catalog import ENDPOINTS
from conftest import Sandbox

PKG = pathlib.Path(autosend.__file__).resolve().parent
ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def _stub_methods() -> "dict[str, set[str]]":
    tree = ast.parse((PKG / "_client.pyi").read_text())
    out: "dict[str, set[str]]" = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            out[node.name] = {n.name for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    return out


def _stub_attributes() -> "dict[str, dict[str, str]]":
    """Class name -> {attribute: annotation} of the stub's AutoSend / AsyncAutoSend."""
    tree = ast.parse((PKG / "_client.pyi").read_text())
    out: "dict[str, dict[str, str]]" = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            out[node.name] = {
                n.target.id: ast.unparse(n.annotation)
                for n in node.body
                if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
            }
    return out


def test_stubs_declare_every_catalog_endpoint() -> None:
    classes = _stub_methods()
    attrs = _stub_attributes()
    for ep in ENDPOINTS:
        ns_attr = ep["python_namespace"]
        sync_cls = attrs["AutoSend"].get(ns_attr)
        async_cls = attrs["AsyncAutoSend"].get(ns_attr)
        assert sync_cls and async_cls, f"the stub has no namespace {ns_attr} for {ep['id']}"
        assert ep["python_name"] in classes.get(sync_cls, set()), f"sync stub misses {ep['id']}"
        assert ep["python_name"] in classes.get(async_cls, set()), f"async stub misses {ep['id']}"


def test_py_typed_shipped() -> None:
    assert (PKG / "py.typed").exists()


def _mypy(*args: str) -> "subprocess.CompletedProcess[str]":
    pytest.importorskip("mypy")
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull, *args],
        capture_output=True, text=True, timeout=300, cwd=str(ROOT / "tests"),
    )


def test_mypy_strict_on_stubs_and_examples() -> None:
    r = _mypy("-p", "autosend")
    assert r.returncode == 0, r.stdout + r.stderr
    r = _mypy(str(EXAMPLES / "typed.py"), str(EXAMPLES / "send.py"), str(EXAMPLES / "quickstart.py"))
    assert r.returncode == 0, r.stdout + r.stderr


def test_mypy_rejects_wrong_types(tmp_path: pathlib.Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import autosend\n"
        "c = autosend.AutoSend('AS_x')\n"
        "c.emails.send(from_={'email': 'a@b.co'}, to={'email': 'b@c.co'}, subject=5)\n"
        "c.emails.send({'to': {'email': 'b@c.co'}})\n"
        "c.contacts.nope()\n"
    )
    r = _mypy(str(bad))
    assert r.returncode != 0
    assert r.stdout.count("error:") >= 3, r.stdout


CONSUMER = """\
import autosend
from autosend import BinaryResult, BulkProgress, BulkReport, Page, last_response
from autosend.types import CampaignSummary, ContactListContact, TemplatesCreateResult


def use(c: autosend.AutoSend) -> int:
    t: TemplatesCreateResult = c.templates.create(template_name="Welcome", subject="Hi", email_template="<p>Hi</p>")
    campaigns: Page[CampaignSummary] = c.campaigns.list(status="draft", limit=10)
    raw: BinaryResult = c.inbound.attachment("msg1", "0", download=True)
    meta = c.inbound.attachment("msg1", "0")
    props = c.contact_properties.list(include_reserved_fields=True)
    info = last_response(t)
    first: CampaignSummary = campaigns.items[0]
    nxt = campaigns.next_page()
    more = 0 if nxt is None else len(nxt.items)
    contacts = [x for x in c.contact_lists.search_contacts(contact_list_id="GLOBAL_CONTACT_LIST")]
    one: ContactListContact = contacts[0]

    def show(p: BulkProgress) -> None:
        print(p.items_done, p.items_total)

    report: BulkReport = c.emails.bulk_all(
        from_={"email": "a@mail.example.com"}, subject="Hi", html="<p>Hi</p>",
        recipients=[{"email": "b@example.com"}], on_progress=show,
    )
    refused = report.items_with("refused")
    return len(raw) + len(campaigns.items) + len(meta) + len(props) + info.status + more + len(first) + len(one) + len(refused)


async def use_async(c: autosend.AsyncAutoSend) -> bytes:
    page = await c.campaigns.list(status="sent")
    total: int = page.total or 0
    async for camp in c.campaigns.list(status="sent"):
        total += len(camp)
    nxt = await page.next_page()
    report = await c.contacts.bulk_update_all(contacts=[{"email": "a@example.com"}])
    total += report.accepted + (0 if nxt is None else nxt.page)
    return bytes(await c.inbound.attachment("msg1", "0", download=True))
"""


def test_mypy_rejects_misused_pages(tmp_path: pathlib.Path) -> None:
    bad = tmp_path / "bad_pages.py"
    bad.write_text(
        "import autosend\n"
        "from autosend.types import CampaignSummary, Webhook\n"
        "c = autosend.AutoSend('AS_x')\n"
        "w: Webhook = c.campaigns.list().items[0]\n"
        "c.campaigns.list().nope\n"
        "c.emails.bulk_all(recipients=[{'email': 'a@b.co'}], from_={'email': 'a@b.co'}, on_progress=5)\n"
        "async def f(a: autosend.AsyncAutoSend) -> None:\n"
        "    for x in a.campaigns.list():\n"
        "        pass\n"
    )
    r = _mypy(str(bad))
    assert r.returncode != 0
    errors = [line for line in r.stdout.splitlines() if "error:" in line]
    assert {e.split(":")[1] for e in errors} >= {"4", "5", "6", "8"}, r.stdout


def test_mypy_strict_accepts_new_endpoints(tmp_path: pathlib.Path) -> None:
    good = tmp_path / "consumer.py"
    good.write_text(CONSUMER)
    r = _mypy(str(good))
    assert r.returncode == 0, r.stdout + r.stderr


def test_mypy_strict_rejects_a_misspelled_parameter(tmp_path: pathlib.Path) -> None:
    bad = tmp_path / "consumer_typo.py"
    bad.write_text(CONSUMER.replace('status="draft"', 'statuss="draft"'))
    r = _mypy(str(bad))
    assert r.returncode != 0, r.stdout
    errors = [line for line in r.stdout.splitlines() if "error:" in line]
    # Only the line with the typo fails, and mypy names the misspelled keyword.
    assert errors and all("consumer_typo.py:8:" in e for e in errors), r.stdout
    assert any('Unexpected keyword argument "statuss"' in e for e in errors), r.stdout
    bad.write_text(CONSUMER.replace('status="draft"', 'status="drafty"'))
    r = _mypy(str(bad))
    errors = [line for line in r.stdout.splitlines() if "error:" in line]
    assert r.returncode != 0 and errors and all("consumer_typo.py:8:" in e for e in errors), r.stdout
    # A dict with a misspelled key is refused too (the TypedDict is exact).
    bad.write_text(CONSUMER.replace('status="draft", limit=10', '{"statuss": "draft"}'))
    r = _mypy(str(bad))
    assert r.returncode != 0 and "consumer_typo.py:8:" in r.stdout, r.stdout


def _run_example(name: str, sandbox: Sandbox, key: str) -> "subprocess.CompletedProcess[str]":
    env = dict(os.environ)
    env.update({"AUTOSEND_API_KEY": key, "AUTOSEND_BASE_URL": sandbox.url, "AUTOSEND_CA_FILE": sandbox.ca_file})
    return subprocess.run([sys.executable, str(EXAMPLES / name)], env=env, capture_output=True, text=True, timeout=120)


def test_quickstart_runs(sandbox: Sandbox, new_key: Any) -> None:
    r = _run_example("quickstart.py", sandbox, new_key()["key"])
    assert r.returncode == 0, r.stderr
    assert "queued" in r.stdout and "status delivered" in r.stdout


def test_send_example_runs(sandbox: Sandbox, new_key: Any) -> None:
    import json

    r = _run_example("send.py", sandbox, new_key()["key"])
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["sdk"] == "python" and out["result"]["emailId"]
    msg = sandbox.admin("GET", f"/_sandbox/messages/{out['result']['emailId']}")
    assert msg["subject"] == "Hello from Python"


def test_readme_quickstart_matches_example() -> None:
    readme = (ROOT / "README.md").read_text()
    quick = (EXAMPLES / "quickstart.py").read_text()
    body = quick.split('"""', 2)[2].strip()
    assert body in readme, "README quickstart must be examples/quickstart.py verbatim"
