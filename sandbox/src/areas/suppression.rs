//! Suppression (= unsubscribe) groups and entries (§2.11). Every project has a seeded global
//! group; path `{groupId}` accepts the group's ObjectId `id` or its short `groupId` code.

use super::{bad, data, fail, message_only, nested, okr, page_body, pid, q_bool, sget, Reply, Req};
use crate::api::Ctx;
use crate::state::{ProjectData, State};
use crate::util;
use serde_json::{json, Value};

fn not_found() -> Reply {
    fail(404, "GROUP_NOT_FOUND", "Suppression group not found")
}

fn short_code() -> String {
    util::random_alnum(5).to_ascii_uppercase()
}

fn new_group(name: &str, description: &str, global: bool, active: bool) -> Value {
    let now = util::now_iso();
    json!({"id": util::object_id(), "groupId": short_code(), "name": name, "description": description,
           "isGlobal": global, "isActive": active, "suppressionCount": 0, "createdAt": now, "updatedAt": now})
}

/// Seed the project's global group.
pub fn seed(d: &mut ProjectData) {
    d.groups.push(new_group(
        "Global Unsubscribes",
        "Contacts unsubscribed from everything",
        true,
        true,
    ));
}

fn find(d: &ProjectData, key: &str) -> Option<usize> {
    d.groups
        .iter()
        .position(|g| sget(g, "id") == key || sget(g, "groupId") == key)
}

fn view(d: &ProjectData, g: &Value) -> Value {
    let code = sget(g, "groupId");
    let n = d
        .entries
        .iter()
        .filter(|e| sget(e, "groupId") == code)
        .count();
    let mut v = g.clone();
    v["suppressionCount"] = json!(n);
    v
}

/// `{groupId, name}` of every group an email is suppressed in (for contacts.unsubscribeGroups).
pub fn groups_of(d: &ProjectData, email: &str) -> Vec<Value> {
    d.groups
        .iter()
        .filter(|g| {
            d.entries
                .iter()
                .any(|e| sget(e, "email") == email && sget(e, "groupId") == sget(g, "groupId"))
        })
        .map(|g| json!({"groupId": g["groupId"], "name": g["name"]}))
        .collect()
}

/// `GET /suppression-groups` (onlyGlobal, includeGlobal — default true).
pub fn list(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let only = match q_bool(r, "onlyGlobal") {
        Ok(v) => v.unwrap_or(false),
        Err(e) => return e.into(),
    };
    let include = match q_bool(r, "includeGlobal") {
        Ok(v) => v.unwrap_or(true),
        Err(e) => return e.into(),
    };
    let d = data(st, &pid(ctx));
    let groups: Vec<Value> = d
        .groups
        .iter()
        .filter(|g| {
            let global = g["isGlobal"] == json!(true);
            if only {
                global
            } else {
                include || !global
            }
        })
        .map(|g| view(d, g))
        .collect();
    okr(json!({"groups": groups}))
}

/// `GET /suppression-groups/{groupId}`.
pub fn get(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let d = data(st, &pid(ctx));
    match find(d, r.param("groupId")) {
        Some(i) => okr(view(d, &d.groups[i])),
        None => not_found(),
    }
}

/// `POST /suppression-groups`.
pub fn create(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let name = r.s("name").unwrap_or("").trim().to_string();
    if name.is_empty() {
        return bad("name", "is required");
    }
    let active = r.b("isActive").and_then(Value::as_bool).unwrap_or(true);
    let g = new_group(&name, r.s("description").unwrap_or(""), false, active);
    data(st, &pid(ctx)).groups.push(g.clone());
    okr(g)
}

/// `PUT /suppression-groups/{groupId}` (partial).
pub fn update(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    if r.s("name").is_some_and(|n| n.trim().is_empty()) {
        return bad("name", "must not be empty");
    }
    let d = data(st, &pid(ctx));
    let Some(i) = find(d, r.param("groupId")) else {
        return not_found();
    };
    let g = &mut d.groups[i];
    for k in ["name", "description", "isActive"] {
        if let Some(v) = r.b(k) {
            g[k] = v.clone();
        }
    }
    g["updatedAt"] = json!(util::now_iso());
    let g = g.clone();
    okr(view(d, &g))
}

/// `DELETE /suppression-groups/{groupId}`: the global group cannot be deleted.
pub fn delete(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let d = data(st, &pid(ctx));
    let Some(i) = find(d, r.param("groupId")) else {
        return not_found();
    };
    if d.groups[i]["isGlobal"] == json!(true) {
        return fail(
            400,
            "CANNOT_DELETE_GLOBAL_GROUP",
            "The global suppression group cannot be deleted",
        );
    }
    let g = d.groups.remove(i);
    let code = sget(&g, "groupId").to_string();
    d.entries.retain(|e| sget(e, "groupId") != code);
    message_only("Suppression group deleted successfully").into()
}

/// Resolve the target groups of suppress/unsuppress/search: `groupId`, `isGlobal`.
fn targets(d: &ProjectData, r: &Req, default_all: bool) -> Result<Vec<String>, Reply> {
    if r.b("isGlobal") == Some(&json!(true)) {
        return Ok(d
            .groups
            .iter()
            .filter(|g| g["isGlobal"] == json!(true))
            .map(|g| sget(g, "groupId").to_string())
            .collect());
    }
    match r.s("groupId") {
        Some(id) => match find(d, id) {
            Some(i) => Ok(vec![sget(&d.groups[i], "groupId").to_string()]),
            None => Err(not_found()),
        },
        None if default_all => Ok(d
            .groups
            .iter()
            .map(|g| sget(g, "groupId").to_string())
            .collect()),
        None => Ok(d
            .groups
            .iter()
            .filter(|g| g["isGlobal"] == json!(true))
            .map(|g| sget(g, "groupId").to_string())
            .take(1)
            .collect()),
    }
}

fn emails(r: &Req) -> Result<Vec<String>, Reply> {
    let Some(a) = r.b("emails").and_then(Value::as_array) else {
        return Err(bad("emails", "is required"));
    };
    if a.is_empty() {
        return Err(bad("emails", "must have at least 1 item"));
    }
    let mut out = Vec::new();
    for (i, v) in a.iter().enumerate() {
        let e = v.as_str().unwrap_or("").trim().to_lowercase();
        if !util::is_valid_email(&e) {
            return Err(bad(
                &format!("emails[{i}]"),
                "must be a valid email address",
            ));
        }
        out.push(e);
    }
    Ok(out)
}

/// `POST /suppression-groups/emails/suppress` → `{suppressed}` (new entries).
pub fn suppress(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let list = match emails(r) {
        Ok(l) => l,
        Err(e) => return e,
    };
    let reason = r.s("reason").unwrap_or("MANUAL").to_string();
    let d = data(st, &pid(ctx));
    let groups = match targets(d, r, false) {
        Ok(g) => g,
        Err(e) => return e,
    };
    let mut n = 0u64;
    for g in &groups {
        for e in &list {
            if !d
                .entries
                .iter()
                .any(|x| sget(x, "email") == e && sget(x, "groupId") == g)
            {
                let now = util::now_iso();
                d.entries.push(
                    json!({"id": util::object_id(), "email": e, "groupId": g, "reason": reason,
                    "createdAt": now, "updatedAt": now}),
                );
                n += 1;
            }
        }
    }
    okr(json!({"suppressed": n}))
}

/// `POST /suppression-groups/emails/unsuppress` → `{unsuppressed}` (groupId omitted → all).
pub fn unsuppress(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let list = match emails(r) {
        Ok(l) => l,
        Err(e) => return e,
    };
    let d = data(st, &pid(ctx));
    let groups = match targets(d, r, true) {
        Ok(g) => g,
        Err(e) => return e,
    };
    let before = d.entries.len();
    d.entries.retain(|x| {
        !(list.iter().any(|e| e == sget(x, "email"))
            && groups.iter().any(|g| g == sget(x, "groupId")))
    });
    okr(json!({"unsuppressed": before - d.entries.len()}))
}

/// `POST /suppression-groups/entries` (nested; limit 1–100, default 20), newest first.
pub fn search_entries(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let (page, limit) = match page_body(r, 20, 100) {
        Ok(x) => x,
        Err(e) => return e.into(),
    };
    let d = data(st, &pid(ctx));
    let groups: Option<Vec<String>> = if r.s("groupId").is_some() || r.b("isGlobal").is_some() {
        if r.b("isGlobal") == Some(&json!(false)) && r.s("groupId").is_none() {
            Some(
                d.groups
                    .iter()
                    .filter(|g| g["isGlobal"] != json!(true))
                    .map(|g| sget(g, "groupId").to_string())
                    .collect(),
            )
        } else {
            match targets(d, r, true) {
                Ok(g) => Some(g),
                Err(e) => return e,
            }
        }
    } else {
        None
    };
    let search = r.s("search").map(str::to_lowercase);
    let email = r.s("email").map(str::to_lowercase);
    let mut items: Vec<Value> = d
        .entries
        .iter()
        .filter(|e| {
            let em = sget(e, "email");
            let at = sget(e, "createdAt");
            groups
                .as_ref()
                .is_none_or(|g| g.iter().any(|x| x == sget(e, "groupId")))
                && r.s("reason").is_none_or(|x| sget(e, "reason") == x)
                && search
                    .as_deref()
                    .is_none_or(|s| em.contains(s) || sget(e, "reason").to_lowercase().contains(s))
                && email.as_deref().is_none_or(|x| em.contains(x))
                && r.s("startDate").is_none_or(|s| at >= s)
                && r.s("endDate").is_none_or(|x| at <= x)
        })
        .cloned()
        .collect();
    items.reverse();
    okr(nested("entries", items, page, limit))
}
