//! Edges of reading answers (`core/src/response.rs`) that `cargo mutants` found untested,
//! through the public API: the exact `Debug` and `describe` of an answer, the wait a 429
//! asks for from each of its hints, every error-envelope variant, the 402 status and the
//! file name of a download.

mod common;

use autosend::{
    ApiResponse, ClientConfig, ClientOptions, Error, ErrorKind, DEFAULT_RETRY_AFTER_MS,
};
use serde_json::{json, Value};

const DATE: (&str, &str) = ("Date", "Thu, 01 Jan 2026 00:00:00 GMT");

fn send_params() -> Value {
    json!({"from": {"email": "a@mail.example.com"}, "to": {"email": "b@example.com"},
           "subject": "s", "html": "<p>x</p>"})
}

/// One attempt of `id` (no retries) answered with `status`, `headers` and `body`.
fn answer(
    id: &str,
    params: Value,
    status: u16,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<ApiResponse, Error> {
    let mut o = ClientOptions::new("AS_responseedges123");
    o.max_retries = 0;
    let cfg = ClientConfig::new(o).unwrap();
    common::one_attempt(&cfg, id, params, status, headers, body).2
}

fn send_error(status: u16, headers: &[(&str, &str)], body: Value) -> Error {
    let body = body.to_string();
    answer(
        "emails.send",
        send_params(),
        status,
        headers,
        body.as_bytes(),
    )
    .unwrap_err()
}

fn details(e: &Error) -> Vec<(&str, &str)> {
    e.details()
        .iter()
        .map(|d| (d.field.as_str(), d.message.as_str()))
        .collect()
}

fn json_answer() -> ApiResponse {
    ApiResponse {
        status: 201,
        data: json!({"emailId": "e1"}),
        message: Some("Created".into()),
        bytes: None,
        content_type: None,
        filename: None,
        request_id: Some("req_1".into()),
        attempts: 2,
        already_gone: false,
    }
}

fn file_answer() -> ApiResponse {
    ApiResponse {
        status: 200,
        data: Value::Null,
        message: None,
        bytes: Some(b"%PDF secret".to_vec()),
        content_type: Some("application/pdf".into()),
        filename: Some("a.pdf".into()),
        request_id: None,
        attempts: 1,
        already_gone: true,
    }
}

#[test]
fn debug_of_an_answer_is_exact_and_shows_the_length_not_the_bytes() {
    assert_eq!(
        format!("{:?}", json_answer()),
        r#"ApiResponse { status: 201, data: Object {"emailId": String("e1")}, message: Some("Created"), bytes_len: None, content_type: None, filename: None, request_id: Some("req_1"), attempts: 2, already_gone: false }"#
    );
    assert_eq!(
        format!("{:?}", file_answer()),
        r#"ApiResponse { status: 200, data: Null, message: None, bytes_len: Some(11), content_type: Some("application/pdf"), filename: Some("a.pdf"), request_id: None, attempts: 1, already_gone: true }"#
    );
}

#[test]
fn describe_and_is_binary_of_json_and_file_answers() {
    let j = json_answer();
    assert!(!j.is_binary());
    assert_eq!(
        j.describe(),
        json!({"status": 201, "data": {"emailId": "e1"}, "message": "Created",
               "request_id": "req_1", "attempts": 2, "already_gone": false, "binary": false,
               "content_type": null, "filename": null, "size": null})
    );
    let f = file_answer();
    assert!(f.is_binary());
    assert_eq!(
        f.describe(),
        json!({"status": 200, "data": null, "message": null, "request_id": null,
               "attempts": 1, "already_gone": true, "binary": true,
               "content_type": "application/pdf", "filename": "a.pdf", "size": 11})
    );
}

#[test]
fn plan_required_by_status_402_or_by_code() {
    let e = send_error(
        402,
        &[],
        json!({"success": false, "error": {"message": "Upgrade"}}),
    );
    assert_eq!(
        (e.kind(), e.status(), e.message()),
        (ErrorKind::PlanRequired, Some(402), "HTTP 402: Upgrade")
    );
    let e = send_error(
        403,
        &[],
        json!({"error": {"message": "No", "code": "PLAN_UPGRADE_REQUIRED"}}),
    );
    assert_eq!(e.kind(), ErrorKind::PlanRequired);
    let e = send_error(418, &[], json!({"message": "teapot"}));
    assert_eq!(e.kind(), ErrorKind::UnexpectedStatus);
}

/// The wait (ms) a 429 with `headers` and `body` reports.
fn wait(headers: &[(&str, &str)], body: Value) -> u64 {
    let e = send_error(429, headers, body);
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    e.retry_after_ms()
        .expect("a 429 always says how long to wait")
}

#[test]
fn wait_of_a_429_from_the_retry_after_header() {
    let none = json!({"success": false, "error": {"message": "slow down"}});
    assert_eq!(wait(&[], none.clone()), DEFAULT_RETRY_AFTER_MS);
    assert_eq!(wait(&[("Retry-After", "30")], none.clone()), 30_000);
    assert_eq!(wait(&[("Retry-After", "0")], none.clone()), 0);
    assert_eq!(wait(&[("Retry-After", "2.5")], none.clone()), 2_500);
    // Negative seconds are no wait: the default stands (not 0).
    assert_eq!(wait(&[("Retry-After", "-5")], none.clone()), 1000);
    // An HTTP date, against the answer's Date.
    assert_eq!(
        wait(
            &[("Retry-After", "Thu, 01 Jan 2026 00:00:30 GMT"), DATE],
            none.clone()
        ),
        30_000
    );
    assert_eq!(
        wait(
            &[("Retry-After", "Thu, 01 Jan 2026 00:02:00 GMT"), DATE],
            none.clone()
        ),
        120_000
    );
    assert_eq!(
        wait(
            &[("Retry-After", "Wed, 31 Dec 2025 23:59:00 GMT"), DATE],
            none.clone()
        ),
        0
    );
    // An HTTP date without a Date to measure it against: the default.
    assert_eq!(
        wait(&[("Retry-After", "Thu, 01 Jan 2026 00:00:30 GMT")], none),
        1000
    );
}

#[test]
fn wait_of_a_429_from_the_rate_limit_reset() {
    let none = json!({"error": {"message": "slow down"}});
    let w = |remaining: &str, reset: &str| {
        wait(
            &[
                ("X-RateLimit-Remaining", remaining),
                ("X-RateLimit-Reset", reset),
                DATE,
            ],
            none.clone(),
        )
    };
    assert_eq!(w("0", "30"), 30_000);
    assert_eq!(w("0", "0"), 0);
    assert_eq!(w("0", "1767225630"), 30_000);
    // Requests left, or a reset that is no time: the reset says nothing.
    assert_eq!(w("1", "30"), 1000);
    assert_eq!(w("0.5", "30"), 1000);
    assert_eq!(w("0", "-5"), 1000);
    assert_eq!(w("0", "soon"), 1000);
    // A negative remaining count is "none left".
    assert_eq!(w("-1", "30"), 30_000);
    assert_eq!(wait(&[("X-RateLimit-Remaining", "0")], none.clone()), 1000);
    // The Retry-After header wins over the reset.
    assert_eq!(
        wait(
            &[
                ("X-RateLimit-Remaining", "0"),
                ("X-RateLimit-Reset", "30"),
                ("Retry-After", "5"),
            ],
            none
        ),
        5_000
    );
}

#[test]
fn wait_of_a_429_from_the_body_and_retry_after_ms() {
    let body = |r: Value| json!({"error": {"message": "slow down", "retryAfter": r}});
    assert_eq!(wait(&[], body(json!(2))), 2_000);
    // A number written as a string is read; a negative one is no wait.
    assert_eq!(wait(&[], body(json!(" 2 "))), 2_000);
    assert_eq!(wait(&[], body(json!(-3))), 1000);
    assert_eq!(wait(&[], body(json!("-3"))), 1000);
    assert_eq!(wait(&[], body(json!("inf"))), 1000);
    // Top-level retryAfter too.
    assert_eq!(wait(&[], json!({"message": "x", "retryAfter": 4})), 4_000);
    // 1e11 and above are epoch milliseconds (here 1973: in the past, no wait).
    assert_eq!(wait(&[DATE], body(json!(1e11))), 0);
    assert_eq!(wait(&[DATE], body(json!(1_767_225_630_000u64))), 30_000);
    assert_eq!(wait(&[DATE], body(json!(1_767_225_630u64))), 30_000);
    // Retry-After-Ms refines the coarse value when at most 1 s shorter, else only lengthens.
    let ms = |v: &str, r: Value| wait(&[("Retry-After-Ms", v)], body(r));
    assert_eq!(ms("29001", json!(30)), 29_001);
    assert_eq!(ms("29000", json!(30)), 30_000);
    assert_eq!(ms("31000", json!(30)), 31_000);
    assert_eq!(ms("-5", json!(0.5)), 500);
    assert_eq!(ms("inf", json!(0.5)), 500);
    assert_eq!(ms("120", json!(0.5)), 120);
}

#[test]
fn error_envelopes_of_every_shape() {
    // A JSON string is the message.
    let e = send_error(400, &[], json!("Service paused"));
    assert_eq!(e.message(), "HTTP 400: Service paused");
    // A JSON array is the list of details; the first one's message is the message.
    let e = send_error(
        400,
        &[],
        json!([{"field": "to", "message": "Invalid email"}, "also this"]),
    );
    assert_eq!(e.message(), "HTTP 400: Invalid email");
    assert_eq!(details(&e), [("to", "Invalid email"), ("", "also this")]);
    // Blank strings are no value: the top-level message and code stand in.
    let e = send_error(
        400,
        &[],
        json!({"error": {"message": "  ", "code": " "}, "message": "Top", "code": "TOP"}),
    );
    assert_eq!((e.message(), e.api_code()), ("HTTP 400: Top", Some("TOP")));
    let e = send_error(400, &[], json!({"error": {"message": " \t"}}));
    assert_eq!((e.message(), e.api_code()), ("HTTP 400 from the API", None));
    // Details as a lone string, trimmed; a blank one is none.
    let e = send_error(
        400,
        &[],
        json!({"error": {"message": "Bad", "details": "  only text  "}}),
    );
    assert_eq!(details(&e), [("", "only text")]);
    let e = send_error(
        400,
        &[],
        json!({"error": {"message": "Bad", "details": "   "}}),
    );
    assert!(details(&e).is_empty(), "{:?}", e.details());
    // Each kind of detail item: a string, a field without message, a path as a list, an
    // empty item (dropped), a number (dropped).
    let e = send_error(
        400,
        &[],
        json!({"error": {"message": "Bad", "details": [
            "to is required",
            {"field": "subject"},
            {"message": " "},
            {"path": ["to", 0, "email"], "message": "Invalid"},
            {"path": "cc", "message": "x"},
            7
        ]}}),
    );
    assert_eq!(
        details(&e),
        [
            ("", "to is required"),
            ("subject", ""),
            ("to.0.email", "Invalid"),
            ("cc", "x")
        ]
    );
}

/// The file name a download answered with `Content-Disposition: disposition` is saved as.
fn filename(disposition: &str) -> Option<String> {
    answer(
        "inbound.attachment",
        json!({"id": "m1", "idx": 0, "download": true}),
        200,
        &[
            ("Content-Type", "application/pdf"),
            ("Content-Disposition", disposition),
        ],
        b"%PDF",
    )
    .unwrap()
    .filename
}

#[test]
fn download_file_names_that_are_no_name() {
    assert_eq!(
        filename("attachment; filename=a.pdf").as_deref(),
        Some("a.pdf")
    );
    assert_eq!(filename("attachment; filename=\"..\""), None);
    assert_eq!(filename("attachment; filename=\".\""), None);
    assert_eq!(filename("attachment; filename=\"dir/\""), None);
    assert_eq!(filename("attachment; filename=\"\""), None);
    assert_eq!(filename("attachment; filename=\"x/..\""), None);
    assert_eq!(
        filename("attachment; filename=\"...\"").as_deref(),
        Some("...")
    );
}
