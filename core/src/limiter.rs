//! Per-key rate-limit accounting: sliding windows that are never exceeded.
//!
//! AutoSend allows 2 requests per second and 50 per minute per API key. The limiter keeps the
//! times of the most recent grants in a ring buffer (as many as the largest window allows), so
//! each decision is O(1): the n-th most recent grant tells when a window of n frees a slot.
//! Server feedback (a 429's wait, `X-RateLimit-Remaining: 0`) only ever tightens it.

use crate::error::{Error, ErrorKind};
use crate::key::ApiKey;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock, Weak};

/// Longest wait that server feedback may impose (10 minutes); longer values are clamped so
/// a bad header cannot stall a process forever.
pub const MAX_FEEDBACK_WAIT_MS: u64 = 600_000;

/// Extra width given to every window by the process-wide limiters that real clients use
/// ([`shared_limiter`]). The client measures a request when it leaves and the server when it
/// arrives; without a guard, a request that travels faster than the one before it (a reused
/// connection after a TLS handshake, say) lands inside the server's window and earns a 429.
/// 50 ms costs under 1% of throughput at 2/s and 50/min.
pub const DEFAULT_GUARD_MS: u64 = 50;

/// The limits of one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RateLimits {
    /// Requests allowed in any 1000 ms window.
    pub per_second: u32,
    /// Requests allowed in any 60 000 ms window.
    pub per_minute: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            per_second: 2,
            per_minute: 50,
        }
    }
}

impl RateLimits {
    /// Checks that both limits are at least 1 and plausible.
    pub fn validate(&self) -> Result<(), Error> {
        if self.per_second == 0 || self.per_minute == 0 {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                "rate limits must be at least 1 per second and 1 per minute",
            ));
        }
        if self.per_second > 100_000 || self.per_minute > 1_000_000 {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                "rate limits are implausibly large",
            ));
        }
        Ok(())
    }

    fn windows(&self) -> [(usize, u64); 2] {
        [
            (self.per_second as usize, 1_000),
            (self.per_minute as usize, 60_000),
        ]
    }

    fn capacity(&self) -> usize {
        self.per_second.max(self.per_minute) as usize
    }
}

/// The limiter's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acquire {
    /// A slot was taken: send now.
    Go,
    /// No slot before this many ms from now.
    Wait(u64),
}

/// Sliding-window accounting for one key. Time is monotonic milliseconds passed in.
#[derive(Debug, Clone)]
pub struct RateLimiter {
    limits: RateLimits,
    guard_ms: u64,
    grants: VecDeque<u64>,
    blocked_until: u64,
    last_now: u64,
}

impl RateLimiter {
    /// A limiter with `limits` and no history.
    pub fn new(limits: RateLimits) -> Self {
        RateLimiter::with_guard(limits, 0)
    }

    /// A limiter whose windows are `guard_ms` wider than the limits say (see
    /// [`DEFAULT_GUARD_MS`]).
    pub fn with_guard(limits: RateLimits, guard_ms: u64) -> Self {
        RateLimiter {
            limits,
            guard_ms,
            grants: VecDeque::with_capacity(limits.capacity()),
            blocked_until: 0,
            last_now: 0,
        }
    }

    /// The limits.
    pub fn limits(&self) -> RateLimits {
        self.limits
    }

    /// Tightens the limits to the smaller of the current and `other` (used when two clients
    /// of one key configure different limits).
    pub fn tighten(&mut self, other: RateLimits) {
        self.limits.per_second = self.limits.per_second.min(other.per_second);
        self.limits.per_minute = self.limits.per_minute.min(other.per_minute);
    }

    /// A clock that goes backwards is treated as if no time had passed: every recorded time
    /// moves back by the jump, so no window gains a slot from it.
    fn observe(&mut self, now: u64) {
        if now < self.last_now {
            let d = self.last_now - now;
            for g in self.grants.iter_mut() {
                *g = g.saturating_sub(d);
            }
            self.blocked_until = self.blocked_until.saturating_sub(d);
        }
        self.last_now = now;
    }

    /// The earliest time a request may go, without taking a slot.
    pub fn next_free(&mut self, now: u64) -> u64 {
        self.observe(now);
        let mut earliest = self.blocked_until;
        let n = self.grants.len();
        for (limit, period) in self.limits.windows() {
            if n >= limit {
                earliest = earliest.max(self.grants[n - limit] + period + self.guard_ms);
            }
        }
        earliest.max(now)
    }

    /// Takes a slot at `now`, or says how long to wait.
    pub fn acquire(&mut self, now: u64) -> Acquire {
        let at = self.next_free(now);
        if at > now {
            return Acquire::Wait(at - now);
        }
        if self.grants.len() >= self.limits.capacity() {
            self.grants.pop_front();
        }
        self.grants.push_back(now);
        Acquire::Go
    }

    /// The server asked for a pause of `wait_ms` (a 429's `retryAfter`, or a window reset).
    pub fn block_for(&mut self, now: u64, wait_ms: u64) {
        self.observe(now);
        let until = now.saturating_add(wait_ms.min(MAX_FEEDBACK_WAIT_MS));
        self.blocked_until = self.blocked_until.max(until);
    }
}

/// A limiter shared by every client of one key in the process.
pub type SharedLimiter = Arc<Mutex<RateLimiter>>;

fn registry() -> &'static Mutex<HashMap<String, Weak<Mutex<RateLimiter>>>> {
    static REGISTRY: OnceLock<Mutex<HashMap<String, Weak<Mutex<RateLimiter>>>>> = OnceLock::new();
    REGISTRY.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The process-wide budget of `key`: every client created with the same key gets the same
/// limiter (keyed by the key's fingerprint; if limits differ, the stricter ones apply).
pub fn shared_limiter(key: &ApiKey, limits: RateLimits) -> SharedLimiter {
    let mut map = registry().lock().unwrap_or_else(|p| p.into_inner());
    map.retain(|_, w| w.strong_count() > 0);
    let fp = key.fingerprint();
    if let Some(existing) = map.get(&fp).and_then(Weak::upgrade) {
        existing
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .tighten(limits);
        return existing;
    }
    let l = Arc::new(Mutex::new(RateLimiter::with_guard(
        limits,
        DEFAULT_GUARD_MS,
    )));
    map.insert(fp, Arc::downgrade(&l));
    l
}

/// A limiter of its own, with exact windows (for tests, simulations and callers that want no
/// sharing).
pub fn private_limiter(limits: RateLimits) -> SharedLimiter {
    Arc::new(Mutex::new(RateLimiter::new(limits)))
}

pub(crate) fn lock(l: &SharedLimiter) -> std::sync::MutexGuard<'_, RateLimiter> {
    l.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn two_per_second() {
        let mut l = RateLimiter::new(RateLimits::default());
        assert_eq!(l.acquire(0), Acquire::Go);
        assert_eq!(l.acquire(0), Acquire::Go);
        assert_eq!(l.acquire(0), Acquire::Wait(1000));
        assert_eq!(l.acquire(999), Acquire::Wait(1));
        assert_eq!(l.acquire(1000), Acquire::Go);
    }

    #[test]
    fn fifty_per_minute() {
        let mut l = RateLimiter::new(RateLimits::default());
        for i in 0..50u64 {
            assert_eq!(l.acquire(i * 500), Acquire::Go, "{i}");
        }
        // 50 grants at 0..24500; the 51st may go at 60000.
        assert_eq!(l.acquire(25_000), Acquire::Wait(35_000));
        assert_eq!(l.acquire(60_000), Acquire::Go);
    }

    #[test]
    fn backwards_clock_grants_nothing_extra() {
        let mut l = RateLimiter::new(RateLimits::default());
        assert_eq!(l.acquire(10_000), Acquire::Go);
        assert_eq!(l.acquire(10_000), Acquire::Go);
        assert_eq!(l.acquire(5_000), Acquire::Wait(1000));
        assert_eq!(l.acquire(6_000), Acquire::Go);
    }

    #[test]
    fn guard_widens_windows() {
        let mut l = RateLimiter::with_guard(RateLimits::default(), 50);
        assert_eq!(l.acquire(0), Acquire::Go);
        assert_eq!(l.acquire(0), Acquire::Go);
        assert_eq!(l.acquire(1000), Acquire::Wait(50));
        assert_eq!(l.acquire(1050), Acquire::Go);
    }

    #[test]
    fn feedback_blocks() {
        let mut l = RateLimiter::new(RateLimits::default());
        l.block_for(100, 30_000);
        assert_eq!(l.acquire(100), Acquire::Wait(30_000));
        l.block_for(100, u64::MAX);
        assert_eq!(l.acquire(100), Acquire::Wait(MAX_FEEDBACK_WAIT_MS));
    }

    #[test]
    fn shared_per_key() {
        let k = ApiKey::parse("AS_sharedlimitertest1").unwrap();
        let a = shared_limiter(&k, RateLimits::default());
        let b = shared_limiter(&k, RateLimits::default());
        assert!(Arc::ptr_eq(&a, &b));
        let other = shared_limiter(
            &ApiKey::parse("AS_sharedlimitertest2").unwrap(),
            RateLimits::default(),
        );
        assert!(!Arc::ptr_eq(&a, &other));
    }

    proptest! {
        /// Whatever the request times (including a clock that jumps back), no window of
        /// either size ever holds more grants than its limit, in the limiter's own timeline.
        #[test]
        fn never_exceeds_any_window(steps in proptest::collection::vec((0u64..3000, any::<bool>()), 1..400)) {
            let limits = RateLimits::default();
            let mut l = RateLimiter::new(limits);
            let mut now = 100_000u64;
            let mut granted: Vec<u64> = Vec::new();
            for (delta, back) in steps {
                if back && delta < 700 {
                    let d = delta.min(now);
                    now -= d;
                    for g in granted.iter_mut() { *g = g.saturating_sub(d); }
                } else {
                    now += delta;
                }
                match l.acquire(now) {
                    Acquire::Go => granted.push(now),
                    Acquire::Wait(w) => prop_assert!(w > 0),
                }
                for (limit, period) in [(2usize, 1000u64), (50, 60_000)] {
                    let n = granted.iter().filter(|&&g| g + period > now).count();
                    prop_assert!(n <= limit, "{n} grants in a {period} ms window");
                }
            }
        }
    }
}
