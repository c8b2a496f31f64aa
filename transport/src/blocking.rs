//! The blocking client (no async runtime needed by the caller). Thread-safe: share one
//! client between threads.

use crate::async_client::{classify_body, Answer, Outcome};
use crate::{
    builder_error, classify, decode, header_map, http_method, response_headers, timeout, to_params,
    Shared, TlsOptions,
};
use autosend::types::{BulkEmail, BulkEmailResponse, SendEmail, SendEmailResponse};
use autosend::{ApiResponse, ClientConfig, ClientOptions, Error, Poll, Request};
use std::sync::Arc;
use std::time::Duration;

/// The resource namespaces of the blocking client (`client.templates()` …), generated.
pub use crate::endpoints::blocking::*;

/// A blocking AutoSend client. Cheap to clone; clones share everything.
#[derive(Clone)]
pub struct Client {
    http: reqwest::blocking::Client,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("autosend_http::blocking::Client")
            .field("config", self.shared.core().config())
            .finish()
    }
}

impl Client {
    /// Validates the options and builds the HTTPS client. Must not be called from inside an
    /// async runtime (use [`crate::Client`] there).
    pub fn new(options: ClientOptions, tls: TlsOptions) -> Result<Client, Error> {
        Client::from_core(autosend::Client::new(options)?, tls)
    }

    /// Wraps an existing core client (its configuration and limiter).
    pub fn from_core(core: autosend::Client, tls: TlsOptions) -> Result<Client, Error> {
        let shared = Shared::new(core)?;
        let mut b = reqwest::blocking::Client::builder()
            .use_rustls_tls()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(None);
        for c in tls.certificates()? {
            b = b.add_root_certificate(c);
        }
        Ok(Client {
            http: b.build().map_err(builder_error)?,
            shared,
        })
    }

    /// The current configuration (key redacted in `Debug`).
    pub fn config(&self) -> ClientConfig {
        self.shared.core().config().clone()
    }

    /// Where notices of the shared budget on Redis go (an outage with the fallback to the
    /// process-local budget, its end), once each; `None` → one line on stderr.
    pub fn on_budget_notice(&self, listener: Option<crate::BudgetListener>) {
        self.shared.set_listener(listener);
    }

    /// Switches to a new key; calls already running keep the old one.
    pub fn rotate_key(&self, api_key: &str) -> Result<(), Error> {
        self.shared.rotate_key(api_key)
    }

    /// Calls any catalog endpoint with JSON parameters, blocking until done (including
    /// rate-limit waits and retries).
    pub fn call(&self, endpoint_id: &str, params: serde_json::Value) -> Result<ApiResponse, Error> {
        let mut call = self.shared.start(endpoint_id, params)?;
        loop {
            match call.poll(self.shared.now()) {
                Poll::Done(r) => return r,
                Poll::Wait(ms) => std::thread::sleep(Duration::from_millis(ms)),
                Poll::Budget(op) => self.shared.budget_blocking(&mut call, &op),
                Poll::Send(req) => match self.send(&req) {
                    Ok((status, headers, body)) => {
                        call.handle_response(self.shared.now(), status, &headers, &body)
                    }
                    Err(Outcome::Transport(kind)) => {
                        call.handle_transport_error(self.shared.now(), kind)
                    }
                    Err(Outcome::Fatal(e)) => return Err(e),
                },
            }
        }
    }

    fn send(&self, req: &Request) -> Result<Answer, Outcome> {
        let mut rb = self
            .http
            .request(http_method(req.method), &req.url)
            .headers(header_map(req).map_err(Outcome::Fatal)?)
            .timeout(timeout(req));
        if let Some(b) = &req.body {
            rb = rb.body(b.clone());
        }
        let resp = rb.send().map_err(|e| Outcome::Transport(classify(&e)))?;
        let status = resp.status().as_u16();
        let headers = response_headers(resp.headers());
        let body = resp
            .bytes()
            .map_err(|e| Outcome::Transport(classify_body(&e)))?;
        Ok((status, headers, body.to_vec()))
    }

    /// `POST /mails/send`, typed.
    pub fn send_email(&self, mail: &SendEmail) -> Result<SendEmailResponse, Error> {
        decode(self.call("emails.send", to_params(mail)?)?)
    }

    /// `POST /mails/bulk`, typed.
    pub fn send_bulk(&self, bulk: &BulkEmail) -> Result<BulkEmailResponse, Error> {
        decode(self.call("emails.bulk", to_params(bulk)?)?)
    }
}
