//! Time to encrypt a request body (JWE RSA-OAEP-256 + A256GCM) of 10 KB and 5 MB.
//! Run: `cargo run --release -p autosend --example jwe_bench` (the wasm twin:
//! `node bindings-wasm/tests/bench_jwe.mjs`).

use autosend::jwe::{self, EncryptionKey};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use rsa::traits::PublicKeyParts;
use std::time::Instant;

fn main() {
    let sk = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 2048).expect("key");
    let jwk = serde_json::json!({"kty": "RSA", "kid": "bench", "use": "enc", "alg": "RSA-OAEP-256",
        "n": B64.encode(sk.n().to_bytes_be()), "e": B64.encode(sk.e().to_bytes_be())});
    let key = EncryptionKey::from_jwk(&jwk).expect("usable");
    let entropy = [7u8; jwe::ENTROPY_PER_ENCRYPTION];
    for (label, size, runs) in [("10 KB", 10 * 1024, 2000), ("5 MB", 5 * 1024 * 1024, 20)] {
        let body = vec![b'a'; size];
        let t = Instant::now();
        let mut out = 0;
        for _ in 0..runs {
            out += jwe::encrypt_body(&key, &body, &entropy)
                .expect("sealed")
                .len();
        }
        let per = t.elapsed().as_secs_f64() * 1000.0 / runs as f64;
        println!(
            "{label}: {per:.3} ms per encryption ({runs} runs, {} bytes out each)",
            out / runs
        );
    }
}
