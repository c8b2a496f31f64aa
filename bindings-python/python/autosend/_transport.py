"""The custom transport hook: ``AutoSend(transport=my_send)``.

``my_send(request)`` sends one HTTP attempt with any HTTP stack (requests, httpx, urllib3, a
test double) and returns the answer. Everything else stays in the Rust core's call loop, as
with the built-in transport: the API key and headers, the rate limiter (the key's budget in
this process is shared with the other clients), retries and their waits, the deadline,
errors and call events.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from . import _native

#: Header names whose values are secrets: left out of ``repr(TransportRequest)``.
_SECRET_HEADERS = frozenset({"x-api-key", "authorization", "proxy-authorization"})

#: The failure kinds the core understands (``TransportError.kind``), read from the core.
TRANSPORT_ERROR_KINDS: Tuple[str, ...] = tuple(_native.TRANSPORT_ERROR_KINDS)


class TransportRequest:
    """One HTTP attempt, as plain data. ``headers`` holds the API key: send them as they are,
    never log them (``repr`` leaves their values out)."""

    __slots__ = ("method", "url", "headers", "body", "timeout", "attempt", "endpoint")

    method: str
    url: str
    headers: List[Tuple[str, str]]
    body: Optional[bytes]
    timeout: float
    attempt: int
    endpoint: str

    def __init__(
        self,
        method: str,
        url: str,
        headers: List[Tuple[str, str]],
        body: Optional[bytes],
        timeout: float,
        attempt: int,
        endpoint: str,
    ) -> None:
        #: ``GET``, ``POST``, ``PUT``, ``PATCH`` or ``DELETE``.
        self.method = method
        #: The full URL, query string included.
        self.url = url
        #: Every header to send, in order (the key, ``Content-Type``, ``User-Agent`` ...).
        self.headers = headers
        #: The body (JSON, or a JWE when encrypting), or None.
        self.body = body
        #: Seconds this attempt may take, connect to the last byte of the answer: enforce it
        #: (raise ``TimeoutError`` or return ``"timeout"`` when it runs out).
        self.timeout = timeout
        #: 1 for the first attempt, 2 for the first retry ...
        self.attempt = attempt
        #: The endpoint id (``"emails.send"``).
        self.endpoint = endpoint

    def headers_dict(self) -> Dict[str, str]:
        """The headers as a dict (names are unique)."""
        return dict(self.headers)

    def __repr__(self) -> str:
        names = ", ".join(k for k, _ in self.headers)
        return (
            f"TransportRequest({self.method} {self.url}, headers=[{names}], "
            f"body={0 if self.body is None else len(self.body)} bytes, timeout={self.timeout}s, "
            f"attempt={self.attempt})"
        )


class TransportError(Exception):
    """Raise it from a transport to report a failure the core should judge (and may retry):
    ``kind`` is ``"connect"`` (nothing was sent), ``"timeout"`` or ``"connection_lost"`` (the
    request may have been processed). Python's ``TimeoutError`` counts as ``timeout``,
    ``ConnectionRefusedError`` as ``connect`` and any other ``ConnectionError`` as
    ``connection_lost``; any other exception ends the call and is raised to the caller."""

    def __init__(self, kind: str, message: str = "") -> None:
        if kind not in TRANSPORT_ERROR_KINDS:
            raise ValueError(f"kind must be one of {', '.join(TRANSPORT_ERROR_KINDS)}, got {kind!r}")
        super().__init__(message or kind)
        self.kind = kind


#: What a transport returns: ``(status, headers, body)`` (headers a mapping or a list of
#: pairs), or a response object with ``status_code`` (or ``status``), ``headers`` and
#: ``content`` (or ``data``/``body``) such as a ``requests`` or ``httpx`` response.
TransportResult = Union[Tuple[int, Union[Mapping[str, str], Iterable[Tuple[str, str]]], bytes], Any]
Transport = Callable[[TransportRequest], TransportResult]


def _misuse(message: str) -> TypeError:
    return TypeError(
        f"transport: {message}; return (status, headers, body) with an int status, a mapping "
        "or list of (str, str) headers and bytes, or a requests/httpx response"
    )


def _answer(r: Any) -> Tuple[int, List[Tuple[str, str]], bytes]:
    if isinstance(r, tuple):
        if len(r) != 3:
            raise _misuse(f"returned a tuple of {len(r)} items")
        status, headers, body = r
    else:
        status = getattr(r, "status_code", None)
        if status is None:
            status = getattr(r, "status", None)
        if status is None or not hasattr(r, "headers"):
            raise _misuse(f"returned a {type(r).__name__}")
        headers = r.headers
        body = None
        for attr in ("content", "data", "body"):
            body = getattr(r, attr, None)
            if body is not None:
                break
        if callable(body):
            raise _misuse(f"the {type(r).__name__}'s body is a method, not bytes")
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        raise _misuse(f"status {status!r} is not an HTTP status (100-599)")
    if body is None:
        body = b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    if not isinstance(body, (bytes, bytearray, memoryview)):
        raise _misuse(f"the body is a {type(body).__name__}, not bytes")
    if hasattr(headers, "multi_items"):  # httpx.Headers: repeated headers kept
        pairs = list(headers.multi_items())
    elif isinstance(headers, Mapping):
        pairs = list(headers.items())
    else:
        try:
            pairs = [tuple(p) for p in headers]
        except TypeError:
            raise _misuse(f"the headers are a {type(headers).__name__}") from None
    out: List[Tuple[str, str]] = []
    for p in pairs:
        if len(p) != 2 or not isinstance(p[0], str) or not isinstance(p[1], (str, bytes)):
            raise _misuse("a header is not a (str, str) pair")
        v = p[1].decode("latin-1") if isinstance(p[1], bytes) else p[1]
        out.append((p[0], v))
    return status, out, bytes(body)


def wrap(transport: Transport) -> Callable[[Dict[str, Any]], Any]:
    """The callable the native loop runs: request dict in; ``(status, headers, body)`` or a
    failure kind out; any other exception propagates (it ends the call)."""

    def send(d: Dict[str, Any]) -> Any:
        req = TransportRequest(
            d["method"], d["url"], d["headers"], d["body"], d["timeout_ms"] / 1000.0, d["attempt"], d["endpoint"]
        )
        try:
            r = transport(req)
        except TransportError as e:
            return e.kind
        except TimeoutError:
            return "timeout"
        except ConnectionRefusedError:
            return "connect"
        except ConnectionError:
            return "connection_lost"
        return _answer(r)

    return send
