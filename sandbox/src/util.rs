//! Small helpers: ids, timestamps, validation predicates, escaping and redaction.

use rand::Rng;
use std::time::{SystemTime, UNIX_EPOCH};

/// Random string of ASCII letters and digits.
pub fn random_alnum(len: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..len)
        .map(|_| CHARS[rng.random_range(0..CHARS.len())] as char)
        .collect()
}

/// Random lower-case hex string of `len` characters.
pub fn random_hex(len: usize) -> String {
    const CHARS: &[u8] = b"0123456789abcdef";
    let mut rng = rand::rng();
    (0..len)
        .map(|_| CHARS[rng.random_range(0..16)] as char)
        .collect()
}

/// A MongoDB-style ObjectId: 24 lower-case hex characters, time-prefixed like the real thing.
pub fn object_id() -> String {
    let secs = epoch_millis() / 1000;
    format!("{:08x}{}", secs as u32, random_hex(16))
}

/// A random RFC 4122 version-4 UUID.
pub fn uuid_v4() -> String {
    let mut b: [u8; 16] = rand::rng().random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// True when `s` is a 24-character hex ObjectId.
pub fn is_object_id(s: &str) -> bool {
    s.len() == 24 && s.bytes().all(|c| c.is_ascii_hexdigit())
}

/// A deliberately simple e-mail check: one `@`, a non-empty local part, a dotted domain,
/// no whitespace or control characters, at most 254 bytes.
pub fn is_valid_email(s: &str) -> bool {
    if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let mut parts = s.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
}

/// True for `AS_` + alphanumerics (project key) or `ASA_` + alphanumerics (account key).
pub fn is_key_format(key: &str) -> bool {
    let secret = key.strip_prefix("ASA_").or_else(|| key.strip_prefix("AS_"));
    matches!(secret, Some(s) if !s.is_empty() && s.bytes().all(|c| c.is_ascii_alphanumeric()))
}

/// Redacted form of a key for logs and inspection: prefix, an ellipsis and the last 4 chars.
pub fn redact_key(key: &str) -> String {
    let prefix = if key.starts_with("ASA_") {
        "ASA_"
    } else if key.starts_with("AS_") {
        "AS_"
    } else {
        ""
    };
    let chars: Vec<char> = key.chars().collect();
    if chars.len() <= prefix.len() + 4 {
        return format!("{prefix}…");
    }
    let last4: String = chars[chars.len() - 4..].iter().collect();
    format!("{prefix}…{last4}")
}

/// Milliseconds since the Unix epoch.
pub fn epoch_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// ISO-8601 UTC timestamp with milliseconds and `Z`, like the API's.
pub fn iso_from_millis(ms: u64) -> String {
    let secs = ms / 1000;
    let millis = ms % 1000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Current time as ISO-8601.
pub fn now_iso() -> String {
    iso_from_millis(epoch_millis())
}

// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Escape text for HTML element content and double- or single-quoted attribute values.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        assert_eq!(iso_from_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            iso_from_millis(1_696_075_200_123),
            "2023-09-30T12:00:00.123Z"
        );
        assert_eq!(iso_from_millis(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn ids_and_keys() {
        assert!(is_object_id(&object_id()));
        assert_eq!(uuid_v4().len(), 36);
        assert!(is_key_format("AS_abc123"));
        assert!(is_key_format("ASA_abc123"));
        assert!(!is_key_format("AS_"));
        assert!(!is_key_format("as_abc"));
        assert!(!is_key_format("AS_ab.c"));
        assert_eq!(redact_key("AS_abcdefgh1234"), "AS_…1234");
        assert_eq!(redact_key("ASA_xyz"), "ASA_…");
    }

    #[test]
    fn emails() {
        assert!(is_valid_email("a@b.co"));
        assert!(!is_valid_email("a@b"));
        assert!(!is_valid_email("not-an-email"));
        assert!(!is_valid_email("a b@c.de"));
        assert!(!is_valid_email("a@@c.de"));
    }

    #[test]
    fn escaping() {
        assert_eq!(
            html_escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
