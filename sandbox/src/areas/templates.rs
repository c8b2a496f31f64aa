//! Templates (§2.4): ids `A-` + 20 alphanumerics; search is paged (nested style).

use super::{bad, data, fail, message_only, nested, okr, page_query, pid, pos, sget, Reply, Req};
use crate::api::Ctx;
use crate::state::State;
use crate::util;
use serde_json::{json, Map, Value};

const FIELDS: &[&str] = &[
    "templateName",
    "subject",
    "description",
    "previewText",
    "emailTemplate",
    "templateType",
    "builderType",
    "dynamicVariables",
];

fn not_found() -> Reply {
    fail(404, "NOT_FOUND", "Template not found")
}

fn check_type(r: &Req) -> Result<Option<String>, Reply> {
    match r.q("templateType") {
        None => Ok(None),
        Some(t @ ("transactional" | "marketing")) => Ok(Some(t.to_string())),
        Some(_) => Err(bad(
            "templateType",
            "must be one of: transactional, marketing",
        )),
    }
}

fn sender_json(st: &mut State, p: &str, sender_id: &str) -> Result<Value, Reply> {
    let d = data(st, p);
    match pos(&d.senders, "id", sender_id) {
        Some(i) => {
            let s = &d.senders[i];
            Ok(
                json!({"id": s["id"], "name": s["name"], "email": s["email"], "replyTo": s["replyTo"]}),
            )
        }
        None => Err(bad(
            "senderId",
            "must be the id of a sender of this project",
        )),
    }
}

fn apply(t: &mut Map<String, Value>, r: &Req) {
    for f in FIELDS {
        if let Some(v) = r.b(f) {
            t.insert((*f).into(), v.clone());
        }
    }
    t.insert("updatedAt".into(), json!(util::now_iso()));
}

/// `GET /templates` (limit 1–100, default 100; templateType filter).
pub fn list(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let tt = match check_type(r) {
        Ok(t) => t,
        Err(e) => return e,
    };
    let limit = match super::page_query(r, 100, 100) {
        Ok((_, l)) => l,
        Err(e) => return e.into(),
    };
    let d = data(st, &pid(ctx));
    let items: Vec<Value> = d
        .templates
        .iter()
        .filter(|t| tt.as_deref().is_none_or(|x| sget(t, "templateType") == x))
        .take(limit as usize)
        .cloned()
        .collect();
    okr(json!({"templates": items}))
}

/// `GET /templates/search` (nested pagination; limit 1–100, default 20).
pub fn search(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let (page, limit) = match page_query(r, 20, 100) {
        Ok(x) => x,
        Err(e) => return e.into(),
    };
    let tt = match check_type(r) {
        Ok(t) => t,
        Err(e) => return e,
    };
    let sort = r.q("sortBy").unwrap_or("createdAt");
    if !["createdAt", "updatedAt", "templateName", "subject"].contains(&sort) {
        return bad(
            "sortBy",
            "must be one of: createdAt, updatedAt, templateName, subject",
        );
    }
    let query = r.q("query").map(str::to_lowercase);
    let d = data(st, &pid(ctx));
    let mut items: Vec<Value> = d
        .templates
        .iter()
        .filter(|t| {
            let name = sget(t, "templateName");
            let subject = sget(t, "subject");
            let id = sget(t, "templateId");
            query.as_deref().is_none_or(|q| {
                name.to_lowercase().contains(q)
                    || subject.to_lowercase().contains(q)
                    || id.to_lowercase().contains(q)
            }) && tt.as_deref().is_none_or(|x| sget(t, "templateType") == x)
                && r.q("templateName").is_none_or(|x| name == x)
                && r.q("subject")
                    .is_none_or(|x| subject.to_lowercase().contains(&x.to_lowercase()))
                && r.q("templateId").is_none_or(|x| id == x)
        })
        .cloned()
        .collect();
    items.sort_by(|a, b| {
        let (x, y) = (sget(a, sort), sget(b, sort));
        if sort.ends_with("At") {
            y.cmp(x) // dates: newest first
        } else {
            x.cmp(y)
        }
    });
    okr(nested("templates", items, page, limit))
}

/// `GET /templates/{templateId}`.
pub fn get(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let d = data(st, &pid(ctx));
    match pos(&d.templates, "templateId", r.param("templateId")) {
        Some(i) => okr(d.templates[i].clone()),
        None => not_found(),
    }
}

/// `POST /templates`.
pub fn create(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let p = pid(ctx);
    let mut det = Vec::new();
    if r.s("templateName").is_none_or(|s| s.trim().is_empty()) {
        det.push(("templateName".to_string(), "is required".to_string()));
    }
    if r.s("subject").is_none_or(|s| s.trim().is_empty()) {
        det.push(("subject".to_string(), "is required".to_string()));
    }
    if !det.is_empty() {
        return crate::api::validation(det).into();
    }
    let sender = match r.s("senderId") {
        Some(sid) => match sender_json(st, &p, sid) {
            Ok(s) => Some(s),
            Err(e) => return e,
        },
        None => None,
    };
    let now = util::now_iso();
    let mut t = Map::new();
    t.insert(
        "templateId".into(),
        json!(format!("A-{}", util::random_alnum(20))),
    );
    t.insert("projectId".into(), json!(p));
    t.insert("templateName".into(), json!(""));
    t.insert("description".into(), json!(""));
    t.insert("subject".into(), json!(""));
    t.insert("previewText".into(), json!(""));
    t.insert("emailTemplate".into(), json!(""));
    t.insert("plainTextTemplate".into(), json!(""));
    t.insert("templateType".into(), json!("transactional"));
    t.insert("builderType".into(), json!("code"));
    t.insert("dynamicVariables".into(), json!({}));
    t.insert("createdAt".into(), json!(now));
    apply(&mut t, r);
    if let Some(s) = sender {
        t.insert("sender".into(), s);
    }
    let t = Value::Object(t);
    data(st, &p).templates.push(t.clone());
    okr(t)
}

/// `PUT /templates/{templateId}` (partial despite PUT).
pub fn update(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let p = pid(ctx);
    let sender = match r.s("senderId") {
        Some(sid) => match sender_json(st, &p, sid) {
            Ok(s) => Some(s),
            Err(e) => return e,
        },
        None => None,
    };
    let d = data(st, &p);
    let Some(i) = pos(&d.templates, "templateId", r.param("templateId")) else {
        return not_found();
    };
    let Some(t) = d.templates[i].as_object_mut() else {
        return not_found();
    };
    apply(t, r);
    if let Some(s) = sender {
        t.insert("sender".into(), s);
    }
    okr(d.templates[i].clone())
}

/// `DELETE /templates/{templateId}`: unknown → 400 DELETE_TEMPLATE_FAILED (as documented).
pub fn delete(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let d = data(st, &pid(ctx));
    match pos(&d.templates, "templateId", r.param("templateId")) {
        Some(i) => {
            d.templates.remove(i);
            message_only("Template deleted successfully").into()
        }
        None => fail(
            400,
            "DELETE_TEMPLATE_FAILED",
            "Failed to delete template: template not found",
        ),
    }
}

/// `PATCH /templates/{templateId}/preview-text`.
pub fn update_preview_text(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let Some(text) = r.s("previewText") else {
        return bad("previewText", "is required");
    };
    let text = text.to_string();
    let d = data(st, &pid(ctx));
    let Some(i) = pos(&d.templates, "templateId", r.param("templateId")) else {
        return not_found();
    };
    d.templates[i]["previewText"] = json!(text);
    d.templates[i]["updatedAt"] = json!(util::now_iso());
    okr(d.templates[i].clone())
}
