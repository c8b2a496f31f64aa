//! The async client (tokio).

use crate::driver::feed;
use crate::{attempt, decode, to_params, Answer, Http, Outcome, Shared, TlsOptions};
use autosend::types::{BulkEmail, BulkEmailResponse, SendEmail, SendEmailResponse};
use autosend::{ApiResponse, ClientConfig, ClientOptions, Error, Poll, Request};
use std::sync::Arc;
use std::time::Duration;

/// An async AutoSend client. Cheap to clone; clones share everything.
#[derive(Clone)]
pub struct Client {
    http: Arc<Http>,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("autosend_http::Client")
            .field("config", self.shared.core().config())
            .finish()
    }
}

impl Client {
    /// Validates the options and builds the HTTPS client.
    pub fn new(options: ClientOptions, tls: TlsOptions) -> Result<Client, Error> {
        Client::from_core(autosend::Client::new(options)?, tls)
    }

    /// Wraps an existing core client (its configuration and limiter).
    pub fn from_core(core: autosend::Client, tls: TlsOptions) -> Result<Client, Error> {
        let http = Arc::new(Http::build(core.config(), &tls)?);
        let shared = Shared::new(core)?;
        Ok(Client { http, shared })
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

    /// Where the structured events of every call go ([`crate::EventListener`]), besides the
    /// `log` facade (target `autosend`); `None` removes the listener.
    pub fn on_event(&self, listener: Option<crate::EventListener>) {
        self.shared.driver.on_event(listener);
    }

    /// Switches to a new key; calls already running keep the old one.
    pub fn rotate_key(&self, api_key: &str) -> Result<(), Error> {
        self.shared.rotate_key(api_key)
    }

    /// Calls any catalog endpoint with JSON parameters.
    pub async fn call(
        &self,
        endpoint_id: &str,
        params: serde_json::Value,
    ) -> Result<ApiResponse, Error> {
        self.call_with(endpoint_id, params, None).await
    }

    /// Like [`Client::call`], choosing payload encryption (JWE) for this call: `Some(true)`
    /// encrypts the body even when the client does not, `Some(false)` sends it plain, `None`
    /// follows the client's `encrypt_payloads`.
    pub async fn call_with(
        &self,
        endpoint_id: &str,
        params: serde_json::Value,
        encrypt: Option<bool>,
    ) -> Result<ApiResponse, Error> {
        let o = autosend::CallOptions {
            encrypt,
            ..Default::default()
        };
        self.call_opts(endpoint_id, params, &o).await
    }

    /// Like [`Client::call`], with this call's own options ([`autosend::CallOptions`]:
    /// encryption, per-attempt timeout, retries).
    pub async fn call_opts(
        &self,
        endpoint_id: &str,
        params: serde_json::Value,
        o: &autosend::CallOptions,
    ) -> Result<ApiResponse, Error> {
        let mut call = self.shared.start_with(endpoint_id, params, o)?;
        loop {
            let step = call.poll(self.shared.now());
            self.shared.driver.drain_events(&mut call);
            match step {
                Poll::Done(r) => return r,
                Poll::Wait(ms) => tokio::time::sleep(Duration::from_millis(ms)).await,
                Poll::Budget(op) => self.shared.budget_async(&mut call, &op).await,
                Poll::Send(req) => feed(&mut call, self.send(req).await)?,
            }
        }
    }

    async fn send(&self, req: Request) -> Result<Answer, Outcome> {
        attempt(&self.http, req).await
    }

    /// `POST /mails/send`, typed.
    pub async fn send_email(&self, mail: &SendEmail) -> Result<SendEmailResponse, Error> {
        decode(self.call("emails.send", to_params(mail)?).await?)
    }

    /// `POST /mails/bulk`, typed.
    pub async fn send_bulk(&self, bulk: &BulkEmail) -> Result<BulkEmailResponse, Error> {
        decode(self.call("emails.bulk", to_params(bulk)?).await?)
    }
}

/// A failure while reading the body: the request was sent and answered, so never `Connect`.
pub(crate) fn classify_body(e: &reqwest::Error) -> autosend::TransportErrorKind {
    if e.is_timeout() {
        autosend::TransportErrorKind::Timeout
    } else {
        autosend::TransportErrorKind::ConnectionLost
    }
}
