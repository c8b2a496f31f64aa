"""Issue 14 item 3 in real time: slow connection set-up must not earn a 429.

The sandbox runs at the API's limits (2/s, 50/min) with every NEW connection's handshake
delayed 200 ms. Sends alternate between a cold connection (a fresh client) and a warm one: a
cold request granted first arrives 200 ms after its grant, so a limiter that counts grant times
lets the third request (warm, arriving at once) into the same server-side second.
"""

import time
from typing import Any, Dict, Iterator

import pytest

import autosend
from conftest import Sandbox, _start_sandbox

MAIL: Dict[str, Any] = {
    "from": {"email": "hello@mail.example.com"},
    "to": {"email": "ada@example.com"},
    "subject": "Hello",
    "html": "<p>Hi</p>",
}


@pytest.fixture()
def slow_connections() -> Iterator[Sandbox]:
    yield from _start_sandbox("--new-connection-delay-ms", "200", "--lazy-jwks")


def test_slow_new_connections_never_earn_a_429(slow_connections: Sandbox) -> None:
    sb = slow_connections
    key = sb.info["keys"]["project"][0]["key"]
    limits = {"per_second": 2, "per_minute": 50, "second_ms": 1000, "minute_ms": 60000}

    def client() -> autosend.AutoSend:
        # No retry: a 429 is the failure this test looks for, not something to sit out.
        return autosend.AutoSend(key, base_url=sb.url, ca_file=sb.ca_file, max_retries=0, rate_limits=limits)

    warm = client()
    t0 = time.monotonic()
    for i in range(12):
        (client() if i % 3 == 0 else warm).emails.send(MAIL)
    took = time.monotonic() - t0
    stats = sb.admin("GET", "/_sandbox/stats")
    assert stats["rejected"].get("RATE_LIMIT_EXCEEDED", 0) == 0, stats
    assert stats["processed"]["emails.send"] == 12
    assert 5.0 <= took < 12.0, took


def test_rate_limits_option_is_checked_by_the_core() -> None:
    ok = autosend.AutoSend("AS_ratelimitsoption1", rate_limits={"second_ms": 100, "minute_ms": 6000})
    assert ok is not None
    for bad, field in [
        ({"per_second": 0}, "rate_limits.per_second"),
        ({"second_ms": 1.5}, "rate_limits.second_ms"),
        ({"second_ms": 70000}, "rate_limits.minute_ms"),
        ({"perSecond": 2}, "rate_limits.perSecond"),
        ([1, 2], "rate_limits"),
    ]:
        with pytest.raises(autosend.ConfigurationError) as ei:
            autosend.AutoSend("AS_ratelimitsoption1", rate_limits=bad)  # type: ignore[arg-type]
        assert ei.value.field == field, (bad, ei.value)
        assert field in str(ei.value)
