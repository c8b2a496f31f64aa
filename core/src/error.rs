//! One error taxonomy for every language, with stable numeric codes.
//!
//! The numbers and names are part of the public contract (`docs/contract.md`): bindings map
//! [`ErrorKind`] to JS `Error` subclasses, Python exceptions and C result codes, so a number is
//! never reused or changed.

use serde::Serialize;
use std::fmt;

/// Who is to blame for an error, and so what kind of fix it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// The caller passed something the SDK refuses before sending anything.
    Usage,
    /// A webhook delivery failed verification.
    Webhook,
    /// The API answered with an error.
    Remote,
    /// The request could not be completed on the network.
    Transport,
    /// A bug in the SDK.
    Internal,
}

macro_rules! error_kinds {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $name:literal, $cat:ident, $hint:literal; )*) => {
        /// Every error the SDK can report. The discriminant is the stable numeric code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u16)]
        #[non_exhaustive]
        pub enum ErrorKind {
            $( $(#[$doc])* $variant = $code, )*
        }

        impl ErrorKind {
            /// Every kind, in code order.
            pub const ALL: &'static [ErrorKind] = &[ $( ErrorKind::$variant, )* ];

            /// The stable numeric code.
            pub fn code(self) -> u16 {
                self as u16
            }

            /// The stable snake_case name (`rate_limited`, …).
            pub fn name(self) -> &'static str {
                match self { $( ErrorKind::$variant => $name, )* }
            }

            /// Who is to blame.
            pub fn category(self) -> Category {
                match self { $( ErrorKind::$variant => Category::$cat, )* }
            }

            /// What the caller should do next.
            pub fn hint(self) -> &'static str {
                match self { $( ErrorKind::$variant => $hint, )* }
            }

            /// Looks a kind up by its stable name.
            pub fn from_name(name: &str) -> Option<ErrorKind> {
                match name { $( $name => Some(ErrorKind::$variant), )* _ => None }
            }

            /// Looks a kind up by its stable code.
            pub fn from_code(code: u16) -> Option<ErrorKind> {
                match code { $( $code => Some(ErrorKind::$variant), )* _ => None }
            }
        }
    };
}

error_kinds! {
    /// The API key is missing or malformed.
    InvalidApiKey = 100, "invalid_api_key", Usage,
        "Pass a key of the form AS_<alphanumerics> (project) or ASA_<alphanumerics> (account), as shown once in the dashboard under Account > API Keys.";
    /// An account key was used without a project id where one is needed.
    MissingProjectId = 101, "missing_project_id", Usage,
        "Account keys (ASA_) need the target project: pass project_id (sent as x-project-id), or use that project's AS_ key.";
    /// A project key was combined with a project id.
    ProjectIdNotAllowed = 102, "project_id_not_allowed", Usage,
        "Project keys (AS_) are bound to one project: drop project_id, or use an account key (ASA_) to pick projects.";
    /// An account-only endpoint was called with a project key.
    KeyScope = 103, "key_scope", Usage,
        "This endpoint manages projects and needs an account key (ASA_); create one under Account > API Keys.";
    /// The base URL is malformed or not HTTPS.
    InvalidBaseUrl = 104, "invalid_base_url", Usage,
        "Use an https:// base URL (plain http is allowed only for localhost / 127.0.0.0/8 / ::1), e.g. https://api.autosend.com/v1.";
    /// A request failed local validation; nothing was sent.
    Validation = 105, "validation", Usage,
        "Fix the named field and call again; nothing was sent.";
    /// The endpoint id is not in the catalog.
    UnknownEndpoint = 106, "unknown_endpoint", Usage,
        "Use one of the endpoint ids listed in docs/contract.md (e.g. emails.send).";
    /// Some other client option is invalid.
    InvalidConfig = 107, "invalid_config", Usage,
        "Fix the named client option and create the client again.";
    /// A webhook signature is missing or does not match.
    WebhookInvalidSignature = 150, "webhook_invalid_signature", Webhook,
        "Reject the delivery (HTTP 400). Check that you verify the raw body bytes with the secret of this webhook (whsec_…).";
    /// A webhook timestamp is missing or outside the tolerance.
    WebhookTimestamp = 151, "webhook_timestamp", Webhook,
        "Reject the delivery; if your clock is right it is a replay or a very late retry. Check the server clock if this repeats.";
    /// A correctly signed webhook body is not a valid event.
    WebhookMalformed = 152, "webhook_malformed", Webhook,
        "Acknowledge and log the delivery id; the body is signed but not an event this SDK understands.";
    /// HTTP 400 / 422 from the API.
    ApiValidation = 200, "api_validation", Remote,
        "The API rejected the request's content: see details for the fields, fix them and send again.";
    /// HTTP 401 from the API.
    Authentication = 201, "authentication", Remote,
        "The API did not accept the key: check it was copied whole and has not been deleted, or rotate to a new key.";
    /// HTTP 402, or a plan-limit answer.
    PlanRequired = 202, "plan_required", Remote,
        "Your AutoSend plan does not include this: upgrade the plan or remove the feature from the request.";
    /// HTTP 403 from the API.
    Permission = 203, "permission", Remote,
        "The key may not touch this resource: check the project id and that the resource belongs to the key's project.";
    /// HTTP 404 from the API.
    NotFound = 204, "not_found", Remote,
        "Check the id; resources of other projects are reported as not found.";
    /// HTTP 409 from the API.
    Conflict = 205, "conflict", Remote,
        "The resource already exists: fetch or update it instead of creating it again.";
    /// HTTP 429 after the retries were used.
    RateLimited = 206, "rate_limited", Remote,
        "Wait retry_after_ms before sending again, send fewer requests per key (2/s and 50/min), or raise max_retries.";
    /// HTTP 5xx from the API.
    Server = 207, "server", Remote,
        "AutoSend had a problem. Retry later; if may_have_been_delivered is true, check the mail status before re-sending.";
    /// Any other unexpected status.
    UnexpectedStatus = 208, "unexpected_status", Remote,
        "The API answered with a status this SDK does not expect; check base_url points at the AutoSend API.";
    /// A success status with a body that is not JSON or lacks the documented result fields.
    InvalidResponse = 209, "invalid_response", Remote,
        "The answer was not valid JSON or lacked the documented fields; check base_url and any proxy in between. A write that got a 2xx was probably processed: if may_have_been_delivered is true, check the mail status (or your webhooks) before sending again.";
    /// The connection could not be opened; nothing was sent.
    Connect = 300, "connect", Transport,
        "Nothing was sent: check network access, DNS and the base URL, then call again.";
    /// The attempt timed out after the request was sent.
    Timeout = 301, "timeout", Transport,
        "Raise timeout or retry; if may_have_been_delivered is true, check the mail status before re-sending.";
    /// The connection broke after the request was sent.
    ConnectionLost = 302, "connection_lost", Transport,
        "The connection dropped mid-request; if may_have_been_delivered is true, check the mail status before re-sending.";
    /// The overall deadline passed.
    DeadlineExceeded = 303, "deadline_exceeded", Transport,
        "The call ran out of time (including rate-limit waits): raise the deadline or send less at once.";
    /// The caller cancelled the call.
    Aborted = 304, "aborted", Transport,
        "The call was cancelled by the caller; if may_have_been_delivered is true, check the mail status before re-sending.";
    /// The shared rate-limit budget on Redis failed (unreachable, slower than its timeout, or
    /// an unexpected answer) and the client was told to raise (`on_redis_error="raise"`).
    BudgetStore = 320, "budget_store", Transport,
        "Nothing was sent: check that Redis at redis_url / AUTOSEND_REDIS_URL is up and reachable, or use on_redis_error=\"fallback\" to fall back to the process-local budget.";
    /// A bug in the SDK.
    Internal = 900, "internal", Internal,
        "This is a bug in the SDK: please report it with the error code and message.";
    /// A panic caught at a language boundary.
    Panic = 901, "panic", Internal,
        "This is a bug in the SDK (a panic was caught): please report it. In Python, C and Rust the client stays usable; in JavaScript the WebAssembly module has stopped: restart the process (or worker) before sending again.";
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One field-level problem, from local validation or the API's `details`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Wire path of the field (`to.email`, `attachments[0].fileName`), or empty.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// An SDK error. Its message never contains an API key.
#[derive(Clone, PartialEq, Eq)]
pub struct Error(Box<Inner>);

#[derive(Clone, PartialEq, Eq)]
struct Inner {
    kind: ErrorKind,
    message: String,
    status: Option<u16>,
    api_code: Option<String>,
    request_id: Option<String>,
    retry_after_ms: Option<u64>,
    may_have_been_delivered: bool,
    field: Option<String>,
    details: Vec<FieldError>,
}

impl std::error::Error for Error {}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let k = self.0.kind;
        write!(
            f,
            "{} (autosend error {} {}). {}",
            self.0.message,
            k.code(),
            k.name(),
            k.hint()
        )
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.0;
        f.debug_struct("Error")
            .field("kind", &i.kind)
            .field("code", &i.kind.code())
            .field("message", &i.message)
            .field("status", &i.status)
            .field("api_code", &i.api_code)
            .field("request_id", &i.request_id)
            .field("retry_after_ms", &i.retry_after_ms)
            .field("may_have_been_delivered", &i.may_have_been_delivered)
            .field("field", &i.field)
            .field("details", &i.details)
            .finish()
    }
}

impl Error {
    /// A new error of `kind` with a message (which must not contain secrets).
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error(Box::new(Inner {
            kind,
            message: message.into(),
            status: None,
            api_code: None,
            request_id: None,
            retry_after_ms: None,
            may_have_been_delivered: false,
            field: None,
            details: Vec::new(),
        }))
    }

    /// A local validation error on `field` (an empty field reads `params`: every refusal
    /// names what to fix).
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut field = field.into();
        if field.is_empty() {
            field = "params".to_string();
        }
        let message = message.into();
        let mut e = Error::new(ErrorKind::Validation, format!("{field}: {message}"));
        e.0.details.push(FieldError {
            field: field.clone(),
            message,
        });
        e.0.field = Some(field);
        e
    }

    pub(crate) fn set_field(&mut self, field: &str) {
        self.0.field = Some(field.to_string());
    }

    /// The same error with `key` (whole or its secret part, any case) removed from every text:
    /// a caller who pastes the key into a parameter name or value must not see it echoed.
    pub fn without_key(mut self, key: &str) -> Self {
        use crate::response::scrub;
        let i = &mut self.0;
        i.message = scrub(&i.message, key);
        i.field = i.field.as_deref().map(|f| scrub(f, key));
        for d in &mut i.details {
            d.field = scrub(&d.field, key);
            d.message = scrub(&d.message, key);
        }
        self
    }

    /// Names the option or parameter the error is about.
    pub(crate) fn with_field(mut self, field: impl Into<String>) -> Self {
        self.0.field = Some(field.into());
        self
    }
    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.0.status = Some(status);
        self
    }
    pub(crate) fn with_api_code(mut self, code: Option<String>) -> Self {
        self.0.api_code = code;
        self
    }
    pub(crate) fn with_request_id(mut self, id: Option<String>) -> Self {
        self.0.request_id = id;
        self
    }
    pub(crate) fn with_retry_after_ms(mut self, ms: Option<u64>) -> Self {
        self.0.retry_after_ms = ms;
        self
    }
    pub(crate) fn with_may_have_been_delivered(mut self, v: bool) -> Self {
        self.0.may_have_been_delivered = v;
        self
    }
    pub(crate) fn with_details(mut self, details: Vec<FieldError>) -> Self {
        if self.0.field.is_none() {
            self.0.field = details
                .iter()
                .find(|d| !d.field.is_empty())
                .map(|d| d.field.clone());
        }
        self.0.details = details;
        self
    }

    /// The kind.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }
    /// The stable numeric code.
    pub fn code(&self) -> u16 {
        self.0.kind.code()
    }
    /// The category (who is to blame).
    pub fn category(&self) -> Category {
        self.0.kind.category()
    }
    /// The bare message, without code and hint.
    pub fn message(&self) -> &str {
        &self.0.message
    }
    /// What to do next.
    pub fn hint(&self) -> &'static str {
        self.0.kind.hint()
    }
    /// The HTTP status, for remote errors.
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }
    /// The API's own error code string (`VALIDATION_FAILED`, …).
    pub fn api_code(&self) -> Option<&str> {
        self.0.api_code.as_deref()
    }
    /// The request id the server gave, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
    /// How long the server asked us to wait, for rate-limit errors.
    pub fn retry_after_ms(&self) -> Option<u64> {
        self.0.retry_after_ms
    }
    /// True when a non-idempotent request may have been acted on although it failed.
    pub fn may_have_been_delivered(&self) -> bool {
        self.0.may_have_been_delivered
    }
    /// The failing field, for validation errors.
    pub fn field(&self) -> Option<&str> {
        self.0.field.as_deref()
    }
    /// Field-level details.
    pub fn details(&self) -> &[FieldError] {
        &self.0.details
    }

    /// A JSON object with every property, for bindings that pass errors as data.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "kind": self.0.kind.name(),
            "code": self.0.kind.code(),
            "category": self.0.kind.category(),
            "message": self.0.message,
            "hint": self.0.kind.hint(),
            "display": self.to_string(),
            "status": self.0.status,
            "api_code": self.0.api_code,
            "request_id": self.0.request_id,
            "retry_after_ms": self.0.retry_after_ms,
            "may_have_been_delivered": self.0.may_have_been_delivered,
            "field": self.0.field,
            "details": self.0.details,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_round_trip() {
        let mut codes = std::collections::HashSet::new();
        let mut names = std::collections::HashSet::new();
        for k in ErrorKind::ALL {
            assert!(codes.insert(k.code()), "duplicate code {}", k.code());
            assert!(names.insert(k.name()), "duplicate name {}", k.name());
            assert_eq!(ErrorKind::from_code(k.code()), Some(*k));
            assert_eq!(ErrorKind::from_name(k.name()), Some(*k));
            assert!(!k.hint().is_empty());
        }
    }

    #[test]
    fn display_says_what_to_do() {
        let e = Error::validation("to.email", "is not an email address");
        let s = e.to_string();
        assert!(s.contains("to.email"));
        assert!(s.contains("105"));
        assert!(s.contains("nothing was sent"));
    }
}
