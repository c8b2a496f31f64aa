//! Call events (issue 15 item 5) and the User-Agent parts (item 6) for Python: the core
//! decides both; this file converts types only.

use crate::convert::{to_json, to_py};
use autosend::{AppInfo, ClientOptions, Error, Event, NameStyle};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// The event as a dict: the core's fields (snake_case) plus `message` (one line for a log)
/// and `level` (`debug` or `info`).
pub fn event_dict<'py>(py: Python<'py>, e: &Event) -> PyResult<Bound<'py, PyDict>> {
    let d = to_py(py, &e.to_json(NameStyle::Snake))?.cast_into::<PyDict>()?;
    d.set_item("message", e.message())?;
    d.set_item("level", e.level())?;
    Ok(d)
}

/// The interpreter for the `User-Agent` (`cpython 3.12.1`), read from `sys`.
pub fn runtime(py: Python<'_>) -> String {
    let v = py.version_info();
    let name = py
        .import("sys")
        .and_then(|s| s.getattr("implementation"))
        .and_then(|i| i.getattr("name"))
        .and_then(|n| n.extract::<String>())
        .unwrap_or_else(|_| "python".to_string());
    format!("{name} {}.{}.{}", v.major, v.minor, v.patch)
}

/// Sets the runtime and the user's `app_info` (a mapping `{name, version?, url?}`); the core
/// checks them when the client is built.
pub fn user_agent_parts(
    py: Python<'_>,
    o: &mut ClientOptions,
    app_info: Option<&Bound<'_, PyAny>>,
) -> Result<(), Error> {
    o.runtime = runtime(py);
    if let Some(a) = app_info.filter(|a| !a.is_none()) {
        o.app_info = AppInfo::from_json(&to_json(a, "app_info")?, "app_info")?;
    }
    Ok(())
}

/// A transport listener calling `callback(event_dict)` with the GIL. An exception from the
/// callback is reported as unraisable (it cannot stop a call half-way). Events of calls that
/// still run once the interpreter exits are dropped ([`crate::exit`]).
pub fn listener(callback: Py<PyAny>) -> autosend_http::EventListener {
    std::sync::Arc::new(move |e: &Event| {
        crate::exit::attach(|py| {
            let r = event_dict(py, e).and_then(|d| callback.call1(py, (d,)));
            if let Err(err) = r {
                err.write_unraisable(py, None);
            }
        });
    })
}
