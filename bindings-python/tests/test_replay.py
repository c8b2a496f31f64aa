"""Webhook replay de-duplication (the core's ReplayGuard) and the depth limit decided by the core."""

from __future__ import annotations

import time
from typing import Dict

import pytest

import autosend
from autosend import webhooks

SECRET = "whsec_replaytest"
BODY = b'{"type":"email.delivered","createdAt":"2026-01-01T00:00:00.000Z","data":{"emailId":"e1"}}'


def headers(ts_ms: int, delivery: str) -> Dict[str, str]:
    return {
        "x-webhook-signature": webhooks.sign(BODY, SECRET),
        "x-webhook-timestamp": str(ts_ms),
        "x-webhook-delivery-id": delivery,
    }


def test_a_replay_with_a_fresh_timestamp_verifies_but_the_guard_refuses_it() -> None:
    now = time.time()
    guard = webhooks.ReplayGuard(ttl=3600)
    webhooks.verify(BODY, headers(int(now * 1000), "d1"), SECRET, now=now)
    assert guard.first_seen(BODY, now=now)
    # An attacker replays the captured body an hour later with a new timestamp and id: the
    # signature still matches (only the body is signed), the guard does not.
    later = now + 1800
    webhooks.verify(BODY, headers(int(later * 1000), "d2"), SECRET, now=later)
    assert not guard.first_seen(BODY, now=later)
    assert guard.first_seen(BODY + b" ", now=later), "another body"
    assert guard.first_seen(BODY, now=now + 3600), "forgotten after the TTL"


def test_bounded_memory_and_bad_options() -> None:
    guard = webhooks.ReplayGuard(ttl=60, capacity=2)
    for i in range(10):
        assert guard.first_seen(str(i), now=0)
    assert len(guard) == 2
    with pytest.raises(autosend.ValidationError) as e:
        webhooks.ReplayGuard(ttl=0)
    assert e.value.field == "ttl_ms"
    with pytest.raises(TypeError):
        webhooks.ReplayGuard(capacity=0)


def test_pluggable_store_uses_the_core_key() -> None:
    class Store:
        def __init__(self) -> None:
            self.seen: Dict[str, int] = {}

        def insert_if_absent(self, key: str, ttl_ms: int) -> bool:
            if key in self.seen:
                return False
            self.seen[key] = ttl_ms
            return True

    store = Store()
    guard = webhooks.ReplayGuard(ttl=10, store=store)
    assert guard.first_seen(b"")
    assert not guard.first_seen(b"")
    assert store.seen == {"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855": 10_000}
    assert webhooks.replay_key(b"") in store.seen


def nest(levels: int) -> object:
    v: object = 1
    for _ in range(levels):
        v = {"a": v}
    return v


def test_depth_is_the_cores_limit_with_the_field_named() -> None:
    mail = {"from": {"email": "a@example.com"}, "to": {"email": "b@example.com"}, "subject": "s", "html": "x"}
    c = autosend.AutoSend("AS_depthtest1", base_url="https://127.0.0.1:9/v1", max_retries=0)
    # 65 levels and a self-referencing container: the core's error, naming dynamicData.
    for dd in (nest(65), nest(500)):
        with pytest.raises(autosend.ValidationError) as e:
            c.request("emails.send", dict(mail, dynamicData=dd))
        assert e.value.field == "dynamicData"
        assert "64 levels" in str(e.value)
    loop: Dict[str, object] = {}
    loop["self"] = loop
    with pytest.raises(autosend.ValidationError) as e:
        c.request("emails.send", dict(mail, dynamicData=loop))
    assert e.value.field == "dynamicData"
