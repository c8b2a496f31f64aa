//! The route table drives routing, scopes and body validation.

mod common;
use autosend_sandbox::routes_gen::ROUTES;
use common::*;
use serde_json::json;

#[tokio::test]
async fn every_route_is_served_with_the_right_key() {
    let sb = Sandbox::fast();
    let p0 = sb.pid(0);
    let pkey = format!("Bearer {}", sb.pkey(0));
    let akey = format!("Bearer {}", sb.akey());
    for r in ROUTES {
        if r.scope == "none" {
            continue; // jwks: see webhooks_inbound.rs (key generation is slow in debug builds)
        }
        let path: String = r
            .path
            .split('/')
            .map(|s| {
                if s.starts_with('{') {
                    "0123456789abcdef01234567"
                } else {
                    s
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        let body = matches!(r.method, "POST" | "PUT" | "PATCH").then(|| json!({}));
        let (auth, project) = match r.scope {
            "account" => (&akey, Some(p0.as_str())),
            "account_no_project" => (&akey, None),
            _ => (&pkey, None),
        };
        let resp = sb
            .call(r.method, &path, Some(auth), project, body, &[])
            .await;
        assert!(resp.status != 501, "{}: {}", r.id, resp.text);
        let msg = resp.json["error"]["message"].as_str().unwrap_or("");
        assert!(
            !msg.starts_with("Route "),
            "{} answered a route-level 404: {}",
            r.id,
            resp.text
        );
        assert_ne!(resp.status, 401, "{}", r.id);
        assert_ne!(resp.status, 403, "{}: {}", r.id, resp.text);
        // The other key kind where the scope forbids it.
        match r.scope {
            "project_key" => {
                let x = sb
                    .call(r.method, &path, Some(&akey), Some(&p0), None, &[])
                    .await;
                assert_code(&x, 403, "INSUFFICIENT_PERMISSIONS");
            }
            "account" | "account_no_project" => {
                let x = sb.call(r.method, &path, Some(&pkey), None, None, &[]).await;
                assert_code(&x, 403, "INSUFFICIENT_PERMISSIONS");
            }
            _ => {}
        }
    }
    let st = sb.stats().await;
    assert!(st["rejected"].get("NOT_IMPLEMENTED").is_none(), "{st}");
}

#[tokio::test]
async fn unknown_fields_and_missing_required_fields_are_refused() {
    let sb = Sandbox::fast();
    // Nested unknown fields on a send, with the path of each.
    let mut m = mail();
    m["to"]["emial"] = json!("x");
    m["attachments"] = json!([{"fileName": "a.txt", "content": "aGk=", "disposition": "inline"}]);
    m["bcc"] = json!([{"email": "b@example.com"}, {"email": "c@example.com", "nmae": "C"}]);
    m["trackClicks"] = json!(true);
    let r = sb.p("POST", "/mails/send", Some(m)).await;
    let f = fields(&r);
    for want in [
        "to.emial",
        "attachments[0].disposition",
        "bcc[1].nmae",
        "trackClicks",
    ] {
        assert!(f.contains(&want.to_string()), "{want} in {f:?}");
    }
    assert!(r.json["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("Validation failed: "));
    assert_eq!(sb.stats().await["messages"], json!(0), "nothing recorded");
    // Unknown top-level field on a contact upsert; wrong type; missing required.
    assert_eq!(
        fields(
            &sb.p(
                "POST",
                "/contacts/email",
                Some(json!({"email": "a@example.com", "firstname": "A"}))
            )
            .await
        ),
        vec!["firstname"]
    );
    assert_eq!(
        fields(
            &sb.p("POST", "/contacts/email", Some(json!({"email": 42})))
                .await
        ),
        vec!["email"]
    );
    assert_eq!(
        fields(&sb.p("POST", "/suppression-groups", Some(json!({}))).await),
        vec!["name"]
    );
    // Schema errors and the handler's own checks come in one answer.
    let r = sb.a("POST", "/account/projects", None, Some(json!({"name": "x", "domain": "https://x.com", "regionKey": "mars-1", "plan": "pro"}))).await;
    assert_eq!(fields(&r), vec!["domain", "regionKey", "plan"]);
    // Nothing was created by a refused write.
    assert_eq!(
        data(&sb.p("GET", "/suppression-groups", None).await)["groups"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Account key + x-project-id works on `project` scope routes of the new areas.
    let t = sb
        .a(
            "POST",
            "/templates",
            Some(&sb.pid(1)),
            Some(json!({"templateName": "T", "subject": "S"})),
        )
        .await;
    assert_eq!(data(&t)["projectId"], json!(sb.pid(1)));
    assert_code(
        &sb.a("GET", "/templates", None, None).await,
        403,
        "INSUFFICIENT_PERMISSIONS",
    );
}

#[tokio::test]
async fn unknown_routes_and_methods_are_404_naming_the_route() {
    let sb = Sandbox::fast();
    for (m, p) in [
        ("GET", "/nothing/here"),
        ("DELETE", "/templates"),
        ("PATCH", "/webhooks/abc"),
        ("GET", "/inbound/messages/a/b/c/d"),
    ] {
        let r = sb.p(m, p, None).await;
        assert_code(&r, 404, "NOT_FOUND");
        assert!(
            r.json["error"]["message"]
                .as_str()
                .unwrap()
                .contains(&format!("{m} /v1{p}")),
            "{}",
            r.text
        );
    }
    // Without a key an unknown route is still a 401 (auth comes first), jwks is not.
    assert_eq!(
        sb.call("GET", "/nothing", None, None, None, &[])
            .await
            .status,
        401
    );
    // Literal segments win: /templates/search is not /templates/{templateId}.
    let r = sb.p("GET", "/templates/search", None).await;
    assert!(data(&r)["pagination"].is_object());
    let r = sb.p("GET", "/webhooks/events/available", None).await;
    assert_eq!(data(&r)["events"].as_array().unwrap().len(), 14);
}
