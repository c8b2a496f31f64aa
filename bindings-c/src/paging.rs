//! Auto-pagination (`autosend_pager`) and chunked bulk writes (`autosend_bulk_all`,
//! `autosend_chunker`, `autosend_report`) over the core's `Pager` and `Chunker`. The core
//! decides which page comes next, when a list ends, how a bulk list is split and what each
//! chunk's outcome means; this module only converts types and loops. Every page and every
//! chunk is an ordinary call through the client (rate limiter, retries).

use crate::client::{autosend_client, parse_params};
use crate::error::{autosend_error, autosend_response, ffi_result_err, Failure};
use crate::util::{
    bytes_in, free_handle, handle_mut, handle_ref, need_out, str_in, to_handle, write_out, ZStr,
};
use crate::{autosend_result, autosend_str, ffi_boundary, ffi_result};
use autosend::chunk::{Progress, Report, Status};
use autosend::{Chunker, PageInfo, Pager};
use std::ffi::c_void;
use std::sync::Arc;

/// A static NUL-terminated copy of a static name (endpoint ids, item fields).
fn static_str(s: &'static str) -> autosend_str {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static TABLE: OnceLock<Mutex<HashMap<&'static str, &'static [u8]>>> = OnceLock::new();
    let table = TABLE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut t = table.lock().unwrap_or_else(|p| p.into_inner());
    let z: &'static [u8] = t.entry(s).or_insert_with(|| {
        let mut v = s.as_bytes().to_vec();
        v.push(0);
        // Leaked once per distinct static name (a bounded set: catalog ids and fields).
        Box::leak(v.into_boxed_slice())
    });
    autosend_str {
        data: z.as_ptr().cast(),
        len: z.len() - 1,
    }
}

// ------------------------------------------------------------------------------------------
// pager

/// Walks a paged list endpoint page by page. Made by `autosend_pager_new` (blocking: each
/// `autosend_pager_next` is one call through the client) or `autosend_pager_new_sansio`
/// (the caller sends each page itself: `autosend_pager_next_params` →
/// `autosend_call_new` … → `autosend_pager_handle_page`). Not thread-safe: use from one
/// thread at a time (it may be moved between threads). Free with `autosend_pager_free`.
pub struct autosend_pager {
    pager: Pager,
    http: Option<Arc<autosend_http::blocking::Client>>,
    params: ZStr,
    json: ZStr,
}

/// One page: its items and metadata as JSON `{"items": […], "page", "limit", "total",
/// "pages", "has_more"}` (`limit`, `total`, `pages` are `null` when the answer did not give
/// them). Immutable; free with `autosend_page_free`.
pub struct autosend_page {
    json: ZStr,
    items: usize,
    page: u64,
    has_more: bool,
}

impl autosend_page {
    fn from_core(p: PageInfo) -> autosend_page {
        autosend_page {
            json: ZStr::new(p.describe().to_string().as_bytes()),
            items: p.items.len(),
            page: p.page,
            has_more: p.has_more,
        }
    }
}

fn make_pager(
    endpoint_id: *const u8,
    endpoint_id_len: usize,
    params_json: *const u8,
    params_len: usize,
    pager_out: *mut *mut autosend_pager,
    http: impl FnOnce() -> Result<Option<Arc<autosend_http::blocking::Client>>, Failure>,
) -> Result<(), Failure> {
    // SAFETY: NULL or readable for `endpoint_id_len` bytes (contract).
    let endpoint = unsafe { str_in(endpoint_id, endpoint_id_len) }?;
    // SAFETY: NULL or readable for `params_len` bytes (contract).
    let params = parse_params(unsafe { bytes_in(params_json, params_len) }?)?;
    need_out(pager_out)?;
    let pager = Pager::new(endpoint, params)?;
    let http = http()?;
    let h = to_handle(autosend_pager {
        pager,
        http,
        params: ZStr::default(),
        json: ZStr::default(),
    });
    // SAFETY: checked non-null; writable by contract.
    unsafe { write_out(pager_out, h) }?;
    Ok(())
}

/// A pager over the paged list `endpoint_id` (`AUTOSEND_EP_CAMPAIGNS_LIST`,
/// `AUTOSEND_EP_CONTACT_LISTS_SEARCH_CONTACTS`, … — see `pagination` in
/// `autosend_catalog_json`) with a JSON object of parameters (filters, path parameters;
/// `"page": n` starts — resumes — at page n; without `"limit"` the documented maximum is
/// sent). A non-paged endpoint, or a `page`/`limit` that is not a whole number ≥ 1, is
/// `AUTOSEND_RESULT_VALIDATION`; an unknown id `AUTOSEND_RESULT_UNKNOWN_ENDPOINT`. Builds the
/// client's HTTPS transport now (a bad CA is reported here). The pager does not borrow the
/// client (either may be freed first); it keeps the client's key as it is now.
#[no_mangle]
pub unsafe extern "C" fn autosend_pager_new(
    client: *const autosend_client,
    endpoint_id: *const u8,
    endpoint_id_len: usize,
    params_json: *const u8,
    params_len: usize,
    pager_out: *mut *mut autosend_pager,
    error_out: *mut *mut autosend_error,
) -> autosend_result {
    ffi_result_err!(error_out, {
        // SAFETY: `client` is NULL or a live handle (contract); shared use is allowed.
        let c = unsafe { handle_ref(client) }?;
        make_pager(
            endpoint_id,
            endpoint_id_len,
            params_json,
            params_len,
            pager_out,
            || Ok(Some(c.http()?)),
        )
    })
}

/// A pager for the sans-IO form: no client; the caller sends each page. Loop:
/// `autosend_pager_next_params` (DONE at the end) → `autosend_call_new(client,
/// autosend_pager_endpoint(pager), params…)` and drive the call → feed the response's
/// `autosend_response_json` to `autosend_pager_handle_page`. `autosend_pager_next` on such a
/// pager is `AUTOSEND_RESULT_INVALID_STATE`. Errors as `autosend_pager_new`.
#[no_mangle]
pub unsafe extern "C" fn autosend_pager_new_sansio(
    endpoint_id: *const u8,
    endpoint_id_len: usize,
    params_json: *const u8,
    params_len: usize,
    pager_out: *mut *mut autosend_pager,
    error_out: *mut *mut autosend_error,
) -> autosend_result {
    ffi_result_err!(error_out, {
        make_pager(
            endpoint_id,
            endpoint_id_len,
            params_json,
            params_len,
            pager_out,
            || Ok(None),
        )
    })
}

/// Fetches the next page (one blocking call through the client: rate limit and retries
/// included). `AUTOSEND_RESULT_OK`: `*page_out` gets a page to free with
/// `autosend_page_free`. `AUTOSEND_RESULT_DONE`: the list is exhausted (nothing written).
/// Any other code: the page request failed (`*error_out` says why) and the pager did not
/// move — calling again retries the same page, and `autosend_pager_page` is the page to
/// resume at later (`"page": n` in the params of a new pager).
#[no_mangle]
pub unsafe extern "C" fn autosend_pager_next(
    pager: *mut autosend_pager,
    page_out: *mut *mut autosend_page,
    error_out: *mut *mut autosend_error,
) -> autosend_result {
    ffi_result_err!(error_out, {
        // SAFETY: `pager` is NULL or a live handle used by one thread (contract).
        let p = unsafe { handle_mut(pager) }?;
        need_out(page_out)?;
        let http = p
            .http
            .clone()
            .ok_or(autosend_result::AUTOSEND_RESULT_INVALID_STATE)?;
        let Some(params) = p.pager.next_params() else {
            return Err(autosend_result::AUTOSEND_RESULT_DONE.into());
        };
        let resp =
            crate::client::with_sigpipe_blocked(|| http.call(p.pager.endpoint().id, params))?;
        let page = p.pager.handle_page(&resp.data)?;
        // SAFETY: checked non-null; writable by contract.
        unsafe { write_out(page_out, to_handle(autosend_page::from_core(page))) }?;
        Ok(())
    })
}

/// Sans-IO: the JSON parameters of the next page request (the caller's params with `page`
/// and `limit` set), borrowed from the pager until the next call on it or its free.
/// `AUTOSEND_RESULT_DONE` when the list is exhausted. Calling it again without
/// `autosend_pager_handle_page` gives the same page.
#[no_mangle]
pub unsafe extern "C" fn autosend_pager_next_params(
    pager: *mut autosend_pager,
    params_out: *mut autosend_str,
) -> autosend_result {
    ffi_result!({
        // SAFETY: `pager` is NULL or a live handle used by one thread (contract).
        let p = unsafe { handle_mut(pager) }?;
        need_out(params_out)?;
        let params = p
            .pager
            .next_params()
            .ok_or(autosend_result::AUTOSEND_RESULT_DONE)?;
        p.params = ZStr::new(params.to_string().as_bytes());
        // SAFETY: checked non-null; writable by contract.
        unsafe { write_out(params_out, p.params.as_str()) }
    })
}

/// Sans-IO: reads the answer to the request built from `autosend_pager_next_params` — the
/// `autosend_response_json` text (the envelope's `data`) — and moves to the next page or
/// ends the walk. `*page_out` gets the page. An answer without the items array, or for
/// another page than the one asked for, is `AUTOSEND_RESULT_INVALID_RESPONSE` and the pager
/// stays on its page. After the end: `AUTOSEND_RESULT_DONE`.
#[no_mangle]
pub unsafe extern "C" fn autosend_pager_handle_page(
    pager: *mut autosend_pager,
    data_json: *const u8,
    data_len: usize,
    page_out: *mut *mut autosend_page,
    error_out: *mut *mut autosend_error,
) -> autosend_result {
    ffi_result_err!(error_out, {
        // SAFETY: `pager` is NULL or a live handle used by one thread (contract).
        let p = unsafe { handle_mut(pager) }?;
        // SAFETY: NULL or readable for `data_len` bytes (contract).
        let raw = unsafe { bytes_in(data_json, data_len) }?;
        need_out(page_out)?;
        if p.pager.is_done() {
            return Err(autosend_result::AUTOSEND_RESULT_DONE.into());
        }
        let data: serde_json::Value = serde_json::from_slice(raw).map_err(|e| {
            Failure::from(autosend::Error::new(
                autosend::ErrorKind::InvalidResponse,
                format!(
                    "{}: the page data is not valid JSON ({e}); pass autosend_response_json",
                    p.pager.endpoint().id
                ),
            ))
        })?;
        let page = p.pager.handle_page(&data)?;
        // SAFETY: checked non-null; writable by contract.
        unsafe { write_out(page_out, to_handle(autosend_page::from_core(page))) }?;
        Ok(())
    })
}

/// The page the next request asks for: after a failed page, the page to resume at. 0 once
/// the list is exhausted (and for NULL).
#[no_mangle]
pub unsafe extern "C" fn autosend_pager_page(pager: *const autosend_pager) -> u64 {
    ffi_boundary!(0, {
        // SAFETY: `pager` is NULL or a live handle (contract).
        match unsafe { handle_ref(pager) } {
            Ok(p) => p.pager.page().unwrap_or(0),
            Err(_) => 0,
        }
    })
}

/// True once the list is exhausted (also for NULL).
#[no_mangle]
pub unsafe extern "C" fn autosend_pager_is_done(pager: *const autosend_pager) -> bool {
    ffi_boundary!(true, {
        // SAFETY: `pager` is NULL or a live handle (contract).
        match unsafe { handle_ref(pager) } {
            Ok(p) => p.pager.is_done(),
            Err(_) => true,
        }
    })
}

/// The endpoint id being walked (static string; empty for NULL).
#[no_mangle]
pub unsafe extern "C" fn autosend_pager_endpoint(pager: *const autosend_pager) -> autosend_str {
    ffi_boundary!(autosend_str::empty(), {
        // SAFETY: `pager` is NULL or a live handle (contract).
        match unsafe { handle_ref(pager) } {
            Ok(p) => static_str(p.pager.endpoint().id),
            Err(_) => autosend_str::empty(),
        }
    })
}

/// The pager's state as JSON `{endpoint, pagination, next_page, first_page, limit,
/// pages_done, items_seen, total, pages, done}`, borrowed from the pager until the next call
/// on it or its free. Empty for NULL.
#[no_mangle]
pub unsafe extern "C" fn autosend_pager_json(pager: *mut autosend_pager) -> autosend_str {
    ffi_boundary!(autosend_str::empty(), {
        // SAFETY: `pager` is NULL or a live handle used by one thread (contract).
        match unsafe { handle_mut(pager) } {
            Ok(p) => {
                p.json = ZStr::new(p.pager.describe().to_string().as_bytes());
                p.json.as_str()
            }
            Err(_) => autosend_str::empty(),
        }
    })
}

/// Frees a pager. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn autosend_pager_free(pager: *mut autosend_pager) {
    ffi_boundary!((), {
        // SAFETY: NULL or a handle from this library, not yet freed (contract).
        unsafe { free_handle(pager) }
    })
}

/// The page as JSON `{"items", "page", "limit", "total", "pages", "has_more"}`, borrowed from
/// the page. Empty for NULL.
#[no_mangle]
pub unsafe extern "C" fn autosend_page_json(page: *const autosend_page) -> autosend_str {
    ffi_boundary!(autosend_str::empty(), {
        // SAFETY: `page` is NULL or a live handle (contract).
        match unsafe { handle_ref(page) } {
            Ok(p) => p.json.as_str(),
            Err(_) => autosend_str::empty(),
        }
    })
}

/// Number of items on the page (0 for NULL).
#[no_mangle]
pub unsafe extern "C" fn autosend_page_item_count(page: *const autosend_page) -> usize {
    ffi_boundary!(0, {
        // SAFETY: `page` is NULL or a live handle (contract).
        unsafe { handle_ref(page) }.map(|p| p.items).unwrap_or(0)
    })
}

/// The page number (1-based; 0 for NULL).
#[no_mangle]
pub unsafe extern "C" fn autosend_page_number(page: *const autosend_page) -> u64 {
    ffi_boundary!(0, {
        // SAFETY: `page` is NULL or a live handle (contract).
        unsafe { handle_ref(page) }.map(|p| p.page).unwrap_or(0)
    })
}

/// True when another page will be requested (false for NULL).
#[no_mangle]
pub unsafe extern "C" fn autosend_page_has_more(page: *const autosend_page) -> bool {
    ffi_boundary!(false, {
        // SAFETY: `page` is NULL or a live handle (contract).
        unsafe { handle_ref(page) }
            .map(|p| p.has_more)
            .unwrap_or(false)
    })
}

/// Frees a page. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn autosend_page_free(page: *mut autosend_page) {
    ffi_boundary!((), {
        // SAFETY: NULL or a handle from this library, not yet freed (contract).
        unsafe { free_handle(page) }
    })
}

// ------------------------------------------------------------------------------------------
// chunked bulk writes

/// Progress of a chunked run, given to the progress callback after each chunk.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct autosend_progress {
    /// Chunks with an outcome.
    pub chunks_done: usize,
    /// All chunks.
    pub chunks_total: usize,
    /// Items in the chunks with an outcome.
    pub items_done: usize,
    /// All items.
    pub items_total: usize,
}

impl From<&Progress> for autosend_progress {
    fn from(p: &Progress) -> autosend_progress {
        autosend_progress {
            chunks_done: p.chunks_done,
            chunks_total: p.chunks_total,
            items_done: p.items_done,
            items_total: p.items_total,
        }
    }
}

/// Called by `autosend_bulk_all` after each chunk, on the calling thread, with the
/// `user_data` given. `progress` is valid during the call only. It must not unwind or
/// `longjmp` out of the library.
pub type autosend_progress_cb =
    Option<unsafe extern "C" fn(user_data: *mut c_void, progress: *const autosend_progress)>;

/// What became of an item (and of its chunk).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum autosend_item_status {
    /// The API accepted the chunk (2xx).
    AUTOSEND_ITEM_ACCEPTED = 1,
    /// Not processed: refused by the API (4xx), by local checks, or never reached the server.
    AUTOSEND_ITEM_REFUSED = 2,
    /// Outcome unknown (5xx, timeout, lost connection): the server may have acted on it.
    /// Never re-sent by the library; check before re-sending unless the report says
    /// `retry_safe`.
    AUTOSEND_ITEM_MAY_HAVE_BEEN_DELIVERED = 3,
    /// Not sent: the run stopped before its chunk.
    AUTOSEND_ITEM_NOT_ATTEMPTED = 4,
}

impl autosend_item_status {
    fn core(self) -> Status {
        match self {
            autosend_item_status::AUTOSEND_ITEM_ACCEPTED => Status::Accepted,
            autosend_item_status::AUTOSEND_ITEM_REFUSED => Status::Refused,
            autosend_item_status::AUTOSEND_ITEM_MAY_HAVE_BEEN_DELIVERED => {
                Status::MayHaveBeenDelivered
            }
            autosend_item_status::AUTOSEND_ITEM_NOT_ATTEMPTED => Status::NotAttempted,
        }
    }

    fn from_u32(v: u32) -> Option<autosend_item_status> {
        use autosend_item_status::*;
        Some(match v {
            1 => AUTOSEND_ITEM_ACCEPTED,
            2 => AUTOSEND_ITEM_REFUSED,
            3 => AUTOSEND_ITEM_MAY_HAVE_BEEN_DELIVERED,
            4 => AUTOSEND_ITEM_NOT_ATTEMPTED,
            _ => return None,
        })
    }

    fn of(s: &Status) -> u32 {
        use autosend_item_status::*;
        (match s {
            Status::Accepted => AUTOSEND_ITEM_ACCEPTED,
            Status::Refused => AUTOSEND_ITEM_REFUSED,
            Status::MayHaveBeenDelivered => AUTOSEND_ITEM_MAY_HAVE_BEEN_DELIVERED,
            Status::NotAttempted => AUTOSEND_ITEM_NOT_ATTEMPTED,
        }) as u32
    }
}

/// The outcome of a chunked run, per chunk and per item. Immutable: read from any thread.
/// Free with `autosend_report_free`.
pub struct autosend_report {
    report: Report,
    json: ZStr,
}

impl autosend_report {
    fn new(report: Report) -> autosend_report {
        let json = ZStr::new(report.describe().to_string().as_bytes());
        autosend_report { report, json }
    }
}

/// Sends a bulk write of any size — `AUTOSEND_EP_EMAILS_BULK` (`recipients`),
/// `AUTOSEND_EP_CONTACTS_BULK_UPDATE` (`contacts`), `AUTOSEND_EP_CONTACT_LISTS_BULK_ADD`
/// (`emails` or `contactIds`) — in chunks of the size the API description allows, one
/// blocking call per chunk through the client (rate limit and retries of each call
/// included), in order, calling `progress_cb(user_data, &progress)` after each chunk (NULL:
/// no callback). Every other parameter is copied into every chunk.
///
/// A chunk whose outcome is unknown (5xx, timeout, lost connection) is reported
/// `may_have_been_delivered` and never re-sent; the next chunks still go. An error every
/// later chunk would meet (key refused, rate limit given up on, no connection, …) stops the
/// run: the rest is `not_attempted`. Every item is in the report exactly once.
///
/// `AUTOSEND_RESULT_OK`: `*report_out` gets the report (also when chunks failed: check
/// `autosend_report_all_accepted`). Any other code is a usage error and nothing was sent
/// (not a bulk endpoint, no items, items not an array, bad JSON).
#[no_mangle]
pub unsafe extern "C" fn autosend_bulk_all(
    client: *const autosend_client,
    endpoint_id: *const u8,
    endpoint_id_len: usize,
    params_json: *const u8,
    params_len: usize,
    progress_cb: autosend_progress_cb,
    user_data: *mut c_void,
    report_out: *mut *mut autosend_report,
    error_out: *mut *mut autosend_error,
) -> autosend_result {
    ffi_result_err!(error_out, {
        // SAFETY: `client` is NULL or a live handle (contract); shared use is allowed.
        let c = unsafe { handle_ref(client) }?;
        // SAFETY: NULL or readable for `endpoint_id_len` bytes (contract).
        let endpoint = unsafe { str_in(endpoint_id, endpoint_id_len) }?;
        // SAFETY: NULL or readable for `params_len` bytes (contract).
        let params = parse_params(unsafe { bytes_in(params_json, params_len) }?)?;
        need_out(report_out)?;
        // Usage errors before the transport is built, so nothing is sent for them.
        let mut chunker = Chunker::new(endpoint, params)?;
        let http = c.http()?;
        while let Some((i, p)) = chunker.next_chunk() {
            let r = crate::client::with_sigpipe_blocked(|| http.call(endpoint, p));
            chunker.record(i, r)?;
            if let Some(cb) = progress_cb {
                let pr = autosend_progress::from(&chunker.progress());
                // SAFETY: the caller gave a valid callback; `pr` lives for the call.
                unsafe { cb(user_data, &pr) };
            }
        }
        let h = to_handle(autosend_report::new(chunker.report()));
        // SAFETY: checked non-null; writable by contract.
        unsafe { write_out(report_out, h) }?;
        Ok(())
    })
}

/// The sans-IO form of `autosend_bulk_all`: splits the items, hands out each chunk's
/// parameters once, records each chunk's outcome and reports. Not thread-safe: use from one
/// thread at a time. Free with `autosend_chunker_free`.
pub struct autosend_chunker {
    chunker: Chunker,
    params: ZStr,
}

/// A chunker for `endpoint_id` with all the items in the params (see `autosend_bulk_all`
/// for endpoints and errors). Nothing is sent.
#[no_mangle]
pub unsafe extern "C" fn autosend_chunker_new(
    endpoint_id: *const u8,
    endpoint_id_len: usize,
    params_json: *const u8,
    params_len: usize,
    chunker_out: *mut *mut autosend_chunker,
    error_out: *mut *mut autosend_error,
) -> autosend_result {
    ffi_result_err!(error_out, {
        // SAFETY: NULL or readable for `endpoint_id_len` bytes (contract).
        let endpoint = unsafe { str_in(endpoint_id, endpoint_id_len) }?;
        // SAFETY: NULL or readable for `params_len` bytes (contract).
        let params = parse_params(unsafe { bytes_in(params_json, params_len) }?)?;
        need_out(chunker_out)?;
        let chunker = Chunker::new(endpoint, params)?;
        let h = to_handle(autosend_chunker {
            chunker,
            params: ZStr::default(),
        });
        // SAFETY: checked non-null; writable by contract.
        unsafe { write_out(chunker_out, h) }?;
        Ok(())
    })
}

/// The next chunk to send, in order: `*index_out` its number, `*params_out` its JSON
/// parameters (borrowed from the chunker until the next call on it). Each chunk is handed
/// out once. `AUTOSEND_RESULT_DONE` when every chunk was handed out or the run stopped.
/// Send it as a normal call (`autosend_call_new` with the chunker's endpoint) and record
/// the outcome with `autosend_chunker_record_response` / `_record_error`.
#[no_mangle]
pub unsafe extern "C" fn autosend_chunker_next(
    chunker: *mut autosend_chunker,
    index_out: *mut usize,
    params_out: *mut autosend_str,
) -> autosend_result {
    ffi_result!({
        // SAFETY: `chunker` is NULL or a live handle used by one thread (contract).
        let c = unsafe { handle_mut(chunker) }?;
        need_out(index_out)?;
        need_out(params_out)?;
        let (i, p) = c
            .chunker
            .next_chunk()
            .ok_or(autosend_result::AUTOSEND_RESULT_DONE)?;
        c.params = ZStr::new(p.to_string().as_bytes());
        // SAFETY: checked non-null; writable by contract.
        unsafe { write_out(index_out, i) }?;
        // SAFETY: checked non-null; writable by contract.
        unsafe { write_out(params_out, c.params.as_str()) }
    })
}

/// The JSON parameters of chunk `index` (without handing it out), borrowed from the chunker
/// until the next call on it. `AUTOSEND_RESULT_INVALID_PARAMETER` when out of range.
#[no_mangle]
pub unsafe extern "C" fn autosend_chunker_chunk_params(
    chunker: *mut autosend_chunker,
    index: usize,
    params_out: *mut autosend_str,
) -> autosend_result {
    ffi_result!({
        // SAFETY: `chunker` is NULL or a live handle used by one thread (contract).
        let c = unsafe { handle_mut(chunker) }?;
        need_out(params_out)?;
        let p = c
            .chunker
            .chunk_params(index)
            .ok_or(autosend_result::AUTOSEND_RESULT_INVALID_PARAMETER)?;
        c.params = ZStr::new(p.to_string().as_bytes());
        // SAFETY: checked non-null; writable by contract.
        unsafe { write_out(params_out, c.params.as_str()) }
    })
}

fn record(
    chunker: *mut autosend_chunker,
    index: usize,
    result: impl FnOnce() -> Result<Result<serde_json::Value, autosend::Error>, autosend_result>,
) -> Result<(), Failure> {
    // SAFETY: `chunker` is NULL or a live handle used by one thread (contract).
    let c = unsafe { handle_mut(chunker) }?;
    match result()? {
        Ok(data) => c.chunker.record_ok(index, data)?,
        Err(e) => c.chunker.record_err(index, e)?,
    }
    Ok(())
}

/// Records that chunk `index` succeeded with `response` (not taken over: free it as usual).
/// A chunk not handed out, or recorded before, is `AUTOSEND_RESULT_INTERNAL` and changes
/// nothing.
#[no_mangle]
pub unsafe extern "C" fn autosend_chunker_record_response(
    chunker: *mut autosend_chunker,
    index: usize,
    response: *const autosend_response,
    error_out: *mut *mut autosend_error,
) -> autosend_result {
    ffi_result_err!(error_out, {
        record(chunker, index, || {
            // SAFETY: `response` is NULL or a live handle (contract).
            let r = unsafe { handle_ref(response) }?;
            Ok(Ok(r.data()))
        })
    })
}

/// Records that chunk `index` failed with `error` (from `autosend_call_new` — nothing was
/// sent — or from the call's DONE action). Not taken over: free it as usual. Same rules as
/// `autosend_chunker_record_response`.
#[no_mangle]
pub unsafe extern "C" fn autosend_chunker_record_error(
    chunker: *mut autosend_chunker,
    index: usize,
    error: *const autosend_error,
    error_out: *mut *mut autosend_error,
) -> autosend_result {
    ffi_result_err!(error_out, {
        record(chunker, index, || {
            // SAFETY: `error` is NULL or a live handle (contract).
            let e = unsafe { handle_ref(error) }?;
            Ok(Err(e.to_core()))
        })
    })
}

/// The endpoint id (static string; empty for NULL).
#[no_mangle]
pub unsafe extern "C" fn autosend_chunker_endpoint(
    chunker: *const autosend_chunker,
) -> autosend_str {
    ffi_boundary!(autosend_str::empty(), {
        // SAFETY: `chunker` is NULL or a live handle (contract).
        match unsafe { handle_ref(chunker) } {
            Ok(c) => static_str(c.chunker.endpoint().id),
            Err(_) => autosend_str::empty(),
        }
    })
}

/// The body field being split (`recipients`, `contacts`, `emails`, `contactIds`; static
/// string; empty for NULL).
#[no_mangle]
pub unsafe extern "C" fn autosend_chunker_field(chunker: *const autosend_chunker) -> autosend_str {
    ffi_boundary!(autosend_str::empty(), {
        // SAFETY: `chunker` is NULL or a live handle (contract).
        match unsafe { handle_ref(chunker) } {
            Ok(c) => static_str(c.chunker.field()),
            Err(_) => autosend_str::empty(),
        }
    })
}

/// Items per chunk (the schema's `maxItems`; 0 for NULL).
#[no_mangle]
pub unsafe extern "C" fn autosend_chunker_chunk_size(chunker: *const autosend_chunker) -> usize {
    ffi_boundary!(0, {
        // SAFETY: `chunker` is NULL or a live handle (contract).
        unsafe { handle_ref(chunker) }
            .map(|c| c.chunker.chunk_size())
            .unwrap_or(0)
    })
}

/// Number of chunks (0 for NULL).
#[no_mangle]
pub unsafe extern "C" fn autosend_chunker_chunk_count(chunker: *const autosend_chunker) -> usize {
    ffi_boundary!(0, {
        // SAFETY: `chunker` is NULL or a live handle (contract).
        unsafe { handle_ref(chunker) }
            .map(|c| c.chunker.chunks())
            .unwrap_or(0)
    })
}

/// Progress so far (all zero for NULL).
#[no_mangle]
pub unsafe extern "C" fn autosend_chunker_progress(
    chunker: *const autosend_chunker,
) -> autosend_progress {
    let zero = autosend_progress {
        chunks_done: 0,
        chunks_total: 0,
        items_done: 0,
        items_total: 0,
    };
    ffi_boundary!(zero, {
        // SAFETY: `chunker` is NULL or a live handle (contract).
        unsafe { handle_ref(chunker) }
            .map(|c| autosend_progress::from(&c.chunker.progress()))
            .unwrap_or(zero)
    })
}

/// The report so far (a chunk handed out but never recorded counts as
/// `may_have_been_delivered`). `*report_out` gets a report to free with
/// `autosend_report_free`.
#[no_mangle]
pub unsafe extern "C" fn autosend_chunker_report(
    chunker: *const autosend_chunker,
    report_out: *mut *mut autosend_report,
) -> autosend_result {
    ffi_result!({
        // SAFETY: `chunker` is NULL or a live handle (contract).
        let c = unsafe { handle_ref(chunker) }?;
        need_out(report_out)?;
        let h = to_handle(autosend_report::new(c.chunker.report()));
        // SAFETY: checked non-null; writable by contract.
        unsafe { write_out(report_out, h) }
    })
}

/// Frees a chunker. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn autosend_chunker_free(chunker: *mut autosend_chunker) {
    ffi_boundary!((), {
        // SAFETY: NULL or a handle from this library, not yet freed (contract).
        unsafe { free_handle(chunker) }
    })
}

/// The report as JSON: `{endpoint, field, chunk_size, items_total, chunks_total,
/// all_accepted, stopped, retry_safe, counts: {accepted, refused, may_have_been_delivered,
/// not_attempted}, chunks: [{index, start, end, items, status, data?, error?}], items:
/// [{index, chunk, status, error?}]}` — every item exactly once, in order. Borrowed from the
/// report; empty for NULL.
#[no_mangle]
pub unsafe extern "C" fn autosend_report_json(report: *const autosend_report) -> autosend_str {
    ffi_boundary!(autosend_str::empty(), {
        // SAFETY: `report` is NULL or a live handle (contract).
        match unsafe { handle_ref(report) } {
            Ok(r) => r.json.as_str(),
            Err(_) => autosend_str::empty(),
        }
    })
}

/// How many items ended with `status` (an `autosend_item_status`); 0 for NULL or an unknown
/// status.
#[no_mangle]
pub unsafe extern "C" fn autosend_report_count(
    report: *const autosend_report,
    status: u32,
) -> usize {
    ffi_boundary!(0, {
        // SAFETY: `report` is NULL or a live handle (contract).
        match (
            unsafe { handle_ref(report) },
            autosend_item_status::from_u32(status),
        ) {
            (Ok(r), Some(s)) => r.report.count(&s.core()),
            _ => 0,
        }
    })
}

/// The status (`autosend_item_status`) of item `index` (0-based, in the caller's list); 0
/// when out of range or for NULL.
#[no_mangle]
pub unsafe extern "C" fn autosend_report_item_status(
    report: *const autosend_report,
    index: usize,
) -> u32 {
    ffi_boundary!(0, {
        // SAFETY: `report` is NULL or a live handle (contract).
        match unsafe { handle_ref(report) } {
            Ok(r) => r
                .report
                .item_status(index)
                .map(autosend_item_status::of)
                .unwrap_or(0),
            Err(_) => 0,
        }
    })
}

/// Number of items (0 for NULL).
#[no_mangle]
pub unsafe extern "C" fn autosend_report_items_total(report: *const autosend_report) -> usize {
    ffi_boundary!(0, {
        // SAFETY: `report` is NULL or a live handle (contract).
        unsafe { handle_ref(report) }
            .map(|r| r.report.items_total())
            .unwrap_or(0)
    })
}

/// True when every chunk was accepted (false for NULL).
#[no_mangle]
pub unsafe extern "C" fn autosend_report_all_accepted(report: *const autosend_report) -> bool {
    ffi_boundary!(false, {
        // SAFETY: `report` is NULL or a live handle (contract).
        unsafe { handle_ref(report) }
            .map(|r| r.report.all_accepted())
            .unwrap_or(false)
    })
}

/// True when the run stopped before the last chunk (false for NULL).
#[no_mangle]
pub unsafe extern "C" fn autosend_report_stopped(report: *const autosend_report) -> bool {
    ffi_boundary!(false, {
        // SAFETY: `report` is NULL or a live handle (contract).
        unsafe { handle_ref(report) }
            .map(|r| r.report.stopped)
            .unwrap_or(false)
    })
}

/// Frees a report. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn autosend_report_free(report: *mut autosend_report) {
    ffi_boundary!((), {
        // SAFETY: NULL or a handle from this library, not yet freed (contract).
        unsafe { free_handle(report) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_status_numbers_round_trip() {
        for s in [
            Status::Accepted,
            Status::Refused,
            Status::MayHaveBeenDelivered,
            Status::NotAttempted,
        ] {
            let n = autosend_item_status::of(&s);
            assert_eq!(autosend_item_status::from_u32(n).unwrap().core(), s);
        }
        assert!(autosend_item_status::from_u32(0).is_none());
    }

    #[test]
    fn static_names_are_nul_terminated() {
        let s = static_str("emails.bulk");
        assert_eq!(s.len, 11);
        // SAFETY: static_str gives len bytes followed by a NUL.
        let c = unsafe { std::ffi::CStr::from_ptr(s.data) };
        assert_eq!(c.to_str().unwrap(), "emails.bulk");
    }
}
