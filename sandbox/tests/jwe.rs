//! Encrypted request bodies: the sandbox decrypts `{"encryptedData": "<JWE>"}` (RSA-OAEP-256 +
//! A256GCM) and handles the plaintext like any body; anything it cannot decrypt is a 400
//! `INVALID_ENCRYPTED_PAYLOAD`; `--jwks-rotate-after` switches the active key. The JWE here is
//! made by this test with the RustCrypto primitives (the sandbox never sees the SDK).

mod common;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use base64::Engine;
use common::*;
use serde_json::{json, Value};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

fn public_key(jwk: &Value) -> rsa::RsaPublicKey {
    let n = B64.decode(jwk["n"].as_str().unwrap()).unwrap();
    let e = B64.decode(jwk["e"].as_str().unwrap()).unwrap();
    rsa::RsaPublicKey::new(
        rsa::BigUint::from_bytes_be(&n),
        rsa::BigUint::from_bytes_be(&e),
    )
    .unwrap()
}

/// A JWE compact serialization; `header` is the protected header.
fn seal(jwk: &Value, header: Value, plain: &[u8]) -> String {
    let mut rng = rsa::rand_core::OsRng;
    let cek: [u8; 32] = rand::random();
    let iv: [u8; 12] = rand::random();
    let ek = public_key(jwk)
        .encrypt(&mut rng, rsa::Oaep::new::<sha2::Sha256>(), &cek)
        .unwrap();
    let h = B64.encode(header.to_string());
    let sealed = aes_gcm::Aes256Gcm::new_from_slice(&cek)
        .unwrap()
        .encrypt(
            aes_gcm::Nonce::from_slice(&iv),
            Payload {
                msg: plain,
                aad: h.as_bytes(),
            },
        )
        .unwrap();
    let (ct, tag) = sealed.split_at(sealed.len() - 16);
    format!(
        "{h}.{}.{}.{}.{}",
        B64.encode(ek),
        B64.encode(iv),
        B64.encode(ct),
        B64.encode(tag)
    )
}

fn header(kid: &str) -> Value {
    json!({"alg": "RSA-OAEP-256", "enc": "A256GCM", "kid": kid})
}

async fn jwks(sb: &Sandbox) -> Vec<Value> {
    let r = sb.call("GET", "/jwks.json", None, None, None, &[]).await;
    assert_eq!(r.status, 200);
    r.json["keys"].as_array().unwrap().clone()
}

async fn post_encrypted(sb: &Sandbox, path: &str, compact: &str, kid: Option<&str>) -> Resp {
    let auth = format!("Bearer {}", sb.pkey(0));
    let mut extra = vec![("x-payload-encryption", "jwe")];
    if let Some(k) = kid {
        extra.push(("x-key-id", k));
    }
    sb.call(
        "POST",
        path,
        Some(&auth),
        None,
        Some(json!({ "encryptedData": compact })),
        &extra,
    )
    .await
}

#[tokio::test]
async fn decrypts_bodies_and_refuses_what_it_cannot_decrypt() {
    let sb = Sandbox::start(FAST);
    let keys = jwks(&sb).await;
    assert_eq!(keys.len(), 2, "two keys, the active one first");
    let (k1, k2) = (&keys[0], &keys[1]);
    let kid1 = k1["kid"].as_str().unwrap();
    let kid2 = k2["kid"].as_str().unwrap();
    let plain = mail().to_string();

    // Both published keys decrypt; the plaintext is handled like a plain body.
    for (k, kid) in [(k1, kid1), (k2, kid2)] {
        let r = post_encrypted(
            &sb,
            "/mails/send",
            &seal(k, header(kid), plain.as_bytes()),
            Some(kid),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert!(r.json["data"]["emailId"].is_string());
    }
    // Without X-Key-Id the JWE header's kid is used.
    let r = post_encrypted(
        &sb,
        "/mails/send",
        &seal(k2, header(kid2), plain.as_bytes()),
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // The plaintext is validated like any body.
    let bad_mail = json!({"to": {"email": "x@example.com"}}).to_string();
    let r = post_encrypted(
        &sb,
        "/mails/send",
        &seal(k1, header(kid1), bad_mail.as_bytes()),
        Some(kid1),
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json["error"]["code"], "VALIDATION_FAILED");

    let refused = |r: &Resp| {
        assert_eq!(r.status, 400, "{}", r.text);
        assert_eq!(
            r.json["error"]["code"], "INVALID_ENCRYPTED_PAYLOAD",
            "{}",
            r.text
        );
    };
    // Unknown kid; a kid that does not match X-Key-Id; sealed for k2 but named k1.
    refused(
        &post_encrypted(
            &sb,
            "/mails/send",
            &seal(k1, header("key_nope"), plain.as_bytes()),
            None,
        )
        .await,
    );
    refused(
        &post_encrypted(
            &sb,
            "/mails/send",
            &seal(k1, header(kid1), plain.as_bytes()),
            Some(kid2),
        )
        .await,
    );
    refused(
        &post_encrypted(
            &sb,
            "/mails/send",
            &seal(k2, header(kid1), plain.as_bytes()),
            Some(kid1),
        )
        .await,
    );
    // Wrong alg / enc in the header.
    let mut h = header(kid1);
    h["alg"] = json!("RSA-OAEP");
    refused(
        &post_encrypted(
            &sb,
            "/mails/send",
            &seal(k1, h, plain.as_bytes()),
            Some(kid1),
        )
        .await,
    );
    let mut h = header(kid1);
    h["enc"] = json!("A128GCM");
    refused(
        &post_encrypted(
            &sb,
            "/mails/send",
            &seal(k1, h, plain.as_bytes()),
            Some(kid1),
        )
        .await,
    );
    // A flipped tag bit; a tampered header (the tag covers it); not five parts.
    let good = seal(k1, header(kid1), plain.as_bytes());
    let mut parts: Vec<String> = good.split('.').map(str::to_string).collect();
    let mut tag = B64.decode(&parts[4]).unwrap();
    tag[0] ^= 1;
    parts[4] = B64.encode(tag);
    refused(&post_encrypted(&sb, "/mails/send", &parts.join("."), Some(kid1)).await);
    let mut parts: Vec<String> = good.split('.').map(str::to_string).collect();
    parts[0] = B64
        .encode(json!({"alg": "RSA-OAEP-256", "enc": "A256GCM", "kid": kid1, "x": 1}).to_string());
    refused(&post_encrypted(&sb, "/mails/send", &parts.join("."), Some(kid1)).await);
    refused(&post_encrypted(&sb, "/mails/send", "a.b.c", Some(kid1)).await);
    // A plaintext that is not a JSON object.
    refused(
        &post_encrypted(
            &sb,
            "/mails/send",
            &seal(k1, header(kid1), b"[1,2]"),
            Some(kid1),
        )
        .await,
    );
    // encryptedData missing, or next to other fields.
    let auth = format!("Bearer {}", sb.pkey(0));
    let r = sb
        .call(
            "POST",
            "/contacts/email",
            Some(&auth),
            None,
            Some(json!({"email": "a@example.com"})),
            &[("x-payload-encryption", "jwe")],
        )
        .await;
    refused(&r);
    let r = sb
        .call(
            "POST",
            "/contacts/email",
            Some(&auth),
            None,
            Some(json!({"encryptedData": good, "email": "a@example.com"})),
            &[("x-payload-encryption", "jwe")],
        )
        .await;
    refused(&r);

    let stats = sb.stats().await;
    assert_eq!(
        stats["rejected"]["INVALID_ENCRYPTED_PAYLOAD"], 11,
        "{stats}"
    );
    assert_eq!(stats["jwe_decrypted"][kid1], 2, "{stats}");
    assert_eq!(stats["jwe_decrypted"][kid2], 2, "{stats}");
    assert_eq!(stats["processed"]["emails.send"], 3);
}

#[tokio::test]
async fn rotation_makes_the_second_key_active_and_retires_the_first() {
    let sb = Sandbox::start(&[FAST, &["--jwks-rotate-after", "2"]].concat());
    let keys = jwks(&sb).await;
    let (k1, k2) = (keys[0].clone(), keys[1].clone());
    let kid1 = k1["kid"].as_str().unwrap();
    let kid2 = k2["kid"].as_str().unwrap();
    let body = json!({"email": "rot@example.com"}).to_string();
    for _ in 0..2 {
        let r = post_encrypted(
            &sb,
            "/contacts/email",
            &seal(&k1, header(kid1), body.as_bytes()),
            Some(kid1),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let after = jwks(&sb).await;
    assert_eq!(after.len(), 1);
    assert_eq!(after[0]["kid"], kid2, "the second key is active");
    let r = post_encrypted(
        &sb,
        "/contacts/email",
        &seal(&k1, header(kid1), body.as_bytes()),
        Some(kid1),
    )
    .await;
    assert_eq!(r.json["error"]["code"], "INVALID_ENCRYPTED_PAYLOAD");
    let r = post_encrypted(
        &sb,
        "/contacts/email",
        &seal(&k2, header(kid2), body.as_bytes()),
        Some(kid2),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn admin_rotation_and_reset() {
    let sb = Sandbox::start(FAST);
    let keys = jwks(&sb).await;
    let rotated = sb.admin("POST", "/_sandbox/jwks/rotate", None).await;
    assert_eq!(rotated["keys"].as_array().unwrap().len(), 1);
    assert_eq!(rotated["keys"][0]["kid"], keys[1]["kid"]);
    assert_eq!(jwks(&sb).await.len(), 1);
    sb.admin("POST", "/_sandbox/reset", None).await;
    assert_eq!(jwks(&sb).await, keys, "reset restores the first key");
}
