//! Webhook verification: HMAC-SHA256 over the raw body, constant-time compare, timestamp
//! tolerance, typed events.

use crate::error::{Error, ErrorKind};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use sha2::Sha256;

/// Header with the hex HMAC.
pub const SIGNATURE_HEADER: &str = "x-webhook-signature";
/// Header with the send time (epoch ms).
pub const TIMESTAMP_HEADER: &str = "x-webhook-timestamp";
/// Header with the event type.
pub const EVENT_HEADER: &str = "x-webhook-event";
/// Header with the delivery id (same across retries: use it to de-duplicate).
pub const DELIVERY_ID_HEADER: &str = "x-webhook-delivery-id";

/// The 14 documented event types.
pub const EVENT_TYPES: &[&str] = &[
    "email.sent",
    "email.delivered",
    "email.deferred",
    "email.bounced",
    "email.opened",
    "email.clicked",
    "email.spam_reported",
    "email.unsubscribed",
    "email.group_unsubscribed",
    "email.group_resubscribed",
    "contact.created",
    "contact.updated",
    "contact.deleted",
    "email.received",
];

/// Replay window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyOptions {
    /// How old a timestamp may be (default 5 minutes).
    pub tolerance_past_ms: u64,
    /// How far in the future (default 1 minute).
    pub tolerance_future_ms: u64,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            tolerance_past_ms: 300_000,
            tolerance_future_ms: 60_000,
        }
    }
}

/// Fields common to email events (plus each type's extras, all optional).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EmailEventData {
    /// Email id.
    pub email_id: Option<String>,
    /// Sender address.
    pub from: Option<Value>,
    /// Recipient.
    pub to: Option<Value>,
    /// Subject.
    pub subject: Option<String>,
    /// Test send.
    pub test: Option<bool>,
    /// Campaign.
    pub campaign_id: Option<String>,
    /// Template.
    pub template_id: Option<String>,
    /// Automation.
    pub workflow_automation_id: Option<String>,
    /// Bulk batch.
    pub batch_id: Option<String>,
    /// `email.bounced`: Permanent / Transient.
    pub bounce_type: Option<String>,
    /// `email.bounced`: sub type.
    pub bounce_sub_type: Option<String>,
    /// `email.bounced`: reason.
    pub reason: Option<String>,
    /// `email.deferred`.
    pub delay_type: Option<String>,
    /// `email.deferred`.
    pub delay_reason: Option<String>,
    /// `email.deferred`.
    pub expiration_time: Option<String>,
    /// `email.clicked`.
    pub clicked_url: Option<String>,
    /// `email.spam_reported`.
    pub complaint_type: Option<String>,
    /// `email.group_*`.
    pub unsubscribe_group_id: Option<String>,
    /// Anything else the event carried.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Contact events.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ContactEventData {
    /// Contact id.
    pub contact_id: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// `contact.updated`: changed fields.
    pub changed_fields: Option<Vec<String>>,
    /// Anything else.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An address inside an event, read leniently: the docs show `{email, name}`, but a plain
/// string (`"x@example.org"` or `"X <x@example.org>"`) or an object with more keys (or a `null`
/// name) is accepted too. Events are read leniently; only requests are checked strictly.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct EventAddress {
    /// The address (or, when the event carried a plain string, that string as is).
    pub email: Option<String>,
    /// Display name, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Any other keys the object carried.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl<'de> Deserialize<'de> for EventAddress {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::String(s) => EventAddress {
                email: Some(s),
                ..EventAddress::default()
            },
            Value::Object(mut o) => {
                let text = |v: Option<Value>| match v {
                    Some(Value::String(s)) => Some(s),
                    _ => None,
                };
                EventAddress {
                    email: text(o.remove("email")),
                    name: text(o.remove("name")),
                    extra: o,
                }
            }
            // Anything else (null, a number…) carries no usable address.
            other => {
                let mut extra = Map::new();
                if !other.is_null() {
                    extra.insert("value".into(), other);
                }
                EventAddress {
                    extra,
                    ..EventAddress::default()
                }
            }
        })
    }
}

/// A list that may also arrive as `null` or as a single value.
fn lenient_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Value>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Null => Vec::new(),
        Value::Array(a) => a,
        other => vec![other],
    })
}

/// `email.received`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReceivedEventData {
    /// Inbound message id.
    pub inbound_email_id: Option<String>,
    /// Sender (lenient: object or plain string).
    pub from: Option<EventAddress>,
    /// Recipients.
    #[serde(deserialize_with = "lenient_list")]
    pub to: Vec<Value>,
    /// Copies.
    #[serde(deserialize_with = "lenient_list")]
    pub cc: Vec<Value>,
    /// Subject.
    pub subject: Option<String>,
    /// Attachments.
    #[serde(deserialize_with = "lenient_list")]
    pub attachments: Vec<Value>,
    /// Spam verdict.
    pub spam_verdict: Option<String>,
    /// Virus verdict.
    pub virus_verdict: Option<String>,
    /// Received at.
    pub received_at: Option<String>,
    /// Thread.
    pub thread_id: Option<String>,
    /// Anything else.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The event's data, typed by event family.
#[derive(Debug, Clone, PartialEq)]
pub enum EventData {
    /// `email.*` except `email.received`.
    Email(EmailEventData),
    /// `contact.*`.
    Contact(ContactEventData),
    /// `email.received`.
    Received(ReceivedEventData),
    /// A type this SDK does not know yet (still correctly signed).
    Other(Value),
}

/// A verified webhook event.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookEvent {
    /// Event type (`email.delivered`, …).
    pub event_type: String,
    /// When the event was created (ISO-8601), if given.
    pub created_at: Option<String>,
    /// The delivery id header, for de-duplication.
    pub delivery_id: Option<String>,
    /// The raw `data` object.
    pub raw_data: Value,
    /// The typed data.
    pub data: EventData,
}

impl WebhookEvent {
    /// `{type, createdAt, deliveryId, data}` as JSON.
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "type": self.event_type,
            "createdAt": self.created_at,
            "deliveryId": self.delivery_id,
            "data": self.raw_data,
        })
    }
}

fn find<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
}

/// Computes the lowercase hex signature of `body` (for tests and for the sandbox).
pub fn sign(body: &[u8], secret: &str) -> String {
    // HMAC accepts keys of any length, so this never fails; an empty string is the fallback.
    match <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(body);
            hex::encode(mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    }
}

/// Verifies a delivery and returns the typed event.
///
/// `headers` are the request's headers (any case). `now_unix_ms` is the wall clock, passed
/// in. The signature is checked first, in constant time, over the raw `body` bytes.
pub fn verify(
    body: &[u8],
    headers: &[(String, String)],
    secret: &str,
    now_unix_ms: u64,
    options: &VerifyOptions,
) -> Result<WebhookEvent, Error> {
    let sig_err = |m: &str| Error::new(ErrorKind::WebhookInvalidSignature, m.to_string());
    if secret.is_empty() {
        return Err(sig_err(
            "the webhook secret is empty (use the whsec_… value from webhook creation or reveal)",
        ));
    }
    let raw_sig = find(headers, SIGNATURE_HEADER)
        .ok_or_else(|| sig_err("the X-Webhook-Signature header is missing"))?;
    let hex_sig = match raw_sig.get(..12) {
        Some(p) if p.eq_ignore_ascii_case("hmac-sha256=") => &raw_sig[12..],
        _ => raw_sig,
    };
    let sig = hex::decode(hex_sig.trim())
        .map_err(|_| sig_err("the X-Webhook-Signature header is not a hex HMAC-SHA256"))?;
    if sig.len() != 32 {
        return Err(sig_err(
            "the X-Webhook-Signature header is not a hex HMAC-SHA256",
        ));
    }
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .map_err(|_| sig_err("unusable webhook secret"))?;
    mac.update(body);
    mac.verify_slice(&sig)
        .map_err(|_| sig_err("the signature does not match this body and secret"))?;

    let ts_err = |m: String| Error::new(ErrorKind::WebhookTimestamp, m);
    let ts_raw = find(headers, TIMESTAMP_HEADER)
        .ok_or_else(|| ts_err("the X-Webhook-Timestamp header is missing".into()))?;
    let ts: u64 = ts_raw
        .parse()
        .map_err(|_| ts_err("the X-Webhook-Timestamp header is not epoch milliseconds".into()))?;
    if ts.saturating_add(options.tolerance_past_ms) < now_unix_ms {
        return Err(ts_err(format!(
            "the delivery is {} ms old, more than the {} ms allowed",
            now_unix_ms - ts,
            options.tolerance_past_ms
        )));
    }
    if ts > now_unix_ms.saturating_add(options.tolerance_future_ms) {
        return Err(ts_err(format!(
            "the delivery is {} ms in the future, more than the {} ms allowed",
            ts - now_unix_ms,
            options.tolerance_future_ms
        )));
    }

    let bad = |m: &str| Error::new(ErrorKind::WebhookMalformed, m.to_string());
    let v: Value = serde_json::from_slice(body).map_err(|_| bad("the body is not JSON"))?;
    let Value::Object(mut o) = v else {
        return Err(bad("the body is not a JSON object"));
    };
    let event_type = match o.remove("type").or_else(|| o.remove("event")) {
        Some(Value::String(s)) if !s.is_empty() => s,
        _ => return Err(bad("the body has no event type")),
    };
    let created_at = match o.remove("createdAt") {
        Some(Value::String(s)) => Some(s),
        _ => None,
    };
    let raw_data = match o.remove("data") {
        Some(d @ Value::Object(_)) => d,
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(_) => return Err(bad("the event's data is not an object")),
    };
    let typed = |r: Result<EventData, serde_json::Error>| {
        r.map_err(|e| {
            bad(&format!(
                "the {event_type} data has an unexpected shape: {e}"
            ))
        })
    };
    let data = if event_type == "email.received" {
        typed(serde_json::from_value(raw_data.clone()).map(EventData::Received))?
    } else if event_type.starts_with("email.") && EVENT_TYPES.contains(&event_type.as_str()) {
        typed(serde_json::from_value(raw_data.clone()).map(EventData::Email))?
    } else if event_type.starts_with("contact.") && EVENT_TYPES.contains(&event_type.as_str()) {
        typed(serde_json::from_value(raw_data.clone()).map(EventData::Contact))?
    } else {
        EventData::Other(raw_data.clone())
    };
    Ok(WebhookEvent {
        event_type,
        created_at,
        delivery_id: find(headers, DELIVERY_ID_HEADER).map(str::to_string),
        raw_data,
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn round_trip_and_tamper() {
        let body = br#"{"type":"email.bounced","createdAt":"2026-01-01T00:00:00.000Z","data":{"emailId":"e1","bounceType":"Permanent"}}"#;
        let sig = sign(body, "whsec_abc");
        let now = 1_767_225_600_000u64;
        let ts = now.to_string();
        let ev = verify(
            body,
            &h(&[("X-Webhook-Signature", &sig), ("X-Webhook-Timestamp", &ts)]),
            "whsec_abc",
            now,
            &VerifyOptions::default(),
        )
        .unwrap();
        assert_eq!(ev.event_type, "email.bounced");
        match ev.data {
            EventData::Email(d) => assert_eq!(d.bounce_type.as_deref(), Some("Permanent")),
            other => panic!("{other:?}"),
        }
        let prefixed = format!("hmac-sha256={sig}");
        assert!(verify(
            body,
            &h(&[
                ("x-webhook-signature", &prefixed),
                ("x-webhook-timestamp", &ts)
            ]),
            "whsec_abc",
            now,
            &VerifyOptions::default()
        )
        .is_ok());
        let mut tampered = body.to_vec();
        tampered[10] ^= 1;
        let e = verify(
            &tampered,
            &h(&[("x-webhook-signature", &sig), ("x-webhook-timestamp", &ts)]),
            "whsec_abc",
            now,
            &VerifyOptions::default(),
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::WebhookInvalidSignature);
        let e = verify(
            body,
            &h(&[("x-webhook-signature", &sig), ("x-webhook-timestamp", &ts)]),
            "whsec_abc",
            now + 300_001,
            &VerifyOptions::default(),
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::WebhookTimestamp);
    }

    #[test]
    fn received_from_is_read_leniently() {
        let now = 1_767_225_600_000u64;
        let ts = now.to_string();
        for (from, email, name) in [
            (r#""x@example.org""#, Some("x@example.org"), None),
            (
                r#"{"email":"x@example.org","name":"X","extra":1}"#,
                Some("x@example.org"),
                Some("X"),
            ),
            (
                r#"{"email":"x@example.org","name":null}"#,
                Some("x@example.org"),
                None,
            ),
        ] {
            let body = format!(
                r#"{{"type":"email.received","data":{{"from":{from},"to":null,"cc":["a@b.c"]}}}}"#
            );
            let sig = sign(body.as_bytes(), "whsec_abc");
            let ev = verify(
                body.as_bytes(),
                &h(&[("x-webhook-signature", &sig), ("x-webhook-timestamp", &ts)]),
                "whsec_abc",
                now,
                &VerifyOptions::default(),
            )
            .unwrap();
            match ev.data {
                EventData::Received(d) => {
                    let f = d.from.unwrap();
                    assert_eq!(f.email.as_deref(), email, "{from}");
                    assert_eq!(f.name.as_deref(), name, "{from}");
                    assert!(d.to.is_empty());
                    assert_eq!(d.cc.len(), 1);
                }
                other => panic!("{other:?}"),
            }
        }
    }
}
