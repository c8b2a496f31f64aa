"""How `AsyncAutoSend`'s awaitables complete (bindings-python/src/bridge.rs): by their own event
loop, woken through one socket it watches; cancelling one stops its call; a loop
that cannot watch a socket still works (the generic bridge); several loops in several threads
at once each get their own results."""

from __future__ import annotations

import asyncio
import selectors
import threading
from typing import Any, Dict, Iterator, List

import pytest

import autosend
from conftest import Sandbox, _start_sandbox

MAIL: Dict[str, Any] = {
    "from": {"email": "hello@mail.example.com"},
    "to": {"email": "ada@example.com"},
    "subject": "bridge",
    "html": "<p>hi</p>",
}


NO_LIMITS = {"per_second": 100000, "per_minute": 1000000}


@pytest.fixture(scope="module")
def fast() -> Iterator[Sandbox]:
    """A sandbox of this module's own, rate limits off (the client's too: many calls at once)."""
    yield from _start_sandbox("--rate-per-second", "100000", "--rate-per-minute", "1000000")


def client_for(sandbox: Sandbox, **kw: Any) -> autosend.AsyncAutoSend:
    key = sandbox.info["keys"]["project"][0]["key"]
    return autosend.AsyncAutoSend(key, base_url=sandbox.url, ca_file=sandbox.ca_file,
                                  rate_limits=NO_LIMITS, **kw)


def received(sandbox: Sandbox) -> int:
    return int(sandbox.admin("GET", "/_sandbox/stats")["requests_received"])


def watched(loop: asyncio.AbstractEventLoop) -> int:
    sel = getattr(loop, "_selector")
    assert isinstance(sel, selectors.BaseSelector)
    return len(sel.get_map())


def test_completes_through_one_watched_socket_per_loop(fast: Sandbox) -> None:

    async def main() -> None:
        loop = asyncio.get_running_loop()
        before = watched(loop)
        client = client_for(fast)

        async def send(i: int) -> str:
            r = await client.emails.send({**MAIL, "subject": f"bridge {i}"})
            return str(r["emailId"])

        ids = await asyncio.gather(*(send(i) for i in range(24)))
        assert len(set(ids)) == 24
        # One socket for the loop, however many calls.
        assert watched(loop) == before + 1
        await asyncio.gather(*(send(i) for i in range(8)))
        assert watched(loop) == before + 1
        await client.close()

    asyncio.run(main())
    # A new loop gets its own socket and works the same.
    asyncio.run(main())


def test_cancelling_stops_the_call(fast: Sandbox) -> None:
    """The awaitable cancelled while the call waits out a 429 to retry: no further attempt."""
    path = "/v1/contacts/c_bridge_cancel"
    fast.admin("POST", "/_sandbox/faults",
                  {"path": path, "times": 10, "fault": {"status": 429, "retry_after": 1}})
    try:
        async def main() -> None:
            client = client_for(fast, max_retries=5)
            start = received(fast)
            task = asyncio.ensure_future(client.contacts.get("c_bridge_cancel"))
            await asyncio.sleep(0.4)
            assert received(fast) == start + 1
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            # The retry would have come after ~1 s.
            await asyncio.sleep(1.6)
            assert received(fast) == start + 1
            # The client goes on working.
            fast.admin("DELETE", "/_sandbox/faults")
            assert (await client.emails.send(MAIL))["emailId"]
            await client.close()

        asyncio.run(main())
    finally:
        fast.admin("DELETE", "/_sandbox/faults")


def test_timeout_of_the_caller_while_the_server_is_slow(fast: Sandbox) -> None:
    fast.admin("POST", "/_sandbox/faults",
                  {"path": "/v1/mails/send", "times": 1, "fault": {"latency_ms": 1500}})
    try:
        async def main() -> None:
            client = client_for(fast)
            loop = asyncio.get_running_loop()
            t0 = loop.time()
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(client.emails.send(MAIL), 0.2)
            assert loop.time() - t0 < 1.0
            assert (await client.emails.send(MAIL))["emailId"]
            await client.close()

        asyncio.run(main())
    finally:
        fast.admin("DELETE", "/_sandbox/faults")


class NoReaderLoop(asyncio.SelectorEventLoop):
    """A loop that cannot watch file descriptors (as Windows' proactor loop)."""

    def add_reader(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError


def test_a_loop_without_add_reader_gets_the_generic_bridge(fast: Sandbox) -> None:
    loop = NoReaderLoop()
    try:
        async def main() -> List[Any]:
            client = client_for(fast)
            out = await asyncio.gather(*(client.emails.send(MAIL) for _ in range(6)))
            with pytest.raises(autosend.ValidationError):
                await client.emails.send({**MAIL, "to": {"email": "not-an-address"}})
            await client.close()
            return out

        before = watched(loop)
        results = loop.run_until_complete(main())
        assert all(r["emailId"] for r in results)
        assert watched(loop) == before
    finally:
        loop.close()


def test_several_loops_in_several_threads(fast: Sandbox) -> None:
    client_results: Dict[int, List[str]] = {}
    errors: List[BaseException] = []

    def run(n: int) -> None:
        async def main() -> None:
            client = client_for(fast)
            got = await asyncio.gather(
                *(client.emails.send({**MAIL, "subject": f"t{n} m{i}"}) for i in range(10)))
            client_results[n] = [str(r["emailId"]) for r in got]
            await client.close()

        try:
            asyncio.run(main())
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert sorted(client_results) == [0, 1, 2, 3]
    ids = [i for v in client_results.values() for i in v]
    assert len(ids) == 40 and len(set(ids)) == 40


def test_errors_and_results_mixed_in_one_batch(fast: Sandbox) -> None:

    async def main() -> None:
        client = client_for(fast)
        calls = [client.emails.send(MAIL) if i % 2 else
                 client.emails.send({**MAIL, "to": {"email": f"bad-{i}"}}) for i in range(12)]
        out = await asyncio.gather(*calls, return_exceptions=True)
        for i, r in enumerate(out):
            if i % 2:
                assert isinstance(r, dict) and r["emailId"]
            else:
                assert isinstance(r, autosend.ValidationError), r
        await client.close()

    asyncio.run(main())


def test_no_descriptor_left_per_loop(fast: Sandbox) -> None:
    """Each loop's socket pair goes with the loop (asyncio.run closes it)."""
    import gc
    import os

    client = client_for(fast)

    async def one() -> None:
        assert (await client.emails.send(MAIL))["emailId"]

    def fds() -> int:
        return len(os.listdir("/proc/self/fd"))

    asyncio.run(one())
    gc.collect()
    before = fds()
    for _ in range(40):
        asyncio.run(one())
    gc.collect()
    assert fds() <= before + 2


def test_uvloop(fast: Sandbox) -> None:
    """uvloop's loop watches the socket too (and has weak references): same results,
    errors and cancellation as asyncio's."""
    import uvloop

    async def main() -> None:
        loop = asyncio.get_running_loop()
        assert type(loop).__module__.startswith("uvloop")
        client = client_for(fast)
        out = await asyncio.gather(*(client.emails.send({**MAIL, "subject": f"uv {i}"}) for i in range(20)))
        assert len({r["emailId"] for r in out}) == 20
        with pytest.raises(autosend.ValidationError):
            await client.emails.send({**MAIL, "to": {"email": "nope"}})
        task = asyncio.ensure_future(client.emails.send(MAIL))
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await client.close()

    uvloop.run(main())
