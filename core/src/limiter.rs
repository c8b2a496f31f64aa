//! Per-key rate-limit accounting: sliding windows that are never exceeded.
//!
//! AutoSend allows 2 requests per second and 50 per minute per API key. The limiter keeps the
//! times of the most recent grants in a ring buffer (as many as the largest window allows), so
//! each decision is O(1): the n-th most recent grant tells when a window of n frees a slot.
//! Server feedback (a 429's wait, `X-RateLimit-Remaining: 0`) only ever tightens it.

use crate::error::{Error, ErrorKind};
use crate::key::ApiKey;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};

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

/// Registry entries kept before idle ones are pruned.
const REGISTRY_PRUNE_AT: usize = 256;

fn registry() -> &'static Mutex<HashMap<String, SharedLimiter>> {
    static REGISTRY: OnceLock<Mutex<HashMap<String, SharedLimiter>>> = OnceLock::new();
    REGISTRY.get_or_init(|| Mutex::new(HashMap::new()))
}

impl RateLimiter {
    /// The last time this limiter still constrains anything: its newest grant plus the longest
    /// window, or the end of a server-imposed block.
    fn busy_until(&self) -> u64 {
        let last = self.grants.back().copied().unwrap_or(0);
        last.saturating_add(60_000 + self.guard_ms)
            .max(self.blocked_until)
    }
}

/// The process-wide budget of `key`: every client created with the same key gets the same
/// limiter (keyed by the key's fingerprint; if limits differ, the stricter ones apply).
///
/// The budget outlives the clients: a client created right after another one of the same key
/// was dropped (a client per request, say) still sees the earlier requests. Entries are
/// pruned only once the registry is large, and only when no client holds them and their
/// windows have passed (times of all process-wide limiters come from one clock).
pub fn shared_limiter(key: &ApiKey, limits: RateLimits) -> SharedLimiter {
    let mut map = registry().lock().unwrap_or_else(|p| p.into_inner());
    let fp = key.fingerprint();
    if let Some(existing) = map.get(&fp) {
        lock(existing).tighten(limits);
        return existing.clone();
    }
    if map.len() >= REGISTRY_PRUNE_AT {
        let now = map.values().map(|l| lock(l).last_now).max().unwrap_or(0);
        map.retain(|_, l| Arc::strong_count(l) > 1 || lock(l).busy_until() > now);
    }
    let l = Arc::new(Mutex::new(RateLimiter::with_guard(
        limits,
        DEFAULT_GUARD_MS,
    )));
    map.insert(fp, l.clone());
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

    #[test]
    fn budget_outlives_its_clients() {
        let k = ApiKey::parse("AS_outlivestest1").unwrap();
        {
            let a = shared_limiter(&k, RateLimits::default());
            assert_eq!(lock(&a).acquire(1_000), Acquire::Go);
            assert_eq!(lock(&a).acquire(1_000), Acquire::Go);
        } // every client of the key is gone
        let b = shared_limiter(&k, RateLimits::default());
        assert_eq!(lock(&b).acquire(1_010), Acquire::Wait(1_040));
    }

    #[test]
    fn idle_entries_are_pruned_only_when_large_and_past_their_windows() {
        let keys: Vec<ApiKey> = (0..REGISTRY_PRUNE_AT + 8)
            .map(|i| ApiKey::parse(&format!("AS_prunetest{i}")).unwrap())
            .collect();
        let held = shared_limiter(&keys[0], RateLimits::default());
        lock(&held).acquire(1);
        for k in &keys[1..] {
            lock(&shared_limiter(k, RateLimits::default())).acquire(1);
        }
        // Far later, one more key: idle entries go, the held one stays and keeps its history.
        let late = ApiKey::parse("AS_prunetestlate").unwrap();
        lock(&shared_limiter(&late, RateLimits::default())).acquire(10_000_000);
        let later = ApiKey::parse("AS_prunetestlater").unwrap();
        shared_limiter(&later, RateLimits::default());
        let again = shared_limiter(&keys[0], RateLimits::default());
        assert!(Arc::ptr_eq(&held, &again));
        let map = registry().lock().unwrap();
        assert!(map.len() < REGISTRY_PRUNE_AT + 8, "{}", map.len());
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
