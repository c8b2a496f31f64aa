"""AutoSend email API SDK.

>>> from autosend import AutoSend
>>> client = AutoSend()            # reads AUTOSEND_API_KEY when created
>>> client.emails.send(from_={"email": "hello@mail.example.com"},
...                    to={"email": "ada@example.com"}, subject="Hi", html="<p>Hi</p>")

Every rule (validation, headers, rate limits, retries, error mapping, webhook checks) runs in
the Rust core shared by all AutoSend SDKs; the network I/O runs in Rust with the GIL released.
"""

from __future__ import annotations

from . import webhooks
from ._client import AsyncAutoSend, AutoSend
from ._native import __version__
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ApiValidationError,
    AuthenticationError,
    AutoSendError,
    ConfigurationError,
    ConflictError,
    DeadlineExceededError,
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

__all__ = [
    "AutoSend",
    "AsyncAutoSend",
    "webhooks",
    "__version__",
    "AutoSendError",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "ApiValidationError",
    "AuthenticationError",
    "ConfigurationError",
    "ConflictError",
    "DeadlineExceededError",
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
