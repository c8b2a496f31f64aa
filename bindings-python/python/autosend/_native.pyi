from typing import Any, Awaitable, Dict, List, Mapping, Optional, Tuple

__version__: str
CORE_VERSION: str

class Client:
    def __init__(
        self,
        api_key: Optional[str] = None,
        *,
        project_id: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout_ms: int = 30000,
        max_retries: int = 3,
        retry_non_idempotent: bool = False,
        deadline_ms: Optional[int] = None,
        ca_pem: Optional[bytes] = None,
        env: Optional[Mapping[str, str]] = None,
    ) -> None: ...
    def call(self, endpoint: str, params: Any) -> Dict[str, Any]: ...
    def rotate_key(self, api_key: str) -> None: ...
    def describe(self) -> Dict[str, Any]: ...

class AsyncClient:
    def __init__(
        self,
        api_key: Optional[str] = None,
        *,
        project_id: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout_ms: int = 30000,
        max_retries: int = 3,
        retry_non_idempotent: bool = False,
        deadline_ms: Optional[int] = None,
        ca_pem: Optional[bytes] = None,
        env: Optional[Mapping[str, str]] = None,
    ) -> None: ...
    def call(self, endpoint: str, params: Any) -> Awaitable[Dict[str, Any]]: ...
    def rotate_key(self, api_key: str) -> None: ...
    def describe(self) -> Dict[str, Any]: ...

class SansIoClient:
    def __init__(
        self,
        api_key: Optional[str],
        *,
        project_id: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout_ms: int = 30000,
        max_retries: int = 3,
        retry_non_idempotent: bool = False,
        deadline_ms: Optional[int] = None,
        per_second: Optional[int] = None,
        per_minute: Optional[int] = None,
        shared_limiter: bool = False,
    ) -> None: ...
    def call(self, endpoint: str, params: Any, seed: int = 0) -> Call: ...
    def rotate_key(self, api_key: str) -> None: ...

class Call:
    @property
    def attempts(self) -> int: ...
    def poll(self, now_ms: int) -> Tuple[str, Any]: ...
    def handle_response(self, now_ms: int, status: int, headers: Any, body: bytes) -> None: ...
    def handle_transport_error(self, now_ms: int, kind: str) -> None: ...

class RateLimiter:
    def __init__(self, per_second: int = 2, per_minute: int = 50) -> None: ...
    def acquire(self, now_ms: int) -> Optional[int]: ...
    def block_for(self, now_ms: int, wait_ms: int) -> None: ...

def parse_key(key: str) -> Tuple[str, str]: ...
def describe_catalog() -> List[Dict[str, Any]]: ...
def error_kinds() -> List[Tuple[int, str, str, str]]: ...
def verify_webhook(
    body: bytes,
    headers: Any,
    secret: str,
    now_ms: int,
    tolerance_past_ms: int = 300000,
    tolerance_future_ms: int = 60000,
) -> Dict[str, Any]: ...
def sign_webhook(body: bytes, secret: str) -> str: ...
def to_json_text(value: Any) -> str: ...
def _debug_panic() -> None: ...
