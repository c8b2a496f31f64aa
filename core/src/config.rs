//! Client configuration: the options every binding exposes, validated once here.

use crate::budget_redis::{
    redact_redis_url, validate_redis_url, OnRedisError, DEFAULT_REDIS_TIMEOUT_MS, ENV_REDIS_URL,
};
use crate::error::{Error, ErrorKind};
use crate::key::{ApiKey, KeyKind};
use crate::limiter::RateLimits;
use serde_json::Value;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The production base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.autosend.com/v1";
/// Default per-attempt timeout.
pub const DEFAULT_TIMEOUT_MS: u64 = 30_000;
/// Default number of retries (not attempts).
pub const DEFAULT_MAX_RETRIES: u32 = 3;
/// The core's version, sent in the `User-Agent`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Environment variable with a project (or account) key.
pub const ENV_API_KEY: &str = "AUTOSEND_API_KEY";
/// Environment variable with an account key.
pub const ENV_ACCOUNT_API_KEY: &str = "AUTOSEND_ACCOUNT_API_KEY";
/// Environment variable with the project id for an account key.
pub const ENV_PROJECT_ID: &str = "AUTOSEND_PROJECT_ID";
/// Environment variable overriding the base URL.
pub const ENV_BASE_URL: &str = "AUTOSEND_BASE_URL";

/// What a binding passes to create a client. Plain data; validated by [`ClientConfig::new`].
#[derive(Clone, PartialEq, Eq)]
pub struct ClientOptions {
    /// The API key as given (trimmed and validated later).
    pub api_key: String,
    /// Project id for account keys (`x-project-id`).
    pub project_id: Option<String>,
    /// Base URL; `None` → [`DEFAULT_BASE_URL`].
    pub base_url: Option<String>,
    /// Per-attempt timeout in ms.
    pub timeout_ms: u64,
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// Also retry non-idempotent calls (sends) after 5xx / timeouts. Off by default: it can
    /// deliver a mail twice.
    pub retry_non_idempotent: bool,
    /// Overall deadline per call in ms, including retries and rate-limit waits; `None` →
    /// [`crate::DEFAULT_DEADLINE_MS`] (or the per-attempt timeout if longer).
    pub deadline_ms: Option<u64>,
    /// Rate limits of the key (2/s and 50/min unless AutoSend raised yours).
    pub rate_limits: RateLimits,
    /// The binding's name and version for the `User-Agent`, e.g. `python/0.1.0`.
    pub user_agent: String,
    /// The runtime the binding runs on, for the `User-Agent` (`CPython 3.12.1`,
    /// `node 22.1.0`); empty: not known. Set by the binding, not the user.
    pub runtime: String,
    /// The application using the SDK, appended to the `User-Agent` (Stripe's `appInfo`).
    pub app_info: Option<AppInfo>,
    /// Encrypt request bodies (JWE, RSA-OAEP-256 + A256GCM) with the API's public key from
    /// `GET /jwks.json`; see [`crate::jwe`]. Off by default; a call can override it.
    pub encrypt_payloads: bool,
    /// Redis (or Valkey) holding the key's budget shared by every process
    /// (`redis://host:6379/0`); `None` → process-local budget (or `AUTOSEND_REDIS_URL`).
    pub redis_url: Option<String>,
    /// The binding runs the budget operations on a Redis client of its own (JS `redis`
    /// option) instead of a URL.
    pub redis_client: bool,
    /// What to do when Redis fails.
    pub on_redis_error: OnRedisError,
    /// Longest time one budget operation on Redis may take.
    pub redis_timeout_ms: u64,
    /// An explicit HTTP(S) proxy for every request (`http://user:pass@host:3128`), used by the
    /// native transport instead of `HTTPS_PROXY`/`NO_PROXY`; checked by
    /// [`crate::proxy::parse_proxy_url`]. `None`: the environment's proxy, if any.
    pub proxy: Option<String>,
}

impl std::fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientOptions")
            .field("api_key", &"<redacted>")
            .field("project_id", &self.project_id)
            .field("base_url", &self.base_url)
            .field("timeout_ms", &self.timeout_ms)
            .field("max_retries", &self.max_retries)
            .field("retry_non_idempotent", &self.retry_non_idempotent)
            .field("deadline_ms", &self.deadline_ms)
            .field("rate_limits", &self.rate_limits)
            .field("user_agent", &self.user_agent)
            .field("runtime", &self.runtime)
            .field("app_info", &self.app_info)
            .field("encrypt_payloads", &self.encrypt_payloads)
            .field(
                "redis_url",
                &self.redis_url.as_deref().map(redact_redis_url),
            )
            .field("redis_client", &self.redis_client)
            .field("on_redis_error", &self.on_redis_error)
            .field("redis_timeout_ms", &self.redis_timeout_ms)
            .field(
                "proxy",
                &self
                    .proxy
                    .as_deref()
                    .map(|p| match crate::proxy::parse_proxy_url(p) {
                        Ok(p) => p.redacted().to_string(),
                        Err(_) => "<invalid>".to_string(),
                    }),
            )
            .finish()
    }
}

impl ClientOptions {
    /// Options with defaults for everything but the key.
    pub fn new(api_key: impl Into<String>) -> Self {
        ClientOptions {
            api_key: api_key.into(),
            project_id: None,
            base_url: None,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            max_retries: DEFAULT_MAX_RETRIES,
            retry_non_idempotent: false,
            deadline_ms: None,
            rate_limits: RateLimits::default(),
            user_agent: "rust".to_string(),
            runtime: String::new(),
            app_info: None,
            encrypt_payloads: false,
            redis_url: None,
            redis_client: false,
            on_redis_error: OnRedisError::Fallback,
            redis_timeout_ms: DEFAULT_REDIS_TIMEOUT_MS,
            proxy: None,
        }
    }

    /// Fills key, project id and base URL from the environment, read through `lookup`
    /// (the core never reads the process environment itself). Values already set win.
    ///
    /// Rule: `AUTOSEND_API_KEY` if set; otherwise `AUTOSEND_ACCOUNT_API_KEY` together with
    /// `AUTOSEND_PROJECT_ID`. `AUTOSEND_BASE_URL` overrides the base URL; `AUTOSEND_REDIS_URL`
    /// names the shared budget's Redis unless a Redis URL or client was given.
    pub fn fill_from_env(&mut self, lookup: impl Fn(&str) -> Option<String>) {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        if self.api_key.trim().is_empty() {
            if let Some(k) = get(ENV_API_KEY) {
                self.api_key = k;
            } else if let Some(k) = get(ENV_ACCOUNT_API_KEY) {
                self.api_key = k;
                if self.project_id.is_none() {
                    self.project_id = get(ENV_PROJECT_ID);
                }
            }
        }
        if self.project_id.is_none() && self.api_key.trim_start().starts_with("ASA_") {
            self.project_id = get(ENV_PROJECT_ID);
        }
        if self.base_url.is_none() {
            self.base_url = get(ENV_BASE_URL);
        }
        if self.redis_url.is_none() && !self.redis_client {
            self.redis_url = get(ENV_REDIS_URL);
        }
    }
}

/// A validated client configuration. Cheap to clone.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub(crate) key: ApiKey,
    pub(crate) project_id: Option<String>,
    pub(crate) base_url: String,
    pub(crate) timeout_ms: u64,
    pub(crate) max_retries: u32,
    pub(crate) retry_non_idempotent: bool,
    pub(crate) deadline_ms: Option<u64>,
    /// The deadline was given (not derived from the timeout).
    pub(crate) deadline_given: bool,
    pub(crate) rate_limits: RateLimits,
    pub(crate) user_agent: String,
    pub(crate) encrypt_payloads: bool,
    pub(crate) redis: Option<RedisConfig>,
    pub(crate) proxy: Option<crate::proxy::ProxyUrl>,
}

/// Where the shared budget lives, validated.
#[derive(Clone, PartialEq, Eq)]
pub struct RedisConfig {
    /// The URL, when the transport connects itself (`None`: the binding's own client).
    pub url: Option<String>,
    /// The failure policy.
    pub on_error: OnRedisError,
    /// Longest time one operation may take.
    pub timeout_ms: u64,
}

impl std::fmt::Debug for RedisConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisConfig")
            .field("url", &self.url.as_deref().map(redact_redis_url))
            .field("on_error", &self.on_error)
            .field("timeout_ms", &self.timeout_ms)
            .finish()
    }
}

impl ClientConfig {
    /// Validates options: key, key/project-id combination, base URL, limits.
    pub fn new(opts: ClientOptions) -> Result<ClientConfig, Error> {
        let key = if opts.api_key.trim().is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidApiKey,
                format!("no API key given: pass one, or set {ENV_API_KEY} (or {ENV_ACCOUNT_API_KEY} with {ENV_PROJECT_ID})"),
            ));
        } else {
            ApiKey::parse(&opts.api_key)?
        };
        let project_id = match opts.project_id {
            None => None,
            Some(p) => {
                let p = p.trim().to_string();
                if p.is_empty() {
                    None
                } else {
                    validate_project_id(&p)?;
                    Some(p)
                }
            }
        };
        if key.kind() == KeyKind::Project && project_id.is_some() {
            return Err(Error::new(
                ErrorKind::ProjectIdNotAllowed,
                "a project key (AS_) cannot be combined with a project id",
            ));
        }
        let base_url = normalize_base_url(opts.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        if opts.timeout_ms == 0 {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                "timeout must be greater than zero",
            ));
        }
        if opts.max_retries > 100 {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                "max_retries must be at most 100",
            ));
        }
        opts.rate_limits.validate()?;
        let user_agent = build_user_agent(&opts.user_agent, &opts.runtime, opts.app_info.as_ref())?;
        let redis_url = opts
            .redis_url
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty());
        if let Some(u) = &redis_url {
            validate_redis_url(u)?;
        }
        if opts.redis_timeout_ms == 0 || opts.redis_timeout_ms > 60_000 {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                "redis_timeout_ms must be between 1 and 60000",
            ));
        }
        let redis = (redis_url.is_some() || opts.redis_client).then_some(RedisConfig {
            url: if opts.redis_client { None } else { redis_url },
            on_error: opts.on_redis_error,
            timeout_ms: opts.redis_timeout_ms,
        });
        let proxy = match opts.proxy.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(p) => Some(crate::proxy::check_proxy(p, &base_url)?),
        };
        Ok(ClientConfig {
            redis,
            proxy,
            key,
            project_id,
            base_url,
            timeout_ms: opts.timeout_ms,
            max_retries: opts.max_retries,
            retry_non_idempotent: opts.retry_non_idempotent,
            deadline_ms: Some(
                opts.deadline_ms
                    .unwrap_or_else(|| crate::limits::default_deadline_ms(opts.timeout_ms)),
            ),
            deadline_given: opts.deadline_ms.is_some(),
            rate_limits: opts.rate_limits,
            user_agent,
            encrypt_payloads: opts.encrypt_payloads,
        })
    }

    /// The configuration of one call with its own `timeout_ms` / `max_retries` (same rules
    /// as the client's options; an error names `timeout` or `max_retries`). A deadline the
    /// client did not set follows the call's timeout as it would the client's.
    pub fn for_call(&self, o: &CallOptions) -> Result<ClientConfig, Error> {
        let mut c = self.clone();
        if let Some(t) = o.timeout_ms {
            if t == 0 {
                return Err(config_error(
                    "timeout",
                    "timeout must be greater than zero".into(),
                ));
            }
            c.timeout_ms = t;
            if !c.deadline_given {
                c.deadline_ms = Some(crate::limits::default_deadline_ms(t));
            }
        }
        if let Some(r) = o.max_retries {
            if r > 100 {
                return Err(config_error(
                    "max_retries",
                    "max_retries must be at most 100".into(),
                ));
            }
            c.max_retries = r;
        }
        Ok(c)
    }

    /// The same configuration with another key (key rotation). The new key must fit the
    /// project id rule just as at construction.
    pub fn with_api_key(&self, api_key: &str) -> Result<ClientConfig, Error> {
        let key = ApiKey::parse(api_key)?;
        if key.kind() == KeyKind::Project && self.project_id.is_some() {
            return Err(Error::new(
                ErrorKind::ProjectIdNotAllowed,
                "a project key (AS_) cannot be combined with the client's project id",
            ));
        }
        let mut c = self.clone();
        c.key = key;
        Ok(c)
    }

    /// The key.
    pub fn key(&self) -> &ApiKey {
        &self.key
    }
    /// The project id, if any.
    pub fn project_id(&self) -> Option<&str> {
        self.project_id.as_deref()
    }
    /// Whether calls encrypt their bodies by default (JWE).
    pub fn encrypt_payloads(&self) -> bool {
        self.encrypt_payloads
    }
    /// The normalised base URL (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
    /// Per-attempt timeout.
    pub fn timeout_ms(&self) -> u64 {
        self.timeout_ms
    }
    /// Retries after the first attempt.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }
    /// The key's rate limits.
    pub fn rate_limits(&self) -> RateLimits {
        self.rate_limits
    }
    /// The `User-Agent` sent.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }
    /// The shared budget on Redis, if configured.
    pub fn redis(&self) -> Option<&RedisConfig> {
        self.redis.as_ref()
    }
    /// The explicit proxy, if configured (`None`: the transport follows the environment).
    pub fn proxy(&self) -> Option<&crate::proxy::ProxyUrl> {
        self.proxy.as_ref()
    }
}

fn validate_project_id(p: &str) -> Result<(), Error> {
    if p.len() > 128 || !p.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::new(
            ErrorKind::InvalidConfig,
            "project_id must be printable ASCII without spaces (copy it from Project Settings > General)",
        ));
    }
    Ok(())
}

/// Checks and normalises a base URL: HTTPS, or HTTP only to a loopback host.
pub fn normalize_base_url(input: &str) -> Result<String, Error> {
    let bad = |m: &str| Error::new(ErrorKind::InvalidBaseUrl, m.to_string());
    // The URL parser silently drops tabs and line breaks; refuse them instead.
    if input.trim().chars().any(char::is_control) {
        return Err(bad("the base URL contains control characters"));
    }
    let parsed =
        url::Url::parse(input.trim()).map_err(|_| bad("the base URL is not a valid URL"))?;
    if parsed.username() != "" || parsed.password().is_some() {
        return Err(bad("the base URL must not contain credentials"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(bad("the base URL must not have a query or fragment"));
    }
    match parsed.scheme() {
        "https" => {}
        "http" => {
            let loopback = match parsed.host() {
                Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
                Some(url::Host::Ipv6(ip)) => {
                    ip == Ipv6Addr::LOCALHOST
                        || ip
                            .to_ipv4_mapped()
                            .is_some_and(|v4: Ipv4Addr| v4.is_loopback())
                }
                None => false,
            };
            if !loopback {
                return Err(bad("plain http:// would send the API key in clear text; use https:// (http is allowed only for localhost)"));
            }
        }
        _ => return Err(bad("the base URL must start with https://")),
    }
    if parsed.host().is_none() {
        return Err(bad("the base URL has no host"));
    }
    let s = parsed.as_str().trim_end_matches('/').to_string();
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        assert_eq!(
            normalize_base_url("https://api.autosend.com/v1/").unwrap(),
            "https://api.autosend.com/v1"
        );
        for ok in [
            "http://localhost:8080/v1",
            "http://127.0.0.1:1/v1",
            "http://127.9.9.9/v1",
            "http://[::1]:99/v1",
        ] {
            normalize_base_url(ok).unwrap();
        }
        for bad in [
            "http://api.autosend.com/v1",
            "http://10.0.0.1/v1",
            "ftp://x/",
            "not a url",
            "https://u:p@x/v1",
            "http://localhost.evil.com/v1",
        ] {
            assert_eq!(
                normalize_base_url(bad).unwrap_err().kind(),
                ErrorKind::InvalidBaseUrl,
                "{bad}"
            );
        }
    }

    #[test]
    fn env_rules() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let mut o = ClientOptions::new("");
        o.fill_from_env(env(&[
            ("AUTOSEND_API_KEY", "AS_a1"),
            ("AUTOSEND_ACCOUNT_API_KEY", "ASA_b1"),
        ]));
        assert_eq!(o.api_key, "AS_a1");
        assert_eq!(o.project_id, None);
        let mut o = ClientOptions::new("");
        o.fill_from_env(env(&[
            ("AUTOSEND_ACCOUNT_API_KEY", "ASA_b1"),
            ("AUTOSEND_PROJECT_ID", "p1"),
        ]));
        assert_eq!(
            (o.api_key.as_str(), o.project_id.as_deref()),
            ("ASA_b1", Some("p1"))
        );
        let mut o = ClientOptions::new("AS_explicit");
        o.fill_from_env(env(&[("AUTOSEND_API_KEY", "AS_env")]));
        assert_eq!(o.api_key, "AS_explicit");
    }

    #[test]
    fn key_and_project_rules() {
        let mut o = ClientOptions::new("AS_abc");
        o.project_id = Some("p1".into());
        assert_eq!(
            ClientConfig::new(o).unwrap_err().kind(),
            ErrorKind::ProjectIdNotAllowed
        );
        let mut o = ClientOptions::new("ASA_abc");
        o.project_id = Some("p 1".into());
        assert_eq!(
            ClientConfig::new(o).unwrap_err().kind(),
            ErrorKind::InvalidConfig
        );
        let e = ClientConfig::new(ClientOptions::new("")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidApiKey);
        assert!(e.message().contains("AUTOSEND_API_KEY"));
    }

    #[test]
    fn debug_of_options_and_config_hides_key() {
        let mut o = ClientOptions::new("AS_CanarySecret123456");
        o.proxy = Some("http://user:CanaryProxyPass@proxy.example:3128".into());
        let c = ClientConfig::new(o.clone()).unwrap();
        let shown = format!("{o:?} {c:?}");
        assert!(!shown.contains("CanarySecret"), "{shown}");
        assert!(!shown.contains("CanaryProxyPass"), "{shown}");
        assert!(shown.contains("http://proxy.example:3128"), "{shown}");
        assert_eq!(
            c.proxy().map(|p| p.as_str()),
            Some("http://user:CanaryProxyPass@proxy.example:3128")
        );
        o.proxy = Some("  ".into());
        assert!(ClientConfig::new(o).unwrap().proxy().is_none());
    }
}

/// Per-call overrides of the client's options: Python `request(..., timeout=, max_retries=)`,
/// JS request options `{ timeout, maxRetries, encrypt }`, Rust `call_opts`, C
/// `autosend_client_call_opts`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallOptions {
    /// Payload encryption for this call (`None`: the client's `encrypt_payloads`).
    pub encrypt: Option<bool>,
    /// Per-attempt timeout in ms (`None`: the client's).
    pub timeout_ms: Option<u64>,
    /// Retries after the first attempt (`None`: the client's).
    pub max_retries: Option<u32>,
}

/// Longest `app_info` name or version, in characters.
pub const MAX_APP_INFO_PART: usize = 100;
/// Longest `app_info` URL, in characters.
pub const MAX_APP_INFO_URL: usize = 200;

/// The application using the SDK, named in the `User-Agent` so AutoSend (and proxies) can
/// tell integrations apart: `name/version (+url)`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AppInfo {
    /// The application's name (`MyShop`); required.
    pub name: String,
    /// Its version (`1.4.2`).
    pub version: Option<String>,
    /// A URL about it (`https://myshop.example`).
    pub url: Option<String>,
}

impl AppInfo {
    /// Reads `{"name", "version"?, "url"?}` (the same names in every language); `field` is the
    /// option's name in the binding (`app_info`, `appInfo`) for the error. `null` → `None`.
    pub fn from_json(v: &Value, field: &str) -> Result<Option<AppInfo>, Error> {
        let obj = match v {
            Value::Null => return Ok(None),
            Value::Object(o) => o,
            _ => {
                return Err(config_error(
                    field,
                    format!("{field} must be an object {{name, version?, url?}}"),
                ))
            }
        };
        let text = |k: &str| -> Result<Option<String>, Error> {
            match obj.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(config_error(
                    &format!("{field}.{k}"),
                    format!("{field}.{k} must be a string"),
                )),
            }
        };
        if let Some(k) = obj
            .keys()
            .find(|k| !matches!(k.as_str(), "name" | "version" | "url"))
        {
            return Err(config_error(
                &format!("{field}.{k}"),
                format!("{field} has an unknown field {k:?}: use name, version and url"),
            ));
        }
        let app = AppInfo {
            name: text("name")?.unwrap_or_default(),
            version: text("version")?,
            url: text("url")?,
        };
        app.render(field)?;
        Ok(Some(app))
    }

    /// The `User-Agent` part `name/version (+url)`; a refusal names `<field>.name`,
    /// `<field>.version` or `<field>.url`.
    pub fn render(&self, field: &str) -> Result<String, Error> {
        let f = |k: &str| format!("{field}.{k}");
        let mut out = ua_token(&f("name"), &self.name, MAX_APP_INFO_PART, false)?;
        if let Some(v) = &self.version {
            out.push('/');
            out.push_str(&ua_token(&f("version"), v, MAX_APP_INFO_PART, false)?);
        }
        if let Some(u) = &self.url {
            let u = ua_token(&f("url"), u, MAX_APP_INFO_URL, true)?;
            if !(u.starts_with("https://") || u.starts_with("http://")) {
                return Err(config_error(
                    &f("url"),
                    format!("{} must start with https:// or http://", f("url")),
                ));
            }
            out.push_str(&format!(" (+{u})"));
        }
        Ok(out)
    }
}

fn config_error(field: &str, message: String) -> Error {
    Error::new(ErrorKind::InvalidConfig, message).with_field(field)
}

/// A `User-Agent` token: printable ASCII without spaces, parentheses or `/` separators beyond
/// what the part needs.
fn ua_token(field: &str, value: &str, max: usize, slash_ok: bool) -> Result<String, Error> {
    let v = value.trim();
    if v.is_empty() {
        return Err(config_error(
            field,
            format!("{field} is empty: give a short name such as \"MyShop\""),
        ));
    }
    if v.chars().count() > max {
        return Err(config_error(
            field,
            format!("{field} is longer than {max} characters"),
        ));
    }
    if let Some(c) = v.chars().find(|c| {
        !c.is_ascii_graphic()
            || matches!(c, '(' | ')' | '"' | '\\' | ';' | ',' | '<' | '>')
            || (!slash_ok && *c == '/')
    }) {
        return Err(config_error(
            field,
            format!("{field} contains {c:?}: use letters, digits and . _ - + only (no spaces)"),
        ));
    }
    Ok(v.to_string())
}

/// The `User-Agent` every language sends, decided here:
/// `autosend/<core version> <binding>/<version> (<runtime>) <app>/<app version> (+<url>)`;
/// parts that are not known are left out. `binding` and `runtime` come from the binding
/// (printable ASCII kept); `app` is the user's [`AppInfo`], checked (an error names the field).
pub fn build_user_agent(
    binding: &str,
    runtime: &str,
    app: Option<&AppInfo>,
) -> Result<String, Error> {
    let clean = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_ascii_graphic() || *c == ' ')
            .filter(|c| !matches!(c, '(' | ')'))
            .collect::<String>()
            .trim()
            .to_string()
    };
    let mut ua = format!("autosend/{VERSION}");
    let binding = clean(binding);
    if !binding.is_empty() {
        ua.push(' ');
        ua.push_str(&binding);
    }
    let runtime = clean(runtime);
    if !runtime.is_empty() {
        ua.push_str(&format!(" ({runtime})"));
    }
    if let Some(app) = app {
        ua.push(' ');
        ua.push_str(&app.render("app_info")?);
    }
    Ok(ua)
}
