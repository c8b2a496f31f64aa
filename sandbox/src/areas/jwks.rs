//! `GET /jwks.json` (the public encryption keys, no API key) and the JWE decryption of
//! encrypted request bodies (`X-Payload-Encryption: jwe`, `{"encryptedData": "<compact>"}`,
//! RSA-OAEP-256 + A256GCM).
//!
//! Two RSA-2048 keys are generated once per process (in background threads; the first request
//! that needs them waits). The JWKS lists the active key first: `[k1, k2]`, both accepted.
//! With `--jwks-rotate-after N` (or `POST /_sandbox/jwks/rotate`) the second key becomes
//! active after N decrypted requests and the first is retired at once (the JWKS is then `[k2]` and bodies sealed for `k1` answer 400
//! `INVALID_ENCRYPTED_PAYLOAD`): the harshest rotation a client can meet.
//!
//! This is an independent implementation (RustCrypto `rsa` + `aes-gcm`); the sandbox does not
//! depend on the SDK core.

use super::{Reply, Req};
use crate::api::Ctx;
use crate::state::State;
use crate::util;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use rsa::traits::PublicKeyParts;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The sandbox's encryption keys and the rotation counter.
pub struct Keyring {
    keys: Vec<(String, rsa::RsaPrivateKey)>,
    rotate_after: Option<u64>,
    decrypted: AtomicU64,
    forced: AtomicBool,
}

fn generate_key() -> rsa::RsaPrivateKey {
    let mut rng = rsa::rand_core::OsRng;
    // 2048-bit generation only fails on a broken RNG; retry a few times, then give up loudly.
    for _ in 0..3 {
        if let Ok(k) = rsa::RsaPrivateKey::new(&mut rng, 2048) {
            return k;
        }
    }
    panic!("autosend-sandbox: RSA-2048 key generation failed (RNG unavailable)");
}

/// Generate the two key pairs (in parallel).
pub fn generate(rotate_after: Option<u64>) -> Keyring {
    let other = std::thread::spawn(generate_key);
    let first = generate_key();
    let second = other.join().unwrap_or_else(|_| generate_key());
    let date = util::now_iso()[..7].replace('-', "_");
    let kid = |_| format!("key_{date}_{}", util::random_hex(6));
    Keyring {
        keys: vec![(kid(0), first), (kid(1), second)],
        rotate_after,
        decrypted: AtomicU64::new(0),
        forced: AtomicBool::new(false),
    }
}

/// Why a body could not be decrypted (the message of the 400).
type Refusal = &'static str;

impl Keyring {
    /// Back to the first key (`POST /_sandbox/reset`): the rotation counter restarts.
    pub fn reset(&self) {
        self.decrypted.store(0, Ordering::SeqCst);
        self.forced.store(false, Ordering::SeqCst);
    }

    /// Rotates at once (`POST /_sandbox/jwks/rotate`).
    pub fn rotate_now(&self) {
        self.forced.store(true, Ordering::SeqCst);
    }

    fn rotated(&self) -> bool {
        self.forced.load(Ordering::SeqCst)
            || self
                .rotate_after
                .is_some_and(|n| self.decrypted.load(Ordering::SeqCst) >= n)
    }

    /// The keys currently accepted, active first.
    fn accepted(&self) -> &[(String, rsa::RsaPrivateKey)] {
        if self.rotated() {
            &self.keys[1..]
        } else {
            &self.keys
        }
    }

    /// The JWKS document `{keys: [{kty, n, e, kid, alg, use}]}` (active key first).
    pub fn document(&self) -> Value {
        let keys: Vec<Value> = self
            .accepted()
            .iter()
            .map(|(kid, key)| {
                json!({
                    "kty": "RSA",
                    "n": B64.encode(key.n().to_bytes_be()),
                    "e": B64.encode(key.e().to_bytes_be()),
                    "kid": kid,
                    "alg": "RSA-OAEP-256",
                    "use": "enc",
                })
            })
            .collect();
        json!({ "keys": keys })
    }

    /// Decrypts a JWE compact serialization; `x_key_id` is the `X-Key-Id` header. Returns the
    /// plaintext and the kid used.
    pub fn decrypt(
        &self,
        compact: &str,
        x_key_id: Option<&str>,
    ) -> Result<(Vec<u8>, String), Refusal> {
        let parts: Vec<&str> = compact.split('.').collect();
        let [h64, ek64, iv64, ct64, tag64] = parts[..] else {
            return Err("encryptedData is not a JWE compact serialization (5 parts)");
        };
        let d = |s: &str| B64.decode(s).map_err(|_| "a JWE part is not base64url");
        let header: Value =
            serde_json::from_slice(&d(h64)?).map_err(|_| "the JWE header is not JSON")?;
        if header["alg"] != "RSA-OAEP-256" {
            return Err("unsupported alg (expected RSA-OAEP-256)");
        }
        if header["enc"] != "A256GCM" {
            return Err("unsupported enc (expected A256GCM)");
        }
        if header.get("zip").is_some() || header.get("crit").is_some() {
            return Err("unsupported JWE header parameter (zip/crit)");
        }
        let header_kid = header["kid"].as_str();
        let kid = match (x_key_id, header_kid) {
            (Some(a), Some(b)) if a != b => return Err("X-Key-Id does not match the JWE kid"),
            (Some(a), _) => a,
            (None, Some(b)) => b,
            (None, None) => self.accepted()[0].0.as_str(),
        };
        let Some((kid, key)) = self.accepted().iter().find(|(k, _)| k == kid) else {
            return Err("unknown or retired key id");
        };
        let cek = key
            .decrypt(rsa::Oaep::new::<sha2::Sha256>(), &d(ek64)?)
            .map_err(|_| "the content key does not decrypt with this key")?;
        let iv = d(iv64)?;
        if cek.len() != 32 || iv.len() != 12 {
            return Err("wrong content key or IV length for A256GCM");
        }
        let mut ct = d(ct64)?;
        let tag = d(tag64)?;
        if tag.len() != 16 {
            return Err("wrong authentication tag length");
        }
        ct.extend_from_slice(&tag);
        let cipher = Aes256Gcm::new_from_slice(&cek).map_err(|_| "bad content key")?;
        let plain = cipher
            .decrypt(
                Nonce::from_slice(&iv),
                Payload {
                    msg: &ct,
                    aad: h64.as_bytes(),
                },
            )
            .map_err(|_| "authentication tag mismatch")?;
        self.decrypted.fetch_add(1, Ordering::SeqCst);
        Ok((plain, kid.clone()))
    }
}

/// The handler: the document is passed in by the router (it may have waited for it).
pub fn get(_st: &mut State, ctx: &Ctx, _r: &Req) -> Reply {
    let doc = ctx
        .jwks
        .as_deref()
        .cloned()
        .unwrap_or_else(|| json!({"keys": []}));
    Reply::Json(200, doc)
}
