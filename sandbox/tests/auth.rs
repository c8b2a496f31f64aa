//! Every auth rule, with the documented error bodies; HTTPS-only; key revocation and adding.

mod common;
use common::*;
use serde_json::json;

fn assert_unauthorized(r: &Resp) {
    assert_eq!(r.status, 401, "{}", r.text);
    assert_eq!(
        r.json,
        json!({"success": false, "error": {"message": "Unauthorized", "code": "UNAUTHORIZED", "status": 401}})
    );
}

fn assert_forbidden(r: &Resp) {
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(r.json["success"], json!(false));
    assert_eq!(r.json["error"]["code"], json!("INSUFFICIENT_PERMISSIONS"));
    assert_eq!(r.json["error"]["status"], json!(403));
    assert!(r.json["error"]["message"].is_string());
}

#[tokio::test]
async fn missing_unknown_malformed_and_non_bearer_keys_are_401() {
    let sb = Sandbox::fast();
    let k = sb.pkey(0);
    let cases: Vec<Option<String>> = vec![
        None,
        Some("Bearer AS_doesnotexist123".into()),
        Some("Bearer ".into()),
        Some(format!("Basic {k}")),
        Some(format!("Token {k}")),
        Some(k.clone()),
        Some(format!("Bearer {}", k.to_lowercase())),
    ];
    for auth in cases {
        let r = sb
            .call(
                "POST",
                "/mails/send",
                auth.as_deref(),
                None,
                Some(mail()),
                &[],
            )
            .await;
        assert_unauthorized(&r);
        assert!(r.header("x-request-id").is_some());
    }
    // 401 also on GET endpoints and unknown routes, and nothing was processed.
    let r = sb
        .call("GET", "/account/projects", None, None, None, &[])
        .await;
    assert_unauthorized(&r);
    let st = sb.stats().await;
    assert_eq!(st["processed"], json!({}));
    assert_eq!(st["rejected"]["UNAUTHORIZED"], json!(8));
    assert_eq!(sb.admin("GET", "/_sandbox/messages", None).await, json!([]));
}

#[tokio::test]
async fn account_key_scope_rules() {
    let sb = Sandbox::fast();
    // Without x-project-id: 403 on everything except project creation.
    for (m, p, b) in [
        ("POST", "/mails/send", Some(mail())),
        ("POST", "/contacts/email", Some(json!({"email": "a@b.co"}))),
        ("GET", "/account/projects", None),
    ] {
        assert_forbidden(&sb.a(m, p, None, b).await);
    }
    let r = sb
        .a(
            "POST",
            "/account/projects",
            None,
            Some(json!({"name": "Tenant A"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["success"], json!(true));
    // Unknown (well-formed) project id → 403 (documented choice); malformed → 403 too.
    assert_forbidden(
        &sb.a(
            "POST",
            "/mails/send",
            Some("0123456789abcdef01234567"),
            Some(mail()),
        )
        .await,
    );
    assert_forbidden(
        &sb.a("POST", "/mails/send", Some("nope"), Some(mail()))
            .await,
    );
    // With a valid project id it works and the mail lands in that project.
    let pid = sb.pid(1);
    let r = sb.a("POST", "/mails/send", Some(&pid), Some(mail())).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let msgs = sb.admin("GET", "/_sandbox/messages", None).await;
    assert_eq!(msgs[0]["projectId"], json!(pid));
    assert_eq!(msgs[0]["keyKind"], json!("account"));
}

#[tokio::test]
async fn project_key_scope_rules() {
    let sb = Sandbox::fast();
    let auth = format!("Bearer {}", sb.pkey(0));
    // Another project's id → 403.
    let r = sb
        .call(
            "POST",
            "/mails/send",
            Some(&auth),
            Some(&sb.pid(1)),
            Some(mail()),
            &[],
        )
        .await;
    assert_forbidden(&r);
    // Its own project id is fine.
    let r = sb
        .call(
            "POST",
            "/mails/send",
            Some(&auth),
            Some(&sb.pid(0)),
            Some(mail()),
            &[],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // Account endpoints → 403.
    for (m, p, b) in [
        ("GET", "/account/projects", None),
        ("POST", "/account/projects", Some(json!({"name": "x"}))),
        ("GET", "/account/projects/0123456789abcdef01234567", None),
        ("DELETE", "/account/projects/0123456789abcdef01234567", None),
    ] {
        assert_forbidden(&sb.call(m, p, Some(&auth), None, b, &[]).await);
    }
    let st = sb.stats().await;
    assert_eq!(st["processed"]["emails.send"], json!(1));
    assert_eq!(st["rejected"]["INSUFFICIENT_PERMISSIONS"], json!(5));
}

#[tokio::test]
async fn revoked_keys_stop_at_once_and_new_keys_work() {
    let sb = Sandbox::fast();
    let k = sb.pkey(0);
    assert_eq!(sb.p("POST", "/mails/send", Some(mail())).await.status, 200);
    let r = sb
        .admin("POST", "/_sandbox/keys/revoke", Some(json!({"key": k})))
        .await;
    assert_eq!(r["revoked"], json!(true));
    assert!(!r.to_string().contains(&k), "admin must not echo full keys");
    assert_unauthorized(&sb.p("POST", "/mails/send", Some(mail())).await);
    // Add a project key for project 2 and an account key.
    let nk = sb
        .admin(
            "POST",
            "/_sandbox/keys",
            Some(json!({"kind": "project", "project_id": sb.pid(1)})),
        )
        .await;
    let new_key = nk["key"].as_str().unwrap().to_string();
    assert!(new_key.starts_with("AS_"));
    let auth = format!("Bearer {new_key}");
    let r = sb
        .call("POST", "/mails/send", Some(&auth), None, Some(mail()), &[])
        .await;
    assert_eq!(r.status, 200);
    let chosen = "ASA_chosenByTheTest123";
    let r = sb
        .admin("POST", "/_sandbox/keys", Some(json!({"key": chosen})))
        .await;
    assert_eq!(r["kind"], json!("account"));
    let auth = format!("Bearer {chosen}");
    let r = sb
        .call(
            "GET",
            "/account/projects",
            Some(&auth),
            Some(&sb.pid(0)),
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["data"]["projects"].as_array().unwrap().len(), 2);
    // Bad key formats are refused by the admin API.
    let r = sb
        .admin("POST", "/_sandbox/keys", Some(json!({"key": "AS_bad.key"})))
        .await;
    assert!(r["error"].is_string());
}

#[tokio::test]
async fn plain_http_port_refuses_everything_and_processes_nothing() {
    let sb = Sandbox::start(&["--http-port", "0"]);
    let http_url = sb.info["http_url"].as_str().unwrap().to_string();
    assert!(http_url.starts_with("http://127.0.0.1:"));
    let plain = plain_client();
    let auth = format!("Bearer {}", sb.pkey(0));
    for path in ["/mails/send", "/contacts", "/nope"] {
        let r = plain
            .post(format!("{http_url}{path}"))
            .header("authorization", &auth)
            .header("content-type", "application/json")
            .body(mail().to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 403);
        assert!(r.headers().get("x-request-id").is_some());
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["success"], json!(false));
        assert_eq!(v["error"]["code"], json!("HTTPS_REQUIRED"));
        assert!(v["error"]["message"].as_str().unwrap().contains("HTTPS"));
    }
    // The admin API and the inbox are not served over plain HTTP either.
    let base = http_url.trim_end_matches("/v1");
    let r = plain
        .get(format!("{base}/_sandbox/stats"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let st = sb.stats().await;
    assert_eq!(st["processed"], json!({}));
    assert_eq!(st["messages"], json!(0));
    assert_eq!(st["rejected"]["HTTPS_REQUIRED"], json!(4));
    // Without --http-port there is no http_url.
    let sb2 = Sandbox::fast();
    assert!(sb2.info["http_url"].is_null());
}

#[tokio::test]
async fn untrusted_clients_cannot_connect_and_startup_is_fast() {
    let sb = Sandbox::fast();
    println!("sandbox start-up to JSON line: {:?}", sb.startup);
    assert!(
        sb.startup.as_millis() < 3000,
        "start-up took {:?}",
        sb.startup
    );
    // A client with only the public web roots (none here) must fail the TLS handshake.
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let cfg = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
    let c = reqwest::Client::builder()
        .tls_backend_preconfigured(cfg)
        .no_proxy()
        .build()
        .unwrap();
    assert!(c.get(sb.admin_url("/_sandbox/stats")).send().await.is_err());
    // The JSON line has everything a client needs.
    for k in [
        "url",
        "port",
        "ca_cert",
        "admin_url",
        "keys",
        "projects",
        "spki_sha256",
    ] {
        assert!(!sb.info[k].is_null(), "missing {k}");
    }
    assert!(sb.info["url"]
        .as_str()
        .unwrap()
        .starts_with("https://127.0.0.1:"));
    for p in sb.info["projects"].as_array().unwrap() {
        let id = p["id"].as_str().unwrap();
        assert!(id.len() == 24 && id.chars().all(|c| c.is_ascii_hexdigit()));
    }
    // localhost is in the certificate too.
    let port = sb.info["port"].as_u64().unwrap();
    let r = sb
        .client
        .get(format!("https://localhost:{port}/_sandbox/stats"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

#[tokio::test]
async fn config_file_and_flags_define_keys() {
    let dir = std::env::temp_dir().join(format!("sbcfg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("cfg.json");
    std::fs::write(
        &cfg,
        json!({"projects": [{"id": "aaaaaaaaaaaaaaaaaaaaaaaa", "name": "Main", "keys": ["AS_mainKey1"]}],
               "account_keys": ["ASA_acct1"], "rate_per_second": 100, "rate_per_minute": 1000})
        .to_string(),
    )
    .unwrap();
    let ca = dir.join("ca.pem");
    let sb = Sandbox::start(&[
        "--config",
        cfg.to_str().unwrap(),
        "--project-key",
        "AS_second@bbbbbbbbbbbbbbbbbbbbbbbb",
        "--ca-out",
        ca.to_str().unwrap(),
    ]);
    assert_eq!(
        sb.info["ca_cert"].as_str().unwrap(),
        std::fs::canonicalize(&ca).unwrap().to_str().unwrap()
    );
    assert_eq!(sb.info["keys"]["account"], json!(["ASA_acct1"]));
    assert_eq!(sb.pkey(0), "AS_mainKey1");
    assert_eq!(
        sb.info["keys"]["project"][1],
        json!({"key": "AS_second", "project_id": "bbbbbbbbbbbbbbbbbbbbbbbb"})
    );
    let r = sb
        .call(
            "POST",
            "/mails/send",
            Some("Bearer AS_second"),
            None,
            Some(mail()),
            &[],
        )
        .await;
    assert_eq!(r.status, 200);
    let msgs = sb.admin("GET", "/_sandbox/messages", None).await;
    assert_eq!(msgs[0]["projectId"], json!("bbbbbbbbbbbbbbbbbbbbbbbb"));
}
