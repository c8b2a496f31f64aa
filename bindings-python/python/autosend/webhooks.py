"""Webhook verification: HMAC-SHA256 over the raw body, timestamp tolerance, typed events."""

from __future__ import annotations

import time
from typing import Iterable, Mapping, Optional, Tuple, Union, cast

from . import _native
from .types import WebhookEvent

__all__ = ["verify", "sign"]

HeadersLike = Union[Mapping[str, str], Iterable[Tuple[str, str]]]


def _seconds(name: str, seconds: float) -> float:
    # Only the type is checked here; the core decides which values are valid (NaN, inf,
    # negative or huge values are a ValidationError naming the argument).
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{name} must be a number of seconds >= 0")
    try:
        return float(seconds)
    except OverflowError:
        return float("inf")


def verify(
    raw_body: Union[bytes, bytearray, memoryview, str],
    headers: HeadersLike,
    secret: str,
    *,
    now: Optional[float] = None,
    tolerance: Optional[float] = None,
    future_tolerance: Optional[float] = None,
) -> WebhookEvent:
    """Verifies one delivery and returns the event ``{type, createdAt, deliveryId, data}``.

    ``raw_body`` must be the exact bytes received (a ``str`` is encoded as UTF-8). ``headers``
    is any mapping (names in any case) or a list of pairs. ``now`` is the current Unix time
    in seconds (default: ``time.time()``); ``tolerance`` / ``future_tolerance`` bound the
    timestamp's age, in seconds (``None``: the core's defaults, 5 minutes past and 1 minute
    ahead). Raises :class:`autosend.WebhookVerificationError` (also for a ``str`` body that is
    not valid Unicode), or :class:`autosend.ValidationError` naming ``now`` / ``tolerance`` /
    ``future_tolerance`` for NaN, infinite, negative or absurdly large times.
    """
    body: Union[bytes, str]
    if isinstance(raw_body, str):
        body = raw_body  # encoded by the native layer (a lone surrogate: WebhookVerificationError)
    elif isinstance(raw_body, (bytes, bytearray, memoryview)):
        body = bytes(raw_body)
    else:
        raise TypeError(f"raw_body must be bytes, got {type(raw_body).__name__}")
    if not isinstance(secret, str):
        raise TypeError(f"secret must be a str, got {type(secret).__name__}")
    result = _native.verify_webhook(
        body,
        headers,
        secret,
        _seconds("now", time.time() if now is None else now),
        None if tolerance is None else _seconds("tolerance", tolerance),
        None if future_tolerance is None else _seconds("future_tolerance", future_tolerance),
    )
    return cast(WebhookEvent, dict(result))


def sign(raw_body: Union[bytes, str], secret: str) -> str:
    """The ``X-Webhook-Signature`` value for ``raw_body`` (for tests and local senders)."""
    body = raw_body.encode("utf-8") if isinstance(raw_body, str) else bytes(raw_body)
    return str(_native.sign_webhook(body, secret))
