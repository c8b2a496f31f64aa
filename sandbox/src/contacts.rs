//! The contact endpoints of §2.2 (per project, emails lower-cased).

use crate::api::h::{err, ok, validation, Out};
use crate::state::State;
use crate::util;
use serde_json::{json, Map, Value};

type Details = Vec<(String, String)>;

fn same(c: &Value, key: &str, val: &str) -> bool {
    c.get(key).and_then(Value::as_str) == Some(val)
}

fn find_idx(st: &State, pid: &str, key: &str, val: &str) -> Option<usize> {
    st.contacts
        .iter()
        .position(|c| same(c, "projectId", pid) && same(c, key, val))
}

/// Check the writable contact fields; returns the lower-cased email.
fn check(b: &Value, prefix: &str, allow_mobile: bool, details: &mut Details) -> Option<String> {
    let f = |n: &str| format!("{prefix}{n}");
    let email = match b.get("email") {
        Some(Value::String(s)) if util::is_valid_email(s.trim()) => Some(s.trim().to_lowercase()),
        Some(Value::String(_)) => {
            details.push((f("email"), "must be a valid email address".into()));
            None
        }
        _ => {
            details.push((f("email"), "is required".into()));
            None
        }
    };
    for k in ["firstName", "lastName", "userId"] {
        if let Some(v) = b.get(k) {
            if !v.is_string() && !v.is_null() {
                details.push((f(k), "must be a string".into()));
            }
        }
    }
    if allow_mobile {
        if let Some(v) = b.get("mobile") {
            if !v.is_string() && !v.is_null() {
                details.push((f("mobile"), "must be a string or null".into()));
            }
        }
    }
    if let Some(v) = b.get("listIds") {
        let okay = v.is_null() || v.as_array().is_some_and(|a| a.iter().all(Value::is_string));
        if !okay {
            details.push((f("listIds"), "must be an array of strings".into()));
        }
    }
    if let Some(v) = b.get("customFields") {
        if !v.is_object() && !v.is_null() {
            details.push((f("customFields"), "must be an object".into()));
        }
    }
    email
}

fn new_contact(pid: &str, email: &str) -> Value {
    let now = util::now_iso();
    json!({
        "id": util::object_id(), "email": email, "firstName": null, "lastName": null, "userId": null,
        "mobile": null, "customFields": {}, "listIds": [], "segmentIds": [], "projectId": pid,
        "createdAt": now, "updatedAt": now,
    })
}

/// Apply the given fields to a contact (upsert semantics: absent or null leaves a value,
/// `""` clears `mobile`; customFields merge).
fn apply(c: &mut Value, b: &Value) {
    let Some(o) = c.as_object_mut() else { return };
    for k in ["firstName", "lastName", "userId"] {
        if let Some(Value::String(s)) = b.get(k) {
            o.insert(k.into(), json!(s));
        }
    }
    match b.get("mobile") {
        Some(Value::String(s)) if s.is_empty() => {
            o.insert("mobile".into(), Value::Null);
        }
        Some(Value::String(s)) => {
            o.insert("mobile".into(), json!(s));
        }
        _ => {}
    }
    if let Some(Value::Array(ids)) = b.get("listIds") {
        let mut cur: Vec<Value> = o
            .get("listIds")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for id in ids {
            if !cur.contains(id) {
                cur.push(id.clone());
            }
        }
        o.insert("listIds".into(), Value::Array(cur));
    }
    if let Some(Value::Object(cf)) = b.get("customFields") {
        let mut cur: Map<String, Value> = o
            .get("customFields")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        for (k, v) in cf {
            cur.insert(k.clone(), v.clone());
        }
        o.insert("customFields".into(), Value::Object(cur));
    }
    o.insert("updatedAt".into(), json!(util::now_iso()));
}

/// `POST /v1/contacts`: 409 CONTACT_ALREADY_EXISTS for a known email.
pub fn create(st: &mut State, pid: &str, b: &Value) -> Out {
    let mut det = Details::new();
    let email = check(b, "", false, &mut det);
    let Some(email) = email.filter(|_| det.is_empty()) else {
        return validation(det);
    };
    if find_idx(st, pid, "email", &email).is_some() {
        return err(
            409,
            "CONTACT_ALREADY_EXISTS",
            "A contact with this email already exists",
        );
    }
    let mut c = new_contact(pid, &email);
    apply(&mut c, b);
    st.contacts.push(c.clone());
    ok(c)
}

fn upsert_one(st: &mut State, pid: &str, email: &str, b: &Value) -> Value {
    match find_idx(st, pid, "email", email) {
        Some(i) => {
            apply(&mut st.contacts[i], b);
            st.contacts[i].clone()
        }
        None => {
            let mut c = new_contact(pid, email);
            apply(&mut c, b);
            st.contacts.push(c.clone());
            c
        }
    }
}

/// `POST /v1/contacts/email` (upsert by email).
pub fn upsert(st: &mut State, pid: &str, b: &Value) -> Out {
    let mut det = Details::new();
    let email = check(b, "", true, &mut det);
    let Some(email) = email.filter(|_| det.is_empty()) else {
        return validation(det);
    };
    ok(upsert_one(st, pid, &email, b))
}

fn not_found() -> Out {
    err(404, "CONTACT_NOT_FOUND", "Contact not found")
}

/// `GET /v1/contacts/{id}`.
pub fn get(st: &mut State, pid: &str, id: &str) -> Out {
    match find_idx(st, pid, "id", id) {
        Some(i) => ok(st.contacts[i].clone()),
        None => not_found(),
    }
}

/// `DELETE /v1/contacts/{id}`.
pub fn delete(st: &mut State, pid: &str, id: &str) -> Out {
    match find_idx(st, pid, "id", id) {
        Some(i) => {
            st.contacts.remove(i);
            (
                200,
                json!({"success": true, "message": "Contact deleted successfully"}),
            )
        }
        None => not_found(),
    }
}

/// `DELETE /v1/contacts/email/userId/{userId}`.
pub fn delete_by_user(st: &mut State, pid: &str, uid: &str) -> Out {
    let before = st.contacts.len();
    st.contacts
        .retain(|c| !(same(c, "projectId", pid) && same(c, "userId", uid)));
    if st.contacts.len() == before {
        return not_found();
    }
    (
        200,
        json!({"success": true, "message": "Contact deleted successfully"}),
    )
}

fn emails_list(b: &Value) -> Result<Vec<String>, Out> {
    let Some(a) = b.get("emails").and_then(Value::as_array) else {
        return Err(validation(vec![(
            "emails".into(),
            "is required (array of emails)".into(),
        )]));
    };
    if a.is_empty() {
        return Err(validation(vec![(
            "emails".into(),
            "at least 1 email is required".into(),
        )]));
    }
    let mut out = Vec::new();
    for (i, v) in a.iter().enumerate() {
        match v.as_str() {
            Some(s) => out.push(s.trim().to_lowercase()),
            None => {
                return Err(validation(vec![(
                    format!("emails[{i}]"),
                    "must be a string".into(),
                )]))
            }
        }
    }
    Ok(out)
}

/// `POST /v1/contacts/remove`.
pub fn remove(st: &mut State, pid: &str, b: &Value) -> Out {
    let emails = match emails_list(b) {
        Ok(e) => e,
        Err(o) => return o,
    };
    st.contacts.retain(|c| {
        !(same(c, "projectId", pid)
            && c.get("email")
                .and_then(Value::as_str)
                .is_some_and(|e| emails.iter().any(|x| x == e)))
    });
    (200, json!({"success": true}))
}

/// `POST /v1/contacts/search/emails`.
pub fn search(st: &mut State, pid: &str, b: &Value) -> Out {
    let emails = match emails_list(b) {
        Ok(e) => e,
        Err(o) => return o,
    };
    let found: Vec<Value> = st
        .contacts
        .iter()
        .filter(|c| {
            same(c, "projectId", pid)
                && c.get("email")
                    .and_then(Value::as_str)
                    .is_some_and(|e| emails.iter().any(|x| x == e))
        })
        .cloned()
        .collect();
    ok(json!({"contacts": found}))
}

/// `POST /v1/contacts/bulk-update` (1–100 upserts; invalid items count as failed).
pub fn bulk_update(st: &mut State, pid: &str, b: &Value) -> Out {
    let Some(items) = b.get("contacts").and_then(Value::as_array) else {
        return validation(vec![(
            "contacts".into(),
            "is required (array of contacts)".into(),
        )]);
    };
    if items.is_empty() || items.len() > 100 {
        return validation(vec![("contacts".into(), "must have 1 to 100 items".into())]);
    }
    if let Some(v) = b.get("runWorkflow") {
        if !v.is_boolean() && !v.is_null() {
            return validation(vec![("runWorkflow".into(), "must be a boolean".into())]);
        }
    }
    let (mut s, mut f) = (0u64, 0u64);
    for item in items {
        let mut det = Details::new();
        match check(item, "", false, &mut det).filter(|_| det.is_empty()) {
            Some(email) => {
                upsert_one(st, pid, &email, item);
                s += 1;
            }
            None => f += 1,
        }
    }
    ok(json!({"successCount": s, "failedCount": f, "totalCount": items.len()}))
}

/// `GET /v1/contacts/{id}/unsubscribe-groups`: the suppression groups holding its email.
pub fn groups(st: &mut State, pid: &str, id: &str) -> Out {
    match find_idx(st, pid, "id", id) {
        Some(i) => {
            let email = st.contacts[i]
                .get("email")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let d = crate::areas::data(st, pid);
            ok(json!({"groups": crate::areas::suppression::groups_of(d, &email)}))
        }
        None => not_found(),
    }
}
