//! Limits decided once, for every endpoint and every language, and the errors they report,
//! so no binding writes its own number (`docs/contract.md`: limits): what the native
//! transports enforce (answer size, CA file size, deadlines, connect timeout) and the input
//! limits (how deep parameters may nest and how large a request body may be). Bindings never
//! keep their own limits: Python's converter, the C and wasm JSON entry points and
//! `build_request` all call this module, so a refusal is the same error (kind, field, message)
//! everywhere.
//!
//! Depth counts containers below the parameters object: in `{"dynamicData": {"a": 1}}` the
//! `dynamicData` object is level 1. [`MAX_JSON_DEPTH`] levels are accepted, one more is refused
//! with the top-level field named (`field = "dynamicData"`).

use crate::error::{Error, ErrorKind};
use serde_json::{Map, Value};

/// The largest answer body a transport reads: 50 MiB. A larger answer is discarded while it
/// streams (never buffered whole) and the call fails with [`response_too_large`].
pub const MAX_RESPONSE_BYTES: usize = 50 * 1024 * 1024;

/// The largest CA file (`ca_file`) a binding reads: 1 MiB; a longer (or endless) file is an
/// `invalid_config` error naming `ca_file` ([`ca_file_error`]).
pub const MAX_CA_FILE_BYTES: usize = 1024 * 1024;

/// The default overall deadline of one call, in ms, when the options give none: 90 s, enough
/// for one full minute window of the rate limiter (60 s) plus one attempt of the default
/// timeout (30 s). A call never runs longer than this (or than its per-attempt timeout, if
/// that is longer: see [`default_deadline_ms`]), retries and rate-limit waits included; pass
/// `deadline_ms` to choose another bound.
pub const DEFAULT_DEADLINE_MS: u64 = 90_000;

/// How often a blocking wait (rate limiter, retry backoff, server answer) gives the host a
/// chance to handle a signal such as Ctrl-C, in ms.
pub const INTERRUPT_CHECK_MS: u64 = 100;

/// The deadline a client gets when its options set none: [`DEFAULT_DEADLINE_MS`], or the
/// per-attempt timeout when that is longer (one attempt always gets its whole timeout).
pub fn default_deadline_ms(timeout_ms: u64) -> u64 {
    DEFAULT_DEADLINE_MS.max(timeout_ms)
}

/// The connect timeout (TCP connection and TLS handshake) for a per-attempt timeout: nine
/// tenths of it, so a handshake that never finishes is reported as `connect` (nothing was
/// sent; safe to retry) before the attempt's own timeout, which would have to say the request
/// may have been delivered.
pub fn connect_timeout_ms(timeout_ms: u64) -> u64 {
    (timeout_ms / 10 * 9 + timeout_ms % 10 * 9 / 10).max(1)
}

/// The error for an answer larger than [`MAX_RESPONSE_BYTES`] (`invalid_response`), built by
/// [`crate::Call::handle_oversized_response`]. The request reached the server and was
/// answered, so a write may have been acted on (`may_have_been_delivered`).
pub fn response_too_large(status: u16, may_have_been_delivered: bool) -> Error {
    let next = if may_have_been_delivered {
        "the request may have been processed: check (for a send, the sent mail) before sending \
         again"
    } else {
        "check base_url and any proxy in between"
    };
    Error::new(
        ErrorKind::InvalidResponse,
        format!(
            "the answer (HTTP {status}) is larger than {} MB ({MAX_RESPONSE_BYTES} bytes), the \
             most this SDK reads, and was discarded; {next}",
            MAX_RESPONSE_BYTES / (1024 * 1024)
        ),
    )
    .with_status(status)
    .with_may_have_been_delivered(may_have_been_delivered)
}

/// The error for a CA file that cannot be used (`invalid_config`, field `ca_file`).
pub fn ca_file_error(message: impl std::fmt::Display) -> Error {
    let mut e = Error::new(ErrorKind::InvalidConfig, format!("ca_file: {message}"));
    e.set_field("ca_file");
    e
}

/// The error for a call interrupted by the host (Ctrl-C) after its answer had arrived: the
/// request was processed (`may_have_been_delivered`), the answer is attached by the binding.
pub fn interrupted_after_answer(status: u16) -> Error {
    Error::new(
        ErrorKind::Aborted,
        "the call was interrupted after the server had answered; the request was processed",
    )
    .with_status(status)
    .with_may_have_been_delivered(true)
}

/// The largest number of ms a time argument given in seconds may stand for: 2^53 (every
/// language represents it exactly; about 285,000 years).
pub const MAX_SECONDS_ARG_MS: u64 = 1 << 53;

/// Converts a time argument given in (fractional) seconds, such as a webhook's `now` or
/// `tolerance`, to whole ms. NaN, infinities, negative values and values beyond
/// [`MAX_SECONDS_ARG_MS`] are a `validation` error naming `field`.
pub fn seconds_arg_ms(field: &str, seconds: f64) -> Result<u64, Error> {
    let ms = seconds * 1000.0;
    if !ms.is_finite() || ms < 0.0 || ms.round() > MAX_SECONDS_ARG_MS as f64 {
        return Err(Error::validation(
            field,
            format!(
                "must be a finite number of seconds from 0 to {} (got {seconds})",
                MAX_SECONDS_ARG_MS / 1000
            ),
        ));
    }
    Ok(ms.round() as u64)
}

/// Deepest nesting of objects/arrays inside one parameter (the parameter's own value is level
/// 1). Deep enough for any real template data; stops self-referencing containers and keeps
/// every recursive step (validation, serialisation, the bindings' converters) bounded.
pub const MAX_JSON_DEPTH: usize = 64;

/// Body limit of endpoints that document none: the API's 40 MB send limit.
pub const DEFAULT_MAX_BODY_BYTES: usize = 40 * 1024 * 1024;

/// The error for a parameter nested deeper than [`MAX_JSON_DEPTH`]; `field` is the top-level
/// parameter (or `params` when the parameters themselves are the problem).
pub fn too_deep(field: &str) -> Error {
    let field = if field.is_empty() { "params" } else { field };
    Error::validation(
        field,
        format!(
            "is nested more than {MAX_JSON_DEPTH} levels deep (objects and arrays inside each \
             other); flatten it (a container that contains itself?)"
        ),
    )
}

/// The error for a body over `max` bytes; `field` is the largest top-level field.
pub fn too_large(endpoint: &str, field: &str, size: usize, max: usize) -> Error {
    let field = if field.is_empty() { "params" } else { field };
    Error::validation(
        field,
        format!(
            "makes the request {size} bytes; {endpoint} takes at most {max} bytes ({} MB, the \
             API's limit, attachments counted after base64): send less in this field",
            max / (1024 * 1024)
        ),
    )
}

/// Checks that no parameter nests deeper than [`MAX_JSON_DEPTH`]. Never recurses deeper than
/// the limit, whatever the input.
pub fn check_depth(params: &Map<String, Value>) -> Result<(), Error> {
    fn deeper_than(v: &Value, budget: usize) -> bool {
        match v {
            Value::Array(a) => budget == 0 || a.iter().any(|x| deeper_than(x, budget - 1)),
            Value::Object(m) => budget == 0 || m.values().any(|x| deeper_than(x, budget - 1)),
            _ => false,
        }
    }
    for (k, v) in params {
        if deeper_than(v, MAX_JSON_DEPTH) {
            return Err(too_deep(k));
        }
    }
    Ok(())
}

/// The top-level field whose JSON text is largest (for naming it in a size refusal).
pub fn largest_field(params: &Map<String, Value>) -> String {
    params
        .iter()
        .map(|(k, v)| (serde_json::to_vec(v).map(|b| b.len()).unwrap_or(0), k))
        .max_by_key(|(n, _)| *n)
        .map(|(_, k)| k.clone())
        .unwrap_or_default()
}

/// What a linear scan of JSON text found: the path at a byte offset, nesting too deep, and
/// the byte span of each top-level field.
struct Scan {
    /// Top-level field in which the scan stopped (depth exceeded or `stop` reached).
    field: String,
    too_deep: bool,
    /// (field, bytes) of each top-level field seen.
    sizes: Vec<(String, usize)>,
}

/// Scans JSON text without building it: tracks the top-level key, the depth and the span of
/// each top-level value. Stops at byte `stop` or when nesting passes the limit. Malformed text
/// is scanned as far as it goes (the parser reports the error). Without `record`, only the
/// depth is tracked (no field names, no sizes: nothing allocated).
fn scan(text: &[u8], stop: usize, record: bool) -> Scan {
    let mut depth = 0usize;
    let mut field = String::new();
    let mut sizes = Vec::new();
    let mut value_start = None;
    let mut expect_key = false; // next string at depth 1 is a key
    let mut i = 0;
    while i < text.len() && i < stop {
        match text[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < text.len() && text[i] != b'"' {
                    if text[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                if record && depth == 1 && expect_key {
                    let raw = &text[start..i.min(text.len())];
                    field = serde_json::from_slice::<String>(&[b"\"", raw, b"\""].concat())
                        .unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned());
                    expect_key = false;
                }
            }
            b':' if depth == 1 => value_start = Some(i + 1),
            b',' if depth == 1 => {
                if let Some(s) = value_start.take().filter(|_| record) {
                    sizes.push((field.clone(), i - s));
                }
                expect_key = true;
            }
            b'{' | b'[' => {
                depth += 1;
                if depth == 1 {
                    expect_key = text[i] == b'{';
                }
                if depth > MAX_JSON_DEPTH + 1 {
                    return Scan {
                        field,
                        too_deep: true,
                        sizes,
                    };
                }
            }
            b'}' | b']' => {
                if depth == 1 {
                    if let Some(s) = value_start.take().filter(|_| record) {
                        sizes.push((field.clone(), i - s));
                    }
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        i += 1;
    }
    Scan {
        field,
        too_deep: false,
        sizes,
    }
}

/// Parses a binding's parameters given as JSON text (C, wasm): the same depth and size rules
/// as for values, and a parse error names the top-level field it happened in.
pub fn params_from_json(text: &[u8]) -> Result<Value, Error> {
    // Parameters far beyond any endpoint's body limit are refused before parsing them.
    let too_big = text.len() > DEFAULT_MAX_BODY_BYTES + 1024 * 1024;
    // A depth-only pass first; the fields are named (a second, recording pass) only for a
    // refusal. Text with at most `MAX_JSON_DEPTH + 1` opening brackets (strings included)
    // cannot nest deeper than the limit: the pass is skipped (a count is ~20× cheaper).
    if too_big || (may_be_too_deep(text) && scan(text, usize::MAX, false).too_deep) {
        let s = scan(text, usize::MAX, true);
        if s.too_deep {
            return Err(too_deep(&s.field));
        }
        let field = s
            .sizes
            .iter()
            .max_by_key(|(_, n)| *n)
            .map(|(f, _)| f.as_str())
            .unwrap_or("");
        return Err(too_large(
            "any endpoint",
            field,
            text.len(),
            DEFAULT_MAX_BODY_BYTES,
        ));
    }
    // UTF-8 checked once for the whole text (the slice reader checks every string on its
    // own); text that is not UTF-8 goes to the slice reader for its exact error.
    let parsed = match std::str::from_utf8(text) {
        Ok(t) => serde_json::from_str::<Value>(t),
        Err(_) => serde_json::from_slice::<Value>(text),
    };
    let v: Value = parsed.map_err(|e| {
        // serde reports line and column; find the top-level field at that point.
        let offset = offset_of(text, e.line(), e.column());
        let at = scan(text, offset, true).field;
        let what = if e.is_eof() {
            "the parameters' JSON text ends early".to_string()
        } else {
            let mut m = e.to_string();
            if let Some(p) = m.find(" at line ") {
                m.truncate(p);
            }
            format!("is not valid JSON ({m})")
        };
        Error::validation(if at.is_empty() { "params" } else { &at }, what)
    })?;
    // Text no deeper than the limit (the count or the scan above) gives a value no deeper:
    // `build_request` checks the value again in any case.
    debug_assert!(match &v {
        Value::Object(m) => check_depth(m).is_ok(),
        _ => true,
    });
    Ok(v)
}

/// Whether `text` has more opening brackets than the deepest accepted nesting needs (the
/// parameters object plus [`MAX_JSON_DEPTH`] levels): only then can it be too deep.
fn may_be_too_deep(text: &[u8]) -> bool {
    // `{` and `[` differ by one bit (0x7B, 0x5B): one compare a byte, counted in chunks of
    // at most 255 bytes (a `u8` count each) so that the loop is vectorised.
    let opening = |chunk: &[u8]| {
        chunk
            .iter()
            .fold(0u8, |n, &b| n + u8::from(b | 0x20 == b'{')) as usize
    };
    text.chunks(255).map(opening).sum::<usize>() > MAX_JSON_DEPTH + 1
}

fn offset_of(text: &[u8], line: usize, column: usize) -> usize {
    let mut l = 1;
    for (i, b) in text.iter().enumerate() {
        if l == line {
            return (i + column.saturating_sub(1)).min(text.len());
        }
        if *b == b'\n' {
            l += 1;
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_timeout_is_shorter_than_the_attempt() {
        assert_eq!(connect_timeout_ms(30_000), 27_000);
        assert_eq!(connect_timeout_ms(1_500), 1_350);
        assert_eq!(connect_timeout_ms(1), 1);
        assert!(connect_timeout_ms(u64::MAX) < u64::MAX);
    }

    #[test]
    fn default_deadline_covers_one_attempt() {
        assert_eq!(default_deadline_ms(30_000), DEFAULT_DEADLINE_MS);
        assert_eq!(default_deadline_ms(200_000), 200_000);
    }

    #[test]
    fn errors_are_typed() {
        let e = response_too_large(200, true);
        assert_eq!(e.kind(), ErrorKind::InvalidResponse);
        assert!(e.may_have_been_delivered());
        assert!(e.to_string().contains("before sending again"), "{e}");
        assert_eq!(e.status(), Some(200));
        let e = response_too_large(200, false);
        assert!(!e.may_have_been_delivered());
        assert!(e.to_string().contains("base_url"), "{e}");
        let e = ca_file_error("too big");
        assert_eq!(e.kind(), ErrorKind::InvalidConfig);
        assert_eq!(e.field(), Some("ca_file"));
        assert!(interrupted_after_answer(200).may_have_been_delivered());
    }

    #[test]
    fn only_text_with_enough_brackets_is_scanned_for_depth() {
        // The parameters object plus MAX_JSON_DEPTH levels: the most brackets accepted text
        // needs.
        let most = MAX_JSON_DEPTH + 1;
        assert!(!may_be_too_deep("[".repeat(most).as_bytes()));
        assert!(may_be_too_deep("{".repeat(most + 1).as_bytes()));
        assert!(may_be_too_deep(
            format!("{}{{", "[".repeat(most)).as_bytes()
        ));
        assert!(!may_be_too_deep(br#"{"a":{"b":"}]x"}}"#));
        // Only `{` and `[` count, however many other bytes there are (and across chunks).
        for b in (0..=255u8).filter(|b| !matches!(b, b'{' | b'[')) {
            assert!(!may_be_too_deep(&[b; 1000]), "byte {b:#x}");
        }
        let spread: Vec<u8> = (0..1000)
            .map(|i| if i % 7 == 0 { b'{' } else { b'a' })
            .collect();
        assert!(may_be_too_deep(&spread));
        // Brackets in strings count too (the count only decides whether to scan).
        let text = format!(r#"{{"a":"{}"}}"#, "[".repeat(200));
        assert!(may_be_too_deep(text.as_bytes()));
        assert!(params_from_json(text.as_bytes()).is_ok());
        let deep = format!(r#"{{"a":{}{}}}"#, "[".repeat(200), "]".repeat(200));
        let e = params_from_json(deep.as_bytes()).unwrap_err();
        assert_eq!(e.field(), Some("a"));
        assert!(e.message().contains("nested more than"), "{e}");
    }

    #[test]
    fn seconds_arguments_are_checked() {
        assert_eq!(seconds_arg_ms("now", 1.5).unwrap(), 1500);
        assert_eq!(seconds_arg_ms("now", 0.0).unwrap(), 0);
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0, 1e30] {
            let e = seconds_arg_ms("tolerance", bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Validation);
            assert_eq!(e.field(), Some("tolerance"));
        }
    }

    fn nested(levels: usize) -> String {
        format!(
            "{{\"subject\":\"x\",\"dynamicData\":{}1{}}}",
            "{\"a\":".repeat(levels),
            "}".repeat(levels)
        )
    }

    #[test]
    fn depth_64_ok_65_refused_with_the_field() {
        let ok = params_from_json(nested(64).as_bytes()).unwrap();
        check_depth(ok.as_object().unwrap()).unwrap();
        for n in [65, 126, 127, 128, 100_000] {
            let e = params_from_json(nested(n).as_bytes()).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Validation, "{n}");
            assert_eq!(e.field(), Some("dynamicData"), "{n}");
        }
        let v: Value = serde_json::from_str(&nested(65)).unwrap();
        let e = check_depth(v.as_object().unwrap()).unwrap_err();
        assert_eq!(e.field(), Some("dynamicData"));
        assert_eq!(
            e,
            params_from_json(nested(65).as_bytes()).unwrap_err(),
            "one error"
        );
    }

    #[test]
    fn nested_arrays_in_a_value_count_as_levels() {
        // The value path (build_request, the bindings' converters), not only the text scan.
        let mut v = Value::from(1);
        for _ in 0..MAX_JSON_DEPTH {
            v = Value::Array(vec![v]);
        }
        let mut m = Map::new();
        m.insert("tags".into(), v.clone());
        check_depth(&m).unwrap();
        m.insert("tags".into(), Value::Array(vec![v]));
        assert_eq!(check_depth(&m).unwrap_err().field(), Some("tags"));
    }

    #[test]
    fn parse_errors_name_the_field() {
        let e = params_from_json(br#"{"subject":"x","dynamicData":{"a":"\ud800"}}"#).unwrap_err();
        assert_eq!(e.field(), Some("dynamicData"));
        let e = params_from_json(br#"{"subject":"x","html":"#).unwrap_err();
        assert_eq!(e.field(), Some("html"));
        let e = params_from_json(b"[1,2").unwrap_err();
        assert_eq!(e.field(), Some("params"));
        // A string that never ends: the scans stop at the end of the text (no read past it).
        let e = params_from_json(br#"{"subject":"x","html":"<p>hi"#).unwrap_err();
        assert_eq!(e.field(), Some("html"));
        assert_eq!(e.message(), "html: the parameters' JSON text ends early");
        let e = params_from_json(br#"{"subject":"x","html":"<p>hi\"#).unwrap_err();
        assert_eq!(e.field(), Some("html"));
        // The field is the one the error is in, not the next one: the scan stops at the
        // error's byte (a second comma where a key belongs; the next key is not read).
        let e = params_from_json(br#"{"subject":"x",,"html":"y"}"#).unwrap_err();
        assert_eq!(e.field(), Some("subject"), "{e}");
        let e = params_from_json(br#"{"subject":"x" "html":"y"}"#).unwrap_err();
        assert_eq!(e.field(), Some("subject"), "{e}");
    }

    #[test]
    fn the_size_refusal_names_the_largest_field() {
        let cfg = crate::ClientConfig::new(crate::ClientOptions::new("AS_limitstest1")).unwrap();
        let big = "x".repeat(DEFAULT_MAX_BODY_BYTES);
        let params = serde_json::json!({
            "from": {"email": "a@example.com"}, "to": {"email": "b@example.com"},
            "subject": "s", "html": "<p>hi</p>", "dynamicData": {"blob": big},
        });
        let e = crate::build_request(&cfg, "emails.send", params).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Validation);
        assert_eq!(e.field(), Some("dynamicData"), "{e}");
        assert!(e.to_string().contains("41943040"), "{e}");
    }

    proptest::proptest! {
        /// Text and value paths agree on every depth and mix of objects and arrays.
        #[test]
        fn text_and_value_checks_agree(shape in proptest::collection::vec(proptest::bool::ANY, 0..140)) {
            let mut v = Value::from(1);
            for is_obj in &shape {
                v = if *is_obj { serde_json::json!({"k": v}) } else { Value::Array(vec![v]) };
            }
            let text = format!("{{\"dynamicData\":{}}}", serde_json::to_string(&v).unwrap_or_default());
            let from_text = params_from_json(text.as_bytes());
            proptest::prop_assert_eq!(from_text.is_ok(), shape.len() <= MAX_JSON_DEPTH);
            if let Err(e) = from_text {
                proptest::prop_assert_eq!(e.field(), Some("dynamicData"));
            }
        }
    }

    #[test]
    fn a_depth_only_scan_finds_the_same_depth_and_records_nothing() {
        let n = MAX_JSON_DEPTH + 1;
        let deep = format!(r#"{{"a":1,"b":{}{}}}"#, "[".repeat(n), "]".repeat(n));
        let ok = format!(
            r#"{{"a":1,"b":{}{}}}"#,
            "[".repeat(n - 1),
            "]".repeat(n - 1)
        );
        for (text, too_deep) in [(deep.as_bytes(), true), (ok.as_bytes(), false)] {
            let quick = scan(text, usize::MAX, false);
            let full = scan(text, usize::MAX, true);
            assert_eq!((quick.too_deep, full.too_deep), (too_deep, too_deep));
            assert!(quick.field.is_empty() && quick.sizes.is_empty());
        }
        assert_eq!(scan(deep.as_bytes(), usize::MAX, true).field, "b");
        assert_eq!(
            params_from_json(deep.as_bytes()).unwrap_err().details()[0].field,
            "b"
        );
        assert!(params_from_json(ok.as_bytes()).is_ok());
    }

    #[test]
    fn scan_measures_top_level_fields() {
        let s = scan(br#"{"a":"xx","b":[1,2,3],"c":{"d":1}}"#, usize::MAX, true);
        assert_eq!(
            s.sizes,
            vec![("a".into(), 4), ("b".into(), 7), ("c".into(), 7)]
        );
    }
}
