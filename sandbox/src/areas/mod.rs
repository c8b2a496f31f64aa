//! Endpoint handlers per area, dispatched by endpoint id (see `routes_gen::ROUTES`), and the
//! helpers they share: request access, replies, per-project data, pagination.

pub mod automations;
pub mod campaigns;
pub mod domains;
pub mod events;
pub mod inbound;
pub mod jwks;
pub mod lists;
pub mod properties;
pub mod senders;
pub mod suppression;
pub mod templates;
pub mod webhooks;

use crate::api::{err, ok, validation, Ctx, Out};
use crate::state::{ProjectData, State};
use crate::util;
use serde_json::{json, Value};

/// A parsed request: path parameters, query pairs and the JSON body (`Null` without one).
#[derive(Debug, Clone, Default)]
pub struct Req {
    /// Decoded path parameters, named as in the route's path.
    pub params: Vec<(String, String)>,
    /// Decoded query pairs in order.
    pub query: Vec<(String, String)>,
    /// The JSON body (an object for POST/PUT/PATCH, `Null` otherwise).
    pub body: Value,
}

impl Req {
    /// A path parameter ("" when absent).
    pub fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
    /// The first value of a query parameter.
    pub fn q(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    /// A body member (absent and `null` are both `None`).
    pub fn b(&self, name: &str) -> Option<&Value> {
        self.body.get(name).filter(|v| !v.is_null())
    }
    /// A string body member.
    pub fn s(&self, name: &str) -> Option<&str> {
        self.b(name).and_then(Value::as_str)
    }
}

/// What a handler answers: JSON, or raw bytes (attachment downloads).
#[derive(Debug, Clone)]
pub enum Reply {
    /// Status and JSON body.
    Json(u16, Value),
    /// Raw bytes with their content type and disposition.
    Bytes {
        /// HTTP status.
        status: u16,
        /// `Content-Type`.
        content_type: String,
        /// `Content-Disposition`.
        disposition: String,
        /// The bytes.
        body: Vec<u8>,
    },
}

impl From<Out> for Reply {
    fn from((s, v): Out) -> Reply {
        Reply::Json(s, v)
    }
}

impl Reply {
    /// Status, content type, extra headers and body bytes.
    pub fn into_parts(self) -> (u16, String, Vec<(&'static str, String)>, Vec<u8>) {
        match self {
            Reply::Json(s, v) => (
                s,
                "application/json; charset=utf-8".into(),
                Vec::new(),
                v.to_string().into_bytes(),
            ),
            Reply::Bytes {
                status,
                content_type,
                disposition,
                body,
            } => (
                status,
                content_type,
                vec![("content-disposition", disposition)],
                body,
            ),
        }
    }
}

/// A handler: state (locked), caller, request.
pub type Handler = fn(&mut State, &Ctx, &Req) -> Reply;

/// The caller's project id.
pub fn pid(ctx: &Ctx) -> String {
    ctx.project_id.clone().unwrap_or_default()
}

/// The handler for an endpoint id.
pub fn handler(id: &str) -> Option<Handler> {
    use crate::{contacts, mail, projects};
    let h: Handler = match id {
        "emails.send" => |st, c, r| mail::send(st, c, &pid(c), &r.body).into(),
        "emails.bulk" => |st, c, r| mail::bulk(st, c, &pid(c), &r.body).into(),
        "emails.status" => |st, c, r| mail::status(st, &pid(c), r.param("id")).into(),
        "contacts.create" => |st, c, r| contacts::create(st, &pid(c), &r.body).into(),
        "contacts.upsert" => |st, c, r| contacts::upsert(st, &pid(c), &r.body).into(),
        "contacts.get" => |st, c, r| contacts::get(st, &pid(c), r.param("id")).into(),
        "contacts.delete" => |st, c, r| contacts::delete(st, &pid(c), r.param("id")).into(),
        "contacts.deleteByUserId" => {
            |st, c, r| contacts::delete_by_user(st, &pid(c), r.param("userId")).into()
        }
        "contacts.remove" => |st, c, r| contacts::remove(st, &pid(c), &r.body).into(),
        "contacts.searchByEmails" => |st, c, r| contacts::search(st, &pid(c), &r.body).into(),
        "contacts.bulkUpdate" => |st, c, r| contacts::bulk_update(st, &pid(c), &r.body).into(),
        "contacts.unsubscribeGroups" => {
            |st, c, r| contacts::groups(st, &pid(c), r.param("id")).into()
        }
        "contactProperties.list" => properties::list_properties,
        "contactProperties.get" => properties::get_property,
        "contactProperties.create" => properties::create_property,
        "contactProperties.delete" => properties::delete_property,
        "customFields.list" => properties::list_fields,
        "customFields.get" => properties::get_field,
        "customFields.create" => properties::create_field,
        "customFields.delete" => properties::delete_field,
        "templates.list" => templates::list,
        "templates.search" => templates::search,
        "templates.get" => templates::get,
        "templates.create" => templates::create,
        "templates.update" => templates::update,
        "templates.delete" => templates::delete,
        "templates.updatePreviewText" => templates::update_preview_text,
        "senders.list" => senders::list,
        "senders.get" => senders::get,
        "senders.create" => senders::create,
        "senders.delete" => senders::delete,
        "campaigns.list" => campaigns::list,
        "campaigns.get" => campaigns::get,
        "campaigns.create" => campaigns::create,
        "campaigns.update" => campaigns::update,
        "campaigns.pause" => campaigns::pause,
        "campaigns.resume" => campaigns::resume,
        "campaigns.abort" => campaigns::abort,
        "campaigns.delete" => campaigns::delete,
        "campaigns.analytics" => campaigns::analytics,
        "automations.list" => automations::list,
        "automations.get" => automations::get,
        "automations.create" => automations::create,
        "automations.update" => automations::update,
        "automations.pause" => automations::pause,
        "automations.resume" => automations::resume,
        "automations.delete" => automations::delete,
        "events.list" => events::list,
        "events.get" => events::get,
        "events.create" => events::create,
        "events.update" => events::update,
        "events.delete" => events::delete,
        "events.send" => events::send,
        "domains.list" => domains::list,
        "domains.get" => domains::get,
        "domains.create" => domains::create,
        "domains.verify" => domains::verify,
        "domains.enableInbound" => domains::enable_inbound,
        "domains.disableInbound" => domains::disable_inbound,
        "domains.delete" => domains::delete,
        "contactLists.list" => lists::list,
        "contactLists.get" => lists::get,
        "contactLists.create" => lists::create,
        "contactLists.delete" => lists::delete,
        "contactLists.searchContacts" => lists::search_contacts,
        "contactLists.bulkAdd" => lists::bulk_add,
        "contactLists.removeContacts" => lists::remove_contacts,
        "suppressionGroups.list" => suppression::list,
        "suppressionGroups.get" => suppression::get,
        "suppressionGroups.create" => suppression::create,
        "suppressionGroups.update" => suppression::update,
        "suppressionGroups.delete" => suppression::delete,
        "suppressionGroups.searchEntries" => suppression::search_entries,
        "suppressionGroups.suppress" => suppression::suppress,
        "suppressionGroups.unsuppress" => suppression::unsuppress,
        "projects.list" => |st, _c, _r| projects::list(st).into(),
        "projects.get" => |st, _c, r| projects::get(st, r.param("projectId")).into(),
        "projects.create" => |st, _c, r| projects::create(st, &r.body).into(),
        "projects.delete" => |st, _c, r| projects::delete(st, r.param("projectId")).into(),
        "webhooks.list" => webhooks::list,
        "webhooks.get" => webhooks::get,
        "webhooks.create" => webhooks::create,
        "webhooks.update" => webhooks::update,
        "webhooks.delete" => webhooks::delete,
        "webhooks.logs" => webhooks::logs,
        "webhooks.reveal" => webhooks::reveal,
        "webhooks.resend" => webhooks::resend,
        "webhooks.availableEvents" => webhooks::available_events,
        "inbound.list" => inbound::list,
        "inbound.get" => inbound::get,
        "inbound.attachment" => inbound::attachment,
        "inbound.reply" => inbound::reply,
        "jwks.get" => jwks::get,
        _ => return None,
    };
    Some(h)
}

/// The project's data, created (and seeded) on first use.
pub fn data<'a>(st: &'a mut State, pid: &str) -> &'a mut ProjectData {
    if !st.data.contains_key(pid) {
        let inbound_domain = st
            .projects
            .iter()
            .find(|p| p.get("id").and_then(Value::as_str) == Some(pid))
            .and_then(|p| p.get("inboundEmailDomain").and_then(Value::as_str))
            .unwrap_or("inbound.autosend.email")
            .to_string();
        let mut d = ProjectData::default();
        suppression::seed(&mut d);
        inbound::seed(&mut d, &inbound_domain);
        st.data.insert(pid.to_string(), d);
    }
    st.data.entry(pid.to_string()).or_default()
}

/// `{success:true, message}` without data.
pub fn message_only(message: &str) -> Out {
    (200, json!({"success": true, "message": message}))
}

/// `{success:true, data, message}`.
pub fn ok_msg(data: Value, message: &str) -> Out {
    (
        200,
        json!({"success": true, "data": data, "message": message}),
    )
}

/// Position of the item whose `key` equals `val`.
pub fn pos(items: &[Value], key: &str, val: &str) -> Option<usize> {
    items
        .iter()
        .position(|v| v.get(key).and_then(Value::as_str) == Some(val))
}

/// A string member of a JSON object ("" when absent).
pub fn sget<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// Current time, ISO-8601.
pub fn now() -> String {
    util::now_iso()
}

fn int_param(raw: &Value, name: &str, default: u64, max: u64) -> Result<u64, Out> {
    let n = match raw {
        Value::Null => return Ok(default),
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    };
    match n {
        Some(n) if n >= 1 && n <= max => Ok(n),
        _ if max == u64::MAX => Err(validation(vec![(
            name.into(),
            "must be an integer >= 1".into(),
        )])),
        _ => Err(validation(vec![(
            name.into(),
            format!("must be an integer from 1 to {max}"),
        )])),
    }
}

/// `page` (≥ 1, default 1) and `limit` (1..=max, default) from the query string.
pub fn page_query(r: &Req, default: u64, max: u64) -> Result<(u64, u64), Out> {
    let g = |n: &str| r.q(n).map(|s| json!(s)).unwrap_or(Value::Null);
    Ok((
        int_param(&g("page"), "page", 1, u64::MAX)?,
        int_param(&g("limit"), "limit", default, max)?,
    ))
}

/// `page` and `limit` from the JSON body (POST-for-read searches).
pub fn page_body(r: &Req, default: u64, max: u64) -> Result<(u64, u64), Out> {
    let g = |n: &str| r.b(n).cloned().unwrap_or(Value::Null);
    Ok((
        int_param(&g("page"), "page", 1, u64::MAX)?,
        int_param(&g("limit"), "limit", default, max)?,
    ))
}

fn slice(items: Vec<Value>, page: u64, limit: u64) -> (Vec<Value>, u64, u64) {
    let total = items.len() as u64;
    let pages = total.div_ceil(limit);
    let skip = ((page - 1).saturating_mul(limit)) as usize;
    let out = items.into_iter().skip(skip).take(limit as usize).collect();
    (out, total, pages)
}

/// Nested style: `{<name>: [...], pagination: {page, limit, total, pages}}`.
pub fn nested(name: &str, items: Vec<Value>, page: u64, limit: u64) -> Value {
    let (items, total, pages) = slice(items, page, limit);
    json!({name: items, "pagination": {"page": page, "limit": limit, "total": total, "pages": pages}})
}

/// Flat style: `{<name>: [...], total, page, limit, totalPages}`.
pub fn flat(name: &str, items: Vec<Value>, page: u64, limit: u64) -> Value {
    let (items, total, pages) = slice(items, page, limit);
    json!({name: items, "total": total, "page": page, "limit": limit, "totalPages": pages})
}

/// A boolean query flag (`true`/`false`; anything else → 400 naming it).
pub fn q_bool(r: &Req, name: &str) -> Result<Option<bool>, Out> {
    match r.q(name) {
        None => Ok(None),
        Some(s) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(s) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(_) => Err(validation(vec![(
            name.into(),
            "must be true or false".into(),
        )])),
    }
}

/// The domain part of an email address, lower-cased.
pub fn email_domain(email: &str) -> Option<String> {
    email
        .trim()
        .rsplit_once('@')
        .map(|(_, d)| d.to_ascii_lowercase())
        .filter(|d| !d.is_empty())
}

/// Is `domain` (or a parent of it) a VERIFIED domain of the project?
pub fn domain_verified(d: &ProjectData, domain: &str) -> bool {
    d.domains.iter().any(|x| {
        let name = sget(x, "domainName");
        sget(x, "verificationStatus") == "VERIFIED"
            && (domain == name || domain.ends_with(&format!(".{name}")))
    })
}

/// 400 VALIDATION_FAILED for one field.
pub fn bad(field: &str, message: &str) -> Reply {
    validation(vec![(field.into(), message.into())]).into()
}

/// Error reply.
pub fn fail(status: u16, code: &str, message: &str) -> Reply {
    err(status, code, message).into()
}

/// 200 with `data`.
pub fn okr(data: Value) -> Reply {
    ok(data).into()
}

/// Validate an email address field value.
pub fn check_email(field: &str, v: &str) -> Result<String, Reply> {
    let t = v.trim();
    if util::is_valid_email(t) {
        Ok(t.to_lowercase())
    } else {
        Err(bad(field, "must be a valid email address"))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_route_has_a_handler_and_ids_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for r in crate::routes_gen::ROUTES {
            assert!(super::handler(r.id).is_some(), "no handler for {}", r.id);
            assert!(seen.insert(r.id), "duplicate id {}", r.id);
        }
        assert_eq!(crate::routes_gen::ROUTES.len(), 93);
    }
}
