//! The typed API end to end against the in-process sandbox: realistic flows through
//! `client.<resource>().<method>(&params)`, the raw answer through `*_with_response`, binary
//! downloads, and what the typed layer adds (strict params, lenient results).

mod common;

use autosend::models::*;
use autosend::ErrorKind;
use common::Sandbox;
use serde_json::json;

fn map(v: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    v.as_object().unwrap().clone()
}

#[test]
fn create_a_template_send_with_it_and_read_the_status() {
    let sb = Sandbox::fast();
    let c = sb.project_client();

    let mut p = TemplatesCreateParams::new("Welcome", "Hi {{firstName}}");
    p.email_template = Some("<p>Hi {{firstName}}</p>".into());
    p.template_type = Some(TemplateType::Transactional);
    p.dynamic_variables = Some(map(json!({"firstName": "string"})));
    let created = c.templates().create_with_response(&p).unwrap();
    let t = &created.data;
    assert!(t.template_id.starts_with("A-"), "{t:?}");
    assert_eq!(t.template_name, "Welcome");
    assert!(created.request_id().is_some());
    assert_eq!(created.status(), 200);

    let got = c
        .templates()
        .get(&TemplatesGetParams::new(&t.template_id))
        .unwrap();
    assert_eq!(got.subject, "Hi {{firstName}}");
    let listed = c.templates().list(&TemplatesListParams::default()).unwrap();
    assert!(listed
        .templates
        .iter()
        .any(|x| x.template_id == t.template_id));

    let mut send = EmailsSendParams::new(
        Address::new("ada@example.com"),
        Address::new("hello@mail.example.com"),
    );
    send.template_id = Some(t.template_id.clone());
    send.dynamic_data = Some(map(json!({"firstName": "Ada"})));
    let sent = c.emails().send(&send).unwrap();
    assert!(!sent.email_id.is_empty());
    let stored = sb.admin_get("/_sandbox/messages");
    let m = stored
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == sent.email_id.as_str())
        .expect("the sandbox stored the mail");
    assert_eq!(m["templateId"], t.template_id.as_str());

    let status = c
        .emails()
        .status(&EmailsStatusParams::new(&sent.email_id))
        .unwrap();
    assert_eq!(status.id, sent.email_id);
    assert!(!status.status.is_empty());
}

#[test]
fn campaign_state_machine_pause_resume_abort() {
    let sb = Sandbox::fast();
    let c = sb.project_client();
    let mut p = CampaignsCreateParams::new("Spring sale", "20% off");
    p.html_template = Some("<p>Sale</p>".into());
    let camp = c.campaigns().create(&p).unwrap();
    assert_eq!(camp.status, "draft");
    let id = CampaignsPauseParams::new(&camp.id);

    // A draft is not sending: the sandbox refuses to pause it (nothing retried).
    let e = c.campaigns().pause(&id).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ApiValidation, "{e}");
    assert_eq!(e.status(), Some(400));

    let mut start = CampaignsUpdateParams::new(&camp.id);
    start.send_now = Some(true);
    let started = c.campaigns().update(&start).unwrap();
    assert_eq!(started.status, "sending");

    let paused = c.campaigns().pause(&id).unwrap();
    assert_eq!(paused.status, "paused");
    let resumed = c
        .campaigns()
        .resume_with_response(&CampaignsResumeParams::new(&camp.id))
        .unwrap();
    assert_eq!(resumed.data.status, "sending");
    let aborted = c
        .campaigns()
        .abort(&CampaignsAbortParams::new(&camp.id))
        .unwrap();
    assert_eq!(aborted.status, "aborted");
    // Aborted is final.
    let e = c
        .campaigns()
        .resume(&CampaignsResumeParams::new(&camp.id))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ApiValidation, "{e}");
    let got = c
        .campaigns()
        .get(&CampaignsGetParams::new(&camp.id))
        .unwrap();
    assert_eq!(got.status, "aborted");

    // A draft can be deleted: the answer is a message.
    let draft = c.campaigns().create(&p).unwrap();
    let deleted = c
        .campaigns()
        .delete_with_response(&CampaignsDeleteParams::new(&draft.id))
        .unwrap();
    assert!(deleted.data.success);
    assert!(!deleted.data.message.is_empty(), "{:?}", deleted.raw);
    let e = c
        .campaigns()
        .get(&CampaignsGetParams::new(&draft.id))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
}

#[test]
fn add_a_domain_and_verify_it() {
    let sb = Sandbox::fast();
    let c = sb.project_client();
    let d = c
        .domains()
        .create(&DomainsCreateParams::new("news.example.com"))
        .unwrap();
    assert_eq!(d.domain_name, "news.example.com");
    assert!(!d.id.is_empty());
    let v = c
        .domains()
        .verify(&DomainsVerifyParams::new(&d.id))
        .unwrap();
    assert_eq!(v.verification_status, "VERIFIED");
    let got = c.domains().get(&DomainsGetParams::new(&d.id)).unwrap();
    assert!(got.ownership_verified);
    assert!(c
        .domains()
        .list()
        .unwrap()
        .domains
        .iter()
        .any(|x| x.id == d.id));
}

#[test]
fn list_inbound_download_an_attachment_and_reply() {
    let sb = Sandbox::fast();
    let c = sb.project_client();
    let page = c.inbound().list(&InboundListParams::default()).unwrap();
    let msg = page
        .items
        .iter()
        .find(|m| m.attachment_count > 0)
        .expect("the sandbox seeds a message with attachments")
        .clone();
    let full = c.inbound().get(&InboundGetParams::new(&msg.id)).unwrap();
    let att = &full.attachments[0];
    assert_eq!(att.filename, "bytes.bin");

    // The JSON answer: a link to the file.
    let link = c
        .inbound()
        .attachment(&InboundAttachmentParams::new(&msg.id, "0"))
        .unwrap();
    assert!(link.download_url.starts_with("https://"), "{link:?}");

    // The file itself: every byte value survives, with its type and name.
    let file = c
        .inbound()
        .attachment_bytes_with_response(&InboundAttachmentParams::new(&msg.id, "0"))
        .unwrap();
    assert_eq!(file.data.bytes, (0..=255u8).collect::<Vec<_>>());
    assert_eq!(
        file.data.content_type.as_deref(),
        Some("application/octet-stream")
    );
    assert_eq!(file.data.filename.as_deref(), Some("bytes.bin"));
    assert!(file.request_id().is_some());

    let mut reply = InboundReplyParams::new(
        &msg.id,
        InboundReplyFrom::new(format!("support@{}", full.domain_name)),
    );
    reply.text = Some("It ships tomorrow.".into());
    let r = c.inbound().reply_with_response(&reply).unwrap();
    assert_eq!(r.status(), 202);
    assert!(!r.data.email_id.is_empty());
}

#[test]
fn project_key_endpoints_refuse_an_account_key_before_sending() {
    let sb = Sandbox::fast();
    let c = sb.account_client();
    let e = c.inbound().list(&InboundListParams::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::KeyScope, "{e}");
    let e = c.webhooks().available_events().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::KeyScope, "{e}");
    assert_eq!(
        sb.admin_get("/_sandbox/stats")["requests_received"],
        0,
        "nothing may be sent"
    );
    // The same account key works for project endpoints.
    c.contact_lists()
        .list(&ContactListsListParams::default())
        .unwrap();
}

#[test]
fn async_client_has_the_same_namespaces() {
    let sb = Sandbox::fast();
    let c = autosend_http::Client::new(sb.options(&sb.project_key(), None), sb.tls()).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // The futures can be spawned on a multi-threaded runtime.
    fn assert_send<T: Send>(_: &T) {}
    let listing = ContactPropertiesListParams::default();
    assert_send(&c.contact_properties().list(&listing));
    assert_send(
        &c.inbound()
            .attachment_bytes(&InboundAttachmentParams::new("m", "0")),
    );
    rt.block_on(async {
        let p = ContactPropertiesCreateParams::new("plan", PropertyType::String);
        let created = c.contact_properties().create(&p).await.unwrap();
        assert_eq!(created.name, "plan");
        let all = c
            .contact_properties()
            .list(&ContactPropertiesListParams::default())
            .await
            .unwrap();
        assert!(
            all.contact_properties.iter().any(|x| x.name == "plan"),
            "{all:?}"
        );
    });
}

#[test]
fn params_are_strict_and_results_lenient() {
    // Params: wire names, optional fields left out, misspelled fields refused.
    let mut p = TemplatesUpdateParams::new("A-1");
    p.preview_text = Some("Peek".into());
    assert_eq!(
        serde_json::to_value(&p).unwrap(),
        json!({"templateId": "A-1", "previewText": "Peek"})
    );
    let e = serde_json::from_value::<EmailsSendParams>(json!({
        "to": {"email": "a@example.com"}, "from": {"email": "b@example.com"}, "bbc": []
    }))
    .unwrap_err();
    assert!(e.to_string().contains("bbc"), "{e}");
    assert_eq!(
        serde_json::to_value(CampaignsCreateParams {
            gradual_strategy: Some(GradualStrategy::X1p25),
            ..CampaignsCreateParams::new("n", "s")
        })
        .unwrap()["gradualStrategy"],
        "1.25x"
    );
    // Results: unknown fields ignored, null and missing read as defaults.
    let t: Template = serde_json::from_value(json!({
        "templateId": "A-1", "templateName": null, "brandNewField": {"x": 1}
    }))
    .unwrap();
    assert_eq!(t.template_id, "A-1");
    assert_eq!(t.template_name, "");
    assert!(t.sender.is_none());
    // An enum value added by AutoSend later still reads (and is sent back as is).
    let a: Automation = serde_json::from_value(json!({
        "id": "w1", "entryCriteria": {"type": "contact_birthday"}
    }))
    .unwrap();
    let entry = a.entry_criteria.unwrap();
    assert_eq!(
        entry.type_,
        Some(AutomationEntryCriteriaType::Other(
            "contact_birthday".into()
        ))
    );
    assert_eq!(
        serde_json::to_value(&entry).unwrap()["type"],
        "contact_birthday"
    );
    assert_eq!(
        serde_json::from_value::<AutomationEntryCriteriaType>(json!("event_trigger")).unwrap(),
        AutomationEntryCriteriaType::EventTrigger
    );
}

#[test]
fn all_pages_are_fetched_one_after_the_other() {
    let sb = Sandbox::fast();
    let c = sb.project_client();
    for i in 0..3 {
        c.templates()
            .create(&TemplatesCreateParams::new(format!("Paged {i}"), "Hi"))
            .unwrap();
    }
    // Nested page metadata (`data.pagination`), one template per page.
    let params = TemplatesSearchParams {
        limit: Some(1),
        query: Some("Paged".into()),
        ..Default::default()
    };
    let all = c.templates().search_all(&params).unwrap();
    let mut names: Vec<_> = all.iter().map(|t| t.template_name.clone()).collect();
    names.sort();
    assert_eq!(names, ["Paged 0", "Paged 1", "Paged 2"]);
    assert_eq!(sb.processed("templates.search"), 3, "one call per page");
    // Starting at a later page skips the earlier ones.
    let rest = c
        .templates()
        .search_all(&TemplatesSearchParams {
            page: Some(2),
            ..params.clone()
        })
        .unwrap();
    assert_eq!(rest.len(), 2);

    // Flat page metadata (`data{page, totalPages}`).
    for i in 0..2 {
        let w = WebhooksCreateParams::new(
            format!("https://hooks.example.com/{i}"),
            vec!["email.delivered".to_string()],
        );
        c.webhooks().create(&w).unwrap();
    }
    let hooks = c
        .webhooks()
        .list_all(&WebhooksListParams {
            limit: Some(1),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(hooks.len(), 2);
    assert_eq!(sb.processed("webhooks.list"), 2);
}
