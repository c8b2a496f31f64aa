"""The cross-language fault matrix (tests/faults/matrix.json) through the Python client: every
case against the sandbox or the misbehaving HTTPS server. Rust, Node and C run the same file."""

from __future__ import annotations

import json
import os
import pathlib
import ssl
import subprocess
import tempfile
import time
import urllib.request
from typing import Any, Dict, Iterator, List, Optional

import pytest

import autosend
from conftest import REPO, Sandbox

LANG = "python"
MATRIX = json.loads((REPO / "tests" / "faults" / "matrix.json").read_text(encoding="utf-8"))


def _pending(case: Dict[str, Any]) -> Optional[str]:
    p = case.get("pending")
    if isinstance(p, str):
        return p
    if isinstance(p, dict):
        return p.get(LANG)
    return None


class Misbehave:
    def __init__(self, info: Dict[str, Any], proc: "subprocess.Popen[str]", ca_file: str) -> None:
        self.info = info
        self.proc = proc
        self.ca_file = ca_file
        self._ctx = ssl.create_default_context(cafile=ca_file)

    def received(self) -> Dict[str, int]:
        with urllib.request.urlopen(self.info["url"] + "/_stats", context=self._ctx, timeout=10) as r:
            return dict(json.loads(r.read())["received"])


@pytest.fixture(scope="module")
def misbehave() -> Iterator[Misbehave]:
    target = os.environ.get("CARGO_TARGET_DIR") or str(REPO / "target")
    binary = pathlib.Path(target) / "debug" / "autosend-misbehave"
    if not binary.exists():
        pytest.fail("autosend-misbehave not built (cargo build -p autosend-sandbox)")
    proc = subprocess.Popen([str(binary), "--max-seconds", "600"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    info = json.loads(proc.stdout.readline())
    with tempfile.NamedTemporaryFile("w", suffix=".pem", delete=False) as f:
        f.write(info["ca_pem"])
    try:
        yield Misbehave(info, proc, f.name)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        os.unlink(f.name)


def _error_texts(e: autosend.AutoSendError) -> str:
    return " ".join([str(e), repr(e), json.dumps(e.to_dict() if hasattr(e, "to_dict") else {}, default=str),
                     repr(getattr(e, "details", None))])


CASES = MATRIX["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_fault_matrix(case: Dict[str, Any], sandbox: Sandbox, misbehave: Misbehave) -> None:
    why = _pending(case)
    if why:
        pytest.skip(f"PENDING {case['name']}: {why}")
    i = CASES.index(case)
    cls = MATRIX["classes"][case["class"]]
    cl = MATRIX["client"]
    key = f"AS_matrixpy{i}x{7_000_000 + i * 7919}"
    secret = key[len("AS_"):]
    if case["server"] == "sandbox":
        sandbox.admin("POST", "/_sandbox/keys", {"key": key})
        sandbox.admin("POST", "/_sandbox/faults", {"path": cls["path"], "times": 1, "fault": case["fault"]})
        base_url, ca_file = sandbox.url, sandbox.ca_file
        before = dict(sandbox.admin("GET", "/_sandbox/stats")["processed"])
    else:
        b = case["behaviour"]
        base_url = (misbehave.info["stall_url"] + "/v1") if b == "tlsstall" else f"{misbehave.info['url']}/{b}/v1"
        ca_file = misbehave.ca_file
        before = misbehave.received()
    client = autosend.AutoSend(key, base_url=base_url, ca_file=ca_file, max_retries=cl["max_retries"],
                               timeout=cl["timeout_ms"] / 1000, deadline=cl["deadline_ms"] / 1000)
    exp = case["expect"]
    problems: List[str] = []
    try:
        client.request(cls["endpoint"], dict(cls["params"]))
        if not exp.get("ok"):
            problems.append("succeeded, expected an error")
    except autosend.AutoSendError as e:
        if exp.get("ok"):
            problems.append(f"failed with {e.kind}: {e}")
        if "error" in exp and e.kind != exp["error"]:
            problems.append(f"kind {e.kind}, expected {exp['error']} ({e})")
        if "error_in" in exp and e.kind not in exp["error_in"]:
            problems.append(f"kind {e.kind}, expected one of {exp['error_in']} ({e})")
        if "status" in exp and e.status != exp["status"]:
            problems.append(f"status {e.status}, expected {exp['status']}")
        if "may_have_been_delivered" in exp and e.may_have_been_delivered != exp["may_have_been_delivered"]:
            problems.append(f"may_have_been_delivered {e.may_have_been_delivered}, expected {exp['may_have_been_delivered']}")
        if secret in _error_texts(e):
            problems.append("the key appears in the error")
    if case["server"] == "sandbox":
        after = dict(sandbox.admin("GET", "/_sandbox/stats")["processed"])
        sandbox.admin("DELETE", "/_sandbox/faults")
        n = after.get(cls["endpoint"], 0) - before.get(cls["endpoint"], 0)
        if "processed" in exp and n != exp["processed"]:
            problems.append(f"processed {n} times, expected {exp['processed']}")
        if "processed_at_most" in exp and n > exp["processed_at_most"]:
            problems.append(f"processed {n} times, expected at most {exp['processed_at_most']}")
    else:
        after = misbehave.received()
        for b, want in exp.get("received", {}).items():
            got = after.get(b, 0) - before.get(b, 0)
            if got != want:
                problems.append(f"{b} received {got} requests, expected {want}")
    assert not problems, f"{case['name']}: " + "; ".join(problems)
