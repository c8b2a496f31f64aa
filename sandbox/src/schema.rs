//! Request-body validation driven by the compact JSON Schemas of `routes_gen::ROUTES`:
//! `type` (incl. `["x","null"]`), `properties`, `required`, `additionalProperties`, `items`,
//! `enum`, `minLength`, `maxLength`, `minimum`, `maximum`, `minItems`, `maxItems`, `oneOf`.
//! Field paths look like `to.email`, `cc[1].email`, `headers.From`.

use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// Parse (once) and return the schema text as JSON; a schema that is not JSON is a bug in
/// the route table and validates nothing.
pub fn parsed(text: &'static str) -> &'static Value {
    static CACHE: OnceLock<Mutex<HashMap<usize, &'static Value>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut g = cache.lock().unwrap_or_else(|p| p.into_inner());
    g.entry(text.as_ptr() as usize).or_insert_with(|| {
        let v = serde_json::from_str(text).unwrap_or(Value::Bool(true));
        Box::leak(Box::new(v))
    })
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(n) if n.as_f64().is_some_and(|f| f.fract() == 0.0) => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn type_ok(v: &Value, t: &str) -> bool {
    let actual = type_name(v);
    actual == t || (t == "number" && actual == "integer")
}

fn article(t: &str) -> &'static str {
    match t {
        "integer" | "object" | "array" => "an",
        _ => "a",
    }
}

/// Validate `v` against `schema`; every problem is pushed as `(field, message)`.
pub fn validate(v: &Value, schema: &Value, path: &str, out: &mut Vec<(String, String)>) {
    let Some(s) = schema.as_object() else { return };
    let field = if path.is_empty() { "body" } else { path };
    if let Some(t) = s.get("type") {
        let types: Vec<&str> = match t {
            Value::String(x) => vec![x.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        if !types.is_empty() && !types.iter().any(|t| type_ok(v, t)) {
            let want: Vec<String> = types
                .iter()
                .map(|t| format!("{} {t}", article(t)))
                .collect();
            out.push((field.into(), format!("must be {}", want.join(" or "))));
            return;
        }
    }
    if v.is_null() {
        return;
    }
    if let Some(Value::Array(one_of)) = s.get("oneOf") {
        let any = one_of.iter().any(|alt| {
            let mut tmp = Vec::new();
            validate(v, alt, path, &mut tmp);
            tmp.is_empty()
        });
        if !any {
            out.push((field.into(), "does not match any allowed form".into()));
            return;
        }
    }
    if let Some(Value::Array(allowed)) = s.get("enum") {
        if !allowed.contains(v) {
            let names: Vec<String> = allowed
                .iter()
                .map(|a| a.as_str().map(str::to_string).unwrap_or(a.to_string()))
                .collect();
            out.push((
                field.into(),
                format!("must be one of: {}", names.join(", ")),
            ));
            return;
        }
    }
    match v {
        Value::String(st) => {
            let n = st.chars().count() as u64;
            if let Some(min) = s.get("minLength").and_then(Value::as_u64) {
                if n < min {
                    let msg = if min == 1 {
                        "must not be empty".to_string()
                    } else {
                        format!("must be at least {min} characters")
                    };
                    out.push((field.into(), msg));
                }
            }
            if let Some(max) = s.get("maxLength").and_then(Value::as_u64) {
                if n > max {
                    out.push((field.into(), format!("must be at most {max} characters")));
                }
            }
        }
        Value::Number(num) => {
            let f = num.as_f64().unwrap_or(0.0);
            if let Some(min) = s.get("minimum").and_then(Value::as_f64) {
                if f < min {
                    out.push((field.into(), format!("must be at least {min}")));
                }
            }
            if let Some(max) = s.get("maximum").and_then(Value::as_f64) {
                if f > max {
                    out.push((field.into(), format!("must be at most {max}")));
                }
            }
        }
        Value::Array(items) => {
            if let Some(min) = s.get("minItems").and_then(Value::as_u64) {
                if (items.len() as u64) < min {
                    out.push((field.into(), format!("must have at least {min} item(s)")));
                }
            }
            if let Some(max) = s.get("maxItems").and_then(Value::as_u64) {
                if items.len() as u64 > max {
                    out.push((field.into(), format!("must have at most {max} items")));
                }
            }
            if let Some(item_schema) = s.get("items") {
                for (i, it) in items.iter().enumerate() {
                    validate(it, item_schema, &format!("{path}[{i}]"), out);
                }
            }
        }
        Value::Object(o) => validate_object(o, s, path, out),
        _ => {}
    }
}

fn validate_object(
    o: &Map<String, Value>,
    s: &Map<String, Value>,
    path: &str,
    out: &mut Vec<(String, String)>,
) {
    let props = s.get("properties").and_then(Value::as_object);
    if let Some(Value::Array(req)) = s.get("required") {
        for name in req.iter().filter_map(Value::as_str) {
            if !o.contains_key(name) {
                out.push((join(path, name), "is required".into()));
            }
        }
    }
    for (k, val) in o {
        let child = join(path, k);
        match props.and_then(|p| p.get(k)) {
            Some(ps) => validate(val, ps, &child, out),
            None => match s.get("additionalProperties") {
                Some(Value::Bool(false)) => out.push((
                    child,
                    "is not a known field (unknown fields are refused; check the spelling)".into(),
                )),
                Some(extra @ Value::Object(_)) => validate(val, extra, &child, out),
                _ => {}
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(v: Value, s: Value) -> Vec<String> {
        let mut out = Vec::new();
        validate(&v, &s, "", &mut out);
        out.into_iter().map(|(f, _)| f).collect()
    }

    #[test]
    fn nested_paths_unknown_and_required() {
        let s = json!({"type":"object","properties":{
            "to":{"type":"object","properties":{"email":{"type":"string"}},"required":["email"],"additionalProperties":false},
            "cc":{"type":"array","maxItems":2,"items":{"type":"object","properties":{"email":{"type":"string"}},"additionalProperties":false}},
            "headers":{"type":"object","additionalProperties":{"type":"string"}},
            "kind":{"type":"string","enum":["a","b"]},
            "n":{"type":["integer","null"],"minimum":1,"maximum":5}},
            "required":["to"],"additionalProperties":false});
        assert_eq!(
            check(json!({"to":{"email":"a"}}), s.clone()),
            Vec::<String>::new()
        );
        assert_eq!(check(json!({}), s.clone()), vec!["to"]);
        assert_eq!(
            check(json!({"to":{"emial":"a"}}), s.clone()),
            vec!["to.email", "to.emial"]
        );
        assert_eq!(
            check(
                json!({"to":{"email":"a"},"cc":[{"email":"x"},{"email":"y","bc":1}]}),
                s.clone()
            ),
            vec!["cc[1].bc"]
        );
        assert_eq!(
            check(json!({"to":{"email":"a"},"cc":[{},{},{}]}), s.clone()),
            vec!["cc"]
        );
        assert_eq!(
            check(json!({"to":{"email":"a"},"headers":{"X":1}}), s.clone()),
            vec!["headers.X"]
        );
        assert_eq!(
            check(
                json!({"to":{"email":"a"},"kind":"c","n":0,"bcc":[]}),
                s.clone()
            ),
            vec!["bcc", "kind", "n"]
        );
        assert_eq!(
            check(json!({"to":{"email":"a"},"n":null}), s.clone()),
            Vec::<String>::new()
        );
        assert_eq!(check(json!({"to":{"email":"a"},"n":2.5}), s), vec!["n"]);
    }

    #[test]
    fn every_route_schema_parses() {
        for r in crate::routes_gen::ROUTES {
            if let Some(t) = r.body_schema {
                let v: Value = serde_json::from_str(t)
                    .unwrap_or_else(|e| panic!("{}: schema is not JSON: {e}", r.id));
                assert_eq!(v["type"], json!("object"), "{}", r.id);
                assert_eq!(v["additionalProperties"], json!(false), "{}", r.id);
            }
        }
    }
}
