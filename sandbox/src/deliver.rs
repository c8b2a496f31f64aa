//! Real webhook deliveries (§3): every active webhook subscribed to an event gets a signed
//! `POST` of `{"type","createdAt","data"}` with `X-Webhook-Signature` (lowercase hex
//! HMAC-SHA256 of the raw body, keyed with the secret string), `X-Webhook-Timestamp` (epoch
//! ms), `X-Webhook-Event`, `X-Webhook-Delivery-Id` (same across retries) and
//! `User-Agent: AutoSend-Webhooks/1.0`. Any 2xx is success; anything else, a network error or
//! a timeout is retried after the configured waits (documented 5 s, 10 s, 20 s). Every
//! delivery is logged in `webhooks.logs` (attempts, status code, duration, error).
//!
//! Handlers only queue [`Job`]s (they run under the state lock); [`flush`] starts them after
//! the request, on the runtime.

use crate::areas::{data, sget};
use crate::state::{App, State};
use crate::util;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// One queued delivery to one webhook.
#[derive(Debug, Clone)]
pub struct Job {
    /// Project of the webhook.
    pub project_id: String,
    /// Webhook id.
    pub webhook_id: String,
    /// The log entry's `_id`.
    pub log_id: String,
    /// Target URL.
    pub url: String,
    /// Signing secret.
    pub secret: String,
    /// Event type.
    pub event: String,
    /// The exact body bytes that are signed and sent.
    pub body: String,
    /// `X-Webhook-Delivery-Id` (= the log's `jobId`).
    pub delivery_id: String,
}

/// Lowercase hex HMAC-SHA256 of `body` keyed with `secret` (as UTF-8, `whsec_` included).
pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

fn job_id(n: usize) -> String {
    format!("{}", util::epoch_millis() * 1000 + (n as u64 % 1000))
}

/// Queue `event` with `data` for every active webhook of the project subscribed to it (or
/// only webhook `only`); creates the log entries now. Returns the job ids.
pub fn enqueue(
    st: &mut State,
    project_id: &str,
    event: &str,
    payload_data: Value,
    only: Option<&str>,
) -> Vec<String> {
    let now = util::now_iso();
    let payload = json!({"type": event, "createdAt": now, "data": payload_data});
    let body = payload.to_string();
    let d = data(st, project_id);
    let targets: Vec<Value> = d
        .webhooks
        .iter()
        .filter(|w| match only {
            Some(id) => sget(w, "id") == id,
            None => {
                w["isActive"] == json!(true)
                    && w["events"]
                        .as_array()
                        .is_some_and(|a| a.iter().any(|e| e.as_str() == Some(event)))
            }
        })
        .cloned()
        .collect();
    let mut jobs = Vec::new();
    let mut ids = Vec::new();
    for w in targets {
        let log_id = util::object_id();
        let job = job_id(d.webhook_logs.len());
        d.webhook_logs.push(
            json!({"_id": log_id, "webhookId": w["id"], "projectId": project_id,
            "event": event, "url": w["url"], "statusCode": null, "success": false, "attempts": 0,
            "duration": null, "errorMessage": null, "deliveredAt": null, "jobId": job,
            "status": "pending", "payload": payload, "createdAt": now, "updatedAt": now}),
        );
        jobs.push(Job {
            project_id: project_id.to_string(),
            webhook_id: sget(&w, "id").to_string(),
            log_id,
            url: sget(&w, "url").to_string(),
            secret: sget(&w, "secret").to_string(),
            event: event.to_string(),
            body: body.clone(),
            delivery_id: job.clone(),
        });
        ids.push(job);
    }
    st.outbox.extend(jobs);
    ids
}

/// The `data` of an email event for a recorded message (§3.1 common fields).
pub fn email_data(m: &Value) -> Value {
    let from = m.pointer("/from/email").cloned().unwrap_or(Value::Null);
    let mut d = json!({"emailId": m["id"], "from": from, "to": m["to"], "subject": m["subject"],
        "test": false});
    for k in ["templateId", "batchId", "campaignId"] {
        if let Some(v) = m.get(k).filter(|v| !v.is_null()) {
            d[k] = v.clone();
        }
    }
    d
}

/// Start every queued delivery (call after the state lock is released).
pub fn flush(app: &Arc<App>) {
    let jobs = std::mem::take(&mut app.lock().outbox);
    for job in jobs {
        let app = app.clone();
        tokio::spawn(async move { run(app, job).await });
    }
}

fn client() -> &'static reqwest::Client {
    static C: OnceLock<reqwest::Client> = OnceLock::new();
    C.get_or_init(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_else(|_| reqwest::Client::new())
    })
}

fn update_log(app: &App, job: &Job, f: impl FnOnce(&mut Value)) {
    let mut st = app.lock();
    let d = data(&mut st, &job.project_id);
    if let Some(l) = d
        .webhook_logs
        .iter_mut()
        .find(|l| sget(l, "_id") == job.log_id)
    {
        f(l);
        l["updatedAt"] = json!(util::now_iso());
    }
}

fn update_webhook(app: &App, job: &Job, f: impl FnOnce(&mut Value)) {
    let mut st = app.lock();
    let d = data(&mut st, &job.project_id);
    if let Some(w) = d
        .webhooks
        .iter_mut()
        .find(|w| sget(w, "id") == job.webhook_id)
    {
        f(w);
    }
}

async fn attempt(job: &Job, timeout: Duration) -> Result<u16, (Option<u16>, String)> {
    let ts = util::epoch_millis().to_string();
    let sig = sign(&job.secret, job.body.as_bytes());
    let res = client()
        .post(&job.url)
        .timeout(timeout)
        .header("content-type", "application/json")
        .header("user-agent", "AutoSend-Webhooks/1.0")
        .header("x-webhook-signature", sig)
        .header("x-webhook-timestamp", ts)
        .header("x-webhook-event", &job.event)
        .header("x-webhook-delivery-id", &job.delivery_id)
        .body(job.body.clone())
        .send()
        .await;
    match res {
        Ok(r) if r.status().is_success() => Ok(r.status().as_u16()),
        Ok(r) => Err((
            Some(r.status().as_u16()),
            format!("HTTP {} from the handler", r.status().as_u16()),
        )),
        Err(e) if e.is_timeout() => Err((None, format!("timed out after {timeout:?}"))),
        Err(e) => Err((None, format!("request failed: {e}"))),
    }
}

/// Is the URL's host a loopback address (127.0.0.0/8, `::1`, `localhost`)?
pub fn is_loopback(url: &str) -> bool {
    let Ok(u) = reqwest::Url::parse(url) else {
        return false;
    };
    match u.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// At most this many deliveries are in flight at once (a 100-recipient bulk makes 200).
pub const MAX_IN_FLIGHT: usize = 32;

async fn run(app: Arc<App>, job: Job) {
    if !app.settings.webhook_any_host && !is_loopback(&job.url) {
        update_log(&app, &job, |l| {
            l["status"] = json!("not_sent");
            l["errorMessage"] = json!(
                "sandbox: only loopback URLs are called (start it with --webhook-any-host to call other hosts)"
            );
        });
        return;
    }
    static SLOTS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    let Ok(_slot) = SLOTS
        .get_or_init(|| tokio::sync::Semaphore::new(MAX_IN_FLIGHT))
        .acquire()
        .await
    else {
        return;
    };
    let waits = app.settings.webhook_retry_ms.clone();
    let timeout = Duration::from_millis(app.settings.webhook_timeout_ms);
    let started = Instant::now();
    let mut n = 0u64;
    loop {
        n += 1;
        let result = attempt(&job, timeout).await;
        let ms = started.elapsed().as_millis() as u64;
        let done = result.is_ok() || n as usize > waits.len();
        match &result {
            Ok(code) => update_log(&app, &job, |l| {
                l["statusCode"] = json!(code);
                l["success"] = json!(true);
                l["status"] = json!("delivered");
                l["errorMessage"] = Value::Null;
                l["deliveredAt"] = json!(util::now_iso());
            }),
            Err((code, msg)) => update_log(&app, &job, |l| {
                l["statusCode"] = json!(code);
                l["errorMessage"] = json!(msg);
                l["status"] = json!(if done { "failed" } else { "retrying" });
            }),
        }
        update_log(&app, &job, |l| {
            l["attempts"] = json!(n);
            l["duration"] = json!(ms);
        });
        if done {
            let now = util::now_iso();
            update_webhook(&app, &job, |w| match result {
                Ok(_) => {
                    w["lastSuccessAt"] = json!(now);
                    w["lastDeliveredAt"] = json!(now);
                }
                Err(_) => {
                    w["failureCount"] = json!(w["failureCount"].as_u64().unwrap_or(0) + 1);
                    w["lastFailedAt"] = json!(now);
                }
            });
            return;
        }
        tokio::time::sleep(Duration::from_millis(waits[n as usize - 1])).await;
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_loopback_hosts_by_default() {
        for u in [
            "http://127.0.0.1:9/x",
            "http://localhost/x",
            "https://[::1]:8443/",
            "http://127.5.6.7/",
        ] {
            assert!(super::is_loopback(u), "{u}");
        }
        for u in [
            "https://hooks.example.com/x",
            "http://10.0.0.1/",
            "http://127.0.0.1.nip.io/",
            "nonsense",
        ] {
            assert!(!super::is_loopback(u), "{u}");
        }
    }

    #[test]
    fn signature_is_lowercase_hex_hmac_sha256_of_the_body() {
        // RFC 4231 test case 2.
        assert_eq!(
            super::sign("Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
