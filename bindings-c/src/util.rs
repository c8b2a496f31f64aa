//! Conversions at the boundary: (ptr, len) inputs, borrowed string outputs, handles.

use crate::{autosend_result, AUTOSEND_MAX_INPUT_LEN};
use std::collections::HashMap;
use std::ffi::{c_char, CStr, CString};
use std::sync::OnceLock;

/// A borrowed string owned by a library handle: `len` bytes at `data`, followed by a NUL
/// (so `data` is also a C string when the text has no inner NUL). Valid until that handle is
/// freed. An absent value is `{ "", 0 }`; `data` is never NULL.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct autosend_str {
    /// The bytes (UTF-8), NUL-terminated.
    pub data: *const c_char,
    /// The length in bytes, without the terminating NUL.
    pub len: usize,
}

impl autosend_str {
    pub(crate) fn empty() -> autosend_str {
        autosend_str {
            data: c"".as_ptr(),
            len: 0,
        }
    }
}

/// A header as two byte strings (input to the library). Names and values are UTF-8; a value
/// received from a server that is not UTF-8 is read lossily.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct autosend_header {
    /// Header name.
    pub name: *const u8,
    /// Length of `name` in bytes.
    pub name_len: usize,
    /// Header value.
    pub value: *const u8,
    /// Length of `value` in bytes.
    pub value_len: usize,
}

/// Owned text with a trailing NUL, lent out as an [`autosend_str`].
#[derive(Debug, Clone, Default)]
pub(crate) struct ZStr(Vec<u8>);

impl ZStr {
    pub(crate) fn new(bytes: &[u8]) -> ZStr {
        let mut v = Vec::with_capacity(bytes.len() + 1);
        v.extend_from_slice(bytes);
        v.push(0);
        ZStr(v)
    }
    /// `None` allocates nothing (lent out as `{ "", 0 }` like an empty text).
    pub(crate) fn opt(s: Option<&str>) -> ZStr {
        s.map_or_else(ZStr::default, |s| ZStr::new(s.as_bytes()))
    }
    /// The text without its NUL.
    pub(crate) fn bytes(&self) -> &[u8] {
        match self.0.split_last() {
            Some((_, b)) => b,
            None => &[],
        }
    }
    pub(crate) fn as_str(&self) -> autosend_str {
        if self.0.is_empty() {
            return autosend_str::empty();
        }
        autosend_str {
            data: self.0.as_ptr().cast(),
            len: self.0.len() - 1,
        }
    }
}

/// A static NUL-terminated copy of a static name.
pub(crate) fn static_cstr(name: &'static str) -> &'static CStr {
    static TABLE: OnceLock<HashMap<&'static str, CString>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        autosend::ErrorKind::ALL
            .iter()
            .filter_map(|k| CString::new(k.name()).ok().map(|c| (k.name(), c)))
            .collect()
    });
    match table.get(name) {
        Some(c) => c.as_c_str(),
        None => c"unknown",
    }
}

/// Reads a required byte string.
///
/// # Safety
/// `ptr` must be NULL or valid for reads of `len` bytes.
pub(crate) unsafe fn bytes_in<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8], autosend_result> {
    if ptr.is_null() {
        return Err(autosend_result::AUTOSEND_RESULT_NULL_PARAMETER);
    }
    if len > AUTOSEND_MAX_INPUT_LEN {
        return Err(autosend_result::AUTOSEND_RESULT_INPUT_TOO_LARGE);
    }
    // SAFETY: non-null, the caller promises `len` readable bytes, and len <= 64 MiB < isize::MAX.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Reads an optional byte string: NULL with length 0 is the empty string.
///
/// # Safety
/// As [`bytes_in`].
pub(crate) unsafe fn bytes_in_opt<'a>(
    ptr: *const u8,
    len: usize,
) -> Result<&'a [u8], autosend_result> {
    if ptr.is_null() && len == 0 {
        return Ok(&[]);
    }
    // SAFETY: forwarded caller contract.
    unsafe { bytes_in(ptr, len) }
}

/// Reads a required UTF-8 string.
///
/// # Safety
/// As [`bytes_in`].
pub(crate) unsafe fn str_in<'a>(ptr: *const u8, len: usize) -> Result<&'a str, autosend_result> {
    // SAFETY: forwarded caller contract.
    let b = unsafe { bytes_in(ptr, len) }?;
    std::str::from_utf8(b).map_err(|_| autosend_result::AUTOSEND_RESULT_INVALID_UTF8)
}

/// Reads an array of headers. `lossy_values`: values that are not UTF-8 are read lossily
/// (server input) instead of refused.
///
/// # Safety
/// `headers` must be NULL (then `count` must be 0) or point to `count` valid headers whose
/// pointers satisfy [`bytes_in`].
pub(crate) unsafe fn headers_in(
    headers: *const autosend_header,
    count: usize,
    lossy_values: bool,
) -> Result<Vec<(String, String)>, autosend_result> {
    if headers.is_null() {
        if count == 0 {
            return Ok(Vec::new());
        }
        return Err(autosend_result::AUTOSEND_RESULT_NULL_PARAMETER);
    }
    if count > 100_000 {
        return Err(autosend_result::AUTOSEND_RESULT_INPUT_TOO_LARGE);
    }
    // SAFETY: non-null, the caller promises `count` readable headers; count is small.
    let list = unsafe { std::slice::from_raw_parts(headers, count) };
    let mut out = Vec::with_capacity(count);
    let mut total = 0usize;
    for h in list {
        total = total.saturating_add(h.name_len).saturating_add(h.value_len);
        if total > AUTOSEND_MAX_INPUT_LEN {
            return Err(autosend_result::AUTOSEND_RESULT_INPUT_TOO_LARGE);
        }
        // SAFETY: the caller promises each header's pointers are valid for their lengths.
        let name = unsafe { str_in(h.name, h.name_len) }?;
        let value = if lossy_values {
            // SAFETY: as above.
            String::from_utf8_lossy(unsafe { bytes_in_opt(h.value, h.value_len) }?).into_owned()
        } else {
            // SAFETY: as above.
            let b = unsafe { bytes_in_opt(h.value, h.value_len) }?;
            std::str::from_utf8(b)
                .map_err(|_| autosend_result::AUTOSEND_RESULT_INVALID_UTF8)?
                .to_string()
        };
        out.push((name.to_string(), value));
    }
    Ok(out)
}

/// Writes `value` through a required out-pointer.
///
/// # Safety
/// `out` must be NULL or valid for a write of `T`.
pub(crate) unsafe fn write_out<T>(out: *mut T, value: T) -> Result<(), autosend_result> {
    if out.is_null() {
        return Err(autosend_result::AUTOSEND_RESULT_NULL_PARAMETER);
    }
    // SAFETY: non-null and the caller promises it is writable.
    unsafe { out.write(value) };
    Ok(())
}

/// Checks a required out-pointer before any work is done.
pub(crate) fn need_out<T>(out: *mut T) -> Result<(), autosend_result> {
    if out.is_null() {
        Err(autosend_result::AUTOSEND_RESULT_NULL_PARAMETER)
    } else {
        Ok(())
    }
}

/// Moves a value to the heap and gives C the pointer.
pub(crate) fn to_handle<T>(v: T) -> *mut T {
    Box::into_raw(Box::new(v))
}

/// Borrows a handle.
///
/// # Safety
/// `p` must be NULL or a live handle of type `T` made by this library.
pub(crate) unsafe fn handle_ref<'a, T>(p: *const T) -> Result<&'a T, autosend_result> {
    // SAFETY: the caller promises `p` is NULL or a live handle.
    unsafe { p.as_ref() }.ok_or(autosend_result::AUTOSEND_RESULT_NULL_PARAMETER)
}

/// Borrows a handle mutably.
///
/// # Safety
/// `p` must be NULL or a live handle of type `T` made by this library, not in use elsewhere.
pub(crate) unsafe fn handle_mut<'a, T>(p: *mut T) -> Result<&'a mut T, autosend_result> {
    // SAFETY: the caller promises `p` is NULL or a live, exclusively used handle.
    unsafe { p.as_mut() }.ok_or(autosend_result::AUTOSEND_RESULT_NULL_PARAMETER)
}

/// Frees a handle made by [`to_handle`]; NULL is ignored.
///
/// # Safety
/// `p` must be NULL or a handle made by this library and not yet freed.
pub(crate) unsafe fn free_handle<T>(p: *mut T) {
    if !p.is_null() {
        // SAFETY: made by Box::into_raw in to_handle and not freed before (caller contract).
        drop(unsafe { Box::from_raw(p) });
    }
}
