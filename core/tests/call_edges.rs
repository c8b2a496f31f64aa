//! The decisions of the call state machine (`core/src/call.rs`) at and around their edges:
//! when a retry goes out, how long the backoff is, when the deadline ends the call, what
//! `may_have_been_delivered` says, what the limiter is told. Written for the mutation run of
//! issue 17 (round 8): every assertion is an exact value (a wait in ms, a message, a count).

use autosend::{
    private_limiter, ApiResponse, Call, ClientConfig, ClientOptions, Error, ErrorKind, Poll,
    RateLimits, Request, SharedLimiter, TransportErrorKind, BACKOFF_BASE_MS, BACKOFF_CAP_MS,
    MAX_RETRY_AFTER_MS,
};
use serde_json::{json, Value};

const KEY: &str = "AS_calledges0123";

fn config(f: impl FnOnce(&mut ClientOptions)) -> ClientConfig {
    let mut o = ClientOptions::new(KEY);
    f(&mut o);
    ClientConfig::new(o).unwrap()
}

fn send_params() -> Value {
    json!({"from": {"email": "a@mail.example.com"}, "to": {"email": "b@example.com"},
           "subject": "s", "html": "<p>x</p>"})
}

fn get_params() -> Value {
    json!({"id": "507f1f77bcf86cd799439011"})
}

const SENT: &[u8] = br#"{"success":true,"data":{"emailId":"e1"}}"#;
const GOT: &[u8] = br#"{"success":true,"data":{"id":"507f1f77bcf86cd799439011"}}"#;

fn new_call(
    cfg: &ClientConfig,
    limiter: &SharedLimiter,
    endpoint: &str,
    params: Value,
    seed: u64,
) -> Call {
    Call::new(cfg, limiter.clone(), endpoint, params, seed).unwrap()
}

/// A call with a limiter of its own.
fn call(cfg: &ClientConfig, endpoint: &str, params: Value) -> Call {
    new_call(
        cfg,
        &private_limiter(RateLimits::default()),
        endpoint,
        params,
        1,
    )
}

#[track_caller]
fn sent(p: Poll) -> Request {
    match p {
        Poll::Send(r) => r,
        other => panic!("want a send, got {other:?}"),
    }
}

#[track_caller]
fn wait(p: Poll) -> u64 {
    match p {
        Poll::Wait(ms) => ms,
        other => panic!("want a wait, got {other:?}"),
    }
}

#[track_caller]
fn ok(p: Poll) -> ApiResponse {
    match p {
        Poll::Done(Ok(r)) => r,
        other => panic!("want a success, got {other:?}"),
    }
}

#[track_caller]
fn err(p: Poll) -> Error {
    match p {
        Poll::Done(Err(e)) => e,
        other => panic!("want an error, got {other:?}"),
    }
}

fn h(k: &str, v: &str) -> Vec<(String, String)> {
    vec![(k.to_string(), v.to_string())]
}

fn too_many(retry_after_s: u64) -> Vec<u8> {
    format!(r#"{{"success":false,"error":{{"message":"slow down","retryAfter":{retry_after_s}}}}}"#)
        .into_bytes()
}

// --- attempts, retry timing -----------------------------------------------------------------

#[test]
fn attempts_count_every_request_sent() {
    let cfg = config(|_| {});
    let mut c = call(&cfg, "contacts.get", get_params());
    assert_eq!(c.attempts(), 0);
    assert_eq!(sent(c.poll(0)).attempt, 1);
    assert_eq!(c.attempts(), 1);
    c.handle_response(10, 429, &[], &too_many(2));
    assert_eq!(c.attempts(), 1);
    // The retry goes out exactly when the server's wait is over, not a millisecond before.
    assert_eq!(wait(c.poll(11)), 1999);
    assert_eq!(wait(c.poll(2009)), 1);
    assert_eq!(sent(c.poll(2010)).attempt, 2);
    assert_eq!(c.attempts(), 2);
    c.handle_transport_error(2020, TransportErrorKind::Connect);
    let w = wait(c.poll(2020));
    assert_eq!(sent(c.poll(2020 + w)).attempt, 3);
    assert_eq!(c.attempts(), 3);
    c.handle_response(2100 + w, 200, &[], GOT);
    let r = ok(c.poll(2100 + w));
    assert_eq!(r.attempts, 3);
    assert_eq!(c.attempts(), 3);
}

/// Limits that never make a call wait (the limiter's own rules are tested elsewhere).
fn loose() -> SharedLimiter {
    private_limiter(RateLimits {
        per_second: 1000,
        per_minute: 1000,
        second_ms: 1000,
        minute_ms: 60_000,
    })
}

/// The full-jitter backoff: retry n waits a uniform draw in [0, min(1000 · 2^(n-1), 20 000)]
/// from the call's seed.
#[test]
fn backoff_steps_double_from_the_seed_up_to_the_cap() {
    assert_eq!((BACKOFF_BASE_MS, BACKOFF_CAP_MS), (1000, 20_000));
    let cfg = config(|o| {
        o.max_retries = 8;
        o.deadline_ms = Some(10_000_000);
    });
    for seed in [1u64, 7, 42, 1234] {
        let mut c = new_call(&cfg, &loose(), "contacts.get", get_params(), seed);
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut now = 0;
        let mut steps = vec![];
        for n in 1..=8u32 {
            assert_eq!(sent(c.poll(now)).attempt, n);
            now += 5;
            c.handle_response(now, 503, &[], b"{}");
            let step = (1000u64 << (n - 1)).min(20_000);
            steps.push(step);
            let want = rng.u64(0..=step);
            assert_eq!(wait(c.poll(now)), want, "seed {seed}, retry {n}");
            now += want;
        }
        assert_eq!(
            steps,
            [1000, 2000, 4000, 8000, 16_000, 20_000, 20_000, 20_000]
        );
        assert_eq!(sent(c.poll(now)).attempt, 9);
        c.handle_response(now + 5, 503, &[], b"{}");
        let e = err(c.poll(now + 5));
        assert_eq!((e.kind(), e.status()), (ErrorKind::Server, Some(503)));
        assert_eq!(c.attempts(), 9);
    }
}

// --- the deadline ---------------------------------------------------------------------------

#[test]
fn each_attempt_gets_the_time_left_before_the_deadline() {
    let cfg = config(|o| {
        o.timeout_ms = 30_000;
        o.deadline_ms = Some(5000);
    });
    let mut c = new_call(&cfg, &loose(), "contacts.get", get_params(), 3);
    assert_eq!(sent(c.poll(100)).timeout_ms, 5000);
    c.handle_response(1100, 503, &[], b"{}");
    let w = wait(c.poll(1100));
    assert!(w <= 1000, "{w}");
    // The retry gets what is left of the 5 s from the first poll (at 100).
    assert_eq!(sent(c.poll(1100 + w)).timeout_ms, 5100 - (1100 + w));
    // A call whose timeout is shorter than what is left keeps its timeout.
    let cfg = config(|o| {
        o.timeout_ms = 2000;
        o.deadline_ms = Some(5000);
    });
    let mut c = new_call(&cfg, &loose(), "contacts.get", get_params(), 3);
    assert_eq!(sent(c.poll(100)).timeout_ms, 2000);
}

#[test]
fn the_deadline_ends_a_wait_that_would_reach_it() {
    let cfg = config(|o| o.deadline_ms = Some(5000));
    // A 429 at 1000 asking for 4 s: the retry would go at 5000, the deadline: refused at once.
    let mut c = new_call(&cfg, &loose(), "contacts.get", get_params(), 1);
    sent(c.poll(0));
    c.handle_response(1000, 429, &h("x-request-id", "req_9"), &too_many(4));
    let e = err(c.poll(1000));
    assert_eq!(e.kind(), ErrorKind::DeadlineExceeded);
    assert_eq!(
        e.message(),
        "the deadline passed; last attempt failed with: HTTP 429: slow down"
    );
    assert_eq!(e.status(), Some(429));
    assert_eq!(e.request_id(), Some("req_9"));
    assert_eq!(e.retry_after_ms(), Some(4000));
    assert!(!e.may_have_been_delivered());
    assert!(c.is_done());

    // The same 429 one millisecond later leaves a wait that ends 1 ms before the deadline:
    // waited, and sent.
    let mut c = new_call(&cfg, &loose(), "contacts.get", get_params(), 1);
    sent(c.poll(0));
    c.handle_response(999, 429, &[], &too_many(4));
    assert_eq!(wait(c.poll(999)), 4000);
    assert_eq!(wait(c.poll(4998)), 1);
    assert_eq!(sent(c.poll(4999)).timeout_ms, 1);
    c.handle_response(5100, 200, &[], GOT);
    assert_eq!(ok(c.poll(5100)).attempts, 2);

    // A retry polled exactly at the deadline is not sent.
    let mut c = new_call(&cfg, &loose(), "contacts.get", get_params(), 1);
    sent(c.poll(0));
    c.handle_response(999, 429, &[], &too_many(4));
    let e = err(c.poll(5000));
    assert_eq!(e.kind(), ErrorKind::DeadlineExceeded);
    assert_eq!(e.status(), Some(429));
}

#[test]
fn the_deadline_ends_a_rate_limit_wait_that_would_reach_it() {
    // Two requests answered at 10 fill the 2-per-second window until 1010.
    let run = |deadline_ms: u64| {
        let limiter = private_limiter(RateLimits::default());
        let cfg = config(|o| o.deadline_ms = Some(deadline_ms));
        for _ in 0..2 {
            let mut c = new_call(&cfg, &limiter, "contacts.get", get_params(), 1);
            sent(c.poll(0));
            c.handle_response(10, 200, &[], GOT);
            ok(c.poll(10));
        }
        let mut c = new_call(&cfg, &limiter, "contacts.get", get_params(), 1);
        c.record_events(true);
        (c.poll(10), c)
    };
    let (p, mut c) = run(1000);
    let e = err(p);
    assert_eq!(e.kind(), ErrorKind::DeadlineExceeded);
    assert_eq!(
        e.message(),
        "the deadline passed before the request could be sent (rate-limit wait)"
    );
    assert_eq!(
        (e.status(), e.request_id(), e.retry_after_ms()),
        (None, None, None)
    );
    assert_eq!(c.attempts(), 0);
    let (p, mut c2) = run(1001);
    assert_eq!(wait(p), 1000);
    let ev = c2.poll_event().unwrap();
    assert_eq!((ev.wait_ms, ev.reason), (Some(1000), Some("rate_limit")));
    assert!(c.poll_event().is_some_and(|e| e.ok == Some(false)));
}

#[test]
fn a_key_paused_past_two_minutes_ends_the_call_at_once() {
    assert_eq!(MAX_RETRY_AFTER_MS, 120_000);
    let cfg = config(|o| o.deadline_ms = Some(10_000_000));
    let paused = |ms: u64| {
        let limiter = private_limiter(RateLimits::default());
        limiter.lock().unwrap().block_for(0, ms);
        let mut c = new_call(&cfg, &limiter, "contacts.get", get_params(), 1);
        c.poll(0)
    };
    assert_eq!(wait(paused(120_000)), 120_000);
    assert_eq!(wait(paused(1)), 1);
    let e = err(paused(120_001));
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert_eq!(e.message(), "the API asked this key to pause for 121 s");
    assert_eq!(e.retry_after_ms(), Some(120_001));
    assert!(!e.may_have_been_delivered());
}

// --- cancel, is_done ------------------------------------------------------------------------

/// One request per second: a settled record holds the window for a second, a refunded one
/// frees it at once.
fn one_per_second() -> SharedLimiter {
    private_limiter(RateLimits {
        per_second: 1,
        per_minute: 50,
        second_ms: 1000,
        minute_ms: 60_000,
    })
}

#[test]
fn cancel_settles_a_request_on_the_wire_and_refunds_any_other() {
    let cfg = config(|_| {});
    // A send handed to the network: it counted (settled at 5), and may have been delivered.
    let l = one_per_second();
    let mut c = new_call(&cfg, &l, "emails.send", send_params(), 1);
    assert!(!c.is_done());
    sent(c.poll(0));
    assert!(!c.is_done());
    let e = c.cancel(5, true);
    assert!(c.is_done());
    assert_eq!(e.kind(), ErrorKind::Aborted);
    assert_eq!(
        e.message(),
        "the call was cancelled while a request was in flight; it may have been delivered: \
         check its status before sending again"
    );
    assert!(e.may_have_been_delivered());
    assert!(c.may_have_been_delivered());
    assert_eq!(l.lock().unwrap().in_flight(), 0);
    assert_eq!(l.lock().unwrap().next_free(5), 1005);
    let d = err(c.poll(6));
    assert_eq!((d.kind(), d.message()), (ErrorKind::Aborted, e.message()));

    // A read on the wire: settled too, but nothing may have been delivered.
    let l = one_per_second();
    let mut c = new_call(&cfg, &l, "contacts.get", get_params(), 1);
    sent(c.poll(0));
    let e = c.cancel(5, true);
    assert_eq!(
        e.message(),
        "the call was cancelled while a request was in flight"
    );
    assert!(!e.may_have_been_delivered());
    assert_eq!(l.lock().unwrap().next_free(5), 1005);

    // Polled, never handed to the network: refunded, not delivered.
    let l = one_per_second();
    let mut c = new_call(&cfg, &l, "emails.send", send_params(), 1);
    sent(c.poll(0));
    let e = c.cancel(5, false);
    assert_eq!(
        e.message(),
        "the call was cancelled before the next attempt was sent"
    );
    assert!(!e.may_have_been_delivered());
    assert_eq!(l.lock().unwrap().in_flight(), 0);
    assert_eq!(l.lock().unwrap().next_free(5), 5);

    // Waiting for a retry after a 429 (the caller says its last request was sent): nothing
    // is on the wire, nothing was delivered.
    let l = one_per_second();
    let mut c = new_call(&cfg, &l, "emails.send", send_params(), 1);
    sent(c.poll(0));
    c.handle_response(5, 429, &[], &too_many(1));
    assert_eq!(wait(c.poll(5)), 1000);
    let e = c.cancel(6, true);
    assert_eq!(
        e.message(),
        "the call was cancelled before the next attempt was sent"
    );
    assert!(!e.may_have_been_delivered());

    // Before the first poll.
    let mut c = new_call(&cfg, &l, "emails.send", send_params(), 1);
    let e = c.cancel(0, true);
    assert!(!e.may_have_been_delivered());
    assert!(c.is_done());
    assert_eq!(c.attempts(), 0);

    // After the call finished: its own error, the delivery flag of the call.
    let mut c = new_call(&cfg, &loose(), "emails.send", send_params(), 1);
    sent(c.poll(0));
    c.handle_response(5, 500, &[], b"{}");
    assert!(c.is_done());
    let e = c.cancel(6, true);
    assert_eq!(
        (e.kind(), e.message()),
        (
            ErrorKind::Aborted,
            "the call was cancelled after it finished"
        )
    );
    assert!(e.may_have_been_delivered());
    assert_eq!(err(c.poll(6)).kind(), ErrorKind::Server);
    let mut c = new_call(&cfg, &loose(), "contacts.get", get_params(), 1);
    sent(c.poll(0));
    c.handle_response(5, 200, &[], GOT);
    let e = c.cancel(6, true);
    assert_eq!(e.message(), "the call was cancelled after it finished");
    assert!(!e.may_have_been_delivered());
    assert_eq!(ok(c.poll(6)).status, 200);
}

#[test]
fn is_done_follows_the_state() {
    let cfg = config(|_| {});
    let mut c = call(&cfg, "contacts.get", get_params());
    assert!(!c.is_done());
    sent(c.poll(0));
    assert!(!c.is_done());
    c.handle_response(5, 503, &[], b"{}");
    assert!(!c.is_done(), "a retry is scheduled");
    let w = wait(c.poll(5));
    sent(c.poll(5 + w));
    c.handle_response(10 + w, 404, &[], b"{}");
    assert!(c.is_done());
    assert_eq!(err(c.poll(10 + w)).kind(), ErrorKind::NotFound);
    assert!(c.is_done());
    let again = err(c.poll(11 + w));
    assert_eq!(
        (again.kind(), again.message()),
        (
            ErrorKind::Internal,
            "poll called again after the call finished"
        )
    );
}

// --- what the limiter is told ---------------------------------------------------------------

#[test]
fn answers_settle_the_grant_and_a_429_or_a_connect_error_refunds_it() {
    let cfg = config(|o| o.max_retries = 0);
    let next_free = |l: &SharedLimiter, now| l.lock().unwrap().next_free(now);
    // Any answer but a 429 counted: the one-per-second window is held from its arrival.
    for status in [200u16, 400, 500] {
        let l = one_per_second();
        let mut c = new_call(&cfg, &l, "contacts.get", get_params(), 1);
        sent(c.poll(0));
        c.handle_response(5, status, &[], GOT);
        assert_eq!(next_free(&l, 5), 1005, "{status}");
    }
    // A 429 did not count: only the server's wait (100 ms) holds the next request.
    let l = one_per_second();
    let mut c = new_call(&cfg, &l, "contacts.get", get_params(), 1);
    sent(c.poll(0));
    c.handle_response(5, 429, &h("retry-after-ms", "100"), &too_many(1));
    assert_eq!(next_free(&l, 5), 105);
    assert_eq!(l.lock().unwrap().in_flight(), 0);
    // Nothing reached the server on a connect error; a timeout or a lost connection did.
    for (kind, free) in [
        (TransportErrorKind::Connect, 5),
        (TransportErrorKind::Timeout, 1005),
        (TransportErrorKind::ConnectionLost, 1005),
    ] {
        let l = one_per_second();
        let mut c = new_call(&cfg, &l, "contacts.get", get_params(), 1);
        sent(c.poll(0));
        c.handle_transport_error(5, kind);
        assert_eq!(next_free(&l, 5), free, "{kind:?}");
        assert_eq!(l.lock().unwrap().in_flight(), 0);
    }
}

#[test]
fn a_remaining_of_zero_blocks_the_key_until_the_reset() {
    let cfg = config(|_| {});
    let headers = vec![
        ("x-ratelimit-remaining".to_string(), "0".to_string()),
        ("x-ratelimit-reset".to_string(), "7".to_string()),
    ];
    let l = private_limiter(RateLimits::default());
    let mut c = new_call(&cfg, &l, "contacts.get", get_params(), 1);
    sent(c.poll(0));
    c.handle_response(10, 200, &headers, GOT);
    assert_eq!(ok(c.poll(10)).status, 200);
    assert_eq!(l.lock().unwrap().next_free(10), 7010);
    let mut next = new_call(&cfg, &l, "contacts.get", get_params(), 1);
    assert_eq!(wait(next.poll(10)), 7000);
    // Remaining above zero: no block.
    let l = private_limiter(RateLimits::default());
    let mut c = new_call(&cfg, &l, "contacts.get", get_params(), 1);
    sent(c.poll(0));
    let headers = vec![
        ("x-ratelimit-remaining".to_string(), "1".to_string()),
        ("x-ratelimit-reset".to_string(), "7".to_string()),
    ];
    c.handle_response(10, 200, &headers, GOT);
    assert_eq!(l.lock().unwrap().next_free(10), 10);
}

// --- outcomes fed when no request is outstanding --------------------------------------------

#[test]
fn outcomes_fed_with_no_request_outstanding_are_ignored() {
    let cfg = config(|_| {});
    let l = one_per_second();
    let mut c = new_call(&cfg, &l, "contacts.get", get_params(), 1);
    c.handle_response(0, 200, &[], GOT);
    c.handle_transport_error(0, TransportErrorKind::Timeout);
    c.handle_oversized_response(0, 200, &[]);
    assert!(!c.is_done());
    assert_eq!(sent(c.poll(0)).attempt, 1);
    c.handle_response(5, 200, &[], GOT);
    // Late duplicates after the answer change nothing.
    c.handle_response(6, 500, &[], b"{}");
    c.handle_transport_error(6, TransportErrorKind::ConnectionLost);
    c.handle_oversized_response(6, 500, &[]);
    assert_eq!(ok(c.poll(7)).attempts, 1);
    assert_eq!(l.lock().unwrap().next_free(7), 1005);
    // While waiting for a retry.
    let mut c = new_call(&cfg, &loose(), "contacts.get", get_params(), 1);
    sent(c.poll(0));
    c.handle_response(5, 503, &[], b"{}");
    c.handle_response(6, 200, &[], GOT);
    c.handle_transport_error(6, TransportErrorKind::Connect);
    c.handle_oversized_response(6, 200, &[]);
    let w = wait(c.poll(6));
    assert_eq!(sent(c.poll(6 + w)).attempt, 2);
}

#[test]
fn a_second_poll_while_in_flight_fails_closed() {
    let cfg = config(|_| {});
    for (endpoint, params, delivered) in [
        ("emails.send", send_params(), true),
        ("contacts.get", get_params(), false),
    ] {
        let l = one_per_second();
        let mut c = new_call(&cfg, &l, endpoint, params, 1);
        sent(c.poll(0));
        let e = err(c.poll(5));
        assert_eq!(e.kind(), ErrorKind::Internal);
        assert_eq!(
            e.message(),
            "poll called while a request was outstanding (feed the response back first)"
        );
        assert_eq!(e.may_have_been_delivered(), delivered, "{endpoint}");
        // Its grant is settled at 5, not left in flight.
        assert_eq!(l.lock().unwrap().in_flight(), 0);
        assert_eq!(l.lock().unwrap().next_free(5), 1005);
        assert!(c.is_done());
    }
}

// --- a garbled or incomplete 2xx, an oversized answer ---------------------------------------

#[test]
fn a_garbled_success_is_invalid_and_a_send_may_have_been_delivered() {
    let cfg = config(|_| {});
    let rid = h("x-request-id", "req_7");
    let mut c = call(&cfg, "emails.send", send_params());
    sent(c.poll(0));
    c.handle_response(5, 200, &rid, b"OK");
    let e = err(c.poll(5));
    assert_eq!(e.kind(), ErrorKind::InvalidResponse);
    assert_eq!(e.message(), "HTTP 200 with a body that is not JSON");
    assert_eq!((e.status(), e.request_id()), (Some(200), Some("req_7")));
    assert!(e.may_have_been_delivered());
    assert!(c.may_have_been_delivered());
    assert_eq!(c.attempts(), 1);

    let mut c = call(&cfg, "emails.send", send_params());
    sent(c.poll(0));
    c.handle_response(5, 201, &[], br#"{"success":true,"data":{}}"#);
    let e = err(c.poll(5));
    assert_eq!(
        e.message(),
        "HTTP 201 without the documented emailId: the API most likely processed the request \
         but did not say so"
    );
    assert!(e.may_have_been_delivered());

    // A read: the same errors, nothing delivered.
    let mut c = call(&cfg, "contacts.get", get_params());
    sent(c.poll(0));
    c.handle_response(5, 200, &[], b"OK");
    let e = err(c.poll(5));
    assert_eq!(e.kind(), ErrorKind::InvalidResponse);
    assert!(!e.may_have_been_delivered());
    assert!(!c.may_have_been_delivered());
}

#[test]
fn an_oversized_answer_counts_and_is_never_retried() {
    let cfg = config(|_| {});
    let l = one_per_second();
    let mut c = new_call(&cfg, &l, "contacts.get", get_params(), 1);
    sent(c.poll(0));
    c.handle_oversized_response(5, 503, &h("x-request-id", "req_3"));
    let e = err(c.poll(5));
    assert_eq!(e.kind(), ErrorKind::InvalidResponse);
    assert_eq!((e.status(), e.request_id()), (Some(503), Some("req_3")));
    assert!(!e.may_have_been_delivered());
    assert_eq!(c.attempts(), 1);
    assert_eq!(l.lock().unwrap().next_free(5), 1005);

    let mut c = new_call(&cfg, &loose(), "emails.send", send_params(), 1);
    sent(c.poll(0));
    c.handle_oversized_response(5, 200, &[]);
    assert!(c.may_have_been_delivered());
    assert!(err(c.poll(5)).may_have_been_delivered());
}

// --- which failures are retried, and what they say ------------------------------------------

#[test]
fn transport_failures_retry_by_idempotency_and_say_the_attempt() {
    let cfg = config(|o| o.max_retries = 1);
    // A connect error is retried on any endpoint, and a send was not delivered.
    let mut c = new_call(&cfg, &loose(), "emails.send", send_params(), 1);
    sent(c.poll(0));
    c.handle_transport_error(5, TransportErrorKind::Connect);
    assert!(!c.may_have_been_delivered());
    let w = wait(c.poll(5));
    sent(c.poll(5 + w));
    c.handle_transport_error(10 + w, TransportErrorKind::Connect);
    let e = err(c.poll(10 + w));
    assert_eq!(e.kind(), ErrorKind::Connect);
    assert_eq!(e.message(), "could not connect to the API (attempt 2)");
    assert!(!e.may_have_been_delivered());

    // A timeout or a lost connection of a send: not retried, may have been delivered.
    for (kind, ek, msg) in [
        (
            TransportErrorKind::Timeout,
            ErrorKind::Timeout,
            "the request timed out (attempt 1)",
        ),
        (
            TransportErrorKind::ConnectionLost,
            ErrorKind::ConnectionLost,
            "the connection was lost before an answer arrived (attempt 1)",
        ),
    ] {
        let mut c = new_call(&cfg, &loose(), "emails.send", send_params(), 1);
        sent(c.poll(0));
        c.handle_transport_error(5, kind);
        assert!(c.may_have_been_delivered());
        assert!(c.is_done());
        let e = err(c.poll(5));
        assert_eq!((e.kind(), e.message()), (ek, msg));
        assert!(e.may_have_been_delivered());
        // A read is retried, and nothing was delivered.
        let mut c = new_call(&cfg, &loose(), "contacts.get", get_params(), 1);
        sent(c.poll(0));
        c.handle_transport_error(5, kind);
        assert!(!c.is_done());
        assert!(!c.may_have_been_delivered());
        let w = wait(c.poll(5));
        assert_eq!(sent(c.poll(5 + w)).attempt, 2);
        c.handle_response(10 + w, 200, &[], GOT);
        assert_eq!(ok(c.poll(10 + w)).attempts, 2);
    }
    // With the opt-in, a send is retried after a timeout, and says it may have been delivered.
    let cfg = config(|o| {
        o.max_retries = 1;
        o.retry_non_idempotent = true;
    });
    let mut c = new_call(&cfg, &loose(), "emails.send", send_params(), 1);
    sent(c.poll(0));
    c.handle_transport_error(5, TransportErrorKind::Timeout);
    assert!(!c.is_done());
    let w = wait(c.poll(5));
    sent(c.poll(5 + w));
    c.handle_response(10 + w, 200, &[], SENT);
    assert_eq!(ok(c.poll(10 + w)).attempts, 2);
    assert!(c.may_have_been_delivered());
}

#[test]
fn server_errors_retry_by_idempotency() {
    let cfg = config(|o| o.max_retries = 2);
    // A send: not retried, may have been delivered.
    let mut c = new_call(&cfg, &loose(), "emails.send", send_params(), 1);
    sent(c.poll(0));
    c.handle_response(5, 502, &[], b"<html>bad gateway</html>");
    assert!(c.is_done());
    let e = err(c.poll(5));
    assert_eq!((e.kind(), e.status()), (ErrorKind::Server, Some(502)));
    assert!(e.may_have_been_delivered());
    // A read: retried up to max_retries, then the last error.
    let mut c = new_call(&cfg, &loose(), "contacts.get", get_params(), 1);
    let mut now = 0;
    for attempt in 1..=3 {
        assert_eq!(sent(c.poll(now)).attempt, attempt);
        c.handle_response(now + 5, 599, &[], b"{}");
        now += 5;
        if attempt < 3 {
            assert!(!c.is_done());
            now += wait(c.poll(now));
        }
    }
    let e = err(c.poll(now));
    assert_eq!((e.kind(), e.status()), (ErrorKind::Server, Some(599)));
    assert!(!e.may_have_been_delivered());
    // 600 is no server error: not retried.
    let mut c = new_call(&cfg, &loose(), "contacts.get", get_params(), 1);
    sent(c.poll(0));
    c.handle_response(5, 600, &[], b"{}");
    assert!(c.is_done());
}

#[test]
fn a_429_is_retried_after_its_wait_unless_longer_than_two_minutes() {
    let cfg = config(|o| o.deadline_ms = Some(10_000_000));
    for (secs, retried) in [(120u64, true), (121, false)] {
        let l = private_limiter(RateLimits::default());
        let mut c = new_call(&cfg, &l, "emails.send", send_params(), 1);
        sent(c.poll(0));
        c.handle_response(5, 429, &[], &too_many(secs));
        // Either way the key is blocked for the whole wait.
        assert_eq!(l.lock().unwrap().next_free(5), 5 + secs * 1000);
        assert_eq!(c.is_done(), !retried, "{secs}");
        if retried {
            assert_eq!(wait(c.poll(5)), secs * 1000);
            assert_eq!(sent(c.poll(5 + secs * 1000)).attempt, 2);
        } else {
            let e = err(c.poll(5));
            assert_eq!(e.kind(), ErrorKind::RateLimited);
            assert_eq!(e.retry_after_ms(), Some(121_000));
            assert!(!e.may_have_been_delivered());
        }
    }
}

// --- the small accessors --------------------------------------------------------------------

#[test]
fn transport_error_kind_names_round_trip() {
    for (kind, name) in [
        (TransportErrorKind::Connect, "connect"),
        (TransportErrorKind::Timeout, "timeout"),
        (TransportErrorKind::ConnectionLost, "connection_lost"),
    ] {
        assert_eq!(kind.name(), name);
        assert_eq!(TransportErrorKind::from_name(name), Some(kind));
    }
    for other in ["", "Connect", "connection-lost", "dns"] {
        assert_eq!(TransportErrorKind::from_name(other), None);
    }
}

#[test]
fn call_debug_endpoint_and_bytes() {
    let cfg = config(|_| {});
    let mut c = new_call(&cfg, &loose(), "contacts.get", get_params(), 1);
    assert_eq!(
        format!("{c:?}"),
        "Call { endpoint: \"contacts.get\", state: Ready, attempts: 0, retries: 0, not_before: 0 }"
    );
    assert_eq!(c.endpoint().id, "contacts.get");
    assert!(!c.expects_bytes());
    sent(c.poll(0));
    c.handle_response(5, 503, &[], b"{}");
    let w = wait(c.poll(5));
    assert_eq!(
        format!("{c:?}"),
        format!(
            "Call {{ endpoint: \"contacts.get\", state: Ready, attempts: 1, retries: 1, \
             not_before: {} }}",
            5 + w
        )
    );
    sent(c.poll(5 + w));
    assert!(format!("{c:?}").contains("state: InFlight, attempts: 2"));

    let mut c = new_call(
        &cfg,
        &loose(),
        "inbound.attachment",
        json!({"id": "m1", "idx": "att_1", "download": true}),
        1,
    );
    assert!(c.expects_bytes());
    assert_eq!(c.endpoint().id, "inbound.attachment");
    assert!(sent(c.poll(0)).expects_bytes);
    let headers = vec![
        ("content-type".to_string(), "application/pdf".to_string()),
        (
            "content-disposition".to_string(),
            "attachment; filename=\"a.pdf\"".to_string(),
        ),
        ("x-request-id".to_string(), "req_5".to_string()),
    ];
    c.handle_response(5, 200, &headers, b"%PDF-1.7");
    let r = ok(c.poll(5));
    assert_eq!(r.bytes.as_deref(), Some(&b"%PDF-1.7"[..]));
    assert_eq!(r.content_type.as_deref(), Some("application/pdf"));
    assert_eq!(r.filename.as_deref(), Some("a.pdf"));
    assert_eq!(r.request_id.as_deref(), Some("req_5"));
    assert_eq!(
        (r.status, r.attempts, r.data.clone()),
        (200, 1, Value::Null)
    );
}

#[test]
fn answer_started_settles_at_the_head_except_for_a_429() {
    let cfg = config(|_| {});
    let next_free = |l: &SharedLimiter, now| l.lock().unwrap().next_free(now);
    let l = one_per_second();
    let mut c = new_call(&cfg, &l, "contacts.get", get_params(), 1);
    c.answer_started(0, 200); // nothing in flight: ignored
    sent(c.poll(0));
    c.answer_started(3, 200);
    assert_eq!(l.lock().unwrap().in_flight(), 0);
    c.handle_response(50, 200, &[], GOT);
    assert_eq!(next_free(&l, 50), 1003);
    ok(c.poll(50));

    // A 429's head does not settle: the 429 refunds the grant.
    let l = one_per_second();
    let mut c = new_call(&cfg, &l, "contacts.get", get_params(), 1);
    sent(c.poll(0));
    c.answer_started(3, 429);
    assert_eq!(l.lock().unwrap().in_flight(), 1);
    c.handle_response(50, 429, &h("retry-after-ms", "100"), &too_many(1));
    assert_eq!(next_free(&l, 50), 150);

    // Before any request: the answer of the first request settles it.
    let l = one_per_second();
    let mut c = new_call(&cfg, &l, "contacts.get", get_params(), 1);
    c.answer_started(3, 200);
    sent(c.poll(10));
    assert_eq!(l.lock().unwrap().in_flight(), 1);
    c.handle_response(50, 200, &[], GOT);
    assert_eq!(next_free(&l, 50), 1050);
}

#[test]
fn the_key_fetch_of_an_encrypted_call_gets_the_time_left_too() {
    let cfg = config(|o| {
        o.timeout_ms = 30_000;
        o.deadline_ms = Some(5000);
    });
    let mut c = new_call(&cfg, &loose(), "emails.send", send_params(), 1);
    c.encrypt_with(&cfg, Default::default());
    assert!(c.is_encrypted());
    let bytes: Vec<u8> = (0..c.entropy_needed())
        .map(|i| (i * 31 + 7) as u8)
        .collect();
    c.provide_entropy(&bytes).unwrap();
    // The first poll (at 1000) starts the 5 s: the key fetch may take all of them, no more.
    let fetch = sent(c.poll(1000));
    assert!(fetch.url.ends_with("/jwks.json"), "{}", fetch.url);
    assert_eq!(fetch.timeout_ms, 5000);
    // A call whose timeout is shorter keeps it for the fetch too.
    let cfg = config(|o| {
        o.timeout_ms = 2000;
        o.deadline_ms = Some(5000);
    });
    let mut c = new_call(&cfg, &loose(), "emails.send", send_params(), 1);
    c.encrypt_with(&cfg, Default::default());
    c.provide_entropy(&bytes).unwrap();
    assert_eq!(sent(c.poll(1000)).timeout_ms, 2000);
}

#[test]
fn recording_events_can_be_turned_on_and_off() {
    use autosend::EventKind;
    let cfg = config(|_| {});
    let mut c = new_call(&cfg, &loose(), "contacts.get", get_params(), 1);
    assert!(!c.records_events());
    c.record_events(true);
    assert!(c.records_events());
    sent(c.poll(0));
    let ev = c.poll_event().unwrap();
    assert_eq!((ev.kind, ev.attempt), (EventKind::Request, 1));
    assert_eq!(ev.path, "/v1/contacts/507f1f77bcf86cd799439011");
    assert!(c.poll_event().is_none());
    c.handle_response(7, 503, &[], b"{}");
    // Turned off: what was recorded is dropped, nothing more is recorded.
    c.record_events(false);
    assert!(!c.records_events());
    assert!(c.poll_event().is_none());
    let w = wait(c.poll(7));
    sent(c.poll(7 + w));
    assert!(c.poll_event().is_none());
    // On again: recorded from then on.
    c.record_events(true);
    c.handle_response(20 + w, 200, &[], GOT);
    let ev = c.poll_event().unwrap();
    assert_eq!(ev.kind, EventKind::Response);
    assert_eq!((ev.status, ev.attempt), (Some(200), 2));
}

#[test]
fn a_call_dropped_in_flight_abandons_its_grant() {
    use autosend::ABANDON_MARGIN_MS;
    let cfg = config(|_| {});
    let l = one_per_second();
    let mut c = new_call(&cfg, &l, "contacts.get", get_params(), 1);
    sent(c.poll(0));
    drop(c);
    // Settled at the next time the limiter sees (100) plus the margin, not left in flight.
    assert_eq!(
        l.lock().unwrap().next_free(100),
        100 + ABANDON_MARGIN_MS + 1000
    );
    assert_eq!(l.lock().unwrap().in_flight(), 0);
    // A call dropped after its answer holds nothing more.
    let l = one_per_second();
    let mut c = new_call(&cfg, &l, "contacts.get", get_params(), 1);
    sent(c.poll(0));
    c.handle_response(5, 200, &[], GOT);
    drop(c);
    assert_eq!(l.lock().unwrap().next_free(100), 1005);
}

/// Every attempt of a call sends the same request (method, URL, headers in their order, key
/// and project id included, body); only `attempt` counts up. The first attempt hands out the
/// prepared request and later ones build its headers again: both must agree.
#[test]
fn every_attempt_sends_the_same_request() {
    let project = config(|o| o.max_retries = 3);
    let account = ClientConfig::new({
        let mut o = ClientOptions::new("ASA_calledges0123");
        o.project_id = Some("proj_1".to_string());
        o.max_retries = 3;
        o
    })
    .unwrap();
    let cases = [
        (&project, "emails.send", send_params()),
        (&project, "contacts.get", get_params()),
        (&account, "contacts.get", get_params()),
        (&account, "emails.send", send_params()),
        (&account, "projects.list", Value::Null),
        (&account, "projects.create", json!({"name": "p"})),
        (&project, "jwks.get", Value::Null),
    ];
    for (cfg, endpoint, params) in cases {
        let mut c = new_call(cfg, &loose(), endpoint, params.clone(), 1);
        let first = sent(c.poll(0));
        let (_, expected) = autosend::build_request(cfg, endpoint, params).unwrap();
        let mut now = 0;
        let mut reqs = vec![first];
        for _ in 0..3 {
            // A 429 is retried on every endpoint.
            c.handle_response(now + 1, 429, &[], &too_many(1));
            now += 1001;
            reqs.push(sent(c.poll(now)));
        }
        for (i, r) in reqs.iter().enumerate() {
            assert_eq!(r.attempt, i as u32 + 1, "{endpoint}");
            let mut same = expected.clone();
            same.attempt = r.attempt;
            assert_eq!(r, &same, "{endpoint}, attempt {}", i + 1);
        }
        let names: Vec<&str> = reqs[3].headers.iter().map(|(k, _)| k.as_str()).collect();
        let auth = reqs[3].header("authorization");
        match endpoint {
            "jwks.get" => assert_eq!(auth, None),
            _ => assert_eq!(
                auth,
                Some(format!("Bearer {}", cfg.key().expose_secret()).as_str())
            ),
        }
        // An account key names the project, except on the account's own endpoints.
        let has_project =
            cfg.key().expose_secret().starts_with("ASA_") && endpoint != "projects.create";
        assert_eq!(names.contains(&"x-project-id"), has_project, "{endpoint}");
        assert_eq!(
            names.contains(&"content-type"),
            endpoint == "emails.send" || endpoint == "projects.create",
            "{endpoint}"
        );
    }
}
