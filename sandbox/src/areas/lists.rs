//! Contact lists and segments (§2.10). Membership of a list is the contact's `listIds`;
//! segment membership is computed from `filterCriteria` (and the parent segment).
//! `GLOBAL_CONTACT_LIST` ("All Contacts") is a virtual first item.

use super::{bad, data, fail, nested, ok_msg, okr, page_body, pid, pos, sget, Reply, Req};
use crate::api::{validation, Ctx};
use crate::state::{ProjectData, State};
use crate::util;
use serde_json::{json, Value};

/// The virtual list of every contact.
pub const GLOBAL: &str = "GLOBAL_CONTACT_LIST";
/// Most emails or contactIds per bulk-add.
pub const MAX_BULK_ADD: usize = 500;

const OPERATORS: &[(&str, &[&str])] = &[
    (
        "string",
        &[
            "equals",
            "not_equals",
            "contains",
            "not_contains",
            "starts_with",
            "ends_with",
            "is_empty",
            "is_not_empty",
        ],
    ),
    (
        "number",
        &[
            "equals",
            "not_equals",
            "greater_than",
            "less_than",
            "between",
        ],
    ),
    ("boolean", &["equals", "not_equals"]),
    (
        "date",
        &[
            "equals",
            "not_equals",
            "before",
            "after",
            "between",
            "is_empty",
            "is_not_empty",
        ],
    ),
];

fn not_found() -> Reply {
    fail(404, "CONTACT_LIST_NOT_FOUND", "Contact list not found")
}

fn field_value(c: &Value, field: &str) -> Value {
    match field.strip_prefix("customFields.") {
        Some(k) => c["customFields"].get(k).cloned().unwrap_or(Value::Null),
        None => c.get(field).cloned().unwrap_or(Value::Null),
    }
}

fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn cond(c: &Value, g: &Value) -> bool {
    let v = field_value(c, sget(g, "field"));
    let want = g.get("value").cloned().unwrap_or(Value::Null);
    let (a, b) = (as_text(&v).to_lowercase(), as_text(&want).to_lowercase());
    let num = |x: &Value| as_text(x).parse::<f64>().ok();
    match sget(g, "operator") {
        "equals" => a == b,
        "not_equals" => a != b,
        "contains" => a.contains(&b),
        "not_contains" => !a.contains(&b),
        "starts_with" => a.starts_with(&b),
        "ends_with" => a.ends_with(&b),
        "is_empty" => a.is_empty(),
        "is_not_empty" => !a.is_empty(),
        "greater_than" => matches!((num(&v), num(&want)), (Some(x), Some(y)) if x > y),
        "less_than" => matches!((num(&v), num(&want)), (Some(x), Some(y)) if x < y),
        "before" => !a.is_empty() && a < b,
        "after" => !a.is_empty() && a > b,
        "between" => match want.as_array() {
            Some(r) if r.len() == 2 => {
                let (lo, hi) = (as_text(&r[0]).to_lowercase(), as_text(&r[1]).to_lowercase());
                match (num(&v), num(&r[0]), num(&r[1])) {
                    (Some(x), Some(l), Some(h)) => x >= l && x <= h,
                    _ => !a.is_empty() && a >= lo && a <= hi,
                }
            }
            _ => false,
        },
        _ => false,
    }
}

fn matches_filter(c: &Value, fc: &Value) -> bool {
    let groups = fc["groups"].as_array().cloned().unwrap_or_default();
    if groups.is_empty() {
        return true;
    }
    if sget(fc, "logicalOperator") == "OR" {
        groups.iter().any(|g| cond(c, g))
    } else {
        groups.iter().all(|g| cond(c, g))
    }
}

/// Is contact `c` a member of list/segment `l`?
fn member(d: &ProjectData, l: &Value, c: &Value, depth: u8) -> bool {
    let id = sget(l, "id");
    if id == GLOBAL {
        return true;
    }
    if sget(l, "type") == "segment" {
        let parent_ok = match l.get("parentId").and_then(Value::as_str) {
            Some(pid) if depth < 8 => {
                pos(&d.lists, "id", pid).is_some_and(|j| member(d, &d.lists[j], c, depth + 1))
            }
            _ => true,
        };
        parent_ok && matches_filter(c, &l["filterCriteria"])
    } else {
        c["listIds"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x.as_str() == Some(id)))
    }
}

fn project_contacts<'a>(st: &'a State, p: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    st.contacts
        .iter()
        .filter(move |c| sget(c, "projectId") == p)
}

fn global_list() -> Value {
    json!({"id": GLOBAL, "name": "All Contacts", "description": "Every contact of the project",
           "type": "list", "contactCount": 0, "filterCriteria": null, "parentId": null})
}

fn view(st: &State, d: &ProjectData, p: &str, l: &Value) -> Value {
    let n = project_contacts(st, p)
        .filter(|c| member(d, l, c, 0))
        .count();
    let mut v = l.clone();
    v["contactCount"] = json!(n);
    v
}

/// Find a list (or the global one) by id.
fn find(d: &ProjectData, id: &str) -> Option<Value> {
    if id == GLOBAL {
        return Some(global_list());
    }
    pos(&d.lists, "id", id).map(|i| d.lists[i].clone())
}

/// `GET /contact-lists` (type filter; the global list first).
pub fn list(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let ty = r.q("type");
    if ty.is_some_and(|t| t != "list" && t != "segment") {
        return bad("type", "must be one of: list, segment");
    }
    let p = pid(ctx);
    let d = data(st, &p).clone();
    let mut out = Vec::new();
    if ty != Some("segment") {
        out.push(view(st, &d, &p, &global_list()));
    }
    for l in d
        .lists
        .iter()
        .filter(|l| ty.is_none_or(|t| sget(l, "type") == t))
    {
        out.push(view(st, &d, &p, l));
    }
    okr(json!({"lists": out}))
}

/// `GET /contact-lists/{contactListId}`.
pub fn get(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let p = pid(ctx);
    let d = data(st, &p).clone();
    match find(&d, r.param("contactListId")) {
        Some(l) => okr(view(st, &d, &p, &l)),
        None => not_found(),
    }
}

/// `POST /contact-lists`: a segment needs `filterCriteria`; names are unique.
pub fn create(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let p = pid(ctx);
    let ty = r.s("type").unwrap_or("list").to_string();
    let name = r.s("name").unwrap_or("").trim().to_string();
    let mut det = Vec::new();
    if name.is_empty() {
        det.push(("name".to_string(), "is required".to_string()));
    }
    let fc = r.b("filterCriteria").cloned();
    if ty == "segment" && fc.is_none() {
        det.push((
            "filterCriteria".to_string(),
            "is required for a segment".to_string(),
        ));
    }
    if ty == "list" && fc.is_some() {
        det.push((
            "filterCriteria".to_string(),
            "is only for segments (type: segment)".to_string(),
        ));
    }
    if let Some(groups) = fc.as_ref().and_then(|f| f["groups"].as_array()) {
        for (i, g) in groups.iter().enumerate() {
            let ft = g
                .get("fieldType")
                .and_then(Value::as_str)
                .unwrap_or("string");
            let ops = OPERATORS
                .iter()
                .find(|(t, _)| *t == ft)
                .map(|(_, o)| *o)
                .unwrap_or(&[]);
            if !ops.contains(&sget(g, "operator")) {
                det.push((
                    format!("filterCriteria.groups[{i}].operator"),
                    format!("must be one of {} for fieldType {ft}", ops.join(", ")),
                ));
            }
        }
    }
    if !det.is_empty() {
        return validation(det).into();
    }
    let d = data(st, &p);
    if let Some(parent) = r.s("parentId") {
        if pos(&d.lists, "id", parent).is_none_or(|i| sget(&d.lists[i], "type") != "segment") {
            return bad("parentId", "must be the id of a segment of this project");
        }
    }
    if d.lists
        .iter()
        .any(|l| sget(l, "name").eq_ignore_ascii_case(&name))
    {
        return fail(
            409,
            "CONTACT_LIST_ALREADY_EXISTS",
            &format!("A list named {name:?} already exists"),
        );
    }
    let now = util::now_iso();
    let l = json!({"id": util::object_id(), "name": name, "description": r.s("description").unwrap_or(""),
        "type": ty, "contactCount": 0, "filterCriteria": fc, "parentId": r.s("parentId"),
        "createdAt": now, "updatedAt": now});
    d.lists.push(l.clone());
    let d = d.clone();
    okr(view(st, &d, &p, &l))
}

/// `DELETE /contact-lists/{contactListId}`: 400 CANNOT_DELETE_CONTACT_LIST_IN_USE when an
/// active automation enters from it.
pub fn delete(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let p = pid(ctx);
    let id = r.param("contactListId").to_string();
    if id == GLOBAL {
        return bad("contactListId", "the global contact list cannot be deleted");
    }
    let d = data(st, &p);
    let Some(i) = pos(&d.lists, "id", &id) else {
        return not_found();
    };
    let in_use = d.automations.iter().any(|a| {
        sget(a, "status") == "active"
            && a["entryCriteria"]["contactListId"].as_str() == Some(id.as_str())
    });
    if in_use {
        return fail(
            400,
            "CANNOT_DELETE_CONTACT_LIST_IN_USE",
            "An active automation uses this list; pause or edit it first",
        );
    }
    let l = d.lists.remove(i);
    let d = d.clone();
    for c in st.contacts.iter_mut().filter(|c| sget(c, "projectId") == p) {
        if let Some(a) = c["listIds"].as_array_mut() {
            a.retain(|x| x.as_str() != Some(id.as_str()));
        }
    }
    ok_msg(view(st, &d, &p, &l), "Contact list deleted successfully").into()
}

/// `POST /contact-lists/contacts/search` (nested; limit 1–100, default 20; email partial).
pub fn search_contacts(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let (page, limit) = match page_body(r, 20, 100) {
        Ok(x) => x,
        Err(e) => return e.into(),
    };
    let Some(id) = r.s("contactListId") else {
        return bad("contactListId", "is required");
    };
    let p = pid(ctx);
    let d = data(st, &p).clone();
    let Some(l) = find(&d, id) else {
        return not_found();
    };
    let needle = r.s("email").map(str::to_lowercase);
    let items: Vec<Value> = project_contacts(st, &p)
        .filter(|c| member(&d, &l, c, 0))
        .filter(|c| needle.as_deref().is_none_or(|n| sget(c, "email").contains(n)))
        .map(|c| json!({"id": c["id"], "email": c["email"], "firstName": c["firstName"],
                        "lastName": c["lastName"], "createdAt": c["createdAt"], "updatedAt": c["updatedAt"]}))
        .collect();
    okr(nested("contacts", items, page, limit))
}

/// `POST /contact-lists/contacts/bulk-add`: emails XOR contactIds, ≤ 500; unknown emails
/// become contacts.
pub fn bulk_add(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let p = pid(ctx);
    let Some(id) = r.s("contactListId").map(str::to_string) else {
        return bad("contactListId", "is required");
    };
    let emails = r.b("emails").and_then(Value::as_array).cloned();
    let ids = r.b("contactIds").and_then(Value::as_array).cloned();
    match (&emails, &ids) {
        (Some(_), Some(_)) => return bad("emails", "send emails or contactIds, not both"),
        (None, None) => return bad("emails", "emails or contactIds is required"),
        _ => {}
    }
    for (name, v) in [("emails", &emails), ("contactIds", &ids)] {
        if let Some(a) = v {
            if a.is_empty() {
                return bad(name, "must have at least 1 item");
            }
            if a.len() > MAX_BULK_ADD {
                return bad(name, &format!("at most {MAX_BULK_ADD} per request"));
            }
        }
    }
    let d = data(st, &p).clone();
    let Some(l) = find(&d, &id) else {
        return not_found();
    };
    if sget(&l, "type") == "segment" {
        return bad(
            "contactListId",
            "contacts cannot be added to a segment (its filter decides)",
        );
    }
    let global = id == GLOBAL;
    let (mut added, mut created, mut already) = (0u64, 0u64, 0u64);
    let (mut errors, mut valid, mut invalid, mut touched) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let add_to = |c: &mut Value, already: &mut u64, added: &mut u64| {
        if global {
            *already += 1;
            return;
        }
        let a = c["listIds"].as_array_mut();
        match a {
            Some(a) if a.iter().any(|x| x.as_str() == Some(id.as_str())) => *already += 1,
            Some(a) => {
                a.push(json!(id));
                *added += 1;
            }
            None => {
                c["listIds"] = json!([id]);
                *added += 1;
            }
        }
        c["updatedAt"] = json!(util::now_iso());
    };
    if let Some(emails) = emails {
        for v in emails {
            let raw = v.as_str().unwrap_or("").trim().to_lowercase();
            if !util::is_valid_email(&raw) {
                errors.push(json!({"email": raw, "error": "Invalid email address"}));
                invalid.push(
                    json!({"email": raw, "status": "invalid", "reason": "Invalid email format"}),
                );
                continue;
            }
            valid.push(json!({"email": raw, "status": "valid"}));
            let idx = st
                .contacts
                .iter()
                .position(|c| sget(c, "projectId") == p && sget(c, "email") == raw);
            let idx = match idx {
                Some(i) => i,
                None => {
                    let now = util::now_iso();
                    st.contacts.push(json!({"id": util::object_id(), "email": raw, "firstName": null,
                        "lastName": null, "userId": null, "mobile": null, "customFields": {}, "listIds": [],
                        "segmentIds": [], "projectId": p, "createdAt": now, "updatedAt": now}));
                    created += 1;
                    st.contacts.len() - 1
                }
            };
            add_to(&mut st.contacts[idx], &mut already, &mut added);
            touched.push(idx);
        }
    } else if let Some(ids) = ids {
        for v in ids {
            let cid = v.as_str().unwrap_or("");
            match st
                .contacts
                .iter()
                .position(|c| sget(c, "projectId") == p && sget(c, "id") == cid)
            {
                Some(idx) => {
                    add_to(&mut st.contacts[idx], &mut already, &mut added);
                    touched.push(idx);
                }
                None => errors.push(json!({"contactId": cid, "error": "Contact not found"})),
            }
        }
    }
    let contacts: Vec<Value> = touched
        .iter()
        .map(|&i| {
            let c = &st.contacts[i];
            json!({"id": c["id"], "email": c["email"], "createdAt": c["createdAt"], "updatedAt": c["updatedAt"],
                   "projectId": c["projectId"], "listIds": c["listIds"], "segmentIds": c["segmentIds"]})
        })
        .collect();
    let total = project_contacts(st, &p)
        .filter(|c| member(&d, &l, c, 0))
        .count();
    okr(
        json!({"added": added, "created": created, "alreadyInList": already, "errors": errors,
        "validation": {"valid": valid, "invalid": invalid, "suppressed": []},
        "totalContactsInList": total, "contacts": contacts}),
    )
}

/// `POST /contact-lists/{contactListId}/contacts/remove`: emails and/or contactIds.
pub fn remove_contacts(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let p = pid(ctx);
    let id = r.param("contactListId").to_string();
    if id == GLOBAL {
        return bad(
            "contactListId",
            "contacts cannot be removed from the global contact list; delete them instead",
        );
    }
    let emails: Vec<String> = r
        .b("emails")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(|s| s.trim().to_lowercase())
                .collect()
        })
        .unwrap_or_default();
    let ids: Vec<String> = r
        .b("contactIds")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    if emails.is_empty() && ids.is_empty() {
        return bad("emails", "emails and/or contactIds is required");
    }
    let d = data(st, &p);
    let Some(li) = pos(&d.lists, "id", &id) else {
        return not_found();
    };
    if sget(&d.lists[li], "type") == "segment" {
        return bad(
            "contactListId",
            "contacts cannot be removed from a segment (its filter decides)",
        );
    }
    let (mut removed, mut not_in, mut errors) = (0u64, 0u64, Vec::new());
    let mut handle = |st: &mut State, key: &str, val: &str| match st
        .contacts
        .iter_mut()
        .find(|c| sget(c, "projectId") == p && sget(c, key) == val)
    {
        Some(c) => match c["listIds"].as_array_mut() {
            Some(a) if a.iter().any(|x| x.as_str() == Some(id.as_str())) => {
                a.retain(|x| x.as_str() != Some(id.as_str()));
                c["updatedAt"] = json!(util::now_iso());
                removed += 1;
            }
            _ => not_in += 1,
        },
        None => errors.push(json!({key: val, "error": "Contact not found"})),
    };
    for e in &emails {
        handle(st, "email", e);
    }
    for i in &ids {
        handle(st, "id", i);
    }
    okr(json!({"removed": removed, "notInList": not_in, "errors": errors}))
}
