//! Domains (add → verify → inbound; project view) and contact lists/segments.

mod common;
use common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn domain_add_verify_enable_inbound_and_project_view() {
    let sb = Sandbox::fast();
    let d = data(
        &sb.p(
            "POST",
            "/domains",
            Some(json!({"domain": "Mail.Example.com", "regionKey": "eu-central-1"})),
        )
        .await,
    );
    assert_eq!(d["domainName"], json!("mail.example.com"));
    assert_eq!(d["verificationStatus"], json!("PENDING_CONFIGURATION"));
    assert_eq!(d["dnsRecords"]["ownership"]["type"], json!("TXT"));
    assert!(!d["dnsRecords"]["mailFrom"].as_array().unwrap().is_empty());
    assert!(d["dnsRecords"].get("inboundMx").is_none());
    let id = d["id"].as_str().unwrap().to_string();
    assert_code(
        &sb.p(
            "POST",
            "/domains",
            Some(json!({"domain": "mail.example.com"})),
        )
        .await,
        409,
        "DOMAIN_ALREADY_EXISTS",
    );
    for bad in ["https://x.com", "x.com/", "nodot", "a..b.com"] {
        assert_eq!(
            fields(&sb.p("POST", "/domains", Some(json!({"domain": bad}))).await),
            vec!["domain"],
            "{bad}"
        );
    }
    // Verify: VERIFIED on the first call.
    let r = sb.p("POST", &format!("/domains/{id}/verify"), None).await;
    assert_eq!(
        r.json["message"],
        json!("Domain verification status updated")
    );
    let v = data(&r);
    assert_eq!(v["verificationStatus"], json!("VERIFIED"));
    assert_eq!(v["domain"]["dkimEnabled"], json!(true));
    // Inbound on/off.
    let on = data(
        &sb.p("POST", &format!("/domains/{id}/inbound/enable"), None)
            .await,
    );
    assert_eq!(on["dnsRecords"]["inboundMx"]["type"], json!("MX"));
    assert!(on["inboundEnabledAt"].is_string());
    let off = data(
        &sb.p("POST", &format!("/domains/{id}/inbound/disable"), None)
            .await,
    );
    assert!(off["inboundEnabledAt"].is_null() && off["dnsRecords"].get("inboundMx").is_none());
    assert_eq!(
        data(&sb.p("GET", "/domains", None).await)["domains"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // The project view lists the domain and has an inbound email domain.
    let p = data(
        &sb.a(
            "GET",
            &format!("/account/projects/{}", sb.pid(0)),
            Some(&sb.pid(0)),
            None,
        )
        .await,
    );
    assert_eq!(
        p["domains"],
        json!([{"id": id, "domainName": "mail.example.com", "verificationStatus": "VERIFIED", "regionKey": "eu-central-1"}])
    );
    assert!(p["inboundEmailDomain"]
        .as_str()
        .unwrap()
        .ends_with(".autosend.email"));
    let all = data(
        &sb.a("GET", "/account/projects", Some(&sb.pid(0)), None)
            .await,
    );
    assert_eq!(all["projects"][0]["domains"].as_array().unwrap().len(), 1);
    assert_eq!(all["projects"][1]["domains"], json!([]));
    // Delete.
    assert_eq!(
        sb.p("DELETE", &format!("/domains/{id}"), None).await.json["success"],
        json!(true)
    );
    for (m, path) in [
        ("DELETE", format!("/domains/{id}")),
        ("GET", format!("/domains/{id}")),
        ("POST", format!("/domains/{id}/verify")),
    ] {
        assert_code(&sb.p(m, &path, None).await, 404, "DOMAIN_NOT_FOUND");
    }
}

fn emails(n: usize, from: usize) -> Vec<Value> {
    (from..from + n)
        .map(|i| json!(format!("user{i}@example.com")))
        .collect()
}

#[tokio::test]
async fn list_bulk_add_search_pages_remove_and_segments() {
    let sb = Sandbox::fast();
    let l = data(
        &sb.p(
            "POST",
            "/contact-lists",
            Some(json!({"name": "Newsletter", "description": "Weekly"})),
        )
        .await,
    );
    let lid = l["id"].as_str().unwrap().to_string();
    assert_eq!(
        (l["type"].clone(), l["contactCount"].clone()),
        (json!("list"), json!(0))
    );
    assert_code(
        &sb.p(
            "POST",
            "/contact-lists",
            Some(json!({"name": "newsletter"})),
        )
        .await,
        409,
        "CONTACT_LIST_ALREADY_EXISTS",
    );
    // 600 refused, 500 accepted (creating unknown emails).
    let r = sb
        .p(
            "POST",
            "/contact-lists/contacts/bulk-add",
            Some(json!({"contactListId": lid, "emails": emails(600, 0)})),
        )
        .await;
    assert_eq!(fields(&r), vec!["emails"]);
    sb.p(
        "POST",
        "/contacts",
        Some(json!({"email": "user0@example.com", "firstName": "Zero"})),
    )
    .await;
    let mut batch = emails(499, 0);
    batch.push(json!("not-an-email"));
    let r = data(
        &sb.p(
            "POST",
            "/contact-lists/contacts/bulk-add",
            Some(json!({"contactListId": lid, "emails": batch})),
        )
        .await,
    );
    assert_eq!(
        (
            r["added"].clone(),
            r["created"].clone(),
            r["alreadyInList"].clone()
        ),
        (json!(499), json!(498), json!(0))
    );
    assert_eq!(r["errors"].as_array().unwrap().len(), 1);
    assert_eq!(
        r["validation"]["invalid"][0]["email"],
        json!("not-an-email")
    );
    assert_eq!(r["totalContactsInList"], json!(499));
    let again = data(
        &sb.p(
            "POST",
            "/contact-lists/contacts/bulk-add",
            Some(json!({"contactListId": lid, "emails": emails(2, 498)})),
        )
        .await,
    );
    assert_eq!(
        (again["added"].clone(), again["alreadyInList"].clone()),
        (json!(1), json!(1))
    );
    let r = sb
        .p(
            "POST",
            "/contact-lists/contacts/bulk-add",
            Some(json!({"contactListId": lid, "emails": [], "contactIds": []})),
        )
        .await;
    // Both empty: the schema names each empty list (minItems 1), the rule names `emails`.
    assert!(
        fields(&r).contains(&"emails".to_string()),
        "{:?}",
        fields(&r)
    );
    // Search pages (nested, body page/limit).
    let s = data(
        &sb.p(
            "POST",
            "/contact-lists/contacts/search",
            Some(json!({"contactListId": lid})),
        )
        .await,
    );
    assert_eq!(
        s["pagination"],
        json!({"page": 1, "limit": 20, "total": 500, "pages": 25})
    );
    let s = data(
        &sb.p(
            "POST",
            "/contact-lists/contacts/search",
            Some(json!({"contactListId": lid, "page": 5, "limit": 100})),
        )
        .await,
    );
    assert_eq!(s["contacts"].as_array().unwrap().len(), 100);
    let s = data(
        &sb.p(
            "POST",
            "/contact-lists/contacts/search",
            Some(json!({"contactListId": lid, "email": "user49"})),
        )
        .await,
    );
    assert_eq!(s["pagination"]["total"], json!(11)); // 49, 490..499
    assert_eq!(
        fields(
            &sb.p(
                "POST",
                "/contact-lists/contacts/search",
                Some(json!({"contactListId": lid, "limit": 101}))
            )
            .await
        ),
        vec!["limit"]
    );
    // Global list first, counts every contact.
    let all = data(&sb.p("GET", "/contact-lists", None).await);
    assert_eq!(all["lists"][0]["id"], json!("GLOBAL_CONTACT_LIST"));
    assert_eq!(all["lists"][0]["contactCount"], json!(500));
    assert_eq!(all["lists"][1]["contactCount"], json!(500));
    assert_eq!(
        data(
            &sb.p("GET", "/contact-lists/GLOBAL_CONTACT_LIST", None)
                .await
        )["name"],
        json!("All Contacts")
    );
    // Remove.
    let c0 = data(
        &sb.p(
            "POST",
            "/contacts/search/emails",
            Some(json!({"emails": ["user1@example.com"]})),
        )
        .await,
    );
    let cid = c0["contacts"][0]["id"].clone();
    let rm = data(
        &sb.p(
            "POST",
            &format!("/contact-lists/{lid}/contacts/remove"),
            Some(
                json!({"emails": ["user0@example.com", "nobody@example.com"], "contactIds": [cid]}),
            ),
        )
        .await,
    );
    assert_eq!(
        (rm["removed"].clone(), rm["notInList"].clone()),
        (json!(2), json!(0))
    );
    assert_eq!(rm["errors"].as_array().unwrap().len(), 1);
    assert_eq!(
        data(&sb.p("GET", &format!("/contact-lists/{lid}"), None).await)["contactCount"],
        json!(498)
    );
    assert_eq!(
        fields(
            &sb.p(
                "POST",
                "/contact-lists/GLOBAL_CONTACT_LIST/contacts/remove",
                Some(json!({"emails": ["user2@example.com"]}))
            )
            .await
        ),
        vec!["contactListId"]
    );
    // Segments need a filter and are computed.
    assert_eq!(
        fields(
            &sb.p(
                "POST",
                "/contact-lists",
                Some(json!({"name": "Seg", "type": "segment"}))
            )
            .await
        ),
        vec!["filterCriteria"]
    );
    let seg = data(&sb.p("POST", "/contact-lists", Some(json!({"name": "Zeros", "type": "segment",
        "filterCriteria": {"logicalOperator": "AND", "groups": [{"field": "firstName", "fieldType": "string", "operator": "equals", "value": "zero"}]}}))).await);
    assert_eq!(seg["contactCount"], json!(1));
    let segs = data(&sb.p("GET", "/contact-lists?type=segment", None).await);
    assert_eq!(segs["lists"].as_array().unwrap().len(), 1);
    // In use by an active automation → CANNOT_DELETE_CONTACT_LIST_IN_USE.
    let a = data(&sb.p("POST", "/automations", Some(json!({"name": "On list", "active": true,
        "entryCriteria": {"type": "contact_added_to_list", "contactListId": lid},
        "steps": [{"type": "wait", "delay": {"value": 0, "unit": "minutes"}}, {"type": "email", "email": {"templateId": "A-x"}}]}))).await);
    assert_code(
        &sb.p("DELETE", &format!("/contact-lists/{lid}"), None).await,
        400,
        "CANNOT_DELETE_CONTACT_LIST_IN_USE",
    );
    sb.p(
        "POST",
        &format!("/automations/{}/pause", a["id"].as_str().unwrap()),
        None,
    )
    .await;
    let del = sb.p("DELETE", &format!("/contact-lists/{lid}"), None).await;
    assert_eq!(data(&del)["id"], json!(lid));
    assert_code(
        &sb.p("GET", &format!("/contact-lists/{lid}"), None).await,
        404,
        "CONTACT_LIST_NOT_FOUND",
    );
    assert_code(
        &sb.p("DELETE", &format!("/contact-lists/{lid}"), None).await,
        404,
        "CONTACT_LIST_NOT_FOUND",
    );
}
