"""The synchronous and asynchronous clients."""

from __future__ import annotations

import inspect
import logging
import math
import os
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

from . import _catalog, _exit, _native, _paging, _params, _result, _transport, errors

#: The environment variables read when a client is created (never at import); the core's list.
ENV_NAMES: Tuple[str, ...] = tuple(_native.ENV_NAMES)


def _local_error(kind: str, message: str) -> errors.AutoSendError:
    """An error built by the core (code, category, hint) for a value refused here."""
    return errors._from_native(_native.local_error(kind, message))


def _config_error(message: str) -> errors.AutoSendError:
    return _local_error("invalid_config", message)


#: The core takes milliseconds as an unsigned 64-bit integer.
_U64_MAX = 2**64 - 1


def _seconds_to_ms(name: str, value: Any, allow_none: bool) -> Optional[int]:
    """Seconds (int or float) to the core's u64 milliseconds.

    Only the type conversion is checked here: a value that has no u64 millisecond form
    (NaN, infinite, not positive, or too large) is refused; what a sensible timeout is, the
    core decides.
    """
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _config_error(f"{name} must be a number of seconds, got {type(value).__name__}")
    out_of_range = _config_error(
        f"{name} is out of range: it must be a positive, finite number of seconds "
        f"of at most {_U64_MAX // 1000} seconds"
    )
    if isinstance(value, int):
        ms = int(value) * 1000  # exact: no float rounding or overflow for big ints
    else:
        f = float(value)
        if not math.isfinite(f) or not math.isfinite(f * 1000):
            raise out_of_range
        ms = int(round(f * 1000))
    if not value > 0 or ms > _U64_MAX:
        raise out_of_range
    return max(ms, 1)


def _options(
    api_key: Any,
    project_id: Any,
    base_url: Any,
    timeout: Any,
    max_retries: Any,
    retry_non_idempotent: Any,
    deadline: Any,
    ca_file: Any,
    rate_limits: Any = None,
    encrypt_payloads: Any = False,
) -> Dict[str, Any]:
    if api_key is not None and not isinstance(api_key, str):
        raise _local_error("invalid_api_key", f"api_key must be a str, got {type(api_key).__name__}")
    for name, value in (("project_id", project_id), ("base_url", base_url)):
        if value is not None and not isinstance(value, str):
            raise _config_error(f"{name} must be a str or None, got {type(value).__name__}")
    if max_retries is not None and (isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0):
        raise _config_error("max_retries must be an int >= 0 (or None for the default)")
    if not isinstance(retry_non_idempotent, bool):
        raise _config_error("retry_non_idempotent must be a bool")
    if not isinstance(encrypt_payloads, bool):
        raise _config_error("encrypt_payloads must be a bool")
    ca_pem: Optional[bytes] = None
    if ca_file is not None:
        if not isinstance(ca_file, (str, os.PathLike)):
            raise _config_error(f"ca_file must be a path, got {type(ca_file).__name__}")
        # Read natively with the core's size limit (MAX_CA_FILE_BYTES): a huge or endless file
        # (/dev/zero) is a ConfigurationError naming ca_file, never a MemoryError.
        ca_pem = _native.read_ca_file(os.fspath(ca_file))
        if b"-----BEGIN CERTIFICATE-----" not in ca_pem:
            raise _config_error(f"ca_file {os.fspath(ca_file)!r} holds no PEM certificate")
    env = {name: os.environ[name] for name in ENV_NAMES if name in os.environ}
    return {
        "api_key": api_key,
        "project_id": project_id,
        "base_url": base_url,
        "timeout_ms": _seconds_to_ms("timeout", timeout, True),
        "max_retries": None if max_retries is None else min(max_retries, 1_000_000),
        "retry_non_idempotent": retry_non_idempotent,
        "deadline_ms": _seconds_to_ms("deadline", deadline, True),
        "ca_pem": ca_pem,
        "env": env,
        "encrypt_payloads": encrypt_payloads,
        # Checked by the core (names, whole numbers, ranges); the error names the member.
        "rate_limits": rate_limits,
    }


def _call_options(
    endpoint_id: Any, encrypt: Any, timeout: Any, max_retries: Any
) -> Tuple[Optional[bool], Optional[int], Optional[int]]:
    """One call's own options, converted; the core checks the values (``invalid_config``)."""
    if not isinstance(endpoint_id, str):
        raise TypeError("endpoint_id must be a str such as 'emails.send'")
    if encrypt is not None and not isinstance(encrypt, bool):
        raise _config_error("encrypt must be a bool or None")
    if max_retries is not None and (isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0):
        raise _config_error("max_retries must be an int >= 0 (or None for the client's)")
    retries = None if max_retries is None else min(max_retries, 1_000_000)
    return encrypt, _seconds_to_ms("timeout", timeout, True), retries


def _proxy_option(proxy: Any) -> Optional[str]:
    """``proxy="http://user:pass@host:3128"``: checked by the core (the error names ``proxy``
    and never repeats the URL, which may hold a password)."""
    if proxy is not None and not isinstance(proxy, str):
        raise _config_error(f"proxy must be a str such as 'http://proxy.example:3128' or None, got {type(proxy).__name__}")
    return proxy


def _transport_option(transport: Any, opts: Mapping[str, Any]) -> Any:
    """The user's transport, wrapped for the native call loop; refuses options that only the
    built-in transport uses."""
    if transport is None:
        return None
    if not callable(transport):
        raise _config_error("transport must be a callable taking an autosend.TransportRequest, or None")
    for name, value in (("proxy", opts.get("proxy")), ("ca_file", opts.get("ca_pem")), ("redis_url", opts.get("redis_url"))):
        if value is not None:
            raise _config_error(
                f"{name} configures the built-in transport and cannot be combined with transport=: "
                "configure your own HTTP client instead"
                + (" (and share the budget without Redis)" if name == "redis_url" else "")
            )
    return _transport.wrap(transport)


def _redis_options(redis_url: Any, on_redis_error: Any) -> Dict[str, Any]:
    if redis_url is not None and not isinstance(redis_url, str):
        raise _config_error(f"redis_url must be a str or None, got {type(redis_url).__name__}")
    if not isinstance(on_redis_error, str):
        raise _config_error(f"on_redis_error must be a str, got {type(on_redis_error).__name__}")
    return {"redis_url": redis_url, "on_redis_error": on_redis_error}


#: Where call events go (``logging.getLogger("autosend")``): requests and answers at DEBUG,
#: retries, waits, transport failures and failed calls at INFO. Nothing is recorded while
#: neither this logger (at INFO or below) nor an ``on_event`` callback listens.
_logger = logging.getLogger("autosend")


def _router(on_event: Optional[Callable[[Dict[str, Any]], object]]) -> Callable[[Dict[str, Any]], None]:
    """The native listener: the event to the logger (its ``message`` and level, the whole
    dict as ``extra={"autosend_event": ...}``), then to the user's callback. It holds no
    reference to the client (no cycle through native code)."""

    def route(event: Dict[str, Any]) -> None:
        level = logging.DEBUG if event.get("level") == "debug" else logging.INFO
        if _logger.isEnabledFor(level):
            _logger.log(level, "%s", event["message"], extra={"autosend_event": event})
        if on_event is not None:
            on_event(event)

    return route


class _Base:
    _native_client: Any
    _on_event: Optional[Callable[[Dict[str, Any]], object]] = None
    _listening: bool = False

    def _init_events(self, on_event: Any) -> None:
        if on_event is not None and not callable(on_event):
            raise _config_error("on_event must be a callable taking the event dict, or None")
        self._on_event = on_event
        self._listen()

    def _listen(self) -> None:
        """Installs the event router once someone listens (checked before every call, so a
        logging configuration made after the client was created is honoured)."""
        if not self._listening and (self._on_event is not None or _logger.isEnabledFor(logging.INFO)):
            self._native_client.set_on_event(_router(self._on_event))
            self._listening = True

    def _describe(self) -> Dict[str, Any]:
        return dict(self._native_client.describe())

    @property
    def base_url(self) -> str:
        """The normalised base URL."""
        return str(self._describe()["base_url"])

    @property
    def project_id(self) -> Optional[str]:
        """The project id sent as ``x-project-id`` (account keys), if any."""
        pid = self._describe()["project_id"]
        return None if pid is None else str(pid)

    @property
    def key_hint(self) -> str:
        """The key, redacted (``AS_…wxyz``): safe to log."""
        return str(self._describe()["key"])

    def set_api_key(self, api_key: str) -> None:
        """Switches to a new key at run time; calls already running keep the old one."""
        if not isinstance(api_key, str):
            raise _local_error("invalid_api_key", f"api_key must be a str, got {type(api_key).__name__}")
        self._native_client.rotate_key(api_key)

    def __repr__(self) -> str:
        d = self._describe()
        extra = f", project_id={d['project_id']!r}" if d["project_id"] else ""
        return f"{type(self).__name__}(key={d['key']!r}, base_url={d['base_url']!r}{extra})"

    def __reduce__(self) -> Any:
        raise TypeError(f"{type(self).__name__} cannot be pickled (it holds an API key)")


class AutoSend(_Base):
    """Synchronous AutoSend client. Thread-safe: share one between threads.

    Without ``api_key`` it reads ``AUTOSEND_API_KEY`` (or ``AUTOSEND_ACCOUNT_API_KEY`` with
    ``AUTOSEND_PROJECT_ID``), and ``AUTOSEND_BASE_URL``, when it is created.
    ``timeout`` is per attempt and ``deadline`` for a whole call, both in seconds; ``None``
    takes the core's defaults (``autosend.DEFAULT_TIMEOUT`` seconds, ``DEFAULT_MAX_RETRIES``).
    ``rate_limits={"per_second": 2, "per_minute": 50, "second_ms": 1000, "minute_ms": 60000}``
    (any subset) if AutoSend raised your limits, or to match a sandbox started with
    ``--time-scale N`` (``second_ms``/``minute_ms`` divided by N).
    ``redis_url="redis://host:6379/0"`` (or ``AUTOSEND_REDIS_URL``) shares the key's budget with
    every process using that Redis, in any language; when Redis fails the client falls back to
    its own budget and says so once on stderr, or raises ``BudgetStoreError`` before sending
    with ``on_redis_error="raise"``.
    ``app_info={"name": "MyShop", "version": "1.4.2", "url": "https://myshop.example"}``
    (version and url optional) is appended to the ``User-Agent`` the core builds
    (``autosend/<v> python/<v> (cpython 3.12.1) MyShop/1.4.2 (+https://myshop.example)``).
    Call events (request sent, answer with status, request id and duration, retries and
    waits with their reason, end of the call; never the key, headers, query or body) go to
    ``logging.getLogger("autosend")`` (DEBUG / INFO) and to ``on_event(event_dict)``.
    ``proxy="http://user:pass@proxy.example:3128"`` sends every request through that HTTP(S)
    proxy (CONNECT tunnel) instead of the one ``HTTPS_PROXY``/``NO_PROXY`` name.
    ``transport=send`` sends each attempt with your own HTTP code: ``send(request)`` gets an
    :class:`autosend.TransportRequest` and returns ``(status, headers, body)`` or a
    requests/httpx response; raise :class:`autosend.TransportError` (or ``TimeoutError``,
    ``ConnectionError``) for a failed attempt. Keys, rate limits, retries, the deadline and
    errors stay in the core's call loop.
    The GIL is released while a call waits on the network or on the rate limiter (with
    ``transport=``, only while it waits on the rate limiter or a retry).
    """

    def __init__(
        self,
        api_key: Optional[str] = None,
        *,
        project_id: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        retry_non_idempotent: bool = False,
        deadline: Optional[float] = None,
        ca_file: Optional[str] = None,
        rate_limits: Optional[Mapping[str, int]] = None,
        redis_url: Optional[str] = None,
        on_redis_error: str = "fallback",
        encrypt_payloads: bool = False,
        app_info: Optional[Mapping[str, str]] = None,
        on_event: Optional[Callable[[Dict[str, Any]], object]] = None,
        proxy: Optional[str] = None,
        transport: Optional[_transport.Transport] = None,
    ) -> None:
        opts = _options(
            api_key, project_id, base_url, timeout, max_retries, retry_non_idempotent, deadline, ca_file,
            rate_limits,
            encrypt_payloads,
        )
        opts.update(_redis_options(redis_url, on_redis_error))
        opts["app_info"] = app_info
        opts["proxy"] = _proxy_option(proxy)
        opts["transport"] = _transport_option(transport, opts)
        self._native_client = _native.Client(**opts)
        self._init_events(on_event)
        for name, ns in _catalog.build_namespaces(self._method, self._bulk_method).items():
            setattr(self, name, ns)

    def _method(self, ep: Dict[str, Any]) -> Any:
        endpoint_id = ep["id"]
        if ep.get("pagination"):

            def paged(*args: Any, **kwargs: Any) -> Any:
                return self.paginate(endpoint_id, _params.build(ep, args, kwargs))

            return paged

        def method(*args: Any, **kwargs: Any) -> Any:
            return self.request(endpoint_id, _params.build(ep, args, kwargs))

        return method

    def _bulk_method(self, ep: Dict[str, Any]) -> Any:
        endpoint_id = ep["id"]

        def bulk(*args: Any, on_progress: Optional[Callable[[_paging.BulkProgress], Any]] = None, **kwargs: Any) -> Any:
            return self.bulk_all(endpoint_id, _params.build(ep, args, kwargs), on_progress=on_progress)

        return bulk

    def paginate(self, endpoint_id: str, params: Optional[Mapping[str, Any]] = None) -> "_paging.Page[Any]":
        """The first page of the paged list ``endpoint_id`` (``"campaigns.list"``); iterate
        it for every item of every page. ``page`` in the params starts (resumes) there."""
        self._listen()
        pager = _native.Pager(endpoint_id, {} if params is None else params)
        fetch = self._native_client.fetch_page
        native = fetch(pager)
        return _paging.Page(fetch, pager, native)

    def bulk_all(
        self,
        endpoint_id: str,
        params: Mapping[str, Any],
        *,
        on_progress: Optional[Callable[[_paging.BulkProgress], Any]] = None,
    ) -> _paging.BulkReport:
        """Sends a bulk write of any size (``emails.bulk``, ``contacts.bulkUpdate``,
        ``contactLists.bulkAdd``) in chunks, one call per chunk, and reports per item.

        Raises only for usage errors (nothing sent). An exception from ``on_progress`` stops
        the run and propagates; the chunks after it are not sent.
        """
        self._listen()
        chunker = _native.Chunker(endpoint_id, params)
        while True:
            step = self._native_client.bulk_step(chunker)
            if step is None:
                break
            if on_progress is not None:
                on_progress(_paging.progress(step))
        return _paging.BulkReport(chunker.report())

    def request(
        self,
        endpoint_id: str,
        params: Optional[Mapping[str, Any]] = None,
        *,
        encrypt: Optional[bool] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Any:
        """Calls any catalog endpoint by id (``"emails.send"``) with the REST JSON object.

        ``encrypt``, ``timeout`` (seconds per attempt) and ``max_retries`` override the
        client's options for this call only. Returns the response's ``data`` (a dict subclass
        with ``last_response``), or the bytes (:class:`autosend.BinaryResult`) of a binary
        endpoint called with ``download``.
        """
        opts = _call_options(endpoint_id, encrypt, timeout, max_retries)
        self._listen()
        return _result.build(self._native_client.call(endpoint_id, {} if params is None else params, *opts))

    def close(self) -> None:
        """Nothing to release eagerly; present for symmetry with other clients."""

    def __enter__(self) -> "AutoSend":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class AsyncAutoSend(_Base):
    """Asynchronous AutoSend client for asyncio, with the same surface as :class:`AutoSend`.

    Methods return awaitables of the running event loop, driven by the Rust tokio runtime:
    the event loop and the GIL stay free while a call waits, and the loop's own thread sets
    the results (woken through one socket it watches, once per batch of finished calls).
    """

    def __init__(
        self,
        api_key: Optional[str] = None,
        *,
        project_id: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        retry_non_idempotent: bool = False,
        deadline: Optional[float] = None,
        ca_file: Optional[str] = None,
        rate_limits: Optional[Mapping[str, int]] = None,
        redis_url: Optional[str] = None,
        on_redis_error: str = "fallback",
        encrypt_payloads: bool = False,
        app_info: Optional[Mapping[str, str]] = None,
        on_event: Optional[Callable[[Dict[str, Any]], object]] = None,
        proxy: Optional[str] = None,
    ) -> None:
        opts = _options(
            api_key, project_id, base_url, timeout, max_retries, retry_non_idempotent, deadline, ca_file,
            rate_limits,
            encrypt_payloads,
        )
        opts.update(_redis_options(redis_url, on_redis_error))
        opts["app_info"] = app_info
        opts["proxy"] = _proxy_option(proxy)
        self._native_client = _native.AsyncClient(**opts)
        self._init_events(on_event)
        for name, ns in _catalog.build_namespaces(self._method, self._bulk_method).items():
            setattr(self, name, ns)

    def _method(self, ep: Dict[str, Any]) -> Any:
        endpoint_id = ep["id"]
        if ep.get("pagination"):

            def paged(*args: Any, **kwargs: Any) -> Any:
                return self.paginate(endpoint_id, _params.build(ep, args, kwargs))

            return paged

        async def method(*args: Any, **kwargs: Any) -> Any:
            return await self.request(endpoint_id, _params.build(ep, args, kwargs))

        return method

    def _bulk_method(self, ep: Dict[str, Any]) -> Any:
        endpoint_id = ep["id"]

        async def bulk(*args: Any, on_progress: Optional[Callable[[_paging.BulkProgress], Any]] = None, **kwargs: Any) -> Any:
            return await self.bulk_all(endpoint_id, _params.build(ep, args, kwargs), on_progress=on_progress)

        return bulk

    def paginate(self, endpoint_id: str, params: Optional[Mapping[str, Any]] = None) -> "_paging.AsyncPaginator[Any]":
        """The paged list ``endpoint_id``: ``await`` the result for the first page, or
        ``async for`` over it for every item of every page. Usage errors raise here."""
        self._listen()
        return _paging.AsyncPaginator(self._native_client.fetch_page, endpoint_id, {} if params is None else dict(params))

    async def bulk_all(
        self,
        endpoint_id: str,
        params: Mapping[str, Any],
        *,
        on_progress: Optional[Callable[[_paging.BulkProgress], Any]] = None,
    ) -> _paging.BulkReport:
        """Async :meth:`AutoSend.bulk_all`. ``on_progress`` may be a plain function or return
        an awaitable (awaited before the next chunk)."""
        self._listen()
        chunker = _native.Chunker(endpoint_id, params)
        while True:
            step = await self._native_client.bulk_step(chunker)
            if step is None:
                break
            if on_progress is not None:
                r = on_progress(_paging.progress(step))
                if inspect.isawaitable(r):
                    await r
        return _paging.BulkReport(chunker.report())

    async def request(
        self,
        endpoint_id: str,
        params: Optional[Mapping[str, Any]] = None,
        *,
        encrypt: Optional[bool] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Any:
        """Calls any catalog endpoint by id with the REST JSON object (per-call ``encrypt``,
        ``timeout`` and ``max_retries`` as in :meth:`AutoSend.request`)."""
        opts = _call_options(endpoint_id, encrypt, timeout, max_retries)
        self._listen()
        return _result.build(await self._native_client.call(endpoint_id, {} if params is None else params, *opts))

    async def close(self) -> None:
        """Nothing to release eagerly; present for symmetry."""

    async def __aenter__(self) -> "AsyncAutoSend":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()
