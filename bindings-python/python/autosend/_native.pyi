# Checked against the compiled module by `python -m mypy.stubtest autosend._native` (test.sh).
from typing import Any, Awaitable, Dict, List, Mapping, Optional, Tuple

from typing_extensions import Self, final

__all__ = [
    "__version__",
    "CORE_VERSION",
    "DEFAULT_TIMEOUT_MS",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_BASE_URL",
    "ENV_NAMES",
    "Client",
    "AsyncClient",
    "SansIoClient",
    "Call",
    "RateLimiter",
    "parse_key",
    "describe_catalog",
    "error_kinds",
    "local_error",
    "verify_webhook",
    "sign_webhook",
    "to_json_text",
    "_debug_panic",
]

__version__: str
CORE_VERSION: str
DEFAULT_TIMEOUT_MS: int
DEFAULT_MAX_RETRIES: int
DEFAULT_BASE_URL: str
ENV_NAMES: Tuple[str, str, str, str]

@final
class Client:
    def __new__(
        cls,
        api_key: Optional[str] = None,
        *,
        project_id: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout_ms: Optional[int] = None,
        max_retries: Optional[int] = None,
        retry_non_idempotent: bool = False,
        deadline_ms: Optional[int] = None,
        ca_pem: Optional[bytes] = None,
        env: Optional[Mapping[str, str]] = None,
    ) -> Self: ...
    def call(self, endpoint: str, params: Any) -> Dict[str, Any]: ...
    def rotate_key(self, api_key: str) -> None: ...
    def describe(self) -> Dict[str, Any]: ...

@final
class AsyncClient:
    def __new__(
        cls,
        api_key: Optional[str] = None,
        *,
        project_id: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout_ms: Optional[int] = None,
        max_retries: Optional[int] = None,
        retry_non_idempotent: bool = False,
        deadline_ms: Optional[int] = None,
        ca_pem: Optional[bytes] = None,
        env: Optional[Mapping[str, str]] = None,
    ) -> Self: ...
    def call(self, endpoint: str, params: Any) -> Awaitable[Dict[str, Any]]: ...
    def rotate_key(self, api_key: str) -> None: ...
    def describe(self) -> Dict[str, Any]: ...

@final
class SansIoClient:
    def __new__(
        cls,
        api_key: Optional[str],
        *,
        project_id: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout_ms: Optional[int] = None,
        max_retries: Optional[int] = None,
        retry_non_idempotent: bool = False,
        deadline_ms: Optional[int] = None,
        per_second: Optional[int] = None,
        per_minute: Optional[int] = None,
        shared_limiter: bool = False,
    ) -> Self: ...
    def call(self, endpoint: str, params: Any, seed: int = 0) -> Call: ...
    def rotate_key(self, api_key: str) -> None: ...

@final
class Call:
    @property
    def attempts(self) -> int: ...
    def poll(self, now_ms: int) -> Tuple[str, Any]: ...
    def handle_response(self, now_ms: int, status: int, headers: Any, body: bytes) -> None: ...
    def handle_transport_error(self, now_ms: int, kind: str) -> None: ...

@final
class RateLimiter:
    def __new__(cls, per_second: Optional[int] = None, per_minute: Optional[int] = None) -> Self: ...
    def acquire(self, now_ms: int) -> Optional[int]: ...
    def block_for(self, now_ms: int, wait_ms: int) -> None: ...

def parse_key(key: str) -> Tuple[str, str]: ...
def describe_catalog() -> List[Dict[str, Any]]: ...
def error_kinds() -> List[Tuple[int, str, str, str]]: ...
def local_error(kind: str, message: str, field: Optional[str] = None) -> Dict[str, Any]: ...
def verify_webhook(
    body: bytes,
    headers: Any,
    secret: str,
    now_ms: int,
    tolerance_past_ms: Optional[int] = None,
    tolerance_future_ms: Optional[int] = None,
) -> Dict[str, Any]: ...
def sign_webhook(body: bytes, secret: str) -> str: ...
def to_json_text(value: Any) -> str: ...
def _debug_panic() -> None: ...
