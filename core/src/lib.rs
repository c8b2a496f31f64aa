//! # autosend — the sans-IO engine of the AutoSend SDKs
//!
//! Everything that decides *what goes on the wire* and *what an answer means* lives here,
//! once, so Rust, Node, Python and C behave identically:
//!
//! - [`ApiKey`]: parses `AS_` (project) and `ASA_` (account) keys, redacted everywhere.
//! - [`ClientConfig`]: validated options (key/project-id rules, HTTPS-only base URL).
//! - [`CATALOG`]: the table of all endpoints (method, path, query parameters, scope, retry
//!   safety, body schema, response kind, pagination), **generated** from the API description
//!   `api/openapi.json` by `python3 tools/codegen/generate.py`. To add or change an endpoint,
//!   edit `api/src/*.json` and run the generator; never edit `generated.rs` by hand. Bodies are
//!   checked by interpreting the generated schemas ([`Schema`]) plus a few named cross-field
//!   rules written once in the core; [`describe_catalog`] gives bindings the table as JSON.
//! - [`Call`]: the state machine of one call — `poll(now)` → `Send` / `Wait` / `Done`, fed by
//!   `handle_response` and `handle_transport_error`.
//! - [`RateLimiter`]: 2 requests/second and 50/minute per key, never exceeded.
//! - [`jwe`]: encrypted request bodies (JWE RSA-OAEP-256 + A256GCM), the JWKS parser, key
//!   choice and cache policy; randomness comes in from the binding.
//! - [`webhook::verify`]: HMAC-SHA256 webhook verification with typed events.
//!
//! There are no sockets, threads, clocks or unseeded randomness here: time and seeds come in
//! as arguments and requests go out as plain data. A transport (the `autosend-http` crate,
//! `fetch` in JS, libcurl in C…) sends them.
//!
//! ```
//! use autosend::{Client, ClientOptions, Poll};
//! let client = Client::new(ClientOptions::new("AS_example123")).unwrap();
//! let mut call = client
//!     .call("emails.send", serde_json::json!({
//!         "from": {"email": "hello@mail.example.com"},
//!         "to": {"email": "ada@example.com"},
//!         "subject": "Hi", "html": "<p>Hello</p>"
//!     }), 42)
//!     .unwrap();
//! match call.poll(0) {
//!     Poll::Send(req) => {
//!         assert_eq!(req.url, "https://api.autosend.com/v1/mails/send");
//!         call.handle_response(5, 200, &[], br#"{"success":true,"data":{"emailId":"e1"}}"#);
//!     }
//!     other => panic!("{other:?}"),
//! }
//! match call.poll(5) {
//!     Poll::Done(Ok(resp)) => assert_eq!(resp.data["emailId"], "e1"),
//!     other => panic!("{other:?}"),
//! }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod budget_redis;
mod call;
mod catalog;
pub mod chunk;
mod client;
mod config;
mod error;
pub mod event;
#[rustfmt::skip]
mod generated;
pub mod jwe;
mod key;
mod limiter;
pub mod limits;
pub mod pager;
pub mod proxy;
pub mod replay;
#[rustfmt::skip]
pub mod models;
mod request;
mod response;
mod rules;
mod schema;
pub mod types;
pub mod webhook;

pub use budget_redis::{BudgetNotice, BudgetOp, BudgetOpKind, OnRedisError, ENV_REDIS_URL};
pub use call::{
    Call, Poll, TransportErrorKind, BACKOFF_BASE_MS, BACKOFF_CAP_MS, MAX_RETRY_AFTER_MS,
};
pub use catalog::{
    describe_catalog, endpoint, Endpoint, Method, PageStyle, Pagination, ParamIn, ParamType,
    QueryParam, ResponseKind, Scope, CATALOG,
};
pub use chunk::{Chunker, Report as ChunkReport, Status as ChunkStatus};
pub use client::Client;
pub use config::{
    build_user_agent, normalize_base_url, AppInfo, CallOptions, ClientConfig, ClientOptions,
    RedisConfig, DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS, ENV_ACCOUNT_API_KEY,
    ENV_API_KEY, ENV_BASE_URL, ENV_PROJECT_ID, VERSION,
};
pub use error::{Category, Error, ErrorKind, FieldError};
pub use event::{Event, EventKind};
pub use key::{ApiKey, KeyKind};
pub use limiter::{
    private_limiter, shared_limiter, Acquire, ClockId, NameStyle, RateLimiter, RateLimits,
    SharedLimiter, ABANDON_MARGIN_MS, CLOCK_JUMP_MS, DEFAULT_GUARD_MS, MAX_FEEDBACK_WAIT_MS,
    MAX_IN_FLIGHT_MS,
};
pub use limits::{DEFAULT_DEADLINE_MS, INTERRUPT_CHECK_MS, MAX_CA_FILE_BYTES, MAX_RESPONSE_BYTES};
pub use pager::{PageInfo, Pager};
pub use proxy::{parse_proxy_url, ProxyUrl};
pub use replay::{replay_key, MemoryReplayStore, ReplayGuard, ReplayStore};
pub use request::{build_request, Request, DEFAULT_MAX_BODY_BYTES};
pub use response::{header, ApiResponse, DEFAULT_RETRY_AFTER_MS, RESPONSE_HEADERS};
pub use schema::{
    Additional, ArrayRule, Field, Format, NumberRule, ObjectRule, Schema, StringRule,
};
