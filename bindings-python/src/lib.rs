//! `autosend._native`: the Rust half of the Python package. Types are converted here, every
//! rule runs in the `autosend` core, I/O runs in `autosend-http` with the GIL released.

mod bridge;
mod client;
mod convert;
mod errors;
mod events;
mod exit;
mod hook;
mod paging;
mod replay;
mod runtime;
mod sansio;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("CORE_VERSION", autosend::VERSION)?;
    // The core's defaults and environment variable names, so Python never copies them.
    m.add("DEFAULT_TIMEOUT_MS", autosend::DEFAULT_TIMEOUT_MS)?;
    m.add("DEFAULT_MAX_RETRIES", autosend::DEFAULT_MAX_RETRIES)?;
    m.add("DEFAULT_DEADLINE_MS", autosend::DEFAULT_DEADLINE_MS)?;
    m.add("MAX_RESPONSE_BYTES", autosend::MAX_RESPONSE_BYTES)?;
    m.add("MAX_CA_FILE_BYTES", autosend::MAX_CA_FILE_BYTES)?;
    m.add("DEFAULT_BASE_URL", autosend::DEFAULT_BASE_URL)?;
    m.add(
        "ENV_NAMES",
        (
            autosend::ENV_API_KEY,
            autosend::ENV_ACCOUNT_API_KEY,
            autosend::ENV_PROJECT_ID,
            autosend::ENV_BASE_URL,
            autosend::ENV_REDIS_URL,
        ),
    )?;
    // The bulk endpoints the core can split into chunks (and the item fields).
    m.add(
        "CHUNKED",
        autosend::chunk::CHUNKED
            .iter()
            .map(|(id, fields)| (*id, fields.to_vec()))
            .collect::<Vec<_>>(),
    )?;
    // The failure kinds a transport reports (`TransportErrorKind`): the core's error kinds
    // whose names it parses as one, so `autosend._transport` types no list.
    m.add(
        "TRANSPORT_ERROR_KINDS",
        autosend::ErrorKind::ALL
            .iter()
            .map(|k| k.name())
            .filter(|n| autosend::TransportErrorKind::from_name(n).is_some())
            .collect::<Vec<_>>(),
    )?;
    m.add_class::<client::Client>()?;
    m.add_class::<client::AsyncClient>()?;
    m.add_class::<sansio::SansIoClient>()?;
    m.add_class::<sansio::Call>()?;
    m.add_class::<sansio::RateLimiter>()?;
    m.add_class::<paging::Pager>()?;
    m.add_class::<paging::Chunker>()?;
    m.add_class::<replay::ReplayGuard>()?;
    m.add_function(wrap_pyfunction!(replay::webhook_replay_key, m)?)?;
    m.add(
        "REPLAY_DEFAULT_TTL_MS",
        autosend::replay::DEFAULT_REPLAY_TTL_MS,
    )?;
    m.add(
        "REPLAY_DEFAULT_CAPACITY",
        autosend::replay::DEFAULT_REPLAY_CAPACITY,
    )?;
    m.add_function(wrap_pyfunction!(sansio::parse_key, m)?)?;
    m.add_function(wrap_pyfunction!(sansio::seconds_to_ms, m)?)?;
    m.add_function(wrap_pyfunction!(sansio::describe_catalog, m)?)?;
    m.add_function(wrap_pyfunction!(sansio::error_kinds, m)?)?;
    m.add_function(wrap_pyfunction!(sansio::local_error, m)?)?;
    m.add_function(wrap_pyfunction!(sansio::verify_webhook, m)?)?;
    m.add_function(wrap_pyfunction!(sansio::sign_webhook, m)?)?;
    m.add_function(wrap_pyfunction!(sansio::read_ca_file, m)?)?;
    m.add_function(wrap_pyfunction!(sansio::to_json_text, m)?)?;
    m.add_function(wrap_pyfunction!(sansio::_debug_panic, m)?)?;
    // Registered with `atexit` by the package (autosend/_exit.py).
    m.add_function(wrap_pyfunction!(exit::at_exit, m)?)?;
    Ok(())
}
