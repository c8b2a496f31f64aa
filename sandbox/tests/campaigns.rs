//! Campaigns: the state machine, paging and analytics.

mod common;
use common::*;
use serde_json::json;

#[tokio::test]
async fn campaign_lifecycle_and_errors() {
    let sb = Sandbox::fast();
    let r = sb
        .p(
            "POST",
            "/campaigns",
            Some(json!({"name": "Spring sale", "subject": "20% off",
            "htmlTemplate": "<p>Sale</p>", "from": {"email": "news@example.com", "name": "News"}})),
        )
        .await;
    let c = data(&r);
    assert_eq!(c["status"], json!("draft"));
    assert_eq!(c["template"]["emailTemplate"], json!("<p>Sale</p>"));
    let id = c["id"].as_str().unwrap().to_string();
    // Pause a draft → error.
    assert_code(
        &sb.p("POST", &format!("/campaigns/{id}/pause"), None).await,
        400,
        "INVALID_CAMPAIGN_STATUS",
    );
    assert_code(
        &sb.p("POST", &format!("/campaigns/{id}/resume"), None).await,
        400,
        "INVALID_CAMPAIGN_STATUS",
    );
    // Update, then send now → sending.
    let up = data(
        &sb.p(
            "PATCH",
            &format!("/campaigns/{id}"),
            Some(json!({"subject": "25% off"})),
        )
        .await,
    );
    assert_eq!(
        (up["subject"].clone(), up["status"].clone()),
        (json!("25% off"), json!("draft"))
    );
    let up = data(
        &sb.p(
            "PATCH",
            &format!("/campaigns/{id}"),
            Some(json!({"sendNow": true})),
        )
        .await,
    );
    assert_eq!(up["status"], json!("sending"));
    // Sending campaigns are not editable and not deletable.
    assert_code(
        &sb.p(
            "PATCH",
            &format!("/campaigns/{id}"),
            Some(json!({"name": "x"})),
        )
        .await,
        400,
        "INVALID_CAMPAIGN_STATUS",
    );
    assert_code(
        &sb.p("DELETE", &format!("/campaigns/{id}"), None).await,
        400,
        "ONLY_DRAFT_CAMPAIGNS_CAN_BE_DELETED",
    );
    // pause → paused, resume → sending, pause again, abort → aborted.
    let p = data(&sb.p("POST", &format!("/campaigns/{id}/pause"), None).await);
    assert_eq!(p["status"], json!("paused"));
    assert_code(
        &sb.p("POST", &format!("/campaigns/{id}/pause"), None).await,
        400,
        "INVALID_CAMPAIGN_STATUS",
    );
    assert_eq!(
        data(&sb.p("POST", &format!("/campaigns/{id}/resume"), None).await)["status"],
        json!("sending")
    );
    let full = data(&sb.p("GET", &format!("/campaigns/{id}"), None).await);
    assert!(full["resumedAt"].is_string() && full["pausedAt"].is_string());
    assert_eq!(
        data(&sb.p("POST", &format!("/campaigns/{id}/abort"), None).await)["status"],
        json!("aborted")
    );
    assert_code(
        &sb.p("POST", &format!("/campaigns/{id}/abort"), None).await,
        400,
        "INVALID_CAMPAIGN_STATUS",
    );
    assert_code(
        &sb.p("DELETE", &format!("/campaigns/{id}"), None).await,
        400,
        "ONLY_DRAFT_CAMPAIGNS_CAN_BE_DELETED",
    );
    let a = data(
        &sb.p("GET", &format!("/campaigns/{id}/analytics"), None)
            .await,
    );
    assert_eq!(a["campaignId"], json!(id));
    assert_eq!(a["status"], json!("aborted"));
    assert_eq!(a["counts"]["sent"], json!(0));
    // sendNow on create → scheduled; gradual mode resumes to sending_gradual.
    let s = data(
        &sb.p(
            "POST",
            "/campaigns",
            Some(json!({"name": "G", "subject": "S", "htmlTemplate": "<p/>",
        "sendNow": true, "sendMode": "gradual", "gradualStrategy": "2x"})),
        )
        .await,
    );
    assert_eq!(s["status"], json!("scheduled"));
    assert!(s["scheduledAt"].is_string());
    let gid = s["id"].as_str().unwrap();
    assert_eq!(
        data(
            &sb.p(
                "PATCH",
                &format!("/campaigns/{gid}"),
                Some(json!({"sendNow": true}))
            )
            .await
        )["status"],
        json!("sending_gradual")
    );
    sb.p("POST", &format!("/campaigns/{gid}/pause"), None).await;
    assert_eq!(
        data(
            &sb.p("POST", &format!("/campaigns/{gid}/resume"), None)
                .await
        )["status"],
        json!("sending_gradual")
    );
    // A draft can be deleted; then 404 CAMPAIGN_NOT_FOUND everywhere.
    let d = data(
        &sb.p(
            "POST",
            "/campaigns",
            Some(json!({"name": "D", "subject": "S", "htmlTemplate": "<p/>"})),
        )
        .await,
    );
    let did = d["id"].as_str().unwrap();
    assert_eq!(
        sb.p("DELETE", &format!("/campaigns/{did}"), None)
            .await
            .json["success"],
        json!(true)
    );
    for (m, path) in [
        ("GET", format!("/campaigns/{did}")),
        ("DELETE", format!("/campaigns/{did}")),
        ("POST", format!("/campaigns/{did}/pause")),
        ("GET", format!("/campaigns/{did}/analytics")),
    ] {
        assert_code(&sb.p(m, &path, None).await, 404, "CAMPAIGN_NOT_FOUND");
    }
    // Validation: template or html required; bad template id; unknown nested field.
    let r = sb
        .p(
            "POST",
            "/campaigns",
            Some(json!({"name": "N", "subject": "S"})),
        )
        .await;
    assert_eq!(fields(&r), vec!["templateId"]);
    let r = sb
        .p(
            "POST",
            "/campaigns",
            Some(json!({"name": "N", "subject": "S", "templateId": "A-nope"})),
        )
        .await;
    assert_eq!(fields(&r), vec!["templateId"]);
    let r = sb.p("POST", "/campaigns", Some(json!({"subject": "S", "htmlTemplate": "x", "from": {"email": "a@b.co", "nmae": "x"}}))).await;
    assert_eq!(fields(&r), vec!["name", "from.nmae"]);
}

#[tokio::test]
async fn campaign_list_is_paged_and_filtered() {
    let sb = Sandbox::fast();
    for i in 0..25 {
        let r = sb.p("POST", "/campaigns", Some(json!({"name": format!("Camp {i}"), "subject": "S", "htmlTemplate": "<p/>", "sendNow": i % 5 == 0}))).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let r = data(&sb.p("GET", "/campaigns", None).await);
    assert_eq!(
        r["pagination"],
        json!({"page": 1, "limit": 20, "total": 25, "pages": 2})
    );
    assert_eq!(r["campaigns"][0]["name"], json!("Camp 24"), "newest first");
    assert!(r["campaigns"][0].get("metrics").is_none(), "summaries only");
    let r = data(&sb.p("GET", "/campaigns?page=2&limit=20", None).await);
    assert_eq!(r["campaigns"].as_array().unwrap().len(), 5);
    let r = data(&sb.p("GET", "/campaigns?status=scheduled", None).await);
    assert_eq!(r["pagination"]["total"], json!(5));
    let r = data(&sb.p("GET", "/campaigns?name=camp%202", None).await);
    assert_eq!(r["pagination"]["total"], json!(6)); // 2, 20..24
    assert_eq!(
        fields(&sb.p("GET", "/campaigns?limit=101", None).await),
        vec!["limit"]
    );
    assert_eq!(
        fields(&sb.p("GET", "/campaigns?status=done", None).await),
        vec!["status"]
    );
}
