//! The `proxy` client option: an explicit HTTP(S) proxy for every request of one client,
//! checked once here for every binding (Rust, Python, C) that runs the native transport.
//!
//! Without it the native transport follows `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` /
//! `NO_PROXY`; with it those variables are ignored for that client. The URL may carry
//! credentials (`http://user:pass@proxy:3128`): they never appear in `Debug`, errors or events.

use crate::error::{Error, ErrorKind};
use std::net::IpAddr;

/// A validated proxy URL. `Debug` shows only scheme, host and port.
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyUrl {
    url: String,
    redacted: String,
    loopback: bool,
}

impl ProxyUrl {
    /// The full URL (with any credentials) for the transport.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// `scheme://host:port`, without credentials: safe to log.
    pub fn redacted(&self) -> &str {
        &self.redacted
    }

    /// The proxy runs on this machine (`localhost`, 127.0.0.0/8, `::1`).
    pub fn is_loopback(&self) -> bool {
        self.loopback
    }
}

impl std::fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("ProxyUrl").field(&self.redacted).finish()
    }
}

/// The error for a proxy that cannot be used (`invalid_config`, field `proxy`); `message`
/// must not hold the URL's credentials.
pub fn proxy_error(message: &str) -> Error {
    Error::new(ErrorKind::InvalidConfig, format!("proxy: {message}")).with_field("proxy")
}

/// Checks a proxy URL: `http://` or `https://`, a host, an optional port and credentials, no
/// path, query or fragment. Errors are `invalid_config` naming `proxy` and never repeat the
/// value (it may hold a password).
pub fn parse_proxy_url(input: &str) -> Result<ProxyUrl, Error> {
    let input = input.trim();
    if input.chars().any(char::is_control) {
        return Err(proxy_error("the proxy URL contains control characters"));
    }
    let parsed = url::Url::parse(input).map_err(|_| {
        proxy_error("not a valid URL; give it as http://host:port (or https://user:pass@host:port)")
    })?;
    match parsed.scheme() {
        "http" | "https" => {}
        _ => {
            return Err(proxy_error(
                "only http:// and https:// proxies are supported (the request is tunnelled with CONNECT)",
            ))
        }
    }
    let Some(host) = parsed.host() else {
        return Err(proxy_error("the proxy URL has no host"));
    };
    if parsed.path() != "/" && !parsed.path().is_empty()
        || parsed.query().is_some()
        || parsed.fragment().is_some()
    {
        return Err(proxy_error(
            "the proxy URL must not have a path, query or fragment: give only http://host:port",
        ));
    }
    let loopback = match host {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => IpAddr::V4(ip).is_loopback(),
        url::Host::Ipv6(ip) => {
            IpAddr::V6(ip).is_loopback() || ip.to_ipv4_mapped().is_some_and(|v| v.is_loopback())
        }
    };
    let port = parsed
        .port_or_known_default()
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    let redacted = format!("{}://{}{}", parsed.scheme(), host, port);
    Ok(ProxyUrl {
        url: input.to_string(),
        redacted,
        loopback,
    })
}

/// The proxy of a client whose base URL is `base_url` (normalised). A plain `http://` base URL
/// (allowed only for loopback) would hand the API key to the proxy in clear text, so it is
/// accepted only with a proxy on this machine too.
pub(crate) fn check_proxy(input: &str, base_url: &str) -> Result<ProxyUrl, Error> {
    let p = parse_proxy_url(input)?;
    if base_url.starts_with("http://") && !p.is_loopback() {
        return Err(proxy_error(
            "the base URL is plain http://, so the API key would reach the proxy in clear text; \
             use an https:// base URL, or a proxy on localhost",
        ));
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_urls() {
        let p = parse_proxy_url(" http://user:s3cretPass@proxy.example:3128 ").unwrap();
        assert_eq!(p.as_str(), "http://user:s3cretPass@proxy.example:3128");
        assert_eq!(p.redacted(), "http://proxy.example:3128");
        assert!(!format!("{p:?}").contains("s3cret"));
        assert!(!p.is_loopback());
        assert!(parse_proxy_url("http://127.0.0.1:8080/")
            .unwrap()
            .is_loopback());
        assert!(parse_proxy_url("https://[::1]:1").unwrap().is_loopback());
        assert_eq!(
            parse_proxy_url("https://localhost").unwrap().redacted(),
            "https://localhost:443"
        );
        for bad in [
            "socks5://127.0.0.1:1080",
            "proxy.example:3128",
            "http://proxy.example:3128/path",
            "http://proxy.example:3128/?q=1",
            "http://pro\nxy:1",
            "http://user:s3cretPass@:3128",
        ] {
            let e = parse_proxy_url(bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidConfig, "{bad}");
            assert_eq!(e.field(), Some("proxy"), "{bad}");
            assert!(!e.to_string().contains("s3cret"), "{e}");
        }
    }

    #[test]
    fn plain_http_base_url_needs_a_local_proxy() {
        check_proxy("http://127.0.0.1:9", "http://127.0.0.1:8080/v1").unwrap();
        check_proxy("http://proxy.example:3128", "https://api.autosend.com/v1").unwrap();
        let e = check_proxy("http://proxy.example:3128", "http://127.0.0.1:8080/v1").unwrap_err();
        assert_eq!(e.field(), Some("proxy"));
    }
}
