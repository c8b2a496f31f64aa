//! Domains (§2.9): add → `PENDING_CONFIGURATION` with DNS records; verify → `VERIFIED` on the
//! first call (deterministic); inbound enable/disable.

use super::{bad, data, fail, message_only, ok_msg, okr, pid, pos, sget, Reply, Req};
use crate::api::Ctx;
use crate::state::State;
use crate::util;
use serde_json::{json, Value};

const REGIONS: &[&str] = &["us-east-1", "us-east-2", "ap-south-1", "eu-central-1"];

fn not_found() -> Reply {
    fail(404, "DOMAIN_NOT_FOUND", "Domain not found")
}

fn valid_domain(d: &str) -> bool {
    d.len() <= 253
        && d.contains('.')
        && d.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
        })
}

/// `GET /domains`.
pub fn list(st: &mut State, ctx: &Ctx, _r: &Req) -> Reply {
    okr(json!({"domains": data(st, &pid(ctx)).domains}))
}

/// `GET /domains/{domainId}`.
pub fn get(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let d = data(st, &pid(ctx));
    match pos(&d.domains, "id", r.param("domainId")) {
        Some(i) => okr(d.domains[i].clone()),
        None => not_found(),
    }
}

/// `POST /domains`: 409 when the project already has it.
pub fn create(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let p = pid(ctx);
    let raw = r.s("domain").unwrap_or("").trim();
    if raw.contains("://") || raw.contains('/') {
        return bad(
            "domain",
            "must be a bare domain name without protocol, path or trailing slash",
        );
    }
    let name = raw.to_ascii_lowercase();
    if !valid_domain(&name) {
        return bad(
            "domain",
            "must be a valid domain name (e.g. mail.example.com)",
        );
    }
    let region = match r.s("regionKey") {
        Some(x) if REGIONS.contains(&x) => x.to_string(),
        Some(_) => {
            return bad(
                "regionKey",
                &format!("must be one of: {}", REGIONS.join(", ")),
            )
        }
        None => st
            .projects
            .iter()
            .find(|x| sget(x, "id") == p)
            .and_then(|x| x.get("regionKey").and_then(Value::as_str))
            .unwrap_or("us-east-1")
            .to_string(),
    };
    let d = data(st, &p);
    if pos(&d.domains, "domainName", &name).is_some() {
        return fail(
            409,
            "DOMAIN_ALREADY_EXISTS",
            &format!("Domain {name} has already been added to this project"),
        );
    }
    let token = util::random_hex(32);
    let sel = util::random_alnum(10).to_ascii_lowercase();
    let now = util::now_iso();
    let dom = json!({
        "id": util::object_id(), "domainName": name, "verificationStatus": "PENDING_CONFIGURATION",
        "ownershipVerified": false, "dkimEnabled": false, "mailFromEnabled": false, "dmarcEnabled": false,
        "dnsRecords": {
            "ownership": {"name": format!("_autosend.{name}"), "value": format!("autosend-verification={token}"), "type": "TXT", "purpose": "ownership"},
            "dkim": {"name": format!("{sel}._domainkey.{name}"), "value": format!("p={}", util::random_alnum(64)), "type": "TXT", "purpose": "dkim"},
            "mailFrom": [
                {"name": format!("mail.{name}"), "value": format!("feedback-smtp.{region}.amazonses.com"), "type": "MX", "purpose": "mailFrom", "priority": 10},
                {"name": format!("mail.{name}"), "value": "v=spf1 include:amazonses.com ~all", "type": "TXT", "purpose": "mailFrom"}
            ],
            "dmarc": {"name": format!("_dmarc.{name}"), "value": "v=DMARC1; p=none;", "type": "TXT", "purpose": "dmarc"}
        },
        "createdAt": now, "lastCheckedAt": null, "verifiedAt": null, "regionKey": region,
        "verificationInProgress": false, "inboundEnabledAt": null, "inboundDomainVerifiedAt": null,
    });
    d.domains.push(dom.clone());
    ok_msg(dom, "Domain added successfully").into()
}

/// `POST /domains/{domainId}/verify`: the sandbox's DNS is always right, so the first call
/// verifies everything.
pub fn verify(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let d = data(st, &pid(ctx));
    let Some(i) = pos(&d.domains, "id", r.param("domainId")) else {
        return not_found();
    };
    let now = util::now_iso();
    let x = &mut d.domains[i];
    for k in [
        "ownershipVerified",
        "dkimEnabled",
        "mailFromEnabled",
        "dmarcEnabled",
    ] {
        x[k] = json!(true);
    }
    if x["verifiedAt"].is_null() {
        x["verifiedAt"] = json!(now);
    }
    x["verificationStatus"] = json!("VERIFIED");
    x["lastCheckedAt"] = json!(now);
    x["verificationInProgress"] = json!(false);
    let x = x.clone();
    ok_msg(
        json!({"domain": x, "verificationInProgress": false, "ownershipVerified": true,
               "verificationStatus": "VERIFIED", "dkimEnabled": true, "mailFromEnabled": true, "dmarcEnabled": true}),
        "Domain verification status updated",
    )
    .into()
}

/// `POST /domains/{domainId}/inbound/enable`: adds `dnsRecords.inboundMx`.
pub fn enable_inbound(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let d = data(st, &pid(ctx));
    let Some(i) = pos(&d.domains, "id", r.param("domainId")) else {
        return not_found();
    };
    let now = util::now_iso();
    let x = &mut d.domains[i];
    let name = sget(x, "domainName").to_string();
    let region = sget(x, "regionKey").to_string();
    x["dnsRecords"]["inboundMx"] = json!({"name": name, "value": format!("inbound-smtp.{region}.amazonaws.com"), "type": "MX", "purpose": "inbound", "priority": 10});
    if x["inboundEnabledAt"].is_null() {
        x["inboundEnabledAt"] = json!(now);
    }
    x["inboundDomainVerifiedAt"] = json!(now);
    okr(x.clone())
}

/// `POST /domains/{domainId}/inbound/disable`: inbound fields back to null.
pub fn disable_inbound(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let d = data(st, &pid(ctx));
    let Some(i) = pos(&d.domains, "id", r.param("domainId")) else {
        return not_found();
    };
    let x = &mut d.domains[i];
    if let Some(o) = x["dnsRecords"].as_object_mut() {
        o.remove("inboundMx");
    }
    x["inboundEnabledAt"] = Value::Null;
    x["inboundDomainVerifiedAt"] = Value::Null;
    okr(x.clone())
}

/// `DELETE /domains/{domainId}`.
pub fn delete(st: &mut State, ctx: &Ctx, r: &Req) -> Reply {
    let d = data(st, &pid(ctx));
    match pos(&d.domains, "id", r.param("domainId")) {
        Some(i) => {
            d.domains.remove(i);
            message_only("Domain deleted successfully").into()
        }
        None => not_found(),
    }
}
