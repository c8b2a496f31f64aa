"""Webhook verification: HMAC-SHA256 over the raw body, timestamp tolerance, typed events."""

from __future__ import annotations

import time
from typing import Any, Iterable, Mapping, Optional, Protocol, Tuple, Union, cast

from . import _native
from .types import WebhookEvent

__all__ = ["verify", "sign", "ReplayGuard", "ReplayStore", "replay_key"]

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


def _ms(name: str, seconds: float) -> int:
    # The core decides which values are valid (ValidationError naming the argument).
    return _native.seconds_to_ms(name, _seconds(name, seconds))


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


# ----------------------------------------------------------------------------- replays
#
# AutoSend signs only the body: the timestamp and delivery-id headers are not covered, so a
# captured delivery can be replayed with a fresh timestamp and still verify. The timestamp
# window does NOT stop replays. ReplayGuard remembers each verified body (its SHA-256) for a
# while and refuses it again; AutoSend's own retries carry the same body and are de-duplicated
# too. The rules (key, TTL default, memory bound) are the core's (autosend::replay).


class ReplayStore(Protocol):
    """A shared store (e.g. Redis ``SET key 1 NX PX ttl_ms``): record ``key`` for ``ttl_ms``
    and return True if it was not already there — atomically."""

    def insert_if_absent(self, key: str, ttl_ms: int) -> bool: ...


def replay_key(raw_body: Union[bytes, str]) -> str:
    """The de-duplication key of a delivery: ``sha256:<hex>`` of the raw body (the same in
    every language, so processes in different languages can share a store)."""
    body = raw_body.encode("utf-8", "surrogatepass") if isinstance(raw_body, str) else bytes(raw_body)
    return str(_native.webhook_replay_key(body))


class ReplayGuard:
    """Refuses a webhook body already accepted within ``ttl`` seconds.

    Call :meth:`first_seen` after :func:`verify` succeeded, with the same raw body: True means
    process it, False means a replay (or a retry already processed): answer 200 and do
    nothing. In memory by default (at most ``capacity`` bodies; when full the ones closest to
    expiry are forgotten first); pass ``store`` to share the memory between processes.
    """

    def __init__(self, ttl: Optional[float] = None, capacity: Optional[int] = None,
                 store: Optional[ReplayStore] = None) -> None:
        ttl_ms = _native.REPLAY_DEFAULT_TTL_MS if ttl is None else _ms("ttl", ttl)
        cap = _native.REPLAY_DEFAULT_CAPACITY if capacity is None else capacity
        if isinstance(cap, bool) or not isinstance(cap, int) or cap < 1:
            raise TypeError("capacity must be an int >= 1")
        self._ttl_ms = ttl_ms
        self._store: Any = store
        # Validates ttl (> 0) the core's way even when a store is given.
        self._native = _native.ReplayGuard(ttl_ms, cap)

    def first_seen(self, raw_body: Union[bytes, bytearray, memoryview, str], *,
                   now: Optional[float] = None) -> bool:
        """True the first time this body is seen within the TTL; False for a replay."""
        body = raw_body.encode("utf-8", "surrogatepass") if isinstance(raw_body, str) else bytes(raw_body)
        if self._store is not None:
            return bool(self._store.insert_if_absent(replay_key(body), self._ttl_ms))
        now_ms = _ms("now", time.time() if now is None else now)
        return bool(self._native.first_seen(body, now_ms))

    def __len__(self) -> int:
        return len(self._native)
