//! `GET /jwks.json`: the public encryption keys (no API key). One RSA-2048 key generated at
//! start (in a background thread; the first request waits for it).

use super::{Reply, Req};
use crate::api::Ctx;
use crate::state::State;
use crate::util;
use base64::Engine;
use rsa::traits::PublicKeyParts;
use serde_json::{json, Value};

/// Generate the key pair and its JWKS document `{keys: [{kty, n, e, kid, alg, use}]}`.
pub fn generate() -> (rsa::RsaPrivateKey, Value) {
    let mut rng = rsa::rand_core::OsRng;
    // 2048-bit generation only fails on a broken RNG; retry a few times, then give up loudly.
    let mut key = None;
    for _ in 0..3 {
        if let Ok(k) = rsa::RsaPrivateKey::new(&mut rng, 2048) {
            key = Some(k);
            break;
        }
    }
    let Some(key) = key else {
        panic!("autosend-sandbox: RSA-2048 key generation failed (RNG unavailable)");
    };
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let date = &util::now_iso()[..7];
    let kid = format!("key_{}_{}", date.replace('-', "_"), util::random_hex(6));
    let doc = json!({"keys": [{
        "kty": "RSA",
        "n": b64.encode(key.n().to_bytes_be()),
        "e": b64.encode(key.e().to_bytes_be()),
        "kid": kid,
        "alg": "RSA-OAEP-256",
        "use": "enc",
    }]});
    (key, doc)
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
