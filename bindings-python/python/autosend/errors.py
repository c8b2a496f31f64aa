"""The AutoSend exception hierarchy.

Every error the SDK raises is an :class:`AutoSendError`. Its class says what went wrong, its
``code`` / ``kind`` are the stable numbers and names of the core contract (docs/contract.md),
and its message ends with what to do next. No message ever contains the API key.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Type

__all__ = [
    "AutoSendError",
    "InvalidApiKeyError",
    "ConfigurationError",
    "MissingProjectIdError",
    "ProjectIdNotAllowedError",
    "KeyScopeError",
    "InvalidBaseUrlError",
    "UnknownEndpointError",
    "ValidationError",
    "WebhookVerificationError",
    "ApiValidationError",
    "AuthenticationError",
    "PlanRequiredError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "RateLimitError",
    "ServerError",
    "UnexpectedStatusError",
    "InvalidResponseError",
    "APIConnectionError",
    "APITimeoutError",
    "DeadlineExceededError",
    "InternalError",
    "CallInterrupted",
]


class AutoSendError(Exception):
    """Base class of every AutoSend error.

    Attributes: ``kind`` (stable name, e.g. ``"rate_limited"``), ``code`` (stable number),
    ``category`` (usage / webhook / remote / transport / internal), ``hint`` (what to do),
    ``status`` (HTTP status or None), ``api_code`` (the server's ``error.code``),
    ``request_id``, ``retry_after_ms``, ``may_have_been_delivered``, ``field`` (failing field
    for validation errors) and ``details`` (``[{"field": ..., "message": ...}]``).
    """

    kind: str = "internal"
    code: int = 900
    category: str = "internal"

    def __init__(
        self,
        message: str,
        *,
        kind: Optional[str] = None,
        code: Optional[int] = None,
        category: Optional[str] = None,
        hint: str = "",
        status: Optional[int] = None,
        api_code: Optional[str] = None,
        request_id: Optional[str] = None,
        retry_after_ms: Optional[int] = None,
        may_have_been_delivered: bool = False,
        field: Optional[str] = None,
        details: Optional[List[Dict[str, str]]] = None,
        display: Optional[str] = None,
        page: Optional[int] = None,
    ) -> None:
        super().__init__(display if display is not None else message)
        self.message = message
        if kind is not None:
            self.kind = kind
        if code is not None:
            self.code = code
        if category is not None:
            self.category = category
        self.hint = hint
        self.status = status
        self.api_code = api_code
        self.request_id = request_id
        self.retry_after_ms = retry_after_ms
        self.may_have_been_delivered = may_have_been_delivered
        self.field = field
        self.details: List[Dict[str, str]] = list(details or [])
        #: Paged lists: the page whose request failed; call the method again with
        #: ``page=e.page`` to resume there. None for other calls.
        self.page: Optional[int] = page

    def __repr__(self) -> str:
        parts = [f"kind={self.kind!r}", f"code={self.code}"]
        if self.status is not None:
            parts.append(f"status={self.status}")
        if self.api_code is not None:
            parts.append(f"api_code={self.api_code!r}")
        if self.request_id is not None:
            parts.append(f"request_id={self.request_id!r}")
        parts.append(f"message={self.message!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def __reduce__(self) -> Any:
        return (_rebuild, (type(self), self._as_dict()))

    def _as_dict(self) -> Dict[str, Any]:
        return {
            "message": self.message,
            "kind": self.kind,
            "code": self.code,
            "category": self.category,
            "hint": self.hint,
            "status": self.status,
            "api_code": self.api_code,
            "request_id": self.request_id,
            "retry_after_ms": self.retry_after_ms,
            "may_have_been_delivered": self.may_have_been_delivered,
            "field": self.field,
            "details": self.details,
            "display": str(self),
            "page": self.page,
        }


def _rebuild(cls: Type[AutoSendError], data: Dict[str, Any]) -> AutoSendError:
    return cls(**data)


# --- usage errors: nothing was sent -------------------------------------------------------


class InvalidApiKeyError(AutoSendError):
    """The API key is missing or malformed (code 100)."""


class ConfigurationError(AutoSendError):
    """A client option or key/project combination is wrong (codes 101-104, 106, 107)."""


class MissingProjectIdError(ConfigurationError):
    """An account key (ASA_) was used without a project id (101)."""


class ProjectIdNotAllowedError(ConfigurationError):
    """A project key (AS_) was combined with a project id (102)."""


class KeyScopeError(ConfigurationError):
    """An account-only endpoint was called with a project key (103)."""


class InvalidBaseUrlError(ConfigurationError):
    """The base URL is malformed or not HTTPS (104)."""


class UnknownEndpointError(ConfigurationError):
    """The endpoint id is not in the catalog (106)."""


class ValidationError(AutoSendError, ValueError):
    """The request failed a documented limit locally; nothing was sent (105). See ``field``."""


class WebhookVerificationError(AutoSendError):
    """A webhook delivery failed verification (150-152): reject it."""


# --- remote errors: the API answered ---------------------------------------------------------


class APIStatusError(AutoSendError):
    """The API answered with an error status."""


class ApiValidationError(APIStatusError):
    """HTTP 400/422: the API rejected the content; see ``details`` (200)."""


class AuthenticationError(APIStatusError):
    """HTTP 401: the key was not accepted (201)."""


class PlanRequiredError(APIStatusError):
    """HTTP 402 or PLAN_UPGRADE_REQUIRED (202)."""


class PermissionDeniedError(APIStatusError):
    """HTTP 403 (203)."""


class NotFoundError(APIStatusError):
    """HTTP 404 (204)."""


class ConflictError(APIStatusError):
    """HTTP 409 (205)."""


class RateLimitError(APIStatusError):
    """HTTP 429 after the retries were used (206). ``retry_after`` is in seconds."""

    @property
    def retry_after(self) -> Optional[float]:
        return None if self.retry_after_ms is None else self.retry_after_ms / 1000.0


class ServerError(APIStatusError):
    """HTTP 5xx (207). Check ``may_have_been_delivered`` before re-sending."""


class UnexpectedStatusError(APIStatusError):
    """Any other non-2xx status (208)."""


class InvalidResponseError(APIStatusError):
    """A 2xx whose body is not JSON (209)."""


# --- transport errors -------------------------------------------------------------------------


class APIConnectionError(AutoSendError):
    """The request could not be completed on the network (300, 302).

    ``may_have_been_delivered`` is True when a non-idempotent request went out before the
    connection failed: check the mail status before sending again.
    """


class APITimeoutError(APIConnectionError):
    """An attempt timed out after the request was sent (301)."""


class DeadlineExceededError(APITimeoutError):
    """The overall ``deadline`` passed before the call could finish (303)."""


class BudgetStoreError(APIConnectionError):
    """The shared rate-limit budget on Redis failed and ``on_redis_error="raise"`` was set
    (320): nothing was sent. Check ``redis_url`` / ``AUTOSEND_REDIS_URL``."""


class InternalError(AutoSendError):
    """A bug in the SDK, including a caught panic (900, 901). The client stays usable."""


class CallInterrupted(KeyboardInterrupt):
    """Ctrl-C (SIGINT) interrupted a blocking call (at most ~100 ms after the signal).

    A subclass of :class:`KeyboardInterrupt`, not of :class:`AutoSendError` (nor of
    ``Exception``): ``except KeyboardInterrupt`` still stops the program and a broad
    ``except Exception`` does not swallow Ctrl-C. It carries what the call knew:

    - ``error``: the :class:`AutoSendError` of the call (kind ``aborted``, 304, when the wait
      was cut short), also set as ``__cause__``;
    - ``may_have_been_delivered``: True if the request may have left (or was answered):
      check the mail's status before sending it again;
    - ``response``: the answer, if it had arrived before the interruption, and ``email_id``
      (its ``emailId``, for a send).
    """

    def __init__(self, error: AutoSendError, response: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.kind = error.kind
        self.code = error.code
        self.may_have_been_delivered = bool(error.may_have_been_delivered)
        self.response: Optional[Dict[str, Any]] = None if response is None else dict(response)
        data = self.response.get("data") if self.response else None
        email_id = data.get("emailId") if isinstance(data, Mapping) else None
        self.email_id: Optional[str] = email_id if isinstance(email_id, str) else None

    def __repr__(self) -> str:
        return (
            f"CallInterrupted(may_have_been_delivered={self.may_have_been_delivered!r}, "
            f"email_id={self.email_id!r}, error={self.error!r})"
        )


def _interrupted(signal_exc: BaseException, error: AutoSendError, response: Any) -> BaseException:
    """Called by the native module when a signal handler raised during (or right after) a call."""
    if not isinstance(signal_exc, KeyboardInterrupt):
        # Another handler's exception (SystemExit, a custom one) is raised as it is.
        signal_exc.__context__ = error
        return signal_exc
    exc = CallInterrupted(error, response)
    exc.__cause__ = error
    return exc


_BY_KIND: Mapping[str, Type[AutoSendError]] = {
    "invalid_api_key": InvalidApiKeyError,
    "missing_project_id": MissingProjectIdError,
    "project_id_not_allowed": ProjectIdNotAllowedError,
    "key_scope": KeyScopeError,
    "invalid_base_url": InvalidBaseUrlError,
    "validation": ValidationError,
    "unknown_endpoint": UnknownEndpointError,
    "invalid_config": ConfigurationError,
    "webhook_invalid_signature": WebhookVerificationError,
    "webhook_timestamp": WebhookVerificationError,
    "webhook_malformed": WebhookVerificationError,
    "api_validation": ApiValidationError,
    "authentication": AuthenticationError,
    "plan_required": PlanRequiredError,
    "permission": PermissionDeniedError,
    "not_found": NotFoundError,
    "conflict": ConflictError,
    "rate_limited": RateLimitError,
    "server": ServerError,
    "unexpected_status": UnexpectedStatusError,
    "invalid_response": InvalidResponseError,
    "connect": APIConnectionError,
    "timeout": APITimeoutError,
    "connection_lost": APIConnectionError,
    # A call given up by the caller (Ctrl-C mid-call; Python raises CallInterrupted around it).
    "aborted": APIConnectionError,
    "deadline_exceeded": DeadlineExceededError,
    "budget_store": BudgetStoreError,
    "internal": InternalError,
    "panic": InternalError,
}

_CATEGORY_FALLBACK: Mapping[str, Type[AutoSendError]] = {
    "usage": ConfigurationError,
    "webhook": WebhookVerificationError,
    "remote": APIStatusError,
    "transport": APIConnectionError,
    "internal": InternalError,
}


def exception_class(kind: str, category: str = "internal") -> Type[AutoSendError]:
    """The exception class raised for an error ``kind`` (new kinds fall back by category)."""
    return _BY_KIND.get(kind) or _CATEGORY_FALLBACK.get(category, AutoSendError)


def _from_native(data: Dict[str, Any]) -> AutoSendError:
    """Called by the native module to build the exception for a core error."""
    kind = str(data.get("kind") or "internal")
    cls = exception_class(kind, str(data.get("category") or "internal"))
    details = data.get("details") or []
    return cls(
        str(data.get("message") or ""),
        kind=kind,
        code=int(data.get("code") or 900),
        category=str(data.get("category") or "internal"),
        hint=str(data.get("hint") or ""),
        status=data.get("status"),
        api_code=data.get("api_code"),
        request_id=data.get("request_id"),
        retry_after_ms=data.get("retry_after_ms"),
        may_have_been_delivered=bool(data.get("may_have_been_delivered")),
        field=data.get("field"),
        details=[dict(d) for d in details],
        display=data.get("display"),
    )
