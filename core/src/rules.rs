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
    match m.get(k) {
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Null) | None => false,
        Some(_) => true,
    }
}

fn array_len(m: &Map<String, Value>, k: &str) -> usize {
    m.get(k).and_then(Value::as_array).map_or(0, Vec::len)
}

/// `to` + `cc` + `bcc` ≤ 50 (the error names `to`).
fn send_recipients(m: &Map<String, Value>, errs: &mut Vec<FieldError>) {
    let to = match m.get("to") {
        Some(Value::Array(a)) => a.len(),
        Some(Value::Null) | None => 0,
        Some(_) => 1,
    };
    let total = to + array_len(m, "cc") + array_len(m, "bcc");
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
    let template = given(m, "templateId");
    if !template && !given(m, "html") && !given(m, "text") {
        push(errs, "html", "give html or text, or a templateId");
    }
    if !template && !given(m, "subject") {
        push(errs, "subject", "is required unless a templateId is given");
    }
    if let Some(Value::String(s)) = m.get("subject") {
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
}
