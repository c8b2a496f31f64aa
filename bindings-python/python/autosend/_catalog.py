"""Resource namespaces built from the core's endpoint catalog.

Namespaces and methods are snake_case (``client.contact_properties.list``); the endpoint ids
stay the API's camelCase (``contactProperties.list``).
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Optional

from . import _native

_SNAKE = re.compile(r"(?<=[a-z0-9])([A-Z])")


def snake(name: str) -> str:
    """``deleteByUserId`` -> ``delete_by_user_id``."""
    return _SNAKE.sub(r"_\1", name).lower()


def endpoints() -> List[Dict[str, Any]]:
    """The catalog as dicts, with ``python_namespace`` and ``python_name`` (snake_case) added."""
    out = []
    for ep in _native.describe_catalog():
        ep = dict(ep)
        ep["python_namespace"] = snake(ep["namespace"])
        ep["python_name"] = snake(ep["name"])
        out.append(ep)
    return out


ENDPOINTS: List[Dict[str, Any]] = endpoints()


class Namespace:
    """One API resource (``emails``, ``contact_properties``, …)."""

    def __init__(self, name: str, methods: Dict[str, Callable[..., Any]]) -> None:
        self._name = name
        for method_name, fn in methods.items():
            setattr(self, method_name, fn)
        self._methods = sorted(methods)

    def __repr__(self) -> str:
        return f"<autosend namespace {self._name}: {', '.join(self._methods)}>"

    def __dir__(self) -> List[str]:
        return sorted(set(super().__dir__()) | set(self._methods))


#: Endpoint ids the core can split into chunks (``<method>_all`` helpers).
CHUNKED = frozenset(ep_id for ep_id, _fields in _native.CHUNKED)


def build_namespaces(
    make: Callable[[Dict[str, Any]], Callable[..., Any]],
    make_bulk: Optional[Callable[[Dict[str, Any]], Callable[..., Any]]] = None,
) -> Dict[str, Namespace]:
    """Calls ``make(endpoint)`` for each catalog entry and groups the methods by namespace;
    ``make_bulk(endpoint)`` adds ``<method>_all`` for the endpoints the core can chunk."""
    grouped: Dict[str, Dict[str, Callable[..., Any]]] = {}
    for ep in ENDPOINTS:
        if make_bulk is not None and ep["id"] in CHUNKED:
            bulk = make_bulk(ep)
            bulk.__name__ = ep["python_name"] + "_all"
            bulk.__qualname__ = f"{ep['python_namespace']}.{bulk.__name__}"
            bulk.__doc__ = (
                f"{ep['summary']} Any number of items: sent in chunks the API accepts, one call "
                "per chunk (never repeated), ``on_progress(BulkProgress)`` after each; returns a "
                f"BulkReport. Endpoint id {ep['id']!r}."
            )
            grouped.setdefault(ep["python_namespace"], {})[bulk.__name__] = bulk
        fn = make(ep)
        fn.__name__ = ep["python_name"]
        fn.__qualname__ = f"{ep['python_namespace']}.{ep['python_name']}"
        fn.__doc__ = (
            f"{ep['summary']}\n\n{ep['method']} {ep['path']} (endpoint id {ep['id']!r}, "
            f"scope {ep['scope']}, {'retried' if ep['idempotent'] else 'not retried'} "
            "after unknown outcomes).\n\nPass the path parameters positionally and the other "
            "fields as snake_case keywords, or the REST JSON as one dict."
            + (
                "\n\nA paged list: returns the first page; iterate it for every item of every page."
                if ep.get("pagination")
                else ""
            )
        )
        grouped.setdefault(ep["python_namespace"], {})[ep["python_name"]] = fn
    return {name: Namespace(name, methods) for name, methods in grouped.items()}
