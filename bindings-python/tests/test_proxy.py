"""Issue 15 item 6: ``proxy=`` (the core's ``ClientOptions.proxy``, used by the native
transport): traffic goes through a loopback CONNECT proxy, credentials reach the proxy and
never a repr or an error."""

from __future__ import annotations

import base64
import select
import socket
import threading
from typing import Any, Iterator, List, Optional

import pytest

import autosend
from conftest import Sandbox

MAIL = {"from": {"email": "a@example.com"}, "to": {"email": "b@example.com"}, "subject": "via proxy", "text": "p"}


class ConnectProxy:
    """A tiny HTTP CONNECT proxy on 127.0.0.1 recording each request head. Bounded: every
    socket has a timeout and the server stops with the fixture."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.heads: List[str] = []
        self.stop = threading.Event()
        self.threads: List[threading.Thread] = []
        t = threading.Thread(target=self._serve, daemon=True)
        t.start()
        self.threads.append(t)

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            t = threading.Thread(target=self._tunnel, args=(conn,), daemon=True)
            t.start()
            self.threads.append(t)

    def _tunnel(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        upstream: Optional[socket.socket] = None
        try:
            head = b""
            while b"\r\n\r\n" not in head and len(head) < 16384:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                head += chunk
            text = head.split(b"\r\n\r\n", 1)[0].decode("latin-1")
            self.heads.append(text)
            method, target, _ = text.split("\r\n", 1)[0].split(" ", 2)
            if method != "CONNECT":
                conn.sendall(b"HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\n\r\n")
                return
            host, port = target.rsplit(":", 1)
            upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
            conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            socks = [conn, upstream]
            while not self.stop.is_set():
                ready, _, _ = select.select(socks, [], [], 0.2)
                for s in ready:
                    data = s.recv(65536)
                    if not data:
                        return
                    (upstream if s is conn else conn).sendall(data)
        except OSError:
            return
        finally:
            conn.close()
            if upstream is not None:
                upstream.close()

    def close(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=5)
        self.sock.close()


@pytest.fixture()
def proxy() -> Iterator[ConnectProxy]:
    p = ConnectProxy()
    try:
        yield p
    finally:
        p.close()


def _host_port(sandbox: Sandbox) -> str:
    return sandbox.origin.split("://", 1)[1]


def test_requests_go_through_the_proxy(sandbox: Sandbox, new_key: Any, proxy: ConnectProxy, monkeypatch: pytest.MonkeyPatch) -> None:
    key = new_key()["key"]
    url = f"http://someone:ProxyCanaryPass@127.0.0.1:{proxy.port}"
    # The environment's proxy (read when the client is built) is replaced by the explicit one.
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    client = autosend.AutoSend(key, base_url=sandbox.url, ca_file=sandbox.ca_file, proxy=url)
    monkeypatch.delenv("HTTPS_PROXY")  # the sandbox's admin calls (urllib) go direct
    sent = client.emails.send(MAIL)
    assert sandbox.admin("GET", f"/_sandbox/messages/{sent['emailId']}")["subject"] == "via proxy"
    assert proxy.heads, "no request reached the proxy"
    first = proxy.heads[0].split("\r\n")
    assert first[0] == f"CONNECT {_host_port(sandbox)} HTTP/1.1", first
    auth = "Basic " + base64.b64encode(b"someone:ProxyCanaryPass").decode()
    assert any(line.lower() == f"proxy-authorization: {auth}".lower() for line in first[1:]), first
    # The key travelled inside the TLS tunnel only; the proxy never saw it.
    assert key not in "".join(proxy.heads)
    # Credentials stay out of repr and describe.
    assert "ProxyCanaryPass" not in repr(client)
    assert client._describe()["proxy"] == f"http://127.0.0.1:{proxy.port}"


def test_async_client_uses_the_proxy(sandbox: Sandbox, new_key: Any, proxy: ConnectProxy) -> None:
    import asyncio

    async def main() -> Any:
        client = autosend.AsyncAutoSend(new_key()["key"], base_url=sandbox.url, ca_file=sandbox.ca_file, proxy=f"http://127.0.0.1:{proxy.port}")
        return await client.emails.send(MAIL)

    assert asyncio.run(main())["emailId"]
    assert proxy.heads and proxy.heads[0].startswith("CONNECT ")


@pytest.mark.parametrize("var", ["HTTPS_PROXY", "https_proxy", "ALL_PROXY"])
def test_the_environments_proxy_is_used_without_an_explicit_one(
    sandbox: Sandbox, new_key: Any, proxy: ConnectProxy, monkeypatch: pytest.MonkeyPatch, var: str
) -> None:
    # Read when the client is built: requests then go through the proxy (the native transport
    # switches to its proxy-capable stack), the key inside the TLS tunnel only.
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(var, f"http://127.0.0.1:{proxy.port}")
    key = new_key()["key"]
    client = autosend.AutoSend(key, base_url=sandbox.url, ca_file=sandbox.ca_file)
    monkeypatch.delenv(var)  # the sandbox's admin calls (urllib) go direct
    assert client.emails.send(MAIL)["emailId"]
    assert proxy.heads and proxy.heads[0].startswith(f"CONNECT {_host_port(sandbox)} "), proxy.heads
    assert key not in "".join(proxy.heads)
    # A client built without the variable goes direct.
    direct = autosend.AutoSend(key, base_url=sandbox.url, ca_file=sandbox.ca_file)
    seen = len(proxy.heads)
    assert direct.emails.send(MAIL)["emailId"]
    assert len(proxy.heads) == seen


def test_a_dead_proxy_fails_the_call(sandbox: Sandbox, new_key: Any) -> None:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    client = autosend.AutoSend(new_key()["key"], base_url=sandbox.url, ca_file=sandbox.ca_file, proxy=f"http://127.0.0.1:{port}", max_retries=0)
    with pytest.raises(autosend.APIConnectionError) as ei:
        client.emails.send(MAIL)
    assert ei.value.kind == "connect" and ei.value.may_have_been_delivered is False


@pytest.mark.parametrize(
    "bad",
    [
        "socks5://u:ProxyCanaryPass@127.0.0.1:1080",
        "127.0.0.1:3128",
        "http://u:ProxyCanaryPass@proxy.example:3128/path",
        "http://u:ProxyCanaryPass@",
    ],
)
def test_bad_proxy_names_the_field_without_the_password(bad: str) -> None:
    with pytest.raises(autosend.ConfigurationError) as ei:
        autosend.AutoSend("AS_ProxyKeyCanary123456", proxy=bad)
    assert ei.value.field == "proxy", ei.value
    assert "ProxyCanaryPass" not in str(ei.value) + repr(ei.value) and "ProxyKeyCanary" not in str(ei.value)
    with pytest.raises(autosend.ConfigurationError, match="proxy must be a str"):
        autosend.AutoSend("AS_ProxyKeyCanary123456", proxy=3128)  # type: ignore[arg-type]


def test_plain_http_base_url_needs_a_local_proxy() -> None:
    with pytest.raises(autosend.ConfigurationError) as ei:
        autosend.AutoSend("AS_ProxyKeyCanary123456", base_url="http://127.0.0.1:1/v1", proxy="http://proxy.example:3128")
    assert ei.value.field == "proxy" and "clear text" in str(ei.value)
    autosend.AutoSend("AS_ProxyKeyCanary123456", base_url="http://127.0.0.1:1/v1", proxy="http://127.0.0.1:3128")
