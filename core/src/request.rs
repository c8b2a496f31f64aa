//! Building the plain-data request for one endpoint call: URL, headers, body.

use crate::catalog::{endpoint, Endpoint, Method, ParamType, QueryParam, Scope};
use crate::config::ClientConfig;
use crate::error::{Error, ErrorKind};
use crate::key::KeyKind;
use crate::schema::check_body;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{Map, Value};
use std::fmt;

/// Characters left as they are in a path segment: RFC 3986 unreserved.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Body limit of endpoints that document none: the API's 40 MB send limit, as a safety net.
pub use crate::limits::DEFAULT_MAX_BODY_BYTES;

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
    /// The answer is a file (a binary endpoint called with its flag set): read the body as
    /// bytes, not text; the core returns it in [`crate::ApiResponse::bytes`].
    pub expects_bytes: bool,
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
        // The key never shows, even where a caller pasted it into a parameter.
        let key = self
            .headers
            .iter()
            .find(|(k, _)| k == "authorization")
            .map(|(_, v)| v.trim_start_matches("Bearer "));
        let url = match key {
            Some(k) => crate::response::scrub(&self.url, k),
            None => self.url.clone(),
        };
        f.debug_struct("Request")
            .field("endpoint", &self.endpoint)
            .field("method", &self.method)
            .field("url", &url)
            .field("headers", &headers)
            .field("body_len", &self.body.as_ref().map(Vec::len))
            .field("timeout_ms", &self.timeout_ms)
            .field("attempt", &self.attempt)
            .field("expects_bytes", &self.expects_bytes)
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
///
/// Parameters: keys named like a path parameter fill the path; declared query parameters go
/// in the query string (typed and range-checked; `null` and `""` dropped; arrays joined with
/// commas); every other key is the JSON body, checked against the endpoint's schema and rules.
pub fn build_request(
    config: &ClientConfig,
    endpoint_id: &str,
    params: Value,
) -> Result<(&'static Endpoint, Request), Error> {
    build_request_auth(config, endpoint_id, params).map(|(ep, req, _)| (ep, req))
}

/// [`build_request`], with the key-scope decision its headers were built from (to build them
/// again for another attempt: [`request_headers`]).
pub(crate) fn build_request_auth(
    config: &ClientConfig,
    endpoint_id: &str,
    params: Value,
) -> Result<(&'static Endpoint, Request, Auth), Error> {
    // A caller who pastes the key into a parameter must not see it echoed in the refusal.
    build(config, endpoint_id, params).map_err(|e| e.without_key(config.key().expose_secret()))
}

/// Which credentials a request carries: decided once per call from the endpoint's scope and
/// the key's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    /// No `Authorization` (scope `none`).
    None,
    /// `Authorization: Bearer <key>`.
    Key,
    /// `Authorization` and `x-project-id` (an account key on a project's endpoint).
    KeyAndProject,
}

/// The headers of a request, names lower-case, in a stable order: `authorization` (unless
/// [`Auth::None`]), `x-project-id` (with [`Auth::KeyAndProject`]), `accept`, `content-type`
/// (iff there is a body), `user-agent`.
pub(crate) fn request_headers(
    config: &ClientConfig,
    auth: Auth,
    expects_bytes: bool,
    has_body: bool,
) -> Vec<(String, String)> {
    let mut headers = Vec::with_capacity(6);
    if auth != Auth::None {
        let bearer = ["Bearer ", config.key().expose_secret()].concat();
        headers.push(("authorization".to_string(), bearer));
    }
    if auth == Auth::KeyAndProject {
        if let Some(p) = config.project_id() {
            headers.push(("x-project-id".to_string(), p.to_string()));
        }
    }
    headers.push((
        "accept".to_string(),
        if expects_bytes {
            "*/*"
        } else {
            "application/json"
        }
        .to_string(),
    ));
    if has_body {
        headers.push(("content-type".to_string(), "application/json".to_string()));
    }
    headers.push(("user-agent".to_string(), config.user_agent().to_string()));
    headers
}

fn build(
    config: &ClientConfig,
    endpoint_id: &str,
    params: Value,
) -> Result<(&'static Endpoint, Request, Auth), Error> {
    let Some(ep) = endpoint(endpoint_id) else {
        return Err(unknown_endpoint(endpoint_id));
    };

    // Key scope: whether the key goes at all, and the project-id header.
    let key = config.key();
    let auth = match (ep.scope, key.kind()) {
        (Scope::None, _) => Auth::None,
        (Scope::AccountNoProject, KeyKind::Account) => Auth::Key,
        (Scope::Project | Scope::Account, KeyKind::Account) => match config.project_id() {
            Some(_) => Auth::KeyAndProject,
            None => return Err(scope_error(ep, key.kind(), false)),
        },
        (Scope::Project | Scope::ProjectKey, KeyKind::Project) => Auth::Key,
        (Scope::Account | Scope::AccountNoProject, KeyKind::Project)
        | (Scope::ProjectKey, KeyKind::Account) => return Err(scope_error(ep, key.kind(), true)),
    };

    // Split the parameters.
    let mut params = match params {
        Value::Object(m) => m,
        Value::Null => Map::new(),
        other => return Err(not_an_object(&other)),
    };
    // Depth is decided once, here, for every endpoint and language (limits.rs).
    crate::limits::check_depth(&params)?;
    // The URL is written in one string: base URL, path, query.
    let base = config.base_url();
    let mut url = String::with_capacity(base.len() + ep.path.len() + 32);
    url.push_str(base);
    // A path without parameters is taken as it is (every catalog path starts with `/`).
    if !ep.path.contains('{') {
        url.push_str(ep.path);
    } else {
        for seg in ep.path.split('/').skip(1) {
            url.push('/');
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
                    url.extend(utf8_percent_encode(&s, SEGMENT));
                }
                None => url.push_str(seg),
            }
        }
    }
    let (query, expects_bytes) = query_string(ep, &mut params)?;
    url.push_str(&query);
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
        Some(_) if params.is_empty() && !ep.body_required => None,
        Some(schema) => {
            let mut v = Value::Object(params);
            check_body(schema, ep.rules, &mut v)?;
            // Room for a typical send up front (serde_json starts at 128 bytes and grows).
            let mut bytes = Vec::with_capacity(512);
            serde_json::to_writer(&mut bytes, &v)
                .map_err(|e| Error::new(ErrorKind::Internal, e.to_string()))?;
            // Without a documented limit, the send limit is a safety net.
            let max = ep.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES);
            if bytes.len() > max {
                return Err(body_too_large(ep, &v, bytes.len(), max));
            }
            Some(bytes)
        }
    };

    let headers = request_headers(config, auth, expects_bytes, body.is_some());
    Ok((
        ep,
        Request {
            endpoint: ep.id,
            method: ep.method,
            url,
            headers,
            body,
            timeout_ms: config.timeout_ms(),
            attempt: 0,
            expects_bytes,
        },
        auth,
    ))
}

// The refusals of `build`, out of its hot path (cold: V8 and LLVM keep them out of the code
// that runs per send).

#[cold]
#[inline(never)]
fn unknown_endpoint(endpoint_id: &str) -> Error {
    Error::new(
        ErrorKind::UnknownEndpoint,
        format!("no endpoint called {:?}", truncate(endpoint_id, 64)),
    )
}

/// A key of the wrong kind for `ep` (`wrong_kind`), or an account key without a project id.
#[cold]
#[inline(never)]
fn scope_error(ep: &Endpoint, kind: KeyKind, wrong_kind: bool) -> Error {
    if !wrong_kind {
        return Error::new(
            ErrorKind::MissingProjectId,
            format!("{} with an account key (ASA_) needs a project id", ep.id),
        );
    }
    let message = match kind {
        KeyKind::Project => format!(
            "{} needs an account key (ASA_); a project key (AS_) was given",
            ep.id
        ),
        KeyKind::Account => format!(
            "{} takes a project key (AS_); an account key (ASA_) was given (create a \
             project key for this project and use it for this call)",
            ep.id
        ),
    };
    Error::new(ErrorKind::KeyScope, message)
}

#[cold]
#[inline(never)]
fn not_an_object(v: &Value) -> Error {
    Error::validation(
        "params",
        format!("parameters must be a JSON object, not {}", type_name(v)),
    )
}

#[cold]
#[inline(never)]
fn body_too_large(ep: &Endpoint, body: &Value, len: usize, max: usize) -> Error {
    let field = match body {
        Value::Object(m) => crate::limits::largest_field(m),
        _ => String::new(),
    };
    crate::limits::too_large(ep.id, &field, len, max)
}

/// Takes the declared query parameters out of `params`: the query string (`?…` or empty) and
/// whether the binary flag asks for bytes.
pub(crate) fn query_string(
    ep: &Endpoint,
    params: &mut Map<String, Value>,
) -> Result<(String, bool), Error> {
    let mut query = String::new();
    let mut expects_bytes = false;
    for q in ep.query_params {
        let before = query.len();
        if let Some(v) = params.remove(q.name) {
            if ep.binary_flag == Some(q.name) && v == Value::Bool(true) {
                expects_bytes = true;
            }
            encode_query(q, v, &mut query)?;
        }
        if q.required && query.len() == before {
            return Err(Error::validation(q.name, "is required"));
        }
    }
    Ok((query, expects_bytes))
}

/// Appends one query parameter (`?`/`&` + name=value), after checking its type and limits.
fn encode_query(q: &QueryParam, v: Value, out: &mut String) -> Result<(), Error> {
    let values: Vec<String> = match (q.ty, v) {
        (ParamType::Array, Value::Array(items)) => {
            let mut vals = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                if let Some(s) = query_scalar(q, q.items, item, &|| format!("{}[{i}]", q.name))? {
                    vals.push(s);
                }
            }
            vals
        }
        (ParamType::Array, v) => query_scalar(q, q.items, &v, &|| q.name.to_string())?
            .into_iter()
            .collect(),
        (ty, v) => query_scalar(q, ty, &v, &|| q.name.to_string())?
            .into_iter()
            .collect(),
    };
    if values.is_empty() {
        return Ok(());
    }
    fn pair<'a>(name: &str, values: impl Iterator<Item = &'a String>, out: &mut String) {
        out.push(if out.is_empty() { '?' } else { '&' });
        out.extend(utf8_percent_encode(name, SEGMENT));
        out.push('=');
        for (i, v) in values.enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.extend(utf8_percent_encode(v, SEGMENT));
        }
    }
    if q.explode {
        for v in &values {
            pair(q.name, std::iter::once(v), out);
        }
    } else {
        pair(q.name, values.iter(), out);
    }
    Ok(())
}

/// One scalar query value as text; `None` for null / empty (dropped).
fn query_scalar(
    q: &QueryParam,
    ty: ParamType,
    v: &Value,
    field: &dyn Fn() -> String,
) -> Result<Option<String>, Error> {
    let range = |x: f64| -> Result<(), Error> {
        if q.min.is_some_and(|m| x < m) || q.max.is_some_and(|m| x > m) {
            let msg = match (q.min, q.max) {
                (Some(lo), Some(hi)) => format!("must be between {lo} and {hi}"),
                (Some(lo), None) => format!("must be at least {lo}"),
                (_, Some(hi)) => format!("must be at most {hi}"),
                (None, None) => String::new(),
            };
            return Err(Error::validation(field(), msg));
        }
        Ok(())
    };
    let wrong = |want: &str| {
        Err(Error::validation(
            field(),
            format!("must be {want}, not {}", type_name(v)),
        ))
    };
    let text = match (ty, v) {
        (_, Value::Null) => return Ok(None),
        (ParamType::String, Value::String(s)) if s.is_empty() => return Ok(None),
        (ParamType::String, Value::String(s)) => {
            let n = s.chars().count() as f64;
            if q.min.is_some_and(|m| n < m) || q.max.is_some_and(|m| n > m) {
                return Err(Error::validation(
                    field(),
                    match (q.min, q.max) {
                        (Some(lo), Some(hi)) => format!("must be {lo} to {hi} characters long"),
                        (Some(lo), None) => format!("must be at least {lo} characters long"),
                        (_, Some(hi)) => format!("is longer than {hi} characters"),
                        (None, None) => String::new(),
                    },
                ));
            }
            s.clone()
        }
        // A string parameter documented as "true"/"false" also takes a boolean.
        (ParamType::String, Value::Bool(b))
            if q.enum_.contains(&"true") && q.enum_.contains(&"false") =>
        {
            b.to_string()
        }
        (ParamType::String, _) => return wrong("a string"),
        (ParamType::Integer, Value::Number(n)) => {
            let text = if let Some(i) = n.as_i64() {
                i.to_string()
            } else if let Some(u) = n.as_u64() {
                u.to_string()
            } else {
                match n.as_f64() {
                    Some(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 => {
                        format!("{}", f as i64)
                    }
                    _ => return wrong("a whole number"),
                }
            };
            range(n.as_f64().unwrap_or(0.0))?;
            text
        }
        (ParamType::Integer, _) => return wrong("a whole number"),
        (ParamType::Number, Value::Number(n)) => {
            range(n.as_f64().unwrap_or(0.0))?;
            n.to_string()
        }
        (ParamType::Number, _) => return wrong("a number"),
        (ParamType::Boolean, Value::Bool(b)) => b.to_string(),
        (ParamType::Boolean, _) => return wrong("a boolean (true or false)"),
        (ParamType::Array, _) => return wrong("a string, number or boolean"),
    };
    if !q.enum_.is_empty() && !q.enum_.contains(&text.as_str()) {
        return Err(Error::validation(
            field(),
            format!("must be one of {}", q.enum_.join(", ")),
        ));
    }
    Ok(Some(text))
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
    // A string of at most `max` bytes has at most `max` characters: no need to count them.
    if s.len() <= max || s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::ResponseKind;
    use serde_json::json;

    /// `truncate` counts characters, not bytes: a text of more bytes than the limit but not
    /// more characters is kept whole.
    #[test]
    fn truncate_counts_characters() {
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcd", 3), "abc…");
        let wide = "é".repeat(150);
        assert_eq!(truncate(&wide, 200), wide);
        assert_eq!(truncate(&wide, 150), wide);
        assert_eq!(truncate(&wide, 149), format!("{}…", "é".repeat(149)));
        assert_eq!(truncate("", 0), "");
    }

    /// `build` takes a path without parameters as it is: that is the path the segment walk
    /// would give only for a path starting with `/`.
    #[test]
    fn every_catalog_path_starts_with_a_slash() {
        for ep in crate::generated::CATALOG {
            assert!(ep.path.starts_with('/'), "{}: {}", ep.id, ep.path);
            assert_eq!(
                ep.path.contains('{'),
                !ep.path_params.is_empty(),
                "{}: {}",
                ep.id,
                ep.path
            );
        }
    }

    const fn param(name: &'static str, ty: ParamType, items: ParamType) -> QueryParam {
        QueryParam {
            name,
            ty,
            items,
            min: None,
            max: None,
            enum_: &[],
            explode: false,
            required: false,
        }
    }

    static EP: Endpoint = Endpoint {
        id: "test.list",
        method: Method::Get,
        path: "/test",
        path_params: &[],
        query: &["q", "ids", "n", "flag"],
        query_params: &[
            QueryParam {
                required: true,
                min: Some(2.0),
                max: Some(4.0),
                ..param("q", ParamType::String, ParamType::String)
            },
            QueryParam {
                explode: true,
                min: Some(1.0),
                ..param("ids", ParamType::Array, ParamType::Integer)
            },
            QueryParam {
                min: Some(-1.5),
                ..param("n", ParamType::Number, ParamType::Number)
            },
            param("flag", ParamType::Boolean, ParamType::Boolean),
        ],
        scope: Scope::Project,
        idempotent: true,
        body: None,
        body_required: false,
        response: ResponseKind::Binary,
        binary_flag: Some("flag"),
        pagination: None,
        max_body_bytes: None,
        rules: &[],
        summary: "Test.",
    };

    fn run(v: Value) -> Result<(String, bool), Error> {
        let Value::Object(mut m) = v else { panic!() };
        let r = query_string(&EP, &mut m)?;
        assert!(m.is_empty(), "declared parameters are taken out");
        Ok(r)
    }

    fn field(v: Value) -> String {
        run(v).unwrap_err().field().unwrap_or_default().to_string()
    }

    #[test]
    fn explode_required_lengths_and_flags() {
        assert_eq!(
            run(json!({"q": "héé", "ids": [1, 2], "n": -1.5, "flag": true})).unwrap(),
            (
                "?q=h%C3%A9%C3%A9&ids=1&ids=2&n=-1.5&flag=true".to_string(),
                true
            )
        );
        assert_eq!(
            run(json!({"q": "ab", "flag": false})).unwrap(),
            ("?q=ab&flag=false".to_string(), false)
        );
        assert_eq!(field(json!({})), "q"); // required
        assert_eq!(field(json!({"q": ""})), "q"); // required: empty is not given
        assert_eq!(field(json!({"q": "a"})), "q"); // minLength (characters)
        assert_eq!(field(json!({"q": "ééééé"})), "q"); // maxLength (characters)
        assert_eq!(field(json!({"q": "ab", "ids": [1, 0]})), "ids[1]"); // item minimum
        assert_eq!(field(json!({"q": "ab", "ids": [1, 1.5]})), "ids[1]"); // item type
        assert_eq!(field(json!({"q": "ab", "n": -2})), "n"); // number minimum
        assert_eq!(field(json!({"q": "ab", "flag": "true"})), "flag"); // boolean type
        assert_eq!(field(json!({"q": "ab", "flag": 1})), "flag");
    }
}
