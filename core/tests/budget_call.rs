//! The call state machine with the shared budget on Redis, its replies scripted: the grant,
//! the settle / refund / block it owes the store, and the failure policy; and the protocol of
//! `core/src/budget_redis.rs` itself (the exact ops, the reading of replies at their edges, the
//! store's state and notices, the Redis URL checks).
use autosend::{BudgetOpKind, Client, ClientOptions, ErrorKind, OnRedisError, Poll};
use serde_json::{json, Value};

/// A client of its own key (the process-local fallback budget is shared per key).
fn client(on_error: OnRedisError) -> Client {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let mut o = ClientOptions::new(format!(
        "AS_budgetcalltest{}",
        N.fetch_add(1, Ordering::Relaxed)
    ));
    o.redis_url = Some("redis://127.0.0.1:1/0".into());
    o.on_redis_error = on_error;
    Client::new(o).unwrap()
}

/// The budget notices `c` has not handed out yet are exactly `want` (event, message).
#[track_caller]
fn assert_notices(c: &Client, want: &[(&str, &str)]) {
    let notices = c.take_budget_notices();
    let got: Vec<(&str, &str)> = notices
        .iter()
        .map(|n| (n.event, n.message.as_str()))
        .collect();
    assert_eq!(got, want);
}

fn send_params() -> Value {
    json!({"from": {"email": "a@mail.example.com"}, "to": {"email": "b@example.com"},
           "subject": "s", "html": "<p>x</p>"})
}

fn expect_op(p: Poll, kind: BudgetOpKind) -> autosend::BudgetOp {
    match p {
        Poll::Budget(op) if op.kind == kind => op,
        other => panic!("want {kind:?}, got {other:?}"),
    }
}

#[test]
fn grant_send_settle_done() {
    let c = client(OnRedisError::Fallback);
    let mut call = c.call("emails.send", send_params(), 1).unwrap();
    let op = expect_op(call.poll(0), BudgetOpKind::Acquire);
    assert!(op.keys[0].starts_with("autosend:rl:"));
    assert!(!op.keys[0].contains("budgetcalltest1"));
    assert_eq!(op.timeout_ms, 250);
    call.handle_budget_reply(1, &json!([0, 700]));
    assert!(matches!(call.poll(1), Poll::Wait(700)));
    expect_op(call.poll(701), BudgetOpKind::Acquire);
    call.handle_budget_reply(702, &json!([1, "1000:ab"]));
    assert!(matches!(call.poll(702), Poll::Send(_)));
    call.handle_response(750, 200, &[], br#"{"success":true,"data":{"emailId":"e"}}"#);
    let settle = expect_op(call.poll(750), BudgetOpKind::Settle);
    assert_eq!(settle.args[0], "1000:ab");
    call.handle_budget_reply(751, &json!(1));
    assert!(matches!(call.poll(751), Poll::Done(Ok(_))));
}

#[test]
fn a_429_refunds_and_blocks_everyone() {
    let c = client(OnRedisError::Fallback);
    let mut call = c.call("emails.send", send_params(), 1).unwrap();
    expect_op(call.poll(0), BudgetOpKind::Acquire);
    call.handle_budget_reply(0, &json!([1, "1:a"]));
    assert!(matches!(call.poll(0), Poll::Send(_)));
    call.handle_response(
        10,
        429,
        &[],
        br#"{"success":false,"error":{"message":"slow down","retryAfter":3}}"#,
    );
    let mut kinds = vec![];
    for _ in 0..2 {
        let op = call.poll(10);
        let Poll::Budget(op) = op else {
            panic!("{op:?}")
        };
        kinds.push((op.kind, op.args[0].clone()));
        call.handle_budget_reply(10, &json!(1));
    }
    assert!(
        kinds.contains(&(BudgetOpKind::Block, "3000".into())),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&(BudgetOpKind::Refund, "1:a".into())),
        "{kinds:?}"
    );
    assert!(matches!(call.poll(10), Poll::Wait(3000)));
}

#[test]
fn connect_error_refunds_timeout_settles() {
    let c = client(OnRedisError::Fallback);
    let mut call = c.call("contacts.get", json!({"id": "c1"}), 1).unwrap();
    expect_op(call.poll(0), BudgetOpKind::Acquire);
    call.handle_budget_reply(0, &json!([1, "1:a"]));
    assert!(matches!(call.poll(0), Poll::Send(_)));
    call.handle_transport_error(5, autosend::TransportErrorKind::Connect);
    expect_op(call.poll(5), BudgetOpKind::Refund);
    call.handle_budget_reply(5, &json!(1));
    assert!(matches!(call.poll(5), Poll::Wait(_)));
}

#[test]
fn failure_falls_back_once_and_never_sends_without_a_grant() {
    let c = client(OnRedisError::Fallback);
    let mut call = c.call("emails.send", send_params(), 1).unwrap();
    expect_op(call.poll(0), BudgetOpKind::Acquire);
    call.handle_budget_error(250, "connection refused");
    // The local budget grants.
    assert!(matches!(call.poll(250), Poll::Send(_)));
    let notices = c.take_budget_notices();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].message.contains("connection refused"));
    // A second call during the outage does not ask Redis and reports nothing new.
    let mut second = c.call("emails.send", send_params(), 2).unwrap();
    assert!(matches!(second.poll(300), Poll::Send(_)));
    assert!(c.take_budget_notices().is_empty());
}

#[test]
fn slow_or_garbage_replies_are_failures() {
    let c = client(OnRedisError::Fallback);
    let mut call = c.call("emails.send", send_params(), 1).unwrap();
    expect_op(call.poll(0), BudgetOpKind::Acquire);
    call.handle_budget_reply(400, &json!([1, "1:a"])); // 400 ms > 250 ms
    assert!(matches!(call.poll(400), Poll::Send(_)));
    assert_eq!(c.take_budget_notices().len(), 1);

    let c = client(OnRedisError::Fallback);
    let mut call = c.call("emails.send", send_params(), 1).unwrap();
    expect_op(call.poll(0), BudgetOpKind::Acquire);
    call.handle_budget_reply(1, &json!("OK"));
    assert!(matches!(call.poll(1), Poll::Send(_)));
    assert!(c.take_budget_notices()[0].message.contains("unexpected"));
}

#[test]
fn raise_fails_before_sending() {
    let c = client(OnRedisError::Raise);
    let mut call = c.call("emails.send", send_params(), 1).unwrap();
    expect_op(call.poll(0), BudgetOpKind::Acquire);
    call.handle_budget_error(10, "timed out");
    match call.poll(10) {
        Poll::Done(Err(e)) => {
            assert_eq!(e.kind(), ErrorKind::BudgetStore);
            assert_eq!(e.code(), 320);
            assert!(!e.may_have_been_delivered());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn env_names_redis_and_debug_hides_its_password() {
    let mut o = ClientOptions::new("AS_x1");
    o.fill_from_env(|n| (n == "AUTOSEND_REDIS_URL").then(|| "redis://:hunter2@h:6379/0".into()));
    assert_eq!(o.redis_url.as_deref(), Some("redis://:hunter2@h:6379/0"));
    assert!(!format!("{o:?}").contains("hunter2"));
    let c = Client::new(o).unwrap();
    assert!(!format!("{c:?}").contains("hunter2"));
    let mut bad = ClientOptions::new("AS_x1");
    bad.redis_url = Some("http://h".into());
    assert_eq!(
        Client::new(bad).unwrap_err().kind(),
        ErrorKind::InvalidConfig
    );
}

// ---- The protocol of core/src/budget_redis.rs, exactly ----

use autosend::budget_redis::{
    acquire_op, block_op, budget_key, interpret_ack, interpret_acquire, redact_redis_url,
    refund_op, settle_op, validate_redis_url, windows, BudgetDecision, RedisBudget, BLOCK_SCRIPT,
    REDIS_RETRY_AFTER_MS, REFUND_SCRIPT, SETTLE_SCRIPT,
};
use autosend::{ApiKey, BudgetOp, RateLimits};

/// Windows whose longest period is the first one (700 ms) and every number distinct.
fn odd_limits() -> RateLimits {
    RateLimits {
        per_second: 3,
        per_minute: 9,
        second_ms: 700,
        minute_ms: 400,
    }
}

/// The message of a reply the store should never give, with what was wrong.
fn garbage(what: &str) -> String {
    format!("the Redis budget store answered something unexpected ({what}); is AUTOSEND_REDIS_URL / redis pointing at a Redis or Valkey server?")
}

#[test]
fn policy_and_op_kind_names() {
    assert_eq!(OnRedisError::Fallback.name(), "fallback");
    assert_eq!(OnRedisError::Raise.name(), "raise");
    assert_eq!(
        OnRedisError::parse("fallback").unwrap(),
        OnRedisError::Fallback
    );
    assert_eq!(
        OnRedisError::parse(" raise\n").unwrap(),
        OnRedisError::Raise
    );
    for bad in ["", "Raise", "FALLBACK", "ignore", "raise fallback"] {
        let e = OnRedisError::parse(bad).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidConfig, "{bad:?}");
        assert_eq!(
            e.message(),
            "on_redis_error must be \"fallback\" or \"raise\"",
            "{bad:?}"
        );
    }
    for (kind, name) in [
        (BudgetOpKind::Acquire, "acquire"),
        (BudgetOpKind::Settle, "settle"),
        (BudgetOpKind::Refund, "refund"),
        (BudgetOpKind::Block, "block"),
    ] {
        assert_eq!(kind.name(), name);
        assert_eq!(BudgetOpKind::from_name(name), Some(kind));
    }
    for bad in ["", "Acquire", "release", "block "] {
        assert_eq!(BudgetOpKind::from_name(bad), None, "{bad:?}");
    }
}

#[test]
fn ops_are_exact() {
    let w = windows(&odd_limits());
    assert_eq!(w, [(3, 700), (9, 400)]);
    let acquire = acquire_op("autosend:rl:k", &w, 4_000, 0xbeef, 99);
    assert_eq!(acquire.kind, BudgetOpKind::Acquire);
    assert_eq!(acquire.script, autosend::budget_redis::ACQUIRE_SCRIPT);
    assert_eq!(acquire.keys, ["autosend:rl:k"]);
    assert_eq!(
        acquire.args,
        ["3", "700", "9", "400", "5", "5000", "000000000000beef"]
    );
    assert_eq!(acquire.timeout_ms, 99);
    // The in-flight bound saturates instead of overflowing.
    assert_eq!(
        acquire_op("k", &w, u64::MAX, 1, 1).args[5],
        u64::MAX.to_string()
    );
    assert_eq!(
        settle_op("autosend:rl:k", &w, "17:ab", 99),
        BudgetOp {
            kind: BudgetOpKind::Settle,
            script: SETTLE_SCRIPT,
            keys: vec!["autosend:rl:k".into()],
            args: vec!["17:ab".into(), "700".into(), "5".into()],
            timeout_ms: 99,
        }
    );
    // The longest window wherever it is.
    let swapped = [(9, 400), (3, 700)];
    assert_eq!(settle_op("k", &swapped, "g", 1).args[1], "700");
    assert_eq!(
        refund_op("autosend:rl:k", "17:ab", 98),
        BudgetOp {
            kind: BudgetOpKind::Refund,
            script: REFUND_SCRIPT,
            keys: vec!["autosend:rl:k".into()],
            args: vec!["17:ab".into()],
            timeout_ms: 98,
        }
    );
    assert_eq!(
        block_op("autosend:rl:k", &w, 1_234, 97),
        BudgetOp {
            kind: BudgetOpKind::Block,
            script: BLOCK_SCRIPT,
            keys: vec!["autosend:rl:k".into()],
            args: vec!["1234".into(), "700".into(), "5".into()],
            timeout_ms: 97,
        }
    );
    // A block is capped like local feedback (10 minutes), at and past the cap.
    assert_eq!(block_op("k", &w, 600_000, 1).args[0], "600000");
    assert_eq!(block_op("k", &w, 600_001, 1).args[0], "600000");
    assert_eq!(
        settle_op("autosend:rl:k", &w, "17:ab", 99).to_json(),
        json!({"kind": "settle", "script": SETTLE_SCRIPT, "keys": ["autosend:rl:k"],
               "args": ["17:ab", "700", "5"], "timeout_ms": 99})
    );
}

#[test]
fn acquire_replies_at_their_edges() {
    let go = |r: Value| interpret_acquire(&r).unwrap();
    let refused = |r: Value| {
        let e = interpret_acquire(&r).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::BudgetStore, "{r}");
        e.message().to_string()
    };
    // The longest wait the store may ask: the feedback cap (600 s) plus 120 s.
    assert_eq!(go(json!([0, 720_000])), BudgetDecision::Wait(720_000));
    assert_eq!(refused(json!([0, 720_001])), garbage("wait out of range"));
    assert_eq!(refused(json!([0, 0])), garbage("wait out of range"));
    // Whole numbers written as floats or as text (Lua numbers, RESP bulk strings).
    assert_eq!(go(json!([0, 40.0])), BudgetDecision::Wait(40));
    assert_eq!(go(json!([1.0, "1:a"])), BudgetDecision::Go("1:a".into()));
    assert_eq!(go(json!(["1", "1:a"])), BudgetDecision::Go("1:a".into()));
    assert_eq!(
        go(json!([0, "0000000000000000040"])),
        BudgetDecision::Wait(40)
    ); // 19 chars
    assert_eq!(
        refused(json!([0, "00000000000000000040"])),
        garbage("wait out of range")
    ); // 20
    assert_eq!(refused(json!([0, 2.5])), garbage("wait out of range"));
    assert_eq!(refused(json!([0, " 40"])), garbage("wait out of range"));
    assert_eq!(refused(json!([0.5, 40])), garbage("unknown status"));
    assert_eq!(refused(json!(["", 40])), garbage("unknown status"));
    // A grant id of up to 64 characters, letters, digits and ':' only.
    let id64 = format!("1764547200123:{}", "a".repeat(50));
    assert_eq!(id64.len(), 64);
    assert_eq!(
        go(json!([1, id64.clone()])),
        BudgetDecision::Go(id64.clone())
    );
    assert_eq!(
        refused(json!([1, format!("{id64}b")])),
        garbage("malformed grant id")
    );
    assert_eq!(refused(json!([1, "1:a-b"])), garbage("malformed grant id"));
    assert_eq!(refused(json!([1, 17])), garbage("grant id is not a string"));
    assert_eq!(refused(json!({"0": 1})), garbage("not an array"));
    assert_eq!(refused(json!([1, "1:a", 3])), garbage("not two items"));
    assert_eq!(refused(json!([2, 10])), garbage("unknown status"));
    // Acknowledgements.
    interpret_ack(&json!(1.0)).unwrap();
    interpret_ack(&json!("1")).unwrap();
    for bad in [json!(0), json!("OK"), json!(null), json!(2)] {
        assert_eq!(
            interpret_ack(&bad).unwrap_err().message(),
            garbage("not 1"),
            "{bad}"
        );
    }
}

#[test]
fn store_state_getters_and_notices() {
    let k = ApiKey::parse("AS_budgetcallstore1").unwrap();
    let s = RedisBudget::new(
        &k,
        "https://api.example/v1",
        odd_limits(),
        OnRedisError::Raise,
        99,
    );
    assert_eq!(s.key_name(), budget_key(&k, "https://api.example/v1"));
    assert_eq!(s.on_error(), OnRedisError::Raise);
    assert_eq!(s.timeout_ms(), 99);
    assert_eq!(s.windows(), [(3, 700), (9, 400)]);
    assert!(s.take_notices().is_empty());

    // Fallback: off Redis for exactly REDIS_RETRY_AFTER_MS after a failure, one notice per
    // outage, one when Redis answers again.
    let c = client(OnRedisError::Fallback);
    let mut call = c.call("emails.send", send_params(), 1).unwrap();
    expect_op(call.poll(1_000), BudgetOpKind::Acquire);
    call.handle_budget_error(1_000, "connection refused");
    assert!(matches!(call.poll(1_000), Poll::Send(_)));
    let mut inside = c.call("emails.send", send_params(), 2).unwrap();
    assert!(matches!(
        inside.poll(1_000 + REDIS_RETRY_AFTER_MS - 1),
        Poll::Send(_)
    ));
    let mut after = c.call("emails.send", send_params(), 3).unwrap();
    expect_op(
        after.poll(1_000 + REDIS_RETRY_AFTER_MS),
        BudgetOpKind::Acquire,
    );
    after.handle_budget_reply(1_000 + REDIS_RETRY_AFTER_MS, &json!([1, "1:a"]));
    assert_notices(
        &c,
        &[
            ("fallback", "the shared rate-limit budget on Redis failed (connection refused); using the process-local budget, Redis is tried again every 10 s"),
            ("restored", "the shared rate-limit budget on Redis answers again; using it"),
        ],
    );
    assert!(c.take_budget_notices().is_empty());

    // Raise: Redis is asked again at once, and the notice says calls fail.
    let c = client(OnRedisError::Raise);
    let mut call = c.call("emails.send", send_params(), 1).unwrap();
    expect_op(call.poll(0), BudgetOpKind::Acquire);
    call.handle_budget_error(10, "timed out");
    assert!(matches!(call.poll(10), Poll::Done(Err(_))));
    let mut next = c.call("emails.send", send_params(), 2).unwrap();
    expect_op(next.poll(11), BudgetOpKind::Acquire);
    let notices = c.take_budget_notices();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(
        (notices[0].event, notices[0].message.as_str()),
        ("fallback", "the shared rate-limit budget on Redis failed (timed out); calls fail with budget_store until it answers again")
    );
}

#[test]
fn redis_urls_are_checked_and_redacted() {
    for ok in [
        "redis://127.0.0.1:6379/0",
        "REDIS://h",
        " rediss://u:p@h:1 ",
        "unix:///run/redis.sock",
        "redis+unix:///run/redis.sock",
        "redis://é.example",
    ] {
        validate_redis_url(ok).unwrap_or_else(|e| panic!("{ok:?}: {e}"));
    }
    for bad in [
        "",
        "redis://",
        "rediss://",
        "unix://",
        "http://h",
        "redis:/é",
        "redis:/éhost",
        "rediss:/éé",
        "é",
        "redis://h\nx",
        "redis://h\u{7f}x",
    ] {
        let e = validate_redis_url(bad).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidConfig, "{bad:?}");
        assert_eq!(
            e.message(),
            "redis_url must look like redis://host:6379/0 (or rediss://, unix://)",
            "{bad:?}"
        );
    }
    assert_eq!(redact_redis_url(" redis://h:6379/0 "), "redis://h:6379/0");
    assert_eq!(redact_redis_url("redis://:pw@h/1"), "redis://:***@h/1");
    assert_eq!(redact_redis_url("not a url :pw@"), "<redis url>");
}

// ---- The call's shared-budget decisions at their edges (issue 17, round 9a) ----

use autosend::{private_limiter, Call, ClientConfig, EventKind, SharedLimiter, MAX_RETRY_AFTER_MS};
use std::sync::Arc;

const EDGE_KEY: &str = "AS_budgetcalledges1";

/// A call of `endpoint` seeded `seed` (a client with a far deadline), with a limiter of its
/// own (returned too) and, given a policy, a store of its own: 250 ms answers, the default
/// limits, not yet failed (asked at once).
fn edge_call(
    endpoint: &str,
    params: Value,
    seed: u64,
    store: Option<OnRedisError>,
) -> (Call, SharedLimiter) {
    let mut o = ClientOptions::new(EDGE_KEY);
    o.deadline_ms = Some(10_000_000);
    let key = ApiKey::parse(EDGE_KEY).unwrap();
    let store = store.map(|on_error| {
        let limits = RateLimits::default();
        Arc::new(RedisBudget::new(
            &key,
            "https://api.autosend.com/v1",
            limits,
            on_error,
            250,
        ))
    });
    let l = private_limiter(RateLimits::default());
    let c = Call::new(
        &ClientConfig::new(o).unwrap(),
        l.clone(),
        endpoint,
        params,
        seed,
    )
    .unwrap()
    .with_budget(store);
    (c, l)
}

fn contacts_get() -> Value {
    json!({"id": "507f1f77bcf86cd799439011"})
}

const GOT: &[u8] = br#"{"success":true,"data":{"id":"507f1f77bcf86cd799439011"}}"#;

#[track_caller]
fn wait_of(p: Poll) -> u64 {
    match p {
        Poll::Wait(ms) => ms,
        other => panic!("want a wait, got {other:?}"),
    }
}

#[track_caller]
fn sends(p: Poll) {
    assert!(matches!(p, Poll::Send(_)), "want a send, got {p:?}");
}

#[track_caller]
fn error_of(p: Poll) -> autosend::Error {
    match p {
        Poll::Done(Err(e)) => e,
        other => panic!("want an error, got {other:?}"),
    }
}

/// The first retry's full-jitter backoff of a call seeded `seed` that asked the store once
/// (the acquire op takes the first draw of the call's generator for its token).
fn first_backoff_after_one_acquire(seed: u64) -> u64 {
    let mut rng = fastrand::Rng::with_seed(seed);
    rng.u64(..);
    rng.u64(0..=1000)
}

/// The `reason` of each budget notice event recorded by `call`, in order.
fn budget_reasons(call: &mut Call) -> Vec<&'static str> {
    let mut reasons = vec![];
    while let Some(e) = call.poll_event() {
        if e.kind == EventKind::BudgetNotice {
            reasons.push(e.reason.unwrap());
        }
    }
    reasons
}

/// A 503 at 10 whose `X-RateLimit-Remaining: 0` / `X-RateLimit-Reset: 7` blocks the local
/// limiter until 7 010, while the call's own backoff (at most 1 s) ends well before. The wait
/// reported during the backoff counts the local limiter only when the store is not asked
/// (no store, or a store falling back): with a store in use the store decides at the next
/// acquire, and the local block does not delay that question.
#[test]
fn the_wait_during_a_backoff_counts_the_local_limiter_only_when_the_store_is_not_asked() {
    let reset = vec![
        ("x-ratelimit-remaining".to_string(), "0".to_string()),
        ("x-ratelimit-reset".to_string(), "7".to_string()),
    ];
    let seed = 5;
    let backoff = first_backoff_after_one_acquire(seed);
    assert!((1..7_000).contains(&backoff), "{backoff}");
    let get = |store| edge_call("contacts.get", contacts_get(), seed, store);

    // The store in use: the backoff alone, then the store is asked (not the local limiter).
    let (mut c, l) = get(Some(OnRedisError::Fallback));
    expect_op(c.poll(0), BudgetOpKind::Acquire);
    c.handle_budget_reply(0, &json!([1, "1:a"]));
    sends(c.poll(0));
    c.handle_response(10, 503, &reset, b"{}");
    assert_eq!(l.lock().unwrap().next_free(10), 7_010);
    let block = expect_op(c.poll(10), BudgetOpKind::Block);
    assert_eq!(block.args[0], "5000"); // the reset less its 2 s resolution
    c.handle_budget_reply(10, &json!(1));
    let settle = expect_op(c.poll(10), BudgetOpKind::Settle);
    assert_eq!(settle.args[0], "1:a");
    c.handle_budget_reply(10, &json!(1));
    assert_eq!(wait_of(c.poll(10)), backoff);
    assert_eq!(wait_of(c.poll(9 + backoff)), 1);
    expect_op(c.poll(10 + backoff), BudgetOpKind::Acquire);

    // The store falling back (its acquire and its block failed): the local block counts.
    let (mut c, l) = get(Some(OnRedisError::Fallback));
    expect_op(c.poll(0), BudgetOpKind::Acquire);
    c.handle_budget_error(0, "connection refused");
    sends(c.poll(0));
    c.handle_response(10, 503, &reset, b"{}");
    assert_eq!(l.lock().unwrap().next_free(10), 7_010);
    let block = expect_op(c.poll(10), BudgetOpKind::Block);
    assert_eq!(block.args[0], "5000");
    c.handle_budget_error(10, "connection refused");
    assert_eq!(wait_of(c.poll(10)), 7_000);
    assert_eq!(wait_of(c.poll(10 + backoff)), 7_000 - backoff);
    sends(c.poll(7_010));

    // No store at all: the same.
    let (mut c, l) = get(None);
    sends(c.poll(0));
    c.handle_response(10, 503, &reset, b"{}");
    assert_eq!(l.lock().unwrap().next_free(10), 7_010);
    assert_eq!(wait_of(c.poll(10)), 7_000);
    sends(c.poll(7_010));
}

/// The store has `timeout_ms` (250) to answer: a reply exactly at the edge is its verdict,
/// one a millisecond later is a failure (notice, then the local budget).
#[test]
fn a_store_reply_at_the_timeout_counts_and_one_past_it_fails() {
    let c = client(OnRedisError::Fallback);
    let mut call = c.call("emails.send", send_params(), 1).unwrap();
    let op = expect_op(call.poll(1_000), BudgetOpKind::Acquire);
    assert_eq!(op.timeout_ms, 250);
    call.handle_budget_reply(1_250, &json!([0, 700]));
    assert_eq!(wait_of(call.poll(1_250)), 700);
    assert!(c.take_budget_notices().is_empty());

    let c = client(OnRedisError::Fallback);
    let mut call = c.call("emails.send", send_params(), 1).unwrap();
    call.record_events(true);
    expect_op(call.poll(1_000), BudgetOpKind::Acquire);
    call.handle_budget_reply(1_251, &json!([0, 700]));
    sends(call.poll(1_251)); // the local budget grants at once
    assert_notices(
        &c,
        &[("fallback", "the shared rate-limit budget on Redis failed (the answer took more than 250 ms); using the process-local budget, Redis is tried again every 10 s")],
    );
    assert_eq!(budget_reasons(&mut call), ["budget_store_fallback"]);
}

/// A store `Wait` of exactly two minutes is waited; one millisecond more ends the call at
/// once with the pause, like the local limiter's verdict.
#[test]
fn a_store_wait_past_two_minutes_ends_the_call() {
    assert_eq!(MAX_RETRY_AFTER_MS, 120_000);
    let (mut c, _) = edge_call(
        "emails.send",
        send_params(),
        1,
        Some(OnRedisError::Fallback),
    );
    expect_op(c.poll(0), BudgetOpKind::Acquire);
    c.handle_budget_reply(0, &json!([0, 120_000]));
    assert!(!c.is_done());
    assert_eq!(wait_of(c.poll(0)), 120_000);
    assert_eq!(wait_of(c.poll(119_999)), 1);
    expect_op(c.poll(120_000), BudgetOpKind::Acquire);
    c.handle_budget_reply(120_000, &json!([0, 120_001]));
    assert!(c.is_done());
    let e = error_of(c.poll(120_000));
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert_eq!(e.message(), "the API asked this key to pause for 121 s");
    assert_eq!(e.retry_after_ms(), Some(120_001));
    assert_eq!(e.status(), None);
    assert!(!e.may_have_been_delivered());
    assert_eq!(c.attempts(), 0);

    // A call cancelled while its acquire was out keeps its own ending when the store then
    // asks for a long pause.
    let (mut c, _) = edge_call(
        "emails.send",
        send_params(),
        1,
        Some(OnRedisError::Fallback),
    );
    expect_op(c.poll(0), BudgetOpKind::Acquire);
    let cancelled = c.cancel(5, false);
    c.handle_budget_reply(10, &json!([0, 300_000]));
    let e = error_of(c.poll(10));
    assert_eq!(e.kind(), ErrorKind::Aborted);
    assert_eq!(e.message(), cancelled.message());
    assert_eq!(
        e.message(),
        "the call was cancelled before the next attempt was sent"
    );
}

/// With `on_redis_error = raise` only a failed acquire ends the call (nothing was sent
/// without the store's grant); a failed settle, refund or block is noted and the call goes
/// on: its retry waits and is sent, and its answer is returned.
#[test]
fn under_raise_a_failed_settle_refund_or_block_does_not_end_the_call() {
    let seed = 3;
    let backoff = first_backoff_after_one_acquire(seed);
    assert!(backoff > 0, "{backoff}");
    let (mut c, _) = edge_call(
        "contacts.get",
        contacts_get(),
        seed,
        Some(OnRedisError::Raise),
    );
    c.record_events(true);
    expect_op(c.poll(0), BudgetOpKind::Acquire);
    c.handle_budget_reply(0, &json!([1, "1:a"]));
    sends(c.poll(0));
    // A 503: the settle fails, the retry waits its backoff.
    c.handle_response(10, 503, &[], b"{}");
    expect_op(c.poll(10), BudgetOpKind::Settle);
    c.handle_budget_error(10, "timed out");
    assert!(!c.is_done());
    assert_eq!(wait_of(c.poll(10)), backoff);
    // The retry: the store grants again; a 429 asking 1 s, its refund and block fail.
    let t = 10 + backoff;
    expect_op(c.poll(t), BudgetOpKind::Acquire);
    c.handle_budget_reply(t, &json!([1, "2:b"]));
    sends(c.poll(t));
    c.handle_response(
        t + 5,
        429,
        &[],
        br#"{"success":false,"error":{"message":"slow down","retryAfter":1}}"#,
    );
    let refund = expect_op(c.poll(t + 5), BudgetOpKind::Refund);
    assert_eq!(refund.args[0], "2:b");
    c.handle_budget_error(t + 5, "timed out");
    assert!(!c.is_done());
    let block = expect_op(c.poll(t + 5), BudgetOpKind::Block);
    assert_eq!(block.args[0], "1000");
    c.handle_budget_error(t + 5, "timed out");
    assert!(!c.is_done());
    assert_eq!(wait_of(c.poll(t + 5)), 1_000);
    // The third attempt: answered; its settle fails after the call finished.
    let t = t + 1_005;
    expect_op(c.poll(t), BudgetOpKind::Acquire);
    c.handle_budget_reply(t, &json!([1, "3:c"]));
    sends(c.poll(t));
    c.handle_response(t + 5, 200, &[], GOT);
    expect_op(c.poll(t + 5), BudgetOpKind::Settle);
    c.handle_budget_error(t + 5, "timed out");
    match c.poll(t + 5) {
        Poll::Done(Ok(r)) => assert_eq!((r.status, r.attempts), (200, 3)),
        other => panic!("want the answer, got {other:?}"),
    }
    assert_eq!(
        budget_reasons(&mut c),
        ["budget_store_raise"; 4],
        "one notice event per failed operation"
    );

    // A failed acquire does end it, before anything is sent.
    let (mut c, _) = edge_call(
        "contacts.get",
        contacts_get(),
        seed,
        Some(OnRedisError::Raise),
    );
    expect_op(c.poll(0), BudgetOpKind::Acquire);
    c.handle_budget_error(3, "timed out");
    assert!(c.is_done());
    let e = error_of(c.poll(3));
    assert_eq!(e.kind(), ErrorKind::BudgetStore);
    assert_eq!(
        e.message(),
        "the shared rate-limit budget on Redis failed: timed out"
    );
    assert_eq!(c.attempts(), 0);
}
