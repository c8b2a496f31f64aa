//! A sans-IO client: a validated configuration plus the key's shared rate-limit budget.

use crate::budget_redis::{BudgetNotice, RedisBudget};
use crate::call::Call;
use crate::config::{CallOptions, ClientConfig, ClientOptions};
use crate::error::Error;
use crate::limiter::{shared_limiter, ClockId, SharedLimiter};
use serde_json::Value;
use std::sync::Arc;

/// Configuration + the process-wide limiter of its key. Bindings keep one per client object
/// and create a [`Call`] per API call. Cloning shares the limiter.
#[derive(Clone, Debug)]
pub struct Client {
    /// Shared with this client's calls (a call keeps the configuration it was made with).
    config: Arc<ClientConfig>,
    limiter: SharedLimiter,
    /// The clock of the shared budget this client joined (`None`: a limiter of its own).
    shared: Option<ClockId>,
    budget: Option<Arc<RedisBudget>>,
    jwks: crate::jwe::SharedJwks,
}

fn redis_store(config: &ClientConfig) -> Option<Arc<RedisBudget>> {
    let r = config.redis()?;
    Some(Arc::new(RedisBudget::new(
        config.key(),
        config.base_url(),
        config.rate_limits(),
        r.on_error,
        r.timeout_ms,
    )))
}

impl Client {
    /// Validates the options and joins the key's shared budget.
    pub fn new(options: ClientOptions) -> Result<Client, Error> {
        Ok(Client::from_config(ClientConfig::new(options)?))
    }

    /// From an already validated configuration; joins the budget of its key and base URL on
    /// the process clock ([`ClockId::PROCESS`]): feed its calls that clock's times
    /// (`autosend_http::now_ms()`, `performance.now()` in one JS isolate).
    pub fn from_config(config: ClientConfig) -> Client {
        Client::on_clock(config, ClockId::PROCESS)
    }

    /// Joins the budget of the key and base URL shared by the callers of `clock` (a sans-IO
    /// caller with a clock of its own: [`ClockId::SANS_IO`] or an id of its choice). Its
    /// calls must be fed that clock's times; other clocks' budgets are untouched.
    pub fn on_clock(config: ClientConfig, clock: ClockId) -> Client {
        let limiter = shared_limiter(clock, config.base_url(), config.key(), config.rate_limits());
        let jwks = crate::jwe::shared_jwks(config.base_url());
        Client {
            budget: redis_store(&config),
            config: Arc::new(config),
            limiter,
            shared: Some(clock),
            jwks,
        }
    }

    /// With an explicit limiter (tests, or callers that do not want process-wide sharing).
    pub fn with_limiter(config: ClientConfig, limiter: SharedLimiter) -> Client {
        let jwks = crate::jwe::shared_jwks(config.base_url());
        Client {
            budget: redis_store(&config),
            config: Arc::new(config),
            limiter,
            shared: None,
            jwks,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// The limiter this client's calls consult.
    pub fn limiter(&self) -> &SharedLimiter {
        &self.limiter
    }

    /// Prepares a call; local errors (scope, project id, validation) are returned here.
    /// `seed` drives the retry jitter.
    pub fn call(&self, endpoint_id: &str, params: Value, seed: u64) -> Result<Call, Error> {
        self.call_with(endpoint_id, params, seed, None)
    }

    /// Like [`Client::call`], with this call's payload encryption choice (`None`: the
    /// client's `encrypt_payloads`). An encrypting call needs [`Call::entropy_needed`] random
    /// bytes through [`Call::provide_entropy`] before its first poll.
    pub fn call_with(
        &self,
        endpoint_id: &str,
        params: Value,
        seed: u64,
        encrypt: Option<bool>,
    ) -> Result<Call, Error> {
        let o = CallOptions {
            encrypt,
            ..CallOptions::default()
        };
        self.call_opts(endpoint_id, params, seed, &o)
    }

    /// Like [`Client::call`], with this call's own options ([`CallOptions`]: encryption,
    /// per-attempt timeout, retries); checked like the client's (`invalid_config`).
    pub fn call_opts(
        &self,
        endpoint_id: &str,
        params: Value,
        seed: u64,
        o: &CallOptions,
    ) -> Result<Call, Error> {
        let config = if o.timeout_ms.is_some() || o.max_retries.is_some() {
            Arc::new(self.config.for_call(o)?)
        } else {
            Arc::clone(&self.config)
        };
        let encrypt = o.encrypt.unwrap_or(self.config.encrypt_payloads);
        let mut call = Call::with_config(config, self.limiter.clone(), endpoint_id, params, seed)?;
        if self.budget.is_some() {
            // (Not moved through `with_budget` when there is none: a call is a large value.)
            call = call.with_budget(self.budget.clone());
        }
        if encrypt {
            call.encrypt(self.jwks.clone());
        }
        Ok(call)
    }

    /// The JWKS cache this client's encrypting calls share (one per base URL per process).
    pub fn jwks(&self) -> &crate::jwe::SharedJwks {
        &self.jwks
    }

    /// The shared budget on Redis, when configured.
    pub fn redis_budget(&self) -> Option<&Arc<RedisBudget>> {
        self.budget.as_ref()
    }

    /// Notices about the shared budget (an outage and the fallback, its end) not yet taken:
    /// bindings log each once.
    pub fn take_budget_notices(&self) -> Vec<BudgetNotice> {
        self.budget
            .as_ref()
            .map(|b| b.take_notices())
            .unwrap_or_default()
    }

    /// Prepares a call from a typed request.
    pub fn call_typed<T: serde::Serialize>(
        &self,
        endpoint_id: &str,
        request: &T,
        seed: u64,
    ) -> Result<Call, Error> {
        let params = serde_json::to_value(request)
            .map_err(|e| Error::validation("params", format!("request does not serialise: {e}")))?;
        self.call(endpoint_id, params, seed)
    }

    /// Key rotation: the same client with a new key and that key's budget (the process-wide
    /// one, or a fresh private limiter if this client was made with [`Client::with_limiter`]).
    /// Calls already prepared keep the old key.
    pub fn rotate_key(&mut self, api_key: &str) -> Result<(), Error> {
        let config = self.config.with_api_key(api_key)?;
        self.limiter = match self.shared {
            Some(clock) => {
                shared_limiter(clock, config.base_url(), config.key(), config.rate_limits())
            }
            None => crate::limiter::private_limiter(config.rate_limits()),
        };
        self.budget = redis_store(&config);
        self.config = Arc::new(config);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limiter::private_limiter;
    use crate::RateLimits;
    use std::sync::Arc;

    #[test]
    fn rotation_keeps_the_kind_of_budget() {
        let mut shared = Client::new(ClientOptions::new("AS_rotationtest1")).unwrap();
        shared.rotate_key("AS_rotationtest2").unwrap();
        let other = Client::new(ClientOptions::new("AS_rotationtest2")).unwrap();
        assert!(
            Arc::ptr_eq(shared.limiter(), other.limiter()),
            "same key, same budget"
        );

        let cfg = ClientConfig::new(ClientOptions::new("AS_rotationtest3")).unwrap();
        let mut private = Client::with_limiter(cfg, private_limiter(RateLimits::default()));
        private.rotate_key("AS_rotationtest2").unwrap();
        assert!(
            !Arc::ptr_eq(private.limiter(), other.limiter()),
            "a private client stays private"
        );
        assert_eq!(private.config().key().expose_secret(), "AS_rotationtest2");
        assert!(private.rotate_key("as_bad").is_err());
        assert_eq!(
            private.config().key().expose_secret(),
            "AS_rotationtest2",
            "a failed rotation changes nothing"
        );
    }
}
