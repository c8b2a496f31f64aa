//! The shared rate-limit budget on Redis (or Valkey): one budget per key across processes,
//! machines and languages.
//!
//! The core owns the protocol — the Lua scripts, the key naming, the arguments and the reading
//! of the replies — and stays sans-IO: a [`Call`](crate::Call) configured with a Redis store
//! yields [`Poll::Budget`](crate::Poll::Budget) operations, the caller runs them on its Redis
//! connection (`EVAL script 1 key args…`, within [`BudgetOp::timeout_ms`]) and feeds the reply
//! back with [`Call::handle_budget_reply`](crate::Call::handle_budget_reply) or the failure with
//! [`Call::handle_budget_error`](crate::Call::handle_budget_error).
//!
//! ## The model (the same as the process-local store's)
//! The server counts a request when it *arrives*; a grant only knows it arrives somewhere in
//! `[granted_at, answered_at]`. Each grant is a member of one sorted set whose score is an
//! upper bound of its arrival:
//! - `f:<id>` (in flight): score `granted_at + in_flight_ms` (the request's own timeout bounds
//!   when it can still arrive, so a process that dies mid-request frees its slot eventually);
//! - `s:<id>` (settled, any answer or a timeout): score = Redis time at the settle;
//! - refunded grants (a 429 the server did not count, or nothing sent) are removed;
//! - member `block`: score = the time until which server feedback blocks the key.
//!
//! Acquire grants when, for each window (limit `n`, period `P`), fewer than `n` records may
//! still share a window with a request arriving from now on (score + P + guard > now). Else it
//! answers the exact wait: the time the record that has to leave frees, or `P + guard` when
//! that record is still in flight (it cannot free sooner). Redis `TIME` is the only clock, so
//! the machines' clocks do not matter; records older than the longest window are trimmed and
//! the key expires (`PEXPIRE`) when nothing in it constrains anything any more.

use crate::error::{Error, ErrorKind};
use crate::key::ApiKey;
use crate::limiter::RateLimits;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Prefix of every Redis key the SDK writes: `autosend:rl:<fingerprint>`.
pub const REDIS_KEY_PREFIX: &str = "autosend:rl:";
/// Environment variable naming the Redis server of the shared budget (`redis://host:6379/0`).
pub const ENV_REDIS_URL: &str = "AUTOSEND_REDIS_URL";
/// Longest time one budget operation may take (connect included) before the store counts as
/// failed: the caller's Redis timeout, also checked by the core on the reply.
pub const DEFAULT_REDIS_TIMEOUT_MS: u64 = 250;
/// After a failure, how long the process-local budget is used before Redis is tried again.
pub const REDIS_RETRY_AFTER_MS: u64 = 10_000;
/// Extra width of every window in the shared store. The arrival bounds are exact (a settle is
/// recorded after the answer came back), so this only absorbs the server's millisecond
/// rounding.
pub const REDIS_GUARD_MS: u64 = 5;
/// `X-RateLimit-Reset` and `Date` are whole seconds, so a wait computed from them can be up
/// to this much longer than the server's; the shared store is blocked for the wait less this.
pub const RESET_RESOLUTION_MS: u64 = 2_000;
/// Slack added to a request's timeout for the in-flight arrival bound.
pub const IN_FLIGHT_SLACK_MS: u64 = 1_000;

/// What to do when Redis is unreachable, slow or answers garbage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnRedisError {
    /// Use the process-local budget (reported once per outage) and try Redis again later.
    #[default]
    Fallback,
    /// Fail the call with `budget_store` before anything is sent.
    Raise,
}

impl OnRedisError {
    /// `fallback` or `raise`.
    pub fn name(self) -> &'static str {
        match self {
            OnRedisError::Fallback => "fallback",
            OnRedisError::Raise => "raise",
        }
    }

    /// Parses `fallback` / `raise`.
    pub fn parse(s: &str) -> Result<OnRedisError, Error> {
        match s.trim() {
            "fallback" => Ok(OnRedisError::Fallback),
            "raise" => Ok(OnRedisError::Raise),
            _ => Err(Error::new(
                ErrorKind::InvalidConfig,
                "on_redis_error must be \"fallback\" or \"raise\"",
            )),
        }
    }
}

/// Atomic grant: checks both windows and the server block, records the grant.
/// `KEYS[1]` budget key; `ARGV`: n1 p1 n2 p2 guard_ms in_flight_ms nonce.
/// Reply: `{1, grant_id}` or `{0, wait_ms}`.
pub const ACQUIRE_SCRIPT: &str = r#"-- autosend budget acquire v1
local key = KEYS[1]
local n1, p1 = tonumber(ARGV[1]), tonumber(ARGV[2])
local n2, p2 = tonumber(ARGV[3]), tonumber(ARGV[4])
local guard, inflight = tonumber(ARGV[5]), tonumber(ARGV[6])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local span = math.max(p1, p2) + guard
redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. string.format('%d', now - span))
local wait = 0
local b = redis.call('ZSCORE', key, 'block')
if b and tonumber(b) > now then wait = tonumber(b) - now end
local rows = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
local function need(n, p)
  local live = {}
  for i = 1, #rows, 2 do
    local s = tonumber(rows[i + 1])
    if rows[i] ~= 'block' and s + p + guard > now then live[#live + 1] = i end
  end
  if #live < n then return 0 end
  local i = live[#live - n + 1]
  if string.sub(rows[i], 1, 2) == 'f:' then return p + guard end
  return tonumber(rows[i + 1]) + p + guard - now
end
wait = math.max(wait, need(n1, p1), need(n2, p2))
if wait > 0 then return {0, math.ceil(wait)} end
local id = string.format('%d', now) .. ':' .. ARGV[7]
redis.call('ZADD', key, now + inflight, 'f:' .. id)
local top = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
redis.call('PEXPIRE', key, math.max(tonumber(top[2]) + span - now, 0) + 1000)
return {1, id}
"#;

/// The answer (or a timeout) came back: the grant arrived by Redis' now.
/// `KEYS[1]` budget key; `ARGV`: grant_id p_max guard_ms. Reply: 1.
pub const SETTLE_SCRIPT: &str = r#"-- autosend budget settle v1
local key = KEYS[1]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('ZREM', key, 'f:' .. ARGV[1]) == 1 then
  redis.call('ZADD', key, now, 's:' .. ARGV[1])
  local top = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  redis.call('PEXPIRE', key, math.max(tonumber(top[2]) + tonumber(ARGV[2]) + tonumber(ARGV[3]) - now, 0) + 1000)
end
return 1
"#;

/// The server did not count the request (429) or nothing was sent: the grant goes.
/// `KEYS[1]` budget key; `ARGV`: grant_id. Reply: 1.
pub const REFUND_SCRIPT: &str = r#"-- autosend budget refund v1
redis.call('ZREM', KEYS[1], 'f:' .. ARGV[1])
return 1
"#;

/// Server feedback: nobody sends with this key for `wait_ms` (only ever extends a block).
/// `KEYS[1]` budget key; `ARGV`: wait_ms p_max guard_ms. Reply: 1.
pub const BLOCK_SCRIPT: &str = r#"-- autosend budget block v1
local key = KEYS[1]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untl = now + tonumber(ARGV[1])
local cur = redis.call('ZSCORE', key, 'block')
if (not cur) or tonumber(cur) < untl then
  redis.call('ZADD', key, untl, 'block')
end
local top = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
redis.call('PEXPIRE', key, math.max(tonumber(top[2]) + tonumber(ARGV[2]) + tonumber(ARGV[3]) - now, 0) + 1000)
return 1
"#;

/// Which budget operation an op is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetOpKind {
    /// Take a slot or learn the wait.
    Acquire,
    /// Record when a granted request's answer (or timeout) came.
    Settle,
    /// Give a grant back (429, or nothing sent).
    Refund,
    /// Block the key after server feedback.
    Block,
}

impl BudgetOpKind {
    /// `acquire`, `settle`, `refund` or `block`.
    pub fn name(self) -> &'static str {
        match self {
            BudgetOpKind::Acquire => "acquire",
            BudgetOpKind::Settle => "settle",
            BudgetOpKind::Refund => "refund",
            BudgetOpKind::Block => "block",
        }
    }

    /// Parses a name.
    pub fn from_name(s: &str) -> Option<BudgetOpKind> {
        match s {
            "acquire" => Some(BudgetOpKind::Acquire),
            "settle" => Some(BudgetOpKind::Settle),
            "refund" => Some(BudgetOpKind::Refund),
            "block" => Some(BudgetOpKind::Block),
            _ => None,
        }
    }
}

/// One operation on the shared store, for the caller to run as
/// `EVAL script keys.len() keys… args…` within `timeout_ms`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetOp {
    /// What it is.
    pub kind: BudgetOpKind,
    /// The Lua source.
    pub script: &'static str,
    /// `KEYS` (the budget key).
    pub keys: Vec<String>,
    /// `ARGV`.
    pub args: Vec<String>,
    /// Give up after this long (connecting included) and report it as a failure.
    pub timeout_ms: u64,
}

impl BudgetOp {
    /// As JSON: `{kind, script, keys, args, timeout_ms}` (what the JS layer receives).
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "kind": self.kind.name(),
            "script": self.script,
            "keys": self.keys,
            "args": self.args,
            "timeout_ms": self.timeout_ms,
        })
    }
}

/// The reading of an acquire reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BudgetDecision {
    /// Granted: send now; the id settles or refunds the grant later.
    Go(String),
    /// No slot for this many ms.
    Wait(u64),
}

/// Longest wait the store may ask for: server feedback is capped at
/// [`MAX_FEEDBACK_WAIT_MS`](crate::MAX_FEEDBACK_WAIT_MS); anything larger is garbage.
const MAX_STORE_WAIT_MS: u64 = crate::limiter::MAX_FEEDBACK_WAIT_MS + 120_000;

fn garbage(what: &str) -> Error {
    Error::new(
        ErrorKind::BudgetStore,
        format!("the Redis budget store answered something unexpected ({what}); is AUTOSEND_REDIS_URL / redis pointing at a Redis or Valkey server?"),
    )
}

fn as_int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9e15)
                .map(|f| f as i64)
        }),
        Value::String(s) if !s.is_empty() && s.len() < 20 => s.parse().ok(),
        _ => None,
    }
}

/// Reads the reply of the acquire script, as JSON (integers → numbers, strings → strings,
/// arrays → arrays, nil → null): `[1, id]` → Go, `[0, ms]` → Wait; anything else is a
/// `budget_store` error (the caller falls back or raises).
pub fn interpret_acquire(reply: &Value) -> Result<BudgetDecision, Error> {
    let Some(items) = reply.as_array() else {
        return Err(garbage("not an array"));
    };
    if items.len() != 2 {
        return Err(garbage("not two items"));
    }
    match as_int(&items[0]) {
        Some(1) => {
            let id = match &items[1] {
                Value::String(s) => s.clone(),
                _ => return Err(garbage("grant id is not a string")),
            };
            if id.is_empty()
                || id.len() > 64
                || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b':')
            {
                return Err(garbage("malformed grant id"));
            }
            Ok(BudgetDecision::Go(id))
        }
        Some(0) => match as_int(&items[1]) {
            Some(ms) if ms > 0 && (ms as u64) <= MAX_STORE_WAIT_MS => {
                Ok(BudgetDecision::Wait(ms as u64))
            }
            _ => Err(garbage("wait out of range")),
        },
        _ => Err(garbage("unknown status")),
    }
}

/// Reads the reply of settle / refund / block: `1`.
pub fn interpret_ack(reply: &Value) -> Result<(), Error> {
    match as_int(reply) {
        Some(1) => Ok(()),
        _ => Err(garbage("not 1")),
    }
}

/// Reads any operation's reply as JSON for the conformance vectors: `{"go": id}`,
/// `{"wait": ms}`, `{"ok": true}` or `{"error": "budget_store"}`.
pub fn interpret_reply_json(kind: BudgetOpKind, reply: &Value) -> Value {
    let r = match kind {
        BudgetOpKind::Acquire => interpret_acquire(reply).map(|d| match d {
            BudgetDecision::Go(id) => serde_json::json!({ "go": id }),
            BudgetDecision::Wait(ms) => serde_json::json!({ "wait": ms }),
        }),
        _ => interpret_ack(reply).map(|()| serde_json::json!({ "ok": true })),
    };
    r.unwrap_or_else(|e| serde_json::json!({ "error": e.kind().name() }))
}

/// The Redis key of a key's budget: `autosend:rl:` + a hash of the API host and the key (the
/// key itself never reaches Redis).
pub fn budget_key(key: &ApiKey, base_url: &str) -> String {
    let host = url::Url::parse(base_url)
        .ok()
        .and_then(|u| {
            u.host_str()
                .map(|h| format!("{h}:{}", u.port_or_known_default().unwrap_or(0)))
        })
        .unwrap_or_default();
    let mut h = Sha256::new();
    h.update(b"autosend-rl-v1\0");
    h.update(host.as_bytes());
    h.update(b"\0");
    h.update(key.expose_secret().as_bytes());
    format!("{REDIS_KEY_PREFIX}{}", hex::encode(&h.finalize()[..16]))
}

/// The two windows of a key: (limit, period ms).
pub type Windows = [(u32, u64); 2];

/// The windows of `limits` as (limit, period ms).
pub fn windows(limits: &RateLimits) -> Windows {
    [
        (limits.per_second, limits.second_ms),
        (limits.per_minute, limits.minute_ms),
    ]
}

fn longest(w: &Windows) -> u64 {
    w[0].1.max(w[1].1)
}

/// The acquire op for `key_name` under `windows`. `in_flight_ms` bounds how long the request
/// can still arrive (its timeout); `nonce` makes the grant id unique.
pub fn acquire_op(
    key_name: &str,
    windows: &Windows,
    in_flight_ms: u64,
    nonce: u64,
    timeout_ms: u64,
) -> BudgetOp {
    let [(n1, p1), (n2, p2)] = *windows;
    BudgetOp {
        kind: BudgetOpKind::Acquire,
        script: ACQUIRE_SCRIPT,
        keys: vec![key_name.to_string()],
        args: vec![
            n1.to_string(),
            p1.to_string(),
            n2.to_string(),
            p2.to_string(),
            REDIS_GUARD_MS.to_string(),
            in_flight_ms.saturating_add(IN_FLIGHT_SLACK_MS).to_string(),
            format!("{nonce:016x}"),
        ],
        timeout_ms,
    }
}

/// The settle op of `grant`.
pub fn settle_op(key_name: &str, windows: &Windows, grant: &str, timeout_ms: u64) -> BudgetOp {
    BudgetOp {
        kind: BudgetOpKind::Settle,
        script: SETTLE_SCRIPT,
        keys: vec![key_name.to_string()],
        args: vec![
            grant.to_string(),
            longest(windows).to_string(),
            REDIS_GUARD_MS.to_string(),
        ],
        timeout_ms,
    }
}

/// The refund op of `grant`.
pub fn refund_op(key_name: &str, grant: &str, timeout_ms: u64) -> BudgetOp {
    BudgetOp {
        kind: BudgetOpKind::Refund,
        script: REFUND_SCRIPT,
        keys: vec![key_name.to_string()],
        args: vec![grant.to_string()],
        timeout_ms,
    }
}

/// The block op: nobody sends with the key for `wait_ms` (capped like local feedback).
pub fn block_op(key_name: &str, windows: &Windows, wait_ms: u64, timeout_ms: u64) -> BudgetOp {
    BudgetOp {
        kind: BudgetOpKind::Block,
        script: BLOCK_SCRIPT,
        keys: vec![key_name.to_string()],
        args: vec![
            wait_ms
                .min(crate::limiter::MAX_FEEDBACK_WAIT_MS)
                .to_string(),
            longest(windows).to_string(),
            REDIS_GUARD_MS.to_string(),
        ],
        timeout_ms,
    }
}

/// Something the binding should log once (an outage of the shared store and the fallback).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetNotice {
    /// `fallback` (Redis failed, the local budget is used) or `restored`.
    pub event: &'static str,
    /// A sentence for a log.
    pub message: String,
}

#[derive(Debug, Default)]
struct StoreState {
    /// While set and in the future, the local budget is used.
    fallback_until: Option<u64>,
    /// An outage was reported and not yet followed by `restored`.
    in_outage: bool,
    notices: Vec<BudgetNotice>,
}

/// The shared store of one client (and its clones): the Redis key, the policy and whether
/// Redis currently works. Bindings never build this; the core's [`Client`](crate::Client)
/// does when the configuration names Redis.
#[derive(Debug)]
pub struct RedisBudget {
    key_name: String,
    windows: Windows,
    on_error: OnRedisError,
    timeout_ms: u64,
    state: std::sync::Mutex<StoreState>,
}

impl RedisBudget {
    /// A store for `key` at `base_url`.
    pub fn new(
        key: &ApiKey,
        base_url: &str,
        limits: RateLimits,
        on_error: OnRedisError,
        timeout_ms: u64,
    ) -> RedisBudget {
        RedisBudget {
            key_name: budget_key(key, base_url),
            windows: windows(&limits),
            on_error,
            timeout_ms,
            state: Default::default(),
        }
    }

    /// The Redis key.
    pub fn key_name(&self) -> &str {
        &self.key_name
    }

    /// The failure policy.
    pub fn on_error(&self) -> OnRedisError {
        self.on_error
    }

    /// Longest time an operation may take.
    pub fn timeout_ms(&self) -> u64 {
        self.timeout_ms
    }

    /// The windows the store enforces.
    pub fn windows(&self) -> Windows {
        self.windows
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, StoreState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// True when Redis should be asked at `now` (not inside a fallback period).
    pub fn active(&self, now: u64) -> bool {
        if self.on_error == OnRedisError::Raise {
            return true;
        }
        match self.lock().fallback_until {
            Some(t) => now >= t,
            None => true,
        }
    }

    /// Records a failure at `now`: the local budget is used for [`REDIS_RETRY_AFTER_MS`]; the
    /// first failure of an outage leaves a notice.
    pub(crate) fn failed(&self, now: u64, why: &str) {
        let mut s = self.lock();
        s.fallback_until = Some(now.saturating_add(REDIS_RETRY_AFTER_MS));
        if !s.in_outage {
            s.in_outage = true;
            let message = match self.on_error {
                OnRedisError::Fallback => format!("the shared rate-limit budget on Redis failed ({why}); using the process-local budget, Redis is tried again every {} s", REDIS_RETRY_AFTER_MS / 1000),
                OnRedisError::Raise => format!("the shared rate-limit budget on Redis failed ({why}); calls fail with budget_store until it answers again"),
            };
            s.notices.push(BudgetNotice {
                event: "fallback",
                message,
            });
        }
    }

    /// Records a successful operation (ends an outage with a notice).
    pub(crate) fn succeeded(&self) {
        let mut s = self.lock();
        s.fallback_until = None;
        if s.in_outage {
            s.in_outage = false;
            s.notices.push(BudgetNotice {
                event: "restored",
                message: "the shared rate-limit budget on Redis answers again; using it".into(),
            });
        }
    }

    /// Notices not yet taken (each outage is reported once).
    pub fn take_notices(&self) -> Vec<BudgetNotice> {
        std::mem::take(&mut self.lock().notices)
    }

    pub(crate) fn acquire(&self, in_flight_ms: u64, nonce: u64) -> BudgetOp {
        acquire_op(
            &self.key_name,
            &self.windows,
            in_flight_ms,
            nonce,
            self.timeout_ms,
        )
    }
    pub(crate) fn settle(&self, grant: &str) -> BudgetOp {
        settle_op(&self.key_name, &self.windows, grant, self.timeout_ms)
    }
    pub(crate) fn refund(&self, grant: &str) -> BudgetOp {
        refund_op(&self.key_name, grant, self.timeout_ms)
    }
    pub(crate) fn block(&self, wait_ms: u64) -> BudgetOp {
        block_op(&self.key_name, &self.windows, wait_ms, self.timeout_ms)
    }
}

/// Checks a Redis URL's shape (the native transport parses it for real): `redis://`,
/// `rediss://` or `unix://`, no control characters.
pub fn validate_redis_url(url: &str) -> Result<(), Error> {
    let u = url.trim();
    let ok_scheme = ["redis://", "rediss://", "unix://", "redis+unix://"]
        .iter()
        // Bytes, not `u[..n]`: a multi-byte character across the prefix's end must not panic.
        .any(|p| u.len() > p.len() && u.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes()));
    if !ok_scheme || u.chars().any(char::is_control) {
        return Err(Error::new(
            ErrorKind::InvalidConfig,
            "redis_url must look like redis://host:6379/0 (or rediss://, unix://)",
        ));
    }
    Ok(())
}

/// A Redis URL with its password replaced by `***` (for `Debug` and logs).
pub fn redact_redis_url(url: &str) -> String {
    match url::Url::parse(url.trim()) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("***"));
            }
            u.to_string()
        }
        Err(_) => "<redis url>".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn replies() {
        assert_eq!(
            interpret_acquire(&json!([1, "1700000000000:00ab"])).unwrap(),
            BudgetDecision::Go("1700000000000:00ab".into())
        );
        assert_eq!(
            interpret_acquire(&json!([0, 950])).unwrap(),
            BudgetDecision::Wait(950)
        );
        for bad in [
            json!(null),
            json!("OK"),
            json!([1]),
            json!([2, 3]),
            json!([0, -1]),
            json!([0, 0]),
            json!([0, 10_000_000_000u64]),
            json!([1, 5]),
            json!([1, "a b"]),
            json!([1, ""]),
        ] {
            assert_eq!(
                interpret_acquire(&bad).unwrap_err().kind(),
                ErrorKind::BudgetStore,
                "{bad}"
            );
        }
        assert!(interpret_ack(&json!(1)).is_ok());
        assert!(interpret_ack(&json!("1")).is_ok());
        assert!(interpret_ack(&json!([1])).is_err());
    }

    #[test]
    fn whole_numbers_below_9e15_only() {
        // Floats are whole numbers only below 9e15 (exact in an f64); larger ones are no
        // integer at all rather than a saturated one.
        assert_eq!(
            as_int(&json!(8.999_999_999_999_998e15)),
            Some(8_999_999_999_999_998)
        );
        assert_eq!(as_int(&json!(9e15)), None);
        assert_eq!(as_int(&json!(-9e15)), None);
        assert_eq!(as_int(&json!(-40.0)), Some(-40));
        assert_eq!(
            as_int(&json!(9_000_000_000_000_001i64)),
            Some(9_000_000_000_000_001)
        );
        assert_eq!(as_int(&json!(u64::MAX)), None);
    }

    #[test]
    fn key_names_hide_the_key_and_separate_hosts() {
        let k = ApiKey::parse("AS_CanaryRedisKey1234").unwrap();
        let a = budget_key(&k, "https://api.autosend.com/v1");
        let b = budget_key(&k, "https://127.0.0.1:8443/v1");
        assert!(a.starts_with(REDIS_KEY_PREFIX), "{a}");
        assert_ne!(a, b);
        assert!(!a.contains("Canary") && !a.contains("1234"));
        assert_eq!(a, budget_key(&k, "https://api.autosend.com/v1/"));
    }

    #[test]
    fn ops_carry_the_windows() {
        let op = acquire_op(
            "autosend:rl:x",
            &windows(&RateLimits::default()),
            30_000,
            7,
            250,
        );
        assert_eq!(op.keys, vec!["autosend:rl:x"]);
        assert_eq!(&op.args[..6], &["2", "1000", "50", "60000", "5", "31000"]);
        assert_eq!(op.args[6], "0000000000000007");
    }

    #[test]
    fn outage_reported_once() {
        let k = ApiKey::parse("AS_outage1").unwrap();
        let s = RedisBudget::new(
            &k,
            "https://x/v1",
            RateLimits::default(),
            OnRedisError::Fallback,
            250,
        );
        assert!(s.active(0));
        s.failed(0, "refused");
        s.failed(10, "refused");
        assert!(!s.active(100));
        assert_eq!(s.take_notices().len(), 1);
        assert!(s.active(REDIS_RETRY_AFTER_MS + 10));
        s.succeeded();
        let n = s.take_notices();
        assert_eq!(n.len(), 1);
        assert_eq!(n[0].event, "restored");
    }

    #[test]
    fn urls() {
        validate_redis_url("redis://127.0.0.1:6379/0").unwrap();
        validate_redis_url("rediss://u:p@h:1").unwrap();
        assert!(validate_redis_url("http://x").is_err());
        assert!(validate_redis_url("redis://").is_err());
        assert_eq!(
            redact_redis_url("redis://user:s3cret@h:6379/0"),
            "redis://user:***@h:6379/0"
        );
    }
}
