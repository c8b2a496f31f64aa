//! A response body over `MAX_RESPONSE_BYTES` (issue 14 item 5): the transport stops reading
//! and the core ends the call with a typed `invalid_response`, never retried; a send says it
//! may have been delivered (the server answered).

use autosend::{
    private_limiter, Call, ClientConfig, ClientOptions, ErrorKind, Poll, RateLimits,
    MAX_RESPONSE_BYTES,
};
use serde_json::json;

fn call(endpoint: &str, params: serde_json::Value) -> Call {
    let mut o = ClientOptions::new("AS_oversized123");
    o.max_retries = 3;
    let cfg = ClientConfig::new(o).unwrap();
    Call::new(
        &cfg,
        private_limiter(RateLimits::default()),
        endpoint,
        params,
        1,
    )
    .unwrap()
}

#[test]
fn an_oversized_answer_ends_the_call_with_invalid_response() {
    assert_eq!(MAX_RESPONSE_BYTES, 50 * 1024 * 1024);
    let mut c = call(
        "emails.send",
        json!({"from": {"email": "a@example.com"}, "to": {"email": "b@example.com"},
               "subject": "s", "html": "h"}),
    );
    assert!(matches!(c.poll(0), Poll::Send(_)));
    let headers = vec![("x-request-id".to_string(), "req_1".to_string())];
    c.handle_oversized_response(5, 200, &headers);
    let Poll::Done(Err(e)) = c.poll(6) else {
        panic!("the call should be over");
    };
    assert_eq!(e.kind(), ErrorKind::InvalidResponse);
    assert_eq!(e.status(), Some(200));
    assert!(e.may_have_been_delivered());
    assert!(e.to_string().contains("larger than 50 MB"), "{e}");
    assert!(e.to_string().contains("before sending again"), "{e}");
    assert_eq!(c.attempts(), 1, "not retried");

    // An idempotent call: same error, nothing may have been delivered, not retried either.
    let mut c = call("contacts.get", json!({"id": "c1"}));
    assert!(matches!(c.poll(0), Poll::Send(_)));
    c.handle_oversized_response(5, 200, &[]);
    let Poll::Done(Err(e)) = c.poll(6) else {
        panic!("the call should be over");
    };
    assert_eq!(e.kind(), ErrorKind::InvalidResponse);
    assert!(!e.may_have_been_delivered());
}
