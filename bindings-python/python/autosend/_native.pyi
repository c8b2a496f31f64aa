# Checked against the compiled module by `python -m mypy.stubtest autosend._native` (test.sh).
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Tuple, Union

from typing_extensions import Self, final

__all__ = [
    "__version__",
    "CORE_VERSION",
    "DEFAULT_TIMEOUT_MS",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_BASE_URL",
    "DEFAULT_DEADLINE_MS",
    "MAX_RESPONSE_BYTES",
    "MAX_CA_FILE_BYTES",
    "ENV_NAMES",
    "Client",
    "AsyncClient",
    "SansIoClient",
    "Call",
    "RateLimiter",
    "Pager",
    "Chunker",
    "CHUNKED",
    "TRANSPORT_ERROR_KINDS",
    "parse_key",
    "describe_catalog",
    "error_kinds",
    "local_error",
    "verify_webhook",
    "sign_webhook",
    "read_ca_file",
    "webhook_replay_key",
    "ReplayGuard",
    "REPLAY_DEFAULT_TTL_MS",
    "REPLAY_DEFAULT_CAPACITY",
    "seconds_to_ms",
    "to_json_text",
    "_debug_panic",
    "at_exit",
]

__version__: str
CORE_VERSION: str
DEFAULT_TIMEOUT_MS: int
DEFAULT_MAX_RETRIES: int
DEFAULT_BASE_URL: str
DEFAULT_DEADLINE_MS: int
MAX_RESPONSE_BYTES: int
MAX_CA_FILE_BYTES: int
ENV_NAMES: Tuple[str, ...]
CHUNKED: List[Tuple[str, List[str]]]
TRANSPORT_ERROR_KINDS: List[str]

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
        rate_limits: Optional[Mapping[str, int]] = None,
        redis_url: Optional[str] = None,
        on_redis_error: Optional[str] = None,
        encrypt_payloads: bool = False,
        app_info: Optional[Mapping[str, str]] = None,
        proxy: Optional[str] = None,
        transport: Optional[Callable[[Dict[str, Any]], Any]] = None,
    ) -> Self: ...
    def call(self, endpoint: str, params: Any, encrypt: Optional[bool] = None, timeout_ms: Optional[int] = None, max_retries: Optional[int] = None) -> Dict[str, Any]: ...
    def fetch_page(self, pager: Pager) -> Optional[Dict[str, Any]]: ...
    def bulk_step(self, chunker: Chunker) -> Optional[Dict[str, Any]]: ...
    def rotate_key(self, api_key: str) -> None: ...
    def describe(self) -> Dict[str, Any]: ...
    def set_on_event(self, callback: Optional[Callable[[Dict[str, Any]], object]]) -> None: ...

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
        rate_limits: Optional[Mapping[str, int]] = None,
        redis_url: Optional[str] = None,
        on_redis_error: Optional[str] = None,
        encrypt_payloads: bool = False,
        app_info: Optional[Mapping[str, str]] = None,
        proxy: Optional[str] = None,
    ) -> Self: ...
    def call(self, endpoint: str, params: Any, encrypt: Optional[bool] = None, timeout_ms: Optional[int] = None, max_retries: Optional[int] = None) -> Awaitable[Dict[str, Any]]: ...
    def fetch_page(self, pager: Pager) -> Awaitable[Optional[Dict[str, Any]]]: ...
    def bulk_step(self, chunker: Chunker) -> Awaitable[Optional[Dict[str, Any]]]: ...
    def rotate_key(self, api_key: str) -> None: ...
    def describe(self) -> Dict[str, Any]: ...
    def set_on_event(self, callback: Optional[Callable[[Dict[str, Any]], object]]) -> None: ...

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
        rate_limits: Optional[Mapping[str, int]] = None,
    ) -> Self: ...
    def call(self, endpoint: str, params: Any, seed: int = 0, encrypt: Optional[bool] = None) -> Call: ...
    def rotate_key(self, api_key: str) -> None: ...

@final
class Call:
    @staticmethod
    def budget_interpret(op: str, reply: Any) -> Dict[str, Any]: ...
    @property
    def attempts(self) -> int: ...
    def entropy_needed(self) -> int: ...
    def provide_entropy(self, data: bytes) -> None: ...
    def poll(self, now_ms: int) -> Tuple[str, Any]: ...
    def handle_response(self, now_ms: int, status: int, headers: Any, body: bytes) -> None: ...
    def handle_transport_error(self, now_ms: int, kind: str) -> None: ...
    def record_events(self, on: bool) -> None: ...
    def poll_event(self) -> Optional[Dict[str, Any]]: ...

@final
class RateLimiter:
    def __new__(
        cls,
        per_second: Optional[int] = None,
        per_minute: Optional[int] = None,
        second_ms: Optional[int] = None,
        minute_ms: Optional[int] = None,
    ) -> Self: ...
    def acquire(self, now_ms: int) -> Optional[int]: ...
    def settle(self, grant: int, now_ms: int) -> None: ...
    def refund(self, grant: int) -> None: ...
    def block_for(self, now_ms: int, wait_ms: int) -> None: ...

@final
class Pager:
    def __new__(cls, endpoint: str, params: Any) -> Self: ...
    @property
    def endpoint(self) -> str: ...
    @property
    def page(self) -> Optional[int]: ...
    @property
    def done(self) -> bool: ...
    def next_params(self) -> Optional[Dict[str, Any]]: ...
    def handle_page(self, data: Any) -> Dict[str, Any]: ...
    def copy(self) -> Pager: ...
    def describe(self) -> Dict[str, Any]: ...

@final
class Chunker:
    def __new__(cls, endpoint: str, params: Any) -> Self: ...
    @property
    def endpoint(self) -> str: ...
    @property
    def chunk_size(self) -> int: ...
    @property
    def chunks(self) -> int: ...
    @property
    def done(self) -> bool: ...
    def chunk_params(self, index: int) -> Optional[Dict[str, Any]]: ...
    def next_chunk(self) -> Optional[Tuple[int, Dict[str, Any]]]: ...
    def record_ok(self, index: int, data: Any) -> None: ...
    def record_error(self, index: int, kind: str, message: str, field: Optional[str] = None) -> None: ...
    def record_call(self, index: int, call: Call, now_ms: int) -> None: ...
    def progress(self) -> Dict[str, Any]: ...
    def report(self) -> Dict[str, Any]: ...

def parse_key(key: str) -> Tuple[str, str]: ...
def describe_catalog() -> List[Dict[str, Any]]: ...
def error_kinds() -> List[Tuple[int, str, str, str]]: ...
def local_error(kind: str, message: str, field: Optional[str] = None) -> Dict[str, Any]: ...
def verify_webhook(
    body: Union[bytes, str],
    headers: Any,
    secret: str,
    now: float,
    tolerance: Optional[float] = None,
    future_tolerance: Optional[float] = None,
) -> Dict[str, Any]: ...
def read_ca_file(path: str) -> bytes: ...
def sign_webhook(body: bytes, secret: str) -> str: ...
def webhook_replay_key(body: bytes) -> str: ...

REPLAY_DEFAULT_TTL_MS: int
REPLAY_DEFAULT_CAPACITY: int

@final
class ReplayGuard:
    def __new__(cls, ttl_ms: int, capacity: int) -> Self: ...
    def first_seen(self, body: bytes, now_ms: int) -> bool: ...
    def __len__(self) -> int: ...

def seconds_to_ms(field: str, seconds: float) -> int: ...
def to_json_text(value: Any) -> str: ...
def _debug_panic() -> None: ...
def at_exit() -> None: ...
