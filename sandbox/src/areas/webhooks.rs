//! Webhook management (§2.13): secrets `whsec_…` shown on create and reveal only; delivery
//! logs (flat pagination); resend delivers the given payload again (see `crate::deliver`).

use super::{
    bad, data, fail, flat, message_only, ok_msg, okr, page_query, pid, pos, q_bool, sget, Reply,
    Req,
};
use crate::api::Ctx;
use crate::state::State;
use crate::util;
use serde_json::{json, Value};

/// The 14 subscribable event names (§3.1).
pub const EVENTS: &[&str] = &[
    "email.sent",
    "email.delivered",
    "email.deferred",
    "email.bounced",
    "email.opened",
    "email.clicked",
    "email.spam_reported",
    "email.unsubscribed",
    "email.group_unsubscribed",
    "email.group_resubscribed",
    "contact.created",
    "contact.updated",
    "contact.deleted",
    "email.received",
];

/// Most webhooks per project (docs FAQ).
pub const MAX_WEBHOOKS: usize = 100;

const HIDDEN: &str = "***hidden***";

fn not_found() -> Reply {
    fail(404, "WEBHOOK_NOT_FOUND", "Webhook not found")
}

fn masked(w: &Value) -> Value {
    let mut v = w.clone();
    v["secret"] = json!(HIDDEN);
    v
}

fn check_url(u: &str) -> Result<(), Reply> {
    let rest = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"));
    match rest {
        Some(h) if !h.is_empty() && !h.starts_with('/') && !u.chars().any(char::is_whitespace) => {
            Ok(())
        }
        _ => Err(bad("url", "must be an absolute http:// or https:// URL")),
    }
}

fn check_events(v: &Value) -> Result<Vec<Value>, Reply> {
    let a = v.as_array().cloned().unwrap_or_default();
    if a.is_empty() {
        return Err(bad("events", "must have at least 1 event"));
    }
    let mut out: Vec<Value> = Vec::new();
    for (i, e) in a.iter().enumerate() {
        let name = e.as_str().unwrap_or("");
        if !EVENTS.contains(&name) {
            return Err(bad(
                &format!("events[{i}]"),
                &format!("unknown event {name:?}; see GET /v1/webhooks/events/available"),
            ));
        }
        if !out.contains(e) {
            out.push(e.clone());
        }
    }
    Ok(out)
}

/// `GET /webhooks` (flat; limit 1–100, default 50; isActive filter).
pub fn list(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let (page, limit) = match page_query(r, 50, 100) {
        Ok(x) => x,
        Err(e) => return e.into(),
    };
    let active = match q_bool(r, "isActive") {
        Ok(a) => a,
        Err(e) => return e.into(),
    };
    let d = data(st, &pid(ctx));
    let items: Vec<Value> = d
        .webhooks
        .iter()
        .filter(|w| active.is_none_or(|a| w["isActive"] == json!(a)))
        .map(masked)
        .collect();
    okr(flat("webhooks", items, page, limit))
}

/// `GET /webhooks/{id}`.
pub fn get(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let d = data(st, &pid(ctx));
    match pos(&d.webhooks, "id", r.param("id")) {
        Some(i) => okr(masked(&d.webhooks[i])),
        None => not_found(),
    }
}

/// `POST /webhooks` → `{webhook}` with the real secret.
pub fn create(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let p = pid(ctx);
    let url = r.s("url").unwrap_or("").trim().to_string();
    if let Err(e) = check_url(&url) {
        return e;
    }
    let events = match check_events(r.b("events").unwrap_or(&Value::Null)) {
        Ok(e) => e,
        Err(e) => return e,
    };
    let d = data(st, &p);
    if d.webhooks.len() >= MAX_WEBHOOKS {
        return bad(
            "url",
            "a project can have at most 100 webhooks; delete one first",
        );
    }
    let now = util::now_iso();
    let w = json!({"id": util::object_id(), "organizationId": null, "projectId": p, "url": url,
        "secret": format!("whsec_{}", util::random_alnum(32)), "events": events, "isActive": true,
        "status": "active", "failureCount": 0, "lastFailedAt": null, "lastSuccessAt": null,
        "lastDeliveredAt": null, "metadata": null, "createdAt": now, "updatedAt": now});
    d.webhooks.push(w.clone());
    ok_msg(json!({"webhook": w}), "Webhook created successfully").into()
}

/// `PUT /webhooks/{id}`: url, events (replace), isActive; a `secret` is refused.
pub fn update(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    if r.body.get("secret").is_some() {
        return bad(
            "secret",
            "secrets are immutable; create a new webhook to rotate",
        );
    }
    let url = r.s("url").map(|u| u.trim().to_string());
    if let Some(u) = &url {
        if let Err(e) = check_url(u) {
            return e;
        }
    }
    let events = match r.b("events") {
        Some(v) => match check_events(v) {
            Ok(e) => Some(e),
            Err(e) => return e,
        },
        None => None,
    };
    let d = data(st, &pid(ctx));
    let Some(i) = pos(&d.webhooks, "id", r.param("id")) else {
        return not_found();
    };
    let w = &mut d.webhooks[i];
    if let Some(u) = url {
        w["url"] = json!(u);
    }
    if let Some(e) = events {
        w["events"] = json!(e);
    }
    if let Some(a) = r.b("isActive").and_then(Value::as_bool) {
        if a && w["isActive"] != json!(true) {
            w["failureCount"] = json!(0);
        }
        w["isActive"] = json!(a);
        w["status"] = json!(if a { "active" } else { "inactive" });
    }
    w["updatedAt"] = json!(util::now_iso());
    ok_msg(masked(w), "Webhook updated successfully").into()
}

/// `DELETE /webhooks/{id}` (its logs go too).
pub fn delete(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let id = r.param("id").to_string();
    let d = data(st, &pid(ctx));
    match pos(&d.webhooks, "id", &id) {
        Some(i) => {
            d.webhooks.remove(i);
            d.webhook_logs.retain(|l| sget(l, "webhookId") != id);
            message_only("Webhook deleted successfully").into()
        }
        None => not_found(),
    }
}

/// `GET /webhooks/{id}/logs` (flat; newest first; limit 1–100, default 50).
pub fn logs(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let (page, limit) = match page_query(r, 50, 100) {
        Ok(x) => x,
        Err(e) => return e.into(),
    };
    let id = r.param("id").to_string();
    let d = data(st, &pid(ctx));
    if pos(&d.webhooks, "id", &id).is_none() {
        return not_found();
    }
    let mut items: Vec<Value> = d
        .webhook_logs
        .iter()
        .filter(|l| sget(l, "webhookId") == id)
        .cloned()
        .collect();
    items.reverse();
    okr(flat("logs", items, page, limit))
}

/// `GET /webhooks/{id}/reveal` → `{secret}`.
pub fn reveal(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let d = data(st, &pid(ctx));
    match pos(&d.webhooks, "id", r.param("id")) {
        Some(i) => okr(json!({"secret": d.webhooks[i]["secret"]})),
        None => not_found(),
    }
}

/// `POST /webhooks/{id}/resend` → `{jobId}`; the event must be subscribed. The delivery is
/// sent for real (signed, retried, logged) after the request, like every other.
pub fn resend(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let event = r.s("event").unwrap_or("").to_string();
    let Some(payload) = r.b("data").filter(|v| v.is_object()).cloned() else {
        return bad("data", "is required (an object: the event payload)");
    };
    let p = pid(ctx);
    let d = data(st, &p);
    let Some(i) = pos(&d.webhooks, "id", r.param("id")) else {
        return not_found();
    };
    let w = d.webhooks[i].clone();
    let subscribed = w["events"]
        .as_array()
        .is_some_and(|a| a.iter().any(|e| e.as_str() == Some(event.as_str())));
    if !subscribed {
        return fail(
            400,
            "WEBHOOK_NOT_SUBSCRIBED",
            &format!("The webhook is not subscribed to {event:?}"),
        );
    }
    let id = r.param("id").to_string();
    let job = crate::deliver::enqueue(st, &p, &event, payload, Some(&id))
        .pop()
        .unwrap_or_default();
    ok_msg(json!({"jobId": job}), "Webhook queued for resend").into()
}

/// `GET /webhooks/events/available` → the 14 names.
pub fn available_events(_st: &mut State, _ctx: &Ctx, _r: &Req) -> Reply {
    okr(json!({"events": EVENTS}))
}
