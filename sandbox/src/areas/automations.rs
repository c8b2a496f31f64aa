//! Automations (§2.7): `draft` (or `active` with `active: true`), pause only when `active`,
//! resume from `paused`/`draft`, edits only in `draft`/`paused`.

use super::{bad, data, fail, message_only, nested, okr, page_query, pid, pos, sget, Reply, Req};
use crate::api::Ctx;
use crate::state::State;
use crate::util;
use serde_json::{json, Map, Value};

const SETTABLE: &[&str] = &[
    "name",
    "description",
    "entryCriteria",
    "exitCriteria",
    "tags",
    "unsubscribeGroupId",
    "trackingOpen",
    "trackingClick",
];

fn not_found() -> Reply {
    fail(404, "WORKFLOW_NOT_FOUND", "Automation (workflow) not found")
}

/// Check the step sequence and give every step (and branch) an id.
fn steps(raw: &[Value]) -> Result<Vec<Value>, Reply> {
    let has_branch = raw.iter().any(|s| sget(s, "type") == "branch");
    let mut out = Vec::new();
    for (i, s) in raw.iter().enumerate() {
        let t = sget(s, "type");
        let field = format!("steps[{i}]");
        match t {
            "wait" if s.get("delay").is_none_or(Value::is_null) => {
                return Err(fail(
                    400,
                    "INVALID_STEP_SEQUENCE",
                    &format!("{field}: a wait step needs delay {{value, unit}}"),
                ))
            }
            "email" => {
                let e = s.get("email").cloned().unwrap_or(Value::Null);
                let tpl = e.get("templateId").and_then(Value::as_str).is_some();
                let html = e.get("htmlTemplate").and_then(Value::as_str).is_some()
                    && e.get("subject").and_then(Value::as_str).is_some();
                if !tpl && !html {
                    return Err(fail(400, "EMAIL_TEMPLATE_REQUIRED", &format!("{field}: an email step needs email.templateId or email.htmlTemplate + email.subject")));
                }
            }
            "branch"
                if s.get("branches")
                    .and_then(Value::as_array)
                    .is_none_or(Vec::is_empty) =>
            {
                return Err(fail(
                    400,
                    "BRANCH_BRANCHES_REQUIRED",
                    &format!("{field}: a branch step needs branches"),
                ))
            }
            _ => {}
        }
        if !has_branch {
            let want = if i % 2 == 0 { "wait" } else { "email" };
            if t != want {
                return Err(fail(400, "INVALID_STEP_SEQUENCE", &format!("{field}: steps must alternate wait → email, starting with wait (expected {want}, got {t})")));
            }
        }
        let mut s = s.clone();
        if s.get("stepId").and_then(Value::as_str).is_none() {
            s["stepId"] = json!(format!("step_{}", util::random_hex(12)));
        }
        if let Some(Value::Array(bs)) = s.get_mut("branches") {
            for b in bs.iter_mut() {
                if b.get("branchId").and_then(Value::as_str).is_none() {
                    b["branchId"] = json!(format!("branch_{}", util::random_hex(12)));
                }
            }
        }
        out.push(s);
    }
    if !has_branch && !out.is_empty() && out.len() % 2 == 1 {
        return Err(fail(
            400,
            "INVALID_STEP_SEQUENCE",
            "steps must end with an email step",
        ));
    }
    Ok(out)
}

fn apply(a: &mut Map<String, Value>, r: &Req) -> Result<(), Reply> {
    if let Some(ec) = r.b("entryCriteria") {
        if sget(ec, "type") == "event_trigger"
            && ec.get("eventName").and_then(Value::as_str).is_none()
        {
            return Err(fail(
                400,
                "EVENT_NAME_REQUIRED",
                "entryCriteria.eventName is required for event_trigger",
            ));
        }
    }
    if let Some(Value::Array(raw)) = r.b("steps") {
        a.insert("steps".into(), Value::Array(steps(raw)?));
    }
    for k in SETTABLE {
        if let Some(v) = r.b(k) {
            a.insert((*k).into(), v.clone());
        }
    }
    a.insert("updatedAt".into(), json!(util::now_iso()));
    Ok(())
}

/// `GET /automations` (nested; limit default 50, max 100; status and tags filters).
pub fn list(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let (page, limit) = match page_query(r, 50, 100) {
        Ok(x) => x,
        Err(e) => return e.into(),
    };
    if let Some(s) = r.q("status") {
        if !["draft", "active", "paused", "archived"].contains(&s) {
            return bad("status", "must be one of: draft, active, paused, archived");
        }
    }
    let tags: Vec<String> = r
        .q("tags")
        .map(|t| {
            t.split(',')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let d = data(st, &pid(ctx));
    let mut items: Vec<Value> = d
        .automations
        .iter()
        .filter(|a| {
            r.q("status").is_none_or(|s| sget(a, "status") == s)
                && (tags.is_empty()
                    || a["tags"].as_array().is_some_and(|have| {
                        tags.iter()
                            .any(|t| have.iter().any(|h| h.as_str() == Some(t)))
                    }))
        })
        .cloned()
        .collect();
    items.reverse();
    okr(nested("workflowAutomations", items, page, limit))
}

/// `GET /automations/{id}`.
pub fn get(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let d = data(st, &pid(ctx));
    match pos(&d.automations, "id", r.param("id")) {
        Some(i) => okr(d.automations[i].clone()),
        None => not_found(),
    }
}

/// `POST /automations`.
pub fn create(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let p = pid(ctx);
    if r.s("name").is_none_or(|n| n.trim().is_empty()) {
        return fail(400, "NAME_REQUIRED", "name is required");
    }
    let now = util::now_iso();
    let active = r.b("active") == Some(&json!(true));
    let mut a = match json!({
        "id": util::object_id(), "projectId": p, "organizationId": null, "name": "",
        "description": "", "status": if active { "active" } else { "draft" },
        "entryCriteria": {"type": "contact_created"}, "exitCriteria": {"type": "workflow_complete"},
        "trackingOpen": false, "trackingClick": false, "unsubscribeGroupId": null,
        "settings": {"maxExecutionDays": null, "allowReentry": false, "timezone": "UTC", "priority": 0},
        "steps": [], "tags": [],
        "createdBy": {"id": null, "firstName": null, "lastName": null},
        "analytics": {"totalEntered": 0, "totalCompleted": 0, "totalExited": 0, "totalActive": 0,
            "sent": 0, "delivered": 0, "opened": 0, "clicked": 0, "bounced": 0},
        "activeAt": if active { json!(now) } else { Value::Null },
        "createdAt": now, "updatedAt": now,
    }) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    if let Err(e) = apply(&mut a, r) {
        return e;
    }
    if active && a["steps"].as_array().is_none_or(Vec::is_empty) {
        return fail(
            400,
            "CANNOT_ACTIVATE_AUTOMATION",
            "an automation needs at least one step to be activated",
        );
    }
    let a = Value::Object(a);
    data(st, &p).automations.push(a.clone());
    okr(a)
}

/// `PATCH /automations/{id}`: only draft or paused; `active` true → active, false → draft.
pub fn update(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let d = data(st, &pid(ctx));
    let Some(i) = pos(&d.automations, "id", r.param("id")) else {
        return not_found();
    };
    let status = sget(&d.automations[i], "status").to_string();
    if status != "draft" && status != "paused" {
        return fail(
            400,
            "CANNOT_EDIT_AUTOMATION",
            &format!("Only draft or paused automations can be edited (this one is {status}); pause it first"),
        );
    }
    let mut a = d.automations[i].as_object().cloned().unwrap_or_default();
    if let Err(e) = apply(&mut a, r) {
        return e;
    }
    match r.b("active") {
        Some(Value::Bool(true)) => {
            a.insert("status".into(), json!("active"));
            a.insert("activeAt".into(), json!(util::now_iso()));
        }
        Some(Value::Bool(false)) => {
            a.insert("status".into(), json!("draft"));
        }
        _ => {}
    }
    d.automations[i] = Value::Object(a);
    okr(d.automations[i].clone())
}

/// `POST /automations/{id}/pause`: only active ones.
pub fn pause(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let d = data(st, &pid(ctx));
    let Some(i) = pos(&d.automations, "id", r.param("id")) else {
        return not_found();
    };
    let a = &mut d.automations[i];
    if sget(a, "status") != "active" {
        return fail(
            400,
            "CANNOT_PAUSE_INACTIVE_AUTOMATION",
            &format!(
                "Only active automations can be paused (this one is {})",
                sget(a, "status")
            ),
        );
    }
    let now = util::now_iso();
    a["status"] = json!("paused");
    a["updatedAt"] = json!(now);
    okr(json!({"id": a["id"], "name": a["name"], "status": "paused", "updatedAt": now}))
}

/// `POST /automations/{id}/resume`: from paused (or draft) to active.
pub fn resume(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let d = data(st, &pid(ctx));
    let Some(i) = pos(&d.automations, "id", r.param("id")) else {
        return not_found();
    };
    let a = &mut d.automations[i];
    let status = sget(a, "status").to_string();
    if status != "paused" && status != "draft" {
        return fail(
            400,
            "CANNOT_ACTIVATE_AUTOMATION",
            &format!("Only paused or draft automations can be resumed (this one is {status})"),
        );
    }
    let now = util::now_iso();
    a["status"] = json!("active");
    a["activeAt"] = json!(now);
    a["updatedAt"] = json!(now);
    okr(
        json!({"id": a["id"], "name": a["name"], "status": "active", "activeAt": now, "updatedAt": now}),
    )
}

/// `DELETE /automations/{id}`: 404 AUTOMATION_NOT_FOUND.
pub fn delete(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let d = data(st, &pid(ctx));
    match pos(&d.automations, "id", r.param("id")) {
        Some(i) => {
            d.automations.remove(i);
            message_only("Automation deleted successfully").into()
        }
        None => fail(404, "AUTOMATION_NOT_FOUND", "Automation not found"),
    }
}
