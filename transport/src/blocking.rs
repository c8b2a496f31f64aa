//! The blocking client (no async runtime needed by the caller). Thread-safe: share one
//! client between threads.
//!
//! Each client owns a small tokio runtime (one I/O thread, plus the blocking pool that
//! resolves names). Every request runs on that runtime, so:
//! - all socket I/O happens on threads that run with `SIGPIPE` blocked
//!   ([`crate::block_sigpipe`]): a connection the server resets is `connection_lost`, never a
//!   signal that kills the host;
//! - the calling thread only waits, and [`Client::call_interruptible`] wakes every
//!   [`autosend::INTERRUPT_CHECK_MS`] to ask the host whether to give up (Ctrl-C);
//! - after `fork()` the child, whose copy of the client has no I/O thread, builds a new
//!   runtime and connection pool at its first call (the parent's are left untouched). The
//!   core client, and so the rate-limit budget, is the child's copy of the parent's at the
//!   moment of the fork; from then on each process counts its own requests.
//!
//! [`IoMode::CallerThread`] runs the I/O on the calling thread instead (a current-thread
//! runtime): no hand-over between threads per call, which is what a raw blocking client such
//! as libcurl costs. Threads that call at the same time each get a lane of their own (a
//! runtime and its connection pool, taken from the client's idle lanes or made on demand, as
//! a libcurl program keeps one easy handle per thread), so they never wait for each other. The host then keeps `SIGPIPE` from killing it (the C library blocks it
//! around each call); Rust programs ignore `SIGPIPE` unless they opt out.

use crate::driver::Io as CallIo;
use crate::{attempt, decode, to_params, Answer, Http, Outcome, Shared, TlsOptions};
use autosend::types::{BulkEmail, BulkEmailResponse, SendEmail, SendEmailResponse};
use autosend::{ApiResponse, ClientConfig, ClientOptions, Error, ErrorKind, Request};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The resource namespaces of the blocking client (`client.templates()` …), generated.
pub use crate::endpoints::blocking::*;

/// Where a blocking client runs its socket I/O.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum IoMode {
    /// On the client's own I/O thread, which runs with `SIGPIPE` blocked; the calling thread
    /// waits (the default: safe in any host, whatever its `SIGPIPE` disposition).
    #[default]
    OwnThread,
    /// On the thread that makes the call (a current-thread runtime; threads that call at
    /// the same time each use a runtime and connection pool of their own, kept for the next
    /// calls). Saves the two thread hand-overs of every call.
    /// Socket writes happen on the calling thread, so the host must ignore `SIGPIPE` or block
    /// it during calls (and discard one left pending), or a connection the server reset kills
    /// the process. The C library does this for every call.
    CallerThread,
}

/// A blocking AutoSend client. Cheap to clone; clones share everything.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    shared: Arc<Shared>,
    tls: TlsOptions,
    mode: IoMode,
    io: Mutex<Arc<Io>>,
}

/// The I/O of one process: the I/O thread's runtime and HTTP stack ([`IoMode::OwnThread`]),
/// or the idle lanes of calling threads ([`IoMode::CallerThread`]).
struct Io {
    pid: u32,
    mode: IoMode,
    /// `OwnThread`: the runtime of the I/O thread, and its HTTP stack.
    own: Option<Lane>,
    /// `CallerThread`: the lanes no call is using, the one used last on top.
    idle: Mutex<Vec<Lane>>,
}

/// A runtime and the HTTP stack (connection pool) whose connections live on it.
struct Lane {
    rt: Option<tokio::runtime::Runtime>,
    http: Arc<Http>,
    /// When the last call on this lane ended ([`crate::now_ms`]), for `CallerThread`.
    last_done: u64,
}

impl Lane {
    fn new(config: &ClientConfig, tls: &TlsOptions, mode: IoMode) -> Result<Lane, Error> {
        let rt = match mode {
            IoMode::OwnThread => crate::runtime_builder()
                .worker_threads(1)
                .thread_name("autosend-io")
                .build(),
            // Only the blocking pool (name resolution) gets threads of its own.
            IoMode::CallerThread => tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .on_thread_start(crate::block_sigpipe)
                .thread_name("autosend-io")
                .build(),
        }
        .map_err(|e| {
            Error::new(
                ErrorKind::Internal,
                format!("cannot start the I/O thread: {e}"),
            )
        })?;
        Ok(Lane {
            rt: Some(rt),
            http: Arc::new(Http::build(config, tls)?),
            last_done: 0,
        })
    }

    fn rt(&self) -> &tokio::runtime::Runtime {
        self.rt
            .as_ref()
            .expect("the runtime lives as long as its lane")
    }
}

impl Drop for Lane {
    fn drop(&mut self) {
        if let Some(rt) = self.rt.take() {
            // Never wait for the I/O thread (a client may be dropped from any thread).
            rt.shutdown_background();
        }
    }
}

impl Io {
    /// A `CallerThread` client starts with one idle lane (so a bad configuration fails here).
    fn new(config: &ClientConfig, tls: &TlsOptions, mode: IoMode) -> Result<Io, Error> {
        let lane = Lane::new(config, tls, mode)?;
        let (own, idle) = match mode {
            IoMode::OwnThread => (Some(lane), Vec::new()),
            IoMode::CallerThread => (None, vec![lane]),
        };
        Ok(Io {
            pid: std::process::id(),
            mode,
            own,
            idle: Mutex::new(idle),
        })
    }

    fn own(&self) -> &Lane {
        self.own.as_ref().expect("an OwnThread client has its lane")
    }

    /// The idle lane used last, if any.
    fn take_lane(&self) -> Option<Lane> {
        self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop()
    }

    fn put_lane(&self, lane: Lane) {
        self.idle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(lane);
    }
}

impl Inner {
    /// This process's runtime: rebuilt in a child after `fork()`, whose copy of the parent's
    /// has no thread behind it (it is leaked, never dropped: dropping it would wait for
    /// threads that do not exist in the child).
    fn io(&self) -> Result<Arc<Io>, Error> {
        let mut io = self.io.lock().unwrap_or_else(|p| p.into_inner());
        if io.pid != std::process::id() {
            let fresh = Arc::new(Io::new(self.shared.core().config(), &self.tls, self.mode)?);
            std::mem::forget(std::mem::replace(&mut *io, fresh));
        }
        Ok(io.clone())
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("autosend_http::blocking::Client")
            .field("config", self.inner.shared.core().config())
            .finish()
    }
}

/// What the caller's interrupt check says between slices of a wait.
type Check<'a> = Option<&'a mut dyn FnMut() -> bool>;

impl Client {
    /// Validates the options and builds the HTTPS client. Must not be called from inside an
    /// async runtime (use [`crate::Client`] there).
    pub fn new(options: ClientOptions, tls: TlsOptions) -> Result<Client, Error> {
        Client::from_core(autosend::Client::new(options)?, tls)
    }

    /// Wraps an existing core client (its configuration and limiter).
    pub fn from_core(core: autosend::Client, tls: TlsOptions) -> Result<Client, Error> {
        Client::from_core_with(core, tls, IoMode::default())
    }

    /// Wraps an existing core client, running its I/O as `mode` says ([`IoMode`]).
    pub fn from_core_with(
        core: autosend::Client,
        tls: TlsOptions,
        mode: IoMode,
    ) -> Result<Client, Error> {
        let io = Io::new(core.config(), &tls, mode)?;
        let shared = Shared::new(core)?;
        Ok(Client {
            inner: Arc::new(Inner {
                shared,
                tls,
                mode,
                io: Mutex::new(Arc::new(io)),
            }),
        })
    }

    /// The current configuration (key redacted in `Debug`).
    pub fn config(&self) -> ClientConfig {
        self.inner.shared.core().config().clone()
    }

    /// Where notices of the shared budget on Redis go (an outage with the fallback to the
    /// process-local budget, its end), once each; `None` → one line on stderr.
    pub fn on_budget_notice(&self, listener: Option<crate::BudgetListener>) {
        self.inner.shared.set_listener(listener);
    }

    /// Where the structured events of every call go ([`crate::EventListener`]), besides the
    /// `log` facade (target `autosend`); `None` removes the listener.
    pub fn on_event(&self, listener: Option<crate::EventListener>) {
        self.inner.shared.driver.on_event(listener);
    }

    /// Switches to a new key; calls already running keep the old one.
    pub fn rotate_key(&self, api_key: &str) -> Result<(), Error> {
        self.inner.shared.rotate_key(api_key)
    }

    /// Calls any catalog endpoint with JSON parameters, blocking until done (including
    /// rate-limit waits and retries).
    pub fn call(&self, endpoint_id: &str, params: serde_json::Value) -> Result<ApiResponse, Error> {
        self.run(endpoint_id, params, &Default::default(), None)
    }

    /// Like [`Client::call`], choosing payload encryption (JWE) for this call: `Some(true)`
    /// encrypts the body even when the client does not, `Some(false)` sends it plain, `None`
    /// follows the client's `encrypt_payloads`.
    pub fn call_with(
        &self,
        endpoint_id: &str,
        params: serde_json::Value,
        encrypt: Option<bool>,
    ) -> Result<ApiResponse, Error> {
        let o = autosend::CallOptions {
            encrypt,
            ..Default::default()
        };
        self.run(endpoint_id, params, &o, None)
    }

    /// [`Client::call_with`], asking `interrupted` at least every
    /// [`autosend::INTERRUPT_CHECK_MS`] while it waits (rate limiter, backoff, server answer)
    /// whether to give up — a binding checks for Ctrl-C there. When it says yes, the request in
    /// flight (if any) is abandoned and the call fails with `aborted` (304),
    /// `may_have_been_delivered` set when the request may already have been acted on (see
    /// [`autosend::Call::cancel`]).
    pub fn call_interruptible(
        &self,
        endpoint_id: &str,
        params: serde_json::Value,
        encrypt: Option<bool>,
        interrupted: &mut dyn FnMut() -> bool,
    ) -> Result<ApiResponse, Error> {
        let o = autosend::CallOptions {
            encrypt,
            ..Default::default()
        };
        self.run(endpoint_id, params, &o, Some(interrupted))
    }

    /// Like [`Client::call`], with this call's own options ([`autosend::CallOptions`]:
    /// encryption, per-attempt timeout, retries).
    pub fn call_opts(
        &self,
        endpoint_id: &str,
        params: serde_json::Value,
        o: &autosend::CallOptions,
    ) -> Result<ApiResponse, Error> {
        self.run(endpoint_id, params, o, None)
    }

    /// [`Client::call_opts`] with the interrupt check of [`Client::call_interruptible`].
    pub fn call_interruptible_opts(
        &self,
        endpoint_id: &str,
        params: serde_json::Value,
        o: &autosend::CallOptions,
        interrupted: &mut dyn FnMut() -> bool,
    ) -> Result<ApiResponse, Error> {
        self.run(endpoint_id, params, o, Some(interrupted))
    }

    fn run(
        &self,
        endpoint_id: &str,
        params: serde_json::Value,
        o: &autosend::CallOptions,
        check: Check<'_>,
    ) -> Result<ApiResponse, Error> {
        let shared = &self.inner.shared;
        let mut call = shared.start_with(endpoint_id, params, o)?;
        let mut io = CallerIo {
            client: self,
            check,
        };
        shared.driver.run(&mut call, &mut io)
    }

    /// Runs one attempt on the I/O thread; `None` when the caller interrupted the wait.
    fn send(&self, req: Request, check: &mut Check<'_>) -> Option<Result<Answer, Outcome>> {
        let io = match self.inner.io() {
            Ok(io) => io,
            Err(e) => return Some(Err(Outcome::Fatal(e))),
        };
        if io.mode == IoMode::CallerThread {
            let mut lane = match io.take_lane() {
                Some(lane) => lane,
                // Every lane is busy (other threads are calling): a new one, kept afterwards.
                None => match Lane::new(
                    self.inner.shared.core().config(),
                    &self.inner.tls,
                    IoMode::CallerThread,
                ) {
                    Ok(lane) => lane,
                    Err(e) => return Some(Err(Outcome::Fatal(e))),
                },
            };
            let idle = crate::now_ms().saturating_sub(lane.last_done);
            let r = lane
                .rt()
                .block_on(on_caller(&lane.http, req, check, idle >= IDLE_CHECK_MS));
            lane.last_done = crate::now_ms();
            io.put_lane(lane);
            return r;
        }
        let own = io.own();
        let http = own.http.clone();
        let mut task = own.rt().spawn(async move { attempt(&http, req).await });
        let joined = own.rt().block_on(async {
            match check {
                None => Some((&mut task).await),
                Some(check) => loop {
                    let slice = Duration::from_millis(autosend::INTERRUPT_CHECK_MS);
                    tokio::select! {
                        r = &mut task => break Some(r),
                        _ = tokio::time::sleep(slice) => {
                            if check() {
                                task.abort();
                                break None;
                            }
                        }
                    }
                },
            }
        })?;
        Some(joined.unwrap_or_else(|e| {
            Err(Outcome::Fatal(Error::new(
                ErrorKind::Panic,
                format!("the I/O task failed: {e}"),
            )))
        }))
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

/// How long the connections of an [`IoMode::CallerThread`] client may sit without a call
/// before the next call first lets the runtime look at them (a server that closes idle
/// connections does so after seconds, not within one).
const IDLE_CHECK_MS: u64 = 1000;

/// One attempt driven by the calling thread ([`IoMode::CallerThread`]); `None` when the
/// caller interrupted the wait.
async fn on_caller(
    http: &Http,
    req: Request,
    check: &mut Check<'_>,
    was_idle: bool,
) -> Option<Result<Answer, Outcome>> {
    if was_idle {
        // Between calls nothing drives this runtime: first let it read what happened on the
        // pooled connections meanwhile (the first yield polls the sockets, the second runs
        // their tasks), so a connection the server closed while idle is dropped before one is
        // picked, not written to.
        tokio::task::yield_now().await;
        tokio::task::yield_now().await;
    }
    let run = attempt(http, req);
    match check {
        None => Some(run.await),
        Some(check) => {
            tokio::pin!(run);
            loop {
                let slice = Duration::from_millis(autosend::INTERRUPT_CHECK_MS);
                tokio::select! {
                    r = &mut run => break Some(r),
                    _ = tokio::time::sleep(slice) => {
                        if check() {
                            break None;
                        }
                    }
                }
            }
        }
    }
}

/// The blocking client's I/O for the shared call loop ([`crate::Driver::run`]): attempts on
/// the client's runtime, waits on the calling thread, budget operations on Redis; `check`
/// asked whether to give up.
struct CallerIo<'c, 'a> {
    client: &'c Client,
    check: Check<'a>,
}

impl CallIo for CallerIo<'_, '_> {
    fn wait(&mut self, ms: u64) -> bool {
        sleep(ms, &mut self.check)
    }

    fn budget(&mut self, call: &mut autosend::Call, op: &autosend::BudgetOp) {
        self.client.inner.shared.budget_blocking(call, op);
    }

    fn send(&mut self, req: Request) -> Option<Result<Answer, Outcome>> {
        self.client.send(req, &mut self.check)
    }
}

/// Sleeps `ms`, in slices when the caller checks for interruptions; false when interrupted.
fn sleep(ms: u64, check: &mut Check<'_>) -> bool {
    let Some(check) = check else {
        std::thread::sleep(Duration::from_millis(ms));
        return true;
    };
    let end = Instant::now() + Duration::from_millis(ms);
    loop {
        let now = Instant::now();
        if now >= end {
            return true;
        }
        let slice = (end - now).min(Duration::from_millis(autosend::INTERRUPT_CHECK_MS));
        std::thread::sleep(slice);
        if check() {
            return false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idle_lanes(c: &Client) -> usize {
        let io = c.inner.io().unwrap();
        let n = io.idle.lock().unwrap().len();
        n
    }

    #[test]
    fn caller_thread_calls_at_once_use_a_lane_each_and_keep_them() {
        let sandbox = autosend_sandbox::InProcess::start(&[
            "--rate-per-second",
            "100000",
            "--rate-per-minute",
            "1000000",
            "--lazy-jwks",
        ])
        .unwrap();
        let (info, ca) = (sandbox.info(), sandbox.ca_pem.clone());
        let mut o = ClientOptions::new(info["keys"]["project"][0]["key"].as_str().unwrap());
        o.base_url = Some(info["url"].as_str().unwrap().to_string());
        o.timeout_ms = 30_000;
        o.rate_limits = autosend::RateLimits {
            per_second: 10_000,
            per_minute: 100_000,
            ..Default::default()
        };
        let tls = TlsOptions {
            ca_cert_pem: Some(ca.clone()),
        };
        let c =
            Client::from_core_with(autosend::Client::new(o).unwrap(), tls, IoMode::CallerThread)
                .unwrap();
        let mail = |to: &str| {
            serde_json::json!({"from": {"email": "a@mail.example.com"},
                "to": {"email": to}, "subject": "s", "text": "t"})
        };
        // One lane from the start; calls one after another keep using it.
        assert_eq!(idle_lanes(&c), 1);
        for i in 0..3 {
            c.call("emails.send", mail(&format!("seq{i}@example.com")))
                .unwrap();
        }
        assert_eq!(idle_lanes(&c), 1);
        // The next send is held 2 s by the server; a call meanwhile takes a second lane.
        let admin = reqwest::blocking::Client::builder()
            .use_rustls_tls()
            .add_root_certificate(reqwest::Certificate::from_pem(&ca).unwrap())
            .build()
            .unwrap();
        let faults = format!("{}/_sandbox/faults", info["admin_url"].as_str().unwrap());
        let rule = serde_json::json!({"path": "/v1/mails/send", "times": 1,
            "fault": {"latency_ms": 2000}});
        assert!(admin
            .post(faults)
            .json(&rule)
            .send()
            .unwrap()
            .status()
            .is_success());
        std::thread::scope(|s| {
            let slow = s.spawn(|| c.call("emails.send", mail("slow@example.com")));
            let t0 = Instant::now();
            while idle_lanes(&c) != 0 {
                assert!(
                    t0.elapsed() < Duration::from_secs(10),
                    "the slow call never started"
                );
                std::thread::sleep(Duration::from_millis(5));
            }
            c.call("emails.send", mail("fast@example.com")).unwrap();
            // Not behind the held call.
            assert!(!slow.is_finished(), "the second call waited for the first");
            assert_eq!(idle_lanes(&c), 1, "the second lane is idle again");
            slow.join().unwrap().unwrap();
        });
        assert_eq!(idle_lanes(&c), 2);
        c.call("emails.send", mail("after@example.com")).unwrap();
        assert_eq!(idle_lanes(&c), 2);
    }
}
