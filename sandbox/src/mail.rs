//! `POST /v1/mails/send`, `POST /v1/mails/bulk`, `GET /v1/mails/{id}/status`.

use crate::api::h::{err, ok, validation, Out};
use crate::api::Ctx;
use crate::state::State;
use crate::util;
use serde_json::{json, Map, Value};

type Details = Vec<(String, String)>;

const RESERVED_HEADERS: &[&str] = &[
    "from",
    "to",
    "cc",
    "bcc",
    "subject",
    "date",
    "message-id",
    "return-path",
    "sender",
    "reply-to",
    "received",
    "dkim-signature",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "list-unsubscribe",
    "list-unsubscribe-post",
    "x-ses-configuration-set",
    "x-ses-message-tags",
];

fn d(details: &mut Details, field: impl Into<String>, msg: impl Into<String>) {
    details.push((field.into(), msg.into()));
}

/// Validate an address object `{email, name?}`; returns the normalised address.
fn addr(v: &Value, field: &str, details: &mut Details) -> Option<Value> {
    let Some(o) = v.as_object() else {
        d(details, field, "must be an object {email, name?}");
        return None;
    };
    let email = match o.get("email") {
        Some(Value::String(s)) if util::is_valid_email(s.trim()) => s.trim().to_string(),
        Some(Value::String(_)) => {
            d(
                details,
                format!("{field}.email"),
                "must be a valid email address",
            );
            return None;
        }
        _ => {
            d(details, format!("{field}.email"), "is required");
            return None;
        }
    };
    let name = match o.get("name") {
        None | Some(Value::Null) => Value::Null,
        Some(Value::String(s)) => Value::String(s.clone()),
        Some(_) => {
            d(details, format!("{field}.name"), "must be a string");
            return None;
        }
    };
    Some(json!({"email": email, "name": name}))
}

fn addr_list(b: &Value, field: &str, details: &mut Details) -> Vec<Value> {
    match b.get(field) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .enumerate()
            .filter_map(|(i, v)| addr(v, &format!("{field}[{i}]"), details))
            .collect(),
        Some(_) => {
            d(details, field, "must be an array of {email, name?}");
            Vec::new()
        }
    }
}

fn opt_str<'a>(b: &'a Value, field: &str, details: &mut Details) -> Option<&'a str> {
    match b.get(field) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(_) => {
            d(details, field, "must be a string");
            None
        }
    }
}

fn opt_bool(b: &Value, field: &str, details: &mut Details) {
    if let Some(v) = b.get(field) {
        if !v.is_boolean() && !v.is_null() {
            d(details, field, "must be a boolean");
        }
    }
}

fn check_headers(b: &Value, details: &mut Details) {
    let Some(h) = b.get("headers") else { return };
    if h.is_null() {
        return;
    }
    let Some(o) = h.as_object() else {
        d(
            details,
            "headers",
            "must be an object of header name to value",
        );
        return;
    };
    if o.len() > 20 {
        d(details, "headers", "at most 20 custom headers are allowed");
    }
    for (name, value) in o {
        let field = format!("headers.{name}");
        let valid_name = !name.is_empty()
            && name.len() <= 76
            && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-');
        if !valid_name {
            d(
                details,
                &field,
                "header name must match ^[A-Za-z0-9-]{1,76}$",
            );
        } else if RESERVED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
            d(details, &field, "this header is reserved and cannot be set");
        }
        match value.as_str() {
            Some(s) if s.chars().count() > 1000 => d(
                details,
                &field,
                "header value must be at most 1000 characters",
            ),
            Some(_) => {}
            None => d(details, &field, "header value must be a string"),
        }
    }
}

/// Checks shared by send and bulk: content, subject, headers, replyTo, flags.
fn common(b: &Value, details: &mut Details) {
    let template = opt_str(b, "templateId", details)
        .filter(|s| !s.is_empty())
        .is_some();
    let subject = opt_str(b, "subject", details);
    match subject {
        Some(s) if s.chars().count() > 998 => {
            d(details, "subject", "must be at most 998 characters")
        }
        Some(s) if s.trim().is_empty() && !template => {
            d(details, "subject", "is required unless templateId is given")
        }
        None if !template => d(details, "subject", "is required unless templateId is given"),
        _ => {}
    }
    let html = opt_str(b, "html", details).is_some();
    let text = opt_str(b, "text", details).is_some();
    if !html && !text && !template {
        d(
            details,
            "html",
            "html or text is required unless templateId is given",
        );
    }
    if let Some(v) = b.get("dynamicData") {
        if !v.is_object() && !v.is_null() {
            d(details, "dynamicData", "must be an object");
        }
    }
    if let Some(v) = b.get("replyTo") {
        if !v.is_null() {
            addr(v, "replyTo", details);
        }
    }
    opt_str(b, "unsubscribeGroupId", details);
    opt_bool(b, "trackingClick", details);
    opt_bool(b, "trackingOpen", details);
    opt_bool(b, "bypassSuppressions", details);
    check_headers(b, details);
}

fn check_attachments(b: &Value, details: &mut Details) {
    let Some(v) = b.get("attachments") else {
        return;
    };
    if v.is_null() {
        return;
    }
    let Some(a) = v.as_array() else {
        d(details, "attachments", "must be an array");
        return;
    };
    if a.len() > 20 {
        d(details, "attachments", "at most 20 attachments are allowed");
    }
    for (i, att) in a.iter().enumerate() {
        let f = format!("attachments[{i}]");
        let Some(o) = att.as_object() else {
            d(details, &f, "must be an object");
            continue;
        };
        let name = o.get("fileName").or_else(|| o.get("filename"));
        if name.and_then(Value::as_str).is_none_or(str::is_empty) {
            d(details, format!("{f}.fileName"), "is required");
        }
        let has_content = o.get("content").and_then(Value::as_str).is_some();
        let has_url = o.get("fileUrl").and_then(Value::as_str).is_some();
        if !has_content && !has_url {
            d(
                details,
                format!("{f}.content"),
                "content (base64) or fileUrl is required",
            );
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn record(
    st: &mut State,
    ctx: &Ctx,
    pid: &str,
    kind: &str,
    batch: Option<&str>,
    body: &Value,
    to: Value,
    cc: Vec<Value>,
    bcc: Vec<Value>,
    dynamic: Value,
) -> String {
    let id = util::object_id();
    let now = util::now_iso();
    let s = |k: &str| body.get(k).cloned().unwrap_or(Value::Null);
    let mut m = Map::new();
    m.insert("id".into(), json!(id));
    m.insert("kind".into(), json!(kind));
    m.insert("batchId".into(), json!(batch));
    m.insert("projectId".into(), json!(pid));
    m.insert("keyKind".into(), json!(ctx.key_kind.as_str()));
    m.insert("key".into(), json!(ctx.key_hint));
    m.insert("requestId".into(), json!(ctx.request_id));
    m.insert("userAgent".into(), json!(ctx.user_agent));
    m.insert("receivedAt".into(), json!(now));
    m.insert("status".into(), json!("delivered"));
    m.insert("from".into(), s("from"));
    m.insert("to".into(), to);
    m.insert("cc".into(), Value::Array(cc));
    m.insert("bcc".into(), Value::Array(bcc));
    m.insert("replyTo".into(), s("replyTo"));
    m.insert("subject".into(), s("subject"));
    m.insert("html".into(), s("html"));
    m.insert("text".into(), s("text"));
    m.insert("templateId".into(), s("templateId"));
    m.insert("dynamicData".into(), dynamic);
    m.insert("customHeaders".into(), s("headers"));
    m.insert("headers".into(), ctx.headers.clone());
    m.insert("body".into(), body.clone());
    render_into(st, ctx, pid, body, &mut m);
    let msg = Value::Object(m);
    let event_data = crate::deliver::email_data(&msg);
    st.fresh.push(crate::inbox::summary(&msg));
    st.keep_message(msg);
    // A send is followed by email.sent and email.delivered (§3.1), as AutoSend does.
    crate::deliver::enqueue(st, pid, "email.sent", event_data.clone(), None);
    crate::deliver::enqueue(st, pid, "email.delivered", event_data, None);
    id
}

/// Render the message as AutoSend would (§1.9) and store `rendered` (subject/html/text),
/// `renderError` and the unsubscribe links on it. The raw request stays in `body`.
fn render_into(st: &mut State, ctx: &Ctx, pid: &str, body: &Value, m: &mut Map<String, Value>) {
    let to_email = m
        .get("to")
        .and_then(|t| t.get("email"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let d = crate::areas::data(st, pid);
    let group = body
        .get("unsubscribeGroupId")
        .and_then(Value::as_str)
        .and_then(|g| {
            d.groups
                .iter()
                .find(|x| crate::areas::sget(x, "id") == g || crate::areas::sget(x, "groupId") == g)
        })
        .or_else(|| d.groups.iter().find(|x| x["isGlobal"] == json!(true)))
        .map(|g| crate::areas::sget(g, "groupId").to_string())
        .unwrap_or_default();
    let mut subject = body
        .get("subject")
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut html = body.get("html").and_then(Value::as_str).map(str::to_string);
    let text = body.get("text").and_then(Value::as_str).map(str::to_string);
    let mut template_error = None;
    if let Some(tid) = body.get("templateId").and_then(Value::as_str) {
        match d
            .templates
            .iter()
            .find(|t| crate::areas::sget(t, "templateId") == tid)
        {
            Some(t) => {
                if subject.as_deref().is_none_or(|s| s.trim().is_empty()) {
                    subject = t.get("subject").and_then(Value::as_str).map(str::to_string);
                }
                if html.is_none() {
                    html = t
                        .get("emailTemplate")
                        .and_then(Value::as_str)
                        .map(str::to_string);
                }
            }
            None => {
                template_error = Some(format!(
                "templateId: no template {tid:?} in this project; create it with templates.create"
            ))
            }
        }
    }
    let token = util::random_alnum(24);
    let unsub = format!("{}/_sandbox/unsubscribe/{token}", ctx.admin_url);
    let prefs = format!("{unsub}?preferences=1");
    st.unsubscribes.insert(
        token,
        json!({"projectId": pid, "email": to_email, "groupId": group, "emailId": m.get("id")}),
    );
    let data = crate::render::context(m.get("dynamicData").unwrap_or(&Value::Null), &unsub, &prefs);
    let r = crate::render::render(subject.as_deref(), html.as_deref(), text.as_deref(), &data);
    m.insert(
        "rendered".into(),
        json!({"subject": r.subject, "html": r.html, "text": r.text}),
    );
    m.insert("renderError".into(), json!(template_error.or(r.error)));
    m.insert("unsubscribeUrl".into(), json!(unsub));
}

/// `POST /v1/mails/send`.
pub fn send(st: &mut State, ctx: &Ctx, pid: &str, b: &Value) -> Out {
    let mut det = Details::new();
    let to = match b.get("to") {
        None | Some(Value::Null) => {
            d(&mut det, "to", "is required");
            None
        }
        Some(Value::Array(_)) => {
            d(
                &mut det,
                "to",
                "must be a single object {email, name?}, not an array",
            );
            None
        }
        Some(v) => addr(v, "to", &mut det),
    };
    match b.get("from") {
        None | Some(Value::Null) => d(&mut det, "from", "is required"),
        Some(v) => {
            addr(v, "from", &mut det);
        }
    }
    let cc = addr_list(b, "cc", &mut det);
    let bcc = addr_list(b, "bcc", &mut det);
    let total = 1 + cc.len() + bcc.len();
    if total > 50 {
        d(
            &mut det,
            "to",
            "to, cc and bcc together may have at most 50 recipients",
        );
    }
    common(b, &mut det);
    check_attachments(b, &mut det);
    let Some(to) = to.filter(|_| det.is_empty()) else {
        return validation(det);
    };
    let dynamic = b.get("dynamicData").cloned().unwrap_or(Value::Null);
    let id = record(st, ctx, pid, "send", None, b, to, cc, bcc, dynamic);
    ok(json!({"emailId": id, "message": "Email queued successfully.", "totalRecipients": total}))
}

/// `POST /v1/mails/bulk`: one message recorded per valid recipient.
pub fn bulk(st: &mut State, ctx: &Ctx, pid: &str, b: &Value) -> Out {
    let mut det = Details::new();
    let recipients = match b.get("recipients") {
        Some(Value::Array(a)) if a.is_empty() => {
            d(&mut det, "recipients", "at least 1 recipient is required");
            Vec::new()
        }
        Some(Value::Array(a)) if a.len() > 100 => {
            d(&mut det, "recipients", "at most 100 recipients are allowed");
            Vec::new()
        }
        Some(Value::Array(a)) => a.clone(),
        None | Some(Value::Null) => {
            d(&mut det, "recipients", "is required");
            Vec::new()
        }
        Some(_) => {
            d(&mut det, "recipients", "must be an array");
            Vec::new()
        }
    };
    match b.get("from") {
        None | Some(Value::Null) => d(&mut det, "from", "is required"),
        Some(v) => {
            addr(v, "from", &mut det);
        }
    }
    common(b, &mut det);
    if !det.is_empty() {
        return validation(det);
    }
    let batch = util::uuid_v4();
    let shared = b
        .get("dynamicData")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let (mut success, mut failed) = (0u64, 0u64);
    for r in &recipients {
        // Per-recipient problems make that recipient fail, not the request.
        let mut rd = Details::new();
        let to = addr(r, "recipient", &mut rd);
        let cc = addr_list(r, "cc", &mut rd);
        let bcc = addr_list(r, "bcc", &mut rd);
        match to.filter(|_| rd.is_empty()) {
            Some(to) => {
                let mut dynamic = shared.clone();
                if let Some(own) = r.get("dynamicData").and_then(Value::as_object) {
                    for (k, v) in own {
                        dynamic.insert(k.clone(), v.clone());
                    }
                }
                record(
                    st,
                    ctx,
                    pid,
                    "bulk",
                    Some(&batch),
                    b,
                    to,
                    cc,
                    bcc,
                    Value::Object(dynamic),
                );
                success += 1;
            }
            None => failed += 1,
        }
    }
    ok(
        json!({"batchId": batch, "totalRecipients": recipients.len(), "successCount": success, "failedCount": failed}),
    )
}

/// `GET /v1/mails/{id}/status`.
pub fn status(st: &mut State, pid: &str, id: &str) -> Out {
    if !util::is_object_id(id) {
        return validation(vec![(
            "id".into(),
            "must be a valid email id (24-hex ObjectId)".into(),
        )]);
    }
    let Some(m) = st.messages.iter().find(|m| {
        m.get("id").and_then(Value::as_str) == Some(id)
            && m.get("projectId").and_then(Value::as_str) == Some(pid)
    }) else {
        return err(404, "NOT_FOUND", "Email not found");
    };
    let at = m.get("receivedAt").cloned().unwrap_or(Value::Null);
    ok(json!({
        "id": id,
        "projectId": pid,
        "status": "delivered",
        "subject": m.get("subject").cloned().unwrap_or(Value::Null),
        "recipient": m.get("to").cloned().unwrap_or(Value::Null),
        "sender": m.get("from").cloned().unwrap_or(Value::Null),
        "sentAt": at,
        "deliveredAt": at,
        "openedAt": null,
        "clickedAt": null,
        "bouncedAt": null,
    }))
}
