//! Encrypted request bodies (JWE), as AutoSend documents them: the JSON body becomes
//! `{"encryptedData": "<JWE compact>"}` with the headers `X-Payload-Encryption: jwe` and
//! `X-Key-Id: <kid>`; key management `RSA-OAEP-256`, content encryption `A256GCM`, RSA public
//! keys from `GET /v1/jwks.json` (active key first).
//!
//! Sans-IO like the rest of the core: no RNG is read here. Each encryption consumes
//! [`ENTROPY_PER_ENCRYPTION`] bytes the caller took from its platform CSPRNG (CEK, IV, OAEP
//! seed, in that order), so a fixed input gives a fixed output (known-answer tests).
//!
//! The JWKS cache ([`JwksCache`], one per base URL per process through [`shared_jwks`]) keeps a
//! fetched key set for [`JWKS_TTL_MS`]; a [`crate::Call`] with encryption on asks for
//! `GET /jwks.json` when it holds no fresh set, and after a 400 `INVALID_ENCRYPTED_PAYLOAD`
//! it drops the set it used, fetches again and re-sends that one request once (a 400 means the
//! request was not processed).

use crate::error::{Error, ErrorKind};
use aes_gcm::aead::{AeadInPlace, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use rsa::traits::PublicKeyParts;
use rsa::{BigUint, Oaep, RsaPublicKey};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use zeroize::Zeroizing;

/// The JWE `alg` (key management): RSAES-OAEP with SHA-256 and MGF1-SHA-256.
pub const ALG: &str = "RSA-OAEP-256";
/// The JWE `enc` (content encryption): AES-256-GCM.
pub const ENC: &str = "A256GCM";
/// Smallest RSA modulus accepted, in bits (the API documents RSA-2048 keys).
pub const MIN_RSA_BITS: usize = 2048;
/// Largest RSA modulus accepted, in bits (the `rsa` crate's limit for public keys).
pub const MAX_RSA_BITS: usize = 4096;
/// Bytes of the content-encryption key (A256GCM).
pub const CEK_BYTES: usize = 32;
/// Bytes of the GCM initialisation vector.
pub const IV_BYTES: usize = 12;
/// Bytes of the OAEP seed (the SHA-256 output length).
pub const OAEP_SEED_BYTES: usize = 32;
/// Random bytes one encryption consumes: CEK, then IV, then OAEP seed.
pub const ENTROPY_PER_ENCRYPTION: usize = CEK_BYTES + IV_BYTES + OAEP_SEED_BYTES;
/// Encryptions a call may need: the first, and one after a key refresh.
pub const MAX_ENCRYPTIONS_PER_CALL: usize = 2;
/// Random bytes a call with encryption on asks for ([`crate::Call::entropy_needed`]).
pub const ENTROPY_PER_CALL: usize = ENTROPY_PER_ENCRYPTION * MAX_ENCRYPTIONS_PER_CALL;
/// How long a fetched key set is used before it is fetched again (10 minutes).
pub const JWKS_TTL_MS: u64 = 10 * 60 * 1000;
/// The request header that marks an encrypted body.
pub const HEADER_PAYLOAD_ENCRYPTION: &str = "X-Payload-Encryption";
/// Its value.
pub const PAYLOAD_ENCRYPTION_JWE: &str = "jwe";
/// The request header naming the key used.
pub const HEADER_KEY_ID: &str = "X-Key-Id";
/// The API's error code for a body it could not decrypt (HTTP 400).
pub const INVALID_ENCRYPTED_PAYLOAD: &str = "INVALID_ENCRYPTED_PAYLOAD";
/// The path of the key set, below the base URL.
pub const JWKS_PATH: &str = "/jwks.json";

/// A usable encryption key from the JWKS: RSA, `use` `enc` (or absent), `alg` `RSA-OAEP-256`
/// (or absent), a `kid`, 2048–4096 bits.
#[derive(Clone, PartialEq, Eq)]
pub struct EncryptionKey {
    kid: String,
    key: RsaPublicKey,
}

impl std::fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncryptionKey")
            .field("kid", &self.kid)
            .field("bits", &self.bits())
            .finish()
    }
}

impl EncryptionKey {
    /// Reads one JWK; `Err` says why it is not usable.
    pub fn from_jwk(jwk: &Value) -> Result<EncryptionKey, String> {
        let o = jwk.as_object().ok_or("not an object")?;
        let s = |name: &str| o.get(name).and_then(Value::as_str);
        if s("kty") != Some("RSA") {
            return Err("kty is not RSA".into());
        }
        if let Some(u) = o.get("use") {
            if u.as_str() != Some("enc") {
                return Err("use is not enc".into());
            }
        }
        if let Some(a) = o.get("alg") {
            if a.as_str() != Some(ALG) {
                return Err(format!("alg is not {ALG}"));
            }
        }
        if let Some(ops) = o.get("key_ops") {
            let ok = ops.as_array().is_some_and(|a| {
                a.iter()
                    .any(|v| matches!(v.as_str(), Some("encrypt" | "wrapKey")))
            });
            if !ok {
                return Err("key_ops allows neither encrypt nor wrapKey".into());
            }
        }
        let kid = match s("kid") {
            Some(k) if !k.is_empty() && k.len() <= 256 && !k.chars().any(char::is_control) => k,
            _ => return Err("no usable kid".into()),
        };
        let decode = |name: &str| {
            s(name)
                .and_then(|v| B64.decode(v.trim_end_matches('=')).ok())
                .filter(|b| !b.is_empty())
                .ok_or_else(|| format!("{name} is not base64url"))
        };
        let n = BigUint::from_bytes_be(&decode("n")?);
        let e = BigUint::from_bytes_be(&decode("e")?);
        let bits = n.bits();
        if bits < MIN_RSA_BITS {
            return Err(format!("modulus of {bits} bits is below {MIN_RSA_BITS}"));
        }
        if bits > MAX_RSA_BITS {
            return Err(format!("modulus of {bits} bits is above {MAX_RSA_BITS}"));
        }
        let key = RsaPublicKey::new(n, e).map_err(|_| "not a valid RSA public key".to_string())?;
        Ok(EncryptionKey {
            kid: kid.to_string(),
            key,
        })
    }

    /// The key id (sent as `X-Key-Id` and in the JWE header).
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// Modulus size in bits.
    pub fn bits(&self) -> usize {
        self.key.n().bits()
    }
}

/// The usable keys of a JWKS document, in the server's order (the active one first).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeySet {
    keys: Vec<EncryptionKey>,
    /// `(index in the document, why it was skipped)` for every unusable entry.
    skipped: Vec<(usize, String)>,
}

impl KeySet {
    /// Parses `GET /jwks.json`: `{"keys": [JWK, …]}`. Unusable entries are skipped (and
    /// listed in [`KeySet::skipped`]); a document without a `keys` array is an
    /// `invalid_response`, and so is one without any usable key.
    pub fn parse(body: &[u8]) -> Result<KeySet, Error> {
        let doc: Value = serde_json::from_slice(body).map_err(|_| {
            Error::new(
                ErrorKind::InvalidResponse,
                "GET /jwks.json did not answer JSON; check base_url (nothing was sent)",
            )
        })?;
        let arr = doc.get("keys").and_then(Value::as_array).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidResponse,
                "GET /jwks.json has no `keys` array; check base_url (nothing was sent)",
            )
        })?;
        let mut set = KeySet::default();
        for (i, jwk) in arr.iter().enumerate() {
            match EncryptionKey::from_jwk(jwk) {
                Ok(k) if set.keys.iter().any(|o| o.kid == k.kid) => {
                    set.skipped.push((i, "duplicate kid".into()))
                }
                Ok(k) => set.keys.push(k),
                Err(why) => set.skipped.push((i, why)),
            }
        }
        if set.keys.is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidResponse,
                format!(
                    "GET /jwks.json lists no usable encryption key (RSA, use enc, alg {ALG}, \
                     {MIN_RSA_BITS}-{MAX_RSA_BITS} bits, with a kid); nothing was sent: check \
                     base_url or turn payload encryption off"
                ),
            ));
        }
        Ok(set)
    }

    /// The active key: the first usable one.
    pub fn active(&self) -> Option<&EncryptionKey> {
        self.keys.first()
    }

    /// The key with this `kid`, if usable.
    pub fn get(&self, kid: &str) -> Option<&EncryptionKey> {
        self.keys.iter().find(|k| k.kid == kid)
    }

    /// The key to encrypt with: the one named `kid` when given and present, else the active.
    pub fn choose(&self, kid: Option<&str>) -> Option<&EncryptionKey> {
        kid.and_then(|k| self.get(k)).or_else(|| self.active())
    }

    /// Usable keys in order.
    pub fn keys(&self) -> &[EncryptionKey] {
        &self.keys
    }

    /// Skipped entries: `(index, reason)`.
    pub fn skipped(&self) -> &[(usize, String)] {
        &self.skipped
    }
}

/// Serves the caller's bytes to the `rsa` crate as its "RNG". It never invents bytes: asking
/// for more than given marks it overrun (the result is then discarded), it never panics.
struct GivenBytes<'a> {
    bytes: &'a [u8],
    pos: usize,
    overrun: bool,
}

impl rand_core::RngCore for GivenBytes<'_> {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        self.fill_bytes(&mut b);
        u32::from_le_bytes(b)
    }
    fn next_u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        self.fill_bytes(&mut b);
        u64::from_le_bytes(b)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        let avail = self.bytes.len() - self.pos;
        if dest.len() > avail {
            self.overrun = true;
            dest.fill(0);
            return;
        }
        dest.copy_from_slice(&self.bytes[self.pos..self.pos + dest.len()]);
        self.pos += dest.len();
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        let avail = self.bytes.len() - self.pos;
        if dest.len() > avail {
            self.overrun = true;
            return Err(rand_core::Error::from(
                core::num::NonZeroU32::new(rand_core::Error::CUSTOM_START)
                    .unwrap_or(core::num::NonZeroU32::MIN),
            ));
        }
        self.fill_bytes(dest);
        Ok(())
    }
}

impl rand_core::CryptoRng for GivenBytes<'_> {}

fn internal(msg: &str) -> Error {
    Error::new(ErrorKind::Internal, msg.to_string())
}

/// The protected header for `kid`, base64url-encoded (also the AAD).
pub fn protected_header(kid: &str) -> String {
    let h = serde_json::json!({"alg": ALG, "enc": ENC, "kid": kid});
    B64.encode(h.to_string())
}

/// Encrypts with a given CEK and IV (A256GCM; AAD = the protected header's ASCII): returns
/// `(ciphertext, tag)`. Exposed for known-answer tests of the content encryption.
pub fn seal(
    cek: &[u8; CEK_BYTES],
    iv: &[u8; IV_BYTES],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<(Vec<u8>, [u8; 16]), Error> {
    let cipher = Aes256Gcm::new_from_slice(cek).map_err(|_| internal("A256GCM key length"))?;
    let mut buf = plaintext.to_vec();
    let tag = cipher
        .encrypt_in_place_detached(Nonce::from_slice(iv), aad, &mut buf)
        .map_err(|_| internal("A256GCM refused the body (too large)"))?;
    let mut t = [0u8; 16];
    t.copy_from_slice(&tag);
    Ok((buf, t))
}

/// JWE compact serialization of `plaintext` for `key`, consuming exactly
/// [`ENTROPY_PER_ENCRYPTION`] bytes of `entropy` (CEK 32, IV 12, OAEP seed 32).
pub fn encrypt_compact(
    key: &EncryptionKey,
    plaintext: &[u8],
    entropy: &[u8],
) -> Result<String, Error> {
    if entropy.len() != ENTROPY_PER_ENCRYPTION {
        return Err(internal(
            "payload encryption needs exactly 76 random bytes per encryption",
        ));
    }
    let mut cek = Zeroizing::new([0u8; CEK_BYTES]);
    cek.copy_from_slice(&entropy[..CEK_BYTES]);
    let mut iv = [0u8; IV_BYTES];
    iv.copy_from_slice(&entropy[CEK_BYTES..CEK_BYTES + IV_BYTES]);
    let mut rng = GivenBytes {
        bytes: &entropy[CEK_BYTES + IV_BYTES..],
        pos: 0,
        overrun: false,
    };
    let wrapped = key
        .key
        .encrypt(&mut rng, Oaep::new::<sha2::Sha256>(), &cek[..])
        .map_err(|_| internal("RSA-OAEP-256 refused the content key"))?;
    if rng.overrun || rng.pos != OAEP_SEED_BYTES {
        return Err(internal(
            "RSA-OAEP-256 used an unexpected amount of randomness; nothing was sent",
        ));
    }
    let header = protected_header(&key.kid);
    let (ct, tag) = seal(&cek, &iv, header.as_bytes(), plaintext)?;
    let mut out = String::with_capacity(header.len() + (wrapped.len() + ct.len()) * 4 / 3 + 64);
    out.push_str(&header);
    out.push('.');
    B64.encode_string(&wrapped, &mut out);
    out.push('.');
    B64.encode_string(iv, &mut out);
    out.push('.');
    B64.encode_string(&ct, &mut out);
    out.push('.');
    B64.encode_string(tag, &mut out);
    Ok(out)
}

/// The encrypted request body `{"encryptedData":"<compact>"}`.
pub fn encrypt_body(
    key: &EncryptionKey,
    plaintext: &[u8],
    entropy: &[u8],
) -> Result<Vec<u8>, Error> {
    let compact = encrypt_compact(key, plaintext, entropy)?;
    let mut body = Vec::with_capacity(compact.len() + 20);
    body.extend_from_slice(b"{\"encryptedData\":\"");
    body.extend_from_slice(compact.as_bytes());
    body.extend_from_slice(b"\"}");
    Ok(body)
}

/// The JWKS cache of one base URL: the last key set fetched and when.
#[derive(Debug, Default)]
pub struct JwksCache {
    keys: Option<Arc<KeySet>>,
    fetched_at: u64,
    generation: u64,
}

/// A cache shared by every client of one base URL in the process.
pub type SharedJwks = Arc<Mutex<JwksCache>>;

impl JwksCache {
    /// The cached set and its generation when it is younger than [`JWKS_TTL_MS`] at `now`.
    pub fn fresh(&self, now: u64) -> Option<(u64, Arc<KeySet>)> {
        let keys = self.keys.as_ref()?;
        if now.saturating_sub(self.fetched_at) >= JWKS_TTL_MS {
            return None;
        }
        Some((self.generation, keys.clone()))
    }

    /// Stores a fetched set at `now`; returns its generation.
    pub fn store(&mut self, now: u64, keys: KeySet) -> u64 {
        self.generation += 1;
        self.keys = Some(Arc::new(keys));
        self.fetched_at = now;
        self.generation
    }

    /// Drops the set of `generation` (the server refused a body made with it). A newer set,
    /// fetched meanwhile by another call, is kept.
    pub fn invalidate(&mut self, generation: u64) {
        if self.generation == generation {
            self.keys = None;
        }
    }
}

/// Locks a shared cache (a poisoned lock still holds valid data).
pub fn lock_jwks(c: &SharedJwks) -> std::sync::MutexGuard<'_, JwksCache> {
    c.lock().unwrap_or_else(|p| p.into_inner())
}

/// The process-wide JWKS cache of `base_url` (one per API host, shared by its clients).
pub fn shared_jwks(base_url: &str) -> SharedJwks {
    static REG: OnceLock<Mutex<HashMap<String, SharedJwks>>> = OnceLock::new();
    let mut map = REG
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if map.len() >= 64 {
        map.retain(|_, c| Arc::strong_count(c) > 1);
    }
    map.entry(base_url.to_string()).or_default().clone()
}

/// What an encrypting call must do before its next attempt.
pub(crate) enum Prepared {
    /// Send this `GET /jwks.json` first (not an attempt of the call; nothing of it is sent).
    Fetch(crate::request::Request),
    /// The sealed request is ready ([`Encryption::sealed`]).
    Ready,
    /// Give up with this error; nothing was sent.
    Fail(Error),
}

/// What the answer to a key fetch means.
pub(crate) enum Fetched {
    /// Keys stored: poll again.
    Stored,
    /// Try the fetch again (after `wait` ms if given, else after a backoff).
    Retry(Error, Option<u64>),
    /// Give up; nothing of the call was sent.
    Fail(Error),
}

/// Most key fetches one call makes (a refresh included), so a bad clock cannot loop.
const MAX_FETCHES_PER_CALL: u32 = 3;

/// The encryption state of one call (see [`crate::Call::entropy_needed`]).
pub(crate) struct Encryption {
    jwks: SharedJwks,
    jwks_request: crate::request::Request,
    entropy: Option<Zeroizing<Vec<u8>>>,
    used: usize,
    sealed: Option<(u64, crate::request::Request)>,
    /// The request outstanding is the key fetch.
    pub(crate) fetching: bool,
    fetches: u32,
    refreshed: bool,
}

impl Encryption {
    pub(crate) fn new(jwks: SharedJwks, jwks_request: crate::request::Request) -> Encryption {
        Encryption {
            jwks,
            jwks_request,
            entropy: None,
            used: 0,
            sealed: None,
            fetching: false,
            fetches: 0,
            refreshed: false,
        }
    }

    pub(crate) fn entropy_needed(&self) -> usize {
        if self.entropy.is_some() {
            0
        } else {
            ENTROPY_PER_CALL
        }
    }

    pub(crate) fn provide_entropy(&mut self, bytes: &[u8]) -> Result<(), Error> {
        if bytes.len() < ENTROPY_PER_CALL {
            return Err(Error::new(
                ErrorKind::Internal,
                format!(
                    "payload encryption needs {ENTROPY_PER_CALL} random bytes, {} given",
                    bytes.len()
                ),
            ));
        }
        self.entropy = Some(Zeroizing::new(bytes[..ENTROPY_PER_CALL].to_vec()));
        Ok(())
    }

    pub(crate) fn sealed(&self) -> Option<&crate::request::Request> {
        self.sealed.as_ref().map(|(_, r)| r)
    }

    /// Before an attempt: fetch keys, or seal the body with the active key.
    pub(crate) fn prepare(&mut self, now: u64, plain: &crate::request::Request) -> Prepared {
        if self.sealed.is_some() {
            return Prepared::Ready;
        }
        let Some(entropy) = self.entropy.as_ref() else {
            return Prepared::Fail(internal(
                "payload encryption is on but the binding gave no random bytes \
                 (Call::provide_entropy); nothing was sent",
            ));
        };
        let fresh = lock_jwks(&self.jwks).fresh(now);
        let Some((generation, set)) = fresh else {
            if self.fetches >= MAX_FETCHES_PER_CALL {
                return Prepared::Fail(internal(
                    "the encryption keys expired as soon as they were fetched (is the clock \
                     going backwards?); nothing was sent",
                ));
            }
            self.fetches += 1;
            self.fetching = true;
            return Prepared::Fetch(self.jwks_request.clone());
        };
        let Some(key) = set.active() else {
            return Prepared::Fail(internal("empty key set in the cache"));
        };
        if self.used >= MAX_ENCRYPTIONS_PER_CALL {
            return Prepared::Fail(internal("no random bytes left for another encryption"));
        }
        let start = self.used * ENTROPY_PER_ENCRYPTION;
        self.used += 1;
        let plaintext = plain.body.as_deref().unwrap_or_default();
        let body = match encrypt_body(
            key,
            plaintext,
            &entropy[start..start + ENTROPY_PER_ENCRYPTION],
        ) {
            Ok(b) => b,
            Err(e) => return Prepared::Fail(e),
        };
        let mut req = plain.clone();
        req.body = Some(body);
        req.headers.push((
            HEADER_PAYLOAD_ENCRYPTION.to_ascii_lowercase(),
            PAYLOAD_ENCRYPTION_JWE.to_string(),
        ));
        req.headers
            .push((HEADER_KEY_ID.to_ascii_lowercase(), key.kid().to_string()));
        self.sealed = Some((generation, req));
        Prepared::Ready
    }

    /// The answer to the key fetch.
    pub(crate) fn on_fetch_response(
        &mut self,
        now: u64,
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
        secret: &str,
    ) -> Fetched {
        self.fetching = false;
        if (200..300).contains(&status) {
            return match KeySet::parse(body) {
                Ok(set) => {
                    lock_jwks(&self.jwks).store(now, set);
                    Fetched::Stored
                }
                Err(e) => Fetched::Fail(e.with_status(status)),
            };
        }
        let (e, _) = crate::response::error_for_status(status, headers, body, secret);
        let e = Error::new(
            e.kind(),
            format!(
                "fetching the encryption keys (GET /jwks.json) failed: {}; nothing was sent",
                e.message()
            ),
        )
        .with_status(status)
        .with_retry_after_ms(e.retry_after_ms());
        match status {
            429 => {
                let wait = e
                    .retry_after_ms()
                    .unwrap_or(crate::response::DEFAULT_RETRY_AFTER_MS);
                Fetched::Retry(e, Some(wait))
            }
            500..=599 => Fetched::Retry(e, None),
            _ => Fetched::Fail(e),
        }
    }

    /// The API answered 400 `INVALID_ENCRYPTED_PAYLOAD`: drop the keys used and re-seal once.
    /// False when the one refresh was already used.
    pub(crate) fn refresh_once(&mut self) -> bool {
        if self.refreshed {
            return false;
        }
        self.refreshed = true;
        if let Some((generation, _)) = self.sealed.take() {
            lock_jwks(&self.jwks).invalidate(generation);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::RngCore;

    fn given(bytes: &[u8]) -> GivenBytes<'_> {
        GivenBytes {
            bytes,
            pos: 0,
            overrun: false,
        }
    }

    #[test]
    fn given_bytes_serves_the_callers_bytes_in_order_and_never_more() {
        let bytes: Vec<u8> = (1..=16).collect();
        let mut g = given(&bytes);
        assert_eq!(g.next_u32(), u32::from_le_bytes([1, 2, 3, 4]));
        assert_eq!(
            g.next_u64(),
            u64::from_le_bytes([5, 6, 7, 8, 9, 10, 11, 12])
        );
        assert_eq!((g.pos, g.overrun), (12, false));
        // Five asked, four left: nothing consumed, zeros, marked overrun.
        let mut five = [9u8; 5];
        g.fill_bytes(&mut five);
        assert_eq!((five, g.pos, g.overrun), ([0; 5], 12, true));
        // Exactly what is left.
        let mut four = [0u8; 4];
        g.fill_bytes(&mut four);
        assert_eq!((four, g.pos), ([13, 14, 15, 16], 16));
        let mut none: [u8; 0] = [];
        g.fill_bytes(&mut none);
        assert_eq!(g.pos, 16);
    }

    #[test]
    fn given_bytes_try_fill_refuses_an_overrun() {
        let bytes: Vec<u8> = (1..=8).collect();
        let mut g = given(&bytes);
        let mut a = [0u8; 3];
        g.try_fill_bytes(&mut a).unwrap();
        assert_eq!((a, g.pos), ([1, 2, 3], 3));
        let mut too_many = [7u8; 6];
        assert!(g.try_fill_bytes(&mut too_many).is_err());
        assert_eq!((too_many, g.pos, g.overrun), ([7; 6], 3, true));
        let mut rest = [0u8; 5];
        g.try_fill_bytes(&mut rest).unwrap();
        assert_eq!((rest, g.pos), ([4, 5, 6, 7, 8], 8));
    }
}
