//! Senders (§2.5): the email's domain must be VERIFIED in the project; errors on create use
//! the documented plain-string `error` variant.

use super::{
    data, domain_verified, email_domain, fail, message_only, ok_msg, okr, pid, pos, sget, Reply,
    Req,
};
use crate::api::Ctx;
use crate::state::State;
use crate::util;
use serde_json::{json, Value};

fn string_error(status: u16, message: &str) -> Reply {
    Reply::Json(status, json!({"success": false, "error": message}))
}

fn not_found() -> Reply {
    fail(404, "AUTHENTICATED_SENDER_NOT_FOUND", "Sender not found")
}

/// `GET /senders`.
pub fn list(st: &mut State, ctx: &Ctx, _r: &Req) -> Reply {
    okr(json!({"senders": data(st, &pid(ctx)).senders}))
}

/// `GET /senders/{senderId}`.
pub fn get(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let d = data(st, &pid(ctx));
    match pos(&d.senders, "id", r.param("senderId")) {
        Some(i) => okr(d.senders[i].clone()),
        None => not_found(),
    }
}

/// `POST /senders`: 400 (string error) when the domain is not verified, 409 on a duplicate.
pub fn create(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let p = pid(ctx);
    let email = match super::check_email("email", r.s("email").unwrap_or("")) {
        Ok(e) => e,
        Err(e) => return e,
    };
    let reply_to = r.s("replyTo").unwrap_or("").trim().to_string();
    if !reply_to.is_empty() && !util::is_valid_email(&reply_to) {
        return super::bad("replyTo", "must be a valid email address");
    }
    let domain = email_domain(&email).unwrap_or_default();
    let d = data(st, &p);
    if !domain_verified(d, &domain) {
        return string_error(
            400,
            &format!("The domain {domain} is not verified in this project. Add it with POST /v1/domains and verify it first."),
        );
    }
    if d.senders.iter().any(|s| sget(s, "email") == email) {
        return string_error(409, &format!("A sender with email {email} already exists"));
    }
    let s = json!({
        "id": util::object_id(), "email": email,
        "name": r.s("name").unwrap_or(""), "replyTo": reply_to,
    });
    d.senders.push(s.clone());
    ok_msg(
        json!({"sender": s, "projectId": p}),
        "Sender created successfully",
    )
    .into()
}

/// `DELETE /senders/{senderId}`: 400 AUTHENTICATED_SENDER_IN_USE when a template or campaign
/// uses it.
pub fn delete(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let id = r.param("senderId");
    let d = data(st, &pid(ctx));
    let Some(i) = pos(&d.senders, "id", id) else {
        return not_found();
    };
    let used = d
        .templates
        .iter()
        .any(|t| t.pointer("/sender/id").and_then(Value::as_str) == Some(id))
        || d.campaigns.iter().any(|c| sget(c, "fromSenderId") == id);
    if used {
        return fail(
            400,
            "AUTHENTICATED_SENDER_IN_USE",
            "The sender is used by a template or campaign; change those first",
        );
    }
    d.senders.remove(i);
    message_only("Sender deleted successfully").into()
}
