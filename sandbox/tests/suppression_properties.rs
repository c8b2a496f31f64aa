//! Suppression groups/entries and contact properties / deprecated custom fields.

mod common;
use common::*;
use serde_json::json;

#[tokio::test]
async fn suppress_search_unsuppress_and_groups() {
    let sb = Sandbox::fast();
    let groups = data(&sb.p("GET", "/suppression-groups", None).await);
    let global = groups["groups"][0].clone();
    assert_eq!(global["isGlobal"], json!(true));
    assert_code(
        &sb.p(
            "DELETE",
            &format!("/suppression-groups/{}", global["id"].as_str().unwrap()),
            None,
        )
        .await,
        400,
        "CANNOT_DELETE_GLOBAL_GROUP",
    );
    let g = data(
        &sb.p(
            "POST",
            "/suppression-groups",
            Some(json!({"name": "Newsletter", "description": "Weekly news"})),
        )
        .await,
    );
    let code = g["groupId"].as_str().unwrap().to_string();
    assert!(
        code.len() == 5
            && code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
        "{code}"
    );
    assert_eq!(g["isActive"], json!(true));
    // Suppress 30 into the group, 2 globally (default group).
    let many: Vec<String> = (0..30).map(|i| format!("u{i}@example.com")).collect();
    let r = data(
        &sb.p(
            "POST",
            "/suppression-groups/emails/suppress",
            Some(json!({"emails": many, "groupId": code, "reason": "UNSUBSCRIBE"})),
        )
        .await,
    );
    assert_eq!(r, json!({"suppressed": 30}));
    let r = data(
        &sb.p(
            "POST",
            "/suppression-groups/emails/suppress",
            Some(json!({"emails": ["U0@example.com", "x@example.com"]})),
        )
        .await,
    );
    assert_eq!(r, json!({"suppressed": 2}));
    assert_eq!(
        fields(
            &sb.p(
                "POST",
                "/suppression-groups/emails/suppress",
                Some(json!({"emails": ["bad"]}))
            )
            .await
        ),
        vec!["emails[0]"]
    );
    assert_eq!(
        fields(
            &sb.p(
                "POST",
                "/suppression-groups/emails/suppress",
                Some(json!({"emails": ["a@b.co"], "reason": "BORED"}))
            )
            .await
        ),
        vec!["reason"]
    );
    assert_code(
        &sb.p(
            "POST",
            "/suppression-groups/emails/suppress",
            Some(json!({"emails": ["a@b.co"], "groupId": "NOPE1"})),
        )
        .await,
        404,
        "GROUP_NOT_FOUND",
    );
    // Search (nested, body paging).
    let s = data(
        &sb.p(
            "POST",
            "/suppression-groups/entries",
            Some(json!({"groupId": code, "limit": 25})),
        )
        .await,
    );
    assert_eq!(
        s["pagination"],
        json!({"page": 1, "limit": 25, "total": 30, "pages": 2})
    );
    assert_eq!(s["entries"][0]["reason"], json!("UNSUBSCRIBE"));
    let s = data(
        &sb.p("POST", "/suppression-groups/entries", Some(json!({})))
            .await,
    );
    assert_eq!(s["pagination"]["total"], json!(32));
    assert_eq!(s["pagination"]["limit"], json!(20));
    let s = data(
        &sb.p(
            "POST",
            "/suppression-groups/entries",
            Some(json!({"email": "u0@"})),
        )
        .await,
    );
    assert_eq!(s["pagination"]["total"], json!(2));
    let s = data(
        &sb.p(
            "POST",
            "/suppression-groups/entries",
            Some(json!({"isGlobal": true})),
        )
        .await,
    );
    assert_eq!(s["pagination"]["total"], json!(2));
    assert_eq!(
        fields(
            &sb.p(
                "POST",
                "/suppression-groups/entries",
                Some(json!({"page": 0}))
            )
            .await
        ),
        vec!["page"]
    );
    // A contact sees its groups.
    let c = data(
        &sb.p(
            "POST",
            "/contacts",
            Some(json!({"email": "u0@example.com"})),
        )
        .await,
    );
    let ug = data(
        &sb.p(
            "GET",
            &format!("/contacts/{}/unsubscribe-groups", c["id"].as_str().unwrap()),
            None,
        )
        .await,
    );
    assert_eq!(ug["groups"].as_array().unwrap().len(), 2);
    // Get by ObjectId or short code; counts.
    assert_eq!(
        data(
            &sb.p("GET", &format!("/suppression-groups/{code}"), None)
                .await
        )["suppressionCount"],
        json!(30)
    );
    assert_eq!(
        data(
            &sb.p(
                "GET",
                &format!("/suppression-groups/{}", g["id"].as_str().unwrap()),
                None
            )
            .await
        )["groupId"],
        json!(code)
    );
    // Unsuppress from one group, then from all.
    let r = data(
        &sb.p(
            "POST",
            "/suppression-groups/emails/unsuppress",
            Some(json!({"emails": ["u0@example.com", "u1@example.com"], "groupId": code})),
        )
        .await,
    );
    assert_eq!(r, json!({"unsuppressed": 2}));
    let r = data(
        &sb.p(
            "POST",
            "/suppression-groups/emails/unsuppress",
            Some(json!({"emails": ["u0@example.com", "x@example.com"]})),
        )
        .await,
    );
    assert_eq!(r, json!({"unsuppressed": 2}));
    // Update, list filters, delete.
    let up = data(
        &sb.p(
            "PUT",
            &format!("/suppression-groups/{code}"),
            Some(json!({"isActive": false})),
        )
        .await,
    );
    assert_eq!(
        (up["isActive"].clone(), up["name"].clone()),
        (json!(false), json!("Newsletter"))
    );
    assert_eq!(
        data(
            &sb.p("GET", "/suppression-groups?onlyGlobal=true", None)
                .await
        )["groups"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        data(
            &sb.p("GET", "/suppression-groups?includeGlobal=false", None)
                .await
        )["groups"][0]["groupId"],
        json!(code)
    );
    assert_eq!(
        fields(
            &sb.p("GET", "/suppression-groups?onlyGlobal=yes", None)
                .await
        ),
        vec!["onlyGlobal"]
    );
    assert_eq!(
        sb.p("DELETE", &format!("/suppression-groups/{code}"), None)
            .await
            .json["success"],
        json!(true)
    );
    assert_code(
        &sb.p("GET", &format!("/suppression-groups/{code}"), None)
            .await,
        404,
        "GROUP_NOT_FOUND",
    );
    assert_code(
        &sb.p("DELETE", &format!("/suppression-groups/{code}"), None)
            .await,
        404,
        "GROUP_NOT_FOUND",
    );
}

#[tokio::test]
async fn properties_and_custom_fields_share_one_store() {
    let sb = Sandbox::fast();
    let r = sb
        .p(
            "POST",
            "/contact-properties",
            Some(json!({"name": "plan", "type": "string", "description": "Plan"})),
        )
        .await;
    let p = data(&r);
    assert_eq!(
        (
            p["name"].clone(),
            p["fieldName"].clone(),
            p["fieldType"].clone()
        ),
        (json!("plan"), json!("plan"), json!("string"))
    );
    // The deprecated endpoint takes the legacy names (the description, like the SDK, accepts
    // only `name`/`type` on the new one); both endpoints see one store.
    data(
        &sb.p(
            "POST",
            "/custom-fields",
            Some(json!({"fieldName": "seats", "fieldType": "number"})),
        )
        .await,
    );
    let cf = data(
        &sb.p(
            "POST",
            "/custom-fields",
            Some(json!({"fieldName": "vip", "fieldType": "boolean"})),
        )
        .await,
    );
    assert_eq!(cf["fieldType"], json!("boolean"));
    assert!(cf.get("name").is_none());
    let list = data(&sb.p("GET", "/contact-properties", None).await);
    let names: Vec<&str> = list["contactProperties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        vec![
            "email",
            "firstName",
            "lastName",
            "createdAt",
            "userId",
            "plan",
            "seats",
            "vip"
        ]
    );
    let list = data(
        &sb.p(
            "GET",
            "/contact-properties?includeReservedFields=false",
            None,
        )
        .await,
    );
    assert_eq!(list["contactProperties"].as_array().unwrap().len(), 3);
    let cfl = data(
        &sb.p("GET", "/custom-fields?includeReservedFields=false", None)
            .await,
    );
    assert_eq!(cfl["customFields"][0]["fieldName"], json!("plan"));
    assert_eq!(
        data(&sb.p("GET", "/custom-fields/fieldName/seats", None).await)["fieldType"],
        json!("number")
    );
    assert_eq!(
        data(&sb.p("GET", "/contact-properties/name/vip", None).await)["type"],
        json!("boolean")
    );
    // Reserved names, duplicates, bad type, unknown field.
    for n in ["email", "First_Name", "country"] {
        assert_eq!(
            fields(
                &sb.p(
                    "POST",
                    "/contact-properties",
                    Some(json!({"name": n, "type": "string"}))
                )
                .await
            ),
            vec!["name"],
            "{n}"
        );
    }
    assert_code(
        &sb.p(
            "POST",
            "/contact-properties",
            Some(json!({"name": "PLAN", "type": "string"})),
        )
        .await,
        409,
        "CONTACT_PROPERTY_ALREADY_EXISTS",
    );
    assert_code(
        &sb.p(
            "POST",
            "/custom-fields",
            Some(json!({"fieldName": "plan", "fieldType": "string"})),
        )
        .await,
        409,
        "CUSTOM_FIELD_ALREADY_EXISTS",
    );
    assert_eq!(
        fields(
            &sb.p(
                "POST",
                "/contact-properties",
                Some(json!({"name": "x", "type": "text"}))
            )
            .await
        ),
        vec!["type"]
    );
    assert_eq!(
        fields(
            &sb.p("POST", "/custom-fields", Some(json!({"fieldName": "x"})))
                .await
        ),
        vec!["fieldType"]
    );
    assert_eq!(
        fields(
            &sb.p(
                "POST",
                "/contact-properties",
                Some(json!({"name": "x", "type": "string", "required": true}))
            )
            .await
        ),
        vec!["required"]
    );
    // Delete through either endpoint.
    assert_eq!(
        sb.p("DELETE", "/custom-fields/fieldName/plan", None)
            .await
            .json["success"],
        json!(true)
    );
    assert_code(
        &sb.p("GET", "/contact-properties/name/plan", None).await,
        404,
        "CONTACT_PROPERTY_NOT_FOUND",
    );
    assert_eq!(
        sb.p("DELETE", "/contact-properties/name/seats", None)
            .await
            .json["success"],
        json!(true)
    );
    assert_code(
        &sb.p("DELETE", "/custom-fields/fieldName/seats", None).await,
        404,
        "CUSTOM_FIELD_NOT_FOUND",
    );
    assert_code(
        &sb.p("DELETE", "/contact-properties/name/seats", None).await,
        404,
        "CONTACT_PROPERTY_NOT_FOUND",
    );
}
