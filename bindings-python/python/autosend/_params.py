"""Turning a method's arguments into the one JSON object the core expects."""

from __future__ import annotations

import re
from typing import Any, Dict, Mapping, Tuple

from . import _native, errors
from ._keywords import KEYWORDS

_CAMEL = re.compile(r"_([a-z0-9])")


def wire_name(keyword: str) -> str:
    """``reply_to`` -> ``replyTo``; ``from_`` -> ``from`` (a trailing ``_`` escapes keywords).

    Used for keywords the generated map (``_keywords.py``) does not list, so that the core
    refuses them by their wire name.
    """
    name = keyword[:-1] if keyword.endswith("_") and len(keyword) > 1 else keyword
    return _CAMEL.sub(lambda m: m.group(1).upper(), name)


def _usage(message: str, field: str = "params") -> errors.AutoSendError:
    return errors._from_native(_native.local_error("validation", message, field))


def build(endpoint: Mapping[str, Any], args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Dict[str, Any]:
    """Merges the positional arguments and the keyword arguments.

    * one positional ``dict`` (any Mapping) is the REST JSON object and passes as is;
    * otherwise positional arguments are the path parameters, in path order
      (``client.inbound.attachment("msg1", "0", download=True)``); a path parameter may also
      be given as a keyword;
    * keyword arguments are the snake_case names of the top-level wire fields (``from_`` for
      ``from``); nested dicts pass as is and ``None`` values are left out.
    """
    method = f"{endpoint['python_namespace']}.{endpoint['python_name']}"
    path_params = list(endpoint.get("path_params") or [])
    names = KEYWORDS.get(endpoint["id"], {})
    params: Dict[str, Any] = {}
    if len(args) == 1 and isinstance(args[0], Mapping):
        for k in args[0].keys():
            if not isinstance(k, str):
                raise _usage(f"keys must be str, got a key of type {type(k).__name__}")
        params = dict(args[0])
    elif len(args) == 1 and args[0] is None:
        pass
    elif args:
        expected = "a dict of the REST fields"
        if path_params:
            expected += f" or the path parameters ({', '.join(path_params)}) as str"
        if len(args) > max(len(path_params), 1):
            raise TypeError(f"{method}() takes {expected} ({len(args)} positional arguments given)")
        if len(args) == 1 and not isinstance(args[0], str):
            raise _usage(f"{method}() expects {expected}, got {type(args[0]).__name__}")
        if not path_params:
            raise _usage(f"{method}() expects {expected}, got {type(args[0]).__name__}")
        for name, value in zip(path_params, args):
            if not isinstance(value, str):
                raise _usage(f"{method}() expects {name} as a str, got {type(value).__name__}", name)
            params[name] = value
    for key, value in kwargs.items():
        if value is None:
            continue
        name = names.get(key) or wire_name(key)
        if name in params:
            raise _usage(f"{name!r} was given twice (positionally or in the dict, and as a keyword)", name)
        params[name] = value
    return params
