//! Contact properties and the deprecated custom fields (§2.3): one shared store per project,
//! seen through two shapes (`name`/`type` plus legacy `fieldName`/`fieldType`).

use super::{bad, data, fail, message_only, ok_msg, okr, pid, q_bool, sget, Reply, Req};
use crate::api::Ctx;
use crate::state::State;
use crate::util;
use serde_json::{json, Value};

/// Names that cannot be created (compared case-insensitively).
pub const RESERVED: &[&str] = &[
    "firstName",
    "first_name",
    "lastName",
    "last_name",
    "email",
    "mobile",
    "unsubscribed",
    "unsubscribe",
    "unsubscribe_groups",
    "unsubscribe_preferences",
    "userId",
    "externalId",
    "createdAt",
    "updatedAt",
    "contactLists",
    "address",
    "address_line_1",
    "address_line_2",
    "city",
    "state",
    "zip",
    "country",
];

const BUILT_INS: &[(&str, &str)] = &[
    ("email", "string"),
    ("firstName", "string"),
    ("lastName", "string"),
    ("createdAt", "date"),
    ("userId", "string"),
];

const TYPES: &[&str] = &["string", "number", "boolean", "date"];

fn built_ins() -> Vec<Value> {
    BUILT_INS
        .iter()
        .map(|(n, t)| json!({"id": format!("reserved_{n}"), "name": n, "type": t, "fieldName": n, "fieldType": t,
                             "isReserved": true, "createdAt": null, "updatedAt": null}))
        .collect()
}

fn as_field(p: &Value) -> Value {
    json!({"id": p["id"], "fieldName": p["name"], "fieldType": p["type"], "projectId": p["projectId"],
           "createdAt": p["createdAt"], "updatedAt": p["updatedAt"]})
}

fn all(st: &mut State, ctx: &Ctx, r: &Req) -> Result<Vec<Value>, Reply> {
    let include = q_bool(r, "includeReservedFields")
        .map_err(Reply::from)?
        .unwrap_or(true);
    let mut out = if include { built_ins() } else { Vec::new() };
    out.extend(data(st, &pid(ctx)).properties.iter().cloned());
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn create_any(
    st: &mut State,
    ctx: &Ctx,
    name: Option<&str>,
    ty: Option<&str>,
    name_field: &str,
    type_field: &str,
    r: &Req,
    legacy: bool,
) -> Reply {
    let p = pid(ctx);
    let mut det = Vec::new();
    let name = name.unwrap_or("").trim().to_string();
    if name.is_empty() {
        det.push((name_field.to_string(), "is required".to_string()));
    } else if RESERVED.iter().any(|x| x.eq_ignore_ascii_case(&name)) {
        det.push((
            name_field.to_string(),
            format!("{name:?} is a reserved name; choose another"),
        ));
    } else if name.len() > 64
        || !name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
    {
        det.push((
            name_field.to_string(),
            "must be 1-64 letters, digits, '_' or '-'".to_string(),
        ));
    }
    match ty {
        Some(t) if TYPES.contains(&t) => {}
        Some(_) => det.push((
            type_field.to_string(),
            format!("must be one of: {}", TYPES.join(", ")),
        )),
        None => det.push((type_field.to_string(), "is required".to_string())),
    }
    if !det.is_empty() {
        return crate::api::validation(det).into();
    }
    let d = data(st, &p);
    if d.properties
        .iter()
        .any(|x| sget(x, "name").eq_ignore_ascii_case(&name))
    {
        let code = if legacy {
            "CUSTOM_FIELD_ALREADY_EXISTS"
        } else {
            "CONTACT_PROPERTY_ALREADY_EXISTS"
        };
        return fail(409, code, &format!("{name:?} already exists"));
    }
    let now = util::now_iso();
    let t = ty.unwrap_or("string");
    let prop = json!({"id": util::object_id(), "name": name, "type": t, "fieldName": name, "fieldType": t,
        "description": r.s("description").unwrap_or(""), "defaultValue": r.b("defaultValue").cloned().unwrap_or(Value::Null),
        "projectId": p, "createdAt": now, "updatedAt": now});
    d.properties.push(prop.clone());
    if legacy {
        ok_msg(as_field(&prop), "Custom field created successfully").into()
    } else {
        ok_msg(prop, "Contact property created successfully").into()
    }
}

fn find(st: &mut State, ctx: &Ctx, name: &str) -> Option<Value> {
    data(st, &pid(ctx))
        .properties
        .iter()
        .find(|p| sget(p, "name") == name)
        .cloned()
}

fn remove(st: &mut State, ctx: &Ctx, name: &str) -> bool {
    let d = data(st, &pid(ctx));
    let before = d.properties.len();
    d.properties.retain(|p| sget(p, "name") != name);
    before != d.properties.len()
}

/// `GET /contact-properties`.
pub fn list_properties(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    match all(st, ctx, r) {
        Ok(items) => ok_msg(
            json!({"contactProperties": items}),
            "Contact properties retrieved successfully",
        )
        .into(),
        Err(e) => e,
    }
}

/// `GET /contact-properties/name/{propertyName}`.
pub fn get_property(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    match find(st, ctx, r.param("propertyName")) {
        Some(p) => okr(p),
        None => fail(
            404,
            "CONTACT_PROPERTY_NOT_FOUND",
            "Contact property not found",
        ),
    }
}

/// `POST /contact-properties` (`name`/`type`, or the legacy `fieldName`/`fieldType`).
pub fn create_property(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let name = r.s("name").or(r.s("fieldName")).map(str::to_string);
    let ty = r.s("type").or(r.s("fieldType")).map(str::to_string);
    if r.s("name").is_some() && r.s("fieldName").is_some_and(|f| Some(f) != r.s("name")) {
        return bad("fieldName", "differs from name; send one of them");
    }
    create_any(
        st,
        ctx,
        name.as_deref(),
        ty.as_deref(),
        "name",
        "type",
        r,
        false,
    )
}

/// `DELETE /contact-properties/name/{propertyName}`.
pub fn delete_property(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    if remove(st, ctx, r.param("propertyName")) {
        message_only("Contact property deleted successfully").into()
    } else {
        fail(
            404,
            "CONTACT_PROPERTY_NOT_FOUND",
            "Contact property not found",
        )
    }
}

/// `GET /custom-fields` (deprecated).
pub fn list_fields(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    match all(st, ctx, r) {
        Ok(items) => okr(json!({"customFields": items.iter().map(as_field).collect::<Vec<_>>()})),
        Err(e) => e,
    }
}

/// `GET /custom-fields/fieldName/{customFieldName}` (deprecated).
pub fn get_field(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    match find(st, ctx, r.param("customFieldName")) {
        Some(p) => okr(as_field(&p)),
        None => fail(404, "CUSTOM_FIELD_NOT_FOUND", "Custom field not found"),
    }
}

/// `POST /custom-fields` (deprecated).
pub fn create_field(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let name = r.s("fieldName").map(str::to_string);
    let ty = r.s("fieldType").map(str::to_string);
    create_any(
        st,
        ctx,
        name.as_deref(),
        ty.as_deref(),
        "fieldName",
        "fieldType",
        r,
        true,
    )
}

/// `DELETE /custom-fields/fieldName/{customFieldName}` (deprecated).
pub fn delete_field(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    if remove(st, ctx, r.param("customFieldName")) {
        message_only("Custom field deleted successfully").into()
    } else {
        fail(404, "CUSTOM_FIELD_NOT_FOUND", "Custom field not found")
    }
}
