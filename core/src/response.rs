//! Reading answers: the success envelope, every error-envelope variant, rate-limit hints.

use crate::error::{Error, ErrorKind, FieldError};
use crate::request::truncate;
use serde_json::{Map, Value};

/// A successful answer.
#[derive(Clone, PartialEq)]
pub struct ApiResponse {
    /// HTTP status (2xx).
    pub status: u16,
    /// The value: `data` of the envelope, or the envelope without `success` when it has no
    /// `data` (deletes), or the JSON as is; `{}` for an empty body (a 202 without a body too);
    /// `null` when the answer is a file (see [`ApiResponse::bytes`]).
    pub data: Value,
    /// The envelope's top-level `message` (e.g. "Contact deleted successfully"), when the
    /// answer was a JSON object carrying one.
    pub message: Option<String>,
    /// The file, when a binary endpoint was called with its flag set (`download: true`).
    pub bytes: Option<Vec<u8>>,
    /// `Content-Type` of the file (with `bytes`).
    pub content_type: Option<String>,
    /// File name from `Content-Disposition` (with `bytes`), if the server gave one.
    pub filename: Option<String>,
    /// The server's request id, if it sent one.
    pub request_id: Option<String>,
    /// How many attempts the call took.
    pub attempts: u32,
    /// A DELETE that got 404 after an earlier attempt ended without a clear answer (5xx,
    /// timeout, lost connection): the resource is gone, most likely deleted by that attempt.
    /// The call succeeds (`status` is 404, `data` is `{}`) with this flag set.
    pub already_gone: bool,
}

impl std::fmt::Debug for ApiResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiResponse")
            .field("status", &self.status)
            .field("data", &self.data)
            .field("message", &self.message)
            .field("bytes_len", &self.bytes.as_ref().map(Vec::len))
            .field("content_type", &self.content_type)
            .field("filename", &self.filename)
            .field("request_id", &self.request_id)
            .field("attempts", &self.attempts)
            .field("already_gone", &self.already_gone)
            .finish()
    }
}

impl ApiResponse {
    /// True when the answer is a file ([`ApiResponse::bytes`] is set).
    pub fn is_binary(&self) -> bool {
        self.bytes.is_some()
    }

    /// Everything but the bytes, as JSON, for bindings:
    /// `{status, data, message, request_id, attempts, binary, content_type, filename, size}`.
    pub fn describe(&self) -> Value {
        serde_json::json!({
            "status": self.status,
            "data": self.data,
            "message": self.message,
            "request_id": self.request_id,
            "attempts": self.attempts,
            "already_gone": self.already_gone,
            "binary": self.is_binary(),
            "content_type": self.content_type,
            "filename": self.filename,
            "size": self.bytes.as_ref().map(Vec::len),
        })
    }
}

/// The response headers the core reads (lower-case), and the only ones it reads: a
/// transport may hand [`crate::Call::handle_response`] just these (in the order received)
/// instead of copying every header of the answer. Every lookup of the core goes through
/// `read` (private), which checks (in debug builds) that its name is listed here.
pub const RESPONSE_HEADERS: &[&str] = &[
    "x-request-id",
    "request-id",
    "content-type",
    "content-disposition",
    "date",
    "retry-after",
    "retry-after-ms",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
];

/// Looks a header up, case-insensitively.
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
}

/// [`header`] for the core's own lookups: `name` must be one of [`RESPONSE_HEADERS`] (a
/// transport may pass only those).
pub(crate) fn read<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    debug_assert!(
        RESPONSE_HEADERS.contains(&name),
        "{name} is read but not in RESPONSE_HEADERS"
    );
    header(headers, name)
}

pub(crate) fn request_id(headers: &[(String, String)]) -> Option<String> {
    read(headers, "x-request-id")
        .or_else(|| read(headers, "request-id"))
        .filter(|v| !v.is_empty())
        .map(|v| truncate(v, 200))
}

/// The success value of a 2xx body (see [`ApiResponse::data`]) and the envelope's top-level
/// `message`; `Err` if it is not JSON.
pub(crate) fn success_value(body: &[u8]) -> Result<(Value, Option<String>), ()> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok((Value::Object(Map::new()), None));
    }
    // UTF-8 checked once for the whole body (the slice reader checks every string on its
    // own); JSON text outside strings is ASCII, so any invalid byte fails either way.
    let text = std::str::from_utf8(body).map_err(|_| ())?;
    if text
        .trim_start_matches([' ', '\t', '\n', '\r'])
        .starts_with('{')
    {
        let envelope: Envelope = serde_json::from_str(text).map_err(|_| ())?;
        return Ok(envelope_value(envelope));
    }
    let v: Value = serde_json::from_str(text).map_err(|_| ())?;
    Ok((v, None))
}

/// A key of the success envelope (the three it names, read without a copy), or another.
enum EnvelopeKey {
    Data,
    Message,
    Success,
    Other(String),
}

/// The top-level object of a 2xx answer, read in one pass: its last `data` and `message`
/// (a JSON object may repeat a key: the last one counts, as in a [`Map`]) and its other
/// entries but `success`.
struct Envelope {
    data: Option<Value>,
    message: Option<Value>,
    others: Map<String, Value>,
}

impl<'de> serde::Deserialize<'de> for EnvelopeKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl serde::de::Visitor<'_> for KeyVisitor {
            type Value = EnvelopeKey;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object key")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<EnvelopeKey, E> {
                Ok(match s {
                    "data" => EnvelopeKey::Data,
                    "message" => EnvelopeKey::Message,
                    "success" => EnvelopeKey::Success,
                    _ => EnvelopeKey::Other(s.to_string()),
                })
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

impl<'de> serde::Deserialize<'de> for Envelope {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct EnvelopeVisitor;
        impl<'de> serde::de::Visitor<'de> for EnvelopeVisitor {
            type Value = Envelope;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<Envelope, A::Error> {
                let mut e = Envelope {
                    data: None,
                    message: None,
                    others: Map::new(),
                };
                while let Some(k) = m.next_key::<EnvelopeKey>()? {
                    let v: Value = m.next_value()?;
                    match k {
                        EnvelopeKey::Data => e.data = Some(v),
                        EnvelopeKey::Message => e.message = Some(v),
                        EnvelopeKey::Success => {}
                        EnvelopeKey::Other(k) => {
                            e.others.insert(k, v);
                        }
                    }
                }
                Ok(e)
            }
        }
        d.deserialize_map(EnvelopeVisitor)
    }
}

/// [`success_value`] of an object: its `data` if it has one, else the object without
/// `success`; and its `message` if that is a string.
fn envelope_value(e: Envelope) -> (Value, Option<String>) {
    match e.data {
        Some(data) => {
            let message = match e.message {
                Some(Value::String(s)) => Some(s),
                _ => None,
            };
            (data, message)
        }
        None => {
            let message = match &e.message {
                Some(Value::String(s)) => Some(s.clone()),
                _ => None,
            };
            let mut m = e.others;
            if let Some(v) = e.message {
                m.insert("message".to_string(), v);
            }
            (Value::Object(m), message)
        }
    }
}

/// The documented result fields (the result schema's `required`) a 2xx value lacks, or `None`
/// when it has them all. `Some` makes the answer `invalid_response`: the type promises these
/// fields (`emailId` of a send), and an answer without them (an empty 200, a 204, `{}`) cannot
/// be told apart from a proxy or a wrong base URL.
pub(crate) fn missing_result_fields(endpoint_id: &str, data: &Value) -> Option<Vec<&'static str>> {
    let (_, required) = crate::generated::RESULT_REQUIRED
        .iter()
        .find(|(id, _)| *id == endpoint_id)?;
    let has = |f: &&str| matches!(data.get(f), Some(v) if !v.is_null());
    // The common answer has them all: nothing to collect.
    if required.iter().all(has) {
        return None;
    }
    let missing: Vec<&'static str> = required.iter().copied().filter(|f| !has(f)).collect();
    Some(missing)
}

/// The file name of a `Content-Disposition` header: `filename*=UTF-8''…` (percent-decoded)
/// wins over `filename="…"`. Path separators are cut, so the name is safe to save as is.
pub(crate) fn disposition_filename(headers: &[(String, String)]) -> Option<String> {
    let v = read(headers, "content-disposition")?;
    let mut plain = None;
    let mut extended = None;
    for part in v.split(';').skip(1) {
        let Some((k, val)) = part.split_once('=') else {
            continue;
        };
        let k = k.trim().to_ascii_lowercase();
        let val = val.trim();
        if k == "filename*" {
            if let Some((_, enc)) = val.split_once("''") {
                extended = percent_encoding::percent_decode_str(enc)
                    .decode_utf8()
                    .ok()
                    .map(|s| s.into_owned());
            }
        } else if k == "filename" {
            let unq = val
                .strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                .map(|s| s.replace("\\\"", "\"").replace("\\\\", "\\"))
                .unwrap_or_else(|| val.to_string());
            plain = Some(unq);
        }
    }
    let name = extended.or(plain)?;
    let base = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>();
    (!base.is_empty() && base != "." && base != "..").then(|| truncate(&base, 255))
}

/// What an error body says, whichever envelope variant it uses.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct ErrorBody {
    pub message: Option<String>,
    pub code: Option<String>,
    pub details: Vec<FieldError>,
    /// Raw `retryAfter` (nested wins over top-level).
    pub retry_after: Option<f64>,
}

fn as_str(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    }
}

fn as_f64(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|x| x.is_finite() && *x >= 0.0)
}

fn detail_items(v: &Value) -> Vec<FieldError> {
    match v {
        Value::Array(items) => items
            .iter()
            .filter_map(|it| match it {
                Value::String(s) => Some(FieldError {
                    field: String::new(),
                    message: s.clone(),
                }),
                Value::Object(o) => {
                    let field = as_str(o.get("field"))
                        .or_else(|| as_str(o.get("path")))
                        .or_else(|| match o.get("path") {
                            Some(Value::Array(p)) => Some(
                                p.iter()
                                    .map(|s| match s {
                                        Value::String(s) => s.clone(),
                                        other => other.to_string(),
                                    })
                                    .collect::<Vec<_>>()
                                    .join("."),
                            ),
                            _ => None,
                        })
                        .unwrap_or_default();
                    let message = as_str(o.get("message")).unwrap_or_default();
                    (!field.is_empty() || !message.is_empty())
                        .then_some(FieldError { field, message })
                }
                _ => None,
            })
            .collect(),
        Value::String(s) if !s.trim().is_empty() => vec![FieldError {
            field: String::new(),
            message: s.trim().to_string(),
        }],
        _ => Vec::new(),
    }
}

/// Parses any of the documented error envelopes.
pub(crate) fn parse_error_body(body: &[u8]) -> ErrorBody {
    let mut out = ErrorBody::default();
    let v: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            let t = text.trim();
            let looks_html = t.starts_with('<');
            if !t.is_empty() && !looks_html && t.len() <= 300 {
                out.message = Some(t.to_string());
            }
            return out;
        }
    };
    match &v {
        Value::String(s) => out.message = Some(s.clone()),
        Value::Object(o) => {
            match o.get("error") {
                Some(Value::String(s)) => out.message = Some(s.clone()),
                Some(Value::Object(e)) => {
                    out.message = as_str(e.get("message"));
                    out.code = as_str(e.get("code"));
                    if let Some(d) = e.get("details") {
                        out.details = detail_items(d);
                    }
                    if let Some(p) = as_str(e.get("path")) {
                        out.details.push(FieldError {
                            field: p,
                            message: out.message.clone().unwrap_or_default(),
                        });
                    }
                    out.retry_after = as_f64(e.get("retryAfter"));
                }
                Some(arr @ Value::Array(_)) => {
                    out.details = detail_items(arr);
                    out.message = out.details.first().map(|d| d.message.clone());
                }
                _ => {}
            }
            if out.message.is_none() {
                out.message = as_str(o.get("message"));
            }
            if out.code.is_none() {
                out.code = as_str(o.get("code"));
            }
            if out.details.is_empty() {
                if let Some(errs) = o.get("errors").or_else(|| o.get("details")) {
                    out.details = detail_items(errs);
                }
            }
            if out.retry_after.is_none() {
                out.retry_after = as_f64(o.get("retryAfter"));
            }
        }
        Value::Array(_) => {
            out.details = detail_items(&v);
            out.message = out.details.first().map(|d| d.message.clone());
        }
        _ => {}
    }
    out
}

/// Seconds since the epoch of the response's `Date` header.
fn date_header_secs(headers: &[(String, String)]) -> Option<u64> {
    let d = read(headers, "date")?;
    let t = httpdate::parse_http_date(d).ok()?;
    t.duration_since(std::time::UNIX_EPOCH)
        .ok()
        .map(|d| d.as_secs())
}

/// Default wait when a 429 says nothing usable.
pub const DEFAULT_RETRY_AFTER_MS: u64 = 1000;

/// Turns a `retryAfter`-style value into ms from now: seconds when below 1e9; otherwise an
/// epoch timestamp (seconds below 1e11, else ms), measured against the `Date` header.
pub(crate) fn retry_after_ms(raw: f64, headers: &[(String, String)]) -> u64 {
    if raw < 1e9 {
        return (raw * 1000.0).ceil() as u64;
    }
    let epoch_ms = if raw < 1e11 { raw * 1000.0 } else { raw };
    match date_header_secs(headers) {
        Some(now_s) => {
            let diff = epoch_ms - (now_s as f64) * 1000.0;
            if diff <= 0.0 {
                0
            } else {
                diff.ceil() as u64
            }
        }
        None => DEFAULT_RETRY_AFTER_MS,
    }
}

/// The server-side wait of a 429: body `retryAfter`, else a `Retry-After` header, else the
/// rate-limit reset, else a default — refined by a `Retry-After-Ms` header (the exact wait in
/// milliseconds, which the AutoSend docs do not document but the sandbox and other APIs send)
/// when it is consistent with the coarse value (at most one second less: whole seconds are
/// rounded up). An inconsistent one can only lengthen the wait.
pub(crate) fn wait_of_429(body: &ErrorBody, headers: &[(String, String)]) -> u64 {
    let coarse = coarse_wait_of_429(body, headers);
    match read(headers, "retry-after-ms")
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v >= 0.0)
    {
        Some(ms) => {
            let ms = (ms.ceil() as u64).min(u64::MAX / 2);
            if coarse.saturating_sub(ms) < 1000 {
                ms
            } else {
                ms.max(coarse)
            }
        }
        None => coarse,
    }
}

fn coarse_wait_of_429(body: &ErrorBody, headers: &[(String, String)]) -> u64 {
    if let Some(r) = body.retry_after {
        return retry_after_ms(r, headers);
    }
    if let Some(v) = read(headers, "retry-after") {
        if let Ok(secs) = v.parse::<f64>() {
            if secs.is_finite() && secs >= 0.0 {
                return retry_after_ms(secs, headers);
            }
        }
        if let (Ok(at), Some(now)) = (httpdate::parse_http_date(v), date_header_secs(headers)) {
            if let Ok(d) = at.duration_since(std::time::UNIX_EPOCH) {
                return d.as_secs().saturating_sub(now) * 1000;
            }
        }
    }
    reset_wait_ms(headers).unwrap_or(DEFAULT_RETRY_AFTER_MS)
}

/// When `X-RateLimit-Remaining` is 0: ms until `X-RateLimit-Reset`.
pub(crate) fn reset_wait_ms(headers: &[(String, String)]) -> Option<u64> {
    let remaining = read(headers, "x-ratelimit-remaining")?;
    // The usual value is a whole number (read as one, cheaper than as a float).
    if remaining.parse::<u64>().is_ok_and(|n| n > 0) {
        return None;
    }
    let remaining: f64 = remaining.parse().ok()?;
    if remaining > 0.0 {
        return None;
    }
    let reset: f64 = read(headers, "x-ratelimit-reset")?.parse().ok()?;
    if !reset.is_finite() || reset < 0.0 {
        return None;
    }
    Some(retry_after_ms(reset, headers))
}

/// Maps a non-2xx answer to an error (before retry decisions).
pub(crate) fn error_for_status(
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
    secret: &str,
) -> (Error, ErrorBody) {
    let parsed = parse_error_body(body);
    let kind = if parsed.code.as_deref() == Some("PLAN_UPGRADE_REQUIRED") {
        ErrorKind::PlanRequired
    } else {
        match status {
            400 | 422 => ErrorKind::ApiValidation,
            401 => ErrorKind::Authentication,
            402 => ErrorKind::PlanRequired,
            403 => ErrorKind::Permission,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::Conflict,
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::UnexpectedStatus,
        }
    };
    let message = match &parsed.message {
        Some(m) => format!("HTTP {status}: {}", truncate(&scrub(m, secret), 500)),
        None => format!("HTTP {status} from the API"),
    };
    let details = parsed
        .details
        .iter()
        .map(|d| FieldError {
            field: truncate(&scrub(&d.field, secret), 200),
            message: truncate(&scrub(&d.message, secret), 500),
        })
        .collect();
    let mut e = Error::new(kind, message)
        .with_status(status)
        .with_api_code(
            parsed
                .code
                .as_deref()
                .map(|c| truncate(&scrub(c, secret), 100)),
        )
        .with_request_id(request_id(headers).map(|r| scrub(&r, secret)))
        .with_details(details);
    if status == 429 {
        e = e.with_retry_after_ms(Some(wait_of_429(&parsed, headers)));
    }
    (e, parsed)
}

/// Removes the key from server-provided text, in case a server echoes it: the whole key and
/// its secret part, in any letter case.
pub(crate) fn scrub(text: &str, key: &str) -> String {
    scrub_owned(text.to_string(), key)
}

/// [`scrub`] of a string the caller owns (returned as is when it holds no key).
pub(crate) fn scrub_owned(text: String, key: &str) -> String {
    let secret = key
        .bytes()
        .position(|b| b == b'_')
        .map_or(key, |i| &key[i + 1..]);
    let searched = |needle: &str| needle.len() >= 6 && needle.is_ascii();
    // `secret` is a part of `key`: a text without it holds neither (the common case: one
    // search, no copy).
    if searched(secret) && find_ascii_ci(text.as_bytes(), secret.as_bytes()).is_none() {
        return text;
    }
    let mut out = text;
    for needle in [key, secret] {
        if searched(needle) {
            if let Some(replaced) = replace_ascii_ci(&out, needle, "<redacted key>") {
                out = replaced;
            }
        }
    }
    out
}

/// Where the ASCII `needle` first occurs in `t`, in any ASCII letter case (`None` for an
/// empty needle).
fn find_ascii_ci(t: &[u8], n: &[u8]) -> Option<usize> {
    // Where the needle could start (its first byte, either case): most texts have no such
    // place.
    let first = n.first()?.to_ascii_lowercase();
    t.windows(n.len())
        .position(|w| w[0].to_ascii_lowercase() == first && w.eq_ignore_ascii_case(n))
}

/// Replaces every ASCII-case-insensitive occurrence of the ASCII `needle`; `None` when there
/// is none (the common case: no copy).
fn replace_ascii_ci(text: &str, needle: &str, with: &str) -> Option<String> {
    let (t, n) = (text.as_bytes(), needle.as_bytes());
    let mut i = find_ascii_ci(t, n)?;
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    while i + n.len() <= t.len() {
        if t[i..i + n.len()].eq_ignore_ascii_case(n) {
            // The match is ASCII, so both ends are char boundaries.
            out.push_str(&text[copied..i]);
            out.push_str(with);
            i += n.len();
            copied = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&text[copied..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn b(v: Value) -> Vec<u8> {
        serde_json::to_vec(&v).unwrap()
    }

    #[test]
    fn envelopes() {
        let p = parse_error_body(&b(
            json!({"success":false,"error":{"message":"Bad","code":"VALIDATION_FAILED","details":[{"field":"to","message":"x"}]}}),
        ));
        assert_eq!(p.message.as_deref(), Some("Bad"));
        assert_eq!(p.code.as_deref(), Some("VALIDATION_FAILED"));
        assert_eq!(p.details[0].field, "to");
        let p = parse_error_body(&b(json!({"success":false,"error":"Sender exists"})));
        assert_eq!(p.message.as_deref(), Some("Sender exists"));
        let p = parse_error_body(&b(
            json!({"success":false,"error":[{"message":"Invalid id","path":"projectId"}]}),
        ));
        assert_eq!(p.details[0].field, "projectId");
        let p = parse_error_body(&b(json!({"success":false,"message":"Unauthorized"})));
        assert_eq!(p.message.as_deref(), Some("Unauthorized"));
        let p = parse_error_body(&b(
            json!({"message":"x","retryAfter":30,"errors":[{"field":"a","message":"b"}]}),
        ));
        assert_eq!(p.retry_after, Some(30.0));
        assert_eq!(p.details.len(), 1);
        let p = parse_error_body(b"<html>502</html>");
        assert_eq!(p.message, None);
    }

    #[test]
    fn success_values_and_messages() {
        let (d, m) =
            success_value(br#"{"success":true,"message":"Created","data":{"id":"x"}}"#).unwrap();
        assert_eq!((d, m.as_deref()), (json!({"id": "x"}), Some("Created")));
        let (d, m) = success_value(br#"{"success":true,"message":"Contact deleted"}"#).unwrap();
        assert_eq!(
            (d, m.as_deref()),
            (
                json!({"message": "Contact deleted"}),
                Some("Contact deleted")
            )
        );
        let (d, m) = success_value(b"").unwrap();
        assert_eq!((d, m), (json!({}), None));
        let (d, m) = success_value(b"[1]").unwrap();
        assert_eq!((d, m), (json!([1]), None));
        assert!(success_value(b"%PDF").is_err());
    }

    /// The rule `success_value` implements, written plainly (the whole body into a `Value`).
    fn success_by_definition(body: &[u8]) -> Result<(Value, Option<String>), ()> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok((Value::Object(Map::new()), None));
        }
        let v: Value = serde_json::from_slice(body).map_err(|_| ())?;
        Ok(match v {
            Value::Object(mut m) => {
                let message = match m.get("message") {
                    Some(Value::String(s)) => Some(s.clone()),
                    _ => None,
                };
                match m.remove("data") {
                    Some(d) => (d, message),
                    None => {
                        m.remove("success");
                        (Value::Object(m), message)
                    }
                }
            }
            other => (other, None),
        })
    }

    #[test]
    fn success_values_agree_with_the_definition() {
        let bodies: &[&[u8]] = &[
            br#"{"success":true,"message":"Email queued","data":{"emailId":"e1"}}"#,
            br#"{"data":1,"data":2,"message":"a","message":"b"}"#,
            br#"{"data":null,"message":7}"#,
            br#"{"message":"x","message":null}"#,
            br#"{"success":true,"success":false,"other":1,"other":[2]}"#,
            br#"{"d\u0061ta":{"a":1},"m\u0065ssage":"esc"}"#,
            br#"{"Data":1,"MESSAGE":"no","success ":1}"#,
            br#"{}"#,
            b" \r\n\t{\"data\":[1,2]} \n",
            b"\x0c{}",
            br#"{"data":1}x"#,
            br#"{"data":1"#,
            br#"{"data":"\ud800"}"#,
            b"{\"data\":\"\xff\"}",
            b"{\"x\xfe\":1}",
            "{\"data\":\"é漢🎉\",\"message\":\"ü\"}".as_bytes(),
            b"[1,{\"data\":2}]",
            b"\"s\"",
            b"12.5",
            b"-0",
            b"18446744073709551615",
            b"true",
            b"null",
            b"",
            b"  \n",
            b"\xef\xbb\xbf{}",
            br#"{"data":{"a":{"b":{"c":[[[[]]]]}}}}"#,
        ];
        for body in bodies {
            assert_eq!(
                success_value(body),
                success_by_definition(body),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        // The recursion limit is the parser's, whatever the top level.
        for depth in [126, 127, 128, 129, 200] {
            let deep = |open: &str, close: &str| {
                format!(
                    "{{\"data\":{}1{}}}",
                    open.repeat(depth),
                    close.repeat(depth)
                )
            };
            let body = deep("[", "]");
            assert_eq!(
                success_value(body.as_bytes()).is_ok(),
                success_by_definition(body.as_bytes()).is_ok(),
                "{depth}"
            );
        }
    }

    use proptest::strategy::Strategy as _;

    proptest::proptest! {
        #[test]
        fn envelopes_agree_with_the_definition(
            entries in proptest::collection::vec(
                (
                    proptest::sample::select(vec!["data", "message", "success", "id", "d\\u0061ta"]),
                    proptest::prop_oneof![
                        proptest::strategy::Just("null".to_string()),
                        "[a-z]{0,3}".prop_map(|s| format!("\"{s}\"")),
                        (0u32..5).prop_map(|n| n.to_string()),
                        "[a-z]{0,3}".prop_map(|s| format!("{{\"k\":\"{s}\"}}")),
                    ],
                ),
                0..6,
            )
        ) {
            let body = format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|(k, v)| format!("\"{k}\":{v}"))
                    .collect::<Vec<_>>()
                    .join(",")
            );
            proptest::prop_assert_eq!(
                success_value(body.as_bytes()),
                success_by_definition(body.as_bytes())
            );
        }
    }

    #[test]
    fn content_disposition_names() {
        let h = |v: &str| vec![("Content-Disposition".to_string(), v.to_string())];
        assert_eq!(
            disposition_filename(&h(r#"attachment; filename="a b.pdf""#)).as_deref(),
            Some("a b.pdf")
        );
        assert_eq!(
            disposition_filename(&h("attachment; filename=plain.txt")).as_deref(),
            Some("plain.txt")
        );
        assert_eq!(
            disposition_filename(&h(
                r#"attachment; filename="fallback.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf"#
            ))
            .as_deref(),
            Some("résumé.pdf")
        );
        assert_eq!(
            disposition_filename(&h(r#"attachment; filename="../../etc/passwd""#)).as_deref(),
            Some("passwd")
        );
        assert_eq!(disposition_filename(&h("attachment")), None);
        assert_eq!(disposition_filename(&[]), None);
    }

    #[test]
    fn retry_after_forms() {
        let date = vec![(
            "Date".to_string(),
            "Thu, 01 Jan 2026 00:00:00 GMT".to_string(),
        )];
        assert_eq!(retry_after_ms(30.0, &[]), 30_000);
        assert_eq!(retry_after_ms(1_767_225_630.0, &date), 30_000);
        assert_eq!(retry_after_ms(1_767_225_630_000.0, &date), 30_000);
        assert_eq!(retry_after_ms(1_767_225_630.0, &[]), DEFAULT_RETRY_AFTER_MS);
        assert_eq!(retry_after_ms(1_767_225_500.0, &date), 0);
    }

    #[test]
    fn precise_wait_when_the_server_gives_one() {
        let body = parse_error_body(br#"{"error":{"code":"RATE_LIMIT_EXCEEDED","retryAfter":1}}"#);
        let h = |v: &str| vec![("retry-after-ms".to_string(), v.to_string())];
        assert_eq!(wait_of_429(&body, &[]), 1000);
        assert_eq!(wait_of_429(&body, &h("289")), 289);
        assert_eq!(wait_of_429(&body, &h("288.2")), 289);
        assert_eq!(wait_of_429(&body, &h("1000")), 1000);
        // Longer than the coarse value: the longer wait.
        assert_eq!(wait_of_429(&body, &h("2500")), 2500);
        // Far shorter than a coarse 30 s: inconsistent, the coarse value stands.
        let long = parse_error_body(br#"{"error":{"retryAfter":30}}"#);
        assert_eq!(wait_of_429(&long, &h("289")), 30_000);
        assert_eq!(wait_of_429(&long, &h("29001")), 29_001);
        assert_eq!(wait_of_429(&body, &h("soon")), 1000);
        assert_eq!(wait_of_429(&body, &h("-5")), 1000);
    }

    #[test]
    fn scrubs_key_in_any_form() {
        let key = "AS_CanaryCanary123456789";
        for echoed in [
            "bad key AS_CanaryCanary123456789",
            "secret CanaryCanary123456789 is wrong",
            "lower as_canarycanary123456789 é",
            "UPPER CANARYCANARY123456789",
        ] {
            let (e, _) = error_for_status(
                401,
                &[("x-request-id".into(), format!("r-{echoed}"))],
                &b(
                    json!({"message": echoed, "error": {"details": [{"field": echoed, "message": echoed}]}}),
                ),
                key,
            );
            let shown = format!("{e} {e:?}").to_ascii_lowercase();
            assert!(!shown.contains("canarycanary123456789"), "{shown}");
        }
        assert_eq!(
            scrub("ünïcode AS_abcdefgh ok", "AS_abcdefgh"),
            "ünïcode <redacted key> ok"
        );
    }

    #[test]
    fn scrub_replaces_every_occurrence_and_nothing_else() {
        let key = "AS_abcdefgh";
        assert_eq!(
            scrub("a abcdefgh b ABCDEFGH c AS_abcdefgh", key),
            "a <redacted key> b <redacted key> c <redacted key>"
        );
        // At the start and the end of the text, and the whole text.
        assert_eq!(scrub("abcdefgh", key), "<redacted key>");
        assert_eq!(scrub("abcdefghX", key), "<redacted key>X");
        assert_eq!(scrub("Xabcdefgh", key), "X<redacted key>");
        // A text holding only parts of it, or its first letter, is returned as is.
        assert_eq!(scrub("req_abcdefg a bcdefgh", key), "req_abcdefg a bcdefgh");
        assert_eq!(scrub("", key), "");
        assert_eq!(scrub_owned("aaaa".to_string(), key), "aaaa");
    }

    /// `X-RateLimit-Remaining: 0` with a usable reset blocks; any remaining request (a whole
    /// or a fractional count), a negative or non-finite reset, does not.
    #[test]
    fn reset_wait_needs_nothing_remaining_and_a_usable_reset() {
        let h = |remaining: &str, reset: &str| {
            reset_wait_ms(&[
                ("x-ratelimit-remaining".to_string(), remaining.to_string()),
                ("x-ratelimit-reset".to_string(), reset.to_string()),
            ])
        };
        assert_eq!(h("0", "2"), Some(2000));
        assert_eq!(h("0", "0"), Some(0));
        assert_eq!(h("0.0", "1.5"), Some(1500));
        assert_eq!(h("-1", "1"), Some(1000));
        assert_eq!(h("3", "2"), None);
        assert_eq!(h("+3", "2"), None);
        assert_eq!(h("0.5", "2"), None);
        assert_eq!(h("0", "-1"), None);
        assert_eq!(h("0", "NaN"), None);
        assert_eq!(h("0", "inf"), None);
        assert_eq!(h("many", "2"), None);
        assert_eq!(h("0", "soon"), None);
    }

    /// A text without the key is handed back as it is (no copy), and the search for the key
    /// finds it in any letter case, only where all of it is.
    #[test]
    fn scrub_keeps_a_text_without_the_key() {
        let key = "AS_abcdefgh";
        for text in [
            "req_01HZX8Q4W5",
            "a abcdefg bcdefgh",
            "AS_abcdefg",
            "aaaa a",
        ] {
            let owned = text.to_string();
            let at = owned.as_ptr();
            let back = scrub_owned(owned, key);
            assert_eq!((back.as_str(), back.as_ptr()), (text, at));
        }
        assert_eq!(find_ascii_ci(b"xxABCdef", b"abc"), Some(2));
        assert_eq!(find_ascii_ci(b"abcABC", b"ABC"), Some(0));
        assert_eq!(find_ascii_ci(b"a-c ab-abc", b"abc"), Some(7));
        assert_eq!(find_ascii_ci(b"a-c ab", b"abc"), None);
        assert_eq!(find_ascii_ci(b"ab", b"abc"), None);
        assert_eq!(find_ascii_ci(b"abc", b""), None);
    }

    #[test]
    fn scrubs_key() {
        let (e, _) = error_for_status(
            401,
            &[],
            &b(json!({"message":"bad key AS_secretsecret"})),
            "AS_secretsecret",
        );
        assert!(!e.to_string().contains("secretsecret"));
    }

    #[test]
    fn scrub_skips_needles_shorter_than_six_bytes() {
        // The whole key (6 bytes) is scrubbed; its secret part "abc" (3) is too short to tell
        // from ordinary words, so it stays.
        assert_eq!(
            scrub("AS_abc and abc, ABC", "AS_abc"),
            "<redacted key> and abc, ABC"
        );
        // Six bytes is enough: "abcdef" is scrubbed in any case.
        assert_eq!(
            scrub("AS_abcdef or ABCDEF", "AS_abcdef"),
            "<redacted key> or <redacted key>"
        );
        assert_eq!(scrub("nothing here", "AS_abcdef"), "nothing here");
    }
}
