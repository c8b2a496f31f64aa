//! TEMPORARY, HAND-WRITTEN route table.
//!
//! This file will be replaced by `sandbox/src/routes_gen.rs` generated from `api/openapi.json`
//! (same shape: [`RouteSpec`] and [`ROUTES`]). Until then it lists all 93 endpoint ids of
//! `api/CONVENTIONS.md` with their paths and scopes and a hand-written compact JSON Schema
//! for each request body (written from `autosend-api.md` §2). Keep the shape exactly.

/// One endpoint: id, method, path (relative to `/v1`), scope, query parameter names and the
/// compact JSON Schema of the request body (`$ref`s resolved).
#[derive(Debug, Clone, Copy)]
pub struct RouteSpec {
    /// Endpoint id (`templates.create`).
    pub id: &'static str,
    /// HTTP method (upper case).
    pub method: &'static str,
    /// Path template relative to the `/v1` base, with `{param}` segments.
    pub path: &'static str,
    /// `project`, `project_key`, `account`, `account_no_project` or `none`.
    pub scope: &'static str,
    /// Documented query parameter names.
    pub query: &'static [&'static str],
    /// Compact JSON Schema of the request body, when the endpoint takes one.
    pub body_schema: Option<&'static str>,
}

macro_rules! s {
    () => {
        r#"{"type":"string"}"#
    };
}
macro_rules! sn {
    () => {
        r#"{"type":["string","null"]}"#
    };
}
macro_rules! b {
    () => {
        r#"{"type":"boolean"}"#
    };
}
macro_rules! obj_free {
    () => {
        r#"{"type":"object","additionalProperties":true}"#
    };
}
macro_rules! strs {
    () => {
        r#"{"type":"array","items":{"type":"string"}}"#
    };
}
macro_rules! addr {
    () => {
        r#"{"type":"object","properties":{"email":{"type":"string","minLength":1},"name":{"type":["string","null"]}},"required":["email"],"additionalProperties":false}"#
    };
}
macro_rules! addr_dyn {
    () => {
        r#"{"type":"object","properties":{"email":{"type":"string","minLength":1},"name":{"type":["string","null"]},"dynamicData":{"type":"object","additionalProperties":true}},"required":["email"],"additionalProperties":false}"#
    };
}
macro_rules! attachment {
    () => {
        r#"{"type":"object","properties":{"fileName":{"type":"string","minLength":1},"content":{"type":"string"},"fileUrl":{"type":"string"},"contentType":{"type":"string"},"fileSize":{"type":"integer","minimum":0},"contentId":{"type":"string"},"description":{"type":"string"}},"required":["fileName"],"additionalProperties":false}"#
    };
}
macro_rules! filter_criteria {
    () => {
        r#"{"type":"object","properties":{"logicalOperator":{"type":"string","enum":["AND","OR"]},"groups":{"type":"array","items":{"type":"object","properties":{"id":{"type":"string"},"field":{"type":"string","minLength":1},"fieldType":{"type":"string","enum":["string","number","boolean","date"]},"operator":{"type":"string","minLength":1},"value":{}},"required":["field","operator"],"additionalProperties":false}}},"required":["groups"],"additionalProperties":false}"#
    };
}
macro_rules! regions {
    () => {
        r#"{"type":"string","enum":["us-east-1","us-east-2","ap-south-1","eu-central-1"]}"#
    };
}

macro_rules! send_common {
    () => {
        concat!(
            r#""from":"#,
            addr_dyn!(),
            r#","subject":{"type":"string","maxLength":998},"html":"#,
            s!(),
            r#","text":"#,
            s!(),
            r#","templateId":"#,
            s!(),
            r#","dynamicData":"#,
            obj_free!(),
            r#","replyTo":"#,
            addr_dyn!(),
            r#","unsubscribeGroupId":"#,
            s!(),
            r#","trackingClick":"#,
            b!(),
            r#","trackingOpen":"#,
            b!(),
            r#","headers":{"type":"object","additionalProperties":{"type":"string"}}"#,
        )
    };
}

const SEND: &str = concat!(
    r#"{"type":"object","properties":{"to":"#,
    addr!(),
    ",",
    send_common!(),
    r#","cc":{"type":"array","items":"#,
    addr!(),
    r#"},"bcc":{"type":"array","items":"#,
    addr!(),
    r#"},"attachments":{"type":"array","maxItems":20,"items":"#,
    attachment!(),
    r#"},"bypassSuppressions":"#,
    b!(),
    r#"},"required":["to","from"],"additionalProperties":false}"#
);

const BULK: &str = concat!(
    r#"{"type":"object","properties":{"recipients":{"type":"array","minItems":1,"maxItems":100,"items":{"type":"object","properties":{"email":{"type":"string","minLength":1},"name":{"type":["string","null"]},"dynamicData":{"type":"object","additionalProperties":true},"cc":{"type":"array","items":"#,
    addr!(),
    r#"},"bcc":{"type":"array","items":"#,
    addr!(),
    r#"}},"required":["email"],"additionalProperties":false}},"#,
    send_common!(),
    r#","bypassSuppressions":"#,
    b!(),
    r#"},"required":["recipients","from"],"additionalProperties":false}"#
);

const CONTACT_CREATE: &str = concat!(
    r#"{"type":"object","properties":{"email":{"type":"string","minLength":1},"firstName":"#,
    sn!(),
    r#","lastName":"#,
    sn!(),
    r#","userId":"#,
    sn!(),
    r#","listIds":"#,
    strs!(),
    r#","customFields":"#,
    obj_free!(),
    r#"},"required":["email"],"additionalProperties":false}"#
);
const CONTACT_UPSERT: &str = concat!(
    r#"{"type":"object","properties":{"email":{"type":"string","minLength":1},"firstName":"#,
    sn!(),
    r#","lastName":"#,
    sn!(),
    r#","userId":"#,
    sn!(),
    r#","mobile":"#,
    sn!(),
    r#","listIds":"#,
    strs!(),
    r#","customFields":"#,
    obj_free!(),
    r#"},"required":["email"],"additionalProperties":false}"#
);
const EMAILS_REQ: &str = r#"{"type":"object","properties":{"emails":{"type":"array","minItems":1,"items":{"type":"string"}}},"required":["emails"],"additionalProperties":false}"#;
const CONTACT_BULK: &str = concat!(
    r#"{"type":"object","properties":{"contacts":{"type":"array","minItems":1,"maxItems":100,"items":{"type":"object","properties":{"email":{"type":"string","minLength":1},"firstName":"#,
    sn!(),
    r#","lastName":"#,
    sn!(),
    r#","userId":"#,
    sn!(),
    r#","customFields":"#,
    obj_free!(),
    r#"},"required":["email"],"additionalProperties":false}},"runWorkflow":"#,
    b!(),
    r#"},"required":["contacts"],"additionalProperties":false}"#
);
const PROPERTY_CREATE: &str = r#"{"type":"object","properties":{"name":{"type":"string","minLength":1},"fieldName":{"type":"string","minLength":1},"type":{"type":"string","enum":["string","number","boolean","date"]},"fieldType":{"type":"string","enum":["string","number","boolean","date"]},"description":{"type":"string"},"defaultValue":{"type":"string"}},"additionalProperties":false}"#;
const CUSTOM_FIELD_CREATE: &str = r#"{"type":"object","properties":{"fieldName":{"type":"string","minLength":1},"fieldType":{"type":"string","enum":["string","number","boolean","date"]},"description":{"type":"string"},"defaultValue":{"type":"string"}},"required":["fieldName","fieldType"],"additionalProperties":false}"#;
const TEMPLATE_CREATE: &str = r#"{"type":"object","properties":{"templateName":{"type":"string","minLength":1,"maxLength":90},"subject":{"type":"string","minLength":1,"maxLength":988},"description":{"type":"string","maxLength":140},"previewText":{"type":"string","maxLength":140},"emailTemplate":{"type":"string"},"templateType":{"type":"string","enum":["transactional","marketing"]},"builderType":{"type":"string","enum":["code","visual"]},"dynamicVariables":{"type":"object","additionalProperties":true},"senderId":{"type":"string"}},"required":["templateName","subject"],"additionalProperties":false}"#;
const TEMPLATE_UPDATE: &str = r#"{"type":"object","properties":{"templateName":{"type":"string","minLength":1,"maxLength":90},"subject":{"type":"string","minLength":1,"maxLength":988},"description":{"type":"string","maxLength":140},"previewText":{"type":"string","maxLength":140},"emailTemplate":{"type":"string"},"templateType":{"type":"string","enum":["transactional","marketing"]},"dynamicVariables":{"type":"object","additionalProperties":true},"senderId":{"type":"string"}},"additionalProperties":false}"#;
const PREVIEW_TEXT: &str = r#"{"type":"object","properties":{"previewText":{"type":"string","maxLength":140}},"required":["previewText"],"additionalProperties":false}"#;
const SENDER_CREATE: &str = r#"{"type":"object","properties":{"email":{"type":"string","minLength":1},"name":{"type":"string","maxLength":200},"replyTo":{"type":"string"}},"required":["email"],"additionalProperties":false}"#;
macro_rules! campaign_fields {
    () => {
        concat!(
            r#""name":{"type":"string","minLength":1,"maxLength":200},"subject":{"type":"string","minLength":1,"maxLength":998},"previewText":{"type":"string","maxLength":200},"from":{"type":"object","properties":{"email":{"type":"string","minLength":1},"name":{"type":"string","maxLength":200}},"required":["email"],"additionalProperties":false},"fromSenderId":"#, s!(),
            r#","replyTo":"#, s!(), r#","templateId":"#, s!(), r#","htmlTemplate":"#, s!(),
            r#","toLists":"#, strs!(), r#","excludeLists":"#, strs!(),
            r#","unsubscribeGroupId":"#, s!(), r#","sendNow":"#, b!(), r#","scheduledAt":"#, s!(),
            r#","sendToGlobalList":"#, b!(), r#","publish":"#, b!(), r#","trackingClick":"#, b!(),
            r#","trackingOpen":"#, b!(),
            r#","sendMode":{"type":"string","enum":["immediate","scheduled","gradual"]},"gradualStrategy":{"type":"string","enum":["fixed","1.25x","1.5x","1.75x","2x"]},"dailyBatchSize":{"type":"integer","minimum":1},"timezone":"#, s!(),
        )
    };
}
const CAMPAIGN_CREATE: &str = concat!(
    r#"{"type":"object","properties":{"#,
    campaign_fields!(),
    r#","defaultCampaign":"#,
    b!(),
    r#","builderType":{"type":"string","enum":["code","visual"]}"#,
    r#"},"required":["name","subject"],"additionalProperties":false}"#
);
const CAMPAIGN_UPDATE: &str = concat!(
    r#"{"type":"object","properties":{"#,
    campaign_fields!(),
    r#"},"additionalProperties":false}"#
);
macro_rules! automation_fields {
    () => {
        concat!(
            r#""name":{"type":"string","minLength":1,"maxLength":255},"description":{"type":"string","maxLength":1000},"entryCriteria":{"type":"object","properties":{"type":{"type":"string","enum":["contact_created","contact_added_to_list","contact_property_matches_with","contact_property_changes_from_to","event_trigger"]},"contactListId":"#, s!(),
            r#","eventName":"#, s!(), r#","filterCriteria":"#, obj_free!(),
            r#"},"additionalProperties":false},"exitCriteria":{"type":"object","properties":{"type":{"type":"string","enum":["workflow_complete","entry_criteria_no_longer_met"]}},"additionalProperties":false},"steps":{"type":"array","items":{"type":"object","properties":{"type":{"type":"string","enum":["wait","email","branch"]},"stepId":"#, s!(),
            r#","delay":{"type":"object","properties":{"value":{"type":"integer","minimum":0},"unit":{"type":"string","enum":["minutes","mins","hours","days"]}},"required":["value","unit"],"additionalProperties":false},"email":{"type":"object","properties":{"templateId":"#, s!(),
            r#","htmlTemplate":"#, s!(), r#","subject":"#, s!(), r#","previewText":"#, s!(),
            r#","senderEmail":"#, s!(), r#","senderName":"#, s!(), r#","senderReplyToEmail":"#, s!(),
            r#","senderReplyToName":"#, s!(),
            r#"},"additionalProperties":false},"branches":{"type":"array","items":{"type":"object","properties":{"branchId":"#, s!(),
            r#","triggerType":{"type":"string","enum":["contact_property_matches_with","event_property"]},"filterCriteria":"#, obj_free!(),
            r#","appliesTo":{"type":"string","enum":["branch_entry","all_branch_steps"]},"nextStepId":"#, s!(),
            r#","mergeStepId":"#, s!(),
            r#"},"additionalProperties":false}},"nextStepId":"#, s!(), r#","parentBranchStepId":"#, s!(),
            r#","parentBranchId":"#, s!(), r#","checkExitCriteria":"#, b!(),
            r#"},"required":["type"],"additionalProperties":false}},"tags":"#, strs!(),
            r#","unsubscribeGroupId":"#, s!(), r#","trackingOpen":"#, b!(), r#","trackingClick":"#, b!(),
            r#","active":"#, b!(),
        )
    };
}
const AUTOMATION_CREATE: &str = concat!(
    r#"{"type":"object","properties":{"#,
    automation_fields!(),
    r#"},"required":["name"],"additionalProperties":false}"#
);
const AUTOMATION_UPDATE: &str = concat!(
    r#"{"type":"object","properties":{"#,
    automation_fields!(),
    r#"},"additionalProperties":false}"#
);
macro_rules! event_props {
    () => {
        r#""properties":{"type":"array","maxItems":50,"items":{"type":"object","properties":{"propertyName":{"type":"string","minLength":1,"maxLength":64},"type":{"type":"string","enum":["string","number","date","boolean"]},"description":{"type":["string","null"]},"suggestedValues":{}},"required":["propertyName","type"],"additionalProperties":false}}"#
    };
}
const EVENT_CREATE: &str = concat!(
    r#"{"type":"object","properties":{"eventName":{"type":"string","minLength":1},"description":{"type":["string","null"]},"#,
    event_props!(),
    r#"},"required":["eventName"],"additionalProperties":false}"#
);
const EVENT_UPDATE: &str = concat!(
    r#"{"type":"object","properties":{"description":{"type":["string","null"]},"#,
    event_props!(),
    r#"},"additionalProperties":false}"#
);
const EVENT_SEND: &str = r#"{"type":"object","properties":{"eventName":{"type":"string","minLength":1},"email":{"type":"string"},"contactId":{"type":"string"},"eventProperties":{"type":"object","additionalProperties":true}},"required":["eventName"],"additionalProperties":false}"#;
const DOMAIN_CREATE: &str = concat!(
    r#"{"type":"object","properties":{"domain":{"type":"string","minLength":1,"maxLength":253},"regionKey":"#,
    regions!(),
    r#"},"required":["domain"],"additionalProperties":false}"#
);
const LIST_CREATE: &str = concat!(
    r#"{"type":"object","properties":{"name":{"type":"string","minLength":1,"maxLength":200},"description":{"type":"string","maxLength":500},"type":{"type":"string","enum":["list","segment"]},"filterCriteria":"#,
    filter_criteria!(),
    r#","parentId":"#,
    s!(),
    r#"},"required":["name"],"additionalProperties":false}"#
);
const LIST_SEARCH: &str = r#"{"type":"object","properties":{"contactListId":{"type":"string","minLength":1},"page":{"type":"integer","minimum":1},"limit":{"type":"integer","minimum":1,"maximum":100},"email":{"type":"string"}},"required":["contactListId"],"additionalProperties":false}"#;
const LIST_BULK_ADD: &str = r#"{"type":"object","properties":{"contactListId":{"type":"string","minLength":1},"emails":{"type":"array","maxItems":500,"items":{"type":"string"}},"contactIds":{"type":"array","maxItems":500,"items":{"type":"string"}}},"required":["contactListId"],"additionalProperties":false}"#;
const LIST_REMOVE: &str = r#"{"type":"object","properties":{"emails":{"type":"array","items":{"type":"string"}},"contactIds":{"type":"array","items":{"type":"string"}}},"additionalProperties":false}"#;
const GROUP_CREATE: &str = r#"{"type":"object","properties":{"name":{"type":"string","minLength":1,"maxLength":200},"description":{"type":"string"},"isActive":{"type":"boolean"}},"required":["name"],"additionalProperties":false}"#;
const GROUP_UPDATE: &str = r#"{"type":"object","properties":{"name":{"type":"string","minLength":1,"maxLength":200},"description":{"type":"string"},"isActive":{"type":"boolean"}},"additionalProperties":false}"#;
const ENTRIES_SEARCH: &str = r#"{"type":"object","properties":{"groupId":{"type":"string"},"reason":{"type":"string","enum":["UNSUBSCRIBE","BOUNCE","COMPLAINT","MANUAL"]},"page":{"type":"integer","minimum":1},"limit":{"type":"integer","minimum":1,"maximum":100},"search":{"type":"string"},"startDate":{"type":"string"},"endDate":{"type":"string"},"email":{"type":"string"},"isGlobal":{"type":"boolean"}},"additionalProperties":false}"#;
const SUPPRESS: &str = r#"{"type":"object","properties":{"emails":{"type":"array","minItems":1,"items":{"type":"string"}},"groupId":{"type":"string"},"reason":{"type":"string","enum":["UNSUBSCRIBE","BOUNCE","COMPLAINT","MANUAL"]},"isGlobal":{"type":"boolean"}},"required":["emails"],"additionalProperties":false}"#;
const UNSUPPRESS: &str = r#"{"type":"object","properties":{"emails":{"type":"array","minItems":1,"items":{"type":"string"}},"groupId":{"type":"string"},"isGlobal":{"type":"boolean"}},"required":["emails"],"additionalProperties":false}"#;
const PROJECT_CREATE: &str = concat!(
    r#"{"type":"object","properties":{"name":{"type":"string","minLength":1,"maxLength":100},"domain":{"type":["string","null"]},"regionKey":"#,
    regions!(),
    r#"},"required":["name"],"additionalProperties":false}"#
);
const WEBHOOK_CREATE: &str = r#"{"type":"object","properties":{"url":{"type":"string","minLength":1},"events":{"type":"array","minItems":1,"items":{"type":"string"}}},"required":["url","events"],"additionalProperties":false}"#;
const WEBHOOK_UPDATE: &str = r#"{"type":"object","properties":{"url":{"type":"string","minLength":1},"events":{"type":"array","minItems":1,"items":{"type":"string"}},"isActive":{"type":"boolean"}},"additionalProperties":false}"#;
const WEBHOOK_RESEND: &str = r#"{"type":"object","properties":{"event":{"type":"string","minLength":1},"data":{"type":"object","additionalProperties":true}},"required":["event","data"],"additionalProperties":false}"#;
const INBOUND_REPLY: &str = concat!(
    r#"{"type":"object","properties":{"from":{"type":"object","properties":{"email":{"type":"string","minLength":1},"name":{"type":"string","maxLength":256}},"required":["email"],"additionalProperties":false},"subject":{"type":"string","minLength":1,"maxLength":998},"html":"#,
    s!(),
    r#","text":"#,
    s!(),
    r#","cc":{"type":"array","maxItems":50,"items":"#,
    addr!(),
    r#"},"bcc":{"type":"array","maxItems":50,"items":"#,
    addr!(),
    r#"},"attachments":{"type":"array","maxItems":20,"items":"#,
    attachment!(),
    r#"}},"required":["from"],"additionalProperties":false}"#
);

const fn r(
    id: &'static str,
    method: &'static str,
    path: &'static str,
    scope: &'static str,
    query: &'static [&'static str],
    body_schema: Option<&'static str>,
) -> RouteSpec {
    RouteSpec {
        id,
        method,
        path,
        scope,
        query,
        body_schema,
    }
}

const P: &str = "project";
const PK: &str = "project_key";
const PAGE: &[&str] = &["page", "limit"];

/// Every endpoint of the API (93).
pub static ROUTES: &[RouteSpec] = &[
    r("emails.send", "POST", "/mails/send", P, &[], Some(SEND)),
    r("emails.bulk", "POST", "/mails/bulk", P, &[], Some(BULK)),
    r("emails.status", "GET", "/mails/{id}/status", P, &[], None),
    r(
        "contacts.create",
        "POST",
        "/contacts",
        P,
        &[],
        Some(CONTACT_CREATE),
    ),
    r(
        "contacts.upsert",
        "POST",
        "/contacts/email",
        P,
        &[],
        Some(CONTACT_UPSERT),
    ),
    r("contacts.get", "GET", "/contacts/{id}", P, &[], None),
    r("contacts.delete", "DELETE", "/contacts/{id}", P, &[], None),
    r(
        "contacts.deleteByUserId",
        "DELETE",
        "/contacts/email/userId/{userId}",
        P,
        &[],
        None,
    ),
    r(
        "contacts.remove",
        "POST",
        "/contacts/remove",
        P,
        &[],
        Some(EMAILS_REQ),
    ),
    r(
        "contacts.searchByEmails",
        "POST",
        "/contacts/search/emails",
        P,
        &[],
        Some(EMAILS_REQ),
    ),
    r(
        "contacts.bulkUpdate",
        "POST",
        "/contacts/bulk-update",
        P,
        &[],
        Some(CONTACT_BULK),
    ),
    r(
        "contacts.unsubscribeGroups",
        "GET",
        "/contacts/{id}/unsubscribe-groups",
        P,
        &[],
        None,
    ),
    r(
        "contactProperties.list",
        "GET",
        "/contact-properties",
        P,
        &["includeReservedFields"],
        None,
    ),
    r(
        "contactProperties.get",
        "GET",
        "/contact-properties/name/{propertyName}",
        P,
        &[],
        None,
    ),
    r(
        "contactProperties.create",
        "POST",
        "/contact-properties",
        P,
        &[],
        Some(PROPERTY_CREATE),
    ),
    r(
        "contactProperties.delete",
        "DELETE",
        "/contact-properties/name/{propertyName}",
        P,
        &[],
        None,
    ),
    r(
        "customFields.list",
        "GET",
        "/custom-fields",
        P,
        &["includeReservedFields"],
        None,
    ),
    r(
        "customFields.get",
        "GET",
        "/custom-fields/fieldName/{customFieldName}",
        P,
        &[],
        None,
    ),
    r(
        "customFields.create",
        "POST",
        "/custom-fields",
        P,
        &[],
        Some(CUSTOM_FIELD_CREATE),
    ),
    r(
        "customFields.delete",
        "DELETE",
        "/custom-fields/fieldName/{customFieldName}",
        P,
        &[],
        None,
    ),
    r(
        "templates.list",
        "GET",
        "/templates",
        P,
        &["templateType", "limit"],
        None,
    ),
    r(
        "templates.search",
        "GET",
        "/templates/search",
        P,
        &[
            "query",
            "templateType",
            "templateName",
            "subject",
            "templateId",
            "page",
            "limit",
            "sortBy",
        ],
        None,
    ),
    r(
        "templates.get",
        "GET",
        "/templates/{templateId}",
        P,
        &[],
        None,
    ),
    r(
        "templates.create",
        "POST",
        "/templates",
        P,
        &[],
        Some(TEMPLATE_CREATE),
    ),
    r(
        "templates.update",
        "PUT",
        "/templates/{templateId}",
        P,
        &[],
        Some(TEMPLATE_UPDATE),
    ),
    r(
        "templates.delete",
        "DELETE",
        "/templates/{templateId}",
        P,
        &[],
        None,
    ),
    r(
        "templates.updatePreviewText",
        "PATCH",
        "/templates/{templateId}/preview-text",
        P,
        &[],
        Some(PREVIEW_TEXT),
    ),
    r("senders.list", "GET", "/senders", P, &[], None),
    r("senders.get", "GET", "/senders/{senderId}", P, &[], None),
    r(
        "senders.create",
        "POST",
        "/senders",
        P,
        &[],
        Some(SENDER_CREATE),
    ),
    r(
        "senders.delete",
        "DELETE",
        "/senders/{senderId}",
        P,
        &[],
        None,
    ),
    r(
        "campaigns.list",
        "GET",
        "/campaigns",
        P,
        &[
            "status",
            "name",
            "page",
            "limit",
            "startDate",
            "endDate",
            "includeCounts",
        ],
        None,
    ),
    r(
        "campaigns.get",
        "GET",
        "/campaigns/{campaignId}",
        P,
        &[],
        None,
    ),
    r(
        "campaigns.create",
        "POST",
        "/campaigns",
        P,
        &[],
        Some(CAMPAIGN_CREATE),
    ),
    r(
        "campaigns.update",
        "PATCH",
        "/campaigns/{campaignId}",
        P,
        &[],
        Some(CAMPAIGN_UPDATE),
    ),
    r(
        "campaigns.pause",
        "POST",
        "/campaigns/{campaignId}/pause",
        P,
        &[],
        None,
    ),
    r(
        "campaigns.resume",
        "POST",
        "/campaigns/{campaignId}/resume",
        P,
        &[],
        None,
    ),
    r(
        "campaigns.abort",
        "POST",
        "/campaigns/{campaignId}/abort",
        P,
        &[],
        None,
    ),
    r(
        "campaigns.delete",
        "DELETE",
        "/campaigns/{campaignId}",
        P,
        &[],
        None,
    ),
    r(
        "campaigns.analytics",
        "GET",
        "/campaigns/{campaignId}/analytics",
        P,
        &[],
        None,
    ),
    r(
        "automations.list",
        "GET",
        "/automations",
        PK,
        &["status", "tags", "page", "limit"],
        None,
    ),
    r("automations.get", "GET", "/automations/{id}", PK, &[], None),
    r(
        "automations.create",
        "POST",
        "/automations",
        PK,
        &[],
        Some(AUTOMATION_CREATE),
    ),
    r(
        "automations.update",
        "PATCH",
        "/automations/{id}",
        PK,
        &[],
        Some(AUTOMATION_UPDATE),
    ),
    r(
        "automations.pause",
        "POST",
        "/automations/{id}/pause",
        PK,
        &[],
        None,
    ),
    r(
        "automations.resume",
        "POST",
        "/automations/{id}/resume",
        PK,
        &[],
        None,
    ),
    r(
        "automations.delete",
        "DELETE",
        "/automations/{id}",
        PK,
        &[],
        None,
    ),
    r("events.list", "GET", "/events", PK, &[], None),
    r(
        "events.get",
        "GET",
        "/events/eventName/{eventName}",
        PK,
        &[],
        None,
    ),
    r(
        "events.create",
        "POST",
        "/events",
        PK,
        &[],
        Some(EVENT_CREATE),
    ),
    r(
        "events.update",
        "PATCH",
        "/events/eventName/{eventName}",
        PK,
        &[],
        Some(EVENT_UPDATE),
    ),
    r(
        "events.delete",
        "DELETE",
        "/events/eventName/{eventName}",
        PK,
        &[],
        None,
    ),
    r(
        "events.send",
        "POST",
        "/events/send",
        PK,
        &[],
        Some(EVENT_SEND),
    ),
    r("domains.list", "GET", "/domains", P, &[], None),
    r("domains.get", "GET", "/domains/{domainId}", P, &[], None),
    r(
        "domains.create",
        "POST",
        "/domains",
        P,
        &[],
        Some(DOMAIN_CREATE),
    ),
    r(
        "domains.verify",
        "POST",
        "/domains/{domainId}/verify",
        P,
        &[],
        None,
    ),
    r(
        "domains.enableInbound",
        "POST",
        "/domains/{domainId}/inbound/enable",
        P,
        &[],
        None,
    ),
    r(
        "domains.disableInbound",
        "POST",
        "/domains/{domainId}/inbound/disable",
        P,
        &[],
        None,
    ),
    r(
        "domains.delete",
        "DELETE",
        "/domains/{domainId}",
        P,
        &[],
        None,
    ),
    r(
        "contactLists.list",
        "GET",
        "/contact-lists",
        P,
        &["type"],
        None,
    ),
    r(
        "contactLists.get",
        "GET",
        "/contact-lists/{contactListId}",
        P,
        &[],
        None,
    ),
    r(
        "contactLists.create",
        "POST",
        "/contact-lists",
        P,
        &[],
        Some(LIST_CREATE),
    ),
    r(
        "contactLists.delete",
        "DELETE",
        "/contact-lists/{contactListId}",
        P,
        &[],
        None,
    ),
    r(
        "contactLists.searchContacts",
        "POST",
        "/contact-lists/contacts/search",
        P,
        &[],
        Some(LIST_SEARCH),
    ),
    r(
        "contactLists.bulkAdd",
        "POST",
        "/contact-lists/contacts/bulk-add",
        P,
        &[],
        Some(LIST_BULK_ADD),
    ),
    r(
        "contactLists.removeContacts",
        "POST",
        "/contact-lists/{contactListId}/contacts/remove",
        P,
        &[],
        Some(LIST_REMOVE),
    ),
    r(
        "suppressionGroups.list",
        "GET",
        "/suppression-groups",
        P,
        &["onlyGlobal", "includeGlobal"],
        None,
    ),
    r(
        "suppressionGroups.get",
        "GET",
        "/suppression-groups/{groupId}",
        P,
        &[],
        None,
    ),
    r(
        "suppressionGroups.create",
        "POST",
        "/suppression-groups",
        P,
        &[],
        Some(GROUP_CREATE),
    ),
    r(
        "suppressionGroups.update",
        "PUT",
        "/suppression-groups/{groupId}",
        P,
        &[],
        Some(GROUP_UPDATE),
    ),
    r(
        "suppressionGroups.delete",
        "DELETE",
        "/suppression-groups/{groupId}",
        P,
        &[],
        None,
    ),
    r(
        "suppressionGroups.searchEntries",
        "POST",
        "/suppression-groups/entries",
        P,
        &[],
        Some(ENTRIES_SEARCH),
    ),
    r(
        "suppressionGroups.suppress",
        "POST",
        "/suppression-groups/emails/suppress",
        P,
        &[],
        Some(SUPPRESS),
    ),
    r(
        "suppressionGroups.unsuppress",
        "POST",
        "/suppression-groups/emails/unsuppress",
        P,
        &[],
        Some(UNSUPPRESS),
    ),
    r(
        "projects.list",
        "GET",
        "/account/projects",
        "account",
        &[],
        None,
    ),
    r(
        "projects.get",
        "GET",
        "/account/projects/{projectId}",
        "account",
        &[],
        None,
    ),
    r(
        "projects.create",
        "POST",
        "/account/projects",
        "account_no_project",
        &[],
        Some(PROJECT_CREATE),
    ),
    r(
        "projects.delete",
        "DELETE",
        "/account/projects/{projectId}",
        "account",
        &[],
        None,
    ),
    r(
        "webhooks.list",
        "GET",
        "/webhooks",
        PK,
        &["isActive", "page", "limit"],
        None,
    ),
    r("webhooks.get", "GET", "/webhooks/{id}", PK, &[], None),
    r(
        "webhooks.create",
        "POST",
        "/webhooks",
        PK,
        &[],
        Some(WEBHOOK_CREATE),
    ),
    r(
        "webhooks.update",
        "PUT",
        "/webhooks/{id}",
        PK,
        &[],
        Some(WEBHOOK_UPDATE),
    ),
    r("webhooks.delete", "DELETE", "/webhooks/{id}", PK, &[], None),
    r(
        "webhooks.logs",
        "GET",
        "/webhooks/{id}/logs",
        PK,
        PAGE,
        None,
    ),
    r(
        "webhooks.reveal",
        "GET",
        "/webhooks/{id}/reveal",
        PK,
        &[],
        None,
    ),
    r(
        "webhooks.resend",
        "POST",
        "/webhooks/{id}/resend",
        PK,
        &[],
        Some(WEBHOOK_RESEND),
    ),
    r(
        "webhooks.availableEvents",
        "GET",
        "/webhooks/events/available",
        PK,
        &[],
        None,
    ),
    r(
        "inbound.list",
        "GET",
        "/inbound/messages",
        PK,
        &[
            "from", "to", "threadId", "search", "dateFrom", "dateTo", "page", "limit",
        ],
        None,
    ),
    r(
        "inbound.get",
        "GET",
        "/inbound/messages/{id}",
        PK,
        &[],
        None,
    ),
    r(
        "inbound.attachment",
        "GET",
        "/inbound/messages/{id}/attachments/{idx}",
        PK,
        &["download"],
        None,
    ),
    r(
        "inbound.reply",
        "POST",
        "/inbound/messages/{id}/reply",
        PK,
        &[],
        Some(INBOUND_REPLY),
    ),
    r("jwks.get", "GET", "/jwks.json", "none", &[], None),
];
