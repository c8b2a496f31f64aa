"""Auto-pagination and chunked bulk writes end to end, each test against a sandbox of its own
(exact counters). The client keeps the documented 2/s, 50/min per key, so these take seconds."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Set

import pytest

import autosend
from conftest import Sandbox

GLOBAL = "GLOBAL_CONTACT_LIST"


def client(sb: Sandbox) -> autosend.AutoSend:
    return autosend.AutoSend(sb.info["keys"]["project"][0]["key"], base_url=sb.url, ca_file=sb.ca_file, timeout=10)


def aclient(sb: Sandbox) -> autosend.AsyncAutoSend:
    return autosend.AsyncAutoSend(sb.info["keys"]["project"][0]["key"], base_url=sb.url, ca_file=sb.ca_file, timeout=10)


def contacts(n: int) -> List[Dict[str, Any]]:
    return [{"email": f"p{i:04}@example.com", "firstName": f"P{i}"} for i in range(n)]


def emails_of(items: Any) -> List[str]:
    return sorted(str(c["email"]) for c in items)


def stats(sb: Sandbox) -> Dict[str, Any]:
    return dict(sb.admin("GET", "/_sandbox/stats"))


def processed(sb: Sandbox, endpoint: str) -> int:
    return int(stats(sb)["processed"].get(endpoint, 0))


def test_bulk_update_250_then_iterate_them_back_sync_and_async(fresh_sandbox: Sandbox) -> None:
    sb = fresh_sandbox
    c = client(sb)
    seen: List[autosend.BulkProgress] = []
    report = c.contacts.bulk_update_all(contacts=contacts(250), run_workflow=False, on_progress=seen.append)
    assert report.all_accepted, report
    assert (report.accepted, report.refused, report.may_have_been_delivered, report.not_attempted) == (250, 0, 0, 0)
    assert [(p.chunks_done, p.chunks_total, p.items_done) for p in seen] == [(1, 3, 100), (2, 3, 200), (3, 3, 250)]
    assert [len(range(ch.start, ch.end)) for ch in report.chunks] == [100, 100, 50]
    assert report.chunks[2].data["successCount"] == 50
    assert processed(sb, "contacts.bulkUpdate") == 3

    # Sync: iterate every item of every page.
    before = processed(sb, "contactLists.searchContacts")
    listed = list(c.contact_lists.search_contacts(contact_list_id=GLOBAL))
    assert len(listed) == 250, "every contact once"
    assert emails_of(listed) == emails_of(contacts(250))
    # The documented maximum limit (100) → 3 requests, none after the last page.
    assert processed(sb, "contactLists.searchContacts") - before == 3

    # Page objects.
    page = c.contact_lists.search_contacts(contact_list_id=GLOBAL, limit=100)
    assert isinstance(page, autosend.Page)
    assert (page.page, page.total, page.has_more, len(page.items)) == (1, 250, True, 100)
    assert page.last_response.status == 200
    p2 = page.next_page()
    assert p2 is not None and p2.page == 2 and p2.has_more
    again = page.next_page()  # repeatable: the page keeps its own pager state
    assert again is not None and again.page == 2
    p3 = p2.next_page()
    assert p3 is not None and (p3.page, len(p3.items), p3.has_more) == (3, 50, False)
    assert p3.next_page() is None
    assert [pg.page for pg in page.iter_pages()] == [1, 2, 3]

    # Async: `async for` over the paginator, and `await` for the first page.
    async def walk() -> Any:
        a = aclient(sb)
        items = [x async for x in a.contact_lists.search_contacts(contact_list_id=GLOBAL, limit=60)]
        first = await a.contact_lists.search_contacts(contact_list_id=GLOBAL, limit=60)
        second = await first.next_page()
        pages = [pg.page async for pg in first.iter_pages()]
        return items, first, second, pages

    before = processed(sb, "contactLists.searchContacts")
    items, first, second, pages = asyncio.run(walk())
    assert len(items) == 250 and emails_of(items) == emails_of(contacts(250))
    assert isinstance(first, autosend.AsyncPage) and first.page == 1 and first.total == 250
    assert second is not None and second.page == 2
    assert pages == [1, 2, 3, 4, 5]
    assert processed(sb, "contactLists.searchContacts") - before == 5 + 1 + 1 + 4


def test_failed_page_raises_with_its_number_and_resumes(fresh_sandbox: Sandbox) -> None:
    sb = fresh_sandbox
    c = client(sb)
    assert c.contacts.bulk_update_all(contacts=contacts(250)).all_accepted
    path = "/v1/contact-lists/contacts/search"
    sb.admin("POST", "/_sandbox/faults", {"path": path, "method": "POST", "times": 1, "fault": {"latency_ms": 1}})
    sb.admin("POST", "/_sandbox/faults", {"path": path, "method": "POST", "times": 1, "fault": {"status": 403}})
    got: List[Any] = []
    with pytest.raises(autosend.PermissionDeniedError) as ei:
        for item in c.contact_lists.search_contacts(contact_list_id=GLOBAL):
            got.append(item)
    assert ei.value.page == 2
    assert len(got) == 100
    got.extend(c.contact_lists.search_contacts(contact_list_id=GLOBAL, page=ei.value.page))
    assert emails_of(got) == emails_of(contacts(250))

    # Async: the same through `async for` (403 is never retried).
    sb.admin("POST", "/_sandbox/faults", {"path": path, "method": "POST", "times": 1, "fault": {"latency_ms": 1}})
    sb.admin("POST", "/_sandbox/faults", {"path": path, "method": "POST", "times": 1, "fault": {"status": 403}})

    async def walk403() -> Any:
        a = aclient(sb)
        out: List[Any] = []
        try:
            async for item in a.contact_lists.search_contacts(contact_list_id=GLOBAL):
                out.append(item)
        except autosend.PermissionDeniedError as e:
            return out, e
        return out, None

    out, err = asyncio.run(walk403())
    assert err is not None and err.page == 2 and len(out) == 100


def test_usage_errors_send_nothing(fresh_sandbox: Sandbox) -> None:
    sb = fresh_sandbox
    c = client(sb)
    with pytest.raises(autosend.ValidationError) as ei:
        c.emails.bulk_all(from_={"email": "a@mail.example.com"}, subject="x", html="x", recipients=[])
    assert ei.value.field == "recipients"
    with pytest.raises(autosend.ValidationError) as ei:
        c.campaigns.list(page=0)
    assert ei.value.field == "page"
    with pytest.raises(autosend.ValidationError):
        aclient(sb).campaigns.list(page=0)  # raised when called, before anything is awaited
    with pytest.raises(autosend.ValidationError):
        c.paginate("senders.list")
    assert stats(sb)["requests_received"] == 0


def _recipients(n: int) -> List[Dict[str, Any]]:
    return [{"email": f"r{i:04}@example.com"} for i in range(n)]


def _check_1001_report(sb: Sandbox, report: autosend.BulkReport, last: Any) -> None:
    assert (last.chunks_done, last.chunks_total, last.items_done, last.items_total) == (11, 11, 1001, 1001)
    want = ["accepted"] * 11
    want[2] = "may_have_been_delivered"
    assert [ch.status for ch in report.chunks] == want, report
    assert report.counts == {"accepted": 901, "refused": 0, "may_have_been_delivered": 100, "not_attempted": 0}
    assert report.items_with("may_have_been_delivered") == list(range(200, 300))
    err = report.chunks[2].error
    assert isinstance(err, autosend.APIConnectionError) and err.may_have_been_delivered
    assert report.items[250].error is err and report.items[250].status == "may_have_been_delivered"
    assert not report.retry_safe and not report.stopped
    assert len(report.items) == 1001 and [it.index for it in report.items] == list(range(1001))
    # The sandbox processed every chunk exactly once (chunk 3 was not re-sent) …
    st = stats(sb)
    assert st["processed"]["emails.bulk"] == 11, st
    assert st["faults_applied"] == 3, st
    # … and recorded every recipient exactly once, the faulted chunk's too.
    to: List[str] = []
    for m in sb.admin("GET", "/_sandbox/messages"):
        if m["kind"] == "bulk":
            t = m["to"]
            to.append(t["email"] if isinstance(t, dict) else t[0]["email"])
    assert sorted(to) == sorted(r["email"] for r in _recipients(1001))
    assert sum(int(ch.data["successCount"]) for ch in report.chunks if ch.data) == 901


def _fault_third_bulk_chunk(sb: Sandbox) -> None:
    path = "/v1/mails/bulk"
    sb.admin("POST", "/_sandbox/faults", {"path": path, "method": "POST", "times": 2, "fault": {"latency_ms": 1}})
    # Processed, then the connection is reset before the answer: an unknown outcome.
    sb.admin("POST", "/_sandbox/faults", {"path": path, "method": "POST", "times": 1, "fault": {"reset": "after"}})


BULK: Dict[str, Any] = {"from_": {"email": "hello@mail.example.com"}, "subject": "Hi", "html": "<p>Hi</p>"}


def test_bulk_1001_recipients_third_chunk_lost_after_processing_sync(fresh_sandbox: Sandbox) -> None:
    sb = fresh_sandbox
    _fault_third_bulk_chunk(sb)
    progress: List[autosend.BulkProgress] = []
    report = client(sb).emails.bulk_all(recipients=_recipients(1001), on_progress=progress.append, **BULK)
    _check_1001_report(sb, report, progress[-1])


def test_bulk_1001_recipients_third_chunk_lost_after_processing_async(fresh_sandbox: Sandbox) -> None:
    sb = fresh_sandbox
    _fault_third_bulk_chunk(sb)
    progress: List[autosend.BulkProgress] = []

    async def on_progress(p: autosend.BulkProgress) -> None:  # an async callback is awaited
        progress.append(p)

    report = asyncio.run(aclient(sb).emails.bulk_all(recipients=_recipients(1001), on_progress=on_progress, **BULK))
    _check_1001_report(sb, report, progress[-1])


def test_bulk_add_all_and_a_refused_chunk(fresh_sandbox: Sandbox) -> None:
    sb = fresh_sandbox
    c = client(sb)
    emails = [f"n{i}@example.com" for i in range(501)]
    report = c.contact_lists.bulk_add_all(contact_list_id=GLOBAL, emails=emails)
    assert report.all_accepted and len(report.chunks) == 2 and report.retry_safe
    # A 400 on the first chunk: refused with its exception, the next chunk still goes.
    sb.admin("POST", "/_sandbox/faults", {"path": "/v1/contact-lists/contacts/bulk-add", "times": 1, "fault": {"status": 400}})
    report = c.contact_lists.bulk_add_all(contact_list_id=GLOBAL, emails=emails)
    assert [ch.status for ch in report.chunks] == ["refused", "accepted"]
    assert isinstance(report.items[0].error, autosend.ApiValidationError)
    assert report.counts["refused"] == 500 and report.counts["accepted"] == 1
    # A 401 stops the run: the rest is not attempted (never dropped from the report).
    sb.admin("POST", "/_sandbox/faults", {"path": "/v1/contact-lists/contacts/bulk-add", "times": 1, "fault": {"status": 401}})
    report = c.contact_lists.bulk_add_all(contact_list_id=GLOBAL, emails=emails)
    assert [ch.status for ch in report.chunks] == ["refused", "not_attempted"] and report.stopped
    assert report.items_with("not_attempted") == [500]
    seen: Set[int] = {it.index for it in report.items}
    assert seen == set(range(501))


def test_page_requests_release_the_gil(fresh_sandbox: Sandbox) -> None:
    """While a page request waits on the network (a 400 ms sandbox latency), other Python
    threads run."""
    import threading
    import time

    sb = fresh_sandbox
    c = client(sb)
    assert c.contacts.bulk_update_all(contacts=contacts(5)).all_accepted
    sb.admin("POST", "/_sandbox/faults",
             {"path": "/v1/contact-lists/contacts/search", "times": 1, "fault": {"latency_ms": 400}})
    ticks = 0
    stop = threading.Event()

    def spin() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.005)

    t = threading.Thread(target=spin)
    t.start()
    try:
        start = time.monotonic()
        items = list(c.contact_lists.search_contacts(contact_list_id=GLOBAL))
        took = time.monotonic() - start
    finally:
        stop.set()
        t.join()
    assert len(items) == 5
    assert took >= 0.4
    assert ticks >= 20, f"only {ticks} ticks of the other thread in {took:.2f}s"
