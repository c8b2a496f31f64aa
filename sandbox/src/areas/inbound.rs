//! Inbound messages (§2.14). Three messages are seeded per project (see README); one carries
//! a binary attachment whose bytes are 0x00..=0xFF in order ([`SEED_BYTES`]).

use super::{bad, data, email_domain, fail, nested, page_query, pid, q_bool, sget, Reply, Req};
use crate::api::Ctx;
use crate::state::{Download, ProjectData, State};
use crate::util;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Seconds a download URL stays valid.
pub const EXPIRES_IN: u64 = 900;

/// The bytes of the seeded binary attachment `bytes.bin`: 0, 1, …, 255.
pub fn seed_bytes() -> Vec<u8> {
    (0u8..=255).collect()
}

/// Text of the seeded `notes.txt` attachment.
pub const SEED_TEXT: &str = "Order 1234: two items, shipped.\n";

fn addr(email: &str, name: Option<&str>) -> Value {
    json!({"email": email, "name": name})
}

fn att(d: &mut ProjectData, index: usize, filename: &str, ctype: &str, bytes: Vec<u8>) -> Value {
    let id = format!("att_{}", util::object_id());
    let v = json!({"attachmentId": id, "filename": filename, "contentType": ctype, "size": bytes.len(), "index": index});
    d.attachment_bytes.insert(id, bytes);
    v
}

/// Seed three received messages addressed to `support@<domain>` (newest first).
pub fn seed(d: &mut ProjectData, domain: &str) {
    let now = util::epoch_millis();
    let thread = format!("thr_{}", util::random_hex(16));
    let first_mid = format!("<{}@mail.example.com>", util::random_hex(16));
    let to = vec![addr(&format!("support@{domain}"), Some("Support"))];
    let a0 = att(d, 0, "bytes.bin", "application/octet-stream", seed_bytes());
    let a1 = att(
        d,
        1,
        "notes.txt",
        "text/plain",
        SEED_TEXT.as_bytes().to_vec(),
    );
    let base = |id: String,
                mid: &str,
                from: Value,
                cc: Vec<Value>,
                subject: &str,
                text: &str,
                attachments: Vec<Value>,
                thread: &str,
                in_reply: Value,
                at: u64| {
        json!({
            "id": id, "messageId": mid, "domainName": domain, "from": from, "to": to, "cc": cc, "bcc": [],
            "replyTo": [], "subject": subject, "text": text, "html": format!("<p>{}</p>", util::html_escape(text)),
            "attachments": attachments,
            "headers": {"Message-ID": mid, "Subject": subject, "Content-Type": "multipart/mixed"},
            "spamVerdict": "PASS", "virusVerdict": "PASS", "spfVerdict": "PASS", "dkimVerdict": "PASS",
            "dmarcVerdict": "PASS", "status": "PROCESSED", "threadId": thread, "inReplyTo": in_reply,
            "inReplyToEmailActivityId": null, "inReplyToInboundEmailId": null,
            "receivedAt": util::iso_from_millis(at),
        })
    };
    let first_id = util::object_id();
    let m1 = base(
        first_id.clone(),
        &first_mid,
        addr("alice@example.com", Some("Alice Example")),
        vec![],
        "Question about my order",
        "Hello, where is my order 1234? Details attached.",
        vec![a0, a1],
        &thread,
        Value::Null,
        now - 3_600_000,
    );
    let m2 = base(
        util::object_id(),
        &format!("<{}@mail.example.org>", util::random_hex(16)),
        addr("bob@example.org", Some("Bob")),
        vec![addr("carol@example.org", None)],
        "Invoice #42",
        "Please find the invoice details below.",
        vec![],
        &format!("thr_{}", util::random_hex(16)),
        Value::Null,
        now - 7_200_000,
    );
    let mut m3 = base(
        util::object_id(),
        &format!("<{}@mail.example.com>", util::random_hex(16)),
        addr("alice@example.com", Some("Alice Example")),
        vec![],
        "Re: Question about my order",
        "Never mind, it arrived. Thanks!",
        vec![],
        &thread,
        json!(first_mid),
        now - 600_000,
    );
    m3["inReplyToInboundEmailId"] = json!(first_id);
    d.inbound = vec![m3, m1, m2];
}

fn summary(m: &Value) -> Value {
    json!({"id": m["id"], "messageId": m["messageId"], "domainName": m["domainName"], "from": m["from"],
           "to": m["to"], "cc": m["cc"], "subject": m["subject"], "status": m["status"],
           "attachmentCount": m["attachments"].as_array().map_or(0, Vec::len), "receivedAt": m["receivedAt"]})
}

fn not_found() -> Reply {
    fail(404, "INBOUND_EMAIL_NOT_FOUND", "Inbound message not found")
}

fn find<'a>(d: &'a ProjectData, id: &str) -> Option<&'a Value> {
    d.inbound.iter().find(|m| sget(m, "id") == id)
}

fn has_addr(list: &Value, want: &str) -> bool {
    let w = want.trim().to_lowercase();
    match list {
        Value::Array(a) => a.iter().any(|x| has_addr(x, &w)),
        Value::Object(_) => sget(list, "email").to_lowercase() == w,
        _ => false,
    }
}

/// `GET /inbound/messages` (nested; limit 1–200, default 50; newest first).
pub fn list(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let (page, limit) = match page_query(r, 50, 200) {
        Ok(x) => x,
        Err(e) => return e.into(),
    };
    if r.q("search").is_some_and(|s| s.chars().count() > 200) {
        return bad("search", "must be at most 200 characters");
    }
    for k in ["dateFrom", "dateTo"] {
        if r.q(k).is_some_and(|v| {
            !(super::campaigns::looks_iso(v) || (v.len() == 10 && v.as_bytes()[4] == b'-'))
        }) {
            return bad(k, "must be an ISO-8601 date or date-time");
        }
    }
    let search = r.q("search").map(str::to_lowercase);
    let d = data(st, &pid(ctx));
    let items: Vec<Value> = d
        .inbound
        .iter()
        .filter(|m| {
            let at = sget(m, "receivedAt");
            r.q("from").is_none_or(|f| has_addr(&m["from"], f))
                && r.q("to").is_none_or(|t| has_addr(&m["to"], t))
                && r.q("threadId").is_none_or(|t| sget(m, "threadId") == t)
                && search
                    .as_deref()
                    .is_none_or(|s| sget(m, "subject").to_lowercase().contains(s))
                && r.q("dateFrom").is_none_or(|f| at >= f)
                && r.q("dateTo").is_none_or(|t| at <= t)
        })
        .map(summary)
        .collect();
    super::okr(nested("items", items, page, limit))
}

/// `GET /inbound/messages/{id}`.
pub fn get(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let d = data(st, &pid(ctx));
    match find(d, r.param("id")) {
        Some(m) => super::okr(m.clone()),
        None => not_found(),
    }
}

/// `GET /inbound/messages/{id}/attachments/{idx}`: by attachmentId or 0-based index; JSON
/// with a pre-signed `downloadUrl` (served by the sandbox, no key, 900 s), or the bytes
/// with `download=true`.
pub fn attachment(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let download = match q_bool(r, "download") {
        Ok(v) => v.unwrap_or(false),
        Err(e) => return e.into(),
    };
    let d = data(st, &pid(ctx));
    let Some(m) = find(d, r.param("id")) else {
        return not_found();
    };
    let idx = r.param("idx");
    let atts = m["attachments"].as_array().cloned().unwrap_or_default();
    let a = atts
        .iter()
        .find(|a| sget(a, "attachmentId") == idx)
        .or_else(|| {
            idx.parse::<usize>()
                .ok()
                .filter(|_| idx.bytes().all(|c| c.is_ascii_digit()))
                .and_then(|i| atts.get(i))
        });
    let Some(a) = a.cloned() else {
        return fail(
            404,
            "ATTACHMENT_NOT_FOUND",
            &format!(
                "No attachment {idx:?} on this message (use an attachmentId or a 0-based index)"
            ),
        );
    };
    let id = sget(&a, "attachmentId").to_string();
    let bytes = d.attachment_bytes.get(&id).cloned().unwrap_or_default();
    let filename = sget(&a, "filename").to_string();
    let ctype = sget(&a, "contentType").to_string();
    if download {
        let safe: String = filename
            .chars()
            .filter(|c| *c != '"' && *c != '\\' && !c.is_control())
            .collect();
        return Reply::Bytes {
            status: 200,
            content_type: ctype,
            disposition: format!("attachment; filename=\"{safe}\""),
            body: bytes,
        };
    }
    let token = util::random_alnum(40);
    let now = Instant::now();
    st.downloads.retain(|_, v| v.expires > now);
    st.downloads.insert(
        token.clone(),
        Download {
            filename: filename.clone(),
            content_type: ctype.clone(),
            bytes,
            expires: now + Duration::from_secs(EXPIRES_IN),
        },
    );
    super::okr(
        json!({"attachmentId": id, "filename": filename, "contentType": ctype, "size": a["size"],
        "downloadUrl": format!("{}/_sandbox/downloads/{token}", ctx.admin_url), "expiresIn": EXPIRES_IN}),
    )
}

/// `POST /inbound/messages/{id}/reply` → 202 `{message: "Reply queued", data: {...}}`. The
/// `from` domain must be the receiving domain or a verified domain of the project. The reply
/// is recorded like sent mail (kind `reply`).
pub fn reply(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let p = pid(ctx);
    let from = r.b("from").cloned().unwrap_or(Value::Null);
    let from_email = match super::check_email("from.email", sget(&from, "email")) {
        Ok(e) => e,
        Err(e) => return e,
    };
    for list in ["cc", "bcc"] {
        if let Some(a) = r.b(list).and_then(Value::as_array) {
            for (i, x) in a.iter().enumerate() {
                if !util::is_valid_email(sget(x, "email").trim()) {
                    return bad(
                        &format!("{list}[{i}].email"),
                        "must be a valid email address",
                    );
                }
            }
        }
    }
    if let Some(a) = r.b("attachments").and_then(Value::as_array) {
        for (i, x) in a.iter().enumerate() {
            if x.get("content").is_none() && x.get("fileUrl").is_none() {
                return bad(
                    &format!("attachments[{i}].content"),
                    "content (base64) or fileUrl is required",
                );
            }
        }
    }
    let d = data(st, &p);
    let Some(m) = find(d, r.param("id")).cloned() else {
        return not_found();
    };
    let dom = email_domain(&from_email).unwrap_or_default();
    if dom != sget(&m, "domainName") && !super::domain_verified(d, &dom) {
        return bad(
            "from.email",
            &format!(
                "must use the domain that received the message ({}) or a verified sending domain",
                sget(&m, "domainName")
            ),
        );
    }
    let subject = r.s("subject").map(str::to_string).unwrap_or_else(|| {
        let s = sget(&m, "subject");
        if s.to_lowercase().starts_with("re:") {
            s.to_string()
        } else {
            format!("Re: {s}")
        }
    });
    let count = |k: &str| r.b(k).and_then(Value::as_array).map_or(0, Vec::len);
    let total = 1 + count("cc") + count("bcc");
    let email_id = format!("0102{}-{}-000000", util::random_hex(12), util::uuid_v4());
    let now = util::now_iso();
    st.messages.push(json!({
        "id": email_id, "kind": "reply", "batchId": null, "projectId": p, "keyKind": ctx.key_kind.as_str(),
        "key": ctx.key_hint, "requestId": ctx.request_id, "userAgent": ctx.user_agent, "receivedAt": now,
        "status": "delivered", "from": from, "to": m["from"], "cc": r.b("cc").cloned().unwrap_or(json!([])),
        "bcc": r.b("bcc").cloned().unwrap_or(json!([])), "replyTo": null, "subject": subject,
        "html": r.b("html").cloned().unwrap_or(Value::Null), "text": r.b("text").cloned().unwrap_or(Value::Null),
        "templateId": null, "dynamicData": null, "customHeaders": {"In-Reply-To": m["messageId"], "References": m["messageId"]},
        "headers": ctx.headers, "body": r.body, "inReplyToInboundEmailId": m["id"],
    }));
    Reply::Json(
        202,
        json!({"success": true, "message": "Reply queued",
               "data": {"emailId": email_id, "message": "Reply queued", "status": "QUEUED", "totalRecipients": total}}),
    )
}
