//! Python objects <-> `serde_json::Value`. Every failure is a local validation error that
//! names the failing field, so wrong input never crashes and never reaches the wire.

use autosend::Error;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMapping, PySequence, PyString, PyTuple,
};
use serde_json::{Map, Number, Value};

/// The core's one nesting limit (no limit of this binding's own): a container deeper than
/// this is refused with the core's error, naming the top-level field.
const MAX_DEPTH: usize = autosend::limits::MAX_JSON_DEPTH;

/// The top-level parameter a path lies in (`dynamicData` for `dynamicData.a[0]`).
fn top_field(path: &str) -> &str {
    let end = path.find(['.', '[']).unwrap_or(path.len());
    &path[..end]
}

/// The core's depth refusal, raised before converting a container at `depth`.
fn check_depth(path: &str, depth: usize) -> Result<(), Error> {
    if depth > MAX_DEPTH {
        return Err(autosend::limits::too_deep(top_field(path)));
    }
    Ok(())
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".to_string())
}

/// A `str` argument as Rust text. A string that cannot be encoded as UTF-8 (a lone surrogate,
/// e.g. from `surrogateescape`) becomes the core error `on_error` builds; pyo3's
/// `UnicodeEncodeError`, which holds the whole string (possibly an API key), is dropped here:
/// never chained, shown or kept.
pub fn text(s: &Bound<'_, PyString>, on_error: impl FnOnce() -> Error) -> Result<String, Error> {
    s.to_cow().map(|c| c.into_owned()).map_err(|_| on_error())
}

/// Converts a JSON-like Python value (None, bool, int, float, str, Mapping with str keys,
/// list/tuple) to JSON.
pub fn to_json(obj: &Bound<'_, PyAny>, path: &str) -> Result<Value, Error> {
    to_json_depth(obj, path, 0)
}

fn to_json_depth(obj: &Bound<'_, PyAny>, path: &str, depth: usize) -> Result<Value, Error> {
    let field = || {
        if path.is_empty() {
            "params".to_string()
        } else {
            path.to_string()
        }
    };
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::Number(i.into()));
        }
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(Value::Number(u.into()));
        }
        return Err(Error::validation(
            field(),
            "integer out of range (JSON numbers must fit in 64 bits)",
        ));
    }
    if obj.is_instance_of::<PyFloat>() {
        let f: f64 = obj
            .extract()
            .map_err(|_| Error::validation(field(), "not a valid float"))?;
        return Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| Error::validation(field(), "NaN and infinity cannot be sent as JSON"));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        let s = s.to_cow().map_err(|_| {
            Error::validation(field(), "string is not valid UTF-8 (lone surrogate?)")
        })?;
        return Ok(Value::String(s.into_owned()));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        // A snapshot (`PyDict_Items`), not a live iterator: converting a value can run Python
        // code (a custom Mapping's `items()`) that mutates this dict, and pyo3's dict iterator
        // panics when the dict changes size.
        check_depth(path, depth)?;
        let items: Vec<Bound<'_, PyAny>> = d.items().iter().collect();
        return object_from_pairs(items, path, depth, &field);
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        check_depth(path, depth)?;
        let seq = obj
            .cast::<PySequence>()
            .map_err(|_| Error::validation(field(), "unreadable sequence"))?;
        let n = seq
            .len()
            .map_err(|_| Error::validation(field(), "unreadable sequence"))?;
        let mut out = Vec::with_capacity(n.min(4096));
        for i in 0..n {
            let item = seq
                .get_item(i)
                .map_err(|_| Error::validation(format!("{}[{i}]", field()), "unreadable item"))?;
            out.push(to_json_depth(
                &item,
                &format!("{}[{i}]", field()),
                depth + 1,
            )?);
        }
        return Ok(Value::Array(out));
    }
    if let Ok(mapping) = obj.cast::<PyMapping>() {
        check_depth(path, depth)?;
        // Snapshot the pairs first, for the same reason as for dicts.
        let items: Vec<Bound<'_, PyAny>> = mapping
            .items()
            .map_err(|_| Error::validation(field(), "mapping could not be read"))?
            .iter()
            .collect();
        return object_from_pairs(items, path, depth, &field);
    }
    Err(Error::validation(
        field(),
        format!(
            "a value of type {} cannot be sent as JSON (use str, int, float, bool, None, dict or list)",
            type_name(obj)
        ),
    ))
}

/// A JSON object from a snapshot of `(key, value)` pairs.
fn object_from_pairs(
    items: Vec<Bound<'_, PyAny>>,
    path: &str,
    depth: usize,
    field: &dyn Fn() -> String,
) -> Result<Value, Error> {
    let mut m = Map::new();
    for item in items {
        let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item
            .extract()
            .map_err(|_| Error::validation(field(), "mapping could not be read"))?;
        let key = dict_key(&k, path)?;
        let val = to_json_depth(&v, &child(path, &key), depth + 1)?;
        m.insert(key, val);
    }
    Ok(Value::Object(m))
}

fn dict_key(k: &Bound<'_, PyAny>, path: &str) -> Result<String, Error> {
    let at = if path.is_empty() { "params" } else { path };
    match k.cast::<PyString>() {
        Ok(s) => s
            .to_cow()
            .map(|c| c.into_owned())
            .map_err(|_| Error::validation(at, "a key is not valid UTF-8")),
        Err(_) => Err(Error::validation(
            at,
            format!("keys must be str, got a key of type {}", type_name(k)),
        )),
    }
}

/// Converts JSON to plain Python objects (dict, list, str, int, float, bool, None).
pub fn to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(a) => {
            let l = PyList::empty(py);
            for item in a {
                l.append(to_py(py, item)?)?;
            }
            l.into_any()
        }
        Value::Object(m) => {
            let d = PyDict::new(py);
            for (k, item) in m {
                d.set_item(k, to_py(py, item)?)?;
            }
            d.into_any()
        }
    })
}

/// Headers as `(name, value)` pairs from a Mapping or an iterable of pairs.
pub fn headers(obj: &Bound<'_, PyAny>) -> Result<Vec<(String, String)>, Error> {
    let bad = || {
        Error::validation(
            "headers",
            "headers must be a mapping of str to str (or a list of (str, str) pairs)",
        )
    };
    let mut out = Vec::new();
    let pairs: Vec<Bound<'_, PyAny>> = if let Ok(m) = obj.cast::<PyMapping>() {
        m.items().map_err(|_| bad())?.iter().collect()
    } else {
        obj.try_iter()
            .map_err(|_| bad())?
            .collect::<PyResult<Vec<_>>>()
            .map_err(|_| bad())?
    };
    for p in pairs {
        let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = p.extract().map_err(|_| bad())?;
        let k = k.extract::<String>().map_err(|_| bad())?;
        let v = if let Ok(s) = v.cast::<PyString>() {
            s.to_cow().map_err(|_| bad())?.to_string()
        } else if let Ok(b) = v.cast::<PyBytes>() {
            String::from_utf8(b.as_bytes().to_vec()).map_err(|_| bad())?
        } else {
            return Err(bad());
        };
        out.push((k, v));
    }
    Ok(out)
}
