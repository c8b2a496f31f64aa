//! The shared budget on a real Redis: the scripts' decisions (tests/vectors/redis), clients
//! that stand for separate processes sharing one key, and the failure policy (Redis down,
//! slow, `raise`). Starts `redis-server` on a free loopback port (no persistence), killed at
//! the end; `scripts/test.sh rust` installs it when missing.
#![cfg(feature = "redis")]

mod common;

use autosend::budget_redis::{acquire_op, block_op, refund_op, settle_op, Windows};
use autosend::{ClientConfig, ClientOptions, ErrorKind, OnRedisError};
use autosend_http::blocking;
use common::Sandbox;
use serde_json::{json, Value};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct RedisServer {
    child: Child,
    pub port: u16,
}

impl RedisServer {
    pub fn start() -> RedisServer {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let bin = std::env::var("AUTOSEND_REDIS_SERVER").unwrap_or_else(|_| "redis-server".into());
        let child = Command::new(&bin)
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {bin} ({e}): install it (apt-get install redis-server; scripts/test.sh rust does)")
            });
        let s = RedisServer { child, port };
        let t0 = Instant::now();
        while redis::Client::open(s.url())
            .and_then(|c| c.get_connection())
            .is_err()
        {
            assert!(
                t0.elapsed() < Duration::from_secs(10),
                "redis-server did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        s
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    fn conn(&self) -> redis::Connection {
        redis::Client::open(self.url())
            .unwrap()
            .get_connection()
            .unwrap()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn eval(conn: &mut redis::Connection, op: &autosend::BudgetOp) -> Value {
    let mut c = redis::cmd("EVAL");
    c.arg(op.script).arg(op.keys.len());
    for k in &op.keys {
        c.arg(k);
    }
    for a in &op.args {
        c.arg(a);
    }
    let v: redis::Value = c.query(conn).unwrap();
    to_json(v)
}

fn to_json(v: redis::Value) -> Value {
    match v {
        redis::Value::Int(i) => json!(i),
        redis::Value::BulkString(b) => json!(String::from_utf8_lossy(&b)),
        redis::Value::Array(a) => Value::Array(a.into_iter().map(to_json).collect()),
        redis::Value::Nil => Value::Null,
        other => json!(format!("{other:?}")),
    }
}

#[test]
fn script_vectors_against_a_real_redis() {
    let server = RedisServer::start();
    let mut conn = server.conn();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/redis/budget_script.json"
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut failures = vec![];
    for (n, v) in doc["vectors"].as_array().unwrap().iter().enumerate() {
        let name = v["name"].as_str().unwrap();
        let w = &v["windows"];
        let windows: Windows = [
            (
                w["per_second"].as_u64().unwrap() as u32,
                w["second_ms"].as_u64().unwrap(),
            ),
            (
                w["per_minute"].as_u64().unwrap() as u32,
                w["minute_ms"].as_u64().unwrap(),
            ),
        ];
        let key = format!("autosend:rl:vector{n}");
        let in_flight = v["in_flight_ms"].as_u64().unwrap();
        let mut grants: Vec<String> = vec![];
        for (i, step) in v["steps"].as_array().unwrap().iter().enumerate() {
            let ctx = format!("{name} step {i} {step}");
            match step["op"].as_str().unwrap() {
                "acquire" => {
                    let op = acquire_op(&key, &windows, in_flight, i as u64, 250);
                    let got = autosend::budget_redis::interpret_reply_json(
                        autosend::BudgetOpKind::Acquire,
                        &eval(&mut conn, &op),
                    );
                    match step["expect"].as_str().unwrap() {
                        "go" => match got["go"].as_str() {
                            Some(id) => grants.push(id.to_string()),
                            None => failures.push(format!("{ctx}: got {got}")),
                        },
                        _ => {
                            let (lo, hi) = (
                                step["wait_min"].as_u64().unwrap(),
                                step["wait_max"].as_u64().unwrap(),
                            );
                            match got["wait"].as_u64() {
                                Some(ms) if ms >= lo && ms <= hi => {}
                                _ => failures.push(format!("{ctx}: got {got}")),
                            }
                        }
                    }
                }
                "settle" => {
                    let g = &grants[step["grant"].as_u64().unwrap() as usize];
                    assert_eq!(
                        eval(&mut conn, &settle_op(&key, &windows, g, 250)),
                        json!(1)
                    );
                }
                "refund" => {
                    let g = &grants[step["grant"].as_u64().unwrap() as usize];
                    assert_eq!(eval(&mut conn, &refund_op(&key, g, 250)), json!(1));
                }
                "block" => {
                    let ms = step["wait_ms"].as_u64().unwrap();
                    assert_eq!(
                        eval(&mut conn, &block_op(&key, &windows, ms, 250)),
                        json!(1)
                    );
                }
                "sleep" => std::thread::sleep(Duration::from_millis(step["ms"].as_u64().unwrap())),
                "ttl" => {
                    let ttl: i64 = redis::cmd("PTTL").arg(&key).query(&mut conn).unwrap();
                    let (lo, hi) = (
                        step["min_ms"].as_i64().unwrap(),
                        step["max_ms"].as_i64().unwrap(),
                    );
                    if ttl < lo || ttl > hi {
                        failures.push(format!("{ctx}: pttl {ttl}"));
                    }
                }
                other => panic!("unknown step {other}"),
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

fn mail(to: &str) -> autosend::types::SendEmail {
    let mut m = autosend::types::SendEmail::new(
        autosend::types::Address::new("hello@mail.example.com"),
        autosend::types::Address::new(to),
        "Shared budget",
    );
    m.html = Some("<p>hi</p>".into());
    m
}

/// A client standing for one process: its own process-local budget, the shared one on Redis.
fn process_client(
    sb: &Sandbox,
    redis_url: Option<String>,
    on_error: OnRedisError,
) -> blocking::Client {
    let mut o = ClientOptions::new(sb.project_key());
    o.base_url = Some(sb.url());
    o.redis_url = redis_url;
    o.on_redis_error = on_error;
    let cfg = ClientConfig::new(o).unwrap();
    let core = autosend::Client::with_limiter(cfg, autosend::private_limiter(Default::default()));
    blocking::Client::from_core(core, sb.tls()).unwrap()
}

fn rejected_429(sb: &Sandbox) -> u64 {
    sb.admin_get("/_sandbox/stats")["rejected"]["RATE_LIMIT_EXCEEDED"]
        .as_u64()
        .unwrap_or(0)
}

/// Three "processes", two sends each, at the real 2/s: with Redis no 429 and ≥ 2 s; the same
/// without Redis earns 429s (what users get today).
#[test]
fn separate_budgets_share_one_key_through_redis() {
    let server = RedisServer::start();
    let sb = Sandbox::start(&["--lazy-jwks"]);
    let run = |redis: Option<String>| {
        let t0 = Instant::now();
        let handles: Vec<_> = (0..3)
            .map(|p| {
                let c = process_client(&sb, redis.clone(), OnRedisError::Raise);
                std::thread::spawn(move || {
                    for i in 0..2 {
                        c.send_email(&mail(&format!("p{p}m{i}@example.com")))
                            .unwrap();
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        t0.elapsed()
    };
    let took = run(Some(server.url()));
    assert_eq!(rejected_429(&sb), 0, "no 429 with the shared budget");
    assert!(took >= Duration::from_millis(2000), "{took:?}");
    assert_eq!(sb.processed("emails.send"), 6);
    // The key in Redis is named by a hash, never the API key, and expires.
    let mut conn = server.conn();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("autosend:rl:*")
        .query(&mut conn)
        .unwrap();
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(!keys[0].contains(&sb.project_key()[3..]));
    let ttl: i64 = redis::cmd("PTTL").arg(&keys[0]).query(&mut conn).unwrap();
    assert!(ttl > 0 && ttl <= 62_100, "{ttl}");

    std::thread::sleep(Duration::from_millis(1100));
    run(None);
    assert!(
        rejected_429(&sb) > 0,
        "separate budgets without Redis overrun the key"
    );
    assert_eq!(
        sb.processed("emails.send"),
        12,
        "429s were retried, nothing lost"
    );
}

fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[test]
fn redis_down_falls_back_and_reports_once() {
    let sb = Sandbox::fast();
    let c = process_client(
        &sb,
        Some(format!("redis://127.0.0.1:{}/0", closed_port())),
        OnRedisError::Fallback,
    );
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    c.on_budget_notice(Some(Arc::new(move |n: &autosend::BudgetNotice| {
        s2.lock().unwrap().push((n.event, n.message.clone()))
    })));
    for i in 0..3 {
        c.send_email(&mail(&format!("down{i}@example.com")))
            .unwrap();
    }
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].0, "fallback");
    assert!(!seen[0].1.contains(&sb.project_key()[3..]));
    assert_eq!(sb.processed("emails.send"), 3);
}

#[test]
fn raise_fails_before_anything_is_sent() {
    let sb = Sandbox::fast();
    let c = process_client(
        &sb,
        Some(format!("redis://127.0.0.1:{}/0", closed_port())),
        OnRedisError::Raise,
    );
    let e = c.send_email(&mail("raise@example.com")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BudgetStore);
    assert!(!e.may_have_been_delivered());
    assert_eq!(sb.processed("emails.send"), 0);
    assert_eq!(sb.admin_get("/_sandbox/stats")["requests_received"], 0);
}

/// A server that accepts and never answers: every operation gives up after 250 ms, the call
/// falls back and completes — it never hangs.
#[test]
fn a_silent_redis_never_hangs_a_call() {
    let sb = Sandbox::fast();
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let _keep = std::thread::spawn(move || {
        let mut held = vec![];
        for s in l.incoming().take(8) {
            held.push(s);
        }
        std::thread::sleep(Duration::from_secs(30));
    });
    let c = process_client(
        &sb,
        Some(format!("redis://127.0.0.1:{port}/0")),
        OnRedisError::Fallback,
    );
    let t0 = Instant::now();
    c.send_email(&mail("slow@example.com")).unwrap();
    assert!(t0.elapsed() < Duration::from_secs(3), "{:?}", t0.elapsed());
    assert_eq!(sb.processed("emails.send"), 1);
}

#[test]
fn async_client_uses_the_shared_budget() {
    let server = RedisServer::start();
    let sb = Sandbox::fast();
    let mut o = ClientOptions::new(sb.project_key());
    o.base_url = Some(sb.url());
    o.redis_url = Some(server.url());
    o.on_redis_error = OnRedisError::Raise;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let c = autosend_http::Client::new(o, sb.tls()).unwrap();
    rt.block_on(async {
        for i in 0..3 {
            c.send_email(&mail(&format!("async{i}@example.com")))
                .await
                .unwrap();
        }
    });
    let mut conn = server.conn();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("autosend:rl:*")
        .query(&mut conn)
        .unwrap();
    assert_eq!(keys.len(), 1);
    let n: i64 = redis::cmd("ZCARD").arg(&keys[0]).query(&mut conn).unwrap();
    assert_eq!(n, 3, "three settled grants recorded");
}
