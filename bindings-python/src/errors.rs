//! Core errors -> Python exceptions, and the panic guard around every native entry point.

use crate::convert::to_py;
use autosend::{Error, ErrorKind};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The Python exception for a core error: built by `autosend.errors._from_native`, which picks
/// the subclass from the error's kind.
pub fn to_pyerr(py: Python<'_>, e: &Error) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let data = to_py(py, &e.to_json())?;
        let module = py.import("autosend.errors")?;
        let exc = module.getattr("_from_native")?.call1((data,))?;
        Ok(PyErr::from_value(exc))
    };
    match build() {
        Ok(err) => err,
        // The pure-Python layer is missing (native module used on its own): still a clear error.
        Err(_) => PyRuntimeError::new_err(e.to_string()),
    }
}

/// Converts a core result.
pub fn check<T>(py: Python<'_>, r: Result<T, Error>) -> PyResult<T> {
    r.map_err(|e| to_pyerr(py, &e))
}

/// The error reported when a panic was caught.
pub fn panic_error(payload: &(dyn std::any::Any + Send)) -> Error {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    let what: String = what.chars().take(300).collect();
    Error::new(
        ErrorKind::Panic,
        format!("the native AutoSend module panicked: {what}"),
    )
}

/// Runs `f`, turning a panic into `InternalError` (kind `panic`) instead of pyo3's
/// `PanicException`. Every `#[pyfunction]` / `#[pymethods]` body goes through this.
pub fn guard<T>(py: Python<'_>, f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => Err(to_pyerr(py, &panic_error(payload.as_ref()))),
    }
}
