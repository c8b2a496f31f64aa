//! The async client (tokio).

use crate::{
    builder_error, classify, decode, header_map, http_method, response_headers, timeout, to_params,
    Shared, TlsOptions,
};
use autosend::types::{BulkEmail, BulkEmailResponse, SendEmail, SendEmailResponse};
use autosend::{ApiResponse, ClientConfig, ClientOptions, Error, Poll, Request};
use std::sync::Arc;
use std::time::Duration;

/// An async AutoSend client. Cheap to clone; clones share everything.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
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
        let shared = Shared::new(core)?;
        let mut b = reqwest::Client::builder()
            .use_rustls_tls()
            .redirect(reqwest::redirect::Policy::none());
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

    /// Calls any catalog endpoint with JSON parameters.
    pub async fn call(
        &self,
        endpoint_id: &str,
        params: serde_json::Value,
    ) -> Result<ApiResponse, Error> {
        let mut call = self.shared.start(endpoint_id, params)?;
        loop {
            match call.poll(self.shared.now()) {
                Poll::Done(r) => return r,
                Poll::Wait(ms) => tokio::time::sleep(Duration::from_millis(ms)).await,
                Poll::Budget(op) => self.shared.budget_async(&mut call, &op).await,
                Poll::Send(req) => match self.send(&req).await {
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

    async fn send(&self, req: &Request) -> Result<Answer, Outcome> {
        let mut rb = self
            .http
            .request(http_method(req.method), &req.url)
            .headers(header_map(req).map_err(Outcome::Fatal)?)
            .timeout(timeout(req));
        if let Some(b) = &req.body {
            rb = rb.body(b.clone());
        }
        let resp = rb
            .send()
            .await
            .map_err(|e| Outcome::Transport(classify(&e)))?;
        let status = resp.status().as_u16();
        let headers = response_headers(resp.headers());
        let body = resp
            .bytes()
            .await
            .map_err(|e| Outcome::Transport(classify_body(&e)))?;
        Ok((status, headers, body.to_vec()))
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

/// Status, headers and body of one answer.
pub(crate) type Answer = (u16, Vec<(String, String)>, Vec<u8>);

pub(crate) enum Outcome {
    Transport(autosend::TransportErrorKind),
    Fatal(Error),
}

/// A failure while reading the body: the request was sent and answered, so never `Connect`.
pub(crate) fn classify_body(e: &reqwest::Error) -> autosend::TransportErrorKind {
    if e.is_timeout() {
        autosend::TransportErrorKind::Timeout
    } else {
        autosend::TransportErrorKind::ConnectionLost
    }
}
