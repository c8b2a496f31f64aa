"""Shared fixtures: vector files and the local HTTPS sandbox."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import time
import urllib.request
from typing import Any, Dict, Iterator, List, Optional

import pytest

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent.parent
VECTORS = pathlib.Path(os.environ.get("AUTOSEND_VECTORS_DIR", REPO / "tests" / "vectors"))


def load_vectors(kind: str) -> List[Dict[str, Any]]:
    out = []
    for f in sorted(VECTORS.glob("*.json")):
        for v in json.loads(f.read_text(encoding="utf-8"))["vectors"]:
            if v["kind"] == kind:
                out.append(v)
    return out


class Sandbox:
    """A running `autosend-sandbox` with helpers for its admin API."""

    def __init__(self, info: Dict[str, Any], proc: "subprocess.Popen[str]") -> None:
        self.info = info
        self.proc = proc
        self.url: str = info["url"]
        self.ca_file: str = info["ca_cert"]
        # Imported here: the musl CPython of scripts/musl-python.sh has no ssl module and runs
        # the tests that need no sandbox.
        import ssl

        self._ctx = ssl.create_default_context(cafile=self.ca_file)

    @property
    def origin(self) -> str:
        u = self.url
        return u[: u.index("/", len("https://"))] if u.count("/") > 2 else u

    def admin(self, method: str, path: str, body: Optional[Any] = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.origin + path, data=data, method=method)
        if data is not None:
            req.add_header("content-type", "application/json")
        with urllib.request.urlopen(req, context=self._ctx, timeout=10) as resp:
            raw = resp.read()
        return json.loads(raw) if raw else None


def _sandbox_binary() -> Optional[str]:
    explicit = os.environ.get("AUTOSEND_SANDBOX_BIN")
    if explicit:
        return explicit
    target = os.environ.get("CARGO_TARGET_DIR") or str(REPO / "target")
    for profile in ("debug", "release"):
        p = pathlib.Path(target) / profile / "autosend-sandbox"
        if p.exists():
            return str(p)
    return shutil.which("autosend-sandbox")


def _start_sandbox(*extra: str) -> Iterator[Sandbox]:
    binary = _sandbox_binary()
    if binary is None:
        if os.environ.get("AUTOSEND_REQUIRE_SANDBOX"):
            pytest.fail("autosend-sandbox binary not found (cargo build -p autosend-sandbox)")
        pytest.skip("autosend-sandbox binary not found (cargo build -p autosend-sandbox)")
    proc = subprocess.Popen(
        [binary, "--port", "0", "--exit-on-stdin-eof", *extra],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        proc.kill()
        pytest.fail("the sandbox printed nothing")
    info = json.loads(line)
    box = Sandbox(info, proc)
    try:
        yield box
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    yield from _start_sandbox()


@pytest.fixture()
def fresh_sandbox() -> Iterator[Sandbox]:
    """A sandbox of its own (exact counts), server-side rate limits off; the client still
    keeps the documented 2/s, 50/min per key."""
    yield from _start_sandbox("--rate-per-second", "100000", "--rate-per-minute", "1000000")


@pytest.fixture()
def new_key(sandbox: Sandbox) -> Any:
    """Creates a fresh key in the sandbox (own rate-limit budget): new_key("project"|"account")."""

    def make(kind: str = "project", project_id: Optional[str] = None) -> Dict[str, Any]:
        body: Dict[str, Any] = {"kind": kind}
        if kind == "project":
            body["project_id"] = project_id or sandbox.info["projects"][0]["id"]
        return dict(sandbox.admin("POST", "/_sandbox/keys", body))

    return make


def wait_until(pred: Any, timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.02)
    return bool(pred())
