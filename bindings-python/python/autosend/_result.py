"""Call results: the response's ``data`` plus what the server said about the call.

A result is a ``dict`` (or ``list``) subclass holding the response's ``data`` exactly, with
a ``last_response`` attribute (Stripe-style) that is not one of its keys: it compares, prints
and serialises like the plain data. A binary endpoint called with ``download=True`` returns
:class:`BinaryResult`, a ``bytes`` subclass with the same attribute.

Type checkers see results as the generated TypedDicts (which cannot declare attributes);
:func:`last_response` reads the attribute with a precise type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional

__all__ = ["LastResponse", "ApiResult", "ApiResultList", "BinaryResult", "last_response"]


@dataclass(frozen=True)
class LastResponse:
    """What the server answered for one successful call."""

    status: int
    """HTTP status (2xx)."""
    request_id: Optional[str]
    """The server's request id (``x-request-id``), for support tickets."""
    message: Optional[str]
    """The envelope's top-level ``message`` ("Template deleted"), when it sent one."""
    already_gone: bool
    """A DELETE whose first attempt had no clear answer and whose retry found it already gone."""
    attempts: int = 1
    """Attempts the call took."""
    content_type: Optional[str] = None
    """Binary responses: the Content-Type."""
    filename: Optional[str] = None
    """Binary responses: the file name from Content-Disposition."""


class ApiResult(Dict[str, Any]):
    """A JSON object result (a ``dict``) with ``last_response``."""

    __slots__ = ("last_response",)
    last_response: LastResponse

    def __reduce__(self) -> Any:
        return (dict, (dict(self),))


class ApiResultList(List[Any]):
    """A JSON array result (a ``list``) with ``last_response``."""

    __slots__ = ("last_response",)
    last_response: LastResponse

    def __reduce__(self) -> Any:
        return (list, (list(self),))


class BinaryResult(bytes):
    """The raw bytes of a binary endpoint (``download=True``) with ``last_response``."""

    last_response: LastResponse

    @property
    def content_type(self) -> Optional[str]:
        return self.last_response.content_type

    @property
    def filename(self) -> Optional[str]:
        return self.last_response.filename

    def __reduce__(self) -> Any:
        return (bytes, (bytes(self),))


def last_response(result: object) -> LastResponse:
    """``result.last_response``, typed: works on every value a client method returns."""
    info = getattr(result, "last_response", None)
    if not isinstance(info, LastResponse):
        raise TypeError(f"{type(result).__name__} is not an autosend call result (it has no last_response)")
    return info


def build(native: Mapping[str, Any]) -> Any:
    """The result of a call from the native module's response dict."""
    info = LastResponse(
        status=int(native.get("status") or 200),
        request_id=native.get("request_id"),
        message=native.get("message"),
        already_gone=bool(native.get("already_gone")),
        attempts=int(native.get("attempts") or 1),
        content_type=native.get("content_type"),
        filename=native.get("filename"),
    )
    raw = native.get("bytes")
    out: Any
    if raw is not None:
        out = BinaryResult(raw)
    else:
        data = native.get("data")
        # As the core returns it: {"message": ...} for message-only answers, {} for empty ones;
        # a server's `data: null` stays None (which cannot carry last_response).
        if isinstance(data, dict):
            out = ApiResult(data)
        elif isinstance(data, list):
            out = ApiResultList(data)
        else:
            return data
    out.last_response = info
    return out
