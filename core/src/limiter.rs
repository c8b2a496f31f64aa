//! Per-key rate-limit accounting that the server's sliding windows never see exceeded.
//!
//! AutoSend allows 2 requests per second and 50 per minute per API key, counted when a request
//! ARRIVES. The client only knows when it GRANTED a request and when its ANSWER came back; the
//! arrival lies in between (a request that must first open a TCP+TLS connection arrives later
//! than one granted after it on a warm connection). So every grant is a record:
//!
//! * in flight (`acquire` returned [`Acquire::Go`]): its arrival may still lie in the future, so
//!   it occupies a slot of every window and does not start freeing one;
//! * settled ([`RateLimiter::settle`], at the answer of any status, a timeout or a lost
//!   connection): it arrived at the latest then (`arrived_by`);
//! * refunded ([`RateLimiter::refund`], a 429 — the server did not count it — or a connect error
//!   — nothing was sent): the record goes.
//!
//! `acquire(now)` grants when, for each window of `n` per `P` ms, fewer than `n` records are
//! in flight or settled with `arrived_by + P + guard > now`, and no server-imposed block runs. A
//! new request arrives no earlier than its grant, so the server never sees more than `n` in any
//! `P` window, whatever the connection set-up latency. Settled times only grow (the limiter's
//! timeline is monotonic), so the settled records are a sorted ring buffer and each decision is
//! O(1) plus the (few) records in flight. Server feedback (a 429's wait, `X-RateLimit-Remaining:
//! 0` with its reset) only ever tightens it.
//!
//! **Clock identity.** A store is bound to one clock ([`ClockId`]); the process-wide registry
//! ([`shared_limiter`]) keys stores by (clock, base URL, key fingerprint). The blocking/async
//! clients of every binding feed [`ClockId::PROCESS`]; a sans-IO caller with a clock of its own
//! gets its own store, so its times can never corrupt their budget.

use crate::error::{Error, ErrorKind};
use crate::key::ApiKey;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};

/// Longest wait that server feedback may impose (10 minutes); longer values are clamped so
/// a bad header cannot stall a process forever.
pub const MAX_FEEDBACK_WAIT_MS: u64 = 600_000;

/// Extra width given to every window by the process-wide limiters that real clients use
/// ([`shared_limiter`]). Arrival is bounded by the answer's time, so the guard only covers
/// what the bound cannot: clocks read in whole milliseconds and the rate of the server's clock.
/// 25 ms costs about 0.6% of throughput at 2/s and 50/min.
pub const DEFAULT_GUARD_MS: u64 = 25;

/// A record still in flight this long after its grant is treated as settled then: a binding
/// that lost a call (never settled, refunded or dropped) cannot take a slot forever.
pub const MAX_IN_FLIGHT_MS: u64 = 15 * 60_000;

/// A time this far behind the latest one the limiter saw is a clock jump (the caller's clock
/// was set back): the limiter's timeline resumes from where it was, as if no time had passed.
/// A smaller step back is a stale reading (a thread that read the clock, then waited for the
/// lock): the limiter uses its latest time instead, which is later and so safe.
///
/// The reading that reveals a jump may itself be stale, so mapping it to the latest time would
/// put the new timeline ahead of real time by that staleness (slots would free that much too
/// early). On a jump every settled record and a running block are therefore moved
/// [`ABANDON_MARGIN_MS`] later: the same bound on a reading's staleness that dropped calls use.
pub const CLOCK_JUMP_MS: u64 = 60_000;

/// How much later than the latest reading a dropped call's request may have arrived. The
/// limiter learns of a drop without a time ([`RateLimiter::abandon`]); the reading it sees
/// next (or the one the grant was recorded with) may have been taken before the request left
/// by a thread that then waited, so the record is settled this much after it.
pub const ABANDON_MARGIN_MS: u64 = 250;

/// The limits of one key: `per_second` requests in any `second_ms` window and `per_minute`
/// in any `minute_ms` window.
///
/// The window lengths are the API's (1000 ms and 60 000 ms); change them only to match a
/// sandbox started with `--time-scale N` (e.g. `second_ms = 100`, `minute_ms = 6000` for
/// N = 10), so a test runs N times faster with the same request counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RateLimits {
    /// Requests allowed in any `second_ms` window (default 2).
    pub per_second: u32,
    /// Requests allowed in any `minute_ms` window (default 50).
    pub per_minute: u32,
    /// Length of the short window in ms (default 1000).
    pub second_ms: u64,
    /// Length of the long window in ms (default 60 000).
    pub minute_ms: u64,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            per_second: 2,
            per_minute: 50,
            second_ms: 1_000,
            minute_ms: 60_000,
        }
    }
}

/// How a binding spells the rate-limit option names (see [`RateLimits::from_json`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameStyle {
    /// `per_second`, `per_minute`, `second_ms`, `minute_ms` (Rust, Python, C).
    Snake,
    /// `perSecond`, `perMinute`, `secondMs`, `minuteMs` (JavaScript).
    Camel,
}

/// Largest window length accepted (one hour).
pub const MAX_WINDOW_MS: u64 = 3_600_000;

impl RateLimits {
    fn field_names(style: NameStyle) -> [&'static str; 4] {
        match style {
            NameStyle::Snake => ["per_second", "per_minute", "second_ms", "minute_ms"],
            NameStyle::Camel => ["perSecond", "perMinute", "secondMs", "minuteMs"],
        }
    }

    /// Checks that both limits are at least 1 and plausible and that the windows are ordered
    /// (`0 < second_ms <= minute_ms <= 1 h`). Errors name the field (snake-case names).
    pub fn validate(&self) -> Result<(), Error> {
        self.validate_named(NameStyle::Snake, "rate_limits")
    }

    /// [`RateLimits::validate`], naming fields as `prefix.<name in style>`.
    pub fn validate_named(&self, style: NameStyle, prefix: &str) -> Result<(), Error> {
        let [ps, pm, sm, mm] = Self::field_names(style);
        let bad = |name: &str, what: &str| {
            let field = format!("{prefix}.{name}");
            Error::new(ErrorKind::InvalidConfig, format!("{field} {what}")).with_field(field)
        };
        if self.per_second == 0 {
            return Err(bad(ps, "must be at least 1"));
        }
        if self.per_minute == 0 {
            return Err(bad(pm, "must be at least 1"));
        }
        if self.per_second > 100_000 {
            return Err(bad(ps, "is implausibly large (at most 100000)"));
        }
        if self.per_minute > 1_000_000 {
            return Err(bad(pm, "is implausibly large (at most 1000000)"));
        }
        if self.second_ms == 0 {
            return Err(bad(sm, "must be at least 1 (ms)"));
        }
        if self.minute_ms < self.second_ms {
            return Err(bad(
                mm,
                &format!("must be at least {sm} ({} ms)", self.second_ms),
            ));
        }
        if self.minute_ms > MAX_WINDOW_MS {
            return Err(bad(mm, "must be at most 3600000 (one hour)"));
        }
        Ok(())
    }

    /// Reads limits from a JSON object such as `{"per_second": 2, "second_ms": 100}` (names in
    /// `style`); missing or `null` members keep their defaults. Unknown members, non-integers
    /// and invalid values are refused with an error naming `prefix.<member>`.
    pub fn from_json(
        v: &serde_json::Value,
        style: NameStyle,
        prefix: &str,
    ) -> Result<RateLimits, Error> {
        let names = Self::field_names(style);
        let serde_json::Value::Object(o) = v else {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                format!(
                    "{prefix} must be an object with {}, {}, {}, {} (whole numbers)",
                    names[0], names[1], names[2], names[3]
                ),
            )
            .with_field(prefix));
        };
        let mut out = RateLimits::default();
        for (k, val) in o {
            let Some(i) = names.iter().position(|n| n == k) else {
                let field = format!("{prefix}.{k}");
                return Err(Error::new(
                    ErrorKind::InvalidConfig,
                    format!(
                        "{field} is not a rate-limit option; use {}, {}, {} or {}",
                        names[0], names[1], names[2], names[3]
                    ),
                )
                .with_field(field));
            };
            if val.is_null() {
                continue;
            }
            let field = format!("{prefix}.{k}");
            let n = val.as_u64().ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidConfig,
                    format!("{field} must be a whole number from 1"),
                )
                .with_field(field.clone())
            })?;
            let as_u32 = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
            match i {
                0 => out.per_second = as_u32(n),
                1 => out.per_minute = as_u32(n),
                2 => out.second_ms = n,
                _ => out.minute_ms = n,
            }
        }
        out.validate_named(style, prefix)?;
        Ok(out)
    }

    fn windows(&self) -> [(usize, u64); 2] {
        [
            (self.per_second as usize, self.second_ms),
            (self.per_minute as usize, self.minute_ms),
        ]
    }

    fn capacity(&self) -> usize {
        self.per_second.max(self.per_minute) as usize
    }
}

/// The limiter's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acquire {
    /// A slot was taken: send now, then [`RateLimiter::settle`] or [`RateLimiter::refund`] this
    /// grant (ids are 1, 2, 3, … in the order of grants of one limiter).
    Go(u64),
    /// No slot before this many ms from now (a lower bound when requests are in flight: ask
    /// again then).
    Wait(u64),
}

/// Which clock a limiter's times come from. Two callers may share a store only if they feed it
/// the same clock: times of another clock would make records look older (slots free too early)
/// or newer (stalls).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClockId(pub u64);

impl ClockId {
    /// The process's monotonic clock that every I/O client feeds the core:
    /// `autosend_http::now_ms()` (Rust, Python, C, and `autosend_now_ms()` in C) and
    /// `performance.now()` of one JS isolate (one wasm instance has its own registry).
    pub const PROCESS: ClockId = ClockId(0);
    /// The clock of sans-IO callers that asked for a shared budget without saying which clock
    /// they use: they share a store among themselves, never with the I/O clients.
    pub const SANS_IO: ClockId = ClockId(1);
}

#[derive(Debug, Clone, Copy)]
struct InFlight {
    id: u64,
    granted_at: u64,
    /// The call was dropped while in flight: settled at the next time the limiter sees.
    abandoned: bool,
}

/// Arrival-aware sliding-window accounting for one key. Times are milliseconds of one
/// monotonic clock, passed in.
#[derive(Debug, Clone)]
pub struct RateLimiter {
    limits: RateLimits,
    guard_ms: u64,
    clock: ClockId,
    next_id: u64,
    in_flight: Vec<InFlight>,
    /// `arrived_by` of settled records, oldest first, never decreasing; at most `capacity`.
    settled: VecDeque<u64>,
    blocked_until: u64,
    /// Latest time seen, in the limiter's own timeline (caller's time + `offset`).
    last: u64,
    offset: u64,
}

impl RateLimiter {
    /// A limiter with `limits`, exact windows and no history (clock [`ClockId::SANS_IO`]).
    pub fn new(limits: RateLimits) -> Self {
        RateLimiter::with_guard(limits, 0)
    }

    /// A limiter whose windows are `guard_ms` wider than the limits say (see
    /// [`DEFAULT_GUARD_MS`]).
    pub fn with_guard(limits: RateLimits, guard_ms: u64) -> Self {
        RateLimiter {
            limits,
            guard_ms,
            clock: ClockId::SANS_IO,
            next_id: 1,
            in_flight: Vec::new(),
            settled: VecDeque::with_capacity(limits.capacity().min(4096)),
            blocked_until: 0,
            last: 0,
            offset: 0,
        }
    }

    /// The same limiter bound to `clock`.
    pub fn on_clock(mut self, clock: ClockId) -> Self {
        self.clock = clock;
        self
    }

    /// The clock this limiter's times come from.
    pub fn clock(&self) -> ClockId {
        self.clock
    }

    /// The limits.
    pub fn limits(&self) -> RateLimits {
        self.limits
    }

    /// Requests granted and not yet settled or refunded.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// Tightens the limits to the smaller counts and longer windows of the current and `other`
    /// (used when two clients of one key configure different limits).
    pub fn tighten(&mut self, other: RateLimits) {
        self.limits.per_second = self.limits.per_second.min(other.per_second);
        self.limits.per_minute = self.limits.per_minute.min(other.per_minute);
        self.limits.second_ms = self.limits.second_ms.max(other.second_ms);
        self.limits.minute_ms = self.limits.minute_ms.max(other.minute_ms);
    }

    /// Maps a caller's time into the limiter's monotonic timeline (see [`CLOCK_JUMP_MS`]) and
    /// settles abandoned or overdue records.
    fn observe(&mut self, now: u64) -> u64 {
        let t = now.saturating_add(self.offset);
        if t >= self.last {
            self.last = t;
        } else if self.last - t > CLOCK_JUMP_MS {
            self.offset = self.offset.saturating_add(self.last - t);
            // The reading may be stale: the new timeline may run ahead of real time by as much.
            for r in self.settled.iter_mut() {
                *r = r.saturating_add(ABANDON_MARGIN_MS);
            }
            if self.blocked_until > self.last {
                self.blocked_until = self.blocked_until.saturating_add(ABANDON_MARGIN_MS);
            }
        }
        let last = self.last;
        if self
            .in_flight
            .iter()
            .any(|r| r.abandoned || r.granted_at.saturating_add(MAX_IN_FLIGHT_MS) <= last)
        {
            let mut i = 0;
            while i < self.in_flight.len() {
                let r = self.in_flight[i];
                if r.abandoned || r.granted_at.saturating_add(MAX_IN_FLIGHT_MS) <= last {
                    self.in_flight.swap_remove(i);
                    // `last` is at least every settled time: the order holds.
                    let by = if r.abandoned {
                        last.saturating_add(ABANDON_MARGIN_MS)
                    } else {
                        last
                    };
                    self.push_settled(
                        by.min(r.granted_at.saturating_add(MAX_IN_FLIGHT_MS))
                            .max(self.settled.back().copied().unwrap_or(0)),
                    );
                } else {
                    i += 1;
                }
            }
        }
        last
    }

    fn push_settled(&mut self, arrived_by: u64) {
        if self.settled.len() >= self.limits.capacity() {
            self.settled.pop_front();
        }
        self.settled.push_back(arrived_by);
    }

    /// The earliest time (limiter timeline) a window allows a grant; a lower bound while
    /// records are in flight.
    fn earliest(&self, now: u64) -> u64 {
        let mut at = self.blocked_until.max(now);
        let k = self.in_flight.len();
        for (n, period) in self.limits.windows() {
            let width = period.saturating_add(self.guard_ms);
            if k >= n {
                // Every in-flight record arrives at `now` at the earliest.
                at = at.max(now.saturating_add(width));
            } else if self.settled.len() >= n - k {
                let nth = self.settled[self.settled.len() - (n - k)];
                at = at.max(nth.saturating_add(width));
            }
        }
        at
    }

    /// The earliest time (caller's clock) a request may go, without taking a slot. While
    /// requests are in flight this is a lower bound: ask again then.
    pub fn next_free(&mut self, now: u64) -> u64 {
        let t = self.observe(now);
        let wait = self.earliest(t) - t;
        now.saturating_add(wait)
    }

    /// Takes a slot at `now` ([`Acquire::Go`] with the grant's id), or says how long to wait.
    pub fn acquire(&mut self, now: u64) -> Acquire {
        let t = self.observe(now);
        let at = self.earliest(t);
        if at > t {
            return Acquire::Wait(at - t);
        }
        let id = self.next_id;
        self.next_id += 1;
        self.in_flight.push(InFlight {
            id,
            granted_at: t,
            abandoned: false,
        });
        Acquire::Go(id)
    }

    fn take(&mut self, grant: u64) -> Option<InFlight> {
        let i = self.in_flight.iter().position(|r| r.id == grant)?;
        Some(self.in_flight.swap_remove(i))
    }

    /// The answer to `grant` (any HTTP status), or its timeout or lost connection, came at
    /// `now`: the request arrived by then. Unknown or already settled grants are ignored.
    pub fn settle(&mut self, grant: u64, now: u64) {
        let t = self.observe(now);
        if let Some(r) = self.take(grant) {
            let last = self.settled.back().copied().unwrap_or(0);
            self.push_settled(t.max(r.granted_at).max(last));
        }
    }

    /// `grant` did not count: the server refused it (429) or nothing was sent (connect error).
    /// Its slot is free again. Unknown or already settled grants are ignored.
    pub fn refund(&mut self, grant: u64) {
        self.take(grant);
    }

    /// The call holding `grant` was dropped while its request may be in flight: it is settled
    /// at the next time the limiter sees plus [`ABANDON_MARGIN_MS`] (a binding without a clock
    /// at hand; that reading may be stale).
    pub fn abandon(&mut self, grant: u64) {
        if let Some(r) = self.in_flight.iter_mut().find(|r| r.id == grant) {
            r.abandoned = true;
        }
    }

    /// The server asked for a pause of `wait_ms` from `now` (a 429's wait, or a window reset).
    pub fn block_for(&mut self, now: u64, wait_ms: u64) {
        let t = self.observe(now);
        let until = t.saturating_add(wait_ms.min(MAX_FEEDBACK_WAIT_MS));
        self.blocked_until = self.blocked_until.max(until);
    }

    /// True when this limiter's own records already fill the long window at `now` (so an
    /// `X-RateLimit-Remaining: 0` tells nothing the records do not; see `Call`).
    pub fn minute_window_full(&mut self, now: u64) -> bool {
        let t = self.observe(now);
        let n = self.limits.per_minute as usize;
        let width = self.limits.minute_ms.saturating_add(self.guard_ms);
        let k = self.in_flight.len();
        k >= n
            || (self.settled.len() >= n - k
                && self.settled[self.settled.len() - (n - k)].saturating_add(width) > t)
    }

    /// The last time (limiter timeline) this limiter still constrains anything.
    fn busy_until(&self) -> u64 {
        if !self.in_flight.is_empty() {
            return u64::MAX;
        }
        let last = self.settled.back().copied().unwrap_or(0);
        last.saturating_add(self.limits.minute_ms + self.guard_ms)
            .max(self.blocked_until)
    }
}

/// A limiter shared by every client of one key, base URL and clock in the process.
pub type SharedLimiter = Arc<Mutex<RateLimiter>>;

/// Registry entries kept before idle ones are pruned.
const REGISTRY_PRUNE_AT: usize = 256;

type RegistryKey = (ClockId, String, String);

fn registry() -> &'static Mutex<HashMap<RegistryKey, SharedLimiter>> {
    static REGISTRY: OnceLock<Mutex<HashMap<RegistryKey, SharedLimiter>>> = OnceLock::new();
    REGISTRY.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The process-wide budget of `key` at `base_url` on `clock`: every client created with the
/// same three gets the same limiter (if limits differ, the stricter ones apply).
///
/// Keyed by base URL too, so a long block (a 429 asking for minutes) from one server does not
/// stop calls to another; keyed by clock, so a sans-IO caller's own clock cannot corrupt the
/// budget of the I/O clients (which all use [`ClockId::PROCESS`]).
///
/// The budget outlives the clients: a client created right after another one of the same key
/// was dropped (a client per request, say) still sees the earlier requests. Entries are
/// pruned only once the registry is large, and only when no client holds them, nothing is in
/// flight and their windows have passed.
pub fn shared_limiter(
    clock: ClockId,
    base_url: &str,
    key: &ApiKey,
    limits: RateLimits,
) -> SharedLimiter {
    let mut map = registry().lock().unwrap_or_else(|p| p.into_inner());
    let id = (clock, base_url.to_string(), key.fingerprint());
    if let Some(existing) = map.get(&id) {
        lock(existing).tighten(limits);
        return existing.clone();
    }
    if map.len() >= REGISTRY_PRUNE_AT {
        let mut latest: HashMap<ClockId, u64> = HashMap::new();
        for ((c, _, _), l) in map.iter() {
            let t = lock(l).last;
            let e = latest.entry(*c).or_insert(0);
            *e = (*e).max(t);
        }
        map.retain(|(c, _, _), l| {
            Arc::strong_count(l) > 1 || lock(l).busy_until() > latest.get(c).copied().unwrap_or(0)
        });
    }
    let l = Arc::new(Mutex::new(
        RateLimiter::with_guard(limits, DEFAULT_GUARD_MS).on_clock(clock),
    ));
    map.insert(id, l.clone());
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

    fn go(a: Acquire) -> u64 {
        match a {
            Acquire::Go(id) => id,
            w => panic!("expected a grant, got {w:?}"),
        }
    }

    /// A grant answered at once (the old model: arrival = grant).
    fn instant(l: &mut RateLimiter, now: u64) -> Acquire {
        let a = l.acquire(now);
        if let Acquire::Go(id) = a {
            l.settle(id, now);
        }
        a
    }

    #[test]
    fn two_per_second() {
        let mut l = RateLimiter::new(RateLimits::default());
        assert_eq!(instant(&mut l, 0), Acquire::Go(1));
        assert_eq!(instant(&mut l, 0), Acquire::Go(2));
        assert_eq!(instant(&mut l, 0), Acquire::Wait(1000));
        assert_eq!(instant(&mut l, 999), Acquire::Wait(1));
        assert_eq!(instant(&mut l, 1000), Acquire::Go(3));
    }

    #[test]
    fn fifty_per_minute() {
        let mut l = RateLimiter::new(RateLimits::default());
        for i in 0..50u64 {
            assert!(matches!(instant(&mut l, i * 500), Acquire::Go(_)), "{i}");
        }
        // 50 grants at 0..24500; the 51st may go at 60000.
        assert_eq!(instant(&mut l, 25_000), Acquire::Wait(35_000));
        assert!(matches!(instant(&mut l, 60_000), Acquire::Go(_)));
    }

    #[test]
    fn a_record_frees_its_slot_from_its_answer_not_its_grant() {
        // The issue's trace: the first request opens a connection and is answered at 360 ms;
        // the second goes at once on... and is answered at 380. The server may have counted
        // the first at 359: the third must wait for 360 + 1000, not 0 + 1000.
        let mut l = RateLimiter::new(RateLimits::default());
        let a = go(l.acquire(0));
        let b = go(l.acquire(0));
        assert_eq!(
            l.acquire(0),
            Acquire::Wait(1000),
            "lower bound while both fly"
        );
        l.settle(a, 360);
        // b in flight holds one slot; a's frees at 1360.
        assert_eq!(l.acquire(1000), Acquire::Wait(360));
        l.settle(b, 380);
        assert_eq!(l.acquire(1000), Acquire::Wait(360));
        assert_eq!(l.acquire(1359), Acquire::Wait(1));
        assert!(matches!(l.acquire(1360), Acquire::Go(3)));
    }

    #[test]
    fn in_flight_records_hold_their_slot() {
        let mut l = RateLimiter::new(RateLimits {
            per_second: 1,
            ..RateLimits::default()
        });
        let a = go(l.acquire(0));
        assert_eq!(l.in_flight(), 1);
        // Long after its grant it is still in flight: it may arrive now.
        assert_eq!(l.acquire(5_000), Acquire::Wait(1000));
        assert_eq!(l.next_free(5_000), 6_000);
        l.settle(a, 5_000);
        assert_eq!(l.in_flight(), 0);
        assert_eq!(l.acquire(5_999), Acquire::Wait(1));
        assert!(matches!(l.acquire(6_000), Acquire::Go(_)));
    }

    #[test]
    fn refunded_grants_do_not_count() {
        let mut l = RateLimiter::new(RateLimits::default());
        let a = go(l.acquire(0));
        let b = go(l.acquire(0));
        l.refund(a); // 429: the server did not count it
        l.settle(b, 10);
        assert!(matches!(l.acquire(10), Acquire::Go(3)));
        // Refund and settle of unknown or finished grants change nothing.
        l.refund(a);
        l.settle(a, 20);
        l.refund(99);
        assert_eq!(
            l.acquire(20),
            Acquire::Wait(990),
            "3 is in flight, b settled at 10"
        );
    }

    #[test]
    fn a_refused_attempt_does_not_cost_a_minute_slot() {
        let mut l = RateLimiter::new(RateLimits::default());
        let mut t = 0;
        for _ in 0..49 {
            loop {
                match l.acquire(t) {
                    Acquire::Go(id) => {
                        l.settle(id, t + 5);
                        break;
                    }
                    Acquire::Wait(w) => t += w,
                }
            }
        }
        // The 50th is refused (429) and refunded: a 50th still fits in the first minute.
        let refused = loop {
            match l.acquire(t) {
                Acquire::Go(id) => break id,
                Acquire::Wait(w) => t += w,
            }
        };
        l.refund(refused);
        let again = loop {
            match l.acquire(t) {
                Acquire::Go(id) => break id,
                Acquire::Wait(w) => t += w,
            }
        };
        l.settle(again, t + 5);
        assert!(t < 60_000, "{t}");
        assert!(matches!(l.acquire(t + 10), Acquire::Wait(_)));
    }

    #[test]
    fn abandoned_grants_settle_at_the_next_time_seen() {
        let mut l = RateLimiter::new(RateLimits {
            per_second: 1,
            ..RateLimits::default()
        });
        let a = go(l.acquire(0));
        l.abandon(a);
        assert_eq!(l.acquire(700), Acquire::Wait(1000 + ABANDON_MARGIN_MS));
        assert_eq!(l.in_flight(), 0);
        assert_eq!(l.acquire(1700), Acquire::Wait(ABANDON_MARGIN_MS));
        assert!(matches!(
            l.acquire(1700 + ABANDON_MARGIN_MS),
            Acquire::Go(_)
        ));
    }

    #[test]
    fn overdue_grants_are_settled_at_the_cap() {
        let mut l = RateLimiter::new(RateLimits {
            per_second: 1,
            ..RateLimits::default()
        });
        go(l.acquire(0));
        assert_eq!(l.acquire(MAX_IN_FLIGHT_MS - 1), Acquire::Wait(1000));
        assert_eq!(l.in_flight(), 1);
        assert_eq!(l.acquire(MAX_IN_FLIGHT_MS), Acquire::Wait(1000));
        assert_eq!(l.in_flight(), 0);
        assert!(matches!(l.acquire(MAX_IN_FLIGHT_MS + 1000), Acquire::Go(_)));
    }

    #[test]
    fn a_stale_reading_is_replaced_by_the_latest_time() {
        let mut l = RateLimiter::new(RateLimits::default());
        let a = go(l.acquire(10_000));
        let b = go(l.acquire(10_000));
        l.settle(a, 10_500);
        // A thread read 10_100 before the lock: its answer came after 10_500 for the limiter.
        l.settle(b, 10_100);
        assert_eq!(l.acquire(11_400), Acquire::Wait(100));
        assert!(matches!(l.acquire(11_500), Acquire::Go(_)));
    }

    #[test]
    fn backwards_clock_grants_nothing_extra() {
        let mut l = RateLimiter::new(RateLimits::default());
        assert!(matches!(instant(&mut l, 10_000), Acquire::Go(_)));
        assert!(matches!(instant(&mut l, 10_000), Acquire::Go(_)));
        // A small step back is a stale reading: the limiter stays at its latest time.
        assert_eq!(instant(&mut l, 9_000), Acquire::Wait(1000));
        assert_eq!(instant(&mut l, 10_999), Acquire::Wait(1));
        // A jump back of more than CLOCK_JUMP_MS: the timeline resumes where it was.
        let back = 10_000 + CLOCK_JUMP_MS + 5_000;
        let mut l = RateLimiter::new(RateLimits::default());
        assert!(matches!(instant(&mut l, back), Acquire::Go(_)));
        assert!(matches!(instant(&mut l, back), Acquire::Go(_)));
        // The reading that showed the jump may be stale: the records count ABANDON_MARGIN_MS
        // longer.
        assert_eq!(
            instant(&mut l, 5_000),
            Acquire::Wait(1000 + ABANDON_MARGIN_MS)
        );
        assert_eq!(instant(&mut l, 5_999), Acquire::Wait(1 + ABANDON_MARGIN_MS));
        assert!(matches!(
            instant(&mut l, 6_000 + ABANDON_MARGIN_MS),
            Acquire::Go(_)
        ));
    }

    #[test]
    fn a_pause_still_running_at_a_clock_jump_counts_the_margin_too() {
        let back = 10_000 + CLOCK_JUMP_MS + 5_000;
        // The server's pause runs 3 s past the latest time when a reading 70 s back shows the
        // jump: like the records, it counts ABANDON_MARGIN_MS longer.
        let mut l = RateLimiter::new(RateLimits::default());
        l.block_for(back, 3_000);
        assert_eq!(l.acquire(5_000), Acquire::Wait(3_000 + ABANDON_MARGIN_MS));
        assert_eq!(l.acquire(8_000), Acquire::Wait(ABANDON_MARGIN_MS));
        assert!(matches!(
            l.acquire(8_000 + ABANDON_MARGIN_MS),
            Acquire::Go(_)
        ));
        // A pause that ends at the latest time is over: the jump does not bring it back.
        let mut l = RateLimiter::new(RateLimits::default());
        l.block_for(back, 0);
        assert!(matches!(l.acquire(5_000), Acquire::Go(_)));
    }

    #[test]
    fn a_stale_reading_that_shows_a_jump_frees_no_slot_early() {
        // The proptest's case: two grants at real time 0 (caller clock 500 000), one answered
        // at once; the clock is set back 60 s and a 24 ms stale reading sees the jump. 984 ms
        // of real time later the one still in flight and the answered one may both lie in the
        // same second as a third grant.
        let mut l = RateLimiter::new(RateLimits::default());
        let a = go(l.acquire(500_000));
        go(l.acquire(500_000));
        l.settle(a, 500_000);
        assert!(matches!(l.acquire(440_000 - 24), Acquire::Wait(_)));
        assert!(matches!(l.acquire(440_984), Acquire::Wait(_)));
        // A full second after the answer, plus the margin, in real time: the slot is free.
        assert!(matches!(
            l.acquire(441_000 + ABANDON_MARGIN_MS - 24),
            Acquire::Go(_)
        ));
    }

    #[test]
    fn guard_widens_windows() {
        let mut l = RateLimiter::with_guard(RateLimits::default(), 50);
        assert!(matches!(instant(&mut l, 0), Acquire::Go(_)));
        assert!(matches!(instant(&mut l, 0), Acquire::Go(_)));
        assert_eq!(instant(&mut l, 1000), Acquire::Wait(50));
        assert!(matches!(instant(&mut l, 1050), Acquire::Go(_)));
    }

    #[test]
    fn scaled_windows() {
        let mut l = RateLimiter::new(RateLimits {
            second_ms: 100,
            minute_ms: 6_000,
            ..RateLimits::default()
        });
        assert!(matches!(instant(&mut l, 0), Acquire::Go(_)));
        assert!(matches!(instant(&mut l, 0), Acquire::Go(_)));
        assert_eq!(instant(&mut l, 0), Acquire::Wait(100));
        let mut t = 100;
        for _ in 2..50 {
            loop {
                match instant(&mut l, t) {
                    Acquire::Go(_) => break,
                    Acquire::Wait(w) => t += w,
                }
            }
        }
        assert_eq!(instant(&mut l, t), Acquire::Wait(6_000 - t));
    }

    #[test]
    fn feedback_blocks() {
        let mut l = RateLimiter::new(RateLimits::default());
        l.block_for(100, 30_000);
        assert_eq!(l.acquire(100), Acquire::Wait(30_000));
        l.block_for(100, 1_000);
        assert_eq!(
            l.acquire(100),
            Acquire::Wait(30_000),
            "feedback only tightens"
        );
        l.block_for(100, u64::MAX);
        assert_eq!(l.acquire(100), Acquire::Wait(MAX_FEEDBACK_WAIT_MS));
    }

    #[test]
    fn minute_window_full_follows_the_records() {
        let mut l = RateLimiter::new(RateLimits {
            per_minute: 3,
            per_second: 3,
            ..RateLimits::default()
        });
        assert!(!l.minute_window_full(0));
        let a = go(l.acquire(0));
        go(l.acquire(0));
        assert!(!l.minute_window_full(0));
        go(l.acquire(0));
        assert!(l.minute_window_full(0), "three in flight");
        l.settle(a, 10);
        assert!(l.minute_window_full(60_009));
        l.refund(2);
        assert!(!l.minute_window_full(60_010));
    }

    #[test]
    fn tighten_takes_smaller_counts_and_longer_windows() {
        let mut l = RateLimiter::new(RateLimits::default());
        l.tighten(RateLimits {
            per_second: 5,
            per_minute: 10,
            second_ms: 500,
            minute_ms: 90_000,
        });
        assert_eq!(
            l.limits(),
            RateLimits {
                per_second: 2,
                per_minute: 10,
                second_ms: 1000,
                minute_ms: 90_000,
            }
        );
    }

    #[test]
    fn limits_from_json_name_the_field() {
        use serde_json::json;
        let l = RateLimits::from_json(
            &json!({"perSecond": 3, "secondMs": 100, "minuteMs": 6000, "perMinute": null}),
            NameStyle::Camel,
            "rateLimits",
        )
        .unwrap();
        assert_eq!(
            l,
            RateLimits {
                per_second: 3,
                per_minute: 50,
                second_ms: 100,
                minute_ms: 6000
            }
        );
        let err = |v: serde_json::Value| {
            RateLimits::from_json(&v, NameStyle::Snake, "rate_limits").unwrap_err()
        };
        for (v, field) in [
            (json!({"per_second": 0}), "rate_limits.per_second"),
            (json!({"per_minute": 0}), "rate_limits.per_minute"),
            (json!({"per_second": 100_001}), "rate_limits.per_second"),
            (json!({"per_minute": 1_000_001}), "rate_limits.per_minute"),
            (json!({"second_ms": 0}), "rate_limits.second_ms"),
            (json!({"second_ms": 1.5}), "rate_limits.second_ms"),
            (json!({"second_ms": -1}), "rate_limits.second_ms"),
            (json!({"second_ms": "100"}), "rate_limits.second_ms"),
            (json!({"second_ms": 70_000}), "rate_limits.minute_ms"),
            (json!({"minute_ms": 3_600_001}), "rate_limits.minute_ms"),
            (json!({"perSecond": 2}), "rate_limits.perSecond"),
            (json!([1, 2]), "rate_limits"),
        ] {
            let e = err(v.clone());
            assert_eq!(e.kind(), ErrorKind::InvalidConfig, "{v}");
            assert_eq!(e.field(), Some(field), "{v}: {}", e.message());
            assert!(e.message().starts_with(field), "{}", e.message());
        }
        assert!(
            RateLimits::from_json(&json!({"minute_ms": 3_600_000}), NameStyle::Snake, "r").is_ok()
        );
        assert!(
            RateLimits::from_json(&json!({"second_ms": 60_000}), NameStyle::Snake, "r").is_ok()
        );
        assert!(RateLimits::default().validate().is_ok());
    }

    fn key(s: &str) -> ApiKey {
        ApiKey::parse(s).unwrap()
    }

    #[test]
    fn shared_per_clock_base_url_and_key() {
        let k = key("AS_sharedlimitertest1");
        let url = "https://api.example.test/v1";
        let a = shared_limiter(ClockId::PROCESS, url, &k, RateLimits::default());
        let b = shared_limiter(ClockId::PROCESS, url, &k, RateLimits::default());
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(lock(&a).clock(), ClockId::PROCESS);
        for other in [
            shared_limiter(
                ClockId::PROCESS,
                url,
                &key("AS_sharedlimitertest2"),
                RateLimits::default(),
            ),
            shared_limiter(
                ClockId::PROCESS,
                "https://other.example.test/v1",
                &k,
                RateLimits::default(),
            ),
            shared_limiter(ClockId::SANS_IO, url, &k, RateLimits::default()),
        ] {
            assert!(!Arc::ptr_eq(&a, &other));
        }
    }

    #[test]
    fn a_long_block_for_one_server_does_not_block_another() {
        let k = key("AS_blockotherurl1");
        let a = shared_limiter(
            ClockId::PROCESS,
            "https://a.example.test/v1",
            &k,
            RateLimits::default(),
        );
        let b = shared_limiter(
            ClockId::PROCESS,
            "https://b.example.test/v1",
            &k,
            RateLimits::default(),
        );
        lock(&a).block_for(1_000, 300_000);
        assert_eq!(lock(&a).acquire(1_000), Acquire::Wait(300_000));
        assert!(matches!(lock(&b).acquire(1_000), Acquire::Go(_)));
    }

    #[test]
    fn budget_outlives_its_clients() {
        let k = key("AS_outlivestest1");
        let url = "https://api.example.test/v1";
        {
            let a = shared_limiter(ClockId::PROCESS, url, &k, RateLimits::default());
            assert!(matches!(instant(&mut lock(&a), 1_000), Acquire::Go(_)));
            assert!(matches!(instant(&mut lock(&a), 1_000), Acquire::Go(_)));
        } // every client of the key is gone
        let b = shared_limiter(ClockId::PROCESS, url, &k, RateLimits::default());
        assert_eq!(
            lock(&b).acquire(1_010),
            Acquire::Wait(990 + DEFAULT_GUARD_MS)
        );
    }

    #[test]
    fn idle_entries_are_pruned_only_when_large_and_past_their_windows() {
        let url = "https://prune.example.test/v1";
        let keys: Vec<ApiKey> = (0..REGISTRY_PRUNE_AT + 8)
            .map(|i| key(&format!("AS_prunetest{i}")))
            .collect();
        let held = shared_limiter(ClockId::PROCESS, url, &keys[0], RateLimits::default());
        instant(&mut lock(&held), 1);
        let flying = shared_limiter(ClockId::PROCESS, url, &keys[1], RateLimits::default());
        lock(&flying).acquire(1);
        drop(flying);
        for k in &keys[2..] {
            instant(
                &mut lock(&shared_limiter(
                    ClockId::PROCESS,
                    url,
                    k,
                    RateLimits::default(),
                )),
                1,
            );
        }
        // Far later, one more key: idle entries go; the held one and the one with a request in
        // flight stay and keep their history.
        let late = key("AS_prunetestlate");
        instant(
            &mut lock(&shared_limiter(
                ClockId::PROCESS,
                url,
                &late,
                RateLimits::default(),
            )),
            10_000_000,
        );
        shared_limiter(
            ClockId::PROCESS,
            url,
            &key("AS_prunetestlater"),
            RateLimits::default(),
        );
        let again = shared_limiter(ClockId::PROCESS, url, &keys[0], RateLimits::default());
        assert!(Arc::ptr_eq(&held, &again));
        assert_eq!(
            lock(&shared_limiter(
                ClockId::PROCESS,
                url,
                &keys[1],
                RateLimits::default()
            ))
            .in_flight(),
            1
        );
        let map = registry().lock().unwrap();
        assert!(map.len() < REGISTRY_PRUNE_AT + 8, "{}", map.len());
    }

    /// One step of the property test.
    #[derive(Debug, Clone)]
    enum Op {
        /// Real time passes.
        Advance(u64),
        /// Ask for a grant, with a reading up to this many ms stale.
        Acquire(u64),
        /// The answer (or timeout) of the i-th in-flight request comes; its arrival is at the
        /// given fraction of [grant, answer]; the reading is this many ms stale.
        Settle(usize, u8, u64),
        /// The i-th in-flight request was refused (429) or never sent: never counted.
        Refund(usize),
        /// The i-th in-flight call is dropped; its arrival at the fraction given.
        Abandon(usize, u8),
        /// Server feedback.
        Block(u64),
        /// The caller's clock is set back.
        JumpBack(u64),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (0u64..1500).prop_map(Op::Advance),
            1 => (0u64..70_000).prop_map(Op::Advance),
            6 => (0u64..40).prop_map(Op::Acquire),
            5 => (0usize..8, any::<u8>(), 0u64..40).prop_map(|(i, f, s)| Op::Settle(i, f, s)),
            1 => (0usize..8).prop_map(Op::Refund),
            1 => (0usize..8, any::<u8>()).prop_map(|(i, f)| Op::Abandon(i, f)),
            1 => (0u64..3000).prop_map(Op::Block),
            1 => prop_oneof![0u64..2000, 60_000u64..200_000].prop_map(Op::JumpBack),
        ]
    }

    fn check_server_windows(arrivals: &[u64], limits: RateLimits) -> Result<(), TestCaseError> {
        let mut a = arrivals.to_vec();
        a.sort_unstable();
        for (n, period) in limits.windows() {
            // The server counts an earlier arrival while it is less than `period` old.
            for (i, &t) in a.iter().enumerate() {
                let inside = a[i..].iter().take_while(|&&x| x < t + period).count();
                prop_assert!(
                    inside <= n,
                    "{inside} arrivals in the {period} ms window from {t}"
                );
            }
        }
        Ok(())
    }

    fn limits_strategy() -> impl Strategy<Value = RateLimits> {
        prop_oneof![
            Just(RateLimits::default()),
            (1u32..4, 2u32..8, 50u64..1200, 1u64..4).prop_map(|(s, m, sec, f)| RateLimits {
                per_second: s,
                per_minute: m.max(s),
                second_ms: sec,
                minute_ms: sec * f * 3,
            }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        /// Whatever the order of grants, answers, refunds, drops, server feedback, stale
        /// readings and clock jumps, and wherever each request arrives between its grant and
        /// its answer, the server's sliding windows never hold more than the limits.
        #[test]
        fn server_never_sees_more_than_the_limits(
            limits in limits_strategy(),
            guard in prop_oneof![Just(0u64), Just(DEFAULT_GUARD_MS)],
            ops in proptest::collection::vec(op(), 1..300),
        ) {
            let mut l = RateLimiter::with_guard(limits, guard);
            let mut real = 1_000_000u64; // server time
            let mut skew = 500_000u64; // caller clock = real - (1_000_000 - skew) … kept >= 0
            let clock = |real: u64, skew: u64| real - 1_000_000 + skew;
            // (grant id, real grant time)
            let mut flying: Vec<(u64, u64)> = Vec::new();
            let mut abandoned: Vec<(u64, u64, u8)> = Vec::new();
            let mut arrivals: Vec<u64> = Vec::new();
            let mut max_in_flight = 0;
            // Real time of the latest reading the limiter saw.
            let mut seen = real;
            for op in ops {
                match op {
                    Op::Advance(d) => real += d,
                    Op::JumpBack(d) => skew = skew.saturating_sub(d),
                    Op::Acquire(stale) => {
                        let c = clock(real, skew).saturating_sub(stale);
                        seen = seen.max(real - stale);
                        match l.acquire(c) {
                            Acquire::Go(id) => flying.push((id, real)),
                            Acquire::Wait(w) => prop_assert!(w > 0),
                        }
                    }
                    Op::Settle(i, frac, stale) if !flying.is_empty() => {
                        let (id, g) = flying.remove(i % flying.len());
                        // The reading was taken `stale` ms ago, after the answer came.
                        let stale = stale.min(real - g);
                        let answered = real - stale;
                        arrivals.push(g + (answered - g) * frac as u64 / 255);
                        seen = seen.max(answered);
                        l.settle(id, clock(real, skew).saturating_sub(stale));
                    }
                    Op::Refund(i) if !flying.is_empty() => {
                        let (id, _) = flying.remove(i % flying.len());
                        l.refund(id);
                    }
                    Op::Abandon(i, frac) if !flying.is_empty() => {
                        let (id, g) = flying.remove(i % flying.len());
                        abandoned.push((id, g, frac));
                        l.abandon(id);
                    }
                    Op::Block(ms) => {
                        seen = real;
                        l.block_for(clock(real, skew), ms)
                    }
                    _ => {}
                }
                // An abandoned call was dropped at the latest time the limiter saw: its request
                // arrived by then (a dropped request is cut off).
                for (_, g, frac) in abandoned.drain(..) {
                    let by = seen.max(g);
                    arrivals.push(g + (by - g) * frac as u64 / 255);
                }
                max_in_flight = max_in_flight.max(flying.len());
                check_server_windows(&arrivals, limits)?;
            }
            // Whatever is still in flight arrives now at the latest.
            for (_, g) in flying.drain(..) {
                arrivals.push(real.max(g));
            }
            check_server_windows(&arrivals, limits)?;
            prop_assert!(max_in_flight <= limits.per_second as usize);
        }

        /// Requests answered at once, one after the other, go exactly as soon as the windows
        /// allow (nothing is lost to the bookkeeping).
        #[test]
        fn instant_answers_are_exact(gaps in proptest::collection::vec(0u64..700, 1..120)) {
            let limits = RateLimits::default();
            let mut l = RateLimiter::new(limits);
            let mut now = 0;
            let mut sent: Vec<u64> = Vec::new();
            for g in gaps {
                now += g;
                let expect = {
                    let k = sent.len();
                    let mut at = now;
                    if k >= 2 { at = at.max(sent[k - 2] + 1000); }
                    if k >= 50 { at = at.max(sent[k - 50] + 60_000); }
                    at
                };
                match instant(&mut l, now) {
                    Acquire::Go(_) => { prop_assert_eq!(expect, now); sent.push(now); }
                    Acquire::Wait(w) => {
                        prop_assert_eq!(expect, now + w);
                        now += w;
                        prop_assert!(matches!(instant(&mut l, now), Acquire::Go(_)));
                        sent.push(now);
                    }
                }
            }
        }
    }
}
