"""AutoSend email API SDK.

>>> from autosend import AutoSend
>>> client = AutoSend()            # reads AUTOSEND_API_KEY when created
>>> sent = client.emails.send(from_={"email": "hello@mail.example.com"},
...                           to={"email": "ada@example.com"}, subject="Hi", html="<p>Hi</p>")
>>> sent["emailId"], sent.last_response.request_id
>>> client.contact_properties.list(include_reserved_fields=True)

Every rule (validation, headers, rate limits, retries, error mapping, webhook checks) runs in
the Rust core shared by all AutoSend SDKs; the network I/O runs in Rust with the GIL released.
"""

from __future__ import annotations

from . import _clash

_clash.check()
try:
    from . import _native  # noqa: F401  (loaded first, for a clear error)
except ImportError as _err:  # pragma: no cover - exercised by tests/test_name_clash.py
    raise _clash.native_missing(_err) from _err

from . import webhooks
from ._client import AsyncAutoSend, AutoSend
from ._paging import AsyncPage, AsyncPaginator, BulkChunk, BulkItem, BulkProgress, BulkReport, Page
from ._native import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS, __version__
from ._result import ApiResult, ApiResultList, BinaryResult, LastResponse, last_response
from ._transport import Transport, TransportError, TransportRequest
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ApiValidationError,
    AuthenticationError,
    AutoSendError,
    CallInterrupted,
    ConfigurationError,
    ConflictError,
    DeadlineExceededError,
    BudgetStoreError,
    InternalError,
    InvalidApiKeyError,
    InvalidBaseUrlError,
    InvalidResponseError,
    KeyScopeError,
    MissingProjectIdError,
    NotFoundError,
    PermissionDeniedError,
    PlanRequiredError,
    ProjectIdNotAllowedError,
    RateLimitError,
    ServerError,
    UnexpectedStatusError,
    UnknownEndpointError,
    ValidationError,
    WebhookVerificationError,
)

#: Per-attempt timeout in seconds when ``timeout=None`` (the core's default).
DEFAULT_TIMEOUT: float = DEFAULT_TIMEOUT_MS / 1000.0

__all__ = [
    "AutoSend",
    "AsyncAutoSend",
    "webhooks",
    "__version__",
    "DEFAULT_TIMEOUT",
    "DEFAULT_MAX_RETRIES",
    "LastResponse",
    "ApiResult",
    "ApiResultList",
    "BinaryResult",
    "last_response",
    "Page",
    "AsyncPage",
    "AsyncPaginator",
    "BulkProgress",
    "BulkItem",
    "BulkChunk",
    "BulkReport",
    "Transport",
    "TransportRequest",
    "TransportError",
    "AutoSendError",
    "CallInterrupted",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "ApiValidationError",
    "AuthenticationError",
    "ConfigurationError",
    "ConflictError",
    "DeadlineExceededError",
    "BudgetStoreError",
    "InternalError",
    "InvalidApiKeyError",
    "InvalidBaseUrlError",
    "InvalidResponseError",
    "KeyScopeError",
    "MissingProjectIdError",
    "NotFoundError",
    "PermissionDeniedError",
    "PlanRequiredError",
    "ProjectIdNotAllowedError",
    "RateLimitError",
    "ServerError",
    "UnexpectedStatusError",
    "UnknownEndpointError",
    "ValidationError",
    "WebhookVerificationError",
]
