//! JWE: the RFC 7516 A.1 content-encryption vector, round trips through an independent
//! decryption (RustCrypto primitives used directly), key choice, and the call's key-fetch /
//! refresh policy.

use autosend::jwe::{self, EncryptionKey, KeySet};
use autosend::{private_limiter, Client, ClientConfig, ClientOptions, Poll, RateLimits};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use rsa::traits::PublicKeyParts;
use serde_json::{json, Value};
use std::sync::OnceLock;

/// Decrypts with the RustCrypto primitives directly (`rsa` OAEP-SHA-256, `aes-gcm`), checking
/// the tag over the protected header. Returns (header, plaintext, CEK, IV).
fn decrypt_compact(key: &rsa::RsaPrivateKey, compact: &str) -> (Value, Vec<u8>, Vec<u8>, Vec<u8>) {
    use aes_gcm::aead::{Aead, KeyInit, Payload};
    let p: Vec<&str> = compact.split('.').collect();
    assert_eq!(p.len(), 5, "five parts");
    let header: Value = serde_json::from_slice(&B64.decode(p[0]).unwrap()).unwrap();
    let cek = key
        .decrypt(rsa::Oaep::new::<sha2::Sha256>(), &B64.decode(p[1]).unwrap())
        .expect("RSA-OAEP-256 unwraps the CEK");
    let iv = B64.decode(p[2]).unwrap();
    let mut ct = B64.decode(p[3]).unwrap();
    ct.extend(B64.decode(p[4]).unwrap());
    let plain = aes_gcm::Aes256Gcm::new_from_slice(&cek)
        .unwrap()
        .decrypt(
            aes_gcm::Nonce::from_slice(&iv),
            Payload {
                msg: &ct,
                aad: p[0].as_bytes(),
            },
        )
        .expect("A256GCM tag over the protected header");
    (header, plain, cek, iv)
}

fn keypair(i: usize) -> &'static (rsa::RsaPrivateKey, Value) {
    static KEYS: OnceLock<Vec<(rsa::RsaPrivateKey, Value)>> = OnceLock::new();
    &KEYS.get_or_init(|| {
        (0..2)
            .map(|i| {
                let k = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 2048).unwrap();
                let jwk = json!({
                    "kty": "RSA", "use": "enc", "alg": "RSA-OAEP-256", "kid": format!("k{}", i + 1),
                    "n": B64.encode(k.n().to_bytes_be()), "e": B64.encode(k.e().to_bytes_be()),
                });
                (k, jwk)
            })
            .collect()
    })[i]
}

fn entropy(fill: u8) -> Vec<u8> {
    (0..jwe::ENTROPY_PER_CALL)
        .map(|i| fill ^ (i as u8))
        .collect()
}

#[test]
fn a256gcm_matches_rfc7516_appendix_a1() {
    // RFC 7516 A.1.1-A.1.6: CEK, IV, AAD = ASCII(BASE64URL(header)), plaintext → ciphertext, tag.
    let cek: [u8; 32] = [
        177, 161, 244, 128, 84, 143, 225, 115, 63, 180, 3, 255, 107, 154, 212, 246, 138, 7, 110,
        91, 112, 46, 34, 105, 47, 130, 203, 46, 122, 234, 64, 252,
    ];
    let iv: [u8; 12] = [227, 197, 117, 252, 2, 219, 233, 68, 180, 225, 77, 219];
    let aad = b"eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ";
    let plain = b"The true sign of intelligence is not knowledge but imagination.";
    let (ct, tag) = jwe::seal(&cek, &iv, aad, plain).unwrap();
    assert_eq!(
        B64.encode(ct),
        "5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A"
    );
    assert_eq!(B64.encode(tag), "XFBoMYUZodetZdvTiFvSkQ");
    assert_eq!(B64.encode(iv), "48V1_ALb6US04U3b");
}

#[test]
fn compact_round_trip_uses_exactly_the_given_randomness() {
    let (sk, jwk) = keypair(0);
    let key = EncryptionKey::from_jwk(jwk).unwrap();
    let ent = entropy(7);
    let one = &ent[..jwe::ENTROPY_PER_ENCRYPTION];
    let plain = br#"{"to":{"email":"ada@example.com"},"subject":"Hi"}"#;
    let a = jwe::encrypt_compact(&key, plain, one).unwrap();
    let b = jwe::encrypt_compact(&key, plain, one).unwrap();
    assert_eq!(a, b, "fixed randomness, fixed output (no hidden RNG)");
    let (header, got, cek, iv) = decrypt_compact(sk, &a);
    assert_eq!(
        header,
        json!({"alg": "RSA-OAEP-256", "enc": "A256GCM", "kid": "k1"})
    );
    assert_eq!(got, plain);
    assert_eq!(cek, one[..32], "the CEK is the first 32 bytes given");
    assert_eq!(iv, one[32..44], "the IV is the next 12");
    let other = jwe::encrypt_compact(&key, plain, &entropy(8)[..76]).unwrap();
    assert_ne!(a, other);
    assert!(
        jwe::encrypt_compact(&key, plain, &one[..75]).is_err(),
        "too few bytes: refused"
    );
    let body = jwe::encrypt_body(&key, plain, one).unwrap();
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v.as_object().unwrap().len(), 1);
    assert_eq!(v["encryptedData"], a);
}

#[test]
fn key_choice_skips_unusable_keys_and_keeps_the_server_order() {
    let (_, good1) = keypair(0);
    let (_, good2) = keypair(1);
    let small = {
        let k = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 1024).unwrap();
        json!({"kty":"RSA","kid":"small","use":"enc","alg":"RSA-OAEP-256",
               "n": B64.encode(k.n().to_bytes_be()), "e": B64.encode(k.e().to_bytes_be())})
    };
    let with = |f: &dyn Fn(&mut Value)| {
        let mut v = good2.clone();
        f(&mut v);
        v
    };
    let sig = with(&|v| v["use"] = json!("sig"));
    let oaep1 = with(&|v| v["alg"] = json!("RSA-OAEP"));
    let ec = json!({"kty": "EC", "kid": "ec", "crv": "P-256"});
    let nokid = with(&|v| {
        v.as_object_mut().unwrap().remove("kid");
    });
    let doc = json!({"keys": [ec, small, sig, oaep1, nokid, good2, good1]});
    let set = KeySet::parse(doc.to_string().as_bytes()).unwrap();
    assert_eq!(
        set.active().unwrap().kid(),
        "k2",
        "first usable key is active"
    );
    assert_eq!(set.keys().len(), 2);
    assert_eq!(set.skipped().len(), 5);
    assert!(
        set.skipped()[1].1.contains("1024 bits"),
        "{:?}",
        set.skipped()
    );
    assert_eq!(
        set.choose(Some("k1")).unwrap().kid(),
        "k1",
        "an asked-for kid wins"
    );
    assert_eq!(set.choose(Some("gone")).unwrap().kid(), "k2");
    // Absent use/alg are fine (RFC 7517: optional); a set with nothing usable is an error.
    let bare = with(&|v| {
        let o = v.as_object_mut().unwrap();
        o.remove("use");
        o.remove("alg");
    });
    assert!(KeySet::parse(json!({"keys": [bare]}).to_string().as_bytes()).is_ok());
    let e = KeySet::parse(br#"{"keys": []}"#).unwrap_err();
    assert_eq!(e.kind().name(), "invalid_response");
    assert!(KeySet::parse(b"<html>").is_err());
}

fn client(base: &str, encrypt: bool) -> Client {
    let mut o = ClientOptions::new("AS_jwetest123");
    o.base_url = Some(base.into());
    o.encrypt_payloads = encrypt;
    let cfg = ClientConfig::new(o).unwrap();
    Client::with_limiter(cfg, private_limiter(RateLimits::default()))
}

fn send_params() -> Value {
    json!({"from": {"email": "a@mail.example.com"}, "to": {"email": "b@example.com"},
           "subject": "Hi", "html": "<p>x</p>"})
}

fn jwks(keys: &[usize]) -> Vec<u8> {
    json!({"keys": keys.iter().map(|&i| keypair(i).1.clone()).collect::<Vec<_>>()})
        .to_string()
        .into_bytes()
}

fn header<'a>(r: &'a autosend::Request, name: &str) -> Option<&'a str> {
    r.header(name)
}

#[test]
fn encrypted_call_fetches_keys_then_refreshes_once_on_invalid_encrypted_payload() {
    let c = client("https://jwe-refresh.example/v1", true);
    let mut call = c.call("emails.send", send_params(), 1).unwrap();
    assert!(call.is_encrypted());
    assert_eq!(call.entropy_needed(), jwe::ENTROPY_PER_CALL);
    call.provide_entropy(&entropy(1)).unwrap();
    assert_eq!(call.entropy_needed(), 0);
    // 1: no keys yet → GET /jwks.json, not an attempt, no API key on it.
    let Poll::Send(f) = call.poll(0) else {
        panic!()
    };
    assert_eq!(f.url, "https://jwe-refresh.example/v1/jwks.json");
    assert!(f.header("authorization").is_none());
    call.handle_response(1, 200, &[], &jwks(&[0, 1]));
    // 2: the sealed request, for the active key.
    let Poll::Send(r) = call.poll(2) else {
        panic!()
    };
    assert_eq!(r.attempt, 1);
    assert_eq!(header(&r, "x-payload-encryption"), Some("jwe"));
    assert_eq!(header(&r, "x-key-id"), Some("k1"));
    let body: Value = serde_json::from_slice(r.body.as_ref().unwrap()).unwrap();
    let (h, plain, _, _) = decrypt_compact(&keypair(0).0, body["encryptedData"].as_str().unwrap());
    assert_eq!(h["kid"], "k1");
    assert_eq!(
        serde_json::from_slice::<Value>(&plain).unwrap()["subject"],
        "Hi"
    );
    // 3: the server rotated: 400 INVALID_ENCRYPTED_PAYLOAD → fetch again, re-seal, re-send once.
    let bad = br#"{"success":false,"error":{"code":"INVALID_ENCRYPTED_PAYLOAD","message":"x"}}"#;
    call.handle_response(3, 400, &[], bad);
    let Poll::Send(f2) = call.poll(4) else {
        panic!()
    };
    assert!(f2.url.ends_with("/jwks.json"));
    call.handle_response(5, 200, &[], &jwks(&[1]));
    let Poll::Send(r2) = call.poll(600) else {
        panic!()
    };
    assert_eq!(r2.attempt, 2);
    assert_eq!(header(&r2, "x-key-id"), Some("k2"));
    assert_ne!(r2.body, r.body, "fresh randomness for the second seal");
    // 4: a second refusal ends the call (never a third send).
    call.handle_response(601, 400, &[], bad);
    match call.poll(602) {
        Poll::Done(Err(e)) => {
            assert_eq!(e.kind().name(), "api_validation");
            assert_eq!(e.api_code(), Some("INVALID_ENCRYPTED_PAYLOAD"));
            assert!(!e.may_have_been_delivered());
        }
        other => panic!("{other:?}"),
    }
    // The cache now holds k2: the next call uses it without fetching, until the TTL passes.
    let mut next = c.call("emails.send", send_params(), 2).unwrap();
    next.provide_entropy(&entropy(2)).unwrap();
    let Poll::Send(r3) = next.poll(2000) else {
        panic!()
    };
    assert_eq!(header(&r3, "x-key-id"), Some("k2"));
    let mut late = c.call("emails.send", send_params(), 3).unwrap();
    late.provide_entropy(&entropy(3)).unwrap();
    let Poll::Send(f3) = late.poll(5 + jwe::JWKS_TTL_MS) else {
        panic!()
    };
    assert!(f3.url.ends_with("/jwks.json"), "stale after the TTL");
}

#[test]
fn plain_unless_asked_and_never_plaintext_without_entropy() {
    let plain = client("https://jwe-plain.example/v1", false);
    let mut call = plain.call("emails.send", send_params(), 1).unwrap();
    assert!(!call.is_encrypted());
    assert_eq!(call.entropy_needed(), 0);
    let Poll::Send(r) = call.poll(0) else {
        panic!()
    };
    assert!(r.header("x-payload-encryption").is_none());
    assert!(r.url.ends_with("/mails/send"));
    // Per call: on for one call of a plain client, off for one call of an encrypting client.
    let mut on = plain
        .call_with("emails.send", send_params(), 1, Some(true))
        .unwrap();
    assert!(on.is_encrypted());
    // No entropy given: the call fails closed, nothing is sent.
    match on.poll(0) {
        Poll::Done(Err(e)) => {
            assert_eq!(e.kind().name(), "internal");
            assert!(!e.may_have_been_delivered());
        }
        other => panic!("{other:?}"),
    }
    let enc = client("https://jwe-plain2.example/v1", true);
    assert!(!enc
        .call_with("emails.send", send_params(), 1, Some(false))
        .unwrap()
        .is_encrypted());
    // A call without a body stays plain.
    assert!(!enc
        .call("contacts.get", json!({"id": "507f1f77bcf86cd799439011"}), 1)
        .unwrap()
        .is_encrypted());
}

#[test]
fn key_fetch_failures_never_send_the_body() {
    let c = client("https://jwe-fail.example/v1", true);
    // An unusable key set: invalid_response, nothing sent.
    let mut call = c.call("emails.send", send_params(), 1).unwrap();
    call.provide_entropy(&entropy(1)).unwrap();
    let Poll::Send(_) = call.poll(0) else {
        panic!()
    };
    call.handle_response(1, 200, &[], br#"{"keys":[{"kty":"EC"}]}"#);
    match call.poll(2) {
        Poll::Done(Err(e)) => assert_eq!(e.kind().name(), "invalid_response"),
        other => panic!("{other:?}"),
    }
    // A connect error or 5xx on the fetch is retried (the body was not sent), even for sends.
    let mut call = c.call("emails.send", send_params(), 1).unwrap();
    call.provide_entropy(&entropy(1)).unwrap();
    let Poll::Send(_) = call.poll(0) else {
        panic!()
    };
    call.handle_transport_error(1, autosend::TransportErrorKind::Timeout);
    let Poll::Wait(w) = call.poll(2) else {
        panic!()
    };
    let Poll::Send(f) = call.poll(2 + w) else {
        panic!()
    };
    assert!(f.url.ends_with("/jwks.json"));
    assert!(!call.may_have_been_delivered());
    call.handle_response(3 + w, 503, &[], b"{}");
    let Poll::Wait(w2) = call.poll(4 + w) else {
        panic!()
    };
    let Poll::Send(f) = call.poll(4 + w + w2) else {
        panic!()
    };
    assert!(f.url.ends_with("/jwks.json"));
    // A 404 (no JWKS at this base URL) ends it.
    call.handle_response(5 + w + w2, 404, &[], b"{}");
    match call.poll(6 + w + w2) {
        Poll::Done(Err(e)) => {
            assert_eq!(e.kind().name(), "not_found");
            assert!(e.message().contains("jwks.json"));
            assert!(!e.may_have_been_delivered());
        }
        other => panic!("{other:?}"),
    }
}

// ---- Round 8 of issue 17: the edges the tests above do not pin. ----

/// A JWK with a synthetic modulus of `bits` bits (top bit and lowest bit set) and e = 65537:
/// enough for the size rules, which never factor the modulus.
fn jwk_of_bits(kid: &str, bits: usize) -> Value {
    let mut n = vec![0u8; bits.div_ceil(8)];
    n[0] = 1 << ((bits - 1) % 8);
    *n.last_mut().unwrap() |= 1;
    json!({"kty": "RSA", "kid": kid, "n": B64.encode(&n), "e": "AQAB"})
}

/// A key set holding one 2048-bit key of kid `a`.
fn key_set_a() -> KeySet {
    KeySet::parse(
        json!({"keys": [jwk_of_bits("a", 2048)]})
            .to_string()
            .as_bytes(),
    )
    .unwrap()
}

#[test]
fn sizes_and_constants_follow_the_algorithms() {
    // RFC 7518 §5.3: A256GCM takes a 256-bit key and a 96-bit IV; RFC 8017 §7.1: the OAEP
    // seed is hLen bytes (SHA-256: 32).
    assert_eq!(
        (jwe::CEK_BYTES, jwe::IV_BYTES, jwe::OAEP_SEED_BYTES),
        (32, 12, 32)
    );
    assert_eq!(jwe::ENTROPY_PER_ENCRYPTION, 76);
    assert_eq!(jwe::ENTROPY_PER_CALL, 152);
    assert_eq!(jwe::JWKS_TTL_MS, 600_000, "ten minutes");
    assert_eq!((jwe::ALG, jwe::ENC), ("RSA-OAEP-256", "A256GCM"));
    // The protected header: BASE64URL(UTF8({"alg":"RSA-OAEP-256","enc":"A256GCM","kid":"k1"})),
    // written out here (encoded by Python's base64 module, not by this crate).
    assert_eq!(
        jwe::protected_header("k1"),
        "eyJhbGciOiJSU0EtT0FFUC0yNTYiLCJlbmMiOiJBMjU2R0NNIiwia2lkIjoiazEifQ"
    );
}

#[test]
fn jwk_refusals_are_exact() {
    let why = |v: Value| EncryptionKey::from_jwk(&v).unwrap_err();
    let with = |f: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut v = jwk_of_bits("k", 2048);
        f(v.as_object_mut().unwrap());
        v
    };
    assert_eq!(why(json!("x")), "not an object");
    assert_eq!(
        why(with(&|o| drop(o.insert("kty".into(), json!("EC"))))),
        "kty is not RSA"
    );
    assert_eq!(
        why(with(&|o| drop(o.insert("use".into(), json!("sig"))))),
        "use is not enc"
    );
    assert_eq!(
        why(with(&|o| drop(o.insert("alg".into(), json!("RSA-OAEP"))))),
        "alg is not RSA-OAEP-256"
    );
    assert_eq!(
        why(with(&|o| drop(
            o.insert("key_ops".into(), json!(["verify", "sign"]))
        ))),
        "key_ops allows neither encrypt nor wrapKey"
    );
    assert_eq!(
        why(with(&|o| drop(
            o.insert("key_ops".into(), json!("encrypt"))
        ))),
        "key_ops allows neither encrypt nor wrapKey"
    );
    for ops in [json!(["encrypt"]), json!(["sign", "wrapKey"])] {
        let k = with(&|o| drop(o.insert("key_ops".into(), ops.clone())));
        assert!(EncryptionKey::from_jwk(&k).is_ok(), "{ops}");
    }
    let use_enc = with(&|o| {
        o.insert("use".into(), json!("enc"));
        o.insert("alg".into(), json!("RSA-OAEP-256"));
    });
    assert!(EncryptionKey::from_jwk(&use_enc).is_ok());
    // kid: present, not empty, at most 256 bytes, no control characters.
    for bad in [json!(""), json!("a".repeat(257)), json!("k\n1"), json!(7)] {
        let k = with(&|o| drop(o.insert("kid".into(), bad.clone())));
        assert_eq!(why(k), "no usable kid", "{bad}");
    }
    let long = "a".repeat(256);
    let k = EncryptionKey::from_jwk(&with(&|o| drop(o.insert("kid".into(), json!(long))))).unwrap();
    assert_eq!(k.kid(), long);
    assert_eq!(why(with(&|o| drop(o.remove("n")))), "n is not base64url");
    assert_eq!(
        why(with(&|o| drop(o.insert("n".into(), json!("***"))))),
        "n is not base64url"
    );
    assert_eq!(
        why(with(&|o| drop(o.insert("e".into(), json!(""))))),
        "e is not base64url"
    );
    // Padded base64url is read too.
    let padded = with(&|o| drop(o.insert("e".into(), json!("AQAB=="))));
    assert!(EncryptionKey::from_jwk(&padded).is_ok());
    assert_eq!(
        why(with(&|o| drop(o.insert("e".into(), json!("AQ"))))),
        "not a valid RSA public key"
    );
    // Modulus size: 2048 and 4096 bits at the edges, one bit past either refused.
    assert_eq!(
        why(jwk_of_bits("k", 2047)),
        "modulus of 2047 bits is below 2048"
    );
    assert_eq!(
        why(jwk_of_bits("k", 4097)),
        "modulus of 4097 bits is above 4096"
    );
    assert_eq!(
        why(jwk_of_bits("k", 1024)),
        "modulus of 1024 bits is below 2048"
    );
    for bits in [2048, 3072, 4096] {
        let k = EncryptionKey::from_jwk(&jwk_of_bits("kb", bits)).unwrap();
        assert_eq!((k.kid(), k.bits()), ("kb", bits));
    }
    let k = EncryptionKey::from_jwk(&jwk_of_bits("k9", 2048)).unwrap();
    assert_eq!(
        format!("{k:?}"),
        r#"EncryptionKey { kid: "k9", bits: 2048 }"#
    );
}

#[test]
fn key_set_lists_what_it_skipped_and_finds_keys_by_kid() {
    let doc = json!({"keys": [
        jwk_of_bits("a", 2048),
        {"kty": "EC", "kid": "ec"},
        jwk_of_bits("b", 3072),
        jwk_of_bits("a", 4096),
        jwk_of_bits("small", 1024),
    ]});
    let set = KeySet::parse(doc.to_string().as_bytes()).unwrap();
    let kids: Vec<(&str, usize)> = set.keys().iter().map(|k| (k.kid(), k.bits())).collect();
    assert_eq!(kids, [("a", 2048), ("b", 3072)]);
    assert_eq!(
        set.skipped(),
        [
            (1, "kty is not RSA".to_string()),
            (3, "duplicate kid".to_string()),
            (4, "modulus of 1024 bits is below 2048".to_string()),
        ]
    );
    assert_eq!(set.active().unwrap().kid(), "a");
    assert_eq!(set.get("b").unwrap().kid(), "b");
    assert_eq!(
        set.get("a").unwrap().bits(),
        2048,
        "the first of a duplicated kid"
    );
    assert!(set.get("ec").is_none());
    assert_eq!(set.choose(Some("b")).unwrap().kid(), "b");
    assert_eq!(set.choose(None).unwrap().kid(), "a");
    // The refusals of the document itself.
    let msg = |b: &[u8]| {
        let e = KeySet::parse(b).unwrap_err();
        assert_eq!(e.kind().name(), "invalid_response");
        e.message().to_string()
    };
    assert_eq!(
        msg(b"<html>"),
        "GET /jwks.json did not answer JSON; check base_url (nothing was sent)"
    );
    assert_eq!(
        msg(br#"{"keys": {}}"#),
        "GET /jwks.json has no `keys` array; check base_url (nothing was sent)"
    );
    assert_eq!(
        msg(br#"{"keys": [{"kty": "EC"}]}"#),
        "GET /jwks.json lists no usable encryption key (RSA, use enc, alg RSA-OAEP-256, \
         2048-4096 bits, with a kid); nothing was sent: check base_url or turn payload \
         encryption off"
    );
}

#[test]
fn jwks_cache_generations_and_ttl() {
    let mut c = jwe::JwksCache::default();
    assert!(c.fresh(0).is_none(), "empty");
    assert_eq!(c.store(1000, key_set_a()), 1);
    let (g, s) = c.fresh(1000).unwrap();
    assert_eq!((g, s.active().unwrap().kid()), (1, "a"));
    assert_eq!(c.fresh(1000 + jwe::JWKS_TTL_MS - 1).unwrap().0, 1);
    assert!(
        c.fresh(1000 + jwe::JWKS_TTL_MS).is_none(),
        "stale at exactly the TTL"
    );
    // A clock that went backwards reads the set as fresh (age 0), not as stale forever.
    assert_eq!(c.fresh(10).unwrap().0, 1);
    assert_eq!(c.store(2000, key_set_a()), 2);
    assert_eq!(c.store(3000, key_set_a()), 3);
    // Invalidating an older generation keeps the newer set; the current one drops it.
    c.invalidate(2);
    assert_eq!(c.fresh(3000).unwrap().0, 3);
    c.invalidate(3);
    assert!(c.fresh(3000).is_none());
    assert_eq!(c.store(4000, key_set_a()), 4, "generations keep counting");
}

#[test]
fn shared_jwks_is_one_cache_per_base_url_and_prunes_unused_ones() {
    let a = jwe::shared_jwks("https://shared-a.example/v1");
    let a2 = jwe::shared_jwks("https://shared-a.example/v1");
    assert!(std::sync::Arc::ptr_eq(&a, &a2));
    assert!(!std::sync::Arc::ptr_eq(
        &a,
        &jwe::shared_jwks("https://shared-b.example/v1")
    ));
    jwe::lock_jwks(&a).store(5, key_set_a());
    assert_eq!(jwe::lock_jwks(&a2).fresh(5).unwrap().0, 1);
    // Nobody holds it: still kept while the registry is small.
    let gone = jwe::shared_jwks("https://shared-gone.example/v1");
    jwe::lock_jwks(&gone).store(5, key_set_a());
    drop(gone);
    let again = jwe::shared_jwks("https://shared-gone.example/v1");
    assert!(
        jwe::lock_jwks(&again).fresh(5).is_some(),
        "kept below 64 entries"
    );
    drop(again);
    // Past 64 entries the ones nobody holds are dropped; held ones are kept.
    for i in 0..80 {
        drop(jwe::shared_jwks(&format!("https://shared-{i}.example/v1")));
    }
    assert!(std::sync::Arc::ptr_eq(
        &a,
        &jwe::shared_jwks("https://shared-a.example/v1")
    ));
    assert_eq!(jwe::lock_jwks(&a).fresh(5).unwrap().0, 1);
    let later = jwe::shared_jwks("https://shared-gone.example/v1");
    assert!(jwe::lock_jwks(&later).fresh(5).is_none(), "pruned");
}

#[test]
fn entropy_is_checked_and_each_seal_uses_its_own_bytes() {
    let c = client("https://jwe-entropy.example/v1", true);
    let mut call = c.call("emails.send", send_params(), 1).unwrap();
    for n in [0, 100, jwe::ENTROPY_PER_CALL - 1] {
        let e = call.provide_entropy(&vec![1u8; n]).unwrap_err();
        assert_eq!(e.kind().name(), "internal");
        assert_eq!(
            e.message(),
            format!("payload encryption needs 152 random bytes, {n} given")
        );
        assert_eq!(call.entropy_needed(), jwe::ENTROPY_PER_CALL, "still needed");
    }
    // More than needed: the first 152 bytes are used.
    let mut ent = entropy(9);
    ent.extend([0xAA; 48]);
    call.provide_entropy(&ent).unwrap();
    assert_eq!(call.entropy_needed(), 0);
    let Poll::Send(_) = call.poll(0) else {
        panic!()
    };
    call.handle_response(1, 200, &[], &jwks(&[0]));
    let Poll::Send(r) = call.poll(2) else {
        panic!()
    };
    let body: Value = serde_json::from_slice(r.body.as_ref().unwrap()).unwrap();
    let (_, _, cek, iv) = decrypt_compact(&keypair(0).0, body["encryptedData"].as_str().unwrap());
    assert_eq!((cek.as_slice(), iv.as_slice()), (&ent[..32], &ent[32..44]));
    let bad = br#"{"success":false,"error":{"code":"INVALID_ENCRYPTED_PAYLOAD","message":"x"}}"#;
    call.handle_response(3, 400, &[], bad);
    let Poll::Send(_) = call.poll(4) else {
        panic!()
    };
    call.handle_response(5, 200, &[], &jwks(&[1]));
    let Poll::Send(r2) = call.poll(6) else {
        panic!()
    };
    let body: Value = serde_json::from_slice(r2.body.as_ref().unwrap()).unwrap();
    let (_, _, cek, iv) = decrypt_compact(&keypair(1).0, body["encryptedData"].as_str().unwrap());
    assert_eq!(
        (cek.as_slice(), iv.as_slice()),
        (&ent[76..108], &ent[108..120]),
        "the second seal takes the second 76 bytes"
    );
}

#[test]
fn key_fetch_is_bounded_and_waits_after_a_429() {
    // Keys that are stale as soon as they are stored (the clock jumps a TTL between the
    // answer and the next poll): three fetches, then the call gives up, nothing sent.
    let mut o = ClientOptions::new("AS_jwetest123");
    o.base_url = Some("https://jwe-clock.example/v1".into());
    o.encrypt_payloads = true;
    o.deadline_ms = Some(10 * jwe::JWKS_TTL_MS);
    let c = Client::with_limiter(
        ClientConfig::new(o).unwrap(),
        private_limiter(RateLimits::default()),
    );
    let mut call = c.call("emails.send", send_params(), 1).unwrap();
    call.provide_entropy(&entropy(4)).unwrap();
    let mut now = 0;
    for _ in 0..3 {
        let Poll::Send(f) = call.poll(now) else {
            panic!()
        };
        assert!(f.url.ends_with("/jwks.json"));
        call.handle_response(now + 1, 200, &[], &jwks(&[0]));
        now += 1 + jwe::JWKS_TTL_MS;
    }
    match call.poll(now) {
        Poll::Done(Err(e)) => {
            assert_eq!(e.kind().name(), "internal");
            assert_eq!(
                e.message(),
                "the encryption keys expired as soon as they were fetched (is the clock going \
                 backwards?); nothing was sent"
            );
        }
        other => panic!("{other:?}"),
    }
    // A 429 on the key fetch waits the server's Retry-After, then fetches again.
    let c = client("https://jwe-429.example/v1", true);
    let mut call = c.call("emails.send", send_params(), 1).unwrap();
    call.provide_entropy(&entropy(5)).unwrap();
    let Poll::Send(_) = call.poll(0) else {
        panic!()
    };
    call.handle_response(10, 429, &[("retry-after".into(), "3".into())], b"{}");
    assert!(
        matches!(call.poll(10), Poll::Wait(3000)),
        "{:?}",
        call.poll(10)
    );
    let Poll::Send(f) = call.poll(3010) else {
        panic!()
    };
    assert!(f.url.ends_with("/jwks.json"));
}

#[test]
fn the_oaep_seed_is_the_last_32_bytes_given() {
    // CEK 0..32, IV 32..44, OAEP seed 44..76: a change in the seed's last byte changes only
    // the wrapped key; a change in the IV leaves the wrapped key as it was.
    let key = EncryptionKey::from_jwk(&keypair(0).1).unwrap();
    let base = entropy(3)[..jwe::ENTROPY_PER_ENCRYPTION].to_vec();
    let parts = |ent: &[u8]| -> Vec<String> {
        jwe::encrypt_compact(&key, b"{}", ent)
            .unwrap()
            .split('.')
            .map(str::to_string)
            .collect()
    };
    let a = parts(&base);
    let mut seed_changed = base.clone();
    seed_changed[75] ^= 1;
    let b = parts(&seed_changed);
    assert_ne!(a[1], b[1], "the last seed byte feeds the wrapped key");
    assert_eq!((&a[2], &a[3], &a[4]), (&b[2], &b[3], &b[4]));
    let mut iv_changed = base.clone();
    iv_changed[40] ^= 1;
    let c = parts(&iv_changed);
    assert_eq!(a[1], c[1], "the IV is not part of the seed");
    assert_ne!(a[2], c[2]);
}
