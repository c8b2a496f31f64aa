//! Time per budget decision: the process-local store vs the shared store on Redis (loopback),
//! acquire + settle, with limits high enough that every acquire grants. `bash bench/redis.sh`
//! runs it with a fresh redis-server (`AUTOSEND_BENCH_REDIS_URL`).
use autosend::budget_redis::{acquire_op, interpret_acquire, settle_op, BudgetDecision};
use autosend::{Acquire, RateLimiter, RateLimits};
use std::time::Instant;

fn main() {
    let n: u64 = 5_000;
    // Every acquire grants; the long window is 1 s so the log holds what a real key's does
    // (the records of one window), not every record of the run.
    let limits = RateLimits {
        per_second: 100_000,
        per_minute: 1_000_000,
        second_ms: 100,
        minute_ms: 1_000,
    };
    let mut local = RateLimiter::new(limits);
    let t = Instant::now();
    for i in 0..n {
        match local.acquire(i) {
            Acquire::Go(g) => local.settle(g, i),
            Acquire::Wait(_) => panic!("local store refused"),
        }
    }
    let local_ns = t.elapsed().as_nanos() as f64 / n as f64;

    let url = std::env::var("AUTOSEND_BENCH_REDIS_URL").expect("AUTOSEND_BENCH_REDIS_URL");
    let mut conn = redis::Client::open(url).unwrap().get_connection().unwrap();
    let windows = autosend::budget_redis::windows(&limits);
    let key = "autosend:rl:bench";
    let _: () = redis::cmd("DEL").arg(key).query(&mut conn).unwrap();
    let eval = |conn: &mut redis::Connection, op: &autosend::BudgetOp| -> serde_json::Value {
        let mut c = redis::cmd("EVAL");
        c.arg(op.script)
            .arg(op.keys.len())
            .arg(&op.keys)
            .arg(&op.args);
        match c.query::<redis::Value>(conn).unwrap() {
            redis::Value::Array(a) => serde_json::Value::Array(
                a.into_iter()
                    .map(|v| match v {
                        redis::Value::Int(i) => serde_json::json!(i),
                        redis::Value::BulkString(b) => {
                            serde_json::json!(String::from_utf8_lossy(&b))
                        }
                        _ => serde_json::Value::Null,
                    })
                    .collect(),
            ),
            redis::Value::Int(i) => serde_json::json!(i),
            _ => serde_json::Value::Null,
        }
    };
    let m: u64 = 2_000;
    let mut acquire_ns = 0u128;
    let t = Instant::now();
    for i in 0..m {
        let a = Instant::now();
        let r = eval(&mut conn, &acquire_op(key, &windows, 30_000, i, 250));
        acquire_ns += a.elapsed().as_nanos();
        match interpret_acquire(&r).unwrap() {
            BudgetDecision::Go(id) => {
                eval(&mut conn, &settle_op(key, &windows, &id, 250));
            }
            BudgetDecision::Wait(w) => panic!("redis store refused: {w}"),
        }
    }
    let redis_pair_us = t.elapsed().as_micros() as f64 / m as f64;
    println!(
        "process-local store: {:.0} ns per acquire+settle ({n} runs)\nRedis store (loopback): {:.0} µs per acquire, {:.0} µs per acquire+settle ({m} runs, {} records in the log at the end)",
        local_ns,
        acquire_ns as f64 / m as f64 / 1000.0,
        redis_pair_us,
        redis::cmd("ZCARD").arg(key).query::<i64>(&mut conn).unwrap()
    );
}
