//! Webhook replay de-duplication (`autosend::replay`): the in-memory guard and the shared key.

use crate::errors::{check, guard};
use autosend::{replay_key, MemoryReplayStore, ReplayGuard as CoreGuard};
use pyo3::prelude::*;
use std::sync::Mutex;

/// The core's in-memory replay guard (thread-safe).
#[pyclass(frozen, module = "autosend._native")]
pub struct ReplayGuard {
    inner: Mutex<CoreGuard<MemoryReplayStore>>,
}

#[pymethods]
impl ReplayGuard {
    #[new]
    fn new(py: Python<'_>, ttl_ms: u64, capacity: usize) -> PyResult<Self> {
        guard(py, || {
            let g = check(py, CoreGuard::new(ttl_ms, capacity))?;
            Ok(ReplayGuard {
                inner: Mutex::new(g),
            })
        })
    }

    /// True the first time `body` is seen within the TTL; false for a replay.
    fn first_seen(&self, py: Python<'_>, body: &[u8], now_ms: u64) -> PyResult<bool> {
        guard(py, || {
            let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
            Ok(g.first_seen(body, now_ms))
        })
    }

    /// How many deliveries are remembered.
    fn __len__(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .store()
            .len()
    }
}

/// The de-duplication key of a raw body (`sha256:<hex>`), for stores of your own.
#[pyfunction]
pub fn webhook_replay_key(body: &[u8]) -> String {
    replay_key(body)
}
