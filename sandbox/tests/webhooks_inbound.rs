//! Webhooks (secrets, logs, resend), inbound messages (list, get, attachments, reply) and
//! the JWKS document.

mod common;
use common::*;
use serde_json::json;

#[tokio::test]
async fn webhook_create_reveal_logs_resend() {
    let sb = Sandbox::fast();
    let ev = data(&sb.p("GET", "/webhooks/events/available", None).await);
    assert_eq!(ev["events"].as_array().unwrap().len(), 14);
    assert!(ev["events"]
        .as_array()
        .unwrap()
        .contains(&json!("email.received")));
    let r = sb.p("POST", "/webhooks", Some(json!({"url": "https://hooks.example.com/autosend", "events": ["email.delivered", "email.bounced"]}))).await;
    assert!(r.json["message"].is_string());
    let w = data(&r)["webhook"].clone();
    let id = w["id"].as_str().unwrap().to_string();
    let secret = w["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_") && secret.len() > 20);
    // Masked everywhere but reveal.
    let got = data(&sb.p("GET", &format!("/webhooks/{id}"), None).await);
    assert_eq!(got["secret"], json!("***hidden***"));
    let list = sb.p("GET", "/webhooks", None).await;
    assert!(!list.text.contains(&secret));
    assert_eq!(
        data(&sb.p("GET", &format!("/webhooks/{id}/reveal"), None).await),
        json!({"secret": secret})
    );
    // Flat pagination.
    for i in 0..4 {
        sb.p(
            "POST",
            "/webhooks",
            Some(json!({"url": format!("http://127.0.0.1:9/{i}"), "events": ["contact.created"]})),
        )
        .await;
    }
    let l = data(&sb.p("GET", "/webhooks?page=2&limit=2", None).await);
    assert_eq!(
        (
            l["total"].clone(),
            l["page"].clone(),
            l["limit"].clone(),
            l["totalPages"].clone()
        ),
        (json!(5), json!(2), json!(2), json!(3))
    );
    assert_eq!(l["webhooks"].as_array().unwrap().len(), 2);
    assert!(l.get("pagination").is_none());
    assert_eq!(
        fields(&sb.p("GET", "/webhooks?limit=0", None).await),
        vec!["limit"]
    );
    // Update: deactivate, events replace; secret refused.
    let up = sb
        .p(
            "PUT",
            &format!("/webhooks/{id}"),
            Some(json!({"isActive": false, "events": ["email.delivered"]})),
        )
        .await;
    let upd = data(&up);
    assert_eq!(
        (
            upd["isActive"].clone(),
            upd["status"].clone(),
            upd["secret"].clone()
        ),
        (json!(false), json!("inactive"), json!("***hidden***"))
    );
    assert_eq!(
        data(&sb.p("GET", "/webhooks?isActive=false", None).await)["total"],
        json!(1)
    );
    assert_eq!(
        fields(
            &sb.p(
                "PUT",
                &format!("/webhooks/{id}"),
                Some(json!({"secret": "whsec_mine"}))
            )
            .await
        ),
        vec!["secret"]
    );
    assert_eq!(
        fields(
            &sb.p(
                "POST",
                "/webhooks",
                Some(json!({"url": "hooks.example.com", "events": ["email.sent"]}))
            )
            .await
        ),
        vec!["url"]
    );
    assert_eq!(
        fields(
            &sb.p(
                "POST",
                "/webhooks",
                Some(json!({"url": "https://h.example.com", "events": ["email.exploded"]}))
            )
            .await
        ),
        vec!["events[0]"]
    );
    assert_eq!(
        fields(
            &sb.p(
                "POST",
                "/webhooks",
                Some(json!({"url": "https://h.example.com", "events": []}))
            )
            .await
        ),
        vec!["events"]
    );
    // Resend: subscribed → jobId and a log line; otherwise WEBHOOK_NOT_SUBSCRIBED.
    let r = sb
        .p(
            "POST",
            &format!("/webhooks/{id}/resend"),
            Some(json!({"event": "email.delivered", "data": {"emailId": "x"}})),
        )
        .await;
    let job = data(&r)["jobId"].as_str().unwrap().to_string();
    assert!(!job.is_empty());
    assert_code(
        &sb.p(
            "POST",
            &format!("/webhooks/{id}/resend"),
            Some(json!({"event": "email.bounced", "data": {}})),
        )
        .await,
        400,
        "WEBHOOK_NOT_SUBSCRIBED",
    );
    assert_eq!(
        fields(
            &sb.p(
                "POST",
                &format!("/webhooks/{id}/resend"),
                Some(json!({"event": "email.delivered"}))
            )
            .await
        ),
        vec!["data"]
    );
    sb.p(
        "POST",
        &format!("/webhooks/{id}/resend"),
        Some(json!({"event": "email.delivered", "data": {"n": 2}})),
    )
    .await;
    let logs = data(
        &sb.p("GET", &format!("/webhooks/{id}/logs?limit=1"), None)
            .await,
    );
    assert_eq!(
        (logs["total"].clone(), logs["totalPages"].clone()),
        (json!(2), json!(2))
    );
    let first = &logs["logs"][0];
    assert!(first["_id"].is_string());
    assert_eq!(first["event"], json!("email.delivered"));
    assert_eq!(first["payload"]["data"], json!({"n": 2}), "newest first");
    // Delete → 404 after.
    assert_eq!(
        sb.p("DELETE", &format!("/webhooks/{id}"), None).await.json["success"],
        json!(true)
    );
    for p in [
        format!("/webhooks/{id}"),
        format!("/webhooks/{id}/logs"),
        format!("/webhooks/{id}/reveal"),
    ] {
        assert_code(&sb.p("GET", &p, None).await, 404, "WEBHOOK_NOT_FOUND");
    }
    // Account key refused with 403.
    assert_code(
        &sb.a("GET", "/webhooks", Some(&sb.pid(0)), None).await,
        403,
        "INSUFFICIENT_PERMISSIONS",
    );
}

#[tokio::test]
async fn inbound_list_get_attachment_json_and_bytes_reply() {
    let sb = Sandbox::fast();
    let l = data(&sb.p("GET", "/inbound/messages", None).await);
    assert_eq!(
        l["pagination"],
        json!({"page": 1, "limit": 50, "total": 3, "pages": 1})
    );
    let items = l["items"].as_array().unwrap();
    let times: Vec<&str> = items
        .iter()
        .map(|m| m["receivedAt"].as_str().unwrap())
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {times:?}"
    );
    let with_att = items
        .iter()
        .find(|m| m["attachmentCount"] == json!(2))
        .unwrap();
    let id = with_att["id"].as_str().unwrap().to_string();
    // Filters.
    assert_eq!(
        data(
            &sb.p("GET", "/inbound/messages?from=ALICE@example.com", None)
                .await
        )["pagination"]["total"],
        json!(2)
    );
    assert_eq!(
        data(&sb.p("GET", "/inbound/messages?search=invoice", None).await)["pagination"]["total"],
        json!(1)
    );
    let to = with_att["to"][0]["email"].as_str().unwrap();
    assert_eq!(
        data(
            &sb.p(
                "GET",
                &format!("/inbound/messages?to={to}&page=2&limit=2"),
                None
            )
            .await
        )["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        fields(&sb.p("GET", "/inbound/messages?limit=201", None).await),
        vec!["limit"]
    );
    assert_eq!(
        data(&sb.p("GET", "/inbound/messages?limit=200", None).await)["pagination"]["limit"],
        json!(200)
    );
    // Get.
    let m = data(&sb.p("GET", &format!("/inbound/messages/{id}"), None).await);
    assert_eq!(m["subject"], json!("Question about my order"));
    let att = m["attachments"][0].clone();
    assert_eq!(
        (
            att["filename"].clone(),
            att["size"].clone(),
            att["index"].clone()
        ),
        (json!("bytes.bin"), json!(256), json!(0))
    );
    let att_id = att["attachmentId"].as_str().unwrap().to_string();
    assert!(att_id.starts_with("att_"));
    // Attachment JSON by index and by id; downloadUrl works without a key.
    let j = data(
        &sb.p(
            "GET",
            &format!("/inbound/messages/{id}/attachments/0"),
            None,
        )
        .await,
    );
    assert_eq!(
        (
            j["attachmentId"].clone(),
            j["expiresIn"].clone(),
            j["contentType"].clone()
        ),
        (json!(att_id), json!(900), json!("application/octet-stream"))
    );
    let url = j["downloadUrl"].as_str().unwrap();
    let dl = sb.client.get(url).send().await.unwrap();
    assert_eq!(dl.status().as_u16(), 200);
    assert_eq!(
        dl.bytes().await.unwrap().to_vec(),
        (0u8..=255).collect::<Vec<u8>>()
    );
    let j2 = data(
        &sb.p(
            "GET",
            &format!("/inbound/messages/{id}/attachments/{att_id}"),
            None,
        )
        .await,
    );
    assert_eq!(j2["filename"], json!("bytes.bin"));
    // Raw bytes with download=true.
    let auth = format!("Bearer {}", sb.pkey(0));
    let raw = sb
        .client
        .get(sb.url(&format!(
            "/inbound/messages/{id}/attachments/{att_id}?download=true"
        )))
        .header("authorization", &auth)
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 200);
    assert_eq!(raw.headers()["content-type"], "application/octet-stream");
    assert_eq!(
        raw.headers()["content-disposition"],
        "attachment; filename=\"bytes.bin\""
    );
    assert_eq!(
        raw.bytes().await.unwrap().to_vec(),
        (0u8..=255).collect::<Vec<u8>>()
    );
    let txt = sb
        .client
        .get(sb.url(&format!(
            "/inbound/messages/{id}/attachments/1?download=true"
        )))
        .header("authorization", &auth)
        .send()
        .await
        .unwrap();
    assert_eq!(txt.headers()["content-type"], "text/plain");
    assert_eq!(
        txt.text().await.unwrap(),
        "Order 1234: two items, shipped.\n"
    );
    assert_code(
        &sb.p(
            "GET",
            &format!("/inbound/messages/{id}/attachments/2"),
            None,
        )
        .await,
        404,
        "ATTACHMENT_NOT_FOUND",
    );
    assert_code(
        &sb.p("GET", "/inbound/messages/0123456789abcdef01234567", None)
            .await,
        404,
        "INBOUND_EMAIL_NOT_FOUND",
    );
    assert_eq!(
        fields(
            &sb.p(
                "GET",
                &format!("/inbound/messages/{id}/attachments/0?download=maybe"),
                None
            )
            .await
        ),
        vec!["download"]
    );
    // Reply → 202, top-level message; recorded as mail.
    let r = sb
        .p(
            "POST",
            &format!("/inbound/messages/{id}/reply"),
            Some(json!({"from": {"email": to, "name": "Support"}, "text": "It shipped today."})),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(r.json["message"], json!("Reply queued"));
    assert_eq!(
        (
            r.json["data"]["status"].clone(),
            r.json["data"]["totalRecipients"].clone()
        ),
        (json!("QUEUED"), json!(1))
    );
    let msgs = sb.admin("GET", "/_sandbox/messages", None).await;
    assert_eq!(msgs[0]["kind"], json!("reply"));
    assert_eq!(msgs[0]["subject"], json!("Re: Question about my order"));
    assert_eq!(msgs[0]["to"]["email"], json!("alice@example.com"));
    // From a domain that is neither the receiving one nor verified → 400 naming from.email.
    let r = sb
        .p(
            "POST",
            &format!("/inbound/messages/{id}/reply"),
            Some(json!({"from": {"email": "me@elsewhere.com"}, "text": "x"})),
        )
        .await;
    assert_eq!(fields(&r), vec!["from.email"]);
    sb.verified_domain("elsewhere.com").await;
    let r = sb.p("POST", &format!("/inbound/messages/{id}/reply"), Some(json!({"from": {"email": "me@elsewhere.com"}, "text": "x", "cc": [{"email": "boss@example.com"}]}))).await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(r.json["data"]["totalRecipients"], json!(2));
    let r = sb.p("POST", &format!("/inbound/messages/{id}/reply"), Some(json!({"from": {"email": to}, "attachments": [{"fileName": "a.txt", "contnet": "eA=="}]}))).await;
    assert_eq!(
        fields(&r),
        vec!["attachments[0].content", "attachments[0].contnet"]
    );
    // Account key refused.
    assert_code(
        &sb.a("GET", "/inbound/messages", Some(&sb.pid(0)), None)
            .await,
        403,
        "INSUFFICIENT_PERMISSIONS",
    );
}

#[tokio::test]
async fn jwks_needs_no_key_and_holds_an_rsa_2048_key() {
    use base64::Engine;
    // Without --lazy-jwks the key generation starts at start-up; a debug build needs
    // seconds of CPU for it, so this client waits longer than the default 20 s.
    let sb = Sandbox::start_raw(FAST);
    let slow = client_with_timeout(
        sb.info["ca_cert"].as_str().unwrap(),
        std::time::Duration::from_secs(300),
    );
    let resp = slow.get(sb.url("/jwks.json")).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.headers().get("x-request-id").is_some());
    let r: serde_json::Value = resp.json().await.unwrap();
    let keys = r["keys"].as_array().unwrap();
    assert!(!keys.is_empty());
    let k = &keys[0];
    assert_eq!(
        (
            k["kty"].clone(),
            k["alg"].clone(),
            k["use"].clone(),
            k["e"].clone()
        ),
        (
            json!("RSA"),
            json!("RSA-OAEP-256"),
            json!("enc"),
            json!("AQAB")
        )
    );
    assert!(k["kid"].as_str().unwrap().starts_with("key_"));
    let n = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(k["n"].as_str().unwrap())
        .unwrap();
    assert_eq!(n.len(), 256, "2048-bit modulus");
    assert!(
        k.get("d").is_none() && k.get("p").is_none(),
        "public parts only"
    );
    // Stable within a run; also fine with a key (ignored) and counted.
    let again = sb.p("GET", "/jwks.json", None).await;
    assert_eq!(again.json, r);
    assert_eq!(sb.stats().await["processed"]["jwks.get"], json!(2));
}

#[tokio::test]
async fn projects_created_later_are_seeded_and_isolated() {
    let sb = Sandbox::fast();
    let p = data(
        &sb.a(
            "POST",
            "/account/projects",
            None,
            Some(json!({"name": "Later"})),
        )
        .await,
    );
    let pid = p["id"].as_str().unwrap().to_string();
    let inbound_domain = p["inboundEmailDomain"].as_str().unwrap().to_string();
    let k = sb
        .admin(
            "POST",
            "/_sandbox/keys",
            Some(json!({"kind": "project", "project_id": pid})),
        )
        .await;
    let auth = format!("Bearer {}", k["key"].as_str().unwrap());
    let mine = sb
        .call("GET", "/inbound/messages", Some(&auth), None, None, &[])
        .await;
    let mine = data(&mine);
    assert_eq!(mine["pagination"]["total"], json!(3));
    assert_eq!(mine["items"][0]["domainName"], json!(inbound_domain));
    let theirs = data(&sb.p("GET", "/inbound/messages", None).await);
    assert_ne!(mine["items"][0]["id"], theirs["items"][0]["id"]);
    let other = &theirs["items"][0]["id"];
    let r = sb
        .call(
            "GET",
            &format!("/inbound/messages/{}", other.as_str().unwrap()),
            Some(&auth),
            None,
            None,
            &[],
        )
        .await;
    assert_code(&r, 404, "INBOUND_EMAIL_NOT_FOUND");
    let g = sb.a("GET", "/suppression-groups", Some(&pid), None).await;
    assert_eq!(data(&g)["groups"][0]["isGlobal"], json!(true));
}
