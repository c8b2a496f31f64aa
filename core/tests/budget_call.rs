//! The call state machine with the shared budget on Redis, its replies scripted: the grant,
//! the settle / refund / block it owes the store, and the failure policy.
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
