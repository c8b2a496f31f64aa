//! Automations and custom events (project-key endpoints).

mod common;
use common::*;
use serde_json::json;

fn steps() -> serde_json::Value {
    json!([{"type": "wait", "stepId": "step_wait_intro", "delay": {"value": 0, "unit": "minutes"}},
           {"type": "email", "email": {"templateId": "A-abc", "subject": "Hi"}}])
}

#[tokio::test]
async fn automation_create_pause_resume_edit_delete() {
    let sb = Sandbox::fast();
    let r = sb
        .p(
            "POST",
            "/automations",
            Some(json!({"name": "Onboarding", "steps": steps(), "tags": ["onboarding"]})),
        )
        .await;
    let a = data(&r);
    assert_eq!(a["status"], json!("draft"));
    assert_eq!(a["steps"][0]["stepId"], json!("step_wait_intro"));
    assert!(
        a["steps"][1]["stepId"]
            .as_str()
            .unwrap()
            .starts_with("step_"),
        "generated step id"
    );
    let id = a["id"].as_str().unwrap().to_string();
    // Pause a draft → CANNOT_PAUSE_INACTIVE_AUTOMATION.
    assert_code(
        &sb.p("POST", &format!("/automations/{id}/pause"), None)
            .await,
        400,
        "CANNOT_PAUSE_INACTIVE_AUTOMATION",
    );
    // Activate via update, then it is not editable.
    let up = data(
        &sb.p(
            "PATCH",
            &format!("/automations/{id}"),
            Some(json!({"active": true})),
        )
        .await,
    );
    assert_eq!(up["status"], json!("active"));
    assert!(up["activeAt"].is_string());
    assert_code(
        &sb.p(
            "PATCH",
            &format!("/automations/{id}"),
            Some(json!({"name": "x"})),
        )
        .await,
        400,
        "CANNOT_EDIT_AUTOMATION",
    );
    assert_code(
        &sb.p("POST", &format!("/automations/{id}/resume"), None)
            .await,
        400,
        "CANNOT_ACTIVATE_AUTOMATION",
    );
    let p = data(
        &sb.p("POST", &format!("/automations/{id}/pause"), None)
            .await,
    );
    assert_eq!(p["status"], json!("paused"));
    let ed = data(
        &sb.p(
            "PATCH",
            &format!("/automations/{id}"),
            Some(json!({"description": "v2"})),
        )
        .await,
    );
    assert_eq!(
        (ed["description"].clone(), ed["status"].clone()),
        (json!("v2"), json!("paused"))
    );
    let res = data(
        &sb.p("POST", &format!("/automations/{id}/resume"), None)
            .await,
    );
    assert_eq!(res["status"], json!("active"));
    // list (nested, status/tags filters).
    sb.p("POST", "/automations", Some(json!({"name": "Other"})))
        .await;
    let l = data(&sb.p("GET", "/automations?status=active", None).await);
    assert_eq!(
        l["pagination"],
        json!({"page": 1, "limit": 50, "total": 1, "pages": 1})
    );
    assert_eq!(l["workflowAutomations"][0]["id"], json!(id));
    assert_eq!(
        data(&sb.p("GET", "/automations?tags=onboarding,x", None).await)["pagination"]["total"],
        json!(1)
    );
    assert_eq!(
        data(&sb.p("GET", "/automations", None).await)["pagination"]["total"],
        json!(2)
    );
    // Step rules.
    let r = sb.p("POST", "/automations", Some(json!({"name": "Bad", "steps": [{"type": "email", "email": {"templateId": "A-x"}}]}))).await;
    assert_code(&r, 400, "INVALID_STEP_SEQUENCE");
    let r = sb.p("POST", "/automations", Some(json!({"name": "Bad", "steps": [{"type": "wait", "delay": {"value": 1, "unit": "days"}}, {"type": "email", "email": {}}]}))).await;
    assert_code(&r, 400, "EMAIL_TEMPLATE_REQUIRED");
    let r = sb
        .p(
            "POST",
            "/automations",
            Some(json!({"name": "Ev", "entryCriteria": {"type": "event_trigger"}})),
        )
        .await;
    assert_code(&r, 400, "EVENT_NAME_REQUIRED");
    let r = sb.p("POST", "/automations", Some(json!({"name": "X", "steps": [{"type": "wait", "delay": {"value": 1, "unit": "weeks"}}]}))).await;
    assert_eq!(fields(&r), vec!["steps[0].delay.unit"]);
    // Get / delete / 404 codes.
    assert_eq!(
        data(&sb.p("GET", &format!("/automations/{id}"), None).await)["name"],
        json!("Onboarding")
    );
    assert_eq!(
        sb.p("DELETE", &format!("/automations/{id}"), None)
            .await
            .json["success"],
        json!(true)
    );
    assert_code(
        &sb.p("GET", &format!("/automations/{id}"), None).await,
        404,
        "WORKFLOW_NOT_FOUND",
    );
    assert_code(
        &sb.p("DELETE", &format!("/automations/{id}"), None).await,
        404,
        "AUTOMATION_NOT_FOUND",
    );
    // Account keys are refused on these endpoints (403), even with x-project-id.
    assert_code(
        &sb.a("GET", "/automations", Some(&sb.pid(0)), None).await,
        403,
        "INSUFFICIENT_PERMISSIONS",
    );
}

#[tokio::test]
async fn event_define_send_update_delete() {
    let sb = Sandbox::fast();
    let def = json!({"eventName": "order_placed", "description": "An order",
        "properties": [{"propertyName": "amount", "type": "number", "suggestedValues": "10, 20"},
                       {"propertyName": "sku", "type": "string"}]});
    let e = data(&sb.p("POST", "/events", Some(def.clone())).await);
    assert_eq!(e["eventName"], json!("order_placed"));
    assert_eq!(e["properties"][0]["suggestedValues"], json!([10.0, 20.0]));
    assert_code(
        &sb.p("POST", "/events", Some(def)).await,
        409,
        "EVENT_ALREADY_EXISTS",
    );
    assert_code(
        &sb.p(
            "POST",
            "/events",
            Some(json!({"eventName": "order-placed"})),
        )
        .await,
        400,
        "INVALID_EVENT_NAME_CHARACTERS",
    );
    // Send: needs a contact.
    assert_code(
        &sb.p(
            "POST",
            "/events/send",
            Some(json!({"eventName": "order_placed"})),
        )
        .await,
        400,
        "EMAIL_OR_CONTACT_ID_REQUIRED",
    );
    assert_code(
        &sb.p(
            "POST",
            "/events/send",
            Some(json!({"eventName": "nope", "email": "a@example.com"})),
        )
        .await,
        404,
        "EVENT_NOT_FOUND",
    );
    assert_code(
        &sb.p(
            "POST",
            "/events/send",
            Some(json!({"eventName": "order_placed", "email": "a@example.com"})),
        )
        .await,
        404,
        "CONTACT_NOT_FOUND_FOR_EVENT",
    );
    let c = data(
        &sb.p("POST", "/contacts", Some(json!({"email": "a@example.com"})))
            .await,
    );
    let r = sb.p("POST", "/events/send", Some(json!({"eventName": "order_placed", "email": "A@example.com", "eventProperties": {"amount": "12.5", "sku": "X1"}}))).await;
    let s = data(&r);
    assert_eq!(s["contactId"], c["id"]);
    assert_eq!(s["properties"], json!({"amount": 12.5, "sku": "X1"}));
    let r = sb.p("POST", "/events/send", Some(json!({"eventName": "order_placed", "contactId": c["id"], "eventProperties": {"colour": "red"}}))).await;
    assert_code(&r, 400, "UNKNOWN_PROPERTY");
    let r = sb.p("POST", "/events/send", Some(json!({"eventName": "order_placed", "contactId": c["id"], "eventProperties": {"amount": "lots"}}))).await;
    assert_code(&r, 400, "INVALID_PROPERTY_VALUE");
    // Update: nothing → NO_DATA_TO_UPDATE; properties replace.
    assert_code(
        &sb.p("PATCH", "/events/eventName/order_placed", Some(json!({})))
            .await,
        400,
        "NO_DATA_TO_UPDATE",
    );
    let u = data(
        &sb.p(
            "PATCH",
            "/events/eventName/order_placed",
            Some(json!({"properties": [{"propertyName": "total", "type": "number"}]})),
        )
        .await,
    );
    assert_eq!(u["properties"].as_array().unwrap().len(), 1);
    assert_eq!(
        data(&sb.p("GET", "/events/eventName/order_placed", None).await)["properties"][0]
            ["propertyName"],
        json!("total")
    );
    assert_eq!(
        data(&sb.p("GET", "/events", None).await)["events"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        sb.p("DELETE", "/events/eventName/order_placed", None)
            .await
            .json["success"],
        json!(true)
    );
    assert_code(
        &sb.p("GET", "/events/eventName/order_placed", None).await,
        404,
        "EVENT_NOT_FOUND",
    );
    // 100 definitions at most.
    for i in 0..100 {
        let r = sb
            .p(
                "POST",
                "/events",
                Some(json!({"eventName": format!("e_{i}")})),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    assert_code(
        &sb.p("POST", "/events", Some(json!({"eventName": "e_100"})))
            .await,
        400,
        "MAX_EVENTS_REACHED",
    );
    assert_code(
        &sb.a(
            "POST",
            "/events/send",
            Some(&sb.pid(0)),
            Some(json!({"eventName": "e_1", "email": "a@example.com"})),
        )
        .await,
        403,
        "INSUFFICIENT_PERMISSIONS",
    );
}
