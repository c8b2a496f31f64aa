//! Edges of the limiter's public API that `cargo mutants --file core/src/limiter.rs` found
//! untested: the limits' validation at its boundaries, through `validate` and a client config.

use autosend::{
    Acquire, ClientConfig, ClientOptions, ErrorKind, NameStyle, RateLimiter, RateLimits,
};
use serde_json::json;

fn limits(per_second: u32, per_minute: u32, second_ms: u64, minute_ms: u64) -> RateLimits {
    RateLimits {
        per_second,
        per_minute,
        second_ms,
        minute_ms,
    }
}

#[test]
fn validate_refuses_bad_limits_and_names_the_field() {
    for (l, field) in [
        (limits(0, 50, 1000, 60_000), "rate_limits.per_second"),
        (limits(2, 0, 1000, 60_000), "rate_limits.per_minute"),
        (
            limits(100_001, 1_000_000, 1000, 60_000),
            "rate_limits.per_second",
        ),
        (limits(2, 1_000_001, 1000, 60_000), "rate_limits.per_minute"),
        (limits(2, 50, 0, 60_000), "rate_limits.second_ms"),
        (limits(2, 50, 1000, 999), "rate_limits.minute_ms"),
        (limits(2, 50, 1000, 3_600_001), "rate_limits.minute_ms"),
    ] {
        let e = l.validate().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidConfig, "{l:?}");
        assert_eq!(e.field(), Some(field), "{l:?}");
        // A client configuration runs the same rule.
        let mut o = ClientOptions::new("AS_limitedgetest1");
        o.rate_limits = l;
        assert_eq!(ClientConfig::new(o).unwrap_err().field(), Some(field));
    }
}

#[test]
fn validate_accepts_the_largest_values() {
    for l in [
        limits(100_000, 1_000_000, 1000, 60_000),
        limits(1, 1, 1, 1),
        limits(2, 50, 3_600_000, 3_600_000),
        limits(2, 50, 100, 6000),
    ] {
        assert!(l.validate().is_ok(), "{l:?}");
        let v = json!({"perSecond": l.per_second, "perMinute": l.per_minute,
                       "secondMs": l.second_ms, "minuteMs": l.minute_ms});
        assert_eq!(
            RateLimits::from_json(&v, NameStyle::Camel, "rateLimits").unwrap(),
            l
        );
    }
}

fn go(a: Acquire) -> u64 {
    match a {
        Acquire::Go(id) => id,
        w => panic!("expected a grant, got {w:?}"),
    }
}

/// Three grants at 0 under 3 per minute (and per second): the long window is full while its
/// third-newest record (in flight, or settled at `arrived_by`) is less than a minute old.
#[test]
fn minute_window_full_to_the_millisecond() {
    let three = limits(3, 3, 1000, 60_000);
    // One answered at 10, two in flight: full until 10 + 60 000, exclusive.
    let mut l = RateLimiter::new(three);
    let a = go(l.acquire(0));
    go(l.acquire(0));
    go(l.acquire(0));
    assert!(l.minute_window_full(0), "three in flight");
    l.settle(a, 10);
    assert!(l.minute_window_full(60_009));
    assert!(!l.minute_window_full(60_010));
    // Two answered (10, 20), one in flight: the older answer bounds the window.
    let mut l = RateLimiter::new(three);
    let a = go(l.acquire(0));
    let b = go(l.acquire(0));
    go(l.acquire(0));
    l.settle(a, 10);
    l.settle(b, 20);
    assert!(l.minute_window_full(60_009));
    assert!(!l.minute_window_full(60_010));
    // All three answered (10, 20, 30): the oldest of the three bounds it.
    let mut l = RateLimiter::new(three);
    let ids: Vec<u64> = (0..3).map(|_| go(l.acquire(0))).collect();
    for (i, id) in ids.into_iter().enumerate() {
        l.settle(id, 10 * (i as u64 + 1));
    }
    assert!(l.minute_window_full(60_009));
    assert!(!l.minute_window_full(60_010));
    // A guard widens it.
    let mut l = RateLimiter::with_guard(three, 25);
    for _ in 0..3 {
        let id = go(l.acquire(0));
        l.settle(id, 10);
    }
    assert!(l.minute_window_full(60_034));
    assert!(!l.minute_window_full(60_035));
    // Two records of three: never full, however recent.
    let mut l = RateLimiter::new(three);
    let a = go(l.acquire(0));
    go(l.acquire(0));
    l.settle(a, 10);
    assert!(!l.minute_window_full(10));
}

/// Whether the process-wide registry still holds the budget of a key whose one request was
/// answered at 1000, once another budget of the same clock has seen `latest` and the registry
/// is large enough to prune (one request per minute: 1000 + 60 000 + the 25 ms guard).
fn probe_kept_after(clock: u64, latest: u64) -> bool {
    use autosend::{shared_limiter, ApiKey, ClockId};
    let url = "https://busy.example.test/v1";
    let c = ClockId(clock);
    let key = |s: String| ApiKey::parse(&s).unwrap();
    let one = limits(1, 1, 1000, 60_000);
    let probe = key(format!("AS_busyprobe{clock}"));
    {
        let l = shared_limiter(c, url, &probe, one);
        let mut l = l.lock().unwrap();
        let id = go(l.acquire(0));
        l.settle(id, 1000);
    }
    for i in 0..256 {
        let f = shared_limiter(c, url, &key(format!("AS_busyfill{clock}x{i}")), one);
        let mut f = f.lock().unwrap();
        let id = go(f.acquire(1));
        f.settle(id, 1);
    }
    let clk = shared_limiter(c, url, &key(format!("AS_busyclock{clock}")), one);
    go(clk.lock().unwrap().acquire(latest));
    // A new budget: the registry prunes the idle ones whose windows have passed.
    shared_limiter(c, url, &key(format!("AS_busynew{clock}")), one);
    let again = shared_limiter(c, url, &probe, one);
    let a = again.lock().unwrap().acquire(latest);
    // Kept: its record still holds the minute window until 61 025, and its next id is 2.
    assert!(
        matches!(a, Acquire::Go(1) | Acquire::Wait(1) | Acquire::Go(2)),
        "{a:?}"
    );
    a != Acquire::Go(1)
}

#[test]
fn an_idle_budget_is_pruned_once_its_minute_and_guard_have_passed() {
    assert!(probe_kept_after(8_001, 61_024));
    assert!(!probe_kept_after(8_002, 61_025));
}
