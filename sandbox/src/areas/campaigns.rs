//! Campaigns (§2.6) with their state machine:
//! create → `draft` (or `scheduled` with `sendNow`/`scheduledAt`); update with `sendNow: true`
//! → `sending` (`sending_gradual` when `sendMode` is `gradual`); pause only from
//! `sending`/`sending_gradual`; resume only from `paused`; abort from `scheduled`, `sending`,
//! `sending_gradual` or `paused`; delete only `draft`.

use super::{
    bad, data, fail, message_only, nested, ok_msg, okr, page_query, pid, pos, sget, Reply, Req,
};
use crate::api::{validation, Ctx};
use crate::state::{ProjectData, State};
use crate::util;
use serde_json::{json, Map, Value};

const STATUSES: &[&str] = &[
    "draft",
    "scheduled",
    "sending",
    "sending_gradual",
    "paused",
    "sent",
    "failed",
    "aborted",
];

const SETTABLE: &[&str] = &[
    "name",
    "subject",
    "previewText",
    "fromSenderId",
    "replyTo",
    "templateId",
    "excludeLists",
    "unsubscribeGroupId",
    "sendNow",
    "scheduledAt",
    "sendToGlobalList",
    "trackingClick",
    "trackingOpen",
    "sendMode",
    "gradualStrategy",
    "dailyBatchSize",
    "timezone",
];

fn not_found() -> Reply {
    fail(404, "CAMPAIGN_NOT_FOUND", "Campaign not found")
}

fn summary(c: &Value) -> Value {
    let mut m = Map::new();
    for k in [
        "id",
        "name",
        "subject",
        "previewText",
        "status",
        "sendMode",
        "trackingClick",
        "trackingOpen",
        "createdAt",
        "updatedAt",
    ] {
        m.insert(k.into(), c.get(k).cloned().unwrap_or(Value::Null));
    }
    if sget(c, "status") == "sent" {
        m.insert("metrics".into(), c["metrics"].clone());
        m.insert("sentAt".into(), c["sentAt"].clone());
    }
    Value::Object(m)
}

fn lists_json(d: &ProjectData, ids: &[Value], field: &str) -> Result<Value, Reply> {
    let mut out = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let id = id.as_str().unwrap_or("");
        if id == super::lists::GLOBAL {
            out.push(json!({"id": id, "name": "All Contacts", "type": "list", "contactCount": 0}));
            continue;
        }
        match pos(&d.lists, "id", id) {
            Some(j) => {
                let l = &d.lists[j];
                out.push(
                    json!({"id": id, "name": l["name"], "type": l["type"], "contactCount": 0}),
                );
            }
            None => {
                return Err(bad(
                    &format!("{field}[{i}]"),
                    "must be the id of a contact list or segment of this project",
                ))
            }
        }
    }
    Ok(Value::Array(out))
}

/// Check and apply the settable fields (create and update).
fn apply(d: &ProjectData, c: &mut Map<String, Value>, r: &Req) -> Result<(), Reply> {
    let mut det: Vec<(String, String)> = Vec::new();
    if let Some(rt) = r.s("replyTo") {
        if !rt.is_empty() && !util::is_valid_email(rt) {
            det.push(("replyTo".into(), "must be a valid email address".into()));
        }
    }
    if let Some(sid) = r.s("fromSenderId") {
        match pos(&d.senders, "id", sid) {
            Some(i) => {
                let s = &d.senders[i];
                c.insert(
                    "from".into(),
                    json!({"email": s["email"], "name": s["name"]}),
                );
            }
            None => det.push((
                "fromSenderId".into(),
                "must be the id of a sender of this project".into(),
            )),
        }
    }
    if let Some(tid) = r.s("templateId") {
        match pos(&d.templates, "templateId", tid) {
            Some(i) => {
                c.insert("template".into(), d.templates[i].clone());
            }
            None => det.push((
                "templateId".into(),
                "must be the id of a template of this project".into(),
            )),
        }
    }
    if let Some(at) = r.s("scheduledAt") {
        if !looks_iso(at) {
            det.push(("scheduledAt".into(), "must be an ISO-8601 date-time".into()));
        }
    }
    if r.s("sendMode") == Some("gradual")
        && r.s("gradualStrategy").is_none()
        && c.get("gradualStrategy").is_none_or(Value::is_null)
    {
        det.push((
            "gradualStrategy".into(),
            "is required when sendMode is gradual".into(),
        ));
    }
    if !det.is_empty() {
        return Err(validation(det).into());
    }
    if let Some(f) = r.b("from") {
        c.insert("from".into(), f.clone());
    }
    if let Some(h) = r.s("htmlTemplate") {
        let mut t = c.get("template").cloned().unwrap_or(json!({}));
        t["emailTemplate"] = json!(h);
        c.insert("template".into(), t);
    }
    for k in ["toLists", "excludeLists"] {
        if let Some(Value::Array(ids)) = r.b(k) {
            c.insert(k.into(), lists_json(d, ids, k)?);
        }
    }
    for k in SETTABLE {
        if *k == "excludeLists" {
            continue;
        }
        if let Some(v) = r.b(k) {
            c.insert((*k).into(), v.clone());
        }
    }
    c.insert("updatedAt".into(), json!(util::now_iso()));
    Ok(())
}

/// A loose ISO-8601 check (`YYYY-MM-DDTHH:MM...`).
pub fn looks_iso(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 16
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
}

/// `GET /campaigns` (nested pagination; limit 1–100, default 20).
pub fn list(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let (page, limit) = match page_query(r, 20, 100) {
        Ok(x) => x,
        Err(e) => return e.into(),
    };
    if let Some(s) = r.q("status") {
        if !STATUSES.contains(&s) {
            return bad(
                "status",
                &format!("must be one of: {}", STATUSES.join(", ")),
            );
        }
    }
    for k in ["startDate", "endDate"] {
        if r.q(k).is_some_and(|v| v.len() < 10) {
            return bad(k, "must be an ISO-8601 date");
        }
    }
    if r.q("includeCounts")
        .is_some_and(|v| v != "true" && v != "false")
    {
        return bad("includeCounts", "must be \"true\" or \"false\"");
    }
    let name = r.q("name").map(str::to_lowercase);
    let d = data(st, &pid(ctx));
    let mut items: Vec<Value> = d
        .campaigns
        .iter()
        .filter(|c| {
            let created = sget(c, "createdAt");
            r.q("status").is_none_or(|s| sget(c, "status") == s)
                && name
                    .as_deref()
                    .is_none_or(|n| sget(c, "name").to_lowercase().contains(n))
                && r.q("startDate").is_none_or(|s| created >= s)
                && r.q("endDate").is_none_or(|e| created <= e)
        })
        .map(summary)
        .collect();
    items.reverse();
    okr(nested("campaigns", items, page, limit))
}

/// `GET /campaigns/{campaignId}`.
pub fn get(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let d = data(st, &pid(ctx));
    match pos(&d.campaigns, "id", r.param("campaignId")) {
        Some(i) => ok_msg(d.campaigns[i].clone(), "Campaign retrieved successfully").into(),
        None => not_found(),
    }
}

/// `POST /campaigns`.
pub fn create(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let p = pid(ctx);
    let mut det = Vec::new();
    for k in ["name", "subject"] {
        if r.s(k).is_none_or(|s| s.trim().is_empty()) {
            det.push((k.to_string(), "is required".to_string()));
        }
    }
    if r.s("templateId").is_none() && r.s("htmlTemplate").is_none() {
        det.push((
            "templateId".to_string(),
            "templateId or htmlTemplate is required".to_string(),
        ));
    }
    if !det.is_empty() {
        return validation(det).into();
    }
    let now = util::now_iso();
    let d = data(st, &p);
    let mut c = Map::new();
    let base = json!({
        "id": util::object_id(), "projectId": p, "organizationId": null, "createdBy": null,
        "name": "", "subject": "", "previewText": "", "fromSenderId": null, "replyTo": "",
        "toLists": [], "excludeLists": [], "unsubscribeGroupId": null, "sendNow": false,
        "scheduledAt": null, "templateId": null, "status": "draft",
        "from": {"email": null, "name": null},
        "metrics": {"sent": 0, "delivered": 0, "opened": 0, "suppressed": 0, "clicked": 0,
            "bounced": 0, "unsubscribed": 0, "spamReported": 0, "processedCount": 0,
            "totalContacts": 0, "failedCount": 0, "averageRatePerSecond": 0, "totalDurationSeconds": 0},
        "sentAt": null, "abortedAt": null, "agendaJobId": null, "failureReason": null,
        "createdAt": now, "updatedAt": now, "sendToGlobalList": false, "template": null,
        "trackingClick": false, "trackingOpen": false, "sendMode": "immediate",
        "resumedAt": null, "pausedReason": null, "pausedAt": null,
        "thresholdPreset": "balanced", "source": "api", "gradualStrategy": null,
        "dailyBatchSize": null, "timezone": null, "gradualSend": null,
    });
    if let Value::Object(b) = base {
        c = b;
    }
    if let Err(e) = apply(d, &mut c, r) {
        return e;
    }
    let scheduled = r.b("sendNow") == Some(&json!(true)) || r.s("scheduledAt").is_some();
    if scheduled {
        c.insert("status".into(), json!("scheduled"));
        if r.s("scheduledAt").is_none() {
            let at = util::iso_from_millis(util::epoch_millis() + 120_000);
            c.insert("scheduledAt".into(), json!(at));
        }
    }
    let c = Value::Object(c);
    d.campaigns.push(c.clone());
    ok_msg(c, "Campaign created successfully").into()
}

fn transition(
    st: &mut State,
    ctx: &Ctx,
    r: &Req,
    allowed: &[&str],
    verb: &str,
    to: impl Fn(&Value) -> &'static str,
    stamp: Option<&str>,
) -> Reply {
    let d = data(st, &pid(ctx));
    let Some(i) = pos(&d.campaigns, "id", r.param("campaignId")) else {
        return not_found();
    };
    let status = sget(&d.campaigns[i], "status").to_string();
    if !allowed.contains(&status.as_str()) {
        return fail(
            400,
            "INVALID_CAMPAIGN_STATUS",
            &format!(
                "Cannot {verb} a campaign with status {status}; allowed from: {}",
                allowed.join(", ")
            ),
        );
    }
    let now = util::now_iso();
    let new = to(&d.campaigns[i]);
    let c = &mut d.campaigns[i];
    c["status"] = json!(new);
    c["updatedAt"] = json!(now);
    if let Some(k) = stamp {
        c[k] = json!(now);
    }
    let past = match verb {
        "pause" => "paused",
        "resume" => "resumed",
        _ => "aborted",
    };
    ok_msg(summary(c), &format!("Campaign {past} successfully")).into()
}

fn sending_state(c: &Value) -> &'static str {
    if sget(c, "sendMode") == "gradual" {
        "sending_gradual"
    } else {
        "sending"
    }
}

/// `PATCH /campaigns/{campaignId}`: only `draft`, `scheduled` and `paused` campaigns are
/// editable; `sendNow: true` starts sending.
pub fn update(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let d = data(st, &pid(ctx));
    let Some(i) = pos(&d.campaigns, "id", r.param("campaignId")) else {
        return not_found();
    };
    let status = sget(&d.campaigns[i], "status").to_string();
    if !["draft", "scheduled", "paused"].contains(&status.as_str()) {
        return fail(
            400,
            "INVALID_CAMPAIGN_STATUS",
            &format!("Cannot update a campaign with status {status}; allowed from: draft, scheduled, paused"),
        );
    }
    let mut c = d.campaigns[i].as_object().cloned().unwrap_or_default();
    if let Err(e) = apply(d, &mut c, r) {
        return e;
    }
    let mut c = Value::Object(c);
    if r.b("sendNow") == Some(&json!(true)) {
        c["status"] = json!(sending_state(&c));
        c["sentAt"] = json!(util::now_iso());
    } else if r.s("scheduledAt").is_some() && status == "draft" {
        c["status"] = json!("scheduled");
    }
    d.campaigns[i] = c.clone();
    ok_msg(summary(&c), "Campaign updated successfully").into()
}

/// `POST /campaigns/{campaignId}/pause`.
pub fn pause(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    transition(
        st,
        ctx,
        r,
        &["sending", "sending_gradual"],
        "pause",
        |_| "paused",
        Some("pausedAt"),
    )
}

/// `POST /campaigns/{campaignId}/resume`.
pub fn resume(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    transition(
        st,
        ctx,
        r,
        &["paused"],
        "resume",
        sending_state,
        Some("resumedAt"),
    )
}

/// `POST /campaigns/{campaignId}/abort`.
pub fn abort(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    transition(
        st,
        ctx,
        r,
        &["scheduled", "sending", "sending_gradual", "paused"],
        "abort",
        |_| "aborted",
        Some("abortedAt"),
    )
}

/// `DELETE /campaigns/{campaignId}`: only drafts.
pub fn delete(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let d = data(st, &pid(ctx));
    let Some(i) = pos(&d.campaigns, "id", r.param("campaignId")) else {
        return not_found();
    };
    if sget(&d.campaigns[i], "status") != "draft" {
        return fail(
            400,
            "ONLY_DRAFT_CAMPAIGNS_CAN_BE_DELETED",
            "Only draft campaigns can be deleted; abort it instead",
        );
    }
    d.campaigns.remove(i);
    message_only("Campaign deleted successfully").into()
}

/// `GET /campaigns/{campaignId}/analytics` (all counts 0 in the sandbox).
pub fn analytics(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let d = data(st, &pid(ctx));
    let Some(i) = pos(&d.campaigns, "id", r.param("campaignId")) else {
        return Reply::Json(
            404,
            json!({"success": false, "error": {"message": "Campaign not found", "code": "CAMPAIGN_NOT_FOUND", "status": 404, "details": format!("No campaign with id {}", r.param("campaignId"))}}),
        );
    };
    let c = &d.campaigns[i];
    let zero = json!(0);
    ok_msg(
        json!({
            "campaignId": c["id"], "name": c["name"], "status": c["status"], "sentAt": c["sentAt"],
            "counts": {"totalContacts": zero, "suppressed": zero, "failed": zero, "attempted": zero,
                "sent": zero, "delivered": zero, "opened": zero, "humanOpened": zero, "clicked": zero,
                "bounced": zero, "unsubscribed": zero, "spamReported": zero},
            "rates": {"openRate": zero, "clickRate": zero, "bounceRate": zero, "unsubscribedRate": zero,
                "complaintRate": zero, "successRate": zero, "deliveryRate": zero, "trueOpenRate": zero},
            "tracking": {"open": c["trackingOpen"], "click": c["trackingClick"]},
            "refreshedAt": null,
        }),
        "Campaign analytics retrieved successfully",
    )
    .into()
}
