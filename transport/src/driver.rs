//! The call loop every client of this crate shares: how a call starts (seed, events,
//! entropy), where its events go, and the blocking loop `poll` → send / wait / budget → feed
//! the outcome back. The I/O is the caller's ([`Io`]): the blocking client sends on its
//! runtime, the Python `transport=` hook calls the user's function; the loop, the event
//! drain and the cancel on an interrupt are written once, here.

use crate::{fill_entropy, log_level, now_ms, EventListener, LOG_TARGET};
use autosend::{ApiResponse, BudgetOp, Call, CallOptions, Error, Poll, Request};
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;

/// Status, headers and body of one answer.
pub type Answer = (u16, Vec<(String, String)>, Vec<u8>);

/// What an attempt came to when it brought no complete answer.
#[derive(Debug)]
pub enum Outcome {
    /// A failure below HTTP; the core decides whether to retry.
    Transport(autosend::TransportErrorKind),
    /// The answer's body exceeded [`autosend::MAX_RESPONSE_BYTES`]; reading stopped. Fed to
    /// the call (`Call::handle_oversized_response`) so its state and budget stay right.
    Oversized(u16, Vec<(String, String)>),
    /// The attempt could not run at all: the call ends with this error.
    Fatal(Error),
}

/// The I/O of one blocking call, as [`Driver::run`] asks for it.
pub trait Io {
    /// Waits `ms` (rate limiter, backoff); `false` when the caller gave up during the wait:
    /// the call is then cancelled (nothing in flight).
    fn wait(&mut self, ms: u64) -> bool;
    /// Runs one operation of the shared budget and feeds its outcome back to `call`
    /// (`handle_budget_reply` / `handle_budget_error`).
    fn budget(&mut self, call: &mut Call, op: &BudgetOp);
    /// Sends one attempt. `None` when the caller gave up while it was in flight: the call
    /// is then cancelled as one whose request may have been delivered.
    fn send(&mut self, req: Request) -> Option<Result<Answer, Outcome>>;
}

/// Starts calls and drives them: the seed source and the event listener of one client.
pub struct Driver {
    seed: AtomicU64,
    events: RwLock<Option<EventListener>>,
}

impl Default for Driver {
    fn default() -> Driver {
        Driver::new()
    }
}

impl Driver {
    /// A driver with a random seed source and no event listener.
    pub fn new() -> Driver {
        let mut h = RandomState::new().build_hasher();
        h.write_u64(0x5eed);
        Driver {
            seed: AtomicU64::new(h.finish()),
            events: RwLock::new(None),
        }
    }

    /// Where the calls' events go (`None`: only to `log`).
    pub fn on_event(&self, l: Option<EventListener>) {
        *self.events.write().unwrap_or_else(|p| p.into_inner()) = l;
    }

    fn listener(&self) -> Option<EventListener> {
        self.events
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Starts a call on `core` with this call's options `o` (`None`s: the client's): a fresh
    /// seed, events recorded when a listener is set or `log` takes target `autosend` at info,
    /// and the random bytes an encrypting call needs ([`fill_entropy`]).
    pub fn start(
        &self,
        core: &autosend::Client,
        endpoint: &str,
        params: serde_json::Value,
        o: &CallOptions,
    ) -> Result<Call, Error> {
        let seed = self
            .seed
            .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
        let mut call = core.call_opts(endpoint, params, seed, o)?;
        let listening =
            self.listener().is_some() || log::log_enabled!(target: LOG_TARGET, log::Level::Info);
        call.record_events(listening);
        fill_entropy(&mut call)?;
        Ok(call)
    }

    /// Hands the call's recorded events to `log` (target `autosend`) and the listener.
    pub fn drain_events(&self, call: &mut Call) {
        if !call.records_events() {
            return;
        }
        let l = self.listener();
        while let Some(e) = call.poll_event() {
            log::log!(target: LOG_TARGET, log_level(&e), "{}", e.message());
            if let Some(l) = &l {
                l(&e);
            }
        }
    }

    /// Runs `call` to its end on the blocking `io`. A wait or attempt the caller gave up
    /// ends it with the core's `aborted` error ([`Call::cancel`]).
    pub fn run(&self, call: &mut Call, io: &mut dyn Io) -> Result<ApiResponse, Error> {
        loop {
            let step = call.poll(now_ms());
            self.drain_events(call);
            match step {
                Poll::Done(r) => return r,
                Poll::Wait(ms) => {
                    if !io.wait(ms) {
                        return Err(self.cancel(call, false));
                    }
                }
                Poll::Budget(op) => io.budget(call, &op),
                Poll::Send(req) => match io.send(req) {
                    None => return Err(self.cancel(call, true)),
                    Some(r) => feed(call, r)?,
                },
            }
        }
    }

    fn cancel(&self, call: &mut Call, may_have_left: bool) -> Error {
        let e = call.cancel(now_ms(), may_have_left);
        self.drain_events(call);
        e
    }
}

/// Feeds one attempt's outcome back to `call`; the error of an attempt that could not run.
pub fn feed(call: &mut Call, r: Result<Answer, Outcome>) -> Result<(), Error> {
    match r {
        Ok((status, headers, body)) => call.handle_response(now_ms(), status, &headers, &body),
        Err(Outcome::Transport(kind)) => call.handle_transport_error(now_ms(), kind),
        Err(Outcome::Oversized(status, headers)) => {
            call.handle_oversized_response(now_ms(), status, &headers)
        }
        Err(Outcome::Fatal(e)) => return Err(e),
    }
    Ok(())
}
