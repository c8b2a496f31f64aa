"""Turning a method's arguments into the one JSON object the core expects."""

from __future__ import annotations

import re
from typing import Any, Dict, Mapping, Optional, Tuple

from . import errors

_CAMEL = re.compile(r"_([a-z0-9])")


def wire_name(keyword: str) -> str:
    """``reply_to`` -> ``replyTo``; ``from_`` -> ``from`` (a trailing ``_`` escapes keywords)."""
    name = keyword[:-1] if keyword.endswith("_") and len(keyword) > 1 else keyword
    return _CAMEL.sub(lambda m: m.group(1).upper(), name)


def _usage(message: str, field: str = "params") -> errors.ValidationError:
    return errors.ValidationError(
        f"{field}: {message}",
        kind="validation",
        code=105,
        category="usage",
        hint="Fix the named field and call again; nothing was sent.",
        field=field,
        details=[{"field": field, "message": message}],
        display=f"{field}: {message} (autosend error 105 validation). "
        "Fix the named field and call again; nothing was sent.",
    )


def build(endpoint: Mapping[str, Any], args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Dict[str, Any]:
    """Merges the optional positional argument and the keyword arguments.

    * a positional ``dict`` (any Mapping) is the REST JSON object and passes as is;
    * for endpoints with exactly one path parameter, a positional ``str`` is that parameter
      (``client.contacts.get("c1")``);
    * keyword arguments are snake_case names of the top-level wire fields; only the top-level
      names are converted (nested dicts pass as is) and ``None`` values are left out.
    """
    method = f"{endpoint['namespace']}.{endpoint['python_name']}"
    if len(args) > 1:
        raise TypeError(f"{method}() takes at most one positional argument ({len(args)} given)")
    params: Dict[str, Any] = {}
    if args:
        first: Optional[Any] = args[0]
        path_params = list(endpoint.get("path_params") or [])
        if first is None:
            pass
        elif isinstance(first, Mapping):
            for k in first.keys():
                if not isinstance(k, str):
                    raise _usage(f"keys must be str, got a key of type {type(k).__name__}")
            params = dict(first)
        elif isinstance(first, str) and len(path_params) == 1:
            params = {path_params[0]: first}
        else:
            expected = "a dict of the REST fields"
            if len(path_params) == 1:
                expected += f" or the {path_params[0]} as a str"
            raise _usage(f"{method}() expects {expected}, got {type(first).__name__}")
    for key, value in kwargs.items():
        if value is None:
            continue
        name = wire_name(key)
        if name in params:
            raise _usage(f"{name!r} was given twice (in the dict and as a keyword)", name)
        params[name] = value
    return params
