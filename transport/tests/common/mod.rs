//! Shared by the typed end-to-end tests: an in-process sandbox on a free port (its CA trusted
//! explicitly), clients for every key scope, and the smoke test's bookkeeping (ids captured
//! from creates and fed to later calls, hand-picked params where a sample is not enough).
#![allow(dead_code)]

use autosend::{ApiResponse, ClientOptions, Error, ErrorKind};
use autosend_http::{blocking, TlsOptions};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

pub struct Sandbox {
    pub info: Value,
    pub admin: reqwest::blocking::Client,
    pub ca_pem: Vec<u8>,
    _sandbox: autosend_sandbox::InProcess,
}

impl Sandbox {
    pub fn start(extra: &[&str]) -> Sandbox {
        let sandbox = autosend_sandbox::InProcess::start(extra).unwrap();
        let ca_pem = sandbox.ca_pem.clone();
        let admin = reqwest::blocking::Client::builder()
            .use_rustls_tls()
            .add_root_certificate(reqwest::Certificate::from_pem(&ca_pem).unwrap())
            .build()
            .unwrap();
        Sandbox {
            info: sandbox.info().clone(),
            admin,
            ca_pem,
            _sandbox: sandbox,
        }
    }

    /// Huge rate limits; the JWKS key (seconds of CPU in a debug build) made only if read.
    pub fn fast() -> Sandbox {
        Sandbox::start(&[
            "--rate-per-second",
            "100000",
            "--rate-per-minute",
            "1000000",
            "--lazy-jwks",
        ])
    }

    /// Like [`Sandbox::fast`], but the JWKS key is made at start, in the background, so it is
    /// ready by the time the smoke test reads it.
    pub fn for_smoke() -> Sandbox {
        Sandbox::start(&[
            "--rate-per-second",
            "100000",
            "--rate-per-minute",
            "1000000",
        ])
    }

    pub fn url(&self) -> String {
        self.info["url"].as_str().unwrap().to_string()
    }

    pub fn project_key(&self) -> String {
        self.info["keys"]["project"][0]["key"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub fn account_key(&self) -> String {
        self.info["keys"]["account"][0]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub fn project_id(&self) -> String {
        self.info["projects"][0]["id"].as_str().unwrap().to_string()
    }

    pub fn admin_get(&self, path: &str) -> Value {
        let url = format!("{}{path}", self.info["admin_url"].as_str().unwrap());
        self.admin.get(url).send().unwrap().json().unwrap()
    }

    pub fn processed(&self, endpoint: &str) -> u64 {
        self.admin_get("/_sandbox/stats")["processed"][endpoint]
            .as_u64()
            .unwrap_or(0)
    }

    pub fn options(&self, key: &str, project: Option<&str>) -> ClientOptions {
        let mut o = ClientOptions::new(key);
        o.base_url = Some(self.url());
        o.project_id = project.map(str::to_string);
        // Generous: a debug-build sandbox on a loaded machine (jwks.get waits for its key).
        o.timeout_ms = 60_000;
        // The sandbox runs with huge limits; so do its clients (the limits are tested in e2e.rs).
        o.rate_limits = autosend::RateLimits {
            per_second: 10_000,
            per_minute: 100_000,
            ..Default::default()
        };
        o
    }

    pub fn tls(&self) -> TlsOptions {
        TlsOptions {
            ca_cert_pem: Some(self.ca_pem.clone()),
        }
    }

    pub fn client(&self, key: &str, project: Option<&str>) -> blocking::Client {
        blocking::Client::new(self.options(key, project), self.tls()).unwrap()
    }

    pub fn project_client(&self) -> blocking::Client {
        self.client(&self.project_key(), None)
    }

    pub fn account_client(&self) -> blocking::Client {
        self.client(&self.account_key(), Some(&self.project_id()))
    }
}

/// Where an id comes from: (endpoint whose result carries it, namespace and path parameter it
/// fills, JSON pointers into the result, first match wins).
const CAPTURE: &[(&str, &str, &str, &[&str])] = &[
    ("emails.send", "emails", "id", &["/emailId"]),
    ("contacts.create", "contacts", "id", &["/id"]),
    ("contacts.upsert", "contacts", "userId", &["/userId"]),
    (
        "contactProperties.create",
        "contactProperties",
        "propertyName",
        &["/name", "/fieldName"],
    ),
    (
        "customFields.create",
        "customFields",
        "customFieldName",
        &["/fieldName"],
    ),
    (
        "templates.create",
        "templates",
        "templateId",
        &["/templateId"],
    ),
    (
        "senders.create",
        "senders",
        "senderId",
        &["/sender/id", "/id"],
    ),
    ("campaigns.create", "campaigns", "campaignId", &["/id"]),
    ("automations.create", "automations", "id", &["/id"]),
    ("events.create", "events", "eventName", &["/eventName"]),
    ("domains.create", "domains", "domainId", &["/id"]),
    (
        "contactLists.create",
        "contactLists",
        "contactListId",
        &["/id"],
    ),
    (
        "suppressionGroups.create",
        "suppressionGroups",
        "groupId",
        &["/groupId", "/id"],
    ),
    ("projects.create", "projects", "projectId", &["/id"]),
    ("webhooks.create", "webhooks", "id", &["/webhook/id", "/id"]),
    (
        "inbound.list",
        "inbound",
        "domainName",
        &["/items/0/domainName"],
    ),
];

/// Params that a schema sample cannot guess (merged over the sample; `${ns.param}` in a string
/// is replaced by the id captured for that namespace and parameter).
pub fn smoke_overrides(id: &str) -> Value {
    match id {
        "emails.send" => json!({
            "from": {"email": "hello@mail.example.com"},
            "to": {"email": "smoke@example.com"},
            "subject": "Smoke", "html": "<p>smoke</p>"
        }),
        "emails.bulk" => json!({
            "from": {"email": "hello@mail.example.com"},
            "recipients": [{"email": "smoke1@example.com"}, {"email": "smoke2@example.com"}],
            "subject": "Smoke", "html": "<p>smoke</p>"
        }),
        "contacts.create" => json!({"email": "smoke@example.com", "firstName": "Smoke"}),
        "contacts.upsert" => json!({"email": "smoke-user@example.com", "userId": "smoke-user"}),
        "contacts.remove" | "contacts.searchByEmails" => json!({"emails": ["smoke@example.com"]}),
        "contacts.bulkUpdate" => json!({"contacts": [{"email": "bulk@example.com"}]}),
        "contactProperties.create" => json!({"name": "smokeProp", "type": "string"}),
        "customFields.create" => json!({"fieldName": "smokeField", "fieldType": "string"}),
        "templates.create" => json!({
            "templateName": "Smoke", "subject": "Hi {{firstName}}",
            "emailTemplate": "<p>Hi {{firstName}}</p>"
        }),
        "templates.updatePreviewText" => json!({"previewText": "Peek"}),
        "senders.create" => json!({"email": "sender@verified.example.com", "name": "Smoke"}),
        "campaigns.create" => json!({
            "name": "Smoke", "subject": "Smoke", "htmlTemplate": "<p>smoke</p>"
        }),
        "campaigns.update" => json!({"name": "Smoke 2", "sendNow": true}),
        "automations.create" => json!({
            "name": "Smoke",
            "steps": [
                {"type": "wait", "delay": {"value": 1, "unit": "hours"}},
                {"type": "email", "email": {"subject": "Hi", "htmlTemplate": "<p>Hi</p>"}}
            ]
        }),
        // Draft → active here (only drafts and paused ones are editable), so pause can follow.
        "automations.update" => json!({"name": "Smoke 2", "active": true}),
        "events.create" => json!({"eventName": "smoke_event"}),
        "events.update" => json!({"description": "Smoke"}),
        // bulk@example.com is made by contacts.bulkUpdate and outlives the contacts section.
        "events.send" => json!({"eventName": "smoke_event", "email": "bulk@example.com"}),
        "domains.create" => json!({"domain": "smoke.example.com"}),
        "contactLists.create" => json!({"name": "Smoke"}),
        "contactLists.searchContacts" => {
            json!({"contactListId": "${contactLists.contactListId}"})
        }
        "contactLists.bulkAdd" => json!({
            "contactListId": "${contactLists.contactListId}", "emails": ["smoke@example.com"]
        }),
        "contactLists.removeContacts" => json!({"emails": ["smoke@example.com"]}),
        "suppressionGroups.create" => json!({"name": "Smoke"}),
        "suppressionGroups.update" => json!({"name": "Smoke 2"}),
        "suppressionGroups.suppress" | "suppressionGroups.unsuppress" => json!({
            "emails": ["suppressed@example.com"], "groupId": "${suppressionGroups.groupId}"
        }),
        "projects.create" => json!({"name": "Smoke"}),
        "webhooks.create" => json!({
            "url": "https://hooks.example.com/smoke", "events": ["email.delivered"]
        }),
        "webhooks.update" => json!({"isActive": true}),
        "webhooks.resend" => json!({"event": "email.delivered", "data": {"emailId": "smoke"}}),
        "inbound.attachment" => json!({"idx": "0"}),
        "inbound.reply" => json!({
            "from": {"email": "support@${inbound.domainName}"}, "text": "Thanks"
        }),
        _ => json!({}),
    }
}

/// Endpoints whose smoke call is expected to be refused by the sandbox's state rules (the
/// typed method still reached it): (id, kind, why).
const EXPECTED_ERRORS: &[(&str, ErrorKind, &str)] = &[(
    "campaigns.delete",
    ErrorKind::ApiValidation,
    "only drafts can be deleted and the smoke campaign was sent, paused, resumed and aborted \
     (typed.rs deletes a draft)",
)];

/// The smoke test's state.
pub struct Ctx<'a> {
    pub sb: &'a Sandbox,
    project: blocking::Client,
    account: blocking::Client,
    account_no_project: blocking::Client,
    pub ids: BTreeMap<(String, String), String>,
    pub failures: Vec<String>,
    pub checked: BTreeSet<String>,
}

fn merge(base: &mut Value, over: &Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(k) {
                    Some(bv) if bv.is_object() && v.is_object() => merge(bv, v),
                    _ => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}

impl<'a> Ctx<'a> {
    /// Clients for every scope, and a verified domain `verified.example.com` (senders need
    /// one; the domains section of the smoke test deletes its own).
    pub fn new(sb: &'a Sandbox) -> Ctx<'a> {
        let project = sb.project_client();
        let d = project
            .call("domains.create", json!({"domain": "verified.example.com"}))
            .expect("domains.create");
        let id = d.data["id"].as_str().expect("domain id").to_string();
        project
            .call("domains.verify", json!({"domainId": id}))
            .expect("domains.verify");
        Ctx {
            sb,
            project,
            account: sb.account_client(),
            account_no_project: sb.client(&sb.account_key(), None),
            ids: BTreeMap::new(),
            failures: Vec::new(),
            checked: BTreeSet::new(),
        }
    }

    /// The client whose key fits an endpoint's scope.
    pub fn client_for(&self, scope: &str) -> blocking::Client {
        match scope {
            "account" => self.account.clone(),
            "account_no_project" => self.account_no_project.clone(),
            _ => self.project.clone(),
        }
    }

    fn resolve_refs(&self, v: &mut Value) {
        match v {
            Value::String(s) => {
                for ((ns, p), id) in &self.ids {
                    *s = s.replace(&format!("${{{ns}.{p}}}"), id);
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|x| self.resolve_refs(x)),
            Value::Object(m) => m.values_mut().for_each(|x| self.resolve_refs(x)),
            _ => {}
        }
    }

    /// The params of `id`: the sample, the overrides, then captured ids for path parameters.
    pub fn params<T: serde::de::DeserializeOwned>(&mut self, id: &str, sample: Value) -> T {
        let ns = id.split('.').next().unwrap().to_string();
        let mut v = sample.clone();
        merge(&mut v, &smoke_overrides(id));
        if let Value::Object(m) = &mut v {
            for (k, val) in m.iter_mut() {
                if let Some(got) = self.ids.get(&(ns.clone(), k.clone())) {
                    *val = Value::String(got.clone());
                }
            }
        }
        self.resolve_refs(&mut v);
        match serde_json::from_value(v.clone()) {
            Ok(p) => p,
            Err(e) => {
                // A wrong override: say so, and go on with the sample alone.
                self.failures
                    .push(format!("{id}: params {v} do not fit the params type: {e}"));
                serde_json::from_value(sample.clone())
                    .unwrap_or_else(|e| panic!("{id}: sample {sample} does not fit: {e}"))
            }
        }
    }

    /// Records the outcome of one typed call; captures the ids later calls need.
    pub fn check(&mut self, id: &str, r: Result<(Option<Value>, ApiResponse), Error>) {
        self.checked.insert(id.to_string());
        match r {
            Ok((typed, raw)) => {
                if let Some((_, k, why)) = EXPECTED_ERRORS.iter().find(|(i, _, _)| *i == id) {
                    self.failures
                        .push(format!("{id}: succeeded, expected {k:?} because {why}"));
                }
                assert!((200..300).contains(&raw.status), "{id}: {}", raw.status);
                if raw.attempts != 1 {
                    self.failures
                        .push(format!("{id}: {} attempts without any fault", raw.attempts));
                }
                assert!(typed.is_some(), "{id}: the typed result does not serialise");
                if id == "inbound.list" {
                    // The seeded message with attachments (the sandbox seeds three).
                    let with_files = raw.data["items"].as_array().and_then(|a| {
                        a.iter()
                            .find(|m| m["attachmentCount"].as_u64().unwrap_or(0) > 0)
                    });
                    match with_files.and_then(|m| m["id"].as_str()) {
                        Some(mid) => {
                            self.ids
                                .insert(("inbound".into(), "id".into()), mid.to_string());
                        }
                        None => self.failures.push(format!(
                            "inbound.list: no message with attachments in {}",
                            raw.data
                        )),
                    }
                }
                for (from, ns, param, pointers) in CAPTURE {
                    if *from != id {
                        continue;
                    }
                    let found = pointers
                        .iter()
                        .find_map(|p| raw.data.pointer(p).and_then(Value::as_str));
                    match found {
                        Some(v) => {
                            self.ids
                                .insert((ns.to_string(), param.to_string()), v.to_string());
                        }
                        None => self
                            .failures
                            .push(format!("{id}: no {pointers:?} in {}", raw.data)),
                    }
                }
            }
            Err(e) => {
                let expected = EXPECTED_ERRORS
                    .iter()
                    .any(|(i, k, _)| *i == id && *k == e.kind());
                if !expected {
                    self.failures.push(format!("{id}: {:?}: {e}", e.kind()));
                }
            }
        }
    }

    /// Records a download.
    pub fn check_bytes(&mut self, id: &str, r: Result<(Vec<u8>, ApiResponse), Error>) {
        match r {
            Ok((bytes, _)) if !bytes.is_empty() => {}
            Ok(_) => self.failures.push(format!("{id} (bytes): empty file")),
            Err(e) => self
                .failures
                .push(format!("{id} (bytes): {:?}: {e}", e.kind())),
        }
    }

    /// Every endpoint was called and none failed.
    pub fn finish(&self, order: &[&str]) {
        let missing: Vec<_> = order
            .iter()
            .filter(|i| !self.checked.contains(**i))
            .collect();
        assert!(missing.is_empty(), "never called: {missing:?}");
        assert!(
            self.failures.is_empty(),
            "{} of {} endpoints failed:\n{}",
            self.failures.len(),
            order.len(),
            self.failures.join("\n")
        );
    }
}
