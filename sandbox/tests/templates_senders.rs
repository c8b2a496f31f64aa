//! Templates and senders: a realistic flow each.

mod common;
use common::*;
use serde_json::json;

#[tokio::test]
async fn template_create_get_update_search_paged_delete() {
    let sb = Sandbox::fast();
    let r = sb
        .p(
            "POST",
            "/templates",
            Some(json!({"templateName": "Welcome", "subject": "Hi {{name}}",
            "emailTemplate": "<p>Hello {{name}}</p>", "dynamicVariables": {"name": "string"}})),
        )
        .await;
    let t = data(&r);
    let id = t["templateId"].as_str().unwrap().to_string();
    assert!(
        id.starts_with("A-")
            && id.len() == 22
            && id[2..].chars().all(|c| c.is_ascii_alphanumeric()),
        "{id}"
    );
    assert_eq!(t["templateType"], json!("transactional"));
    assert_eq!(t["builderType"], json!("code"));
    assert_eq!(t["projectId"], json!(sb.pid(0)));

    let got = data(&sb.p("GET", &format!("/templates/{id}"), None).await);
    assert_eq!(got["templateName"], json!("Welcome"));
    // PUT is partial: only the subject changes.
    let up = data(
        &sb.p(
            "PUT",
            &format!("/templates/{id}"),
            Some(json!({"subject": "Welcome aboard"})),
        )
        .await,
    );
    assert_eq!(up["subject"], json!("Welcome aboard"));
    assert_eq!(up["templateName"], json!("Welcome"));
    let pt = data(
        &sb.p(
            "PATCH",
            &format!("/templates/{id}/preview-text"),
            Some(json!({"previewText": "Glad you came"})),
        )
        .await,
    );
    assert_eq!(pt["previewText"], json!("Glad you came"));

    // 24 more; search is paged (nested style).
    for i in 0..24 {
        let tt = if i % 2 == 0 {
            "marketing"
        } else {
            "transactional"
        };
        let r = sb.p("POST", "/templates", Some(json!({"templateName": format!("News {i}"), "subject": "s", "templateType": tt}))).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let r = data(
        &sb.p("GET", "/templates/search?query=news&page=2&limit=10", None)
            .await,
    );
    assert_eq!(
        r["pagination"],
        json!({"page": 2, "limit": 10, "total": 24, "pages": 3})
    );
    assert_eq!(r["templates"].as_array().unwrap().len(), 10);
    let r = data(
        &sb.p("GET", "/templates/search?query=news&page=3&limit=10", None)
            .await,
    );
    assert_eq!(r["templates"].as_array().unwrap().len(), 4);
    let r = data(
        &sb.p("GET", "/templates/search?templateType=marketing", None)
            .await,
    );
    assert_eq!(r["pagination"]["total"], json!(12));
    assert_eq!(r["pagination"]["limit"], json!(20));
    let r = data(
        &sb.p("GET", &format!("/templates/search?templateId={id}"), None)
            .await,
    );
    assert_eq!(r["templates"][0]["templateId"], json!(id));
    // list: limit only.
    let r = data(&sb.p("GET", "/templates?limit=5", None).await);
    assert_eq!(r["templates"].as_array().unwrap().len(), 5);
    for bad in ["limit=0", "limit=101", "page=0", "limit=abc"] {
        let r = sb.p("GET", &format!("/templates/search?{bad}"), None).await;
        let f = bad.split('=').next().unwrap();
        assert_eq!(fields(&r), vec![f.to_string()], "{bad}");
    }
    // Validation: required fields, unknown field, too long.
    let r = sb
        .p("POST", "/templates", Some(json!({"templateName": "x"})))
        .await;
    assert_eq!(fields(&r), vec!["subject"]);
    let r = sb
        .p(
            "POST",
            "/templates",
            Some(json!({"templateName": "x", "subject": "s", "subjct": "typo"})),
        )
        .await;
    assert_eq!(fields(&r), vec!["subjct"]);
    let r = sb
        .p(
            "POST",
            "/templates",
            Some(json!({"templateName": "x".repeat(91), "subject": "s"})),
        )
        .await;
    assert_eq!(fields(&r), vec!["templateName"]);
    // Delete; then get → 404, delete → 400 DELETE_TEMPLATE_FAILED.
    let r = sb.p("DELETE", &format!("/templates/{id}"), None).await;
    assert_eq!(
        r.json,
        json!({"success": true, "message": "Template deleted successfully"})
    );
    assert_code(
        &sb.p("GET", &format!("/templates/{id}"), None).await,
        404,
        "NOT_FOUND",
    );
    assert_code(
        &sb.p("DELETE", &format!("/templates/{id}"), None).await,
        400,
        "DELETE_TEMPLATE_FAILED",
    );
    // Templates are per project.
    let other = sb
        .a("GET", "/templates/search", Some(&sb.pid(1)), None)
        .await;
    assert_eq!(data(&other)["pagination"]["total"], json!(0));
}

#[tokio::test]
async fn senders_need_a_verified_domain_and_refuse_duplicates() {
    let sb = Sandbox::fast();
    // Unverified domain → 400 with a plain-string error.
    let r = sb
        .p(
            "POST",
            "/senders",
            Some(json!({"email": "news@mail.example.com", "name": "News"})),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(
        r.json["error"].as_str().unwrap().contains("not verified"),
        "{}",
        r.text
    );
    let dom = sb
        .p(
            "POST",
            "/domains",
            Some(json!({"domain": "mail.example.com"})),
        )
        .await;
    let dom_id = data(&dom)["id"].as_str().unwrap().to_string();
    let r = sb
        .p(
            "POST",
            "/senders",
            Some(json!({"email": "news@mail.example.com"})),
        )
        .await;
    assert_eq!(
        r.status, 400,
        "pending domain is not verified yet: {}",
        r.text
    );
    sb.p("POST", &format!("/domains/{dom_id}/verify"), None)
        .await;
    let r = sb.p("POST", "/senders", Some(json!({"email": "News@mail.example.com", "name": "News", "replyTo": "help@example.com"}))).await;
    let d = data(&r);
    assert_eq!(d["projectId"], json!(sb.pid(0)));
    assert_eq!(d["sender"]["email"], json!("news@mail.example.com"));
    assert!(r.json["message"].is_string());
    let sid = d["sender"]["id"].as_str().unwrap().to_string();
    // Duplicate → 409 (string error).
    let r = sb
        .p(
            "POST",
            "/senders",
            Some(json!({"email": "news@mail.example.com"})),
        )
        .await;
    assert_eq!(r.status, 409);
    assert!(r.json["error"].is_string());
    let list = data(&sb.p("GET", "/senders", None).await);
    assert_eq!(list["senders"].as_array().unwrap().len(), 1);
    assert_eq!(
        data(&sb.p("GET", &format!("/senders/{sid}"), None).await)["replyTo"],
        json!("help@example.com")
    );
    // Used by a template → AUTHENTICATED_SENDER_IN_USE; free again after the template goes.
    let t = data(
        &sb.p(
            "POST",
            "/templates",
            Some(json!({"templateName": "T", "subject": "S", "senderId": sid})),
        )
        .await,
    );
    assert_eq!(t["sender"]["id"], json!(sid));
    assert_code(
        &sb.p("DELETE", &format!("/senders/{sid}"), None).await,
        400,
        "AUTHENTICATED_SENDER_IN_USE",
    );
    sb.p(
        "DELETE",
        &format!("/templates/{}", t["templateId"].as_str().unwrap()),
        None,
    )
    .await;
    let r = sb.p("DELETE", &format!("/senders/{sid}"), None).await;
    assert_eq!(r.json["success"], json!(true));
    assert_code(
        &sb.p("GET", &format!("/senders/{sid}"), None).await,
        404,
        "AUTHENTICATED_SENDER_NOT_FOUND",
    );
    assert_code(
        &sb.p("DELETE", &format!("/senders/{sid}"), None).await,
        404,
        "AUTHENTICATED_SENDER_NOT_FOUND",
    );
}
