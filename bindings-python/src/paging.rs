//! The core's [`autosend::Pager`] and [`autosend::Chunker`] for Python: the core decides which
//! page or chunk comes next, when a list ends and what a chunk's outcome means; the clients in
//! `client.rs` run each page and chunk as an ordinary call (limiter, retries, GIL released)
//! and the Python layer only loops.

use crate::convert::{to_json, to_py};
use crate::errors::{check, guard, to_pyerr};
use autosend::{ApiResponse, Error};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::sync::{Mutex, MutexGuard};

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Walks a paged list endpoint (`autosend::Pager`).
#[pyclass(frozen, module = "autosend._native")]
pub struct Pager {
    inner: Mutex<autosend::Pager>,
}

#[pymethods]
impl Pager {
    /// A pager for the paged list `endpoint` with `params` (filters, path parameters, and
    /// optionally `page` to start or resume at and `limit`).
    #[new]
    fn new(py: Python<'_>, endpoint: &str, params: &Bound<'_, PyAny>) -> PyResult<Self> {
        guard(py, || {
            let params = check(py, to_json(params, ""))?;
            let p = check(py, autosend::Pager::new(endpoint, params))?;
            Ok(Pager {
                inner: Mutex::new(p),
            })
        })
    }

    /// The endpoint id.
    #[getter]
    fn endpoint(&self) -> &'static str {
        lock(&self.inner).endpoint().id
    }

    /// The parameters of the next page request, or None when the list is exhausted.
    fn next_params<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        guard(py, || {
            let p = lock(&self.inner).next_params();
            p.map(|v| to_py(py, &v)).transpose()
        })
    }

    /// Reads the answer's `data` for the page asked for; returns `{items, page, limit, total,
    /// pages, has_more}` and moves on (a bad answer raises and does not move).
    fn handle_page<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let data = check(py, to_json(data, "data"))?;
            let info = check(py, lock(&self.inner).handle_page(&data))?;
            to_py(py, &info.describe())
        })
    }

    /// An independent copy of this pager in its current state (a page object keeps one, so
    /// that asking it for its next page twice gives the same page).
    fn copy(&self) -> Pager {
        Pager {
            inner: Mutex::new(lock(&self.inner).clone()),
        }
    }

    /// The page the next request asks for (the one to resume at after a failure).
    #[getter]
    fn page(&self) -> Option<u64> {
        lock(&self.inner).page()
    }

    /// True once the list is exhausted.
    #[getter]
    fn done(&self) -> bool {
        lock(&self.inner).is_done()
    }

    /// `{endpoint, pagination, next_page, first_page, limit, pages_done, items_seen, total,
    /// pages, done}`.
    fn describe<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || to_py(py, &lock(&self.inner).describe()))
    }
}

impl Pager {
    /// `(endpoint id, next params, page)`; params None when exhausted.
    pub fn next_request(&self) -> (&'static str, Option<serde_json::Value>, Option<u64>) {
        let g = lock(&self.inner);
        (g.endpoint().id, g.next_params(), g.page())
    }

    /// Reads a page answer into the dict the Python layer gets: the response fields (its
    /// `data` left out: the items are in `page`) plus `page` (`PageInfo::describe`).
    pub fn finish<'py>(
        &self,
        py: Python<'py>,
        asked: Option<u64>,
        result: Result<ApiResponse, Error>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let resp = result.map_err(|e| page_error(py, &e, asked))?;
        let info = lock(&self.inner)
            .handle_page(&resp.data)
            .map_err(|e| page_error(py, &e, asked))?;
        let mut light = resp;
        light.data = serde_json::Value::Null;
        let d = crate::sansio::response_dict(py, &light)?;
        d.set_item("page", to_py(py, &info.describe())?)?;
        Ok(d)
    }
}

/// The exception for a failed page, with `page` set to the page to resume at.
pub fn page_error(py: Python<'_>, e: &Error, page: Option<u64>) -> PyErr {
    let err = to_pyerr(py, e);
    if let Some(p) = page {
        // Best effort: a plain RuntimeError (pure-Python layer missing) still raises.
        let _ = err.value(py).setattr("page", p);
    }
    err
}

/// Splits one bulk write into chunks the API accepts (`autosend::Chunker`).
#[pyclass(frozen, module = "autosend._native")]
pub struct Chunker {
    inner: Mutex<autosend::Chunker>,
}

#[pymethods]
impl Chunker {
    /// A chunker for `endpoint` (`emails.bulk`, `contacts.bulkUpdate`,
    /// `contactLists.bulkAdd`) with every item in `params`.
    #[new]
    fn new(py: Python<'_>, endpoint: &str, params: &Bound<'_, PyAny>) -> PyResult<Self> {
        guard(py, || {
            let params = check(py, to_json(params, ""))?;
            let c = check(py, autosend::Chunker::new(endpoint, params))?;
            Ok(Chunker {
                inner: Mutex::new(c),
            })
        })
    }

    /// The endpoint id.
    #[getter]
    fn endpoint(&self) -> &'static str {
        lock(&self.inner).endpoint().id
    }

    /// Items per chunk (the schema's maxItems).
    #[getter]
    fn chunk_size(&self) -> usize {
        lock(&self.inner).chunk_size()
    }

    /// Number of chunks.
    #[getter]
    fn chunks(&self) -> usize {
        lock(&self.inner).chunks()
    }

    /// The parameters of chunk `index` (None past the end).
    fn chunk_params<'py>(
        &self,
        py: Python<'py>,
        index: usize,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        guard(py, || {
            let p = lock(&self.inner).chunk_params(index);
            p.map(|v| to_py(py, &v)).transpose()
        })
    }

    /// `(index, params)` of the next chunk to send (each handed out once), or None.
    fn next_chunk<'py>(&self, py: Python<'py>) -> PyResult<Option<(usize, Bound<'py, PyAny>)>> {
        guard(py, || {
            let n = lock(&self.inner).next_chunk();
            n.map(|(i, v)| Ok((i, to_py(py, &v)?))).transpose()
        })
    }

    /// Records a success of chunk `index` (the answer's `data`).
    fn record_ok(&self, py: Python<'_>, index: usize, data: &Bound<'_, PyAny>) -> PyResult<()> {
        guard(py, || {
            let data = check(py, to_json(data, "data"))?;
            check(py, lock(&self.inner).record_ok(index, data))
        })
    }

    /// Records a local failure of chunk `index` (its call could not be prepared, so nothing
    /// was sent): `kind` (an error kind name), `message`, `field` for validation errors.
    #[pyo3(signature = (index, kind, message, field=None))]
    fn record_error(
        &self,
        py: Python<'_>,
        index: usize,
        kind: &str,
        message: &str,
        field: Option<&str>,
    ) -> PyResult<()> {
        guard(py, || {
            let e = match autosend::ErrorKind::from_name(kind) {
                Some(autosend::ErrorKind::Validation) => {
                    Error::validation(field.unwrap_or("params"), message)
                }
                Some(k) => Error::new(k, message),
                None => Error::new(autosend::ErrorKind::Internal, message),
            };
            check(py, lock(&self.inner).record_err(index, e))
        })
    }

    /// Records the outcome of a sans-IO `Call` for chunk `index`: polls it at `now_ms`, which
    /// must give its final result (success or error, exactly as the core decided).
    fn record_call(
        &self,
        py: Python<'_>,
        index: usize,
        call: &crate::sansio::Call,
        now_ms: u64,
    ) -> PyResult<()> {
        guard(py, || {
            let result = match call.poll_raw(now_ms) {
                autosend::Poll::Done(r) => r,
                _ => {
                    return Err(pyo3::exceptions::PyValueError::new_err(
                        "the call is not finished: poll it until it is done before recording",
                    ))
                }
            };
            check(py, lock(&self.inner).record(index, result))
        })
    }

    /// `{chunks_done, chunks_total, items_done, items_total}`.
    fn progress<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || to_py(py, &lock(&self.inner).progress().describe()))
    }

    /// True when no chunk is left to hand out.
    #[getter]
    fn done(&self) -> bool {
        lock(&self.inner).is_done()
    }

    /// The report (`autosend::chunk::Report::describe`): every item exactly once.
    fn report<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || to_py(py, &lock(&self.inner).report().describe()))
    }
}

impl Chunker {
    /// The next chunk `(endpoint id, index, params)`, handed out (never again).
    pub fn take_next(&self) -> Option<(&'static str, usize, serde_json::Value)> {
        let mut g = lock(&self.inner);
        let id = g.endpoint().id;
        g.next_chunk().map(|(i, p)| (id, i, p))
    }

    /// Records chunk `index`'s call result and returns the progress dict.
    pub fn finish<'py>(
        &self,
        py: Python<'py>,
        index: usize,
        result: Result<ApiResponse, Error>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut g = lock(&self.inner);
        check(py, g.record(index, result))?;
        to_py(py, &g.progress().describe())
    }
}
