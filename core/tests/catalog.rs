//! The generated catalog as the core interprets it: query strings, path parameters, methods
//! with and without bodies, key scopes, binary and 202 answers. Endpoint facts come from the
//! API description (`api/openapi.json`); see docs/api.md.

mod common;

use autosend::{
    build_request, ApiResponse, ClientConfig, ClientOptions, Error, ErrorKind, Request, CATALOG,
};
use serde_json::{json, Value};

fn config(key: &str, project: Option<&str>) -> ClientConfig {
    let mut o = ClientOptions::new(key);
    o.project_id = project.map(str::to_string);
    ClientConfig::new(o).unwrap()
}

fn build(id: &str, params: Value) -> Result<Request, Error> {
    build_request(&config("AS_test123", None), id, params).map(|(_, r)| r)
}

fn url(id: &str, params: Value) -> String {
    build(id, params)
        .unwrap_or_else(|e| panic!("{id}: {e}"))
        .url
        .clone()
}

fn refused(id: &str, params: Value) -> (ErrorKind, String, String) {
    let e = build(id, params).expect_err("should be refused");
    (
        e.kind(),
        e.field().unwrap_or_default().to_string(),
        e.message().to_string(),
    )
}

const BASE: &str = "https://api.autosend.com/v1";

#[test]
fn catalog_has_every_endpoint_of_the_table() {
    assert_eq!(CATALOG.len(), 93, "api/CONVENTIONS.md lists 93 endpoints");
}

#[test]
fn query_strings() {
    // Integers and strings, in declared order; null and "" dropped.
    assert_eq!(
        url(
            "templates.list",
            json!({"limit": 5, "templateType": "marketing"})
        ),
        format!("{BASE}/templates?templateType=marketing&limit=5")
    );
    assert_eq!(
        url("templates.list", json!({"limit": null, "templateType": ""})),
        format!("{BASE}/templates")
    );
    // Booleans are true/false.
    assert_eq!(
        url(
            "contactProperties.list",
            json!({"includeReservedFields": false})
        ),
        format!("{BASE}/contact-properties?includeReservedFields=false")
    );
    // Arrays are comma-joined, each item percent-encoded (commas inside items too), unicode
    // as UTF-8.
    assert_eq!(
        url(
            "automations.list",
            json!({"tags": ["a b", "c,d", "é€", null, ""]})
        ),
        format!("{BASE}/automations?tags=a%20b,c%2Cd,%C3%A9%E2%82%AC")
    );
    assert_eq!(
        url("automations.list", json!({"tags": "solo"})),
        format!("{BASE}/automations?tags=solo")
    );
    assert_eq!(
        url("automations.list", json!({"tags": []})),
        format!("{BASE}/automations")
    );
    // Unicode and reserved characters in strings.
    assert_eq!(
        url(
            "templates.search",
            json!({"query": "Grüße & co/x?", "page": 2})
        ),
        format!("{BASE}/templates/search?query=Gr%C3%BC%C3%9Fe%20%26%20co%2Fx%3F&page=2")
    );
    // A string parameter documented as "true"/"false" also takes a boolean.
    assert_eq!(
        url("campaigns.list", json!({"includeCounts": true})),
        format!("{BASE}/campaigns?includeCounts=true")
    );
    // A whole float is an integer.
    assert_eq!(
        url("templates.list", json!({"limit": 7.0})),
        format!("{BASE}/templates?limit=7")
    );
}

#[test]
fn query_checks_name_the_parameter() {
    for (params, field) in [
        (json!({"limit": 0}), "limit"),
        (json!({"limit": 101}), "limit"),
        (json!({"limit": 2.5}), "limit"),
        (json!({"limit": "5"}), "limit"),
        (json!({"templateType": "weekly"}), "templateType"),
        (json!({"templateType": 3}), "templateType"),
        (json!({"limitt": 5}), "limitt"),
    ] {
        let (kind, f, msg) = refused("templates.list", params.clone());
        assert_eq!(kind, ErrorKind::Validation, "{params}");
        assert_eq!(f, field, "{params}: {msg}");
    }
    let (_, f, _) = refused(
        "contactProperties.list",
        json!({"includeReservedFields": "no"}),
    );
    assert_eq!(f, "includeReservedFields");
    let (_, f, _) = refused("automations.list", json!({"tags": ["ok", {"x": 1}]}));
    assert_eq!(f, "tags[1]");
}

#[test]
fn two_path_params_and_no_body_on_get() {
    let r = build("inbound.attachment", json!({"id": "m/1", "idx": 0})).unwrap();
    assert_eq!(
        r.url,
        format!("{BASE}/inbound/messages/m%2F1/attachments/0")
    );
    assert_eq!(r.method.as_str(), "GET");
    assert!(r.body.is_none());
    assert!(r.header("content-type").is_none());
    let (_, f, _) = refused("inbound.attachment", json!({"id": "m1"}));
    assert_eq!(f, "idx");
}

#[test]
fn put_and_patch_carry_bodies() {
    let r = build(
        "templates.update",
        json!({"templateId": "A-abc", "subject": "New subject"}),
    )
    .unwrap();
    assert_eq!(r.method.as_str(), "PUT");
    assert_eq!(r.url, format!("{BASE}/templates/A-abc"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    let body: Value = serde_json::from_slice(r.body.as_ref().unwrap()).unwrap();
    assert_eq!(body, json!({"subject": "New subject"}));

    let r = build(
        "templates.updatePreviewText",
        json!({"templateId": "A-abc", "previewText": "Hi"}),
    )
    .unwrap();
    assert_eq!(r.method.as_str(), "PATCH");
    assert_eq!(r.url, format!("{BASE}/templates/A-abc/preview-text"));
    let body: Value = serde_json::from_slice(r.body.as_ref().unwrap()).unwrap();
    assert_eq!(body, json!({"previewText": "Hi"}));

    let r = build(
        "campaigns.update",
        json!({"campaignId": "c1", "name": "Spring"}),
    )
    .unwrap();
    assert_eq!(r.method.as_str(), "PATCH");
    // Unknown fields are refused on updates too.
    let (_, f, _) = refused("campaigns.update", json!({"campaignId": "c1", "nmae": "x"}));
    assert_eq!(f, "nmae");
    // DELETE has no body.
    let r = build("templates.delete", json!({"templateId": "A-abc"})).unwrap();
    assert_eq!(r.method.as_str(), "DELETE");
    assert!(r.body.is_none());
}

#[test]
fn project_key_scope_refuses_account_keys() {
    let acct = config("ASA_acct456", Some("665f1c2ab3d4e5f6a7b8c9d0"));
    for id in [
        "webhooks.list",
        "events.list",
        "automations.list",
        "inbound.list",
    ] {
        let e = build_request(&acct, id, json!({})).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::KeyScope, "{id}");
        assert!(e.message().contains("project key (AS_)"), "{}", e.message());
        assert!(!e.message().contains("acct456"));
    }
    let r = build("webhooks.list", json!({})).unwrap();
    assert_eq!(r.header("authorization"), Some("Bearer AS_test123"));
    assert!(r.header("x-project-id").is_none());
}

#[test]
fn scope_none_sends_no_key() {
    for cfg in [
        config("ASA_acct456", Some("665f1c2ab3d4e5f6a7b8c9d0")),
        config("AS_test123", None),
        config("ASA_acct456", None),
    ] {
        let (_, r) = build_request(&cfg, "jwks.get", json!({})).unwrap();
        assert_eq!(r.url, format!("{BASE}/jwks.json"));
        assert!(r.header("authorization").is_none(), "{r:?}");
        assert!(r.header("x-project-id").is_none(), "{r:?}");
        assert_eq!(r.header("accept"), Some("application/json"));
    }
}

/// One attempt of `id` answered with `status`, `headers` and `body`: whether the call reads
/// the answer as bytes (the request sent says the same), and the outcome.
fn one_attempt(
    id: &str,
    params: Value,
    status: u16,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (bool, Result<ApiResponse, Error>) {
    let cfg = config("AS_test123", None);
    let (call, req, r) = common::one_attempt(&cfg, id, params, status, headers, body);
    assert_eq!(req.expects_bytes, call.expects_bytes());
    (call.expects_bytes(), r)
}

#[test]
fn binary_answers() {
    let r = build(
        "inbound.attachment",
        json!({"id": "m1", "idx": "att_1", "download": true}),
    )
    .unwrap();
    assert!(r.expects_bytes);
    assert!(
        r.url
            .ends_with("/inbound/messages/m1/attachments/att_1?download=true"),
        "{}",
        r.url
    );
    assert_eq!(r.header("accept"), Some("*/*"));

    let pdf = b"%PDF-1.7\x00\xff binary";
    let (bytes, res) = one_attempt(
        "inbound.attachment",
        json!({"id": "m1", "idx": 0, "download": true}),
        200,
        &[
            ("Content-Type", "application/pdf"),
            (
                "Content-Disposition",
                "attachment; filename=\"invoice.pdf\"",
            ),
        ],
        pdf,
    );
    assert!(bytes);
    let resp = res.unwrap();
    assert_eq!(resp.bytes.as_deref(), Some(&pdf[..]));
    assert_eq!(resp.content_type.as_deref(), Some("application/pdf"));
    assert_eq!(resp.filename.as_deref(), Some("invoice.pdf"));
    assert_eq!(resp.data, Value::Null);
    assert!(resp.is_binary());
    assert_eq!(resp.describe()["size"], pdf.len());
    assert!(
        !format!("{resp:?}").contains("PDF"),
        "Debug shows the length, not the bytes"
    );

    // Without the flag the same endpoint answers JSON.
    let (bytes, res) = one_attempt(
        "inbound.attachment",
        json!({"id": "m1", "idx": 0, "download": false}),
        200,
        &[],
        br#"{"success":true,"data":{"attachmentId":"att_1","downloadUrl":"https://x"}}"#,
    );
    assert!(!bytes);
    let resp = res.unwrap();
    assert_eq!(resp.data["attachmentId"], "att_1");
    assert!(resp.bytes.is_none());
    // An error answer to a download is still an error.
    let (_, res) = one_attempt(
        "inbound.attachment",
        json!({"id": "m1", "idx": 9, "download": true}),
        404,
        &[],
        br#"{"success":false,"error":{"message":"Attachment not found","code":"ATTACHMENT_NOT_FOUND"}}"#,
    );
    let e = res.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(e.api_code(), Some("ATTACHMENT_NOT_FOUND"));
}

#[test]
fn accepted_and_message_answers() {
    let reply =
        json!({"id": "m1", "from": {"email": "support@mail.example.com"}, "text": "Thanks!"});
    // 202 with an empty body is success, data {}.
    let (_, res) = one_attempt("inbound.reply", reply.clone(), 202, &[], b"");
    let resp = res.unwrap();
    assert_eq!(resp.status, 202);
    assert_eq!(resp.data, json!({}));
    assert_eq!(resp.message, None);
    // 202 with the documented envelope keeps data and message.
    let (_, res) = one_attempt(
        "inbound.reply",
        reply,
        202,
        &[],
        br#"{"success":true,"message":"Reply queued","data":{"emailId":"e1","status":"QUEUED"}}"#,
    );
    let resp = res.unwrap();
    assert_eq!(resp.data["emailId"], "e1");
    assert_eq!(resp.message.as_deref(), Some("Reply queued"));
    // A message-only answer: data is the envelope without success; message is kept.
    let (_, res) = one_attempt(
        "templates.delete",
        json!({"templateId": "A-1"}),
        200,
        &[],
        br#"{"success":true,"message":"Template deleted"}"#,
    );
    let resp = res.unwrap();
    assert_eq!(resp.message.as_deref(), Some("Template deleted"));
    assert_eq!(resp.data, json!({"message": "Template deleted"}));
}

#[test]
fn describe_catalog_for_bindings() {
    let all = autosend::describe_catalog();
    let find = |id: &str| {
        all.as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == id)
            .cloned()
            .unwrap()
    };
    let a = find("inbound.attachment");
    assert_eq!(a["response"], "binary");
    assert_eq!(a["binary_flag"], "download");
    assert_eq!(a["path_params"], json!(["id", "idx"]));
    assert_eq!(a["scope"], "project_key");
    let t = find("templates.search");
    assert_eq!(t["pagination"]["style"], "nested");
    assert_eq!(t["pagination"]["in"], "query");
    let limit = t["query_params"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["name"] == "limit")
        .unwrap();
    assert_eq!(limit["type"], "integer");
    assert_eq!(limit["min"], 1.0);
    assert_eq!(limit["max"], 100.0);
    assert_eq!(find("jwks.get")["scope"], "none");
    assert_eq!(find("projects.create")["scope"], "account_no_project");
    assert_eq!(find("contacts.delete")["response"], "message");
    let tags = find("automations.list")["query_params"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["name"] == "tags")
        .cloned()
        .unwrap();
    assert_eq!(tags["type"], "array");
    assert_eq!(tags["items"], "string");
}

#[test]
fn send_body_paths_and_patterns() {
    let send = |extra: Value| {
        let mut p = json!({"from": {"email": "hello@mail.example.com"}, "to": {"email": "ada@example.com"},
                           "subject": "Hi", "html": "<p>Hi</p>"});
        for (k, v) in extra.as_object().unwrap() {
            p[k] = v.clone();
        }
        p
    };
    // A display name with a line break is refused by the description's pattern.
    let (_, f, msg) = refused(
        "emails.send",
        send(json!({"to": {"email": "ada@example.com", "name": "A\r\nBcc: x"}})),
    );
    assert_eq!(f, "to.name", "{msg}");
    // Unknown fields deep down are named with their full path.
    let (_, f, _) = refused(
        "emails.bulk",
        json!({"from": {"email": "hello@mail.example.com"}, "subject": "Hi", "html": "x",
               "recipients": [{"email": "r@example.com", "cc": [{"email": "c@example.com", "nmae": "x"}]}]}),
    );
    assert_eq!(f, "recipients[0].cc[0].nmae");
    // A null optional field is dropped from the body, not sent.
    let r = build(
        "emails.send",
        send(json!({"cc": null, "trackingOpen": null})),
    )
    .unwrap();
    let body: Value = serde_json::from_slice(r.body.as_ref().unwrap()).unwrap();
    assert!(
        body.get("cc").is_none() && body.get("trackingOpen").is_none(),
        "{body}"
    );
    // Several problems: the first is named, all are in details, each once.
    let e = build(
        "emails.send",
        send(json!({"to": {"email": "bad"}, "headers": {"X-A": "v".repeat(1001)}})),
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("to.email"));
    let fields: Vec<&str> = e.details().iter().map(|d| d.field.as_str()).collect();
    assert_eq!(fields, ["to.email", "headers.X-A"]);
}

#[test]
fn every_endpoint_builds_or_names_what_is_missing() {
    let project = config("AS_test123", None);
    let account = config("ASA_acct456", Some("665f1c2ab3d4e5f6a7b8c9d0"));
    for ep in CATALOG {
        let mut params = serde_json::Map::new();
        for p in ep.path_params {
            params.insert(p.to_string(), json!("x 1/é"));
        }
        let cfg = match ep.scope.name() {
            "account" | "account_no_project" => &account,
            _ => &project,
        };
        match build_request(cfg, ep.id, Value::Object(params.clone())) {
            Ok((_, r)) => {
                assert_eq!(r.method, ep.method, "{}", ep.id);
                assert!(
                    !r.url.contains('{') && !r.url.contains(' '),
                    "{}: {}",
                    ep.id,
                    r.url
                );
                assert_eq!(
                    r.body.is_some(),
                    r.header("content-type").is_some(),
                    "{}",
                    ep.id
                );
                if ep.body.is_none() {
                    assert!(r.body.is_none(), "{}", ep.id);
                }
            }
            Err(e) => {
                // Only a body with required fields may be refused, naming one of them.
                assert_eq!(e.kind(), ErrorKind::Validation, "{}: {e}", ep.id);
                assert!(ep.body.is_some(), "{}: {e}", ep.id);
            }
        }
        // A key of the wrong kind is refused before anything else.
        let wrong = match ep.scope.name() {
            "account" | "account_no_project" => Some(&project),
            "project_key" => Some(&account),
            _ => None,
        };
        if let Some(cfg) = wrong {
            let e = build_request(cfg, ep.id, Value::Object(params)).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::KeyScope, "{}", ep.id);
        }
    }
}
