//! Typed requests and responses (camelCase on the wire), with the documented limits.
//!
//! Requests refuse unknown fields: a misspelled `bcc` must never be silently dropped.
//! Responses are lenient: unknown fields are ignored and missing ones default.

use crate::error::{Error, FieldError};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Maximum recipients (to + cc + bcc) of one send.
pub const MAX_SEND_RECIPIENTS: usize = 50;
/// Maximum attachments of one send.
pub const MAX_ATTACHMENTS: usize = 20;
/// Maximum custom headers.
pub const MAX_HEADERS: usize = 20;
/// Maximum length of a custom header value.
pub const MAX_HEADER_VALUE: usize = 1000;
/// Maximum subject length.
pub const MAX_SUBJECT: usize = 998;
/// Maximum recipients of one bulk send.
pub const MAX_BULK_RECIPIENTS: usize = 100;
/// Maximum contacts of one bulk update.
pub const MAX_BULK_CONTACTS: usize = 100;
/// Maximum size of a whole send request (40 MB after base64).
pub const MAX_EMAIL_BYTES: usize = 40 * 1024 * 1024;
/// Header names the API reserves for itself.
pub const RESERVED_HEADERS: &[&str] = &[
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
/// Regions a project can live in.
pub const REGIONS: &[&str] = &["us-east-1", "us-east-2", "ap-south-1", "eu-central-1"];

/// Local validation of a typed request.
pub trait Validate {
    /// Pushes every problem found into `errs`.
    fn validate(&self, errs: &mut Vec<FieldError>);
}

fn push(errs: &mut Vec<FieldError>, field: impl Into<String>, message: impl Into<String>) {
    errs.push(FieldError {
        field: field.into(),
        message: message.into(),
    });
}

/// True if `s` looks like an email address: one `@`, non-empty local part and a domain,
/// no whitespace or control characters.
pub fn looks_like_email(s: &str) -> bool {
    let mut parts = s.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && s.len() <= 320
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn check_email(errs: &mut Vec<FieldError>, field: &str, email: &str) {
    if !looks_like_email(email) {
        push(errs, field, "is not an email address");
    }
}

fn check_len(errs: &mut Vec<FieldError>, field: &str, s: &str, max: usize) {
    if s.chars().count() > max {
        push(errs, field, format!("is longer than {max} characters"));
    }
}

fn non_empty(s: &Option<String>) -> bool {
    s.as_deref().is_some_and(|v| !v.is_empty())
}

/// `{ email, name? }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Address {
    /// The address.
    pub email: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Documented on `replyTo` and bulk `from` without explanation; passed through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dynamic_data: Option<Map<String, Value>>,
}

impl Address {
    /// An address without a name.
    pub fn new(email: impl Into<String>) -> Self {
        Address {
            email: email.into(),
            name: None,
            dynamic_data: None,
        }
    }
    /// An address with a display name.
    pub fn named(email: impl Into<String>, name: impl Into<String>) -> Self {
        Address {
            name: Some(name.into()),
            ..Address::new(email)
        }
    }
    fn check(&self, errs: &mut Vec<FieldError>, field: &str) {
        check_email(errs, &format!("{field}.email"), &self.email);
        if let Some(n) = &self.name {
            if n.chars().any(|c| c == '\r' || c == '\n') {
                push(
                    errs,
                    format!("{field}.name"),
                    "must not contain line breaks",
                );
            }
        }
    }
}

/// A file attached to a send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Attachment {
    /// File name shown to the recipient.
    pub file_name: String,
    /// Base64 content (or `fileUrl`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// MIME type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// URL to fetch the file from (or `content`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_url: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

fn check_headers(errs: &mut Vec<FieldError>, headers: &Option<BTreeMap<String, String>>) {
    let Some(h) = headers else { return };
    if h.len() > MAX_HEADERS {
        push(
            errs,
            "headers",
            format!("at most {MAX_HEADERS} custom headers"),
        );
    }
    for (name, value) in h {
        let f = format!("headers.{name}");
        let name_ok = !name.is_empty()
            && name.len() <= 76
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !name_ok {
            push(errs, &f, "header names must match ^[A-Za-z0-9-]{1,76}$");
        } else if RESERVED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
            push(errs, &f, "is reserved and set by AutoSend");
        }
        if value.chars().count() > MAX_HEADER_VALUE {
            push(
                errs,
                &f,
                format!("values are at most {MAX_HEADER_VALUE} characters"),
            );
        }
        if value.chars().any(|c| c == '\r' || c == '\n' || c == '\0') {
            push(errs, &f, "values must not contain CR, LF or NUL");
        }
    }
}

fn check_content(
    errs: &mut Vec<FieldError>,
    subject: &Option<String>,
    html: &Option<String>,
    text: &Option<String>,
    template_id: &Option<String>,
) {
    let has_template = non_empty(template_id);
    if !has_template && !non_empty(html) && !non_empty(text) {
        push(errs, "html", "give html or text, or a templateId");
    }
    if !has_template && !non_empty(subject) {
        push(errs, "subject", "is required unless a templateId is given");
    }
    if let Some(s) = subject {
        check_len(errs, "subject", s, MAX_SUBJECT);
        if s.contains(['\r', '\n']) {
            push(errs, "subject", "must not contain line breaks");
        }
    }
}

/// `POST /mails/send`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SendEmail {
    /// One recipient (use cc/bcc or bulk for more).
    pub to: Address,
    /// Sender on a verified domain.
    pub from: Address,
    /// Subject (required unless templateId).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// HTML body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// Plain-text body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Template (`A-…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_id: Option<String>,
    /// Handlebars values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dynamic_data: Option<Map<String, Value>>,
    /// Carbon copies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cc: Option<Vec<Address>>,
    /// Blind copies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bcc: Option<Vec<Address>>,
    /// Reply-to address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<Address>,
    /// Unsubscribe group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsubscribe_group_id: Option<String>,
    /// Click tracking (omitted → project setting).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_click: Option<bool>,
    /// Open tracking (omitted → project setting).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_open: Option<bool>,
    /// Custom headers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<BTreeMap<String, String>>,
    /// Attachments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<Attachment>>,
    /// Send even to suppressed recipients (OTP / security mail only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bypass_suppressions: Option<bool>,
}

impl SendEmail {
    /// A send with the required parts.
    pub fn new(from: Address, to: Address, subject: impl Into<String>) -> Self {
        SendEmail {
            to,
            from,
            subject: Some(subject.into()),
            html: None,
            text: None,
            template_id: None,
            dynamic_data: None,
            cc: None,
            bcc: None,
            reply_to: None,
            unsubscribe_group_id: None,
            tracking_click: None,
            tracking_open: None,
            headers: None,
            attachments: None,
            bypass_suppressions: None,
        }
    }
}

impl Validate for SendEmail {
    fn validate(&self, errs: &mut Vec<FieldError>) {
        self.to.check(errs, "to");
        self.from.check(errs, "from");
        if let Some(r) = &self.reply_to {
            r.check(errs, "replyTo");
        }
        let cc = self.cc.as_deref().unwrap_or_default();
        let bcc = self.bcc.as_deref().unwrap_or_default();
        for (i, a) in cc.iter().enumerate() {
            a.check(errs, &format!("cc[{i}]"));
        }
        for (i, a) in bcc.iter().enumerate() {
            a.check(errs, &format!("bcc[{i}]"));
        }
        let total = 1 + cc.len() + bcc.len();
        if total > MAX_SEND_RECIPIENTS {
            push(
                errs,
                "to",
                format!("to + cc + bcc is {total}; at most {MAX_SEND_RECIPIENTS} recipients per send (use emails.bulk)"),
            );
        }
        check_content(
            errs,
            &self.subject,
            &self.html,
            &self.text,
            &self.template_id,
        );
        check_headers(errs, &self.headers);
        if let Some(atts) = &self.attachments {
            if atts.len() > MAX_ATTACHMENTS {
                push(
                    errs,
                    "attachments",
                    format!("at most {MAX_ATTACHMENTS} attachments"),
                );
            }
            for (i, a) in atts.iter().enumerate() {
                if a.file_name.trim().is_empty() {
                    push(errs, format!("attachments[{i}].fileName"), "is required");
                }
                if !non_empty(&a.content) && !non_empty(&a.file_url) {
                    push(
                        errs,
                        format!("attachments[{i}].content"),
                        "give content (base64) or a fileUrl",
                    );
                }
            }
        }
    }
}

/// One recipient of a bulk send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BulkRecipient {
    /// Address.
    pub email: String,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Per-recipient values (override the shared ones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dynamic_data: Option<Map<String, Value>>,
    /// Carbon copies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cc: Option<Vec<Address>>,
    /// Blind copies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bcc: Option<Vec<Address>>,
}

/// `POST /mails/bulk`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BulkEmail {
    /// 1–100 recipients.
    pub recipients: Vec<BulkRecipient>,
    /// Sender.
    pub from: Address,
    /// Subject (required unless templateId).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// HTML body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// Text body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_id: Option<String>,
    /// Shared values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dynamic_data: Option<Map<String, Value>>,
    /// Reply-to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<Address>,
    /// Unsubscribe group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsubscribe_group_id: Option<String>,
    /// Click tracking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_click: Option<bool>,
    /// Open tracking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_open: Option<bool>,
    /// Custom headers for every recipient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<BTreeMap<String, String>>,
    /// Listed in the SDK's types, not on the bulk page; passed through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bypass_suppressions: Option<bool>,
}

impl Validate for BulkEmail {
    fn validate(&self, errs: &mut Vec<FieldError>) {
        if self.recipients.is_empty() || self.recipients.len() > MAX_BULK_RECIPIENTS {
            push(
                errs,
                "recipients",
                format!(
                    "has {} recipients; 1 to {MAX_BULK_RECIPIENTS} per bulk send (split into several calls)",
                    self.recipients.len()
                ),
            );
        }
        for (i, r) in self.recipients.iter().enumerate() {
            check_email(errs, &format!("recipients[{i}].email"), &r.email);
            for (j, a) in r.cc.iter().flatten().enumerate() {
                a.check(errs, &format!("recipients[{i}].cc[{j}]"));
            }
            for (j, a) in r.bcc.iter().flatten().enumerate() {
                a.check(errs, &format!("recipients[{i}].bcc[{j}]"));
            }
        }
        self.from.check(errs, "from");
        if let Some(r) = &self.reply_to {
            r.check(errs, "replyTo");
        }
        check_content(
            errs,
            &self.subject,
            &self.html,
            &self.text,
            &self.template_id,
        );
        check_headers(errs, &self.headers);
    }
}

fn check_custom_fields(errs: &mut Vec<FieldError>, field: &str, cf: &Option<Map<String, Value>>) {
    for (k, v) in cf.iter().flatten() {
        if v.is_object() || v.is_array() {
            push(
                errs,
                format!("{field}.{k}"),
                "values must be a string, number, boolean, date string or null",
            );
        }
    }
}

/// `POST /contacts`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateContact {
    /// Email (lower-cased by the server).
    pub email: String,
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Your application's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Lists to add the contact to (never segment ids).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_ids: Option<Vec<String>>,
    /// Custom fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_fields: Option<Map<String, Value>>,
}

impl Validate for CreateContact {
    fn validate(&self, errs: &mut Vec<FieldError>) {
        check_email(errs, "email", &self.email);
        check_custom_fields(errs, "customFields", &self.custom_fields);
    }
}

/// `POST /contacts/email` (upsert by email).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpsertContact {
    /// Email.
    pub email: String,
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Your id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// E.164 mobile; `""` clears it, omitted/null leaves it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    /// Lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_ids: Option<Vec<String>>,
    /// Custom fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_fields: Option<Map<String, Value>>,
}

impl Validate for UpsertContact {
    fn validate(&self, errs: &mut Vec<FieldError>) {
        check_email(errs, "email", &self.email);
        check_custom_fields(errs, "customFields", &self.custom_fields);
    }
}

/// `POST /contacts/remove` and `POST /contacts/search/emails`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EmailList {
    /// At least one email.
    pub emails: Vec<String>,
}

impl Validate for EmailList {
    fn validate(&self, errs: &mut Vec<FieldError>) {
        if self.emails.is_empty() {
            push(errs, "emails", "give at least one email");
        }
        for (i, e) in self.emails.iter().enumerate() {
            check_email(errs, &format!("emails[{i}]"), e);
        }
    }
}

/// One contact of a bulk update.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BulkContact {
    /// Email.
    pub email: String,
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Your id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Custom fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_fields: Option<Map<String, Value>>,
}

/// `POST /contacts/bulk-update`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BulkUpdateContacts {
    /// 1–100 contacts.
    pub contacts: Vec<BulkContact>,
    /// Trigger workflows for updated contacts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_workflow: Option<bool>,
}

impl Validate for BulkUpdateContacts {
    fn validate(&self, errs: &mut Vec<FieldError>) {
        if self.contacts.is_empty() || self.contacts.len() > MAX_BULK_CONTACTS {
            push(
                errs,
                "contacts",
                format!(
                    "has {} contacts; 1 to {MAX_BULK_CONTACTS} per call",
                    self.contacts.len()
                ),
            );
        }
        for (i, c) in self.contacts.iter().enumerate() {
            check_email(errs, &format!("contacts[{i}].email"), &c.email);
            check_custom_fields(
                errs,
                &format!("contacts[{i}].customFields"),
                &c.custom_fields,
            );
        }
    }
}

/// `POST /account/projects`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateProject {
    /// Name (≤ 100).
    pub name: String,
    /// Domain, without scheme.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// Region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_key: Option<String>,
}

impl Validate for CreateProject {
    fn validate(&self, errs: &mut Vec<FieldError>) {
        if self.name.trim().is_empty() {
            push(errs, "name", "is required");
        }
        check_len(errs, "name", &self.name, 100);
        if let Some(d) = &self.domain {
            if d.contains("://") || d.contains('/') || d.contains(char::is_whitespace) {
                push(
                    errs,
                    "domain",
                    "give a bare domain like example.com (no scheme or path)",
                );
            }
        }
        // regionKey is not checked against REGIONS: AutoSend may add regions, and the
        // server validates it (tests/vectors/README.md).
    }
}

/// Deserialises `body` into `T`, validates it, and returns its canonical JSON.
pub(crate) fn check_body<T>(body: Value) -> Result<Value, Error>
where
    T: serde::de::DeserializeOwned + Serialize + Validate,
{
    // Address fields are single objects; refuse arrays up front with a clear message (serde
    // would otherwise try to read an array as a struct and report a confusing path).
    for k in ["to", "from", "replyTo"] {
        if let Some(v @ Value::Array(_)) = body.get(k) {
            return Err(shape_error(k, v));
        }
    }
    let original = body.clone();
    let parsed: T = serde_path_to_error::deserialize(body).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        let field = if path == "." { String::new() } else { path };
        // serde reports unknown fields at the parent path; name them precisely.
        let (field, msg) = match inner.strip_prefix("unknown field `") {
            Some(rest) => {
                let name = rest.split('`').next().unwrap_or_default();
                let f = if field.is_empty() {
                    name.to_string()
                } else if field == name || field.ends_with(&format!(".{name}")) {
                    field
                } else {
                    format!("{field}.{name}")
                };
                (f, format!("unknown field (check the spelling); {inner}"))
            }
            None => match inner.strip_prefix("missing field `") {
                Some(rest) => {
                    let name = rest.split('`').next().unwrap_or_default();
                    let f = if field.is_empty() {
                        name.to_string()
                    } else {
                        format!("{field}.{name}")
                    };
                    (f, "is required".to_string())
                }
                None => (field, inner),
            },
        };
        Error::validation(field, msg)
    })?;
    let canonical = serde_json::to_value(&parsed)
        .map_err(|e| Error::new(crate::ErrorKind::Internal, e.to_string()))?;
    // serde accepts a struct written as an array (`"to": ["a@b.co"]`); refuse that shape.
    same_shape(&original, &canonical, &mut String::new())?;
    let mut errs = Vec::new();
    parsed.validate(&mut errs);
    if let Some(first) = errs.first().cloned() {
        let extra = if errs.len() > 1 {
            format!(" (and {} more problems)", errs.len() - 1)
        } else {
            String::new()
        };
        let e = Error::validation(first.field, format!("{}{extra}", first.message));
        return Err(e.with_details(errs));
    }
    Ok(canonical)
}

/// Every object in the canonical form must have been an object in the input.
fn same_shape(input: &Value, canonical: &Value, path: &mut String) -> Result<(), Error> {
    match (input, canonical) {
        (Value::Object(i), Value::Object(c)) => {
            for (k, cv) in c {
                if let Some(iv) = i.get(k) {
                    let len = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                    same_shape(iv, cv, path)?;
                    path.truncate(len);
                }
            }
            Ok(())
        }
        (Value::Array(i), Value::Array(c)) => {
            for (n, (iv, cv)) in i.iter().zip(c).enumerate() {
                let len = path.len();
                path.push_str(&format!("[{n}]"));
                same_shape(iv, cv, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        (i, Value::Object(_)) => Err(shape_error(path, i)),
        _ => Ok(()),
    }
}

fn shape_error(path: &str, got: &Value) -> Error {
    let hint = if path == "to" {
        " (one recipient per send: use cc/bcc, or emails.bulk)"
    } else {
        ""
    };
    Error::validation(
        path,
        format!(
            "must be an object, not {}{hint}",
            crate::request::type_name(got)
        ),
    )
}

// ---------- responses ----------

/// `data` of `POST /mails/send`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SendEmailResponse {
    /// Id for status lookups.
    pub email_id: String,
    /// "Email queued successfully."
    pub message: Option<String>,
    /// Number of recipients.
    pub total_recipients: u64,
}

/// `data` of `POST /mails/bulk`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BulkEmailResponse {
    /// UUID of the batch.
    pub batch_id: String,
    /// Recipients given.
    pub total_recipients: u64,
    /// Accepted.
    pub success_count: u64,
    /// Refused.
    pub failed_count: u64,
}

/// `data` of `GET /mails/{id}/status`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MailStatus {
    /// Email id.
    pub id: String,
    /// Project.
    pub project_id: Option<String>,
    /// Latest event (delivered, opened, …).
    pub status: String,
    /// Subject.
    pub subject: Option<String>,
    /// Recipient.
    pub recipient: Option<Value>,
    /// Sender.
    pub sender: Option<Value>,
    /// Lifecycle timestamps (ISO-8601 or null).
    pub sent_at: Option<String>,
    /// Delivered at.
    pub delivered_at: Option<String>,
    /// Opened at.
    pub opened_at: Option<String>,
    /// Clicked at.
    pub clicked_at: Option<String>,
    /// Bounced at.
    pub bounced_at: Option<String>,
}

/// A contact.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Contact {
    /// Id.
    pub id: String,
    /// Email.
    pub email: String,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Your id.
    pub user_id: Option<String>,
    /// Mobile.
    pub mobile: Option<String>,
    /// Custom fields.
    pub custom_fields: Map<String, Value>,
    /// Lists.
    pub list_ids: Vec<String>,
    /// Segments.
    pub segment_ids: Vec<String>,
    /// Project.
    pub project_id: Option<String>,
    /// Created.
    pub created_at: Option<String>,
    /// Updated.
    pub updated_at: Option<String>,
}

/// A project (account keys).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Project {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Primary domain.
    pub domain: Option<String>,
    /// Region.
    pub region_key: Option<String>,
    /// Open tracking default.
    pub tracking_open: Option<bool>,
    /// Click tracking default.
    pub tracking_click: Option<bool>,
    /// Created.
    pub created_at: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn emails() {
        for ok in ["a@b.co", "x.y+z@mail.example.com", "A@B"] {
            assert!(looks_like_email(ok), "{ok}");
        }
        for bad in [
            "", "a", "@b", "a@", "a@@b", "a b@c.d", "a@b.", "a@.b", "a\n@b.c",
        ] {
            assert!(!looks_like_email(bad), "{bad:?}");
        }
    }

    #[test]
    fn unknown_field_is_named() {
        let e = check_body::<SendEmail>(json!({
            "to": {"email": "a@b.co"}, "from": {"email": "c@d.co"}, "subject": "s", "html": "h",
            "bbc": [{"email": "x@y.z"}]
        }))
        .unwrap_err();
        assert_eq!(e.field(), Some("bbc"));
        let e = check_body::<SendEmail>(json!({
            "to": {"email": "a@b.co", "nmae": "x"}, "from": {"email": "c@d.co"}, "subject": "s", "html": "h"
        }))
        .unwrap_err();
        assert_eq!(e.field(), Some("to.nmae"));
    }

    #[test]
    fn nested_type_errors_have_paths() {
        let e = check_body::<SendEmail>(json!({
            "to": {"email": "a@b.co"}, "from": {"email": "c@d.co"}, "subject": "s", "html": "h",
            "cc": [{"email": "x@y.z"}, {"email": 5}]
        }))
        .unwrap_err();
        assert_eq!(e.field(), Some("cc[1].email"));
        let e = check_body::<SendEmail>(json!({"from": {"email": "c@d.co"}})).unwrap_err();
        assert_eq!(e.field(), Some("to"));
    }
}
