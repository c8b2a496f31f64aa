//! Structured events of a call, for logging and introspection (issue 15 item 5).
//!
//! A [`crate::Call`] records what it decides — a request handed out, an answer or a transport
//! failure, a retry and why, a rate-limit wait, a fallback of the shared budget, the end of
//! the call — as plain [`Event`] values in a queue the binding drains with
//! [`crate::Call::poll_event`] after each step, and routes idiomatically (Rust `log`, Python
//! `logging.getLogger("autosend")`, JS `onEvent`/`logger`/`AUTOSEND_LOG=debug`, a C callback).
//! Nothing is recorded until [`crate::Call::record_events`] turns it on, so a call nobody
//! listens to pays one branch per decision.
//!
//! **Invariant:** an event never holds a header, a body, a query string or the key: only the
//! endpoint id, the method, the URL path (path parameters percent-encoded as sent), numbers,
//! fixed reason names and the server's request id (scrubbed of the key like every server text).

use crate::limiter::NameStyle;
use serde_json::{Map, Value};

/// Environment variable that turns on logging of call events to the console in runtimes
/// without a logging framework of their own (JavaScript): `debug` (every event) or `info`
/// (retries, waits, transport failures, failed calls). Read by the binding, judged by
/// [`log_threshold`].
pub const ENV_LOG: &str = "AUTOSEND_LOG";

/// The threshold an [`ENV_LOG`] value names: `Some("debug")`, `Some("info")`, or `None`
/// (unset, empty, `off`, or anything else: nothing is logged). Case and spaces ignored.
pub fn log_threshold(value: &str) -> Option<&'static str> {
    match value.trim().to_ascii_lowercase().as_str() {
        "debug" | "trace" | "all" => Some("debug"),
        "info" => Some("info"),
        _ => None,
    }
}

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A request was handed to the transport (`attempt`; the key fetch of an encrypting call
    /// has endpoint `jwks.get` and the attempt count so far).
    Request,
    /// Its answer arrived (`status`, `request_id`, `duration_ms` since the request).
    Response,
    /// The attempt failed below HTTP (`reason`: `connect`, `timeout`, `connection_lost`).
    TransportError,
    /// Another attempt is scheduled after `wait_ms` (`reason`: the error kind of the failed
    /// attempt, e.g. `rate_limited`, `server_error`, `connect`).
    Retry,
    /// The rate-limit budget holds the call back for `wait_ms` (`reason`: `rate_limit`).
    RateLimitWait,
    /// The shared budget on Redis failed; the call uses the process-local budget or fails
    /// (`reason`: `budget_store_fallback` or `budget_store_raise`).
    BudgetNotice,
    /// The call ended (`ok`, `status`, `request_id`, `error` kind on failure, `attempts`,
    /// `duration_ms` since the first poll).
    Done,
}

impl EventKind {
    /// The stable name: `request`, `response`, `transport_error`, `retry`,
    /// `rate_limit_wait`, `budget_notice`, `done`.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Request => "request",
            EventKind::Response => "response",
            EventKind::TransportError => "transport_error",
            EventKind::Retry => "retry",
            EventKind::RateLimitWait => "rate_limit_wait",
            EventKind::BudgetNotice => "budget_notice",
            EventKind::Done => "done",
        }
    }
}

/// One structured event. Fields a kind does not use are `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// What happened.
    pub kind: EventKind,
    /// The endpoint id (`emails.send`; `jwks.get` for an encrypting call's key fetch).
    pub endpoint: &'static str,
    /// HTTP method of the request.
    pub method: &'static str,
    /// URL path of the request, without the query string.
    pub path: String,
    /// Attempt number (1 for the first send); attempts made so far for other kinds.
    pub attempt: u32,
    /// HTTP status (`response`, `done`).
    pub status: Option<u16>,
    /// The server's request id (`response`, `done`).
    pub request_id: Option<String>,
    /// Ms since the request was handed out (`response`, `transport_error`) or since the
    /// call's first poll (`done`).
    pub duration_ms: Option<u64>,
    /// Ms the call waits (`retry`, `rate_limit_wait`).
    pub wait_ms: Option<u64>,
    /// A fixed reason name (`retry`, `transport_error`, `rate_limit_wait`, `budget_notice`).
    pub reason: Option<&'static str>,
    /// The call succeeded (`done`).
    pub ok: Option<bool>,
    /// The error kind the call failed with (`done`).
    pub error: Option<&'static str>,
}

impl Event {
    /// The event as a JSON object. Absent fields are left out; names follow `style`
    /// (`request_id`/`requestId`, `duration_ms`/`durationMs`, `wait_ms`/`waitMs`). The
    /// `kind` value is always the snake-case name.
    pub fn to_json(&self, style: NameStyle) -> Value {
        let camel = style == NameStyle::Camel;
        let mut m = Map::new();
        m.insert("kind".into(), self.kind.name().into());
        m.insert("endpoint".into(), self.endpoint.into());
        m.insert("method".into(), self.method.into());
        m.insert("path".into(), self.path.clone().into());
        m.insert("attempt".into(), self.attempt.into());
        let name = |snake: &'static str, cam: &'static str| if camel { cam } else { snake };
        if let Some(s) = self.status {
            m.insert("status".into(), s.into());
        }
        if let Some(r) = &self.request_id {
            m.insert(name("request_id", "requestId").into(), r.clone().into());
        }
        if let Some(d) = self.duration_ms {
            m.insert(name("duration_ms", "durationMs").into(), d.into());
        }
        if let Some(w) = self.wait_ms {
            m.insert(name("wait_ms", "waitMs").into(), w.into());
        }
        if let Some(r) = self.reason {
            m.insert("reason".into(), r.into());
        }
        if let Some(o) = self.ok {
            m.insert("ok".into(), o.into());
        }
        if let Some(e) = self.error {
            m.insert("error".into(), e.into());
        }
        Value::Object(m)
    }

    /// One line for a human log: `autosend: emails.send POST /mails/send attempt 1 → 200
    /// (req_…, 35 ms)`. No secrets (see the module invariant).
    pub fn message(&self) -> String {
        let head = format!("{} {} {}", self.endpoint, self.method, self.path);
        match self.kind {
            EventKind::Request => format!("{head}: sending attempt {}", self.attempt),
            EventKind::Response => format!(
                "{head}: HTTP {} in {} ms (attempt {}, request id {})",
                self.status.unwrap_or(0),
                self.duration_ms.unwrap_or(0),
                self.attempt,
                self.request_id.as_deref().unwrap_or("none")
            ),
            EventKind::TransportError => format!(
                "{head}: {} after {} ms (attempt {})",
                self.reason.unwrap_or("transport error"),
                self.duration_ms.unwrap_or(0),
                self.attempt
            ),
            EventKind::Retry => format!(
                "{head}: retrying in {} ms after {} (attempt {} failed)",
                self.wait_ms.unwrap_or(0),
                self.reason.unwrap_or("an error"),
                self.attempt
            ),
            EventKind::RateLimitWait => format!(
                "{head}: waiting {} ms for the rate-limit budget",
                self.wait_ms.unwrap_or(0)
            ),
            EventKind::BudgetNotice => {
                format!("{head}: {}", self.reason.unwrap_or("budget notice"))
            }
            EventKind::Done => match (self.ok, self.error) {
                (Some(true), _) => format!(
                    "{head}: done, HTTP {} after {} attempt(s) in {} ms",
                    self.status.unwrap_or(0),
                    self.attempt,
                    self.duration_ms.unwrap_or(0)
                ),
                (_, e) => format!(
                    "{head}: failed with {} after {} attempt(s) in {} ms",
                    e.unwrap_or("an error"),
                    self.attempt,
                    self.duration_ms.unwrap_or(0)
                ),
            },
        }
    }

    /// True when a logger at `threshold` (`debug` or `info`, see [`log_threshold`]) shows
    /// this event.
    pub fn shown_at(&self, threshold: &str) -> bool {
        threshold == "debug" || self.level() != "debug"
    }

    /// The level a logger should use: `debug` for requests, answers and a successful end;
    /// `info` for a transport failure, a retry, a rate-limit wait, a budget notice or a
    /// failed call.
    pub fn level(&self) -> &'static str {
        match self.kind {
            EventKind::Request | EventKind::Response => "debug",
            EventKind::TransportError
            | EventKind::Retry
            | EventKind::RateLimitWait
            | EventKind::BudgetNotice => "info",
            EventKind::Done if self.ok == Some(true) => "debug",
            EventKind::Done => "info",
        }
    }
}
