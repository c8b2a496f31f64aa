//! The request-body validation of `core/src/schema.rs` through the public request builder and
//! the generated catalog, exactly (issue 17, round 8): the error's field, its whole message and
//! its details, at and one past each edge the description gives. The interpreter's behaviour
//! on schema shapes the catalog does not use (yet) is tested by the unit tests in schema.rs.

use autosend::{build_request, ClientConfig, ClientOptions, Error, ErrorKind};
use serde_json::{json, Value};

fn config() -> ClientConfig {
    ClientConfig::new(ClientOptions::new("AS_SchemaEdges0123456789")).unwrap()
}

/// The body the request builder sends for `params`, or the refusal.
fn build(id: &str, params: Value) -> Result<Value, Error> {
    let (_, r) = build_request(&config(), id, params)?;
    Ok(match &r.body {
        Some(b) => serde_json::from_slice(b).unwrap(),
        None => Value::Null,
    })
}

/// The refusal of `params`: (message, details as (field, message)); the error's field is the
/// first detail's.
fn refusal(id: &str, params: Value) -> (String, Vec<(String, String)>) {
    let e = build(id, params.clone()).expect_err(&format!("{id} {params} should be refused"));
    assert_eq!(e.kind(), ErrorKind::Validation, "{e}");
    let details: Vec<(String, String)> = e
        .details()
        .iter()
        .map(|d| (d.field.clone(), d.message.clone()))
        .collect();
    assert_eq!(e.field(), details.first().map(|d| d.0.as_str()), "{e}");
    (e.message().to_string(), details)
}

/// The refusal of one problem of `field`.
fn one(field: &str, message: &str) -> (String, Vec<(String, String)>) {
    (
        format!("{field}: {message}"),
        vec![(field.to_string(), message.to_string())],
    )
}

fn send(extra: Value) -> Value {
    let mut p = json!({"from": {"email": "a@mail.example.com"}, "to": {"email": "b@example.com"},
                       "subject": "s", "html": "<p>x</p>"});
    for (k, v) in extra.as_object().unwrap() {
        p[k] = v.clone();
    }
    p
}

#[test]
fn type_errors_name_the_type_and_hint_only_for_an_array_to() {
    assert_eq!(
        refusal(
            "emails.send",
            send(json!({"to": [{"email": "b@example.com"}]}))
        ),
        one(
            "to",
            "must be an object, not an array (one recipient per send: use cc/bcc, or emails.bulk)"
        )
    );
    // The hint is for `to` only, and only when it is an array.
    assert_eq!(
        refusal(
            "emails.send",
            send(json!({"from": [{"email": "a@mail.example.com"}]}))
        ),
        one("from", "must be an object, not an array")
    );
    assert_eq!(
        refusal("emails.send", send(json!({"to": "b@example.com"}))),
        one("to", "must be an object, not a string")
    );
    assert_eq!(
        refusal(
            "emails.send",
            send(json!({"cc": {"email": "c@example.com"}}))
        ),
        one("cc", "must be an array, not an object")
    );
    assert_eq!(
        refusal("emails.send", send(json!({"trackingOpen": "yes"}))),
        one(
            "trackingOpen",
            "must be a boolean (true or false), not a string"
        )
    );
}

#[test]
fn integer_ranges_at_and_past_their_edges() {
    let search = |extra: Value| {
        let mut p = json!({"contactListId": "l1"});
        for (k, v) in extra.as_object().unwrap() {
            p[k] = v.clone();
        }
        p
    };
    for ok in [json!(1), json!(100), json!(100.0), json!(1e2)] {
        let body = build(
            "contactLists.searchContacts",
            search(json!({"limit": ok.clone()})),
        )
        .unwrap_or_else(|e| panic!("limit {ok}: {e}"));
        assert_eq!(body["limit"], ok);
    }
    for bad in [json!(0), json!(101), json!(-1), json!(1e3)] {
        assert_eq!(
            refusal("contactLists.searchContacts", search(json!({"limit": bad}))),
            one("limit", "must be between 1 and 100"),
            "{bad}"
        );
    }
    assert_eq!(
        refusal("contactLists.searchContacts", search(json!({"limit": 1.5}))),
        one("limit", "must be a whole number, not a number")
    );
    build("contactLists.searchContacts", search(json!({"page": 1}))).unwrap();
    assert_eq!(
        refusal("contactLists.searchContacts", search(json!({"page": 0}))),
        one("page", "must be at least 1")
    );
    // Two problems: the first is named, both are in the details.
    assert_eq!(
        refusal(
            "contactLists.searchContacts",
            search(json!({"page": 0, "limit": 101}))
        ),
        (
            "page: must be at least 1 (and 1 more problems)".to_string(),
            vec![
                ("page".to_string(), "must be at least 1".to_string()),
                ("limit".to_string(), "must be between 1 and 100".to_string())
            ]
        )
    );
}

#[test]
fn string_lengths_and_item_counts_have_exact_messages() {
    assert_eq!(
        refusal("contactLists.searchContacts", json!({"contactListId": ""})),
        one("contactListId", "must not be empty")
    );
    let bulk = |n: usize| {
        json!({"contactListId": "l1",
               "emails": (0..n).map(|i| format!("u{i}@example.com")).collect::<Vec<_>>()})
    };
    build("contactLists.bulkAdd", bulk(1)).unwrap();
    build("contactLists.bulkAdd", bulk(500)).unwrap();
    assert_eq!(
        refusal("contactLists.bulkAdd", bulk(0)),
        one("emails", "give at least one item")
    );
    assert_eq!(
        refusal("contactLists.bulkAdd", bulk(501)),
        one(
            "emails",
            "has 501 items; at most 500 per call (split into several calls)"
        )
    );
}

#[test]
fn one_of_refusals_list_the_forms() {
    assert_eq!(
        refusal(
            "contacts.create",
            json!({"email": "a@example.com", "customFields": {"plan": {"tier": 1}}})
        ),
        one(
            "customFields.plan",
            "must be null or a number or a boolean, not an object"
        )
    );
    // `null` is one of the forms: kept as given, not dropped.
    let body = build(
        "contacts.create",
        json!({"email": "a@example.com", "customFields": {"plan": null, "seats": 3}}),
    )
    .unwrap();
    assert_eq!(body["customFields"], json!({"plan": null, "seats": 3}));
}

#[test]
fn urls_and_date_times() {
    let hook = |url: &str| json!({"url": url, "events": ["email.sent"]});
    build("webhooks.create", hook("https://example.com/hook?x=1")).unwrap();
    build("webhooks.create", hook("HTTP://example.com")).unwrap();
    for bad in [
        "https://example.com/a b",
        "https://example.com/a\u{7}b",
        "https://example.com/\u{a0}",
        "https://",
    ] {
        assert_eq!(
            refusal("webhooks.create", hook(bad)),
            one("url", "is not an absolute URL (like https://example.com/x)"),
            "{bad:?}"
        );
    }
    let when = |at: &str| json!({"startDate": at});
    for ok in [
        "2026-01-01",
        "2026-01-01T09:00:00Z",
        "2026-01-01t09:00z",
        "2026-01-01 09:00:00.123456+05:30",
        "2026-01-01T09:00:00-00:00",
    ] {
        build("suppressionGroups.searchEntries", when(ok)).unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
    for bad in [
        "2026-01-01Z",
        "2026-01-01T09:00:00Zx",
        "2026-01-01T09:00:00+05:3",
        "2026-01-01T09:00:00+05-30",
        "2026-01-01T09:00:00+0530",
        "2026-01-01T09:00:00.Z",
        "2026-01-01T9:00Z",
        "2026-01-01T09:0Z",
        "2026-01-01T09:00:0Z",
        "2026-01-01X09:00Z",
        "2026/01/01",
        "26-01-01",
    ] {
        assert_eq!(
            refusal("suppressionGroups.searchEntries", when(bad)),
            one(
                "startDate",
                "is not an ISO 8601 date-time (like 2026-01-01T09:00:00Z)"
            ),
            "{bad:?}"
        );
    }
}
