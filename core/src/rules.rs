//! The named cross-field rules (`x-autosend-rules` in the API description): what a JSON Schema
//! cannot say, written once here. Each runs on a body that already passed its schema and adds
//! its problems to the list.

use crate::error::FieldError;
use crate::types::{
    MAX_ATTACHMENTS, MAX_HEADERS, MAX_HEADER_VALUE, MAX_SEND_RECIPIENTS, RESERVED_HEADERS,
};
use serde_json::{Map, Value};

/// A rule: looks at the body, pushes problems.
pub type Rule = fn(&Map<String, Value>, &mut Vec<FieldError>);

/// Every rule the core implements, by the name the description uses.
pub static RULES: &[(&str, Rule)] = &[
    ("send_recipients", send_recipients),
    ("send_content", send_content),
    ("custom_headers", custom_headers),
    ("attachments", attachments),
    ("emails_xor_contact_ids", emails_xor_contact_ids),
    ("emails_or_contact_ids", emails_or_contact_ids),
    ("email_or_contact_id", email_or_contact_id),
    ("segment_needs_filter", segment_needs_filter),
    ("campaign_content", campaign_content),
    ("campaign_gradual", campaign_gradual),
    (
        "event_trigger_needs_event_name",
        event_trigger_needs_event_name,
    ),
    ("automation_steps", automation_steps),
    ("at_least_one_field", at_least_one_field),
];

/// Looks a rule up by name.
pub fn rule(name: &str) -> Option<Rule> {
    RULES.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

fn push(errs: &mut Vec<FieldError>, field: impl Into<String>, message: impl Into<String>) {
    errs.push(FieldError {
        field: field.into(),
        message: message.into(),
    });
}

/// A string that is present and not empty.
fn given(m: &Map<String, Value>, k: &str) -> bool {
    given_value(m.get(k))
}

/// [`given`] of a value already looked up.
fn given_value(v: Option<&Value>) -> bool {
    match v {
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Null) | None => false,
        Some(_) => true,
    }
}

/// `to` + `cc` + `bcc` ≤ 50 (the error names `to`).
fn send_recipients(m: &Map<String, Value>, errs: &mut Vec<FieldError>) {
    // One pass over the keys (a send has a handful) instead of a lookup per name.
    let (mut to, mut copies) = (0, 0);
    for (k, v) in m {
        match (k.as_str(), v) {
            ("to", Value::Array(a)) => to = a.len(),
            ("to", Value::Null) => {}
            ("to", _) => to = 1,
            ("cc" | "bcc", Value::Array(a)) => copies += a.len(),
            _ => {}
        }
    }
    let total = to + copies;
    if total > MAX_SEND_RECIPIENTS {
        push(
            errs,
            "to",
            format!("to + cc + bcc is {total}; at most {MAX_SEND_RECIPIENTS} recipients per send (use emails.bulk)"),
        );
    }
}

/// `templateId`, or `html`/`text`; `subject` unless `templateId`; no line breaks in `subject`.
fn send_content(m: &Map<String, Value>, errs: &mut Vec<FieldError>) {
    // One pass over the keys (a send has a handful) instead of a lookup per name.
    let (mut template, mut html, mut text, mut subject) = (None, None, None, None);
    for (k, v) in m {
        match k.as_str() {
            "templateId" => template = Some(v),
            "html" => html = Some(v),
            "text" => text = Some(v),
            "subject" => subject = Some(v),
            _ => {}
        }
    }
    let template = given_value(template);
    if !template && !given_value(html) && !given_value(text) {
        push(errs, "html", "give html or text, or a templateId");
    }
    if !template && !given_value(subject) {
        push(errs, "subject", "is required unless a templateId is given");
    }
    if let Some(Value::String(s)) = subject {
        if s.contains(['\r', '\n']) {
            push(errs, "subject", "must not contain line breaks");
        }
    }
}

/// Custom `headers`: ≤ 20, names `^[A-Za-z0-9-]{1,76}$` and not reserved, values ≤ 1000
/// characters without CR, LF or NUL.
fn custom_headers(m: &Map<String, Value>, errs: &mut Vec<FieldError>) {
    let Some(Value::Object(h)) = m.get("headers") else {
        return;
    };
    if h.len() > MAX_HEADERS {
        push(
            errs,
            "headers",
            format!(
                "has {} headers; at most {MAX_HEADERS} custom headers",
                h.len()
            ),
        );
    }
    for (name, value) in h {
        let f = format!("headers.{name}");
        let name_ok = !name.is_empty()
            && name.len() <= 76
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !name_ok {
            push(errs, &f, "header names must match ^[A-Za-z0-9-]{1,76}$");
        } else if RESERVED_HEADERS
            .iter()
            .any(|r| r.eq_ignore_ascii_case(name))
        {
            push(errs, &f, "is reserved and set by AutoSend");
        }
        let Value::String(value) = value else {
            push(errs, &f, "values must be strings");
            continue;
        };
        if value.len() > MAX_HEADER_VALUE && value.chars().count() > MAX_HEADER_VALUE {
            push(
                errs,
                &f,
                format!("values are at most {MAX_HEADER_VALUE} characters"),
            );
        }
        if value.contains(['\r', '\n', '\0']) {
            push(errs, &f, "values must not contain CR, LF or NUL");
        }
    }
}

/// `attachments`: ≤ 20, each with a non-blank `fileName` and `content` or `fileUrl`.
fn attachments(m: &Map<String, Value>, errs: &mut Vec<FieldError>) {
    let Some(Value::Array(atts)) = m.get("attachments") else {
        return;
    };
    if atts.len() > MAX_ATTACHMENTS {
        push(
            errs,
            "attachments",
            format!("has {} attachments; at most {MAX_ATTACHMENTS}", atts.len()),
        );
    }
    for (i, a) in atts.iter().enumerate() {
        let Value::Object(a) = a else { continue };
        if !given(a, "fileName") {
            push(errs, format!("attachments[{i}].fileName"), "is required");
        }
        if !given(a, "content") && !given(a, "fileUrl") {
            push(
                errs,
                format!("attachments[{i}].content"),
                "give content (base64) or a fileUrl",
            );
        }
    }
}

/// Exactly one of `emails` and `contactIds` (non-empty).
fn emails_xor_contact_ids(m: &Map<String, Value>, errs: &mut Vec<FieldError>) {
    match (given(m, "emails"), given(m, "contactIds")) {
        (true, true) => push(errs, "emails", "give emails or contactIds, not both"),
        (false, false) => push(errs, "emails", "give emails or contactIds"),
        _ => {}
    }
}

/// `emails` and/or `contactIds` (at least one, non-empty).
fn emails_or_contact_ids(m: &Map<String, Value>, errs: &mut Vec<FieldError>) {
    if !given(m, "emails") && !given(m, "contactIds") {
        push(errs, "emails", "give emails or contactIds (or both)");
    }
}

/// `email` or `contactId` (at least one).
fn email_or_contact_id(m: &Map<String, Value>, errs: &mut Vec<FieldError>) {
    if !given(m, "email") && !given(m, "contactId") {
        push(errs, "email", "give the contact's email or contactId");
    }
}

/// A `type: "segment"` list needs `filterCriteria`.
fn segment_needs_filter(m: &Map<String, Value>, errs: &mut Vec<FieldError>) {
    if m.get("type").and_then(Value::as_str) == Some("segment") && !given(m, "filterCriteria") {
        push(
            errs,
            "filterCriteria",
            "is required for a segment (type: segment)",
        );
    }
}

/// A campaign needs `templateId` or `htmlTemplate`.
fn campaign_content(m: &Map<String, Value>, errs: &mut Vec<FieldError>) {
    if !given(m, "templateId") && !given(m, "htmlTemplate") {
        push(errs, "templateId", "give a templateId or an htmlTemplate");
    }
}

/// `sendMode: "gradual"` needs `gradualStrategy`.
fn campaign_gradual(m: &Map<String, Value>, errs: &mut Vec<FieldError>) {
    if m.get("sendMode").and_then(Value::as_str) == Some("gradual") && !given(m, "gradualStrategy")
    {
        push(
            errs,
            "gradualStrategy",
            "is required when sendMode is gradual",
        );
    }
}

/// `entryCriteria.type: "event_trigger"` needs `entryCriteria.eventName`.
fn event_trigger_needs_event_name(m: &Map<String, Value>, errs: &mut Vec<FieldError>) {
    let Some(Value::Object(ec)) = m.get("entryCriteria") else {
        return;
    };
    if ec.get("type").and_then(Value::as_str) == Some("event_trigger") && !given(ec, "eventName") {
        push(
            errs,
            "entryCriteria.eventName",
            "is required when entryCriteria.type is event_trigger",
        );
    }
}

/// Each step carries what its `type` needs: `wait` a `delay`, `email` an `email` with a
/// `templateId` or an `htmlTemplate` and `subject`, `branch` at least one of `branches`.
fn automation_steps(m: &Map<String, Value>, errs: &mut Vec<FieldError>) {
    let Some(Value::Array(steps)) = m.get("steps") else {
        return;
    };
    for (i, s) in steps.iter().enumerate() {
        let Value::Object(s) = s else { continue };
        match s.get("type").and_then(Value::as_str) {
            Some("wait") if !given(s, "delay") => push(
                errs,
                format!("steps[{i}].delay"),
                "a wait step needs a delay",
            ),
            Some("email") => match s.get("email") {
                Some(Value::Object(e)) => {
                    let complete =
                        given(e, "templateId") || (given(e, "htmlTemplate") && given(e, "subject"));
                    if !complete {
                        push(
                            errs,
                            format!("steps[{i}].email.templateId"),
                            "an email step needs a templateId, or an htmlTemplate and a subject",
                        );
                    }
                }
                _ => push(
                    errs,
                    format!("steps[{i}].email"),
                    "an email step needs an email object",
                ),
            },
            Some("branch") if !given(s, "branches") => push(
                errs,
                format!("steps[{i}].branches"),
                "a branch step needs at least one branch",
            ),
            _ => {}
        }
    }
}

/// At least one field (an update that changes nothing is refused by the API).
fn at_least_one_field(m: &Map<String, Value>, errs: &mut Vec<FieldError>) {
    if m.values().all(Value::is_null) {
        push(errs, "", "give at least one field to change");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(name: &str, v: Value) -> Vec<String> {
        let mut errs = Vec::new();
        rule(name).unwrap()(v.as_object().unwrap(), &mut errs);
        errs.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn every_rule_the_description_names_is_implemented() {
        for ep in crate::CATALOG {
            for r in ep.rules {
                assert!(
                    rule(r).is_some(),
                    "{} names rule {r}, which the core lacks",
                    ep.id
                );
            }
        }
    }

    #[test]
    fn cross_field_rules() {
        assert_eq!(run("emails_xor_contact_ids", json!({})), ["emails"]);
        assert_eq!(
            run(
                "emails_xor_contact_ids",
                json!({"emails": ["a@b.co"], "contactIds": ["c"]})
            ),
            ["emails"]
        );
        assert!(run("emails_xor_contact_ids", json!({"contactIds": ["c"]})).is_empty());
        assert_eq!(
            run("emails_or_contact_ids", json!({"emails": []})),
            ["emails"]
        );
        assert!(run(
            "emails_or_contact_ids",
            json!({"emails": ["a@b.co"], "contactIds": ["c"]})
        )
        .is_empty());
        assert_eq!(
            run("email_or_contact_id", json!({"eventName": "x"})),
            ["email"]
        );
        assert!(run("email_or_contact_id", json!({"contactId": "c"})).is_empty());
        assert_eq!(
            run("segment_needs_filter", json!({"type": "segment"})),
            ["filterCriteria"]
        );
        assert!(run("segment_needs_filter", json!({"type": "list"})).is_empty());
        assert_eq!(run("campaign_content", json!({})), ["templateId"]);
        assert!(run("campaign_content", json!({"htmlTemplate": "<p>x</p>"})).is_empty());
        assert_eq!(
            run("campaign_gradual", json!({"sendMode": "gradual"})),
            ["gradualStrategy"]
        );
        assert_eq!(
            run(
                "event_trigger_needs_event_name",
                json!({"entryCriteria": {"type": "event_trigger"}})
            ),
            ["entryCriteria.eventName"]
        );
        assert_eq!(
            run(
                "automation_steps",
                json!({"steps": [{"type": "wait", "delay": {"value": 0, "unit": "days"}},
                                 {"type": "email", "email": {"subject": "s"}},
                                 {"type": "branch"}, {"type": "wait"}]})
            ),
            [
                "steps[1].email.templateId",
                "steps[2].branches",
                "steps[3].delay"
            ]
        );
        assert_eq!(run("at_least_one_field", json!({})), [""]);
        assert!(run("at_least_one_field", json!({"description": "d"})).is_empty());
        assert_eq!(
            run("send_content", json!({"subject": "a\nb", "text": "t"})),
            ["subject"]
        );
    }

    /// Every problem a rule reports, as (field, message).
    fn problems(name: &str, v: Value) -> Vec<(String, String)> {
        let mut errs = Vec::new();
        rule(name).unwrap()(v.as_object().unwrap(), &mut errs);
        errs.into_iter().map(|e| (e.field, e.message)).collect()
    }

    fn p(field: &str, message: &str) -> (String, String) {
        (field.to_string(), message.to_string())
    }

    #[test]
    fn rule_lookup_returns_the_rule_of_that_name() {
        for (name, f) in RULES {
            assert!(std::ptr::fn_addr_eq(rule(name).unwrap(), *f), "{name}");
        }
        assert!(rule("no_such_rule").is_none());
        assert!(rule("").is_none());
        // Looked up by name, the header rule refuses a bad header name.
        assert_eq!(
            problems("custom_headers", json!({"headers": {"": "x"}})),
            [p(
                "headers.",
                "header names must match ^[A-Za-z0-9-]{1,76}$"
            )]
        );
    }

    #[test]
    fn given_means_present_and_not_blank() {
        let g = |v: Value| given(v.as_object().unwrap(), "k");
        assert!(g(json!({"k": "x"})));
        assert!(g(json!({"k": " x "})));
        assert!(!g(json!({"k": ""})));
        assert!(!g(json!({"k": " \t\n"})));
        assert!(g(json!({"k": ["a"]})));
        assert!(!g(json!({"k": []})));
        assert!(!g(json!({"k": null})));
        assert!(!g(json!({})));
        assert!(g(json!({"k": 0})));
        assert!(g(json!({"k": false})));
        assert!(g(json!({"k": {}})));
    }

    #[test]
    fn send_recipients_counts_to_cc_and_bcc_together() {
        let addr = |n: usize| -> Vec<Value> {
            (0..n)
                .map(|i| json!({"email": format!("u{i}@example.com")}))
                .collect()
        };
        let body =
            |to: Value, cc: usize, bcc: usize| json!({"to": to, "cc": addr(cc), "bcc": addr(bcc)});
        let refused = |total: usize| {
            vec![p(
                "to",
                &format!(
                    "to + cc + bcc is {total}; at most 50 recipients per send (use emails.bulk)"
                ),
            )]
        };
        // Exactly 50, in every split, is within the limit; 51 is not.
        for (to, cc, bcc) in [(50, 0, 0), (0, 50, 0), (0, 0, 50), (20, 20, 10), (1, 1, 48)] {
            assert!(
                problems("send_recipients", body(Value::Array(addr(to)), cc, bcc)).is_empty(),
                "{to} {cc} {bcc}"
            );
        }
        for (to, cc, bcc) in [
            (51, 0, 0),
            (0, 51, 0),
            (0, 0, 51),
            (20, 20, 11),
            (2, 30, 19),
        ] {
            assert_eq!(
                problems("send_recipients", body(Value::Array(addr(to)), cc, bcc)),
                refused(51),
                "{to} {cc} {bcc}"
            );
        }
        // One `to` object counts as one recipient; no `to` (or null) as none.
        assert_eq!(
            problems(
                "send_recipients",
                body(json!({"email": "a@example.com"}), 25, 25)
            ),
            refused(51)
        );
        assert!(problems("send_recipients", body(json!({"email": "a@b.co"}), 25, 24)).is_empty());
        assert!(problems("send_recipients", body(Value::Null, 25, 25)).is_empty());
        assert_eq!(
            problems("send_recipients", json!({"cc": addr(30), "bcc": addr(30)})),
            refused(60)
        );
        // A `cc` that is not an array counts nothing.
        assert!(problems(
            "send_recipients",
            json!({"to": addr(50), "cc": {"email": "c@d.co"}})
        )
        .is_empty());
    }

    #[test]
    fn send_content_needs_a_body_and_a_subject_unless_a_template() {
        let html = p("html", "give html or text, or a templateId");
        let subject = p("subject", "is required unless a templateId is given");
        let cases: [(Value, Vec<(String, String)>); 10] = [
            (json!({}), vec![html.clone(), subject.clone()]),
            (json!({"subject": "s"}), vec![html.clone()]),
            (json!({"subject": "s", "html": "<p>x</p>"}), vec![]),
            (json!({"subject": "s", "text": "x"}), vec![]),
            (
                json!({"subject": "s", "html": " ", "text": ""}),
                vec![html.clone()],
            ),
            (
                json!({"html": "<p>x</p>", "text": "x"}),
                vec![subject.clone()],
            ),
            (
                json!({"html": "<p>x</p>", "subject": "  "}),
                vec![subject.clone()],
            ),
            (json!({"templateId": "t"}), vec![]),
            (
                json!({"templateId": " "}),
                vec![html.clone(), subject.clone()],
            ),
            (
                json!({"templateId": "t", "subject": "a\r\nb"}),
                vec![p("subject", "must not contain line breaks")],
            ),
        ];
        for (body, want) in cases {
            assert_eq!(problems("send_content", body.clone()), want, "{body}");
        }
        assert_eq!(
            problems("send_content", json!({"text": "x", "subject": "a\rb"})),
            [p("subject", "must not contain line breaks")]
        );
    }

    #[test]
    fn custom_headers_rules_exactly() {
        let name_rule = "header names must match ^[A-Za-z0-9-]{1,76}$";
        let hs = |n: usize| -> Value {
            Value::Object((0..n).map(|i| (format!("X-H{i}"), json!("v"))).collect())
        };
        assert!(problems("custom_headers", json!({"headers": hs(20)})).is_empty());
        assert_eq!(
            problems("custom_headers", json!({"headers": hs(21)})),
            [p("headers", "has 21 headers; at most 20 custom headers")]
        );
        assert_eq!(
            problems("custom_headers", json!({"headers": hs(25)})),
            [p("headers", "has 25 headers; at most 20 custom headers")]
        );
        assert!(problems("custom_headers", json!({"headers": null})).is_empty());
        assert!(problems("custom_headers", json!({})).is_empty());
        // Names: 1 to 76 of [A-Za-z0-9-].
        let n76 = "X".repeat(76);
        let n77 = "X".repeat(77);
        let body = json!({"headers": {
            n76.clone(): "v", n77.clone(): "v", "A-b-9": "v", "X_Y": "v", "X Y": "v", "Xé": "v",
        }});
        let mut got = problems("custom_headers", body);
        got.sort();
        let mut want = vec![
            p(&format!("headers.{n77}"), name_rule),
            p("headers.X_Y", name_rule),
            p("headers.X Y", name_rule),
            p("headers.Xé", name_rule),
        ];
        want.sort();
        assert_eq!(got, want);
        // Reserved names, in any case, are refused; a bad name is not also called reserved.
        let got = problems(
            "custom_headers",
            json!({"headers": {"Reply-To": "a", "x-ses-message-tags": "b", "X-Reply-To": "c"}}),
        );
        assert_eq!(
            got,
            [
                p("headers.Reply-To", "is reserved and set by AutoSend"),
                p(
                    "headers.x-ses-message-tags",
                    "is reserved and set by AutoSend"
                ),
            ]
        );
        // Values: strings, at most 1 000 characters, without CR, LF or NUL.
        assert_eq!(
            problems(
                "custom_headers",
                json!({"headers": {"X-A": 1, "X-B": null}})
            ),
            [
                p("headers.X-A", "values must be strings"),
                p("headers.X-B", "values must be strings"),
            ]
        );
        let ok = json!({"headers": {"X-A": "a".repeat(1000), "X-B": "é".repeat(1000)}});
        assert!(problems("custom_headers", ok).is_empty());
        for long in [
            "a".repeat(1001),
            "é".repeat(1001),
            format!("{}é", "a".repeat(1000)),
        ] {
            assert_eq!(
                problems("custom_headers", json!({"headers": {"X-A": long}})),
                [p("headers.X-A", "values are at most 1000 characters")]
            );
        }
        for bad in ["a\rb", "a\nb", "a\0b"] {
            assert_eq!(
                problems("custom_headers", json!({"headers": {"X-A": bad}})),
                [p("headers.X-A", "values must not contain CR, LF or NUL")]
            );
        }
        // Every problem of one header is reported.
        assert_eq!(
            problems(
                "custom_headers",
                json!({"headers": {"to": format!("{}\n", "a".repeat(1000))}})
            ),
            [
                p("headers.to", "is reserved and set by AutoSend"),
                p("headers.to", "values are at most 1000 characters"),
                p("headers.to", "values must not contain CR, LF or NUL"),
            ]
        );
    }

    #[test]
    fn attachments_rules_exactly() {
        let att = json!({"fileName": "a.pdf", "content": "QQ=="});
        let many = |n: usize| Value::Array(vec![att.clone(); n]);
        assert!(problems("attachments", json!({"attachments": many(20)})).is_empty());
        assert_eq!(
            problems("attachments", json!({"attachments": many(21)})),
            [p("attachments", "has 21 attachments; at most 20")]
        );
        assert_eq!(
            problems("attachments", json!({"attachments": many(25)})),
            [p("attachments", "has 25 attachments; at most 20")]
        );
        assert!(problems("attachments", json!({})).is_empty());
        let got = problems(
            "attachments",
            json!({"attachments": [
                {"fileName": "a.pdf", "fileUrl": "https://example.com/a.pdf"},
                {"fileName": " ", "content": "QQ=="},
                {"fileName": "c.pdf"},
                {"content": "", "fileUrl": ""},
                "not an object",
                {"fileName": "f.pdf", "content": "QQ==", "fileUrl": "https://example.com/f"},
            ]}),
        );
        assert_eq!(
            got,
            [
                p("attachments[1].fileName", "is required"),
                p(
                    "attachments[2].content",
                    "give content (base64) or a fileUrl"
                ),
                p("attachments[3].fileName", "is required"),
                p(
                    "attachments[3].content",
                    "give content (base64) or a fileUrl"
                ),
            ]
        );
    }

    #[test]
    fn either_or_rules_exactly() {
        let xor = |v: Value| problems("emails_xor_contact_ids", v);
        assert_eq!(xor(json!({})), [p("emails", "give emails or contactIds")]);
        assert_eq!(
            xor(json!({"emails": ["a@b.co"], "contactIds": ["c"]})),
            [p("emails", "give emails or contactIds, not both")]
        );
        assert!(xor(json!({"emails": ["a@b.co"]})).is_empty());
        assert!(xor(json!({"emails": ["a@b.co"], "contactIds": []})).is_empty());
        assert!(xor(json!({"contactIds": ["c"]})).is_empty());

        let or = |v: Value| problems("emails_or_contact_ids", v);
        let none = [p("emails", "give emails or contactIds (or both)")];
        assert_eq!(or(json!({})), none);
        assert_eq!(or(json!({"emails": [], "contactIds": []})), none);
        assert!(or(json!({"emails": ["a@b.co"]})).is_empty());
        assert!(or(json!({"contactIds": ["c"]})).is_empty());
        assert!(or(json!({"emails": ["a@b.co"], "contactIds": ["c"]})).is_empty());

        let one = |v: Value| problems("email_or_contact_id", v);
        let none = [p("email", "give the contact's email or contactId")];
        assert_eq!(one(json!({})), none);
        assert_eq!(one(json!({"email": " ", "contactId": ""})), none);
        assert!(one(json!({"email": "a@b.co"})).is_empty());
        assert!(one(json!({"contactId": "c"})).is_empty());
        assert!(one(json!({"email": "a@b.co", "contactId": "c"})).is_empty());

        let campaign = |v: Value| problems("campaign_content", v);
        let none = [p("templateId", "give a templateId or an htmlTemplate")];
        assert_eq!(
            campaign(json!({"templateId": "", "htmlTemplate": " "})),
            none
        );
        assert!(campaign(json!({"templateId": "t"})).is_empty());
        assert!(campaign(json!({"htmlTemplate": "<p>x</p>"})).is_empty());
        assert!(campaign(json!({"templateId": "t", "htmlTemplate": "<p>x</p>"})).is_empty());
    }

    #[test]
    fn conditional_rules_exactly() {
        let seg = |v: Value| problems("segment_needs_filter", v);
        let need = [p(
            "filterCriteria",
            "is required for a segment (type: segment)",
        )];
        assert_eq!(seg(json!({"type": "segment"})), need);
        assert_eq!(seg(json!({"type": "segment", "filterCriteria": []})), need);
        assert!(seg(json!({"type": "segment", "filterCriteria": [{"field": "x"}]})).is_empty());
        assert!(seg(json!({"type": "list"})).is_empty());
        assert!(seg(json!({})).is_empty());

        let gradual = |v: Value| problems("campaign_gradual", v);
        let need = [p("gradualStrategy", "is required when sendMode is gradual")];
        assert_eq!(gradual(json!({"sendMode": "gradual"})), need);
        assert_eq!(
            gradual(json!({"sendMode": "gradual", "gradualStrategy": null})),
            need
        );
        assert!(
            gradual(json!({"sendMode": "gradual", "gradualStrategy": {"batches": 2}})).is_empty()
        );
        assert!(gradual(json!({"sendMode": "immediate"})).is_empty());
        assert!(gradual(json!({})).is_empty());

        let trig = |v: Value| problems("event_trigger_needs_event_name", v);
        let need = [p(
            "entryCriteria.eventName",
            "is required when entryCriteria.type is event_trigger",
        )];
        assert_eq!(
            trig(json!({"entryCriteria": {"type": "event_trigger"}})),
            need
        );
        assert_eq!(
            trig(json!({"entryCriteria": {"type": "event_trigger", "eventName": " "}})),
            need
        );
        assert!(
            trig(json!({"entryCriteria": {"type": "event_trigger", "eventName": "signup"}}))
                .is_empty()
        );
        assert!(trig(json!({"entryCriteria": {"type": "list"}})).is_empty());
        assert!(trig(json!({"entryCriteria": null})).is_empty());
        assert!(trig(json!({})).is_empty());
    }

    #[test]
    fn automation_steps_exactly() {
        let steps = |s: Value| problems("automation_steps", json!({ "steps": s }));
        assert!(steps(json!([
            {"type": "wait", "delay": {"value": 1, "unit": "days"}},
            {"type": "email", "email": {"templateId": "t"}},
            {"type": "email", "email": {"htmlTemplate": "<p>x</p>", "subject": "s"}},
            {"type": "email", "email": {"templateId": "t", "subject": ""}},
            {"type": "branch", "branches": [{"condition": {}}]},
            {"type": "other"},
            {"delay": 1},
            "not an object"
        ]))
        .is_empty());
        let email = "an email step needs a templateId, or an htmlTemplate and a subject";
        assert_eq!(
            steps(json!([
                {"type": "wait"},
                {"type": "wait", "delay": null},
                {"type": "email"},
                {"type": "email", "email": "t"},
                {"type": "email", "email": {}},
                {"type": "email", "email": {"htmlTemplate": "<p>x</p>"}},
                {"type": "email", "email": {"subject": "s"}},
                {"type": "email", "email": {"templateId": " ", "htmlTemplate": " ", "subject": "s"}},
                {"type": "branch"},
                {"type": "branch", "branches": []},
            ])),
            [
                p("steps[0].delay", "a wait step needs a delay"),
                p("steps[1].delay", "a wait step needs a delay"),
                p("steps[2].email", "an email step needs an email object"),
                p("steps[3].email", "an email step needs an email object"),
                p("steps[4].email.templateId", email),
                p("steps[5].email.templateId", email),
                p("steps[6].email.templateId", email),
                p("steps[7].email.templateId", email),
                p(
                    "steps[8].branches",
                    "a branch step needs at least one branch"
                ),
                p(
                    "steps[9].branches",
                    "a branch step needs at least one branch"
                ),
            ]
        );
        assert!(problems("automation_steps", json!({"steps": null})).is_empty());
    }

    #[test]
    fn at_least_one_field_exactly() {
        let need = [p("", "give at least one field to change")];
        assert_eq!(problems("at_least_one_field", json!({})), need);
        assert_eq!(
            problems("at_least_one_field", json!({"a": null, "b": null})),
            need
        );
        assert!(problems("at_least_one_field", json!({"a": null, "b": ""})).is_empty());
        assert!(problems("at_least_one_field", json!({"a": false})).is_empty());
    }
}
