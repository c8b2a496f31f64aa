"""Threads hammering one client: bounded in count and time, no crash, budget respected."""

from __future__ import annotations

import threading
import time
from typing import Any, List

import autosend
from conftest import Sandbox

THREADS = 6
CALLS_PER_THREAD = 3


def test_threads_share_one_client(sandbox: Sandbox, new_key: Any) -> None:
    client = autosend.AutoSend(new_key()["key"], base_url=sandbox.url, ca_file=sandbox.ca_file)
    contact = client.contacts.upsert(email="hammer@example.com")
    before = sandbox.admin("GET", "/_sandbox/stats")["rejected"].get("RATE_LIMIT_EXCEEDED", 0)
    results: List[Any] = []
    failures: List[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)

    def worker(n: int) -> None:
        barrier.wait(10)
        for i in range(CALLS_PER_THREAD):
            try:
                if i % 2:
                    r = client.contacts.get(contact["id"])
                else:
                    r = client.emails.send(
                        {"from": {"email": "hello@mail.example.com"}, "to": {"email": f"t{n}-{i}@example.com"},
                         "subject": f"thread {n} call {i}", "text": "hi"}
                    )
                with lock:
                    results.append(r)
            except BaseException as exc:  # collected and asserted below
                with lock:
                    failures.append(exc)

    t0 = time.monotonic()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    elapsed = time.monotonic() - t0
    assert not any(t.is_alive() for t in threads)
    assert not failures, failures
    assert len(results) == THREADS * CALLS_PER_THREAD
    # 19 calls on one key at 2/s take at least ~8.5 s; boundary 429s (server counts arrival,
    # client counts send times) are rare and retried transparently.
    assert elapsed >= (THREADS * CALLS_PER_THREAD + 1 - 2) / 2 - 0.2
    after = sandbox.admin("GET", "/_sandbox/stats")["rejected"].get("RATE_LIMIT_EXCEEDED", 0)
    assert after - before <= THREADS


def test_threads_local_errors_and_rotation_race() -> None:
    """Many threads mixing local validation errors with key rotation: no crash, clean errors."""
    client = autosend.AutoSend("AS_first123", base_url="https://127.0.0.1:9/v1", max_retries=0)
    failures: List[BaseException] = []
    stop = time.monotonic() + 1.5

    def bad_calls() -> None:
        while time.monotonic() < stop:
            try:
                client.emails.send({"to": {"email": "x"}})
            except autosend.ValidationError:
                pass
            except BaseException as exc:
                failures.append(exc)
                return

    def rotate() -> None:
        i = 0
        while time.monotonic() < stop:
            client.set_api_key(f"AS_rotated{i}")
            i += 1

    threads = [threading.Thread(target=bad_calls) for _ in range(4)] + [threading.Thread(target=rotate)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert not failures, failures
