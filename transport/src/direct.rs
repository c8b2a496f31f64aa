//! The HTTP stack when no proxy applies: hyper-util's pooled client over hyper-rustls, set up
//! as reqwest sets up its own (the same crates, the same defaults), without reqwest's layers.
//!
//! reqwest parses every request's URL twice (its pending future and its redirect policy, even
//! with redirects off) and wraps every request and body in layers the transport does not use
//! (proxy matching, redirects, its own timeouts). Per send that was ~30 k instructions and
//! ~20 µs of latency on loopback; the C library paid it on every call. A proxy (the client's
//! own or one from the environment) still goes through reqwest ([`crate::Http`]), which
//! implements proxies, `NO_PROXY` and proxy authentication.
//!
//! What reqwest does and this keeps:
//! - rustls with ring, TLS 1.2 and 1.3, the webpki roots plus the extra CA, ALPN `h2` and
//!   `http/1.1`;
//! - TCP_NODELAY, TCP keep-alive (15 s, every 15 s, 3 probes), `TCP_USER_TIMEOUT` 30 s on
//!   Linux, happy eyeballs (300 ms);
//! - the connect timeout around TCP connect *and* TLS handshake, reported as a connect
//!   failure (the request was never written);
//! - a pool that keeps idle connections 90 s, and a request on a pooled connection that the
//!   server had closed before it was written is retried by hyper-util on a new one (never a
//!   request that may have been written).

use autosend::{Error, ErrorKind, TransportErrorKind};
use bytes::Bytes;
use http_body_util::Full;
use hyper_rustls::{HttpsConnector, MaybeHttpsStream};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

/// The environment variables that make reqwest use a proxy (either case). With none of them
/// set and no proxy in the client's configuration, no proxy applies and [`Direct`] is used.
pub(crate) const PROXY_ENV_VARS: [&str; 6] = [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// Whether a proxy variable is set (and not empty) in this process's environment.
pub(crate) fn env_proxy_set() -> bool {
    PROXY_ENV_VARS
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type Stream = MaybeHttpsStream<TokioIo<tokio::net::TcpStream>>;

/// The connector: TCP (+ TLS for `https`), the whole within the connect timeout.
#[derive(Clone)]
pub(crate) struct Bounded {
    inner: HttpsConnector<HttpConnector>,
    limit: Duration,
}

/// What a connect that ran out of time reports (it becomes `connect`: nothing was written).
#[derive(Debug)]
struct ConnectTimedOut;

impl std::fmt::Display for ConnectTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("no connection within the connect timeout")
    }
}

impl std::error::Error for ConnectTimedOut {}

impl tower_service::Service<http::Uri> for Bounded {
    type Response = Stream;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Stream, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, dst: http::Uri) -> Self::Future {
        let connecting = self.inner.call(dst);
        let limit = self.limit;
        Box::pin(async move {
            match tokio::time::timeout(limit, connecting).await {
                Ok(r) => r,
                Err(_) => Err(Box::new(ConnectTimedOut) as BoxError),
            }
        })
    }
}

/// The extra CA certificates of `pem` (at least one), DER.
fn extra_roots(pem: &[u8]) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>, Error> {
    use rustls::pki_types::pem::PemObject;
    let bad = || {
        autosend::limits::ca_file_error(
            "the CA file holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
        )
    };
    let certs = rustls::pki_types::CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| bad())?;
    if certs.is_empty() {
        return Err(bad());
    }
    Ok(certs)
}

/// The TLS configuration: ring, TLS 1.2 and 1.3, the webpki roots plus the extra CA.
pub(crate) fn tls_config(tls: &crate::TlsOptions) -> Result<rustls::ClientConfig, Error> {
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    if let Some(pem) = &tls.ca_cert_pem {
        for der in extra_roots(pem)? {
            roots.add(der).map_err(|e| {
                autosend::limits::ca_file_error(format!(
                    "the CA file holds a certificate that cannot be used as a root: {e}"
                ))
            })?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(rustls::ALL_VERSIONS)
        .map_err(|e| {
            Error::new(
                ErrorKind::Internal,
                format!("cannot set up TLS: {e}; nothing was sent"),
            )
        })?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(cfg)
}

/// The direct client, with the URL it converted last (a client calls the same few URLs).
pub(crate) struct Direct {
    client: hyper_util::client::legacy::Client<Bounded, Full<Bytes>>,
    last_uri: Mutex<Option<(String, http::Uri)>>,
}

impl Direct {
    /// `connect_timeout`: TCP connect plus TLS handshake.
    pub(crate) fn new(tls: rustls::ClientConfig, connect_timeout: Duration) -> Direct {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_keepalive(Some(Duration::from_secs(15)));
        http.set_keepalive_interval(Some(Duration::from_secs(15)));
        http.set_keepalive_retries(Some(3));
        #[cfg(any(target_os = "android", target_os = "fuchsia", target_os = "linux"))]
        http.set_tcp_user_timeout(Some(Duration::from_secs(30)));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_all_versions()
            .wrap_connector(http);
        let connector = Bounded {
            inner: https,
            limit: connect_timeout,
        };
        let client = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
            .timer(TokioTimer::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(Duration::from_secs(90))
            .build(connector);
        Direct {
            client,
            last_uri: Mutex::new(None),
        }
    }

    /// `url` as a URI: parsed as reqwest parses it (WHATWG rules, IDNA hosts to ASCII), then
    /// converted as reqwest converts it. `None` when it cannot be sent.
    pub(crate) fn uri(&self, url: &str) -> Option<http::Uri> {
        let mut last = self.last_uri.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((s, u)) = last.as_ref() {
            if s == url {
                return Some(u.clone());
            }
        }
        let parsed = reqwest::Url::parse(url).ok()?;
        let uri: http::Uri = parsed.as_str().parse().ok()?;
        *last = Some((url.to_string(), uri.clone()));
        Some(uri)
    }

    /// Sends one request; the answer's head, its body still to be read.
    pub(crate) async fn send(
        &self,
        req: http::Request<Full<Bytes>>,
    ) -> Result<http::Response<hyper::body::Incoming>, TransportErrorKind> {
        self.client.request(req).await.map_err(|e| classify(&e))
    }
}

/// Only a failure to connect (the connect timeout included) proves nothing was sent.
fn classify(e: &hyper_util::client::legacy::Error) -> TransportErrorKind {
    if e.is_connect() {
        TransportErrorKind::Connect
    } else {
        TransportErrorKind::ConnectionLost
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_roots_reads_every_certificate_and_rejects_none() {
        let one = "-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----\n";
        assert_eq!(extra_roots(one.as_bytes()).unwrap().len(), 1);
        let two = format!("junk before\n{one}{one}");
        assert_eq!(extra_roots(two.as_bytes()).unwrap().len(), 2);
        let e = extra_roots(b"no certificate here").unwrap_err();
        assert!(e.to_string().contains("no PEM certificate"), "{e}");
    }

    #[test]
    fn uri_is_reused_for_the_same_url_and_converted_like_reqwest() {
        let d = Direct::new(
            tls_config(&crate::TlsOptions::default()).unwrap(),
            Duration::from_secs(1),
        );
        let u = d.uri("https://api.example.com/v1/mails/send").unwrap();
        assert_eq!(u, "https://api.example.com/v1/mails/send");
        assert_eq!(d.uri("https://api.example.com/v1/mails/send").unwrap(), u);
        // IDNA host to ASCII, as reqwest sends it.
        let i = d.uri("https://bücher.example/v1/x").unwrap();
        assert_eq!(i.host(), Some("xn--bcher-kva.example"));
        assert!(d.uri("not a url").is_none());
    }
}
