//! The call state machine: one logical API call, with rate limiting and retries.
//!
//! ```text
//! poll(now) ──► Send(request) ──► transport ──► handle_response / handle_transport_error
//!    ▲                                                        │
//!    └──────────── Wait(ms) ◄── (limiter / backoff) ◄─────────┘ ──► Done(result)
//! ```
//! Time is monotonic milliseconds passed in; jitter comes from the seed given at creation.

use crate::budget_redis::{
    interpret_ack, interpret_acquire, BudgetDecision, BudgetOp, BudgetOpKind, OnRedisError,
    RedisBudget,
};
use crate::catalog::{Endpoint, Method};
use crate::config::ClientConfig;
use crate::error::{Error, ErrorKind};
use crate::event::{Event, EventKind};
use crate::limiter::{lock, Acquire, SharedLimiter};
use crate::request::truncate;
use crate::request::{build_request, build_request_auth, request_headers, Auth, Request};
use crate::response::{
    disposition_filename, error_for_status, missing_result_fields, read, request_id, reset_wait_ms,
    scrub_owned, success_value, ApiResponse,
};
use serde_json::Value;
use std::collections::VecDeque;
use std::sync::Arc;

/// First backoff step.
pub const BACKOFF_BASE_MS: u64 = 1000;
/// Largest backoff step.
pub const BACKOFF_CAP_MS: u64 = 20_000;
/// Longest server-requested wait a call sits out by itself (two minute windows). A 429 asking
/// for more, or a key blocked for longer, ends the call with `rate_limited` and
/// `retry_after_ms`, so the caller can decide instead of hanging.
pub const MAX_RETRY_AFTER_MS: u64 = 120_000;

/// What the caller should do next.
#[derive(Debug)]
pub enum Poll {
    /// Send this request, then feed the outcome back.
    Send(Request),
    /// Call `poll` again after this many ms.
    Wait(u64),
    /// The call is over.
    Done(Result<ApiResponse, Error>),
    /// Run this operation on the shared budget's Redis (`EVAL`), then feed the reply to
    /// [`Call::handle_budget_reply`] or the failure to [`Call::handle_budget_error`]. Only
    /// clients configured with a Redis store produce it.
    Budget(BudgetOp),
}

/// Why an attempt failed below HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransportErrorKind {
    /// No connection (DNS, refused, TLS handshake): nothing reached the server.
    Connect,
    /// The attempt timed out after the request went out.
    Timeout,
    /// The connection broke after the request went out.
    ConnectionLost,
}

impl TransportErrorKind {
    /// `connect`, `timeout` or `connection_lost`.
    pub fn name(self) -> &'static str {
        match self {
            TransportErrorKind::Connect => "connect",
            TransportErrorKind::Timeout => "timeout",
            TransportErrorKind::ConnectionLost => "connection_lost",
        }
    }
    /// Parses a name.
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "connect" => Some(TransportErrorKind::Connect),
            "timeout" => Some(TransportErrorKind::Timeout),
            "connection_lost" => Some(TransportErrorKind::ConnectionLost),
            _ => None,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum State {
    Ready,
    InFlight,
    Finished,
}

/// One logical API call. Drive it with [`Call::poll`] and feed outcomes back.
pub struct Call {
    endpoint: &'static Endpoint,
    /// The prepared request. The first attempt hands it out as it is, and the call keeps its
    /// URL and body without headers (`bare`): no copy of the headers (nor of the key) per
    /// call. Another attempt builds them again from the configuration and `auth`.
    request: Request,
    /// The key-scope decision the headers are built from.
    auth: Auth,
    /// `request` has no headers (handed out with the first attempt).
    bare: bool,
    /// Shared with the client (no copy of the key, URL and user agent per call).
    config: Arc<ClientConfig>,
    limiter: SharedLimiter,
    rng: fastrand::Rng,
    state: State,
    attempts: u32,
    retries: u32,
    started_at: Option<u64>,
    not_before: u64,
    maybe_delivered: bool,
    /// An earlier attempt ended without a clear answer (5xx, timeout, lost connection): the
    /// server may have acted on it, whatever the endpoint.
    unknown_outcome: bool,
    last_error: Option<Error>,
    result: Option<Result<ApiResponse, Error>>,
    /// Payload encryption (JWE), when on for this call and it has a body.
    enc: Option<Box<crate::jwe::Encryption>>,
    /// The shared store on Redis, when configured.
    budget: Option<Arc<RedisBudget>>,
    /// Operations queued for the caller (settle / refund / block).
    budget_ops: VecDeque<BudgetOp>,
    /// The operation handed out and when.
    budget_awaiting: Option<(BudgetOpKind, u64)>,
    /// The Redis grant of the attempt about to be sent or in flight.
    budget_grant: Option<String>,
    /// The store granted and the request was not sent yet.
    budget_go: bool,
    /// The limiter grant of the attempt in flight, until it is settled or refunded.
    grant: Option<u64>,
    /// Recorded events ([`Call::record_events`]); `None`: nobody listens, nothing recorded.
    events: Option<VecDeque<Event>>,
    /// When the request in flight was handed out, and its endpoint / method / path.
    sent: Option<(u64, &'static str, &'static str, String)>,
    /// The latest `now` the call was given (for the `done` event's duration).
    last_now: u64,
}

impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("endpoint", &self.endpoint.id)
            .field("state", &self.state)
            .field("attempts", &self.attempts)
            .field("retries", &self.retries)
            .field("not_before", &self.not_before)
            .finish()
    }
}

impl Call {
    /// Validates `params` for `endpoint_id` and prepares the call. Every local error (key
    /// scope, missing project id, validation) is returned here, before anything is sent.
    pub fn new(
        config: &ClientConfig,
        limiter: SharedLimiter,
        endpoint_id: &str,
        params: Value,
        seed: u64,
    ) -> Result<Call, Error> {
        Call::with_config(Arc::new(config.clone()), limiter, endpoint_id, params, seed)
    }

    /// [`Call::new`] with a configuration shared with its client (no copy per call).
    pub fn with_config(
        config: Arc<ClientConfig>,
        limiter: SharedLimiter,
        endpoint_id: &str,
        params: Value,
        seed: u64,
    ) -> Result<Call, Error> {
        let (endpoint, request, auth) = build_request_auth(&config, endpoint_id, params)?;
        Ok(Call {
            endpoint,
            request,
            auth,
            bare: false,
            config,
            limiter,
            rng: fastrand::Rng::with_seed(seed),
            state: State::Ready,
            attempts: 0,
            retries: 0,
            started_at: None,
            not_before: 0,
            maybe_delivered: false,
            unknown_outcome: false,
            last_error: None,
            result: None,
            enc: None,
            budget: None,
            budget_ops: VecDeque::new(),
            budget_awaiting: None,
            budget_grant: None,
            budget_go: false,
            grant: None,
            events: None,
            sent: None,
            last_now: 0,
        })
    }

    /// Starts (or stops) recording structured [`Event`]s for [`Call::poll_event`]. Off by
    /// default: a call nobody listens to records nothing. Turn it on before the first `poll`
    /// to see every event.
    pub fn record_events(&mut self, on: bool) {
        if on {
            self.events.get_or_insert_with(VecDeque::new);
        } else {
            self.events = None;
        }
    }

    /// True when events are recorded.
    pub fn records_events(&self) -> bool {
        self.events.is_some()
    }

    /// The oldest recorded event not taken yet. Drain it after every `poll` and every
    /// `handle_*` call (events are kept until taken).
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.as_mut()?.pop_front()
    }

    fn emit(&mut self, kind: EventKind, fill: impl FnOnce(&mut Event)) {
        let Some(q) = self.events.as_mut() else {
            return;
        };
        let (endpoint, method, path) = match &self.sent {
            Some((_, e, m, p)) => (*e, *m, p.clone()),
            None => (
                self.endpoint.id,
                self.endpoint.method.as_str(),
                url_path(&self.request.url).to_string(),
            ),
        };
        let mut ev = Event {
            kind,
            endpoint,
            method,
            path,
            attempt: self.attempts,
            status: None,
            request_id: None,
            duration_ms: None,
            wait_ms: None,
            reason: None,
            ok: None,
            error: None,
        };
        fill(&mut ev);
        q.push_back(ev);
    }

    /// Records the request handed out at `now` (only when events are on).
    fn emit_send(&mut self, now: u64, req: &Request) {
        if self.events.is_none() {
            return;
        }
        self.sent = Some((
            now,
            req.endpoint,
            req.method.as_str(),
            url_path(&req.url).to_string(),
        ));
        let attempt = req.attempt;
        self.emit(EventKind::Request, |e| e.attempt = attempt);
    }

    fn since_sent(&self, now: u64) -> Option<u64> {
        self.sent.as_ref().map(|(t, ..)| now.saturating_sub(*t))
    }

    /// Turns payload encryption (JWE, [`crate::jwe`]) on for this call, with the key cache
    /// `jwks`. Calls without a body stay plain. The binding must then give
    /// [`Call::entropy_needed`] random bytes to [`Call::provide_entropy`] before polling.
    pub fn encrypt_with(&mut self, config: &ClientConfig, jwks: crate::jwe::SharedJwks) {
        self.encrypt_as(config, jwks)
    }

    /// [`Call::encrypt_with`] with the configuration the call was made with.
    pub fn encrypt(&mut self, jwks: crate::jwe::SharedJwks) {
        let config = Arc::clone(&self.config);
        self.encrypt_as(&config, jwks)
    }

    fn encrypt_as(&mut self, config: &ClientConfig, jwks: crate::jwe::SharedJwks) {
        if self.request.body.is_none() || self.enc.is_some() {
            return;
        }
        // `jwks.get` has no body, so building its request cannot fail.
        if let Ok((_, fetch)) = build_request(config, "jwks.get", Value::Object(Default::default()))
        {
            self.enc = Some(Box::new(crate::jwe::Encryption::new(jwks, fetch)));
            // Sealing copies the prepared request, headers included.
            self.dress();
        }
    }

    /// Gives `request` its headers again if an attempt took them.
    fn dress(&mut self) {
        if self.bare {
            let r = &self.request;
            self.request.headers =
                request_headers(&self.config, self.auth, r.expects_bytes, r.body.is_some());
            self.bare = false;
        }
    }

    /// The request of the next attempt: the sealed one when the body is encrypted; else the
    /// prepared request itself, the call keeping its URL and body only (the headers, key
    /// included, are built again for a later attempt).
    fn next_request(&mut self) -> Request {
        if let Some(sealed) = self.enc.as_ref().and_then(|e| e.sealed()) {
            return sealed.clone();
        }
        let r = &self.request;
        let kept = Request {
            endpoint: r.endpoint,
            method: r.method,
            url: r.url.clone(),
            headers: Vec::new(),
            body: r.body.clone(),
            timeout_ms: r.timeout_ms,
            attempt: r.attempt,
            expects_bytes: r.expects_bytes,
        };
        self.dress();
        self.bare = true;
        std::mem::replace(&mut self.request, kept)
    }

    /// True when this call's body is sent encrypted.
    pub fn is_encrypted(&self) -> bool {
        self.enc.is_some()
    }

    /// Random bytes the binding must pass to [`Call::provide_entropy`] (from its platform
    /// CSPRNG) before the first `poll`; 0 when the call does not encrypt.
    pub fn entropy_needed(&self) -> usize {
        self.enc.as_ref().map_or(0, |e| e.entropy_needed())
    }

    /// Gives the call its random bytes (at least [`Call::entropy_needed`]; kept zeroized).
    pub fn provide_entropy(&mut self, bytes: &[u8]) -> Result<(), Error> {
        match self.enc.as_mut() {
            Some(e) => e.provide_entropy(bytes),
            None => Ok(()),
        }
    }

    /// The endpoint being called.
    pub fn endpoint(&self) -> &'static Endpoint {
        self.endpoint
    }

    /// True when the answer will be a file: read the response body as bytes (the request's
    /// [`Request::expects_bytes`] says the same).
    pub fn expects_bytes(&self) -> bool {
        self.request.expects_bytes
    }

    /// Attempts made so far.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// True when an attempt of a non-idempotent call ended without a clear answer (5xx,
    /// timeout, lost connection, garbled 2xx): the server may have acted on it.
    pub fn may_have_been_delivered(&self) -> bool {
        self.maybe_delivered
    }

    /// Cancels the call at the caller's request (an abort signal, a cancelled task). Returns
    /// the `aborted` error to report; the next `poll` returns it as `Done` too.
    /// `request_sent`: the request last returned by `poll` was handed to the network (false
    /// when the caller gives up before sending it). A sent request of a non-idempotent
    /// endpoint may already have been acted on, and so may an earlier ambiguous attempt:
    /// `may_have_been_delivered` says so.
    pub fn cancel(&mut self, now: u64, request_sent: bool) -> Error {
        self.last_now = self.last_now.max(now);
        if self.state == State::Finished {
            return Error::new(
                ErrorKind::Aborted,
                "the call was cancelled after it finished",
            )
            .with_may_have_been_delivered(self.maybe_delivered);
        }
        let fetching_keys = self.enc.as_ref().is_some_and(|e| e.fetching);
        let on_the_wire = self.state == State::InFlight && request_sent && !fetching_keys;
        if on_the_wire {
            self.settle(now);
        } else {
            self.refund();
        }
        if on_the_wire && !self.endpoint.idempotent {
            self.maybe_delivered = true;
        }
        let mut message = if on_the_wire {
            "the call was cancelled while a request was in flight".to_string()
        } else {
            "the call was cancelled before the next attempt was sent".to_string()
        };
        if self.maybe_delivered {
            message.push_str("; it may have been delivered: check its status before sending again");
        }
        let e = Error::new(ErrorKind::Aborted, message)
            .with_may_have_been_delivered(self.maybe_delivered);
        self.finish(Err(e.clone()));
        e
    }

    /// True once `poll` has returned (or will return) `Done`.
    pub fn is_done(&self) -> bool {
        self.state == State::Finished
    }

    fn retry_allowed(&self) -> bool {
        self.endpoint.idempotent || self.config.retry_non_idempotent
    }

    fn deadline_at(&self) -> Option<u64> {
        let start = self.started_at?;
        self.config.deadline_ms.map(|d| start.saturating_add(d))
    }

    /// The request of the attempt in flight arrived by `now` (an answer of any status, a
    /// timeout, a lost connection): its limiter record starts freeing its slot from `now`.
    fn settle(&mut self, now: u64) {
        if let Some(g) = self.grant.take() {
            lock(&self.limiter).settle(g, now);
        }
    }

    /// The attempt in flight did not count (429, or nothing was sent): its slot is free again.
    fn refund(&mut self) {
        if let Some(g) = self.grant.take() {
            lock(&self.limiter).refund(g);
        }
    }

    /// The answer to the request last returned by `poll` began to arrive at `now` (its status
    /// and headers): a tighter bound on its arrival than the end of the body. Optional; the
    /// limiter is settled by `handle_response` otherwise. Ignored for a 429 (refunded then).
    pub fn answer_started(&mut self, now: u64, status: u16) {
        if self.state == State::InFlight && status != 429 {
            self.settle(now);
        }
    }

    fn finish(&mut self, r: Result<ApiResponse, Error>) {
        if self.events.is_some() {
            let duration = self.started_at.map(|t| self.last_now.saturating_sub(t));
            let (ok, status, request_id, error) = match &r {
                Ok(a) => (true, Some(a.status), a.request_id.clone(), None),
                Err(e) => (
                    false,
                    e.status(),
                    e.request_id().map(str::to_string),
                    Some(e.kind().name()),
                ),
            };
            self.emit(EventKind::Done, |e| {
                e.ok = Some(ok);
                e.status = status;
                e.request_id = request_id;
                e.error = error;
                e.duration_ms = duration;
            });
        }
        if self.budget_go {
            // Granted by the shared store but never sent: give the slot back.
            self.budget_go = false;
            self.budget_answered(true);
        }
        self.state = State::Finished;
        self.result = Some(r);
    }

    fn deadline_error(&self) -> Error {
        let base = match &self.last_error {
            Some(e) => format!(
                "the deadline passed; last attempt failed with: {}",
                e.message()
            ),
            None => {
                "the deadline passed before the request could be sent (rate-limit wait)".to_string()
            }
        };
        let mut e = Error::new(ErrorKind::DeadlineExceeded, base)
            .with_may_have_been_delivered(self.maybe_delivered);
        if let Some(last) = &self.last_error {
            e = e
                .with_request_id(last.request_id().map(str::to_string))
                .with_retry_after_ms(last.retry_after_ms());
            if let Some(s) = last.status() {
                e = e.with_status(s);
            }
        }
        e
    }

    /// Says what to do next at time `now` (monotonic ms).
    pub fn poll(&mut self, now: u64) -> Poll {
        self.last_now = self.last_now.max(now);
        if let Some(p) = self.budget_poll(now) {
            return p;
        }
        match self.state {
            State::Finished => {
                return Poll::Done(self.result.take().unwrap_or_else(|| {
                    Err(Error::new(
                        ErrorKind::Internal,
                        "poll called again after the call finished",
                    ))
                }))
            }
            State::InFlight => return self.poll_in_flight(now),
            State::Ready => {}
        }
        self.started_at.get_or_insert(now);
        let deadline = self.deadline_at();
        if let Some(d) = deadline {
            if now >= d {
                let e = self.deadline_error();
                self.finish(Err(e));
                return self.poll(now);
            }
        }
        if now < self.not_before {
            // Report the whole wait: the backoff, or the limiter if it frees later.
            let local = if self.budget_active(now) {
                now
            } else {
                lock(&self.limiter).next_free(now)
            };
            let at = self.not_before.max(local);
            if deadline.is_some_and(|d| at >= d) {
                let e = self.deadline_error();
                self.finish(Err(e));
                return self.poll(now);
            }
            return Poll::Wait(at - now);
        }
        if let Some(enc) = self.enc.as_mut() {
            match enc.prepare(now, &self.request) {
                crate::jwe::Prepared::Ready => {}
                crate::jwe::Prepared::Fetch(mut req) => {
                    self.state = State::InFlight;
                    req.attempt = self.attempts;
                    if let Some(d) = deadline {
                        req.timeout_ms = req.timeout_ms.min(d - now).max(1);
                    }
                    self.emit_send(now, &req);
                    return Poll::Send(req);
                }
                crate::jwe::Prepared::Fail(e) => {
                    self.finish(Err(e.with_may_have_been_delivered(self.maybe_delivered)));
                    return self.poll(now);
                }
            }
        }
        let decision = match self.budget_acquire(now) {
            Ok(d) => d,
            Err(op) => return Poll::Budget(op),
        };
        match decision {
            Acquire::Wait(ms) => {
                if ms > MAX_RETRY_AFTER_MS {
                    return self.paused_too_long(now, ms);
                }
                if deadline.is_some_and(|d| now.saturating_add(ms) >= d) {
                    let e = self.deadline_error();
                    self.finish(Err(e));
                    return self.poll(now);
                }
                self.emit(EventKind::RateLimitWait, |e| {
                    e.wait_ms = Some(ms);
                    e.reason = Some("rate_limit");
                });
                Poll::Wait(ms)
            }
            Acquire::Go(grant) => {
                if !self.budget_go {
                    // A process-local grant (a Redis grant is in `budget_grant`).
                    self.grant = Some(grant);
                }
                self.budget_go = false;
                self.attempts += 1;
                self.state = State::InFlight;
                let mut req = self.next_request();
                req.attempt = self.attempts;
                if let Some(d) = deadline {
                    req.timeout_ms = req.timeout_ms.min(d - now).max(1);
                }
                self.emit_send(now, &req);
                Poll::Send(req)
            }
        }
    }

    /// `poll` while a request is outstanding: a binding bug; fail closed rather than send
    /// twice.
    #[cold]
    #[inline(never)]
    fn poll_in_flight(&mut self, now: u64) -> Poll {
        let e = Error::new(
            ErrorKind::Internal,
            "poll called while a request was outstanding (feed the response back first)",
        )
        .with_may_have_been_delivered(self.maybe_delivered || !self.endpoint.idempotent);
        self.settle(now);
        self.finish(Err(e));
        self.poll(now)
    }

    /// The key is blocked for `ms`, longer than a call waits: only server feedback does that.
    #[cold]
    #[inline(never)]
    fn paused_too_long(&mut self, now: u64, ms: u64) -> Poll {
        let e = self.pause_error(ms);
        self.finish(Err(e));
        self.poll(now)
    }

    /// The error of a key paused for `ms`, longer than a call waits (the limiter's or the
    /// shared budget's verdict).
    #[cold]
    #[inline(never)]
    fn pause_error(&self, ms: u64) -> Error {
        Error::new(
            ErrorKind::RateLimited,
            format!(
                "the API asked this key to pause for {} s",
                ms.div_ceil(1000)
            ),
        )
        .with_retry_after_ms(Some(ms))
        .with_may_have_been_delivered(self.maybe_delivered)
    }

    fn backoff(&mut self) -> u64 {
        let step = BACKOFF_BASE_MS
            .saturating_mul(1u64 << (self.retries.saturating_sub(1)).min(20))
            .min(BACKOFF_CAP_MS);
        self.rng.u64(0..=step)
    }

    /// Schedules a retry after `wait` if retries remain; otherwise finishes with `err`.
    fn retry_or_fail(&mut self, now: u64, err: Error, wait: Option<u64>) {
        if self.retries >= self.config.max_retries {
            self.finish(Err(err));
            return;
        }
        self.retries += 1;
        let wait = wait.unwrap_or_else(|| self.backoff());
        self.not_before = now.saturating_add(wait);
        let reason = err.kind().name();
        self.emit(EventKind::Retry, |e| {
            e.wait_ms = Some(wait);
            e.reason = Some(reason);
        });
        self.last_error = Some(err);
        self.state = State::Ready;
    }

    /// Feeds the HTTP answer to the request last returned by `poll`.
    pub fn handle_response(
        &mut self,
        now: u64,
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
    ) {
        if self.state != State::InFlight {
            return;
        }
        self.last_now = now;
        self.emit_response(now, status, headers, None);
        if self.enc.as_ref().is_some_and(|e| e.fetching) {
            self.handle_key_fetch(now, status, headers, body);
            return;
        }
        // A 429 was not counted by the server; any other answer arrived by now.
        if status == 429 {
            self.refund();
        } else {
            self.settle(now);
        }
        // Server feedback tightens the shared budget. `X-RateLimit-Remaining: 0` comes with a
        // reset in whole seconds against a `Date` in whole seconds (up to 2 s too long): when
        // this limiter's own records already fill the minute window they bound the same
        // requests more tightly, and the header is not needed.
        if let Some(w) = reset_wait_ms(headers) {
            let mut l = lock(&self.limiter);
            if !l.minute_window_full(now) {
                l.block_for(now, w);
            }
            drop(l);
            // `Reset` and `Date` are whole seconds: the shared key is surely blocked only for
            // the wait less their resolution (its exact records cover the rest).
            self.budget_feedback(w.saturating_sub(crate::budget_redis::RESET_RESOLUTION_MS));
        }
        self.budget_answered(status == 429);
        if (200..300).contains(&status) {
            let request_id =
                request_id(headers).map(|r| scrub_owned(r, self.config.key().expose_secret()));
            if self.request.expects_bytes {
                self.finish_bytes(status, headers, body, request_id);
                return;
            }
            match success_value(body) {
                Ok((data, message)) => match missing_result_fields(self.endpoint.id, &data) {
                    None => self.finish(Ok(ApiResponse {
                        status,
                        data,
                        message,
                        bytes: None,
                        content_type: None,
                        filename: None,
                        request_id,
                        attempts: self.attempts,
                        already_gone: false,
                    })),
                    Some(missing) => self.invalid_success(status, request_id, Some(missing)),
                },
                // The server did act on it. Not retried: a garbled 2xx points at a proxy
                // or a wrong base URL, which a retry will not fix.
                Err(()) => self.invalid_success(status, request_id, None),
            }
            return;
        }
        self.handle_error_status(now, status, headers, body);
    }

    /// A 2xx answer of a binary endpoint called for the file: the bytes are the result.
    #[cold]
    #[inline(never)]
    fn finish_bytes(
        &mut self,
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
        request_id: Option<String>,
    ) {
        self.finish(Ok(ApiResponse {
            status,
            data: Value::Null,
            message: None,
            bytes: Some(body.to_vec()),
            content_type: read(headers, "content-type").map(|c| truncate(c, 200)),
            filename: disposition_filename(headers),
            request_id,
            attempts: self.attempts,
            already_gone: false,
        }));
    }

    /// A 2xx answer without the documented result fields (`missing`) or whose body is not
    /// JSON (`None`): `invalid_response`, and the server most likely acted on the request.
    #[cold]
    #[inline(never)]
    fn invalid_success(
        &mut self,
        status: u16,
        request_id: Option<String>,
        missing: Option<Vec<&'static str>>,
    ) {
        self.maybe_delivered |= !self.endpoint.idempotent;
        let message = match missing {
            Some(missing) => format!(
                "HTTP {status} without the documented {}: the API most likely \
                 processed the request but did not say so",
                missing.join(", ")
            ),
            None => format!("HTTP {status} with a body that is not JSON"),
        };
        let e = Error::new(ErrorKind::InvalidResponse, message)
            .with_status(status)
            .with_request_id(request_id)
            .with_may_have_been_delivered(self.maybe_delivered);
        self.finish(Err(e));
    }

    /// A non-2xx answer: an already-deleted resource, a retry or the call's error.
    #[cold]
    #[inline(never)]
    fn handle_error_status(
        &mut self,
        now: u64,
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
    ) {
        if status == 404 && self.endpoint.method == Method::Delete && self.unknown_outcome {
            // An earlier attempt may have deleted it: the goal of the call is reached.
            self.finish(Ok(ApiResponse {
                status,
                data: Value::Object(serde_json::Map::new()),
                message: None,
                bytes: None,
                content_type: None,
                filename: None,
                request_id: request_id(headers)
                    .map(|r| scrub_owned(r, self.config.key().expose_secret())),
                attempts: self.attempts,
                already_gone: true,
            }));
            return;
        }
        let config = Arc::clone(&self.config);
        let (e, _) = error_for_status(status, headers, body, config.key().expose_secret());
        match status {
            429 => {
                let wait = e
                    .retry_after_ms()
                    .unwrap_or(crate::response::DEFAULT_RETRY_AFTER_MS);
                lock(&self.limiter).block_for(now, wait);
                self.budget_feedback(wait);
                let e = e.with_may_have_been_delivered(self.maybe_delivered);
                if wait > MAX_RETRY_AFTER_MS {
                    self.finish(Err(e));
                } else {
                    self.retry_or_fail(now, e, Some(wait));
                }
            }
            500..=599 => {
                self.unknown_outcome = true;
                if !self.endpoint.idempotent {
                    self.maybe_delivered = true;
                }
                let e = e.with_may_have_been_delivered(self.maybe_delivered);
                if self.retry_allowed() {
                    self.retry_or_fail(now, e, None);
                } else {
                    self.finish(Err(e));
                }
            }
            400 if e.api_code() == Some(crate::jwe::INVALID_ENCRYPTED_PAYLOAD)
                && self.enc.as_mut().is_some_and(|enc| enc.refresh_once()) =>
            {
                // Not processed: fetch the keys again and re-send this request once.
                self.emit(EventKind::Retry, |ev| {
                    ev.wait_ms = Some(0);
                    ev.reason = Some("invalid_encrypted_payload");
                });
                self.last_error = Some(e);
                self.state = State::Ready;
            }
            _ => {
                let e = e.with_may_have_been_delivered(self.maybe_delivered);
                self.finish(Err(e));
            }
        }
    }

    /// The `response` event of an answer (status, request id with the key scrubbed, duration
    /// since the request went out); nothing is built when no one records events.
    fn emit_response(
        &mut self,
        now: u64,
        status: u16,
        headers: &[(String, String)],
        reason: Option<&'static str>,
    ) {
        if self.events.is_none() {
            return;
        }
        let rid = request_id(headers).map(|r| scrub_owned(r, self.config.key().expose_secret()));
        let duration = self.since_sent(now);
        self.emit(EventKind::Response, |e| {
            e.status = Some(status);
            e.request_id = rid;
            e.duration_ms = duration;
            e.reason = reason;
        });
    }

    /// The server answered the request last returned by `poll` with a body larger than
    /// [`crate::MAX_RESPONSE_BYTES`]; the transport stopped reading
    /// it. Ends the call with `invalid_response` (the request reached the server, so a send
    /// may have been delivered); never retried.
    pub fn handle_oversized_response(
        &mut self,
        now: u64,
        status: u16,
        headers: &[(String, String)],
    ) {
        if self.state != State::InFlight {
            return;
        }
        self.last_now = now;
        self.emit_response(now, status, headers, Some("response_too_large"));
        if let Some(enc) = self.enc.as_mut().filter(|e| e.fetching) {
            // The key fetch, not the user's request: nothing of the call was sent.
            enc.fetching = false;
            let e = crate::limits::response_too_large(status, self.maybe_delivered);
            self.finish(Err(e));
            return;
        }
        // The answer arrived (its head at least): the request counted, and arrived by now.
        self.settle(now);
        self.budget_answered(false);
        if let Some(w) = reset_wait_ms(headers) {
            lock(&self.limiter).block_for(now, w);
        }
        self.unknown_outcome = true;
        self.maybe_delivered |= !self.endpoint.idempotent;
        let request_id =
            request_id(headers).map(|r| scrub_owned(r, self.config.key().expose_secret()));
        let e = crate::limits::response_too_large(status, self.maybe_delivered)
            .with_request_id(request_id);
        self.finish(Err(e));
    }

    fn handle_key_fetch(
        &mut self,
        now: u64,
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
    ) {
        let config = Arc::clone(&self.config);
        let Some(enc) = self.enc.as_mut() else { return };
        match enc.on_fetch_response(now, status, headers, body, config.key().expose_secret()) {
            crate::jwe::Fetched::Stored => self.state = State::Ready,
            crate::jwe::Fetched::Retry(e, wait) => {
                let e = e.with_may_have_been_delivered(self.maybe_delivered);
                self.retry_or_fail(now, e, wait)
            }
            crate::jwe::Fetched::Fail(e) => {
                self.finish(Err(e.with_may_have_been_delivered(self.maybe_delivered)))
            }
        }
    }

    /// Feeds a transport failure of the request last returned by `poll`.
    pub fn handle_transport_error(&mut self, now: u64, kind: TransportErrorKind) {
        if self.state != State::InFlight {
            return;
        }
        self.last_now = now;
        if self.events.is_some() {
            let duration = self.since_sent(now);
            self.emit(EventKind::TransportError, |e| {
                e.reason = Some(kind.name());
                e.duration_ms = duration;
            });
        }
        if kind == TransportErrorKind::Connect {
            self.refund();
        } else {
            self.settle(now);
        }
        let (ek, msg) = match kind {
            TransportErrorKind::Connect => (ErrorKind::Connect, "could not connect to the API"),
            TransportErrorKind::Timeout => (ErrorKind::Timeout, "the request timed out"),
            TransportErrorKind::ConnectionLost => (
                ErrorKind::ConnectionLost,
                "the connection was lost before an answer arrived",
            ),
        };
        if let Some(enc) = self.enc.as_mut().filter(|e| e.fetching) {
            // The key fetch failed: nothing of the call was sent, it is safe to try again.
            enc.fetching = false;
            let e = Error::new(
                ek,
                format!(
                    "{msg} while fetching the encryption keys (GET /jwks.json); nothing was sent"
                ),
            )
            .with_may_have_been_delivered(self.maybe_delivered);
            self.retry_or_fail(now, e, None);
            return;
        }
        let after_send = kind != TransportErrorKind::Connect;
        self.budget_answered(!after_send);
        self.unknown_outcome |= after_send;
        if after_send && !self.endpoint.idempotent {
            self.maybe_delivered = true;
        }
        let e = Error::new(ek, format!("{msg} (attempt {})", self.attempts))
            .with_may_have_been_delivered(self.maybe_delivered);
        if !after_send || self.retry_allowed() {
            self.retry_or_fail(now, e, None);
        } else {
            self.finish(Err(e));
        }
    }
}

/// The shared budget on Redis (issue 11): the Call asks the store through `Poll::Budget`.
impl Call {
    /// Uses `store` (the client's Redis budget) instead of the process-local limiter while
    /// Redis works; the local limiter stays the fallback.
    pub fn with_budget(mut self, store: Option<Arc<RedisBudget>>) -> Call {
        self.budget = store;
        self
    }

    fn budget_active(&self, now: u64) -> bool {
        self.budget.as_ref().is_some_and(|b| b.active(now))
    }

    /// Hands out queued operations first; a `poll` while one is outstanding is a binding bug
    /// and counts as a failed operation.
    fn budget_poll(&mut self, now: u64) -> Option<Poll> {
        if self.budget_awaiting.is_some() {
            self.handle_budget_error(now, "poll called before the budget reply was fed back");
        }
        let op = self.budget_ops.pop_front()?;
        self.budget_awaiting = Some((op.kind, now));
        Some(Poll::Budget(op))
    }

    /// The grant decision: the store's (an op to run, or its answer) or the local limiter's.
    /// `Go(0)` when the shared store granted (its id is in `budget_grant`).
    fn budget_acquire(&mut self, now: u64) -> Result<Acquire, BudgetOp> {
        if self.budget_go {
            return Ok(Acquire::Go(0));
        }
        match &self.budget {
            Some(b) if b.active(now) => {
                let op = b.acquire(self.request.timeout_ms, self.rng.u64(..));
                self.budget_awaiting = Some((op.kind, now));
                Err(op)
            }
            _ => Ok(lock(&self.limiter).acquire(now)),
        }
    }

    /// The attempt got an answer or failed: settle its grant, or refund it (`refund`: the
    /// server did not count it — a 429 — or nothing was sent).
    fn budget_answered(&mut self, refund: bool) {
        let (Some(b), Some(g)) = (&self.budget, self.budget_grant.take()) else {
            return;
        };
        let op = if refund { b.refund(&g) } else { b.settle(&g) };
        self.budget_ops.push_back(op);
    }

    /// Server feedback goes to the shared store too, so one process's 429 slows them all.
    fn budget_feedback(&mut self, wait_ms: u64) {
        if wait_ms == 0 {
            return;
        }
        if let Some(b) = &self.budget {
            // Also while falling back: the block op fails quickly or reaches a recovered Redis.
            let op = b.block(wait_ms);
            self.budget_ops.push_back(op);
        }
    }

    /// Feeds the reply of the operation last returned as [`Poll::Budget`], as JSON (Redis
    /// integers → numbers, strings → strings, arrays → arrays, nil → null).
    pub fn handle_budget_reply(&mut self, now: u64, reply: &Value) {
        let Some((kind, asked_at)) = self.budget_awaiting.take() else {
            return;
        };
        let Some(b) = self.budget.clone() else {
            return;
        };
        if now.saturating_sub(asked_at) > b.timeout_ms() {
            self.budget_awaiting = Some((kind, asked_at));
            self.handle_budget_error(
                now,
                &format!("the answer took more than {} ms", b.timeout_ms()),
            );
            return;
        }
        let r = match kind {
            BudgetOpKind::Acquire => interpret_acquire(reply).map(Some),
            _ => interpret_ack(reply).map(|()| None),
        };
        match r {
            Err(e) => {
                self.budget_awaiting = Some((kind, asked_at));
                self.handle_budget_error(now, e.message());
            }
            Ok(d) => {
                b.succeeded();
                match d {
                    Some(BudgetDecision::Go(id)) => {
                        self.budget_grant = Some(id);
                        self.budget_go = true;
                    }
                    Some(BudgetDecision::Wait(ms)) => {
                        self.not_before = self.not_before.max(now.saturating_add(ms));
                        if ms > MAX_RETRY_AFTER_MS {
                            let e = self.pause_error(ms);
                            if self.state != State::Finished {
                                self.finish(Err(e));
                            }
                        }
                    }
                    None => {}
                }
            }
        }
    }

    /// The operation last returned as [`Poll::Budget`] failed: Redis unreachable, slower than
    /// [`BudgetOp::timeout_ms`], or an error reply. `why` is logged once (no secrets in it).
    /// With `on_redis_error = raise` a failed acquire ends the call with `budget_store`
    /// (nothing was sent); otherwise the process-local budget takes over.
    pub fn handle_budget_error(&mut self, now: u64, why: &str) {
        let Some((kind, _)) = self.budget_awaiting.take() else {
            return;
        };
        let Some(b) = self.budget.clone() else {
            return;
        };
        let why = crate::request::truncate(why, 200);
        b.failed(now, &why);
        let raise = b.on_error() == OnRedisError::Raise;
        self.emit(EventKind::BudgetNotice, |e| {
            e.reason = Some(if raise {
                "budget_store_raise"
            } else {
                "budget_store_fallback"
            });
        });
        if kind == BudgetOpKind::Acquire
            && b.on_error() == OnRedisError::Raise
            && self.state == State::Ready
        {
            let e = Error::new(
                ErrorKind::BudgetStore,
                format!("the shared rate-limit budget on Redis failed: {why}"),
            )
            .with_may_have_been_delivered(self.maybe_delivered);
            self.finish(Err(e));
        }
    }
}

impl Drop for Call {
    /// A call dropped with its request in flight (a cancelled future, say) settles its record at
    /// the limiter's next observed time; one dropped before sending gives its slot back.
    fn drop(&mut self) {
        if let Some(g) = self.grant.take() {
            lock(&self.limiter).abandon(g);
        }
    }
}

/// The path of an absolute URL, without the query string (what events may show).
fn url_path(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    rest.find('/').map_or("/", |i| &rest[i..])
}
