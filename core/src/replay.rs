//! Webhook replay de-duplication: remember what was accepted for a while and refuse it again.
//!
//! Why this exists: AutoSend signs only the body (`X-Webhook-Signature` is an HMAC of the raw
//! body). The timestamp and delivery-id headers are not signed, so a captured delivery can be
//! replayed with a fresh timestamp and a new delivery id and still verify: the timestamp
//! window does **not** stop replays. What an attacker cannot change without breaking the
//! signature is the body, so the guard's key is the SHA-256 of the verified body
//! ([`replay_key`]). AutoSend's own retries carry the same body, so they are de-duplicated
//! too (which is what a handler wants: process each event once).
//!
//! Limits, said plainly: a body is remembered for `ttl_ms` (explicit time, no clock inside);
//! after that it is accepted again. Memory is bounded by `capacity` entries (about 100 bytes
//! each); when full, the entry closest to expiry is dropped first, so the guarantee holds while
//! fewer than `capacity` deliveries arrive per `ttl_ms`. Several processes need a shared store:
//! implement [`ReplayStore`] (e.g. Redis `SET key 1 NX PX ttl`) and keep the same key.

use crate::error::Error;
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap};

/// Default memory: 24 hours.
pub const DEFAULT_REPLAY_TTL_MS: u64 = 24 * 60 * 60 * 1000;
/// Default bound on remembered deliveries.
pub const DEFAULT_REPLAY_CAPACITY: usize = 100_000;

/// The de-duplication key of a delivery: `sha256:` + hex SHA-256 of the raw (signed) body.
/// Stores shared between processes or languages use this same key.
pub fn replay_key(body: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(body)))
}

/// Where seen keys live. `insert_if_absent` records `key` until `expires_at_ms` and returns
/// `true` if it was not already present (unexpired) — atomically, for shared stores.
pub trait ReplayStore {
    /// Records `key` until `expires_at_ms`; `true` if it was new (or had expired).
    fn insert_if_absent(&mut self, key: &str, now_ms: u64, expires_at_ms: u64) -> bool;
}

/// The in-memory store: a map plus an expiry index, bounded by `capacity`.
#[derive(Debug, Clone)]
pub struct MemoryReplayStore {
    expiry: HashMap<String, u64>,
    by_time: BTreeSet<(u64, String)>,
    capacity: usize,
}

impl MemoryReplayStore {
    /// A store holding at most `capacity` keys (at least 1).
    pub fn new(capacity: usize) -> Self {
        MemoryReplayStore {
            expiry: HashMap::new(),
            by_time: BTreeSet::new(),
            capacity: capacity.max(1),
        }
    }

    /// How many keys are remembered.
    pub fn len(&self) -> usize {
        self.expiry.len()
    }

    /// True when nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.expiry.is_empty()
    }

    fn remove_first(&mut self) {
        if let Some(first) = self.by_time.pop_first() {
            self.expiry.remove(&first.1);
        }
    }
}

impl ReplayStore for MemoryReplayStore {
    fn insert_if_absent(&mut self, key: &str, now_ms: u64, expires_at_ms: u64) -> bool {
        // Forget what expired (amortised O(log n) per entry).
        while matches!(self.by_time.first(), Some((t, _)) if *t <= now_ms) {
            self.remove_first();
        }
        if self.expiry.contains_key(key) {
            return false;
        }
        while self.expiry.len() >= self.capacity {
            self.remove_first();
        }
        self.expiry.insert(key.to_string(), expires_at_ms);
        self.by_time.insert((expires_at_ms, key.to_string()));
        true
    }
}

/// Refuses a delivery whose body was already accepted within `ttl_ms`.
#[derive(Debug, Clone)]
pub struct ReplayGuard<S: ReplayStore = MemoryReplayStore> {
    store: S,
    ttl_ms: u64,
}

impl ReplayGuard<MemoryReplayStore> {
    /// An in-memory guard remembering each body for `ttl_ms`, at most `capacity` of them.
    /// `ttl_ms` must be positive.
    pub fn new(ttl_ms: u64, capacity: usize) -> Result<Self, Error> {
        Self::with_store(MemoryReplayStore::new(capacity), ttl_ms)
    }
}

impl Default for ReplayGuard<MemoryReplayStore> {
    fn default() -> Self {
        ReplayGuard {
            store: MemoryReplayStore::new(DEFAULT_REPLAY_CAPACITY),
            ttl_ms: DEFAULT_REPLAY_TTL_MS,
        }
    }
}

impl<S: ReplayStore> ReplayGuard<S> {
    /// A guard over any store (shared between processes, persistent, …).
    pub fn with_store(store: S, ttl_ms: u64) -> Result<Self, Error> {
        if ttl_ms == 0 {
            return Err(Error::validation(
                "ttl_ms",
                "must be a positive number of milliseconds (how long a delivery is remembered)",
            ));
        }
        Ok(ReplayGuard { store, ttl_ms })
    }

    /// `true` the first time this raw body is seen within the TTL (process it), `false` for a
    /// replay or a retry of a delivery already accepted (acknowledge it, do nothing).
    /// Call it after [`crate::webhook::verify`] succeeded, with the same raw body bytes.
    pub fn first_seen(&mut self, body: &[u8], now_ms: u64) -> bool {
        let key = replay_key(body);
        self.first_seen_key(&key, now_ms)
    }

    /// Like [`ReplayGuard::first_seen`] with a key of your own (e.g. [`replay_key`]).
    pub fn first_seen_key(&mut self, key: &str, now_ms: u64) -> bool {
        self.store
            .insert_if_absent(key, now_ms, now_ms.saturating_add(self.ttl_ms))
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replayed_body_is_refused_within_the_ttl() {
        let mut g = ReplayGuard::new(1000, 10).unwrap();
        assert!(g.first_seen(b"{\"a\":1}", 0));
        assert!(!g.first_seen(b"{\"a\":1}", 999), "replay within the TTL");
        assert!(g.first_seen(b"{\"a\":2}", 999), "another body");
        assert!(
            g.first_seen(b"{\"a\":1}", 1000),
            "after the TTL it is accepted again"
        );
        assert!(ReplayGuard::new(0, 10).is_err());
    }

    #[test]
    fn a_replay_with_a_rewritten_timestamp_verifies_but_is_refused() {
        use crate::webhook::{sign, verify, VerifyOptions};
        let body = br#"{"type":"email.sent","createdAt":"2026-01-01T00:00:00.000Z","data":{}}"#;
        let secret = "whsec_replay";
        let h = |ts: u64| {
            vec![
                ("x-webhook-signature".to_string(), sign(body, secret)),
                ("x-webhook-timestamp".to_string(), ts.to_string()),
            ]
        };
        let t0 = 1_767_225_600_000;
        let mut g = ReplayGuard::default();
        assert!(verify(body, &h(t0), secret, t0, &VerifyOptions::default()).is_ok());
        assert!(g.first_seen(body, t0));
        // An hour later, the captured body with a fresh timestamp: the signature still
        // matches (only the body is signed); the guard refuses it.
        let t1 = t0 + 3_600_000;
        assert!(verify(body, &h(t1), secret, t1, &VerifyOptions::default()).is_ok());
        assert!(!g.first_seen(body, t1));
    }

    #[test]
    fn memory_is_bounded() {
        let mut g = ReplayGuard::new(1_000_000, 3).unwrap();
        for i in 0..100u32 {
            assert!(g.first_seen(&i.to_le_bytes(), u64::from(i)));
            assert!(g.store().len() <= 3);
        }
        assert!(
            !g.first_seen(&99u32.to_le_bytes(), 100),
            "the newest are kept"
        );
    }

    proptest::proptest! {
        /// Against a model: never more than `capacity` remembered; a body is refused only if
        /// it was accepted less than `ttl` ago; with room to spare, every replay within the
        /// TTL is refused.
        #[test]
        fn matches_a_model(ops in proptest::collection::vec((0u8..6, 0u64..50), 1..200)) {
            let (ttl, cap) = (100u64, 8usize);
            let mut g = ReplayGuard::new(ttl, cap).unwrap();
            let mut accepted: std::collections::HashMap<u8, u64> = Default::default();
            let mut now = 0u64;
            for (body, dt) in ops {
                now += dt;
                let first = g.first_seen(&[body], now);
                let live = accepted.get(&body).is_some_and(|t| now < t + ttl);
                if !first {
                    proptest::prop_assert!(live, "refused a body not accepted within the TTL");
                } else {
                    // 6 distinct bodies < capacity 8: nothing is evicted early.
                    proptest::prop_assert!(!live, "accepted a replay within the TTL");
                    accepted.insert(body, now);
                }
                proptest::prop_assert!(g.store().len() <= cap);
            }
        }
    }

    #[test]
    fn key_is_the_body_digest() {
        assert_eq!(
            replay_key(b""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
