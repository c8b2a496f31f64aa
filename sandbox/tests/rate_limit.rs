//! Both sliding windows, the 429 body and headers, per-key isolation, time scaling.
//! Every loop is bounded; the minute window is time-scaled so the test takes seconds.

mod common;
use common::*;
use serde_json::json;
use std::time::{Duration, Instant};

fn assert_rate_headers(r: &Resp) {
    for h in [
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
        "x-request-id",
        "date",
    ] {
        assert!(r.header(h).is_some(), "missing {h} on {}", r.status);
    }
    let reset: u64 = r.header("x-ratelimit-reset").unwrap().parse().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(
        reset + 2 >= now && reset <= now + 120,
        "reset {reset} is not epoch seconds near {now}"
    );
}

fn assert_429(r: &Resp) {
    assert_eq!(r.status, 429, "{}", r.text);
    assert_eq!(r.json["success"], json!(false));
    assert_eq!(r.json["error"]["code"], json!("RATE_LIMIT_EXCEEDED"));
    assert_eq!(r.json["error"]["status"], json!(429));
    let ra = r.json["error"]["retryAfter"]
        .as_u64()
        .expect("retryAfter seconds");
    assert!(ra >= 1);
    assert!(r.json["error"]["message"].is_string());
    assert_rate_headers(r);
}

#[tokio::test]
async fn per_second_window_default_limits() {
    // Real time: 2 requests per second.
    let sb = Sandbox::start(&[]);
    let a = sb.p("GET", "/account/projects", None).await; // 403 for project key: not counted
    assert_eq!(a.status, 403);
    let r1 = sb.p("POST", "/mails/send", Some(mail())).await;
    let r2 = sb.p("POST", "/mails/send", Some(mail())).await;
    let r3 = sb.p("POST", "/mails/send", Some(mail())).await;
    assert_eq!((r1.status, r2.status), (200, 200));
    assert_rate_headers(&r1);
    assert_eq!(r1.header("x-ratelimit-limit").as_deref(), Some("50"));
    assert_eq!(r1.header("x-ratelimit-remaining").as_deref(), Some("49"));
    assert_eq!(r2.header("x-ratelimit-remaining").as_deref(), Some("48"));
    assert_429(&r3);
    assert_eq!(r3.json["error"]["retryAfter"], json!(1));
    // Another key has its own windows.
    let auth = format!("Bearer {}", sb.pkey(1));
    assert_eq!(
        sb.call("POST", "/mails/send", Some(&auth), None, Some(mail()), &[])
            .await
            .status,
        200
    );
    // The refused request was not processed.
    let st = sb.stats().await;
    assert_eq!(st["processed"]["emails.send"], json!(3));
    assert_eq!(st["messages"], json!(3));
    assert_eq!(st["rejected"]["RATE_LIMIT_EXCEEDED"], json!(1));
    // After the window passes, requests go through again.
    let wait: u64 = r3
        .header("x-sandbox-retry-after-ms")
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait <= 1000);
    tokio::time::sleep(Duration::from_millis(wait + 20)).await;
    assert_eq!(sb.p("POST", "/mails/send", Some(mail())).await.status, 200);
}

#[tokio::test]
async fn per_minute_window_time_scaled() {
    // 50/min with a 20x time scale: the minute window lasts 3 s. The per-second limit is
    // lifted so only the minute window can refuse.
    let sb = Sandbox::start(&["--rate-per-second", "1000", "--time-scale", "20"]);
    let t0 = Instant::now();
    for i in 0..50 {
        let r = sb
            .p("GET", "/contacts/0123456789abcdef01234567", None)
            .await;
        assert_eq!(r.status, 404, "request {i}: {}", r.text);
        assert_eq!(
            r.header("x-ratelimit-remaining").unwrap(),
            (49 - i).to_string()
        );
    }
    let r = sb
        .p("GET", "/contacts/0123456789abcdef01234567", None)
        .await;
    assert!(
        t0.elapsed() < Duration::from_secs(3),
        "machine too slow for a 3 s window"
    );
    assert_429(&r);
    assert_eq!(r.header("x-ratelimit-remaining").as_deref(), Some("0"));
    let wait: u64 = r
        .header("x-sandbox-retry-after-ms")
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait <= 3000);
    tokio::time::sleep(Duration::from_millis(wait + 30)).await;
    let r = sb
        .p("GET", "/contacts/0123456789abcdef01234567", None)
        .await;
    assert_eq!(r.status, 404, "{}", r.text);
}

#[tokio::test]
async fn both_windows_with_default_limits_scaled() {
    // Default 2/s and 50/min at 10x: windows of 100 ms and 6 s. Fire requests back to back
    // (bounded by count and time): the per-second window refuses some, and once 50 were
    // accepted the minute window refuses the next one with a retry far beyond 100 ms.
    let sb = Sandbox::start(&["--time-scale", "10"]);
    let t0 = Instant::now();
    let (mut ok, mut limited) = (0u32, 0u32);
    for _ in 0..5000 {
        if ok == 50 || t0.elapsed() > Duration::from_secs(5) {
            break;
        }
        let r = sb
            .p("GET", "/mails/0123456789abcdef01234567/status", None)
            .await;
        match r.status {
            404 => ok += 1,
            429 => {
                limited += 1;
                let ms: u64 = r
                    .header("x-sandbox-retry-after-ms")
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!(
                    ms <= 100,
                    "per-second refusal must clear within the scaled second, got {ms} ms"
                );
            }
            s => panic!("unexpected {s}: {}", r.text),
        }
    }
    let elapsed = t0.elapsed();
    println!("accepted {ok}, refused {limited} in {elapsed:?}");
    assert_eq!(ok, 50, "could not send 50 requests within 5 s");
    assert!(limited > 0, "per-second window never refused");
    // 50 accepted within one scaled minute: the minute window now refuses, for longer than
    // any per-second refusal could last.
    tokio::time::sleep(Duration::from_millis(120)).await;
    let r = sb
        .p("GET", "/mails/0123456789abcdef01234567/status", None)
        .await;
    assert_429(&r);
    let ms: u64 = r
        .header("x-sandbox-retry-after-ms")
        .unwrap()
        .parse()
        .unwrap();
    assert!(ms > 200 && ms <= 6000, "minute-window retry {ms} ms");
    assert_eq!(r.header("x-ratelimit-remaining").as_deref(), Some("0"));
    let st = sb.stats().await;
    assert_eq!(
        st["rejected"]["RATE_LIMIT_EXCEEDED"].as_u64().unwrap(),
        u64::from(limited) + 1
    );
}

#[tokio::test]
async fn new_connection_delay_slows_only_new_connections() {
    let sb = Sandbox::start(&["--new-connection-delay-ms", "300"]);
    assert_eq!(sb.info["new_connection_delay_ms"], json!(300));
    let auth = format!("Bearer {}", sb.pkey(0));
    let c = client_for(sb.info["ca_cert"].as_str().unwrap());
    let send = |c: &reqwest::Client| {
        c.post(sb.url("/mails/send"))
            .header("authorization", auth.clone())
            .header("content-type", "application/json")
            .body(mail().to_string())
            .send()
    };
    let t = Instant::now();
    assert_eq!(send(&c).await.unwrap().status(), 200);
    let cold = t.elapsed();
    let t = Instant::now();
    // Kept alive: not delayed. The 2nd request of the second is accepted, the 3rd refused with
    // the exact wait in both headers.
    assert_eq!(send(&c).await.unwrap().status(), 200);
    let warm = t.elapsed();
    let r = send(&c).await.unwrap();
    assert_eq!(r.status(), 429);
    let exact = r.headers()["x-sandbox-retry-after-ms"]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(r.headers()["retry-after-ms"].to_str().unwrap(), exact);
    assert!(cold >= Duration::from_millis(300), "cold {cold:?}");
    assert!(warm < Duration::from_millis(300), "warm {warm:?}");
}
