//! Typed requests and responses (camelCase on the wire) for Rust users, and the documented
//! limits the core's rules use.
//!
//! These structs are a convenience: the core checks every body against the API description
//! (`api/openapi.json`, see `crate::schema`), whatever type it came from. Requests refuse
//! unknown fields: a misspelled `bcc` must never be silently dropped. Responses are lenient:
//! unknown fields are ignored and missing ones default.

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

/// True if `s` looks like an email address: one `@`, non-empty local part and a domain,
/// no whitespace or control characters.
pub fn looks_like_email(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() > 320 {
        return false;
    }
    // One pass over the bytes: the `@`s, and the ASCII whitespace and controls (every ASCII
    // character that is either is at most a space, or DEL). Characters beyond ASCII are
    // looked at one by one only when there are some.
    let (mut at, mut ats, mut wide) = (0, 0, false);
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'@' => {
                at = i;
                ats += 1;
            }
            0..=b' ' | 0x7f => return false,
            0x80.. => wide = true,
            _ => {}
        }
    }
    if ats != 1 {
        return false;
    }
    let (local, domain) = (&b[..at], &b[at + 1..]);
    !local.is_empty()
        && !domain.is_empty()
        && domain[0] != b'.'
        && domain[domain.len() - 1] != b'.'
        && !(wide && s.chars().any(|c| c.is_whitespace() || c.is_control()))
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

/// `POST /contacts/remove` and `POST /contacts/search/emails`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EmailList {
    /// At least one email.
    pub emails: Vec<String>,
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

    /// The definition `looks_like_email` implements, written plainly (split on `@`, then
    /// every character): the byte-wise version must agree with it on every string.
    fn email_by_definition(s: &str) -> bool {
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

    #[test]
    fn email_edges_agree_with_the_definition() {
        let long = |n: usize| format!("{}@b.c", "a".repeat(n));
        for s in [
            "a@b",
            "a@b.c",
            "@",
            "a@",
            "@b",
            ".@b",
            "a@.",
            "a@..b",
            "a@b@c",
            "a\u{85}@b",
            "a\u{a0}@b",
            "a\u{2028}@b",
            "é@ü.de",
            "a\u{7f}@b",
            "a\u{0}@b",
            "a\u{1f}@b",
            "a!@b~",
            "a\u{80}@b",
            "a@b.\u{3000}",
        ] {
            assert_eq!(looks_like_email(s), email_by_definition(s), "{s:?}");
        }
        for n in [300, 315, 316, 317, 400] {
            let s = long(n);
            assert_eq!(looks_like_email(&s), email_by_definition(&s), "{n}");
        }
        assert!(looks_like_email(&long(316)) && !looks_like_email(&long(317)));
    }

    proptest::proptest! {
        #[test]
        fn email_check_agrees_with_the_definition(
            s in "[ab@.!~ \t\n\r\u{0}\u{1f}\u{7f}\u{80}\u{85}\u{a0}\u{2028}\u{3000}é漢]{0,10}"
        ) {
            proptest::prop_assert_eq!(looks_like_email(&s), email_by_definition(&s));
        }
    }
}
