//! API keys: parsing, redaction, fingerprints.

use crate::error::{Error, ErrorKind};
use sha2::{Digest, Sha256};
use std::fmt;
use zeroize::Zeroizing;

/// Which kind of key this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyKind {
    /// `AS_…`: scoped to one project.
    Project,
    /// `ASA_…`: spans projects; needs `x-project-id` on most calls.
    Account,
}

impl KeyKind {
    /// `"project"` or `"account"`.
    pub fn name(self) -> &'static str {
        match self {
            KeyKind::Project => "project",
            KeyKind::Account => "account",
        }
    }
}

/// A parsed, validated API key. Its memory is zeroized on drop, and neither `Debug` nor
/// `Display` shows more than the prefix and the last four characters.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey {
    kind: KeyKind,
    full: Zeroizing<String>,
}

impl ApiKey {
    /// Parses a key: trims surrounding whitespace and checks prefix and secret.
    /// The error never echoes the input.
    pub fn parse(input: &str) -> Result<ApiKey, Error> {
        let s = input.trim();
        let bad = |why: &str| Err(Error::new(ErrorKind::InvalidApiKey, why.to_string()));
        if s.is_empty() {
            return bad("the API key is empty");
        }
        let (kind, secret) = if let Some(rest) = s.strip_prefix("ASA_") {
            (KeyKind::Account, rest)
        } else if let Some(rest) = s.strip_prefix("AS_") {
            (KeyKind::Project, rest)
        } else {
            let lower = s.to_ascii_lowercase();
            if lower.starts_with("asa_") || lower.starts_with("as_") {
                return bad(
                    "the API key prefix must be upper-case: AS_ (project) or ASA_ (account)",
                );
            }
            if lower.starts_with("bearer ") {
                return bad("pass the key alone, without the \"Bearer \" scheme: the SDK adds it");
            }
            return bad("the API key must start with AS_ (project key) or ASA_ (account key)");
        };
        if secret.is_empty() {
            return bad("the API key has a prefix but no secret after it");
        }
        if !secret.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return bad("the API key's secret must be letters and digits only (check for a cut or mangled copy)");
        }
        Ok(ApiKey {
            kind,
            full: Zeroizing::new(s.to_string()),
        })
    }

    /// The kind of key.
    pub fn kind(&self) -> KeyKind {
        self.kind
    }

    /// The whole key, for the `Authorization` header. Keep it out of logs.
    pub fn expose_secret(&self) -> &str {
        &self.full
    }

    /// `AS_…wxyz`: safe to log.
    pub fn redacted(&self) -> String {
        let prefix = match self.kind {
            KeyKind::Project => "AS_",
            KeyKind::Account => "ASA_",
        };
        let secret = &self.full[prefix.len()..];
        if secret.len() >= 12 {
            format!("{prefix}…{}", &secret[secret.len() - 4..])
        } else {
            format!("{prefix}…")
        }
    }

    /// A stable, non-reversible fingerprint (`sha256:` + 16 hex digits of the key's SHA-256),
    /// used to key rate-limit budgets and safe to log.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::digest(self.full.as_bytes());
        format!("sha256:{}", hex::encode(&digest[..8]))
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({})", self.redacted())
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANARY: &str = "AS_CanaryCanary0123456789SECRET";

    #[test]
    fn parses_both_kinds_and_trims() {
        assert_eq!(
            ApiKey::parse(" AS_abc123 \n").unwrap().kind(),
            KeyKind::Project
        );
        assert_eq!(
            ApiKey::parse("ASA_abc123").unwrap().kind(),
            KeyKind::Account
        );
        assert_eq!(
            ApiKey::parse(" AS_abc123 ").unwrap().expose_secret(),
            "AS_abc123"
        );
    }

    #[test]
    fn rejects_bad_keys_without_echoing_them() {
        for bad in [
            "",
            "   ",
            "as_Canary99secret",
            "asa_Canary99secret",
            "AS_",
            "ASA_",
            "AS_Canary99.secret",
            "AS_Canary99-secret",
            "Bearer AS_Canary99secret",
            "XY_Canary99secret",
            "AS_Canäry99secret",
        ] {
            let e = ApiKey::parse(bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidApiKey, "{bad:?}");
            let shown = format!("{e} {e:?}");
            assert!(!shown.contains("Canary99"), "{shown}");
        }
        let e = ApiKey::parse("as_x1").unwrap_err();
        assert!(e.message().contains("upper-case"));
    }

    #[test]
    fn debug_and_display_are_redacted() {
        let k = ApiKey::parse(CANARY).unwrap();
        for shown in [
            format!("{k}"),
            format!("{k:?}"),
            k.redacted(),
            k.fingerprint(),
        ] {
            assert!(!shown.contains("Canary0123456789"), "{shown}");
            assert!(!shown.contains(CANARY), "{shown}");
        }
        assert_eq!(k.redacted(), "AS_…CRET");
        assert_eq!(ApiKey::parse("AS_short").unwrap().redacted(), "AS_…");
    }

    #[test]
    fn fingerprint_is_stable_and_distinct() {
        let a = ApiKey::parse("AS_abc123").unwrap();
        let b = ApiKey::parse(" AS_abc123").unwrap();
        let c = ApiKey::parse("AS_abc124").unwrap();
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert_ne!(a.fingerprint(), c.fingerprint());
        assert_eq!(a.fingerprint().len(), "sha256:".len() + 16);
    }
}
