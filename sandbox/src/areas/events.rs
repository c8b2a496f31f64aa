//! Custom events (§2.8): definitions (≤ 100 per project) and `events.send`.

use super::{bad, data, fail, message_only, okr, pid, pos, sget, Reply, Req};
use crate::api::Ctx;
use crate::state::State;
use crate::util;
use serde_json::{json, Map, Value};

/// Most event definitions per project.
pub const MAX_EVENTS: usize = 100;

fn not_found(name: &str) -> Reply {
    fail(404, "EVENT_NOT_FOUND", &format!("Event {name:?} not found"))
}

fn name_ok(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

fn coerce(v: &Value, ty: &str) -> Option<Value> {
    match (ty, v) {
        ("string", Value::String(_)) => Some(v.clone()),
        ("string", Value::Number(_) | Value::Bool(_)) => Some(json!(v.to_string())),
        ("number", Value::Number(_)) => Some(v.clone()),
        ("number", Value::String(s)) => s.trim().parse::<f64>().ok().map(|f| json!(f)),
        ("boolean", Value::Bool(_)) => Some(v.clone()),
        ("boolean", Value::String(s)) if s == "true" || s == "false" => Some(json!(s == "true")),
        ("date", Value::String(s)) if s.len() >= 10 && s.as_bytes()[4] == b'-' => Some(v.clone()),
        _ => None,
    }
}

/// Check and normalise `properties` (unique names, same charset, suggestedValues coerced).
fn properties(raw: &[Value]) -> Result<Vec<Value>, Reply> {
    let mut out: Vec<Value> = Vec::new();
    for (i, p) in raw.iter().enumerate() {
        let name = sget(p, "propertyName");
        let ty = sget(p, "type");
        if !name_ok(name) {
            return Err(bad(
                &format!("properties[{i}].propertyName"),
                "must be 1-64 ASCII letters, digits or underscores",
            ));
        }
        if out.iter().any(|o| sget(o, "propertyName") == name) {
            return Err(bad(
                &format!("properties[{i}].propertyName"),
                "must be unique",
            ));
        }
        let raw_sv: Vec<Value> = match p.get("suggestedValues") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => a.clone(),
            Some(Value::String(s)) => s
                .split(',')
                .map(|x| json!(x.trim()))
                .filter(|x| x != "")
                .collect(),
            Some(_) => {
                return Err(bad(
                    &format!("properties[{i}].suggestedValues"),
                    "must be an array or a comma-separated string",
                ))
            }
        };
        let mut sv = Vec::new();
        for (j, v) in raw_sv.iter().enumerate() {
            match coerce(v, ty) {
                Some(c) => sv.push(c),
                None => {
                    return Err(bad(
                        &format!("properties[{i}].suggestedValues[{j}]"),
                        &format!("must be a {ty}"),
                    ))
                }
            }
        }
        out.push(json!({"propertyName": name, "type": ty,
            "description": p.get("description").cloned().unwrap_or(Value::Null), "suggestedValues": sv}));
    }
    Ok(out)
}

/// `GET /events` (newest first).
pub fn list(st: &mut State, ctx: &Ctx, _r: &Req) -> Reply {
    let mut items = data(st, &pid(ctx)).events.clone();
    items.reverse();
    okr(json!({"events": items}))
}

/// `GET /events/eventName/{eventName}`.
pub fn get(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let name = r.param("eventName");
    let d = data(st, &pid(ctx));
    match pos(&d.events, "eventName", name) {
        Some(i) => okr(d.events[i].clone()),
        None => not_found(name),
    }
}

/// `POST /events`.
pub fn create(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let p = pid(ctx);
    let name = r.s("eventName").unwrap_or("");
    if !name_ok(name) {
        return fail(
            400,
            "INVALID_EVENT_NAME_CHARACTERS",
            "eventName must be 1-64 ASCII letters, digits or underscores",
        );
    }
    let props = match r.b("properties").and_then(Value::as_array) {
        Some(a) => match properties(a) {
            Ok(p) => p,
            Err(e) => return e,
        },
        None => Vec::new(),
    };
    let d = data(st, &p);
    if pos(&d.events, "eventName", name).is_some() {
        return fail(
            409,
            "EVENT_ALREADY_EXISTS",
            &format!("Event {name:?} already exists"),
        );
    }
    if d.events.len() >= MAX_EVENTS {
        return fail(
            400,
            "MAX_EVENTS_REACHED",
            "A project can define at most 100 events; delete one first",
        );
    }
    let now = util::now_iso();
    let e = json!({"id": util::object_id(), "eventName": name,
        "description": r.b("description").cloned().unwrap_or(Value::Null),
        "properties": props, "projectId": p, "createdAt": now, "updatedAt": now});
    d.events.push(e.clone());
    okr(e)
}

/// `PATCH /events/eventName/{eventName}`: description and/or properties (replaces them).
pub fn update(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let name = r.param("eventName").to_string();
    let has_desc = r.body.get("description").is_some();
    let props = match r.b("properties").and_then(Value::as_array) {
        Some(a) => match properties(a) {
            Ok(p) => Some(p),
            Err(e) => return e,
        },
        None => None,
    };
    if !has_desc && props.is_none() {
        return fail(
            400,
            "NO_DATA_TO_UPDATE",
            "Nothing to update: send description and/or properties",
        );
    }
    let d = data(st, &pid(ctx));
    let Some(i) = pos(&d.events, "eventName", &name) else {
        return not_found(&name);
    };
    let e = &mut d.events[i];
    if has_desc {
        e["description"] = r.body["description"].clone();
    }
    if let Some(p) = props {
        e["properties"] = json!(p);
    }
    e["updatedAt"] = json!(util::now_iso());
    okr(e.clone())
}

/// `DELETE /events/eventName/{eventName}`.
pub fn delete(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let name = r.param("eventName");
    let d = data(st, &pid(ctx));
    match pos(&d.events, "eventName", name) {
        Some(i) => {
            d.events.remove(i);
            message_only("Event deleted successfully").into()
        }
        None => not_found(name),
    }
}

/// `POST /events/send`: record an event for a contact (by contactId, else email).
pub fn send(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let p = pid(ctx);
    let name = r.s("eventName").unwrap_or("").to_string();
    let contact_id = r.s("contactId").map(str::to_string);
    let email = r.s("email").map(|e| e.trim().to_lowercase());
    if contact_id.is_none() && email.is_none() {
        return fail(
            400,
            "EMAIL_OR_CONTACT_ID_REQUIRED",
            "Send email or contactId to name the contact",
        );
    }
    let d = data(st, &p);
    let Some(i) = pos(&d.events, "eventName", &name) else {
        return not_found(&name);
    };
    let declared = d.events[i]["properties"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut props = Map::new();
    if let Some(Value::Object(given)) = r.b("eventProperties") {
        for (k, v) in given {
            let Some(decl) = declared.iter().find(|x| sget(x, "propertyName") == k) else {
                return fail(
                    400,
                    "UNKNOWN_PROPERTY",
                    &format!("Property {k:?} is not declared on event {name:?}"),
                );
            };
            let ty = sget(decl, "type");
            match coerce(v, ty) {
                Some(c) => {
                    props.insert(k.clone(), c);
                }
                None => {
                    return fail(
                        400,
                        "INVALID_PROPERTY_VALUE",
                        &format!("Property {k:?} must be a {ty}"),
                    )
                }
            }
        }
    }
    let contact = st.contacts.iter().find(|c| {
        sget(c, "projectId") == p
            && match &contact_id {
                Some(id) => sget(c, "id") == id,
                None => Some(sget(c, "email")) == email.as_deref(),
            }
    });
    let Some(contact) = contact else {
        return fail(
            404,
            "CONTACT_NOT_FOUND_FOR_EVENT",
            "No contact matches the given email or contactId",
        );
    };
    let cid = sget(contact, "id").to_string();
    let e = json!({"id": util::object_id(), "eventName": name, "contactId": cid,
        "properties": props, "createdAt": util::now_iso()});
    data(st, &p).event_log.push(e.clone());
    okr(e)
}
