//! Certificates generated at start: a CA and a server certificate signed by it.

use base64::Engine;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::sync::Arc;

/// The generated TLS material.
pub struct TlsMaterial {
    /// CA certificate, PEM (what clients must trust).
    pub ca_pem: String,
    /// base64(SHA-256(server SubjectPublicKeyInfo)), for Chromium's
    /// `--ignore-certificate-errors-spki-list`.
    pub server_spki_sha256: String,
    /// rustls server configuration (HTTP/1.1 only).
    pub server_config: Arc<rustls::ServerConfig>,
}

/// Generate a fresh CA and a server certificate for localhost, 127.0.0.1 and ::1.
pub fn generate() -> Result<TlsMaterial, String> {
    generate_named("AutoSend Sandbox Test CA")
}

/// Like [`generate`], with the CA's common name (two CAs trusted side by side, e.g. the
/// sandbox's and the misbehaving server's, must not share a subject: OpenSSL picks issuers by
/// name).
pub fn generate_named(ca_name: &str) -> Result<TlsMaterial, String> {
    let err = |e: rcgen::Error| format!("certificate generation failed: {e}");
    let ca_key = KeyPair::generate().map_err(err)?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, ca_name);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params.self_signed(&ca_key).map_err(err)?;
    let issuer = Issuer::new(ca_params, ca_key);

    let leaf_key = KeyPair::generate().map_err(err)?;
    let mut params = CertificateParams::new(vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ])
    .map_err(err)?;
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    let leaf = params.signed_by(&leaf_key, &issuer).map_err(err)?;

    let spki = rcgen::PublicKeyData::subject_public_key_info(&leaf_key);
    let digest = ring::digest::digest(&ring::digest::SHA256, &spki);
    let server_spki_sha256 = base64::engine::general_purpose::STANDARD.encode(digest.as_ref());

    let chain: Vec<CertificateDer<'static>> = vec![leaf.der().clone(), ca_cert.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("tls config: {e}"))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("tls config: {e}"))?;
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsMaterial {
        ca_pem: ca_cert.pem(),
        server_spki_sha256,
        server_config: Arc::new(cfg),
    })
}
