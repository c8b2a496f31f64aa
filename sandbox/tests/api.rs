//! Mail, contacts and projects endpoints: envelopes, validation errors, shared state,
//! inspection with redaction, and the inbox's escaping and CSP.

mod common;
use common::*;
use serde_json::{json, Value};

fn details(r: &Resp) -> Vec<(String, String)> {
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(r.json["success"], json!(false));
    assert_eq!(r.json["error"]["code"], json!("VALIDATION_FAILED"));
    assert_eq!(r.json["error"]["status"], json!(400));
    r.json["error"]["details"]
        .as_array()
        .expect("details")
        .iter()
        .map(|d| {
            (
                d["field"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn fields(r: &Resp) -> Vec<String> {
    details(r).into_iter().map(|(f, _)| f).collect()
}

fn with(mut base: Value, k: &str, v: Value) -> Value {
    base[k] = v;
    base
}

fn without(mut base: Value, k: &str) -> Value {
    base.as_object_mut().unwrap().remove(k);
    base
}

#[tokio::test]
async fn send_success_envelope() {
    let sb = Sandbox::fast();
    let body = with(
        mail(),
        "cc",
        json!([{"email": "c1@example.com"}, {"email": "c2@example.com"}]),
    );
    let r = sb.p("POST", "/mails/send", Some(body)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["success"], json!(true));
    let d = &r.json["data"];
    let id = d["emailId"].as_str().unwrap();
    assert!(id.len() == 24 && id.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(d["message"], json!("Email queued successfully."));
    assert_eq!(d["totalRecipients"], json!(3));
    // Status of that email.
    let s = sb.p("GET", &format!("/mails/{id}/status"), None).await;
    assert_eq!(s.status, 200);
    assert_eq!(s.json["data"]["id"], json!(id));
    assert_eq!(
        s.json["data"]["recipient"]["email"],
        json!("jane@example.com")
    );
    assert_eq!(s.json["data"]["projectId"], json!(sb.pid(0)));
    // Unknown → 404; another project's key does not see it.
    let s = sb
        .p("GET", "/mails/0123456789abcdef01234567/status", None)
        .await;
    assert_eq!(s.status, 404);
    assert_eq!(s.json["error"]["code"], json!("NOT_FOUND"));
    let auth = format!("Bearer {}", sb.pkey(1));
    let s = sb
        .call(
            "GET",
            &format!("/mails/{id}/status"),
            Some(&auth),
            None,
            None,
            &[],
        )
        .await;
    assert_eq!(s.status, 404);
    // Template instead of subject/html.
    let t = json!({"to": {"email": "a@example.com"}, "from": {"email": "b@example.com"}, "templateId": "A-abc123"});
    assert_eq!(sb.p("POST", "/mails/send", Some(t)).await.status, 200);
}

#[tokio::test]
async fn send_validation_errors() {
    let sb = Sandbox::fast();
    let cases: Vec<(Value, &str)> = vec![
        (without(mail(), "to"), "to"),
        (
            with(mail(), "to", json!([{"email": "a@example.com"}])),
            "to",
        ),
        (
            with(mail(), "to", json!({"email": "not-an-email"})),
            "to.email",
        ),
        (without(mail(), "from"), "from"),
        (without(mail(), "subject"), "subject"),
        (with(mail(), "subject", json!("x".repeat(999))), "subject"),
        (without(without(mail(), "html"), "text"), "html"),
        (
            with(
                mail(),
                "cc",
                json!([{"email": "ok@example.com"}, {"email": "bad"}]),
            ),
            "cc[1].email",
        ),
        (
            with(mail(), "headers", json!({"From": "x"})),
            "headers.From",
        ),
        (
            with(mail(), "headers", json!({"bad name": "x"})),
            "headers.bad name",
        ),
        (
            with(mail(), "headers", json!({"X-Long": "v".repeat(1001)})),
            "headers.X-Long",
        ),
        (
            with(mail(), "headers", json!({"list-unsubscribe": "x"})),
            "headers.list-unsubscribe",
        ),
        (
            with(mail(), "attachments", json!([{"content": "aGk="}])),
            "attachments[0].fileName",
        ),
    ];
    for (body, field) in cases {
        let r = sb.p("POST", "/mails/send", Some(body)).await;
        assert!(
            fields(&r).contains(&field.to_string()),
            "{field}: {}",
            r.text
        );
    }
    // Count limits.
    let many: Vec<Value> = (0..50)
        .map(|i| json!({"email": format!("c{i}@example.com")}))
        .collect();
    let r = sb
        .p("POST", "/mails/send", Some(with(mail(), "cc", json!(many))))
        .await;
    assert!(fields(&r).contains(&"to".to_string()));
    let ok49: Vec<Value> = (0..49)
        .map(|i| json!({"email": format!("c{i}@example.com")}))
        .collect();
    assert_eq!(
        sb.p(
            "POST",
            "/mails/send",
            Some(with(mail(), "bcc", json!(ok49)))
        )
        .await
        .status,
        200
    );
    let h: serde_json::Map<String, Value> =
        (0..21).map(|i| (format!("X-H{i}"), json!("v"))).collect();
    let r = sb
        .p(
            "POST",
            "/mails/send",
            Some(with(mail(), "headers", Value::Object(h))),
        )
        .await;
    assert!(fields(&r).contains(&"headers".to_string()));
    let att: Vec<Value> = (0..21)
        .map(|i| json!({"fileName": format!("f{i}.txt"), "content": "aGk="}))
        .collect();
    let r = sb
        .p(
            "POST",
            "/mails/send",
            Some(with(mail(), "attachments", json!(att))),
        )
        .await;
    assert!(fields(&r).contains(&"attachments".to_string()));
    let h20: serde_json::Map<String, Value> =
        (0..20).map(|i| (format!("X-H{i}"), json!("v"))).collect();
    assert_eq!(
        sb.p(
            "POST",
            "/mails/send",
            Some(with(mail(), "headers", Value::Object(h20)))
        )
        .await
        .status,
        200
    );
    // Malformed JSON and non-object bodies.
    let auth = format!("Bearer {}", sb.pkey(0));
    for raw in ["{\"to\":", "[]", "42", ""] {
        let r = sb
            .client
            .post(sb.url("/mails/send"))
            .header("authorization", &auth)
            .header("content-type", "application/json")
            .body(raw.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 400, "{raw:?}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["code"], json!("VALIDATION_FAILED"));
    }
    let st = sb.stats().await;
    assert_eq!(st["processed"]["emails.send"], json!(2));
    assert_eq!(st["messages"], json!(2));
}

#[tokio::test]
async fn bulk_records_one_message_per_valid_recipient() {
    let sb = Sandbox::fast();
    let body = json!({"from": {"email": "news@example.com"}, "subject": "News", "html": "<p>Hi {{name}}</p>",
        "dynamicData": {"a": 1},
        "recipients": [{"email": "One@Example.com", "name": "One", "dynamicData": {"name": "One"}},
                       {"email": "broken"},
                       {"email": "three@example.com", "cc": [{"email": "cc@example.com"}]}]});
    let r = sb.p("POST", "/mails/bulk", Some(body)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let d = &r.json["data"];
    let batch = d["batchId"].as_str().unwrap();
    assert_eq!(batch.len(), 36);
    assert_eq!(batch.as_bytes()[14], b'4');
    assert_eq!(
        (
            d["totalRecipients"].clone(),
            d["successCount"].clone(),
            d["failedCount"].clone()
        ),
        (json!(3), json!(2), json!(1))
    );
    let msgs = sb.admin("GET", "/_sandbox/messages", None).await;
    let msgs = msgs.as_array().unwrap();
    assert_eq!(msgs.len(), 2);
    assert!(msgs
        .iter()
        .all(|m| m["batchId"] == json!(batch) && m["kind"] == json!("bulk")));
    assert_eq!(msgs[0]["dynamicData"], json!({"a": 1, "name": "One"}));
    assert_eq!(msgs[1]["cc"][0]["email"], json!("cc@example.com"));
    // Limits: 0 and 101 recipients.
    for n in [0usize, 101] {
        let rec: Vec<Value> = (0..n)
            .map(|i| json!({"email": format!("r{i}@example.com")}))
            .collect();
        let r = sb.p("POST", "/mails/bulk", Some(json!({"from": {"email": "a@example.com"}, "subject": "s", "text": "t", "recipients": rec}))).await;
        assert_eq!(fields(&r), vec!["recipients".to_string()]);
    }
    let rec: Vec<Value> = (0..100)
        .map(|i| json!({"email": format!("r{i}@example.com")}))
        .collect();
    let r = sb.p("POST", "/mails/bulk", Some(json!({"from": {"email": "a@example.com"}, "subject": "s", "text": "t", "recipients": rec}))).await;
    assert_eq!(r.json["data"]["successCount"], json!(100));
    assert_eq!(sb.stats().await["messages"], json!(102));
}

#[tokio::test]
async fn contacts_full_cycle() {
    let sb = Sandbox::fast();
    let r = sb.p("POST", "/contacts", Some(json!({"email": "Ann@Example.COM", "firstName": "Ann", "userId": "u1", "customFields": {"plan": "pro"}}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let c = r.json["data"].clone();
    let id = c["id"].as_str().unwrap().to_string();
    assert_eq!(c["email"], json!("ann@example.com"));
    assert_eq!(c["projectId"], json!(sb.pid(0)));
    // Duplicate → 409.
    let r = sb
        .p(
            "POST",
            "/contacts",
            Some(json!({"email": "ann@example.com"})),
        )
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(r.json["error"]["code"], json!("CONTACT_ALREADY_EXISTS"));
    // Upsert: updates, "" clears mobile, null leaves.
    let r = sb
        .p(
            "POST",
            "/contacts/email",
            Some(json!({"email": "ANN@example.com", "lastName": "Lee", "mobile": "+15550001"})),
        )
        .await;
    assert_eq!(r.json["data"]["id"], json!(id));
    assert_eq!(r.json["data"]["lastName"], json!("Lee"));
    assert_eq!(r.json["data"]["mobile"], json!("+15550001"));
    let r = sb
        .p(
            "POST",
            "/contacts/email",
            Some(json!({"email": "ann@example.com", "mobile": null})),
        )
        .await;
    assert_eq!(r.json["data"]["mobile"], json!("+15550001"));
    let r = sb
        .p(
            "POST",
            "/contacts/email",
            Some(json!({"email": "ann@example.com", "mobile": ""})),
        )
        .await;
    assert_eq!(r.json["data"]["mobile"], Value::Null);
    assert_eq!(r.json["data"]["customFields"], json!({"plan": "pro"}));
    // Get, unsubscribe groups.
    let r = sb.p("GET", &format!("/contacts/{id}"), None).await;
    assert_eq!(r.json["data"]["firstName"], json!("Ann"));
    let r = sb
        .p("GET", &format!("/contacts/{id}/unsubscribe-groups"), None)
        .await;
    assert_eq!(r.json["data"], json!({"groups": []}));
    // Search.
    let r = sb
        .p(
            "POST",
            "/contacts/search/emails",
            Some(json!({"emails": ["ANN@example.com", "nobody@example.com"]})),
        )
        .await;
    assert_eq!(r.json["data"]["contacts"].as_array().unwrap().len(), 1);
    let r = sb
        .p(
            "POST",
            "/contacts/search/emails",
            Some(json!({"emails": []})),
        )
        .await;
    assert_eq!(fields(&r), vec!["emails".to_string()]);
    // Bulk update 1–100, invalid items fail.
    let r = sb.p("POST", "/contacts/bulk-update", Some(json!({"contacts": [{"email": "b@example.com"}, {"email": "bad"}, {"email": "ann@example.com", "firstName": "Anne"}], "runWorkflow": false}))).await;
    assert_eq!(
        r.json["data"],
        json!({"successCount": 2, "failedCount": 1, "totalCount": 3})
    );
    let r = sb
        .p(
            "POST",
            "/contacts/bulk-update",
            Some(json!({"contacts": []})),
        )
        .await;
    assert_eq!(fields(&r), vec!["contacts".to_string()]);
    let many: Vec<Value> = (0..101)
        .map(|i| json!({"email": format!("x{i}@example.com")}))
        .collect();
    let r = sb
        .p(
            "POST",
            "/contacts/bulk-update",
            Some(json!({"contacts": many})),
        )
        .await;
    assert_eq!(fields(&r), vec!["contacts".to_string()]);
    // Delete by userId, by id, remove by emails; unknown → 404 CONTACT_NOT_FOUND.
    let r = sb.p("DELETE", "/contacts/email/userId/u1", None).await;
    assert_eq!(
        r.json,
        json!({"success": true, "message": "Contact deleted successfully"})
    );
    let r = sb.p("DELETE", "/contacts/email/userId/u1", None).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json["error"]["code"], json!("CONTACT_NOT_FOUND"));
    let r = sb.p("GET", &format!("/contacts/{id}"), None).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json["error"]["code"], json!("CONTACT_NOT_FOUND"));
    let r = sb.p("DELETE", &format!("/contacts/{id}"), None).await;
    assert_eq!(r.status, 404);
    let r = sb
        .p("POST", "/contacts", Some(json!({"email": "c@example.com"})))
        .await;
    let cid = r.json["data"]["id"].as_str().unwrap().to_string();
    let r = sb.p("DELETE", &format!("/contacts/{cid}"), None).await;
    assert_eq!(r.json["success"], json!(true));
    let r = sb
        .p(
            "POST",
            "/contacts/remove",
            Some(json!({"emails": ["B@example.com"]})),
        )
        .await;
    assert_eq!(r.json, json!({"success": true}));
    let r = sb
        .p(
            "POST",
            "/contacts/search/emails",
            Some(json!({"emails": ["b@example.com"]})),
        )
        .await;
    assert_eq!(r.json["data"]["contacts"], json!([]));
    // Validation on create.
    let r = sb
        .p("POST", "/contacts", Some(json!({"firstName": "x"})))
        .await;
    assert_eq!(fields(&r), vec!["email".to_string()]);
    let r = sb
        .p(
            "POST",
            "/contacts",
            Some(json!({"email": "d@example.com", "listIds": "nope"})),
        )
        .await;
    assert_eq!(fields(&r), vec!["listIds".to_string()]);
}

#[tokio::test]
async fn state_is_shared_across_clients_and_key_kinds() {
    let sb = Sandbox::fast();
    // Client 1: project key. Client 2: a separate HTTPS client with the account key.
    let r = sb
        .p(
            "POST",
            "/contacts",
            Some(json!({"email": "shared@example.com"})),
        )
        .await;
    let id = r.json["data"]["id"].as_str().unwrap().to_string();
    let other = client_for(sb.info["ca_cert"].as_str().unwrap());
    let r = other
        .get(sb.url(&format!("/contacts/{id}")))
        .header("authorization", format!("Bearer {}", sb.akey()))
        .header("x-project-id", sb.pid(0))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // Contacts are per project: project 2 does not see it.
    let r = sb
        .a("GET", &format!("/contacts/{id}"), Some(&sb.pid(1)), None)
        .await;
    assert_eq!(r.status, 404);
    // A project created by the account key is visible to every account-key client.
    let r = sb
        .a(
            "POST",
            "/account/projects",
            None,
            Some(json!({"name": "Tenant"})),
        )
        .await;
    let new_pid = r.json["data"]["id"].as_str().unwrap().to_string();
    let r = other
        .get(sb.url(&format!("/account/projects/{new_pid}")))
        .header("authorization", format!("Bearer {}", sb.akey()))
        .header("x-project-id", sb.pid(0))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // And mail sent by anyone appears in one inspection list.
    sb.p("POST", "/mails/send", Some(mail())).await;
    sb.a("POST", "/mails/send", Some(&new_pid), Some(mail()))
        .await;
    let msgs = sb.admin("GET", "/_sandbox/messages", None).await;
    let pids: Vec<&str> = msgs
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["projectId"].as_str().unwrap())
        .collect();
    assert_eq!(pids, vec![sb.pid(0).as_str(), new_pid.as_str()]);
}

#[tokio::test]
async fn projects_endpoints() {
    let sb = Sandbox::fast();
    let p0 = sb.pid(0);
    let r = sb.a("GET", "/account/projects", Some(&p0), None).await;
    assert_eq!(r.json["data"]["projects"].as_array().unwrap().len(), 2);
    let r = sb
        .a("GET", &format!("/account/projects/{p0}"), Some(&p0), None)
        .await;
    assert_eq!(r.json["data"]["id"], json!(p0));
    // Invalid ObjectId → 400 with `error` as an array of {message, path}.
    for m in ["GET", "DELETE"] {
        let r = sb
            .a(m, "/account/projects/not-an-id", Some(&p0), None)
            .await;
        assert_eq!(r.status, 400);
        assert_eq!(r.json["success"], json!(false));
        assert_eq!(r.json["code"], json!("VALIDATION_ERROR"));
        assert_eq!(r.json["error"][0]["path"], json!("projectId"));
        assert!(r.json["error"][0]["message"].is_string());
    }
    let r = sb
        .a(
            "GET",
            "/account/projects/0123456789abcdef01234567",
            Some(&p0),
            None,
        )
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json["error"]["code"], json!("PROJECT_NOT_FOUND"));
    // Create validation.
    let r = sb
        .a("POST", "/account/projects", None, Some(json!({"name": ""})))
        .await;
    assert_eq!(fields(&r), vec!["name".to_string()]);
    let r = sb
        .a(
            "POST",
            "/account/projects",
            None,
            Some(json!({"name": "x", "domain": "https://x.com", "regionKey": "mars-1"})),
        )
        .await;
    assert_eq!(
        fields(&r),
        vec!["domain".to_string(), "regionKey".to_string()]
    );
    let r = sb
        .a(
            "POST",
            "/account/projects",
            None,
            Some(json!({"name": "New", "domain": "new.example.com", "regionKey": "eu-central-1"})),
        )
        .await;
    assert_eq!(r.json["data"]["regionKey"], json!("eu-central-1"));
    // Deleting project 2 revokes its project key at once.
    let p1 = sb.pid(1);
    let auth1 = format!("Bearer {}", sb.pkey(1));
    assert_eq!(
        sb.call("POST", "/mails/send", Some(&auth1), None, Some(mail()), &[])
            .await
            .status,
        200
    );
    let r = sb
        .a(
            "DELETE",
            &format!("/account/projects/{p1}"),
            Some(&p0),
            None,
        )
        .await;
    assert_eq!(
        r.json,
        json!({"success": true, "message": "Project deleted successfully"})
    );
    assert_eq!(
        sb.call("POST", "/mails/send", Some(&auth1), None, Some(mail()), &[])
            .await
            .status,
        401
    );
    // An account key can no longer target it.
    assert_eq!(
        sb.a("POST", "/mails/send", Some(&p1), Some(mail()))
            .await
            .status,
        403
    );
    // Delete down to the last project → LAST_PROJECT_CANNOT_BE_DELETED.
    let list = sb.a("GET", "/account/projects", Some(&p0), None).await;
    let ids: Vec<String> = list.json["data"]["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    for id in ids.iter().filter(|i| **i != p0) {
        assert_eq!(
            sb.a(
                "DELETE",
                &format!("/account/projects/{id}"),
                Some(&p0),
                None
            )
            .await
            .status,
            200
        );
    }
    let r = sb
        .a(
            "DELETE",
            &format!("/account/projects/{p0}"),
            Some(&p0),
            None,
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json["error"]["code"],
        json!("LAST_PROJECT_CANNOT_BE_DELETED")
    );
    // Reset restores everything.
    sb.admin("POST", "/_sandbox/reset", None).await;
    assert_eq!(
        sb.call("POST", "/mails/send", Some(&auth1), None, Some(mail()), &[])
            .await
            .status,
        200
    );
    assert_eq!(sb.stats().await["processed"]["emails.send"], json!(1));
}

#[tokio::test]
async fn inspection_redacts_keys_and_keeps_headers() {
    let sb = Sandbox::fast();
    let key = sb.pkey(0);
    let auth = format!("Bearer {key}");
    let r = sb
        .call(
            "POST",
            "/mails/send",
            Some(&auth),
            None,
            Some(mail()),
            &[("user-agent", "autosend-rust/0.1.0"), ("x-custom", "abc")],
        )
        .await;
    assert_eq!(r.status, 200);
    let msgs = sb.admin("GET", "/_sandbox/messages", None).await;
    let m = &msgs[0];
    assert_eq!(
        m["headers"]["authorization"],
        json!(format!("Bearer AS_…{}", &key[key.len() - 4..]))
    );
    assert_eq!(m["headers"]["x-custom"], json!("abc"));
    assert_eq!(m["headers"]["content-type"], json!("application/json"));
    assert_eq!(m["userAgent"], json!("autosend-rust/0.1.0"));
    assert_eq!(m["keyKind"], json!("project"));
    assert_eq!(m["body"], mail());
    assert!(
        !msgs.to_string().contains(&key),
        "a full key leaked into inspection"
    );
    let one = sb
        .admin(
            "GET",
            &format!("/_sandbox/messages/{}", m["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(one["id"], m["id"]);
    assert_eq!(
        sb.admin("DELETE", "/_sandbox/messages", None).await["cleared"],
        json!(1)
    );
    assert_eq!(sb.admin("GET", "/_sandbox/messages", None).await, json!([]));
    // Unknown /v1 route with a valid key → 404 envelope.
    let r = sb.p("GET", "/nothing/here", None).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json["error"]["code"], json!("NOT_FOUND"));
}

#[tokio::test]
async fn inbox_escapes_and_isolates_html() {
    let sb = Sandbox::fast();
    let evil = json!({"to": {"email": "v@example.com", "name": "<b>Victim</b>"}, "from": {"email": "a@example.com"},
        "subject": "<script>alert(1)</script> & \"quotes\"",
        "html": "<p>Hello \"there\"</p><script>parent.document.title='pwned'</script><img src=\"http://127.0.0.1:9/x.png\">",
        "text": "plain </pre><script>x</script>"});
    let r = sb.p("POST", "/mails/send", Some(evil)).await;
    let id = r.json["data"]["emailId"].as_str().unwrap().to_string();
    let list = sb.client.get(sb.admin_url("/")).send().await.unwrap();
    let csp = list.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    // The list runs the sandbox's own script (live updates) and nothing else.
    assert!(
        csp.contains("default-src 'none'")
            && csp.contains("img-src data:")
            && csp.contains("script-src 'self'")
    );
    let html = list.text().await.unwrap();
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"));
    assert_eq!(
        html.matches("<script").count(),
        html.matches("<script src=\"/_sandbox/inbox.js\"></script>")
            .count()
    );
    assert!(html.contains(&format!("/messages/{id}")));
    let page = sb
        .client
        .get(sb.admin_url(&format!("/messages/{id}")))
        .send()
        .await
        .unwrap();
    // The message page, which shows the mail, runs no script at all.
    let csp = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'none'") && csp.contains("connect-src 'none'"));
    let html = page.text().await.unwrap();
    assert!(!html.contains("<script"), "raw script tag in page");
    assert!(!html.contains("<img"), "raw img tag in page");
    assert!(html.contains("<iframe title=\"HTML body\" sandbox=\"\""));
    assert!(html.contains("srcdoc=\"&lt;p&gt;Hello &quot;there&quot;&lt;/p&gt;&lt;script&gt;"));
    assert!(html.contains("plain &lt;/pre&gt;&lt;script&gt;x&lt;/script&gt;"));
    assert!(html.contains("&lt;b&gt;Victim&lt;/b&gt;"));
    let r = sb
        .client
        .get(sb.admin_url("/messages/nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
}
