//! # autosend-http — the native transport of the AutoSend SDK
//!
//! Sends the plain-data requests of the `autosend` core over HTTPS (hyper-util + rustls;
//! reqwest when a proxy applies) and runs the core's call loop: `poll` → send / sleep → feed
//! the outcome back. No rule about headers, limits or retries lives here; they are all in the
//! core. Shared by Rust users, the Python wheel and the C library.
//!
//! ```no_run
//! use autosend::{ClientOptions, types::{Address, SendEmail}};
//! let client = autosend_http::blocking::Client::new(
//!     ClientOptions::new("AS_yourkey"),
//!     autosend_http::TlsOptions::default(),
//! ).unwrap();
//! let mut mail = SendEmail::new(
//!     Address::new("hello@mail.example.com"),
//!     Address::new("ada@example.com"),
//!     "Hello",
//! );
//! mail.html = Some("<p>Hi Ada</p>".into());
//! let sent = client.send_email(&mail).unwrap();
//! println!("queued {}", sent.email_id);
//! ```
//!
//! ## Typed endpoints
//!
//! Every endpoint of the API has a typed method, grouped by resource and generated from the
//! API description ([`endpoints`]): params are `autosend::models::<Namespace><Method>Params`
//! (path, query and body fields in one struct), results the schema's type, read leniently.
//! Each method has a `*_with_response` twin returning [`Response<T>`] (the typed value plus
//! the request id, message and attempts); binary endpoints have a `*_bytes` variant returning
//! a [`Download`]; paged lists have a `*_all` variant fetching every page. Untyped access stays
//! available: `client.call(id, json)`.
//!
//! ```no_run
//! use autosend::models::{TemplatesCreateParams, InboundAttachmentParams};
//! # fn main() -> Result<(), autosend::Error> {
//! let client = autosend_http::blocking::Client::new(
//!     autosend::ClientOptions::new("AS_yourkey"),
//!     autosend_http::TlsOptions::default(),
//! )?;
//! let mut p = TemplatesCreateParams::new("Welcome", "Hi {{firstName}}");
//! p.email_template = Some("<p>Hi {{firstName}}</p>".into());
//! let created = client.templates().create_with_response(&p)?;
//! println!("{} (request {:?})", created.data.template_id, created.request_id());
//! let file = client
//!     .inbound()
//!     .attachment_bytes(&InboundAttachmentParams::new("msg-id", "0"))?;
//! println!("{} bytes of {:?}", file.bytes.len(), file.content_type);
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use autosend::{ApiResponse, Error, ErrorKind, Request, TransportErrorKind};
use std::sync::{Arc, OnceLock, RwLock};
use std::time::{Duration, Instant};

mod async_client;
#[cfg(feature = "blocking")]
pub mod blocking;
mod direct;
pub mod driver;
pub mod paging;
#[cfg(feature = "redis")]
mod redis_store;
#[rustfmt::skip]
pub mod endpoints;

pub use async_client::Client;
pub use driver::{Answer, Driver, Outcome};
pub use endpoints::*;

/// TLS settings.
#[derive(Clone, Default)]
pub struct TlsOptions {
    /// Extra trusted root certificate(s), PEM (for a local sandbox's CA).
    pub ca_cert_pem: Option<Vec<u8>>,
}

impl std::fmt::Debug for TlsOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsOptions")
            .field("ca_cert_pem", &self.ca_cert_pem.as_ref().map(|p| p.len()))
            .finish()
    }
}

impl TlsOptions {
    /// Reads a PEM CA file (at most [`autosend::MAX_CA_FILE_BYTES`]: a larger file, or an
    /// endless one such as `/dev/zero`, is an `invalid_config` error naming `ca_file`).
    pub fn with_ca_file(path: &std::path::Path) -> Result<TlsOptions, Error> {
        Ok(TlsOptions {
            ca_cert_pem: Some(read_ca_file(path)?),
        })
    }

    fn certificates(&self) -> Result<Vec<reqwest::Certificate>, Error> {
        match &self.ca_cert_pem {
            None => Ok(Vec::new()),
            Some(pem) => {
                let bad = || {
                    autosend::limits::ca_file_error(
                        "the CA file holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
                    )
                };
                let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(|_| bad())?;
                if certs.is_empty() {
                    return Err(bad());
                }
                Ok(certs)
            }
        }
    }
}

/// Reads a CA file of at most [`autosend::MAX_CA_FILE_BYTES`] without ever holding more than
/// that limit (plus one byte) in memory. Errors are `invalid_config` and name `ca_file`.
pub fn read_ca_file(path: &std::path::Path) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let limit = autosend::MAX_CA_FILE_BYTES;
    let fail = autosend::limits::ca_file_error;
    let file = std::fs::File::open(path)
        .map_err(|e| fail(format!("cannot read {}: {e}", path.display())))?;
    let mut pem = Vec::new();
    file.take(limit as u64 + 1)
        .read_to_end(&mut pem)
        .map_err(|e| fail(format!("cannot read {}: {e}", path.display())))?;
    if pem.len() > limit {
        return Err(fail(format!(
            "{} is larger than {} bytes; pass the PEM file of the CA certificate(s)",
            path.display(),
            limit
        )));
    }
    Ok(pem)
}

/// Blocks `SIGPIPE` in the calling thread; threads it starts later inherit the mask. Every
/// thread of this crate's runtimes runs this first, so a write to a connection the server
/// reset fails with `EPIPE` (reported as `connection_lost`) instead of killing a host
/// program whose `SIGPIPE` disposition is the default (C programs, Python CLIs that restore
/// `SIG_DFL`). The process's signal dispositions are never changed. No-op off Unix.
pub fn block_sigpipe() {
    #[cfg(unix)]
    {
        use nix::sys::signal::{SigSet, Signal};
        let mut set = SigSet::empty();
        set.add(Signal::SIGPIPE);
        let _ = set.thread_block();
    }
}

/// Runs `f` with `SIGPIPE` blocked in the calling thread (threads `f` starts inherit the mask),
/// then restores the thread's mask, also if `f` panics.
pub fn with_sigpipe_blocked<T>(f: impl FnOnce() -> T) -> T {
    #[cfg(unix)]
    {
        use nix::sys::signal::{SigSet, SigmaskHow, Signal};
        struct Restore(Option<SigSet>);
        impl Drop for Restore {
            fn drop(&mut self) {
                if let Some(old) = &self.0 {
                    let _ =
                        nix::sys::signal::pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(old), None);
                }
            }
        }
        let mut set = SigSet::empty();
        set.add(Signal::SIGPIPE);
        let mut old = SigSet::empty();
        let ok =
            nix::sys::signal::pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&set), Some(&mut old))
                .is_ok();
        let _restore = Restore(ok.then_some(old));
        f()
    }
    #[cfg(not(unix))]
    {
        f()
    }
}

/// A tokio runtime builder whose threads (workers and the blocking pool that resolves names)
/// start with `SIGPIPE` blocked ([`block_sigpipe`]). Bindings that run the async client on
/// their own runtime build it from this.
pub fn runtime_builder() -> tokio::runtime::Builder {
    let mut b = tokio::runtime::Builder::new_multi_thread();
    b.enable_all().on_thread_start(block_sigpipe);
    b
}

/// Milliseconds on the process-wide monotonic clock that every client of this crate feeds to
/// the core. Limiters are shared per key across the process, so every caller that drives the
/// core by hand (the C sans-IO API, say) next to these clients must use this same clock.
pub fn now_ms() -> u64 {
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    ORIGIN.get_or_init(Instant::now).elapsed().as_millis() as u64
}

/// Gives an encrypting call the random bytes it needs ([`autosend::Call::entropy_needed`])
/// from the operating system's CSPRNG (`getrandom`). A no-op for plain calls. Callers that
/// drive the core by hand (the C and Python sans-IO APIs) use it too.
pub fn fill_entropy(call: &mut autosend::Call) -> Result<(), Error> {
    let n = call.entropy_needed();
    if n == 0 {
        return Ok(());
    }
    let mut buf = zeroize::Zeroizing::new(vec![0u8; n]);
    getrandom::fill(&mut buf).map_err(|_| {
        Error::new(
            ErrorKind::Internal,
            "the operating system's random number generator failed; nothing was sent",
        )
    })?;
    call.provide_entropy(&buf)
}

/// Receives the notices of the shared budget on Redis (an outage and the fallback to the
/// process-local budget, its end), once each. Without one they go to stderr.
pub type BudgetListener = Arc<dyn Fn(&autosend::BudgetNotice) + Send + Sync>;

/// Receives the structured events of every call ([`autosend::Event`]: request sent, answer,
/// transport failure, retry, rate-limit wait, budget notice, end of the call), on the thread
/// that drives the call. Events also go to the `log` facade (target `autosend`) whether or
/// not a listener is set; a call records none when neither listens.
pub type EventListener = Arc<dyn Fn(&autosend::Event) + Send + Sync>;

/// The `log` target of call events.
pub const LOG_TARGET: &str = "autosend";

fn log_level(e: &autosend::Event) -> log::Level {
    match e.level() {
        "debug" => log::Level::Debug,
        _ => log::Level::Info,
    }
}

/// State shared by the blocking and async clients: the core client (behind a lock, so keys
/// can rotate at run time), the [`Driver`] (seeds, events) and the Redis connection of the
/// shared budget.
pub(crate) struct Shared {
    /// Behind an `Arc`: a call borrows the client without cloning its configuration.
    core: RwLock<Arc<autosend::Client>>,
    pub(crate) driver: Driver,
    #[cfg(feature = "redis")]
    redis: Option<redis_store::RedisStore>,
    listener: RwLock<Option<BudgetListener>>,
}

impl Shared {
    pub(crate) fn new(core: autosend::Client) -> Result<Arc<Shared>, Error> {
        #[cfg(feature = "redis")]
        let redis = match core.config().redis().and_then(|r| r.url.as_deref()) {
            Some(url) => Some(redis_store::RedisStore::new(url)?),
            None => None,
        };
        Ok(Arc::new(Shared {
            core: RwLock::new(Arc::new(core)),
            driver: Driver::new(),
            #[cfg(feature = "redis")]
            redis,
            listener: RwLock::new(None),
        }))
    }

    pub(crate) fn set_listener(&self, l: Option<BudgetListener>) {
        *self.listener.write().unwrap_or_else(|p| p.into_inner()) = l;
    }

    fn report(&self) {
        let core = self.core();
        let notices = core.take_budget_notices();
        if notices.is_empty() {
            return;
        }
        let l = self
            .listener
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        for n in notices {
            match &l {
                Some(l) => l(&n),
                None => eprintln!("autosend: {}", n.message),
            }
        }
    }

    /// Runs one budget operation of `call` on Redis (blocking) and feeds the outcome back.
    pub(crate) fn budget_blocking(&self, call: &mut autosend::Call, op: &autosend::BudgetOp) {
        #[cfg(feature = "redis")]
        let r = match &self.redis {
            Some(r) => r.run_blocking(op),
            None => Err("no Redis connection for this client".to_string()),
        };
        #[cfg(not(feature = "redis"))]
        let r: Result<serde_json::Value, String> = {
            let _ = op;
            Err("autosend-http was built without its redis feature".to_string())
        };
        match r {
            Ok(v) => call.handle_budget_reply(self.now(), &v),
            Err(why) => call.handle_budget_error(self.now(), &why),
        }
        self.report();
    }

    /// Runs one budget operation of `call` on Redis (async) and feeds the outcome back.
    pub(crate) async fn budget_async(&self, call: &mut autosend::Call, op: &autosend::BudgetOp) {
        #[cfg(feature = "redis")]
        let r = match &self.redis {
            Some(r) => r.run_async(op).await,
            None => Err("no Redis connection for this client".to_string()),
        };
        #[cfg(not(feature = "redis"))]
        let r: Result<serde_json::Value, String> = {
            let _ = op;
            Err("autosend-http was built without its redis feature".to_string())
        };
        match r {
            Ok(v) => call.handle_budget_reply(self.now(), &v),
            Err(why) => call.handle_budget_error(self.now(), &why),
        }
        self.report();
    }

    pub(crate) fn now(&self) -> u64 {
        now_ms()
    }

    pub(crate) fn core(&self) -> Arc<autosend::Client> {
        self.core.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// `o`: this call's own options (encryption, timeout, retries; `None`s: the client's).
    pub(crate) fn start_with(
        &self,
        endpoint: &str,
        params: serde_json::Value,
        o: &autosend::CallOptions,
    ) -> Result<autosend::Call, Error> {
        self.driver.start(&self.core(), endpoint, params, o)
    }

    pub(crate) fn rotate_key(&self, key: &str) -> Result<(), Error> {
        let mut guard = self.core.write().unwrap_or_else(|p| p.into_inner());
        let mut core = autosend::Client::clone(&guard);
        core.rotate_key(key)?;
        *guard = Arc::new(core);
        Ok(())
    }
}

pub(crate) fn http_method(m: autosend::Method) -> reqwest::Method {
    match m {
        autosend::Method::Get => reqwest::Method::GET,
        autosend::Method::Post => reqwest::Method::POST,
        autosend::Method::Put => reqwest::Method::PUT,
        autosend::Method::Patch => reqwest::Method::PATCH,
        autosend::Method::Delete => reqwest::Method::DELETE,
    }
}

pub(crate) fn header_map(req: &Request) -> Result<reqwest::header::HeaderMap, Error> {
    let mut map = reqwest::header::HeaderMap::with_capacity(req.headers.len());
    for (k, v) in &req.headers {
        let name = reqwest::header::HeaderName::from_bytes(k.as_bytes()).map_err(|_| {
            Error::new(
                ErrorKind::Internal,
                "the core produced an invalid header name",
            )
        })?;
        let mut value = reqwest::header::HeaderValue::from_str(v).map_err(|_| {
            Error::new(
                ErrorKind::InvalidConfig,
                format!("the value of header {k} is not valid in HTTP"),
            )
        })?;
        // The key: never indexed by HTTP/2 header compression, hidden from `Debug`.
        value.set_sensitive(name == reqwest::header::AUTHORIZATION);
        map.insert(name, value);
    }
    Ok(map)
}

/// Whether `map` holds exactly `headers`, in the same order (a map built by [`header_map`]
/// from headers with distinct names iterates in insertion order).
fn same_headers(map: &reqwest::header::HeaderMap, headers: &[(String, String)]) -> bool {
    map.len() == headers.len()
        && map
            .iter()
            .zip(headers)
            .all(|((n, v), (k, s))| n.as_str() == k && v.as_bytes() == s.as_bytes())
}

/// The answer's headers the core reads ([`autosend::RESPONSE_HEADERS`], in the order
/// received); the others are not copied.
pub(crate) fn response_headers(h: &reqwest::header::HeaderMap) -> Vec<(String, String)> {
    h.iter()
        .filter(|(k, _)| autosend::RESPONSE_HEADERS.contains(&k.as_str()))
        .map(|(k, v)| {
            // Visible ASCII (nearly every value) is copied as is; anything else is read as
            // UTF-8, lossily.
            let value = match v.to_str() {
                Ok(s) => s.to_owned(),
                Err(_) => String::from_utf8_lossy(v.as_bytes()).into_owned(),
            };
            (k.as_str().to_owned(), value)
        })
        .collect()
}

/// Classifies a reqwest failure. Only a failure to connect proves nothing was sent; a
/// connection whose TLS handshake did not finish within the connect timeout is a connect
/// failure too (the request was never written).
pub(crate) fn classify(e: &reqwest::Error) -> TransportErrorKind {
    if e.is_connect() {
        TransportErrorKind::Connect
    } else if e.is_timeout() {
        TransportErrorKind::Timeout
    } else {
        TransportErrorKind::ConnectionLost
    }
}

pub(crate) fn timeout(req: &Request) -> Duration {
    Duration::from_millis(req.timeout_ms.max(1))
}

/// The reqwest client both transports use: rustls, no redirects, the extra CA, the connect
/// timeout (TCP + TLS handshake) and the explicit proxy from the core's configuration.
pub(crate) fn http_client(
    config: &autosend::ClientConfig,
    tls: &TlsOptions,
) -> Result<reqwest::Client, Error> {
    let mut b = reqwest::Client::builder()
        .use_rustls_tls()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_millis(autosend::limits::connect_timeout_ms(
            config.timeout_ms(),
        )));
    for c in tls.certificates()? {
        b = b.add_root_certificate(c);
    }
    // An explicit proxy replaces the environment's (HTTPS_PROXY/NO_PROXY) for this client.
    if let Some(p) = config.proxy() {
        let proxy = reqwest::Proxy::all(p.as_str()).map_err(|_| {
            autosend::proxy::proxy_error(&format!("{} cannot be used as a proxy", p.redacted()))
        })?;
        b = b.proxy(proxy);
    }
    b.build().map_err(builder_error)
}

/// The HTTP stack of a transport: [`direct::Direct`] (hyper-util over hyper-rustls) when no
/// proxy applies, reqwest when one does (the client's own proxy, or `HTTPS_PROXY` & co. in
/// the environment when the client was built).
pub(crate) struct Http {
    backend: Backend,
    /// The header map built last: the core sends the same headers on every call of a client
    /// (key, project id, `Accept`, `User-Agent`, `Content-Type`), so the map is cloned (its
    /// values are shared, not copied) instead of rebuilt and re-validated per call.
    last_headers: std::sync::Mutex<Option<reqwest::header::HeaderMap>>,
}

enum Backend {
    Direct(Box<direct::Direct>),
    /// With the URL it parsed last: a client calls the same few URLs over and over, and
    /// parsing one (IDNA host check included) was ~5% of the CPU of a send.
    Reqwest {
        client: reqwest::Client,
        last_url: std::sync::Mutex<Option<(String, reqwest::Url)>>,
    },
}

impl Http {
    /// The stack for `config`: rustls with the webpki roots and the extra CA (checked here
    /// whichever stack is used), the connect timeout, the proxy if any.
    pub(crate) fn build(config: &autosend::ClientConfig, tls: &TlsOptions) -> Result<Http, Error> {
        let rustls = direct::tls_config(tls)?;
        if config.proxy().is_some() || direct::env_proxy_set() {
            return Ok(Http::reqwest(http_client(config, tls)?));
        }
        let connect =
            Duration::from_millis(autosend::limits::connect_timeout_ms(config.timeout_ms()));
        Ok(Http::with(Backend::Direct(Box::new(direct::Direct::new(
            rustls, connect,
        )))))
    }

    /// A stack on this reqwest client.
    pub(crate) fn reqwest(client: reqwest::Client) -> Http {
        Http::with(Backend::Reqwest {
            client,
            last_url: std::sync::Mutex::new(None),
        })
    }

    fn with(backend: Backend) -> Http {
        Http {
            backend,
            last_headers: std::sync::Mutex::new(None),
        }
    }

    /// Whether requests go through reqwest (a proxy applies).
    #[cfg(test)]
    pub(crate) fn uses_reqwest(&self) -> bool {
        matches!(self.backend, Backend::Reqwest { .. })
    }

    /// The headers of `req` as a map: the last one when it holds exactly these headers in
    /// this order, else built ([`header_map`]) and kept for the next call.
    fn headers(&self, req: &Request) -> Result<reqwest::header::HeaderMap, Error> {
        let mut last = self.last_headers.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(map) = last.as_ref() {
            if same_headers(map, &req.headers) {
                return Ok(map.clone());
            }
        }
        let map = header_map(req)?;
        *last = Some(map.clone());
        Ok(map)
    }
}

/// `url` parsed (the last one is reused); `None` when it does not parse (reqwest then
/// reports it, as before).
fn reqwest_url(
    last: &std::sync::Mutex<Option<(String, reqwest::Url)>>,
    url: &str,
) -> Option<reqwest::Url> {
    let mut last = last.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((s, u)) = last.as_ref() {
        if s == url {
            return Some(u.clone());
        }
    }
    let u = reqwest::Url::parse(url).ok()?;
    *last = Some((url.to_string(), u.clone()));
    Some(u)
}

/// What an attempt read: status, the headers the core reads, the body.
type Read = Result<Answer, Outcome>;

/// Sends `req` through reqwest and reads the answer (at most `max` bytes of body).
async fn attempt_reqwest(
    client: &reqwest::Client,
    last_url: &std::sync::Mutex<Option<(String, reqwest::Url)>>,
    mut req: Request,
    headers: reqwest::header::HeaderMap,
) -> Read {
    let method = http_method(req.method);
    let sent = match reqwest_url(last_url, &req.url) {
        // The request is built directly: `RequestBuilder::headers` would merge the map into
        // the builder's empty one entry by entry (~1.7 k instructions per send).
        Some(u) => {
            let mut r = reqwest::Request::new(method, u);
            *r.headers_mut() = headers;
            *r.body_mut() = req.body.take().map(reqwest::Body::from);
            client.execute(r).await
        }
        // A URL that does not parse: reqwest reports it, as it always did.
        None => {
            let mut rb = client.request(method, req.url.as_str()).headers(headers);
            if let Some(b) = req.body.take() {
                rb = rb.body(b);
            }
            rb.send().await
        }
    };
    let mut resp = sent.map_err(|e| Outcome::Transport(classify(&e)))?;
    let status = resp.status().as_u16();
    let headers = response_headers(resp.headers());
    let max = autosend::MAX_RESPONSE_BYTES;
    if resp.content_length().is_some_and(|n| n > max as u64) {
        return Err(Outcome::Oversized(status, headers));
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| Outcome::Transport(async_client::classify_body(&e)))?
    {
        if body.len() + chunk.len() > max {
            return Err(Outcome::Oversized(status, headers));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((status, headers, body))
}

/// Sends `req` on the direct stack and reads the answer (at most `max` bytes of body).
async fn attempt_direct(
    d: &direct::Direct,
    mut req: Request,
    headers: reqwest::header::HeaderMap,
) -> Read {
    use http_body_util::BodyExt;
    use hyper::body::Body;
    let Some(uri) = d.uri(&req.url) else {
        return Err(Outcome::Fatal(Error::new(
            ErrorKind::InvalidConfig,
            "the request's URL is not a valid http(s) URL; check the client's base_url",
        )));
    };
    let body = req.body.take().map(bytes::Bytes::from).unwrap_or_default();
    let mut r = http::Request::new(http_body_util::Full::new(body));
    *r.method_mut() = http_method(req.method);
    *r.uri_mut() = uri;
    *r.headers_mut() = headers;
    let resp = d.send(r).await.map_err(Outcome::Transport)?;
    let status = resp.status().as_u16();
    let headers = response_headers(resp.headers());
    let max = autosend::MAX_RESPONSE_BYTES;
    let mut incoming = resp.into_body();
    if incoming.size_hint().exact().is_some_and(|n| n > max as u64) {
        return Err(Outcome::Oversized(status, headers));
    }
    let mut body = Vec::new();
    while let Some(frame) = incoming.frame().await {
        // The request was sent and answered: a failure now is never `connect`.
        let frame = frame.map_err(|_| Outcome::Transport(TransportErrorKind::ConnectionLost))?;
        if let Ok(chunk) = frame.into_data() {
            if body.len() + chunk.len() > max {
                return Err(Outcome::Oversized(status, headers));
            }
            body.extend_from_slice(&chunk);
        }
    }
    Ok((status, headers, body))
}

/// One attempt: sends `req` (its body moved, not copied) and reads the answer, at most
/// [`autosend::MAX_RESPONSE_BYTES`] of body, all within the attempt's timeout (connect, send,
/// headers and body).
pub(crate) async fn attempt(http: &Http, req: Request) -> Result<Answer, Outcome> {
    let limit = timeout(&req);
    let run = async {
        let headers = http.headers(&req).map_err(Outcome::Fatal)?;
        match &http.backend {
            Backend::Direct(d) => attempt_direct(d, req, headers).await,
            Backend::Reqwest { client, last_url } => {
                attempt_reqwest(client, last_url, req, headers).await
            }
        }
    };
    // One timer bounds the whole attempt: connect, request, headers and body (the client's
    // connect timeout is shorter, so a handshake that never ends is still `connect`).
    match tokio::time::timeout(limit, run).await {
        Ok(r) => r,
        Err(_) => Err(Outcome::Transport(TransportErrorKind::Timeout)),
    }
}

/// A typed answer with everything else the server said: what the `*_with_response` methods
/// return (`client.templates().create_with_response(&p)`).
///
/// `data` is the typed result; `raw` is the core's [`ApiResponse`] (status, request id,
/// attempts, and the untyped `data` as JSON, so a field the model does not know yet is still
/// there).
#[derive(Debug, Clone, PartialEq)]
pub struct Response<T> {
    /// The typed result.
    pub data: T,
    /// The whole answer as the core read it.
    pub raw: ApiResponse,
}

impl<T> Response<T> {
    /// The HTTP status (2xx).
    pub fn status(&self) -> u16 {
        self.raw.status
    }

    /// The server's request id, if it sent one (quote it to support).
    pub fn request_id(&self) -> Option<&str> {
        self.raw.request_id.as_deref()
    }

    /// How many attempts the call took (1 without retries).
    pub fn attempts(&self) -> u32 {
        self.raw.attempts
    }

    /// The envelope's top-level `message` ("Template created successfully"), if any.
    pub fn message(&self) -> Option<&str> {
        self.raw.message.as_deref()
    }

    /// Consumes the answer, keeping the typed result.
    pub fn into_data(self) -> T {
        self.data
    }
}

impl<T: serde::de::DeserializeOwned> Response<T> {
    /// Reads `data` of a `data` endpoint leniently into `T`.
    pub(crate) fn from_api(raw: ApiResponse) -> Result<Response<T>, Error> {
        let data = decode_value(&raw.data)?;
        Ok(Response { data, raw })
    }
}

impl Response<autosend::models::MessageResult> {
    /// A `message` endpoint (no `data`; deletes): the envelope's message is the result.
    pub(crate) fn from_message(raw: ApiResponse) -> Result<Self, Error> {
        let mut data: autosend::models::MessageResult = match &raw.data {
            serde_json::Value::Object(_) => decode_value(&raw.data)?,
            _ => Default::default(),
        };
        data.success = true;
        if data.message.is_empty() {
            data.message = raw.message.clone().unwrap_or_default();
        }
        Ok(Response { data, raw })
    }
}

impl Response<()> {
    /// An `empty` endpoint: any 2xx is the result.
    #[allow(dead_code)]
    pub(crate) fn from_empty(raw: ApiResponse) -> Result<Self, Error> {
        Ok(Response { data: (), raw })
    }
}

/// A file downloaded from a binary endpoint (`client.inbound().attachment_bytes(&p)`).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Download {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// Its `Content-Type`, if the server sent one.
    pub content_type: Option<String>,
    /// Its file name from `Content-Disposition`, if the server sent one (path separators and
    /// control characters removed by the core: safe to use as a file name).
    pub filename: Option<String>,
}

impl std::fmt::Debug for Download {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download")
            .field("len", &self.bytes.len())
            .field("content_type", &self.content_type)
            .field("filename", &self.filename)
            .finish()
    }
}

impl Response<Download> {
    /// A binary endpoint called with its flag set: the file (moved out of `raw.bytes`).
    pub(crate) fn download(mut raw: ApiResponse) -> Result<Self, Error> {
        let Some(bytes) = raw.bytes.take() else {
            return Err(Error::new(
                ErrorKind::InvalidResponse,
                "the server answered with JSON where a file was expected; call the method \
                 without `_bytes` to read that JSON",
            ));
        };
        let data = Download {
            bytes,
            content_type: raw.content_type.clone(),
            filename: raw.filename.clone(),
        };
        Ok(Response { data, raw })
    }
}

/// Sets one field of the params object (the binary flag, the page number).
pub(crate) fn set_flag(
    params: &mut serde_json::Value,
    name: &str,
    value: impl Into<serde_json::Value>,
) {
    if let serde_json::Value::Object(m) = params {
        m.insert(name.to_string(), value.into());
    }
}

/// The most pages a `*_all` method fetches (a guard against a server that never says "last").
pub const MAX_PAGES: usize = 1000;

/// The page a `*_all` method starts from: the params' `page`, or 1.
pub(crate) fn first_page(params: &serde_json::Value) -> u64 {
    params
        .get("page")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(1)
        .max(1)
}

/// Appends the items of one page to `out`; the next page number, or `None` after the last.
/// `style` is the description's pagination style: `nested` (`data.pagination{page, pages}`) or
/// `flat` (`data{page, totalPages}`).
pub(crate) fn page_items<T: serde::de::DeserializeOwned>(
    data: &serde_json::Value,
    items: &str,
    style: &str,
    out: &mut Vec<T>,
) -> Result<Option<u64>, Error> {
    let list = match data.get(items) {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(v) => decode_value::<Vec<T>>(v)?,
    };
    let meta = if style == "nested" {
        data.get("pagination")
    } else {
        Some(data)
    };
    let num = |k: &str| {
        meta.and_then(|m| m.get(k))
            .and_then(serde_json::Value::as_u64)
    };
    let page = num("page");
    let pages = if style == "nested" {
        num("pages")
    } else {
        num("totalPages")
    };
    let empty = list.is_empty();
    out.extend(list);
    Ok(match (page, pages) {
        (Some(p), Some(n)) if p < n && !empty => Some(p + 1),
        _ => None,
    })
}

pub(crate) fn too_many_pages(endpoint: &str) -> Error {
    Error::new(
        ErrorKind::InvalidResponse,
        format!(
            "{endpoint}: the server still reported more pages after {MAX_PAGES}; read the pages \
             one by one with the `page` parameter instead"
        ),
    )
}

/// Reads a JSON value into `T`, naming the path of the first mismatch.
pub(crate) fn decode_value<T: serde::de::DeserializeOwned>(
    v: &serde_json::Value,
) -> Result<T, Error> {
    serde_path_to_error::deserialize(v).map_err(|e| {
        let path = e.path().to_string();
        Error::new(
            ErrorKind::InvalidResponse,
            format!(
                "the answer does not have the documented shape at `{path}`: {}; \
                 `client.call(endpoint_id, params)` returns it untyped",
                e.inner()
            ),
        )
    })
}

pub(crate) fn decode<T: serde::de::DeserializeOwned>(r: ApiResponse) -> Result<T, Error> {
    serde_json::from_value(r.data).map_err(|e| {
        Error::new(
            ErrorKind::InvalidResponse,
            format!("the answer does not have the documented shape: {e}"),
        )
    })
}

pub(crate) fn to_params<T: serde::Serialize>(v: &T) -> Result<serde_json::Value, Error> {
    serde_json::to_value(v)
        .map_err(|e| Error::validation("", format!("the request does not serialise: {e}")))
}

pub(crate) fn builder_error(e: reqwest::Error) -> Error {
    Error::new(
        ErrorKind::InvalidConfig,
        format!("cannot build the HTTP client: {e}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The request the core builds for a send with `key`.
    fn request(key: &str) -> Request {
        let mut o = autosend::ClientOptions::new(key);
        o.base_url = Some("http://127.0.0.1:9/v1".into());
        let core = autosend::Client::with_limiter(
            autosend::ClientConfig::new(o).unwrap(),
            autosend::private_limiter(autosend::RateLimits::default()),
        );
        let mail = serde_json::json!({"from": {"email": "a@mail.example.com"},
            "to": {"email": "b@example.com"}, "subject": "s", "html": "<p>h</p>"});
        let mut call = core.call("emails.send", mail, 1).unwrap();
        match call.poll(0) {
            autosend::Poll::Send(r) => r,
            _ => panic!("the first poll of a send is Send"),
        }
    }

    fn config(proxy: Option<&str>) -> autosend::ClientConfig {
        let mut o = autosend::ClientOptions::new("AS_firstkey123");
        o.proxy = proxy.map(str::to_string);
        autosend::ClientConfig::new(o).unwrap()
    }

    #[test]
    fn a_proxy_sends_through_reqwest_and_no_proxy_directly() {
        let tls = TlsOptions::default();
        let with = Http::build(&config(Some("http://127.0.0.1:3128")), &tls).unwrap();
        assert!(with.uses_reqwest());
        // Without one, the environment decides (reqwest reads HTTPS_PROXY & co.).
        let without = Http::build(&config(None), &tls).unwrap();
        assert_eq!(without.uses_reqwest(), direct::env_proxy_set());
        // The extra CA is checked whichever stack is used.
        let bad = TlsOptions {
            ca_cert_pem: Some(b"not a certificate".to_vec()),
        };
        for proxy in [None, Some("http://127.0.0.1:3128")] {
            let e = Http::build(&config(proxy), &bad).err().unwrap();
            assert_eq!(e.kind(), ErrorKind::InvalidConfig, "{e}");
        }
    }

    #[test]
    fn header_map_is_reused_only_for_the_same_headers() {
        let http = Http::reqwest(reqwest::Client::new());
        let a = request("AS_firstkey123");
        let m = http.headers(&a).unwrap();
        assert_eq!(m.len(), a.headers.len());
        for (k, v) in &a.headers {
            assert_eq!(m[k.as_str()], v.as_str());
        }
        assert!(m["authorization"].is_sensitive());
        assert!(!m["user-agent"].is_sensitive());
        // Same headers: the kept map (equal); another key: a new map with that key.
        assert_eq!(http.headers(&request("AS_firstkey123")).unwrap(), m);
        let b = http.headers(&request("AS_otherkey456")).unwrap();
        assert_eq!(b["authorization"], "Bearer AS_otherkey456");
        assert!(same_headers(&b, &request("AS_otherkey456").headers));
        assert!(!same_headers(&b, &a.headers));
        assert!(!same_headers(&b, &a.headers[1..]));
    }

    #[test]
    fn response_header_values_are_read_lossily() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("x-request-id", "req-1".parse().unwrap());
        h.insert(
            "content-disposition",
            reqwest::header::HeaderValue::from_bytes(b"caf\xc3\xa9 \xff").unwrap(),
        );
        let v = response_headers(&h);
        assert_eq!(v[0], ("x-request-id".into(), "req-1".into()));
        assert_eq!(v[1], ("content-disposition".into(), "café \u{fffd}".into()));
    }

    #[test]
    fn only_the_headers_the_core_reads_are_copied_in_order() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("server", "sandbox".parse().unwrap());
        h.append("retry-after", "2".parse().unwrap());
        h.insert("x-ratelimit-limit", "50".parse().unwrap());
        h.append("retry-after", "3".parse().unwrap());
        h.insert("date", "Thu, 01 Jan 2026 00:00:00 GMT".parse().unwrap());
        let v = response_headers(&h);
        assert_eq!(
            v,
            vec![
                ("retry-after".to_string(), "2".to_string()),
                ("retry-after".to_string(), "3".to_string()),
                (
                    "date".to_string(),
                    "Thu, 01 Jan 2026 00:00:00 GMT".to_string()
                ),
            ]
        );
        for name in autosend::RESPONSE_HEADERS {
            let mut h = reqwest::header::HeaderMap::new();
            h.insert(*name, "1".parse().unwrap());
            assert_eq!(response_headers(&h).len(), 1, "{name}");
        }
    }
}
