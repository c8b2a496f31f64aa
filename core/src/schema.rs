//! Request-body schemas (generated from `api/openapi.json` into `generated.rs`) and their
//! interpreter: one pass over the caller's JSON that validates it and canonicalises it in place.
//!
//! - Structural problems (wrong type, unknown field, missing required field) stop at the first
//!   one, naming its full path (`to.nam`, `recipients[3].email`).
//! - Keyword problems (lengths in characters, ranges, enums, formats, patterns, item counts) and
//!   the named cross-field rules (`crate::rules`) are collected; the error names the first and
//!   carries them all in `details`.
//! - Canonical form: an optional field that is `null` (and not nullable) is dropped, as if it
//!   had not been given; everything else is sent as given.

use crate::error::{Error, FieldError};
use crate::request::type_name;
use crate::types::looks_like_email;
use serde_json::{Map, Value};
use std::sync::OnceLock;

/// A schema node (the subset of JSON Schema in `api/CONVENTIONS.md`).
#[derive(Debug)]
pub enum Schema {
    /// Anything.
    Any,
    /// `true` / `false`.
    Bool,
    /// A whole number.
    Integer(NumberRule),
    /// Any number.
    Number(NumberRule),
    /// A string.
    String(StringRule),
    /// An array.
    Array(ArrayRule),
    /// An object.
    Object(ObjectRule),
    /// `null` or the inner schema.
    Nullable(&'static Schema),
    /// The first alternative that accepts the value.
    OneOf(&'static [&'static Schema]),
    /// Another (named) schema.
    Ref(&'static Schema),
}

/// `minimum` / `maximum`.
#[derive(Debug)]
pub struct NumberRule {
    /// Smallest allowed value.
    pub min: Option<f64>,
    /// Largest allowed value.
    pub max: Option<f64>,
}

/// String keywords.
#[derive(Debug)]
pub struct StringRule {
    /// `minLength`, in characters.
    pub min: Option<u32>,
    /// `maxLength`, in characters.
    pub max: Option<u32>,
    /// Allowed values (empty: any).
    pub enum_: &'static [&'static str],
    /// `format`.
    pub format: Option<Format>,
    /// Index into the generated pattern list.
    pub pattern: Option<usize>,
    /// What the value should look like (the description's words), shown when the pattern
    /// does not match.
    pub hint: Option<&'static str>,
}

/// String formats the core checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// [`looks_like_email`].
    Email,
    /// RFC 3339 date-time (`2026-01-01T00:00:00Z`, fraction and offset optional forms).
    DateTime,
    /// An absolute URI (`https://…`).
    Uri,
}

/// Array keywords.
#[derive(Debug)]
pub struct ArrayRule {
    /// Schema of every item.
    pub items: &'static Schema,
    /// `minItems`.
    pub min: Option<u32>,
    /// `maxItems`.
    pub max: Option<u32>,
}

/// Object keywords.
#[derive(Debug)]
pub struct ObjectRule {
    /// Declared properties, in the description's order.
    pub fields: &'static [Field],
    /// What other keys may be.
    pub additional: Additional,
}

/// One declared property.
#[derive(Debug)]
pub struct Field {
    /// Wire name (camelCase).
    pub name: &'static str,
    /// Must be present.
    pub required: bool,
    /// Its schema.
    pub schema: &'static Schema,
}

/// `additionalProperties`.
#[derive(Debug)]
pub enum Additional {
    /// `false`: unknown keys are refused (typo protection).
    Deny,
    /// `true`: a free-form map.
    Any,
    /// A map whose values follow this schema.
    Schema(&'static Schema),
}

/// A pattern of the form `^[^…]*$` whose class lists plain characters only (`\r`, `\n`,
/// `\t` or printable ASCII other than `[]^-&~\\`): the characters a matching string must not
/// contain. Such a pattern (the display names' and subjects' "no line breaks") is checked on
/// every send; this answers it without running the regex engine. Any other pattern: `None`
/// (the engine decides). A test checks that both agree for every pattern in the catalog.
fn excluded_chars(pattern: &str) -> Option<Vec<char>> {
    let class = pattern.strip_prefix("^[^")?.strip_suffix("]*$")?;
    let mut out = Vec::new();
    let mut it = class.chars();
    while let Some(c) = it.next() {
        out.push(match c {
            '\\' => match it.next()? {
                'r' => '\r',
                'n' => '\n',
                't' => '\t',
                _ => return None,
            },
            '[' | ']' | '^' | '-' | '&' | '~' => return None,
            c if c.is_ascii_graphic() || c == ' ' => c,
            _ => return None,
        });
    }
    (!out.is_empty()).then_some(out)
}

/// The ASCII characters of `set` as a bit set (bit c: character c); others are left out
/// ([`excluded_chars`] gives none).
fn ascii_mask(set: &[char]) -> u128 {
    set.iter()
        .filter(|c| c.is_ascii())
        .fold(0, |m, &c| m | 1 << (c as u32))
}

/// True when `s` holds none of the ASCII characters of `mask`. Byte by byte: in UTF-8 a byte
/// under 128 is always that ASCII character, never part of another.
fn contains_none(mask: u128, s: &str) -> bool {
    !s.bytes().any(|b| b < 128 && mask & (1 << b) != 0)
}

/// How one pattern of the generated list is checked, decided on its first use.
enum Matcher {
    /// `^[^…]*$` with plain characters: none of them may occur (bit c: ASCII character c;
    /// [`excluded_chars`] gives ASCII characters only, and a byte under 128 in UTF-8 is
    /// always that character).
    Excludes(u128),
    /// Any other pattern, by `regex_lite`.
    Regex(regex_lite::Regex),
    /// A pattern the engine cannot compile (a generator bug; a test checks there is none).
    Broken,
}

fn matcher(index: usize) -> Option<&'static Matcher> {
    static MATCHERS: OnceLock<Vec<OnceLock<Matcher>>> = OnceLock::new();
    let cell = MATCHERS
        .get_or_init(|| {
            crate::generated::PATTERNS
                .iter()
                .map(|_| OnceLock::new())
                .collect()
        })
        .get(index)?;
    let p = crate::generated::PATTERNS.get(index)?;
    Some(cell.get_or_init(|| match excluded_chars(p) {
        Some(set) => Matcher::Excludes(ascii_mask(&set)),
        None => regex_lite::Regex::new(p).map_or(Matcher::Broken, Matcher::Regex),
    }))
}

/// Checks one value against a pattern of the generated list (unanchored, as JSON Schema).
pub(crate) fn pattern_matches(index: usize, s: &str) -> bool {
    match matcher(index) {
        Some(Matcher::Excludes(mask)) => contains_none(*mask, s),
        Some(Matcher::Regex(re)) => re.is_match(s),
        // A pattern the engine cannot compile is a generator bug; a test checks there is none.
        Some(Matcher::Broken) | None => true,
    }
}

/// Objects of at most this many declared fields are walked from one pass over their keys
/// (the largest schema has 23); larger ones look each field up.
const SLOTS: usize = 32;

/// Walks a value, collecting keyword problems; `Err` on the first structural one.
pub(crate) struct Checker {
    /// Keyword and rule problems, in the order found.
    pub errs: Vec<FieldError>,
    path: String,
}

fn join(path: &str, name: &str) -> String {
    // An empty key still gets a visible name.
    let name = if name.is_empty() { "\"\"" } else { name };
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

impl Checker {
    pub(crate) fn new() -> Checker {
        Checker {
            errs: Vec::new(),
            // Room for the usual paths (`to.email`, `recipients[12].name`): one allocation.
            path: String::with_capacity(32),
        }
    }

    #[cold]
    #[inline(never)]
    fn push(&mut self, message: String) {
        self.errs.push(FieldError {
            field: self.path.clone(),
            message,
        });
    }

    #[cold]
    #[inline(never)]
    fn structural(&self, message: String) -> Error {
        Error::validation(self.path.clone(), message)
    }

    #[cold]
    #[inline(never)]
    fn type_error(&self, want: &str, got: &Value) -> Error {
        let hint = if self.path == "to" && got.is_array() {
            " (one recipient per send: use cc/bcc, or emails.bulk)"
        } else {
            ""
        };
        self.structural(format!("must be {want}, not {}{hint}", type_name(got)))
    }

    /// Checks `value` against `schema`, canonicalising it in place.
    pub(crate) fn check(
        &mut self,
        schema: &'static Schema,
        value: &mut Value,
    ) -> Result<(), Error> {
        match schema {
            Schema::Any => Ok(()),
            Schema::Ref(s) => self.check(s, value),
            Schema::Nullable(inner) => {
                if value.is_null() {
                    Ok(())
                } else {
                    self.check(inner, value)
                }
            }
            Schema::Bool => match value {
                Value::Bool(_) => Ok(()),
                other => Err(self.type_error("a boolean (true or false)", other)),
            },
            Schema::Integer(r) => match value {
                Value::Number(n) if n.is_i64() || n.is_u64() || is_whole(n.as_f64()) => {
                    self.range(r, n.as_f64().unwrap_or(0.0));
                    Ok(())
                }
                other => Err(self.type_error("a whole number", other)),
            },
            Schema::Number(r) => match value {
                Value::Number(n) => {
                    self.range(r, n.as_f64().unwrap_or(0.0));
                    Ok(())
                }
                other => Err(self.type_error("a number", other)),
            },
            Schema::String(r) => match value {
                Value::String(s) => {
                    self.string(r, s);
                    Ok(())
                }
                other => Err(self.type_error("a string", other)),
            },
            Schema::Array(r) => match value {
                Value::Array(items) => {
                    let n = items.len();
                    if let Some(min) = r.min {
                        if n < min as usize {
                            self.push(count_message(n, r.min, r.max));
                        }
                    }
                    if let Some(max) = r.max {
                        if n > max as usize {
                            self.push(count_message(n, r.min, r.max));
                        }
                    }
                    let len = self.path.len();
                    for (i, item) in items.iter_mut().enumerate() {
                        use std::fmt::Write;
                        let _ = write!(self.path, "[{i}]");
                        let r2 = self.check(r.items, item);
                        self.path.truncate(len);
                        r2?;
                    }
                    Ok(())
                }
                other => Err(self.type_error("an array", other)),
            },
            Schema::Object(r) => match value {
                Value::Object(map) => self.object(r, map),
                other => Err(self.type_error("an object", other)),
            },
            Schema::OneOf(alts) => {
                for alt in alts.iter() {
                    let mut probe = Checker {
                        errs: Vec::new(),
                        path: self.path.clone(),
                    };
                    let mut copy = value.clone();
                    if probe.check(alt, &mut copy).is_ok() && probe.errs.is_empty() {
                        *value = copy;
                        return Ok(());
                    }
                }
                let names: Vec<&str> = alts.iter().map(|s| describe(s)).collect();
                Err(self.structural(format!(
                    "must be {}, not {}",
                    names.join(" or "),
                    type_name(value)
                )))
            }
        }
    }

    fn range(&mut self, r: &NumberRule, x: f64) {
        if r.min.is_some_and(|m| x < m) || r.max.is_some_and(|m| x > m) {
            self.range_problem(r);
        }
    }

    #[cold]
    #[inline(never)]
    fn range_problem(&mut self, r: &NumberRule) {
        let msg = match (r.min, r.max) {
            (Some(lo), Some(hi)) => format!("must be between {lo} and {hi}"),
            (Some(lo), None) => format!("must be at least {lo}"),
            (None, Some(hi)) => format!("must be at most {hi}"),
            (None, None) => unreachable!(),
        };
        self.push(msg);
    }

    fn string(&mut self, r: &StringRule, s: &str) {
        if r.min.is_some() || r.max.is_some() {
            // Byte length bounds the character count from above: skip counting when it can.
            let n = if r.min.is_none() && r.max.is_some_and(|m| s.len() <= m as usize) {
                0
            } else {
                s.chars().count()
            };
            if r.max.is_some_and(|m| n > m as usize) || r.min.is_some_and(|m| n < m as usize) {
                self.length_problem(r, n);
            }
        }
        if !r.enum_.is_empty() && !r.enum_.contains(&s) {
            self.push_enum(r);
        }
        let format_ok = match r.format {
            Some(Format::Email) => looks_like_email(s),
            Some(Format::DateTime) => looks_like_date_time(s),
            Some(Format::Uri) => looks_like_uri(s),
            None => true,
        };
        if !format_ok {
            self.format_problem(r.format);
        }
        if let Some(p) = r.pattern {
            if !pattern_matches(p, s) {
                self.pattern_problem(p, r.hint);
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn length_problem(&mut self, r: &StringRule, n: usize) {
        if let Some(max) = r.max {
            if n > max as usize {
                self.push(format!("is longer than {max} characters"));
            }
        }
        if let Some(min) = r.min {
            if n < min as usize {
                self.push(if min == 1 {
                    "must not be empty".to_string()
                } else {
                    format!("is shorter than {min} characters")
                });
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn push_enum(&mut self, r: &StringRule) {
        self.push(format!("must be one of {}", r.enum_.join(", ")));
    }

    #[cold]
    #[inline(never)]
    fn format_problem(&mut self, format: Option<Format>) {
        let msg = match format {
            Some(Format::Email) => "is not an email address",
            Some(Format::DateTime) => "is not an ISO 8601 date-time (like 2026-01-01T09:00:00Z)",
            Some(Format::Uri) => "is not an absolute URL (like https://example.com/x)",
            None => return,
        };
        self.push(msg.to_string());
    }

    #[cold]
    #[inline(never)]
    fn pattern_problem(&mut self, p: usize, hint: Option<&str>) {
        let src = crate::generated::PATTERNS.get(p).copied().unwrap_or("");
        self.push(match hint {
            Some(h) => format!("does not match {src} ({})", h.trim_end_matches('.')),
            None => format!("does not match {src}"),
        });
    }

    fn object(&mut self, r: &ObjectRule, map: &mut Map<String, Value>) -> Result<(), Error> {
        if r.fields.len() > SLOTS {
            return self.object_by_lookup(r, map);
        }
        let len = self.path.len();
        // One pass over the given keys: the value of each declared field given (slot i: field
        // i), and unknown keys first: a typo must never be hidden behind another message.
        let deny = matches!(r.additional, Additional::Deny);
        let mut slots: [Option<&mut Value>; SLOTS] = std::array::from_fn(|_| None);
        for (k, v) in map.iter_mut() {
            match r.fields.iter().position(|f| f.name == k) {
                Some(i) => slots[i] = Some(v),
                None if deny => return Err(self.unknown_field(r, k)),
                None => {}
            }
        }
        // Optional fields given as null (bit i: field i), dropped after the walk.
        let mut nulls: u32 = 0;
        for ((i, f), slot) in r.fields.iter().enumerate().zip(slots.iter_mut()) {
            match slot.take() {
                None if f.required => {
                    return Err(Error::validation(join(&self.path, f.name), "is required"))
                }
                None => {}
                Some(v) if v.is_null() && !accepts_null(f.schema) => {
                    if f.required {
                        self.path = join(&self.path[..len], f.name);
                        let e = self.structural("is required (got null)".to_string());
                        self.path.truncate(len);
                        return Err(e);
                    }
                    nulls |= 1 << i;
                }
                Some(v) => {
                    if !self.path.is_empty() {
                        self.path.push('.');
                    }
                    self.path.push_str(f.name);
                    let r2 = self.check(f.schema, v);
                    self.path.truncate(len);
                    r2?;
                }
            }
        }
        if nulls != 0 {
            for (i, f) in r.fields.iter().enumerate() {
                if nulls & (1 << i) != 0 {
                    map.remove(f.name);
                }
            }
        }
        self.additional(r, map, len)
    }

    /// [`Checker::object`] for an object of more than [`SLOTS`] declared fields: each given
    /// field looked up by name.
    fn object_by_lookup(
        &mut self,
        r: &ObjectRule,
        map: &mut Map<String, Value>,
    ) -> Result<(), Error> {
        let len = self.path.len();
        // One pass over the given keys: which of the first 64 declared fields are present
        // (bit i: field i; fields past the 64th are always looked up), and unknown keys
        // first: a typo must never be hidden behind another message.
        let deny = matches!(r.additional, Additional::Deny);
        let mut present: u64 = 0;
        for k in map.keys() {
            match r.fields.iter().position(|f| f.name == k) {
                Some(i) if i < 64 => present |= 1 << i,
                Some(_) => {}
                None if deny => return Err(self.unknown_field(r, k)),
                None => {}
            }
        }
        for (i, f) in r.fields.iter().enumerate() {
            // A field not given is not looked up.
            let given = i >= 64 || present & (1 << i) != 0;
            let present = match if given { map.get_mut(f.name) } else { None } {
                None => false,
                Some(v) if v.is_null() && !accepts_null(f.schema) => {
                    if f.required {
                        self.path = join(&self.path[..len], f.name);
                        let e = self.structural("is required (got null)".to_string());
                        self.path.truncate(len);
                        return Err(e);
                    }
                    map.remove(f.name);
                    continue;
                }
                Some(v) => {
                    if !self.path.is_empty() {
                        self.path.push('.');
                    }
                    self.path.push_str(f.name);
                    let r2 = self.check(f.schema, v);
                    self.path.truncate(len);
                    r2?;
                    true
                }
            };
            if !present && f.required {
                return Err(Error::validation(join(&self.path, f.name), "is required"));
            }
        }
        self.additional(r, map, len)
    }

    /// The keys of an object that are not declared fields, against `additionalProperties`
    /// when it is a schema (`len`: the object's own path length).
    fn additional(
        &mut self,
        r: &ObjectRule,
        map: &mut Map<String, Value>,
        len: usize,
    ) -> Result<(), Error> {
        if let Additional::Schema(s) = r.additional {
            for (k, v) in map.iter_mut() {
                if r.fields.iter().any(|f| f.name == k) {
                    continue;
                }
                if !self.path.is_empty() {
                    self.path.push('.');
                }
                self.path.push_str(k);
                let r2 = self.check(s, v);
                self.path.truncate(len);
                r2?;
            }
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn unknown_field(&self, r: &ObjectRule, k: &str) -> Error {
        let path = join(&self.path, k);
        let near = r
            .fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(k))
            .map(|f| format!(" (did you mean {}?)", f.name))
            .unwrap_or_default();
        Error::validation(path, format!("unknown field (check the spelling){near}"))
    }

    /// The collected problems as one error (first named, all in `details`), if any.
    pub(crate) fn into_result(self) -> Result<(), Error> {
        let Some(first) = self.errs.first().cloned() else {
            return Ok(());
        };
        let extra = if self.errs.len() > 1 {
            format!(" (and {} more problems)", self.errs.len() - 1)
        } else {
            String::new()
        };
        Err(
            Error::validation(first.field, format!("{}{extra}", first.message))
                .with_details(self.errs),
        )
    }
}

fn is_whole(x: Option<f64>) -> bool {
    x.is_some_and(|x| x.is_finite() && x.fract() == 0.0)
}

fn accepts_null(s: &Schema) -> bool {
    match s {
        Schema::Any | Schema::Nullable(_) => true,
        Schema::Ref(s) => accepts_null(s),
        Schema::OneOf(alts) => alts.iter().any(|a| accepts_null(a)),
        _ => false,
    }
}

fn count_message(n: usize, min: Option<u32>, max: Option<u32>) -> String {
    match (min, max) {
        (_, Some(hi)) if n > hi as usize => {
            format!("has {n} items; at most {hi} per call (split into several calls)")
        }
        (Some(1), _) => "give at least one item".to_string(),
        (Some(lo), _) => format!("has {n} items; give at least {lo}"),
        _ => String::new(),
    }
}

/// A short name of what a schema accepts (for `oneOf` messages).
fn describe(s: &Schema) -> &'static str {
    match s {
        Schema::Any => "anything",
        Schema::Bool => "a boolean",
        Schema::Integer(_) => "a whole number",
        Schema::Number(_) => "a number",
        Schema::String(_) => "a string",
        Schema::Array(a) => match a.items {
            Schema::String(_) => "an array of strings",
            _ => "an array",
        },
        Schema::Object(_) => "an object",
        Schema::Nullable(_) => "null",
        Schema::OneOf(_) => "one of several forms",
        Schema::Ref(s) => describe(s),
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)`, or a bare `YYYY-MM-DD` date.
pub(crate) fn looks_like_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    if !(digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10))
    {
        return false;
    }
    if b.len() == 10 {
        return true;
    }
    let time_starts = matches!(b.get(10), Some(b'T' | b't' | b' '))
        && digits(11..13)
        && b.get(13) == Some(&b':')
        && digits(14..16);
    if !time_starts {
        return false;
    }
    let mut i = 16;
    if b.get(i) == Some(&b':') {
        if !digits(17..19) {
            return false;
        }
        i = 19;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start {
                return false;
            }
        }
    }
    match b.get(i) {
        Some(b'Z' | b'z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            i + 6 == b.len() && digits(i + 1..i + 3) && b[i + 3] == b':' && digits(i + 4..i + 6)
        }
        _ => false,
    }
}

/// An absolute URL with a scheme and a host (or `mailto:`-style path).
pub(crate) fn looks_like_uri(s: &str) -> bool {
    !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && url::Url::parse(s).is_ok_and(|u| u.has_host() || u.cannot_be_a_base())
}

/// Validates and canonicalises a whole request body: schema, then the named rules.
pub(crate) fn check_body(
    schema: &'static Schema,
    rules: &[&str],
    body: &mut Value,
) -> Result<(), Error> {
    let mut c = Checker::new();
    c.check(schema, body)?;
    let from_schema = c.errs.len();
    if let Value::Object(map) = body {
        for r in rules {
            match crate::rules::rule(r) {
                Some(f) => f(map, &mut c.errs),
                None => {
                    return Err(Error::new(
                        crate::ErrorKind::Internal,
                        format!("the catalog names a rule the core lacks: {r}"),
                    ))
                }
            }
        }
        // A rule repeating what the schema already said about a field adds nothing.
        let (schema_errs, rule_errs) = c.errs.split_at(from_schema);
        let keep: Vec<FieldError> = rule_errs
            .iter()
            .filter(|r| !schema_errs.iter().any(|s| s.field == r.field))
            .cloned()
            .collect();
        c.errs.truncate(from_schema);
        c.errs.extend(keep);
    }
    c.into_result()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static NAME: Schema = Schema::String(StringRule {
        min: Some(2),
        max: Some(5),
        enum_: &[],
        format: None,
        pattern: None,
        hint: None,
    });
    static KIND: Schema = Schema::String(StringRule {
        min: None,
        max: None,
        enum_: &["list", "segment"],
        format: None,
        pattern: None,
        hint: None,
    });
    static EMAIL: Schema = Schema::String(StringRule {
        min: None,
        max: None,
        enum_: &[],
        format: Some(Format::Email),
        pattern: None,
        hint: None,
    });
    static WHEN: Schema = Schema::String(StringRule {
        min: None,
        max: None,
        enum_: &[],
        format: Some(Format::DateTime),
        pattern: None,
        hint: None,
    });
    static URL: Schema = Schema::String(StringRule {
        min: None,
        max: None,
        enum_: &[],
        format: Some(Format::Uri),
        pattern: None,
        hint: None,
    });
    static COUNT: Schema = Schema::Integer(NumberRule {
        min: Some(1.0),
        max: Some(10.0),
    });
    static RATE: Schema = Schema::Number(NumberRule {
        min: None,
        max: Some(1.5),
    });
    static TAGS: Schema = Schema::Array(ArrayRule {
        items: &NAME,
        min: Some(1),
        max: Some(2),
    });
    static MOBILE: Schema = Schema::Nullable(&NAME);
    static FREE_STR: Schema = Schema::String(StringRule {
        min: None,
        max: None,
        enum_: &[],
        format: None,
        pattern: None,
        hint: None,
    });
    static STR_OR_LIST_ITEMS: Schema = Schema::Array(ArrayRule {
        items: &FREE_STR,
        min: None,
        max: None,
    });
    static STR_OR_LIST: Schema = Schema::OneOf(&[&FREE_STR, &STR_OR_LIST_ITEMS]);
    static MAP: Schema = Schema::Object(ObjectRule {
        fields: &[],
        additional: Additional::Schema(&FREE_STR),
    });
    static FREE: Schema = Schema::Object(ObjectRule {
        fields: &[],
        additional: Additional::Any,
    });
    static INNER_FIELDS: [Field; 2] = [
        Field {
            name: "email",
            required: true,
            schema: &EMAIL,
        },
        Field {
            name: "name",
            required: false,
            schema: &NAME,
        },
    ];
    static INNER: Schema = Schema::Object(ObjectRule {
        fields: &INNER_FIELDS,
        additional: Additional::Deny,
    });
    static INNERS: Schema = Schema::Array(ArrayRule {
        items: &INNER,
        min: None,
        max: None,
    });
    static ROOT_FIELDS: [Field; 13] = [
        Field {
            name: "name",
            required: true,
            schema: &NAME,
        },
        Field {
            name: "kind",
            required: false,
            schema: &KIND,
        },
        Field {
            name: "when",
            required: false,
            schema: &WHEN,
        },
        Field {
            name: "url",
            required: false,
            schema: &URL,
        },
        Field {
            name: "count",
            required: false,
            schema: &COUNT,
        },
        Field {
            name: "rate",
            required: false,
            schema: &RATE,
        },
        Field {
            name: "tags",
            required: false,
            schema: &TAGS,
        },
        Field {
            name: "mobile",
            required: false,
            schema: &MOBILE,
        },
        Field {
            name: "either",
            required: false,
            schema: &STR_OR_LIST,
        },
        Field {
            name: "headers",
            required: false,
            schema: &MAP,
        },
        Field {
            name: "data",
            required: false,
            schema: &FREE,
        },
        Field {
            name: "to",
            required: false,
            schema: &INNER,
        },
        Field {
            name: "cc",
            required: false,
            schema: &INNERS,
        },
    ];
    static ROOT: Schema = Schema::Object(ObjectRule {
        fields: &ROOT_FIELDS,
        additional: Additional::Deny,
    });

    fn run(v: Value) -> Result<Value, Error> {
        let mut v = v;
        check_body(&ROOT, &[], &mut v)?;
        Ok(v)
    }

    fn field_of(v: Value) -> String {
        let e = run(v).expect_err("should be refused");
        assert_eq!(e.kind(), crate::ErrorKind::Validation);
        e.field().unwrap_or_default().to_string()
    }

    #[test]
    fn accepts_and_canonicalises() {
        let out = run(json!({
            "name": "Ada", "kind": "segment", "when": "2026-01-01T09:00:00.123+02:00",
            "url": "https://example.com/x", "count": 10, "rate": 1.5, "tags": ["ab"],
            "mobile": null, "either": ["a", "b"], "headers": {"X-A": "1"},
            "data": {"anything": [1, {"x": null}]}, "to": {"email": "a@b.co", "name": null},
            "cc": [{"email": "c@d.co"}]
        }))
        .unwrap();
        // `to.name: null` is dropped (optional, not nullable); nullable `mobile` stays null.
        assert_eq!(out["to"], json!({"email": "a@b.co"}));
        assert_eq!(out["mobile"], Value::Null);
        assert_eq!(out["data"], json!({"anything": [1, {"x": null}]}));
        assert_eq!(
            run(json!({"name": "Ada", "kind": null})).unwrap(),
            json!({"name": "Ada"})
        );
        assert_eq!(
            run(json!({"name": "Ada", "either": "x"})).unwrap()["either"],
            "x"
        );
        assert_eq!(
            run(json!({"name": "Ada", "count": 3.0})).unwrap()["count"],
            3.0
        );
    }

    #[test]
    fn every_keyword_names_the_field() {
        let base = || json!({"name": "Ada"});
        let with = |k: &str, v: Value| {
            let mut b = base();
            b[k] = v;
            b
        };
        assert_eq!(field_of(json!({})), "name"); // required
        assert_eq!(field_of(json!({"name": null})), "name"); // required, null
        assert_eq!(field_of(json!({"name": "A"})), "name"); // minLength
        assert_eq!(field_of(json!({"name": "Adalind"})), "name"); // maxLength
                                                                  // lengths count characters, not bytes
        assert!(run(json!({"name": "ééééé"})).is_ok());
        assert_eq!(field_of(json!({"name": 5})), "name"); // type
        assert_eq!(field_of(with("kind", json!("lists"))), "kind"); // enum
        assert_eq!(field_of(with("when", json!("2026-01-01 9am"))), "when"); // date-time
        assert_eq!(field_of(with("url", json!("not a url"))), "url"); // uri
        assert_eq!(field_of(with("count", json!(0))), "count"); // minimum
        assert_eq!(field_of(with("count", json!(11))), "count"); // maximum
        assert_eq!(field_of(with("count", json!(2.5))), "count"); // integer
        assert_eq!(field_of(with("rate", json!(1.6))), "rate"); // number maximum
        assert_eq!(field_of(with("tags", json!([]))), "tags"); // minItems
        assert_eq!(field_of(with("tags", json!(["ab", "cd", "ef"]))), "tags"); // maxItems
        assert_eq!(field_of(with("tags", json!(["ab", "x"]))), "tags[1]"); // items
        assert_eq!(field_of(with("tags", json!("ab"))), "tags"); // array type
        assert_eq!(field_of(with("mobile", json!(1))), "mobile"); // nullable inner type
        assert_eq!(field_of(with("either", json!(5))), "either"); // oneOf
        assert_eq!(field_of(with("headers", json!({"X-A": 1}))), "headers.X-A"); // additional schema
        assert_eq!(
            field_of(with("to", json!({"email": "a@b.co", "nam": "x"}))),
            "to.nam"
        ); // unknown nested
        assert_eq!(field_of(with("to", json!([{"email": "a@b.co"}]))), "to"); // object type
        assert_eq!(field_of(with("to", json!({"name": "Ada"}))), "to.email"); // nested required
        assert_eq!(
            field_of(with("cc", json!([{"email": "a@b.co"}, {"email": "bad"}]))),
            "cc[1].email"
        );
        assert_eq!(
            field_of(with("cc", json!([{"email": "a@b.co"}, {"emial": "x"}]))),
            "cc[1].emial"
        );
        assert_eq!(field_of(with("bogus", json!(1))), "bogus"); // unknown top level
    }

    /// Objects of more than `SLOTS` declared fields look each field up; the outcome is the
    /// same: ROOT's fields followed by enough optional ones, on the inputs above.
    #[test]
    fn wide_objects_are_checked_alike() {
        let mut fields: Vec<Field> = ROOT_FIELDS
            .iter()
            .map(|f| Field {
                name: f.name,
                required: f.required,
                schema: f.schema,
            })
            .collect();
        for i in 0..SLOTS {
            let name: &'static str = Box::leak(format!("x{i}").into_boxed_str());
            fields.push(Field {
                name,
                required: false,
                schema: &NAME,
            });
        }
        assert!(fields.len() > SLOTS);
        let wide: &'static Schema = Box::leak(Box::new(Schema::Object(ObjectRule {
            fields: Box::leak(fields.into_boxed_slice()),
            additional: Additional::Deny,
        })));
        let outcome = |schema: &'static Schema, v: &Value| {
            let mut v = v.clone();
            match check_body(schema, &[], &mut v) {
                Ok(()) => Ok(v),
                Err(e) => Err((
                    e.field().map(str::to_string),
                    e.to_string(),
                    e.details().to_vec(),
                )),
            }
        };
        for v in [
            json!({"name": "Ada", "kind": null, "mobile": null, "to": {"email": "a@b.co", "name": null}}),
            json!({"name": "Ada", "count": 0, "rate": 9, "tags": ["ab", "x"], "kind": "lists"}),
            json!({"name": null}),
            json!({"kind": "list"}),
            json!({"name": "Ada", "bogus": 1, "count": "x"}),
            json!({"name": "Ada", "to": {"name": "Ada"}}),
        ] {
            assert_eq!(outcome(&ROOT, &v), outcome(wide, &v), "{v}");
        }
        // The wide schema's own fields past the slots are checked too.
        let far = format!("x{}", SLOTS - 1);
        let with_far = |v: Value| {
            let mut m = json!({"name": "Ada"});
            m[far.as_str()] = v;
            m
        };
        let e = outcome(wide, &with_far(json!("abcdefg"))).unwrap_err();
        assert_eq!(e.0.as_deref(), Some(far.as_str()));
        assert_eq!(
            outcome(wide, &with_far(Value::Null)),
            Ok(json!({"name": "Ada"}))
        );
    }

    /// The refusal of `v` as (message, details).
    fn refusal(v: Value) -> (String, Vec<(String, String)>) {
        let e = run(v).expect_err("should be refused");
        let d = e
            .details()
            .iter()
            .map(|d| (d.field.clone(), d.message.clone()))
            .collect();
        (e.message().to_string(), d)
    }

    fn one(field: &str, message: &str) -> (String, Vec<(String, String)>) {
        (
            format!("{field}: {message}"),
            vec![(field.to_string(), message.to_string())],
        )
    }

    #[test]
    fn keyword_messages_are_exact_at_and_past_each_edge() {
        let with = |k: &str, v: Value| {
            let mut b = json!({"name": "Ada"});
            b[k] = v;
            b
        };
        // Lengths in characters, between 2 and 5.
        for ok in ["Ab", "Abcde", "éé", "ééééé"] {
            run(json!({ "name": ok })).unwrap();
        }
        assert_eq!(
            refusal(json!({"name": "A"})),
            one("name", "is shorter than 2 characters")
        );
        assert_eq!(
            refusal(json!({"name": "éééééé"})),
            one("name", "is longer than 5 characters")
        );
        // Number ranges: inclusive bounds.
        for ok in [1, 10] {
            run(with("count", json!(ok))).unwrap();
        }
        for bad in [0, 11] {
            assert_eq!(
                refusal(with("count", json!(bad))),
                one("count", "must be between 1 and 10")
            );
        }
        run(with("rate", json!(1.5))).unwrap();
        run(with("rate", json!(-1e300))).unwrap();
        assert_eq!(
            refusal(with("rate", json!(1.500_000_1))),
            one("rate", "must be at most 1.5")
        );
        // Item counts.
        run(with("tags", json!(["ab", "cd"]))).unwrap();
        assert_eq!(
            refusal(with("tags", json!([]))),
            one("tags", "give at least one item")
        );
        assert_eq!(
            refusal(with("tags", json!(["ab", "cd", "ef"]))),
            one(
                "tags",
                "has 3 items; at most 2 per call (split into several calls)"
            )
        );
        assert_eq!(
            count_message(1, Some(2), None),
            "has 1 items; give at least 2"
        );
        assert_eq!(
            count_message(1, Some(2), Some(5)),
            "has 1 items; give at least 2"
        );
        assert_eq!(count_message(0, None, Some(5)), "");
        // Enum, formats.
        assert_eq!(
            refusal(with("kind", json!("List"))),
            one("kind", "must be one of list, segment")
        );
        assert_eq!(
            refusal(with("to", json!({"email": "not-an-address"}))),
            one("to.email", "is not an email address")
        );
        // Several problems: the first named, the count of the others, all in the details.
        let (message, details) = refusal(json!({"name": "A", "count": 0, "rate": 2}));
        assert_eq!(
            message,
            "name: is shorter than 2 characters (and 2 more problems)"
        );
        assert_eq!(details.len(), 3);
        assert_eq!(
            details[2],
            ("rate".to_string(), "must be at most 1.5".to_string())
        );
    }

    #[test]
    fn one_of_messages_name_every_form() {
        assert_eq!(
            refusal(json!({"name": "Ada", "either": 5})),
            one(
                "either",
                "must be a string or an array of strings, not a number"
            )
        );
        assert_eq!(
            refusal(json!({"name": "Ada", "either": ["a", 1]})),
            one(
                "either",
                "must be a string or an array of strings, not an array"
            )
        );
        static ANY: Schema = Schema::Any;
        static INTS: Schema = Schema::Array(ArrayRule {
            items: &COUNT,
            min: None,
            max: None,
        });
        static MANY: Schema = Schema::OneOf(&[&ANY]);
        for (s, name) in [
            (&ANY, "anything"),
            (&Schema::Bool, "a boolean"),
            (&COUNT, "a whole number"),
            (&RATE, "a number"),
            (&NAME, "a string"),
            (&TAGS, "an array of strings"),
            (&INTS, "an array"),
            (&INNER, "an object"),
            (&MOBILE, "null"),
            (&MANY, "one of several forms"),
        ] {
            assert_eq!(describe(s), name);
            assert_eq!(describe(&Schema::Ref(s)), name);
        }
    }

    /// Declared fields next to a schema for the other keys; references to nullable schemas.
    static REF_MOBILE: Schema = Schema::Ref(&MOBILE);
    static NULL_OR_COUNT: Schema = Schema::OneOf(&[&MOBILE, &COUNT]);
    static MIXED_FIELDS: [Field; 3] = [
        Field {
            name: "count",
            required: false,
            schema: &COUNT,
        },
        Field {
            name: "phone",
            required: true,
            schema: &REF_MOBILE,
        },
        Field {
            name: "either",
            required: false,
            schema: &NULL_OR_COUNT,
        },
    ];
    static MIXED: Schema = Schema::Object(ObjectRule {
        fields: &MIXED_FIELDS,
        additional: Additional::Schema(&FREE_STR),
    });

    #[test]
    fn declared_fields_skip_the_additional_schema_and_nullable_refs_keep_null() {
        let check = |v: Value| {
            let mut v = v;
            check_body(&MIXED, &[], &mut v).map(|()| v)
        };
        // `count` follows its own schema (a number), the other keys the additional one.
        let v = json!({"count": 3, "phone": "12345", "x": "y"});
        assert_eq!(check(v.clone()).unwrap(), v);
        let e = check(json!({"count": 3, "phone": "12345", "x": 5})).unwrap_err();
        assert_eq!(e.message(), "x: must be a string, not a number");
        // A required reference to a nullable schema takes null and keeps it; so does a
        // oneOf with a nullable form.
        let v = json!({"phone": null, "either": null});
        assert_eq!(check(v.clone()).unwrap(), v);
        let e = check(json!({})).unwrap_err();
        assert_eq!(e.message(), "phone: is required");
    }

    #[test]
    fn uri_format_edges() {
        for ok in [
            "https://example.com/hook?x=1",
            "http://127.0.0.1:8080",
            "mailto:ops@example.com",
        ] {
            assert!(looks_like_uri(ok), "{ok}");
        }
        for bad in [
            "https://example.com/a b",
            "https://example.com/a\u{7}b",
            "https://example.com/\u{2003}",
            "/relative/path",
            "",
        ] {
            assert!(!looks_like_uri(bad), "{bad:?}");
        }
    }

    #[test]
    fn collects_keyword_problems_but_stops_at_structure() {
        let e = run(json!({"name": "A", "count": 0, "kind": "x"})).unwrap_err();
        assert_eq!(e.field(), Some("name"));
        assert_eq!(e.details().len(), 3);
        assert!(e.message().contains("2 more"), "{}", e.message());
        // A structural problem wins over collected ones.
        let e = run(json!({"name": "A", "count": "zero"})).unwrap_err();
        assert_eq!(e.field(), Some("count"));
        let e = run(json!({"name": "Ada", "Kind": "list"})).unwrap_err();
        assert!(e.message().contains("did you mean kind"), "{}", e.message());
    }

    #[test]
    fn formats() {
        for ok in [
            "2026-01-01",
            "2026-01-01T00:00:00Z",
            "2026-01-01T00:00Z",
            "2026-01-01T00:00:00.5-05:30",
            "2026-01-01t00:00z",
            "2026-01-01 00:00:00.123+05:30",
        ] {
            assert!(looks_like_date_time(ok), "{ok}");
        }
        // Each part of the form wrong in turn, the rest right.
        for bad in [
            "202a-01-01",
            "2026x01-01",
            "2026-0a-01",
            "2026-01x01",
            "2026-01-0a",
            "2026-01-01X00:00Z",
            "2026-01-01T0a:00Z",
            "2026-01-01T00-00Z",
            "2026-01-01T00:0aZ",
            "2026-01-01T00:00:0aZ",
            "2026-01-01T00:00ZZ",
            "2026-01-01T00:00+05:3",
            "2026-01-01T00:00+05-30",
            "2026-01-01T00:00+0a:30",
            "2026-01-01T00:00+05:3a",
            "2026-01-01T00:00:00.5+05:300",
        ] {
            assert!(!looks_like_date_time(bad), "{bad}");
        }
        for bad in [
            "",
            "2026-1-01",
            "2026-01-01T",
            "2026-01-01T00:00:00",
            "2026-01-01T00:00:00.Z",
            "tomorrow",
        ] {
            assert!(!looks_like_date_time(bad), "{bad}");
        }
        assert!(looks_like_uri("https://example.com/hook?x=1"));
        assert!(!looks_like_uri("example.com/hook"));
        assert!(!looks_like_uri("https://exa mple.com"));
    }

    #[test]
    fn plain_class_patterns_agree_with_the_regex_engine() {
        // The shortcut for `^[^…]*$` must accept exactly what regex_lite accepts.
        let samples = [
            "",
            "a",
            "Ada Lovelace",
            "line\nbreak",
            "cr\rhere",
            "\r\n",
            "tab\there",
            "\n",
            "trailing\n",
            "é ü 漢字 🎉",
            "a/b",
            "a b",
            "\u{2028}",
            "\u{85}",
            "x\u{0}y",
            "-",
            "^",
            "]",
            "[",
            "\\",
        ];
        let mut fast = 0;
        for (i, p) in crate::generated::PATTERNS.iter().enumerate() {
            if excluded_chars(p).is_none() {
                continue;
            }
            fast += 1;
            let re = regex_lite::Regex::new(p).expect("pattern compiles");
            for s in samples {
                assert_eq!(pattern_matches(i, s), re.is_match(s), "{p} on {s:?}");
            }
        }
        assert!(fast > 0, "the display-name pattern takes the shortcut");
        // Shapes the shortcut must leave to the engine.
        for p in [
            "^[^a-z]*$",
            "^[^\\s]*$",
            "^[^[:alpha:]]*$",
            "^[^\\d]*$",
            "^[^ab]+$",
            "[^ab]*$",
            "^[^]*$",
            "^[^a&&b]*$",
            "^[^a\\]*$",
        ] {
            assert_eq!(excluded_chars(p), None, "{p}");
        }
        assert_eq!(excluded_chars("^[^\\r\\n]*$"), Some(vec!['\r', '\n']));
        // Each of the three escapes is taken as its control character (an escape left to the
        // engine would give the same verdict, only through the regex engine).
        assert_eq!(
            excluded_chars("^[^\\t\\n\\r]*$"),
            Some(vec!['\t', '\n', '\r'])
        );
        // Plain printable ASCII and the space are taken; any other character (non-ASCII, a
        // control written as itself) leaves the pattern to the engine.
        assert_eq!(excluded_chars("^[^<> ]*$"), Some(vec!['<', '>', ' ']));
        assert_eq!(excluded_chars("^[^ ]*$"), Some(vec![' ']));
        for p in ["^[^é]*$", "^[^a\u{7f}]*$", "^[^\n]*$", "^[^\t]*$"] {
            assert_eq!(excluded_chars(p), None, "{p:?}");
        }
    }

    /// An object with more than 64 declared fields (none in the catalog today: at most 23)
    /// looks every field up instead of using the bit set of fields given.
    #[test]
    fn objects_past_64_fields_check_every_field() {
        let fields: Vec<Field> = (0..70)
            .map(|i| Field {
                name: Box::leak(format!("f{i}").into_boxed_str()),
                required: i == 69,
                schema: &COUNT,
            })
            .collect();
        let schema: &'static Schema = Box::leak(Box::new(Schema::Object(ObjectRule {
            fields: Box::leak(fields.into_boxed_slice()),
            additional: Additional::Deny,
        })));
        let check = |mut v: Value| {
            let mut c = Checker::new();
            c.check(schema, &mut v).map(|()| c.errs.len())
        };
        assert_eq!(
            check(json!({"f0": 1, "f63": 1, "f64": 1, "f69": 1})).ok(),
            Some(0)
        );
        for f in ["f0", "f62", "f63", "f64", "f68", "f69"] {
            let mut v = json!({"f69": 1});
            v[f] = json!("x");
            let e = check(v).unwrap_err();
            let want = format!("{f}: must be a whole number, not a string");
            assert_eq!((e.field(), e.message()), (Some(f), want.as_str()));
        }
        // Keyword problems are collected past the 64th field too.
        assert_eq!(check(json!({"f1": 11, "f65": 0, "f69": 1})).ok(), Some(2));
        let e = check(json!({"f0": 1})).unwrap_err();
        assert_eq!((e.field(), e.message()), (Some("f69"), "f69: is required"));
        let e = check(json!({"f69": 1, "f70": 1})).unwrap_err();
        assert_eq!(e.field(), Some("f70"));
    }

    #[test]
    fn excluded_characters_are_found_byte_by_byte() {
        let sets: [&[char]; 5] = [
            &['\r', '\n'],
            &['<', '>', ' '],
            &['\t'],
            &['a', '~', '!', '\u{0}'],
            &['\u{7f}', '0'],
        ];
        let samples = [
            "",
            "plain",
            "a\rb",
            "x\n",
            "é ü 漢字 🎉",
            "<",
            ">x",
            "tab\there",
            "~",
            "!",
            "\u{7f}",
            "\u{2028}",
            "ĉ",
            "\u{0}",
            "0",
            "\u{80}",
            "日本0",
        ];
        for set in sets {
            let mask = ascii_mask(set);
            assert_eq!(mask.count_ones() as usize, set.len(), "{set:?}");
            for s in samples {
                assert_eq!(contains_none(mask, s), !s.contains(set), "{set:?} in {s:?}");
            }
        }
        // A character beyond ASCII is not in the mask (excluded_chars gives none).
        assert_eq!(ascii_mask(&['é']), 0);
    }
}
