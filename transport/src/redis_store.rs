//! Runs the core's budget operations ([`autosend::BudgetOp`]) on Redis: `EVAL` of the core's
//! Lua script, within the operation's timeout (connecting included), reply turned into JSON for
//! [`autosend::Call::handle_budget_reply`]. The protocol itself lives in the core.

use autosend::BudgetOp;
use serde_json::Value;
use std::sync::OnceLock;
use std::time::Duration;

/// A Redis connection for one client (and its clones): one multiplexed connection, opened on
/// first use and re-opened after a failure.
pub(crate) struct RedisStore {
    client: redis::Client,
    /// Runs the blocking callers' operations (made on first use).
    rt: OnceLock<tokio::runtime::Runtime>,
    aio: tokio::sync::Mutex<Option<redis::aio::MultiplexedConnection>>,
}

impl Drop for RedisStore {
    fn drop(&mut self) {
        // Also safe when the last clone goes away inside an async runtime.
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

/// A failure, as a sentence without secrets (the URL's password never appears).
fn describe(e: &redis::RedisError) -> String {
    if e.is_timeout() {
        "Redis did not answer in time".into()
    } else if e.is_connection_refusal() {
        "Redis refused the connection".into()
    } else if e.is_io_error() || e.is_connection_dropped() {
        "the connection to Redis failed".into()
    } else {
        let code = e.code().unwrap_or("error");
        format!("Redis answered an error ({code})")
    }
}

/// A Redis reply as JSON: integers → numbers, strings → strings, arrays → arrays, nil → null.
pub(crate) fn reply_to_json(v: redis::Value) -> Value {
    match v {
        redis::Value::Nil => Value::Null,
        redis::Value::Int(i) => Value::from(i),
        redis::Value::BulkString(b) => Value::String(String::from_utf8_lossy(&b).into_owned()),
        redis::Value::SimpleString(s) => Value::String(s),
        redis::Value::Okay => Value::String("OK".into()),
        redis::Value::Array(items) | redis::Value::Set(items) => {
            Value::Array(items.into_iter().map(reply_to_json).collect())
        }
        redis::Value::Boolean(b) => Value::from(i64::from(b)),
        redis::Value::Double(d) => Value::from(d),
        _ => Value::Null,
    }
}

fn eval_cmd(op: &BudgetOp) -> redis::Cmd {
    let mut c = redis::cmd("EVAL");
    c.arg(op.script).arg(op.keys.len());
    for k in &op.keys {
        c.arg(k);
    }
    for a in &op.args {
        c.arg(a);
    }
    c
}

impl RedisStore {
    /// Parses the URL (nothing is opened yet).
    pub(crate) fn new(url: &str) -> Result<RedisStore, autosend::Error> {
        let client = redis::Client::open(url.trim()).map_err(|e| {
            autosend::Error::new(
                autosend::ErrorKind::InvalidConfig,
                format!(
                    "redis_url is not a usable Redis URL ({}); use redis://host:6379/0",
                    e.category()
                ),
            )
        })?;
        Ok(RedisStore {
            client,
            rt: OnceLock::new(),
            aio: tokio::sync::Mutex::new(None),
        })
    }

    /// Runs `op` for a blocking caller: the async path on a one-thread runtime of this store,
    /// so the whole operation (connect and handshake included) is bounded by its timeout — a
    /// server that accepts and never answers cannot hang a thread.
    pub(crate) fn run_blocking(&self, op: &BudgetOp) -> Result<Value, String> {
        let rt = match self.rt.get() {
            Some(rt) => rt,
            None => {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .thread_name("autosend-redis")
                    .enable_all()
                    .build()
                    .map_err(|_| "cannot start the Redis I/O thread".to_string())?;
                let _ = self.rt.set(rt);
                self.rt.get().expect("set above")
            }
        };
        rt.block_on(self.run_async(op))
    }

    /// Runs `op` on the async connection.
    pub(crate) async fn run_async(&self, op: &BudgetOp) -> Result<Value, String> {
        let t = Duration::from_millis(op.timeout_ms.max(1));
        let work = async {
            let mut guard = self.aio.lock().await;
            if guard.is_none() {
                let c = self
                    .client
                    .get_multiplexed_async_connection()
                    .await
                    .map_err(|e| describe(&e))?;
                *guard = Some(c);
            }
            let mut conn = guard.as_ref().expect("connected above").clone();
            drop(guard);
            let r = eval_cmd(op).query_async::<redis::Value>(&mut conn).await;
            match r {
                Ok(v) => Ok(reply_to_json(v)),
                Err(e) => {
                    *self.aio.lock().await = None;
                    Err(describe(&e))
                }
            }
        };
        match tokio::time::timeout(t, work).await {
            Ok(r) => r,
            Err(_) => {
                // The connection may be stuck: open a fresh one next time.
                if let Ok(mut g) = self.aio.try_lock() {
                    *g = None;
                }
                Err("Redis did not answer in time".into())
            }
        }
    }
}
