//! Every fault mode, by header and by admin rule, and the counters that prove
//! "delivered exactly once".

mod common;
use common::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

async fn fault_send(sb: &Sandbox, fault: Value) -> Result<Resp, reqwest::Error> {
    let auth = format!("Bearer {}", sb.pkey(0));
    let f = fault.to_string();
    sb.try_call(
        "POST",
        "/mails/send",
        Some(&auth),
        None,
        Some(mail()),
        &[("x-sandbox-fault", &f)],
    )
    .await
}

async fn sent(sb: &Sandbox) -> u64 {
    sb.stats().await["processed"]["emails.send"]
        .as_u64()
        .unwrap_or(0)
}

#[tokio::test]
async fn latency_then_normal_processing() {
    let sb = Sandbox::fast();
    let t = Instant::now();
    let r = fault_send(&sb, json!({"latency_ms": 300})).await.unwrap();
    assert!(t.elapsed() >= Duration::from_millis(300));
    assert_eq!(r.status, 200);
    assert_eq!(sent(&sb).await, 1);
    assert_eq!(sb.stats().await["faults_by_kind"]["latency"], json!(1));
}

#[tokio::test]
async fn injected_status_is_returned_and_not_processed() {
    let sb = Sandbox::fast();
    let body = json!({"success": false, "error": {"message": "boom", "code": "INTERNAL_SERVER_ERROR", "status": 500}});
    let r = fault_send(
        &sb,
        json!({"status": 500, "body": body, "headers": {"retry-after": "7"}}),
    )
    .await
    .unwrap();
    assert_eq!(r.status, 500);
    assert_eq!(r.json, body);
    assert_eq!(r.header("retry-after").as_deref(), Some("7"));
    assert!(r.header("x-request-id").is_some());
    let r = fault_send(
        &sb,
        json!({"status": 502, "body": "<html>Bad gateway</html>"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status, 502);
    assert_eq!(r.text, "<html>Bad gateway</html>");
    let r = fault_send(&sb, json!({"status": 503})).await.unwrap();
    assert_eq!(r.status, 503);
    assert_eq!(r.json["error"]["status"], json!(503));
    assert_eq!(sent(&sb).await, 0);
    assert_eq!(sb.admin("GET", "/_sandbox/messages", None).await, json!([]));
    let st = sb.stats().await;
    assert_eq!(st["faults_applied"], json!(3));
    assert_eq!(st["requests_received"], json!(3));
}

#[tokio::test]
async fn reset_before_drops_connection_and_does_not_process() {
    let sb = Sandbox::fast();
    let e = fault_send(&sb, json!({"reset": "before"})).await;
    assert!(e.is_err(), "expected a transport error");
    assert_eq!(sent(&sb).await, 0);
    assert_eq!(sb.stats().await["messages"], json!(0));
    // The server is fine afterwards.
    assert_eq!(sb.p("POST", "/mails/send", Some(mail())).await.status, 200);
}

#[tokio::test]
async fn reset_after_processes_exactly_once_then_drops() {
    let sb = Sandbox::fast();
    let e = fault_send(&sb, json!({"reset": "after"})).await;
    assert!(e.is_err(), "expected a transport error");
    let st = sb.stats().await;
    assert_eq!(st["processed"]["emails.send"], json!(1));
    assert_eq!(st["messages"], json!(1));
    assert_eq!(st["faults_by_kind"]["reset_after"], json!(1));
}

#[tokio::test]
async fn truncated_body_is_processed_and_cut() {
    let sb = Sandbox::fast();
    match fault_send(&sb, json!({"truncate": true})).await {
        Err(_) => {}
        Ok(r) => assert!(
            serde_json::from_str::<Value>(&r.text).is_err(),
            "body was complete: {}",
            r.text
        ),
    }
    assert_eq!(sent(&sb).await, 1);
}

#[tokio::test]
async fn malformed_json_is_processed_and_200() {
    let sb = Sandbox::fast();
    let r = fault_send(&sb, json!({"malformed": true})).await.unwrap();
    assert_eq!(r.status, 200);
    assert!(r.json.is_null());
    assert!(serde_json::from_str::<Value>(&r.text).is_err());
    assert_eq!(sent(&sb).await, 1);
}

#[tokio::test]
async fn rate_limit_burst_refuses_the_next_n() {
    let sb = Sandbox::fast();
    let r = fault_send(&sb, json!({"rate_limit_burst": 3}))
        .await
        .unwrap();
    assert_eq!(r.status, 429);
    assert_eq!(r.json["error"]["code"], json!("RATE_LIMIT_EXCEEDED"));
    assert_eq!(r.json["error"]["retryAfter"], json!(1));
    assert_eq!(sb.p("POST", "/mails/send", Some(mail())).await.status, 429);
    assert_eq!(sb.p("POST", "/mails/send", Some(mail())).await.status, 429);
    assert_eq!(sb.p("POST", "/mails/send", Some(mail())).await.status, 200);
    let st = sb.stats().await;
    assert_eq!(st["processed"]["emails.send"], json!(1));
    assert_eq!(st["rejected"]["RATE_LIMIT_EXCEEDED"], json!(3));
}

#[tokio::test]
async fn admin_rules_are_consumed_in_order_and_can_be_cleared() {
    let sb = Sandbox::fast();
    let q = |fault: Value, times: u64| json!({"path": "/v1/mails/send", "method": "post", "times": times, "fault": fault});
    sb.admin(
        "POST",
        "/_sandbox/faults",
        Some(q(json!({"status": 503}), 2)),
    )
    .await;
    sb.admin(
        "POST",
        "/_sandbox/faults",
        Some(q(json!({"reset": "before"}), 1)),
    )
    .await;
    sb.admin(
        "POST",
        "/_sandbox/faults",
        Some(json!({"fault": {"status": 500}})),
    )
    .await; // any path
            // Another endpoint only matches the catch-all rule, which stays queued for it.
    let r = sb
        .p("GET", "/contacts/0123456789abcdef01234567", None)
        .await;
    assert_eq!(r.status, 500);
    assert_eq!(sb.p("POST", "/mails/send", Some(mail())).await.status, 503);
    assert_eq!(sb.p("POST", "/mails/send", Some(mail())).await.status, 503);
    let auth = format!("Bearer {}", sb.pkey(0));
    assert!(sb
        .try_call("POST", "/mails/send", Some(&auth), None, Some(mail()), &[])
        .await
        .is_err());
    assert_eq!(sb.p("POST", "/mails/send", Some(mail())).await.status, 200);
    assert_eq!(sent(&sb).await, 1);
    // Clearing.
    sb.admin(
        "POST",
        "/_sandbox/faults",
        Some(q(json!({"status": 500}), 5)),
    )
    .await;
    assert_eq!(
        sb.admin("GET", "/_sandbox/faults", None).await["rules"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    sb.admin("DELETE", "/_sandbox/faults", None).await;
    assert_eq!(sb.p("POST", "/mails/send", Some(mail())).await.status, 200);
    // Bad rules are refused.
    let r = sb
        .admin(
            "POST",
            "/_sandbox/faults",
            Some(json!({"fault": {"reset": "sideways"}})),
        )
        .await;
    assert!(r["error"].is_string());
    let st = sb.stats().await;
    assert_eq!(st["faults_applied"], json!(4));
    assert_eq!(st["processed"]["emails.send"], json!(2));
}

#[tokio::test]
async fn invalid_fault_header_is_a_400_and_not_processed() {
    let sb = Sandbox::fast();
    for f in ["not json", "{\"explode\":true}", "[1]", "{\"status\":42}"] {
        let auth = format!("Bearer {}", sb.pkey(0));
        let r = sb
            .call(
                "POST",
                "/mails/send",
                Some(&auth),
                None,
                Some(mail()),
                &[("x-sandbox-fault", f)],
            )
            .await;
        assert_eq!(r.status, 400, "{f}");
        assert_eq!(r.json["error"]["code"], json!("SANDBOX_INVALID_FAULT"));
    }
    assert_eq!(sent(&sb).await, 0);
}

#[tokio::test]
async fn exactly_once_proof_with_a_retrying_client() {
    // A client that retries after a lost response would deliver twice; the counters show it.
    let sb = Sandbox::fast();
    sb.admin(
        "POST",
        "/_sandbox/faults",
        Some(json!({"path": "/v1/mails/send", "fault": {"reset": "after"}})),
    )
    .await;
    let auth = format!("Bearer {}", sb.pkey(0));
    let mut attempts = 0;
    loop {
        attempts += 1;
        if sb
            .try_call("POST", "/mails/send", Some(&auth), None, Some(mail()), &[])
            .await
            .is_ok()
            || attempts >= 3
        {
            break;
        }
    }
    assert_eq!(attempts, 2);
    assert_eq!(
        sent(&sb).await,
        2,
        "a naive retry of a non-idempotent send delivers twice"
    );
    let msgs = sb.admin("GET", "/_sandbox/messages", None).await;
    assert_eq!(msgs.as_array().unwrap().len(), 2);
}
