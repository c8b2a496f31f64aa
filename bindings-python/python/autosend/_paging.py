"""Pages of paged lists and reports of chunked bulk writes.

The Rust core decides everything (which page comes next, when a list ends, how a bulk write
is split and what each chunk's outcome means: ``core/src/pager.rs``, ``core/src/chunk.rs``);
this module only loops. Every page and every chunk is an ordinary call through the key's
rate limiter, with the GIL released while it waits.

Sync::

    for campaign in client.campaigns.list(status="draft"):   # every item, page after page
        ...
    page = client.campaigns.list(status="draft")            # the first page
    page.items, page.page, page.total, page.has_more
    page = page.next_page()                                  # None after the last page

Async: the method returns an :class:`AsyncPaginator`, which is both awaitable (the first
page) and async-iterable (every item)::

    async for campaign in client.campaigns.list(status="draft"):
        ...
    page = await client.campaigns.list(status="draft")
    page = await page.next_page()

A page request that fails raises the usual :class:`autosend.AutoSendError` subclass with
``e.page`` set to the page that failed: call the method again with ``page=e.page`` to resume.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import (
    Any,
    AsyncIterator,
    Awaitable,
    Callable,
    Dict,
    Generator,
    Generic,
    Iterator,
    List,
    Mapping,
    Optional,
    TypeVar,
)

from . import _native, _result, errors

__all__ = [
    "Page",
    "AsyncPage",
    "AsyncPaginator",
    "BulkProgress",
    "BulkItem",
    "BulkChunk",
    "BulkReport",
]

T = TypeVar("T")


def _info(native: Mapping[str, Any]) -> _result.LastResponse:
    return _result.LastResponse(
        status=int(native.get("status") or 200),
        request_id=native.get("request_id"),
        message=native.get("message"),
        already_gone=bool(native.get("already_gone")),
        attempts=int(native.get("attempts") or 1),
    )


class _PageBase(Generic[T]):
    __slots__ = ("items", "page", "limit", "total", "pages", "has_more", "last_response", "_pager")

    items: List[T]
    """The items of this page."""
    page: int
    """This page's number (1-based)."""
    limit: Optional[int]
    """Page size."""
    total: Optional[int]
    """Items in the whole list, as this answer says."""
    pages: Optional[int]
    """Pages in the whole list, as this answer says."""
    has_more: bool
    """True when there is a next page (the core decides from this answer)."""
    last_response: _result.LastResponse
    """What the server answered for this page's request."""

    def __init__(self, pager: Any, native: Mapping[str, Any]) -> None:
        p = native["page"]
        self.items = list(p["items"])
        self.page = int(p["page"])
        self.limit = p.get("limit")
        self.total = p.get("total")
        self.pages = p.get("pages")
        self.has_more = bool(p["has_more"])
        self.last_response = _info(native)
        # A copy of the core pager as it stood after this page: next_page() is repeatable.
        self._pager = pager.copy()

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(endpoint={self._pager.endpoint!r}, page={self.page}, "
            f"items={len(self.items)}, total={self.total}, has_more={self.has_more})"
        )


class Page(_PageBase[T]):
    """One page of a paged list (sync). Iterating it yields every item from this page on,
    fetching the following pages as needed."""

    __slots__ = ("_fetch",)

    def __init__(self, fetch: Callable[[Any], Optional[Mapping[str, Any]]], pager: Any, native: Mapping[str, Any]) -> None:
        super().__init__(pager, native)
        self._fetch = fetch

    def next_page(self) -> Optional["Page[T]"]:
        """The next page (one request), or None after the last one."""
        if not self.has_more:
            return None
        pager = self._pager.copy()
        native = self._fetch(pager)
        return None if native is None else Page(self._fetch, pager, native)

    def iter_pages(self) -> Iterator["Page[T]"]:
        """This page and every following one."""
        page: Optional[Page[T]] = self
        while page is not None:
            yield page
            page = page.next_page()

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.items

    def auto_paging_iter(self) -> Iterator[T]:
        """Every item from this page on (same as iterating the page)."""
        return iter(self)


class AsyncPage(_PageBase[T]):
    """One page of a paged list (asyncio). ``async for`` over it yields every item from this
    page on, fetching the following pages as needed."""

    __slots__ = ("_fetch",)

    def __init__(self, fetch: Callable[[Any], Awaitable[Optional[Mapping[str, Any]]]], pager: Any, native: Mapping[str, Any]) -> None:
        super().__init__(pager, native)
        self._fetch = fetch

    async def next_page(self) -> Optional["AsyncPage[T]"]:
        """The next page (one request), or None after the last one."""
        if not self.has_more:
            return None
        pager = self._pager.copy()
        native = await self._fetch(pager)
        return None if native is None else AsyncPage(self._fetch, pager, native)

    async def iter_pages(self) -> AsyncIterator["AsyncPage[T]"]:
        """This page and every following one."""
        page: Optional[AsyncPage[T]] = self
        while page is not None:
            yield page
            page = await page.next_page()

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.items:
                yield item

    def auto_paging_iter(self) -> AsyncIterator[T]:
        """Every item from this page on (same as ``async for`` over the page)."""
        return self.__aiter__()


class AsyncPaginator(Generic[T]):
    """What a paged list method of the async client returns: ``await`` it for the first
    :class:`AsyncPage`, or ``async for`` over it for every item of every page. Nothing is sent
    until one of the two happens; each use starts a new walk."""

    __slots__ = ("_fetch", "_endpoint", "_params")

    def __init__(self, fetch: Callable[[Any], Awaitable[Optional[Mapping[str, Any]]]], endpoint: str, params: Dict[str, Any]) -> None:
        # Usage errors (not a paged list, page 0, ...) raise here, before anything is sent.
        _native.Pager(endpoint, params)
        self._fetch = fetch
        self._endpoint = endpoint
        self._params = params

    async def _first(self) -> AsyncPage[T]:
        pager = _native.Pager(self._endpoint, self._params)
        native = await self._fetch(pager)
        if native is None:  # pragma: no cover - a new pager always has a first page
            raise errors._from_native(_native.local_error("internal", "the pager had no first page"))
        return AsyncPage(self._fetch, pager, native)

    def __await__(self) -> Generator[Any, None, AsyncPage[T]]:
        return self._first().__await__()

    async def __aiter__(self) -> AsyncIterator[T]:
        page = await self._first()
        async for item in page:
            yield item

    def __repr__(self) -> str:
        return f"AsyncPaginator(endpoint={self._endpoint!r})"


# --- chunked bulk writes ----------------------------------------------------------------------


@dataclass(frozen=True)
class BulkProgress:
    """Given to ``on_progress`` after each chunk."""

    chunks_done: int
    chunks_total: int
    items_done: int
    items_total: int


@dataclass(frozen=True)
class BulkItem:
    """What became of one item of a bulk write."""

    index: int
    """Its position in the list given."""
    chunk: int
    """The chunk (0-based) it was sent in."""
    status: str
    """``accepted``, ``refused``, ``may_have_been_delivered`` (outcome unknown: check before
    re-sending) or ``not_attempted`` (the run stopped before its chunk)."""
    error: Optional[errors.AutoSendError]
    """The chunk's exception when refused or of unknown outcome."""


@dataclass(frozen=True)
class BulkChunk:
    """One request of a bulk write: items ``[start, end)`` of the list given."""

    index: int
    start: int
    end: int
    status: str
    data: Any
    """The answer's ``data`` when accepted."""
    error: Optional[errors.AutoSendError]


class BulkReport:
    """The outcome of ``bulk_all`` / ``bulk_update_all`` / ``bulk_add_all``: every item
    exactly once, in order. No chunk is ever sent twice by the helper; a chunk whose outcome
    is unknown is ``may_have_been_delivered`` and the next chunks still go."""

    STATUSES = ("accepted", "refused", "may_have_been_delivered", "not_attempted")

    def __init__(self, native: Mapping[str, Any]) -> None:
        self.endpoint: str = native["endpoint"]
        self.field: str = native["field"]
        self.chunk_size: int = int(native["chunk_size"])
        self.stopped: bool = bool(native["stopped"])
        """True when the run stopped early (an error every later chunk would meet too)."""
        self.retry_safe: bool = bool(native["retry_safe"])
        """True when items of unknown outcome may be sent again safely (idempotent endpoint)."""
        self.counts: Dict[str, int] = {k: int(native["counts"].get(k, 0)) for k in self.STATUSES}
        self.chunks: List[BulkChunk] = []
        for c in native["chunks"]:
            err = errors._from_native(c["error"]) if c.get("error") else None
            self.chunks.append(BulkChunk(int(c["index"]), int(c["start"]), int(c["end"]), c["status"], c.get("data"), err))
        self.items: List[BulkItem] = [
            BulkItem(i, ch.index, ch.status, ch.error) for ch in self.chunks for i in range(ch.start, ch.end)
        ]

    @property
    def all_accepted(self) -> bool:
        return all(c.status == "accepted" for c in self.chunks)

    @property
    def accepted(self) -> int:
        return self.counts["accepted"]

    @property
    def refused(self) -> int:
        return self.counts["refused"]

    @property
    def may_have_been_delivered(self) -> int:
        return self.counts["may_have_been_delivered"]

    @property
    def not_attempted(self) -> int:
        return self.counts["not_attempted"]

    def items_with(self, status: str) -> List[int]:
        """Indices (in the list given) of the items with ``status``."""
        if status not in self.STATUSES:
            raise ValueError(f"status must be one of {', '.join(self.STATUSES)}")
        return [it.index for it in self.items if it.status == status]

    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}={v}" for k, v in self.counts.items())
        return f"BulkReport(endpoint={self.endpoint!r}, items={len(self.items)}, {counts}, stopped={self.stopped})"


def progress(native: Mapping[str, Any]) -> BulkProgress:
    return BulkProgress(
        int(native["chunks_done"]), int(native["chunks_total"]), int(native["items_done"]), int(native["items_total"])
    )
