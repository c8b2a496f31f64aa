//! The shared in-memory state: keys, projects, contacts, mail, rate windows, faults, counters.

use crate::config::Settings;
use crate::util;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Which kind of key authenticated a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// `AS_` key bound to one project.
    Project,
    /// `ASA_` key spanning all projects.
    Account,
}

impl KeyKind {
    /// "project" or "account".
    pub fn as_str(self) -> &'static str {
        match self {
            KeyKind::Project => "project",
            KeyKind::Account => "account",
        }
    }
}

/// A known key.
#[derive(Debug, Clone)]
pub struct KeyInfo {
    /// Kind.
    pub kind: KeyKind,
    /// Bound project (project keys only).
    pub project_id: Option<String>,
    /// Revoked keys answer 401.
    pub revoked: bool,
}

/// A fault rule registered through the admin API.
#[derive(Debug, Clone)]
pub struct FaultRule {
    /// Exact request path to match (e.g. `/v1/mails/send`); `None` matches any API path.
    pub path: Option<String>,
    /// HTTP method to match (case-insensitive); `None` matches any.
    pub method: Option<String>,
    /// How many more requests this rule applies to.
    pub times: u64,
    /// The fault object (same syntax as the `x-sandbox-fault` header).
    pub fault: Value,
}

/// Received mails kept (~11 KB each: body, headers, rendering): at least the newest this many,
/// at most a tenth more; older ones are dropped, so that a load test neither grows the
/// sandbox without bound nor slows it down.
pub const MAX_MESSAGES: usize = 10_000;

/// Request counters for `GET /_sandbox/stats`.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    /// Every request that reached the API (`/v1/...`), on either port.
    pub requests_received: u64,
    /// Successful (2xx) handler runs per endpoint id.
    pub processed: BTreeMap<String, u64>,
    /// Requests answered with an error, per error code.
    pub rejected: BTreeMap<String, u64>,
    /// Faults applied (total).
    pub faults_applied: u64,
    /// Faults applied per kind.
    pub faults_by_kind: BTreeMap<String, u64>,
    /// Encrypted (JWE) request bodies decrypted, per key id.
    pub jwe_decrypted: BTreeMap<String, u64>,
}

/// Per-project resources of the newer endpoint areas (JSON objects as the API returns them,
/// plus a few internal fields that views strip).
#[derive(Debug, Default, Clone)]
pub struct ProjectData {
    /// Templates.
    pub templates: Vec<Value>,
    /// Senders.
    pub senders: Vec<Value>,
    /// Campaigns.
    pub campaigns: Vec<Value>,
    /// Automations.
    pub automations: Vec<Value>,
    /// Event definitions (soft-deleted ones are removed).
    pub events: Vec<Value>,
    /// Events recorded by `events.send`.
    pub event_log: Vec<Value>,
    /// Domains.
    pub domains: Vec<Value>,
    /// Contact lists and segments.
    pub lists: Vec<Value>,
    /// Suppression groups (the global group is seeded).
    pub groups: Vec<Value>,
    /// Suppression entries.
    pub entries: Vec<Value>,
    /// Contact properties (= custom fields).
    pub properties: Vec<Value>,
    /// Webhooks (with their real secret).
    pub webhooks: Vec<Value>,
    /// Webhook delivery logs, oldest first.
    pub webhook_logs: Vec<Value>,
    /// Inbound messages (seeded), newest first.
    pub inbound: Vec<Value>,
    /// Attachment bytes by attachmentId.
    pub attachment_bytes: HashMap<String, Vec<u8>>,
}

/// A pre-signed attachment download handed out by `inbound.attachment`.
#[derive(Debug, Clone)]
pub struct Download {
    /// File name.
    pub filename: String,
    /// Content type.
    pub content_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// When the URL stops working.
    pub expires: Instant,
}

/// The mutable state behind the lock.
#[derive(Debug, Default)]
pub struct State {
    /// Per-project resources of the newer areas, created on first use.
    pub data: HashMap<String, ProjectData>,
    /// Pre-signed download tokens.
    pub downloads: HashMap<String, Download>,
    /// key string → info.
    pub keys: HashMap<String, KeyInfo>,
    /// Projects in creation order (JSON objects as the API returns them).
    pub projects: Vec<Value>,
    /// Contacts (JSON objects as the API returns them, including `projectId`).
    pub contacts: Vec<Value>,
    /// Received mail, one record per recipient message, oldest first; the newest
    /// [`MAX_MESSAGES`] are kept ([`State::keep_message`]).
    pub messages: Vec<Value>,
    /// Accepted request instants per key, within the last minute window.
    pub windows: HashMap<String, VecDeque<Instant>>,
    /// Admin fault rules, consumed in order.
    pub faults: Vec<FaultRule>,
    /// Remaining requests to answer 429 because of a `rate_limit_burst` fault.
    pub burst_remaining: u64,
    /// Counters.
    pub stats: Stats,
    /// Webhook deliveries waiting to be started (drained after each request).
    pub outbox: Vec<crate::deliver::Job>,
    /// Unsubscribe links handed out in rendered mail: token → `{projectId, email, groupId}`.
    pub unsubscribes: HashMap<String, Value>,
    /// The request log (oldest first, capped at `reqlog::MAX_ENTRIES`).
    pub requests: VecDeque<Value>,
    /// Summaries of messages recorded by the current request, for the inbox's live updates.
    pub fresh: Vec<Value>,
}

impl State {
    /// A throw-away copy for dry runs (no mail, rate windows or downloads).
    pub fn scratch(&self) -> State {
        State {
            data: self.data.clone(),
            downloads: HashMap::new(),
            keys: self.keys.clone(),
            projects: self.projects.clone(),
            contacts: self.contacts.clone(),
            messages: Vec::new(),
            windows: HashMap::new(),
            faults: Vec::new(),
            burst_remaining: 0,
            stats: Stats::default(),
            outbox: Vec::new(),
            unsubscribes: HashMap::new(),
            requests: VecDeque::new(),
            fresh: Vec::new(),
        }
    }

    /// Stores a received mail; the oldest go once more than [`MAX_MESSAGES`] are stored.
    pub fn keep_message(&mut self, msg: Value) {
        keep_newest(&mut self.messages, msg, MAX_MESSAGES);
    }
}

/// Appends `item`; past `max` + a tenth, drops the oldest down to `max` (so a drop moves the
/// rest once per `max / 10` items, not once per item).
fn keep_newest<T>(v: &mut Vec<T>, item: T, max: usize) {
    v.push(item);
    if v.len() > max + max / 10 {
        let excess = v.len() - max;
        v.drain(..excess);
    }
}

/// Outcome of a rate-limit check.
#[derive(Debug, Clone, Copy)]
pub struct RateInfo {
    /// Per-minute limit.
    pub limit: u32,
    /// Requests left in the per-minute window (after this one, when allowed).
    pub remaining: u32,
    /// Epoch seconds when the per-minute window frees a slot (now when empty).
    pub reset_epoch: u64,
    /// When refused: milliseconds until a request would be allowed.
    pub retry_after_ms: Option<u64>,
}

/// The whole application: settings plus locked state.
pub struct App {
    /// Resolved settings (initial keys and projects, limits).
    pub settings: Settings,
    /// The start-up JSON line (also served by `GET /_sandbox/config`).
    pub start_info: Mutex<Value>,
    /// New-message summaries for the inbox's server-sent events (`GET /_sandbox/stream`).
    pub news: tokio::sync::broadcast::Sender<Value>,
    state: Mutex<State>,
    jwks_rx: tokio::sync::watch::Receiver<Option<Arc<crate::areas::jwks::Keyring>>>,
    jwks_start: Mutex<Option<Box<dyn FnOnce() + Send>>>,
}

fn project_json(id: &str, name: &str, domain: Option<&str>, region: Option<&str>) -> Value {
    json!({
        "id": id,
        "name": name,
        "domain": domain,
        "domains": [],
        "regionKey": region,
        "createdAt": util::now_iso(),
        "trackingOpen": false,
        "trackingClick": false,
        "inboundEmailDomain": format!("{}.autosend.email", util::random_alnum(12).to_ascii_lowercase()),
    })
}

impl App {
    /// Build the app with the initial projects and keys.
    pub fn new(settings: Settings) -> App {
        let (tx, jwks_rx) = tokio::sync::watch::channel(None);
        let rotate_after = settings.jwks_rotate_after;
        // RSA key generation takes a while in debug builds: do it off the start-up path
        // (at start, or on first use with --lazy-jwks); `jwks.get` waits for it.
        let starter: Box<dyn FnOnce() + Send> = Box::new(move || {
            std::thread::spawn(move || {
                let ring = crate::areas::jwks::generate(rotate_after);
                let _ = tx.send(Some(Arc::new(ring)));
            });
        });
        let lazy = settings.lazy_jwks;
        let app = App {
            settings,
            start_info: Mutex::new(Value::Null),
            news: tokio::sync::broadcast::channel(256).0,
            state: Mutex::new(State::default()),
            jwks_rx,
            jwks_start: Mutex::new(Some(starter)),
        };
        if !lazy {
            app.start_keygen();
        }
        app.reset();
        app
    }

    /// Lock the state (a poisoned lock is recovered: the state stays usable).
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Restore the initial projects and keys, and clear everything else.
    pub fn reset(&self) {
        if let Some(ring) = self.jwks_rx.borrow().as_ref() {
            ring.reset();
        }
        let mut st = self.lock();
        *st = State::default();
        for p in &self.settings.projects {
            st.projects.push(project_json(&p.id, &p.name, None, None));
            for k in &p.keys {
                st.keys.insert(
                    k.clone(),
                    KeyInfo {
                        kind: KeyKind::Project,
                        project_id: Some(p.id.clone()),
                        revoked: false,
                    },
                );
            }
        }
        // Seed every project's data (global suppression group, inbound messages) now.
        for p in &self.settings.projects {
            crate::areas::data(&mut st, &p.id);
        }
        for k in &self.settings.account_keys {
            st.keys.insert(
                k.clone(),
                KeyInfo {
                    kind: KeyKind::Account,
                    project_id: None,
                    revoked: false,
                },
            );
        }
    }

    fn start_keygen(&self) {
        let f = self
            .jwks_start
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(f) = f {
            f();
        }
    }

    /// The JWKS document, waiting for the key generation when it is still running.
    pub async fn jwks(&self) -> Arc<Value> {
        match self.keyring().await {
            Some(ring) => Arc::new(ring.document()),
            None => Arc::new(json!({"keys": []})),
        }
    }

    /// The encryption keys, waiting for their generation when it is still running.
    pub async fn keyring(&self) -> Option<Arc<crate::areas::jwks::Keyring>> {
        self.start_keygen();
        let mut rx = self.jwks_rx.clone();
        rx.wait_for(Option::is_some)
            .await
            .ok()
            .and_then(|v| v.clone())
    }

    /// Scaled window lengths (per second, per minute).
    pub fn windows(&self) -> (Duration, Duration) {
        let s = self.settings.time_scale;
        (
            Duration::from_secs_f64(1.0 / s),
            Duration::from_secs_f64(60.0 / s),
        )
    }

    /// Check both sliding windows for `key`; when allowed, record the request.
    pub fn rate_check(&self, st: &mut State, key: &str) -> RateInfo {
        let (sec_w, min_w) = self.windows();
        let per_s = self.settings.rate_per_second as usize;
        let per_m = self.settings.rate_per_minute as usize;
        let now = Instant::now();
        let q = st.windows.entry(key.to_string()).or_default();
        while q.front().is_some_and(|t| now.duration_since(*t) >= min_w) {
            q.pop_front();
        }
        // The times are in order (recorded under the lock): the second window is a suffix,
        // found by bisection (counting it by a scan cost O(requests in the last minute) per
        // request, ~100 µs at 5,000 requests per second with the limits turned off).
        let in_sec = q.len() - q.partition_point(|t| now.duration_since(*t) >= sec_w);
        let mut retry: Option<Duration> = None;
        if in_sec >= per_s {
            // The oldest request inside the second window must leave it.
            let idx = q.len() - in_sec;
            if let Some(t) = q.get(idx) {
                retry = Some(sec_w.saturating_sub(now.duration_since(*t)));
            }
        }
        if q.len() >= per_m {
            let idx = q.len() - per_m;
            if let Some(t) = q.get(idx) {
                let w = min_w.saturating_sub(now.duration_since(*t));
                retry = Some(retry.map_or(w, |r| r.max(w)));
            }
        }
        if retry.is_none() {
            q.push_back(now);
        }
        let remaining = per_m.saturating_sub(q.len()) as u32;
        let until_free = q
            .front()
            .map(|t| min_w.saturating_sub(now.duration_since(*t)))
            .unwrap_or_default();
        let reset_epoch = (util::epoch_millis() + until_free.as_millis() as u64).div_ceil(1000);
        RateInfo {
            limit: self.settings.rate_per_minute,
            remaining,
            reset_epoch,
            retry_after_ms: retry.map(|d| (d.as_millis() as u64).max(1)),
        }
    }

    /// Rate headers for a request that consumed nothing (no valid key).
    pub fn idle_rate(&self) -> RateInfo {
        RateInfo {
            limit: self.settings.rate_per_minute,
            remaining: self.settings.rate_per_minute,
            reset_epoch: util::epoch_millis().div_ceil(1000),
            retry_after_ms: None,
        }
    }

    /// Insert a new project and return its JSON.
    pub fn add_project(
        st: &mut State,
        id: &str,
        name: &str,
        domain: Option<&str>,
        region: Option<&str>,
    ) -> Value {
        let p = project_json(id, name, domain, region);
        st.projects.push(p.clone());
        crate::areas::data(st, id);
        p
    }

    /// The counters as JSON.
    pub fn stats_json(st: &State) -> Value {
        let s = &st.stats;
        json!({
            "requests_received": s.requests_received,
            "processed": s.processed,
            "rejected": s.rejected,
            "faults_applied": s.faults_applied,
            "faults_by_kind": s.faults_by_kind,
            "jwe_decrypted": s.jwe_decrypted,
            "messages": st.messages.len(),
            "contacts": st.contacts.len(),
            "projects": st.projects.len(),
        })
    }
}

/// Increment a named counter.
pub fn bump(map: &mut BTreeMap<String, u64>, name: &str) {
    *map.entry(name.to_string()).or_insert(0) += 1;
}

/// Does the project exist?
pub fn project_exists(st: &State, id: &str) -> bool {
    st.projects
        .iter()
        .any(|p| p.get("id").and_then(Value::as_str) == Some(id))
}

/// Helper to build JSON objects from a map.
pub fn obj(map: Map<String, Value>) -> Value {
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn keep_newest_drops_the_oldest_in_batches() {
        let mut v = Vec::new();
        for i in 0..110 {
            keep_newest(&mut v, i, 100);
        }
        // 110 = max + a tenth: nothing dropped yet.
        assert_eq!(v.len(), 110);
        assert_eq!(v[0], 0);
        keep_newest(&mut v, 110, 100);
        // The 111th drops the 11 oldest: the newest 100 remain, in order.
        assert_eq!(v, (11..111).collect::<Vec<_>>());
        for i in 111..1000 {
            keep_newest(&mut v, i, 100);
            assert!((100..=110).contains(&v.len()));
            assert_eq!(*v.last().unwrap(), i);
            assert!(v.windows(2).all(|w| w[1] == w[0] + 1));
        }
        // A small limit still keeps at least that many.
        let mut s = Vec::new();
        for i in 0..8 {
            keep_newest(&mut s, i, 5);
        }
        assert_eq!(s, vec![3, 4, 5, 6, 7]);
    }

    #[test]
    fn rate_check_counts_the_second_window_as_before() {
        // 3 per second, 5 per minute: the 4th request within a second and the 6th within a
        // minute are refused, with the wait until the oldest leaves the window.
        let cli = crate::Cli::parse_from([
            "autosend-sandbox",
            "--rate-per-second",
            "3",
            "--rate-per-minute",
            "5",
        ]);
        let app = App::new(crate::config::Settings::resolve(&cli).unwrap());
        let mut st = app.lock();
        let key = "AS_x";
        for _ in 0..3 {
            assert!(app.rate_check(&mut st, key).retry_after_ms.is_none());
        }
        let r = app.rate_check(&mut st, key);
        let wait = r.retry_after_ms.expect("the 4th in a second is refused");
        assert!((1..=1000).contains(&wait));
        // Older requests in the minute window but outside the second window do not count
        // toward the second.
        let old = Instant::now() - Duration::from_millis(1500);
        let q = st.windows.get_mut(key).unwrap();
        for t in q.iter_mut() {
            *t = old;
        }
        q.push_back(old);
        // 4 in the minute, none in the last second: allowed (the 5th).
        let r = app.rate_check(&mut st, key);
        assert!(r.retry_after_ms.is_none());
        assert_eq!(r.remaining, 0);
        // The 6th: the minute window is full, the second window holds one.
        let r = app.rate_check(&mut st, key);
        assert!(r.retry_after_ms.unwrap() > 1000);
    }
}
