"""HTTP/2: the native transport offers `h2` over ALPN (the sandbox speaks only HTTP/1.1), so a
server that picks it gets every call over HTTP/2. A Node `http2` server (h2 only, no HTTP/1.1
fallback) with a CA made by `openssl` stands in for such a server."""

from __future__ import annotations

import json
import pathlib
import shutil
import subprocess
from typing import Any, Iterator, Tuple

import pytest

import autosend

SERVER = r"""
const http2 = require('node:http2');
const fs = require('node:fs');
const seen = [];
const s = http2.createSecureServer({key: fs.readFileSync('key.pem'), cert: fs.readFileSync('cert.pem'), allowHTTP1: false});
s.on('stream', (stream, headers) => {
  let len = 0;
  stream.on('data', (c) => { len += c.length; });
  stream.on('end', () => {
    seen.push({method: headers[':method'], path: headers[':path'], key: headers['authorization'] || null,
               len, alpn: stream.session.alpnProtocol});
    fs.writeFileSync('seen.json', JSON.stringify(seen));
    stream.respond({':status': 200, 'content-type': 'application/json', 'x-request-id': 'req-h2'});
    stream.end(JSON.stringify({success: true, data: {emailId: '0123456789abcdef01234567', message: 'queued'}}));
  });
});
s.listen(0, '127.0.0.1', () => { process.stdout.write(s.address().port + '\n'); });
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
"""


def _openssl(d: pathlib.Path, *args: str) -> None:
    subprocess.run(["openssl", *args], cwd=d, check=True, capture_output=True)


@pytest.fixture()
def h2_server(tmp_path: pathlib.Path) -> Iterator[Tuple[str, str, pathlib.Path]]:
    if not shutil.which("node") or not shutil.which("openssl"):
        pytest.skip("needs node and openssl")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl(tmp_path, "req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "1",
             "-subj", "/CN=h2 test CA", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign")
    _openssl(tmp_path, "req", *ec, "-keyout", "key.pem", "-out", "leaf.csr", "-subj", "/CN=127.0.0.1")
    (tmp_path / "ext.cnf").write_text(
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n"
    )
    _openssl(tmp_path, "x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-CAcreateserial", "-out", "cert.pem", "-days", "1", "-extfile", "ext.cnf")
    (tmp_path / "server.js").write_text(SERVER)
    proc = subprocess.Popen(["node", "server.js"], cwd=tmp_path, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        port = proc.stdout.readline().strip()
        assert port.isdigit(), f"the h2 server did not start: {port!r}"
        yield f"https://127.0.0.1:{port}/v1", str(tmp_path / "ca.pem"), tmp_path
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


MAIL = {"from": {"email": "a@example.com"}, "to": {"email": "b@example.com"}, "subject": "h2", "text": "t"}


def test_calls_go_over_http2_when_the_server_picks_it(h2_server: Tuple[str, str, pathlib.Path]) -> None:
    url, ca, d = h2_server
    key = "AS_h2canaryKey0123456789"
    client = autosend.AutoSend(key, base_url=url, ca_file=ca)
    for _ in range(3):
        sent = client.emails.send(MAIL)
        assert sent["emailId"] == "0123456789abcdef01234567"
    seen: Any = json.loads((d / "seen.json").read_text())
    assert len(seen) == 3
    for s in seen:
        assert s["alpn"] == "h2" and s["method"] == "POST" and s["path"] == "/v1/mails/send"
        assert s["key"] == f"Bearer {key}" and s["len"] > 0


def test_the_async_client_speaks_http2_too(h2_server: Tuple[str, str, pathlib.Path]) -> None:
    import asyncio

    url, ca, d = h2_server

    async def main() -> Any:
        client = autosend.AsyncAutoSend("AS_h2canaryKey0123456789", base_url=url, ca_file=ca)
        return await asyncio.gather(*(client.emails.send(MAIL) for _ in range(4)))

    assert [r["emailId"] for r in asyncio.run(main())] == ["0123456789abcdef01234567"] * 4
    seen: Any = json.loads((d / "seen.json").read_text())
    assert len(seen) == 4 and {s["alpn"] for s in seen} == {"h2"}
