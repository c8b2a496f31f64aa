//! Building the plain-data request for one endpoint call: URL, headers, body.

use crate::catalog::{endpoint, Endpoint, Method, Scope};
use crate::config::ClientConfig;
use crate::error::{Error, ErrorKind};
use crate::key::KeyKind;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{Map, Value};
use std::fmt;

/// Characters left as they are in a path segment: RFC 3986 unreserved.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One HTTP request, as plain data, for the binding's transport to send.
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    /// Endpoint id.
    pub endpoint: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Absolute URL.
    pub url: String,
    /// Headers, names lower-case, in a stable order. Includes the key: never log them.
    pub headers: Vec<(String, String)>,
    /// JSON body, if any.
    pub body: Option<Vec<u8>>,
    /// Timeout for this attempt, in ms.
    pub timeout_ms: u64,
    /// 1 for the first attempt.
    pub attempt: u32,
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                if k == "authorization" {
                    (k.as_str(), "Bearer <redacted>")
                } else {
                    (k.as_str(), v.as_str())
                }
            })
            .collect();
        f.debug_struct("Request")
            .field("endpoint", &self.endpoint)
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body_len", &self.body.as_ref().map(Vec::len))
            .field("timeout_ms", &self.timeout_ms)
            .field("attempt", &self.attempt)
            .finish()
    }
}

impl Drop for Request {
    /// The `Authorization` value holds the key: wipe it.
    fn drop(&mut self) {
        use zeroize::Zeroize;
        for (k, v) in self.headers.iter_mut() {
            if k == "authorization" {
                v.zeroize();
            }
        }
    }
}

impl Request {
    /// The value of a header (names are lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Checks key scope and parameters, and builds the request for `endpoint_id`. Every rule about
/// what goes on the wire is here; nothing is sent if this fails.
pub fn build_request(
    config: &ClientConfig,
    endpoint_id: &str,
    params: Value,
) -> Result<(&'static Endpoint, Request), Error> {
    let ep = endpoint(endpoint_id).ok_or_else(|| {
        Error::new(
            ErrorKind::UnknownEndpoint,
            format!("no endpoint called {:?}", truncate(endpoint_id, 64)),
        )
    })?;

    // Key scope and the project-id header.
    let key = config.key();
    let project_header = match (ep.scope, key.kind()) {
        (Scope::Account | Scope::AccountNoProject, KeyKind::Project) => {
            return Err(Error::new(
                ErrorKind::KeyScope,
                format!(
                    "{} needs an account key (ASA_); a project key (AS_) was given",
                    ep.id
                ),
            ))
        }
        (Scope::AccountNoProject, KeyKind::Account) => None,
        (_, KeyKind::Account) => match config.project_id() {
            Some(p) => Some(p.to_string()),
            None => {
                return Err(Error::new(
                    ErrorKind::MissingProjectId,
                    format!("{} with an account key (ASA_) needs a project id", ep.id),
                ))
            }
        },
        (Scope::Project, KeyKind::Project) => None,
    };

    // Split the parameters.
    let mut params = match params {
        Value::Object(m) => m,
        Value::Null => Map::new(),
        other => {
            return Err(Error::validation(
                "",
                format!(
                    "parameters must be a JSON object, not {}",
                    type_name(&other)
                ),
            ))
        }
    };
    let mut path = String::with_capacity(ep.path.len() + 32);
    for seg in ep.path.split('/').skip(1) {
        path.push('/');
        match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => {
                let v = params
                    .remove(name)
                    .ok_or_else(|| Error::validation(name, "is required"))?;
                let s = match &v {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    other => {
                        return Err(Error::validation(
                            name,
                            format!("must be a string, not {}", type_name(other)),
                        ))
                    }
                };
                if s.is_empty() || s == "." || s == ".." {
                    return Err(Error::validation(
                        name,
                        "must be a non-empty id (not . or ..)",
                    ));
                }
                if s.len() > 1024 {
                    return Err(Error::validation(name, "is longer than 1024 characters"));
                }
                path.extend(utf8_percent_encode(&s, SEGMENT));
            }
            None => path.push_str(seg),
        }
    }
    let mut query = String::new();
    for q in ep.query {
        if let Some(v) = params.remove(*q) {
            let s = match v {
                Value::Null => continue,
                Value::String(s) if s.is_empty() => continue,
                Value::String(s) => s,
                Value::Bool(b) => b.to_string(),
                Value::Number(n) => n.to_string(),
                other => {
                    return Err(Error::validation(
                        *q,
                        format!(
                            "must be a string, number or boolean, not {}",
                            type_name(&other)
                        ),
                    ))
                }
            };
            query.push(if query.is_empty() { '?' } else { '&' });
            query.extend(utf8_percent_encode(q, SEGMENT));
            query.push('=');
            query.extend(utf8_percent_encode(&s, SEGMENT));
        }
    }
    let body = match ep.body {
        None => {
            if let Some(k) = params.keys().next() {
                return Err(Error::validation(
                    k.clone(),
                    format!("{} takes no such parameter (check the spelling)", ep.id),
                ));
            }
            None
        }
        Some(check) => {
            let v = check(Value::Object(params))?;
            let bytes = serde_json::to_vec(&v)
                .map_err(|e| Error::new(ErrorKind::Internal, e.to_string()))?;
            if bytes.len() > crate::types::MAX_EMAIL_BYTES {
                return Err(Error::validation(
                    "",
                    "the request is larger than 40 MB (the API's limit for a whole email after base64)",
                ));
            }
            Some(bytes)
        }
    };

    let mut headers = Vec::with_capacity(6);
    headers.push((
        "authorization".to_string(),
        format!("Bearer {}", key.expose_secret()),
    ));
    if let Some(p) = project_header {
        headers.push(("x-project-id".to_string(), p));
    }
    headers.push(("accept".to_string(), "application/json".to_string()));
    if body.is_some() {
        headers.push(("content-type".to_string(), "application/json".to_string()));
    }
    headers.push(("user-agent".to_string(), config.user_agent().to_string()));

    Ok((
        ep,
        Request {
            endpoint: ep.id,
            method: ep.method,
            url: format!("{}{}{}", config.base_url(), path, query),
            headers,
            body,
            timeout_ms: config.timeout_ms(),
            attempt: 0,
        },
    ))
}

pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}
