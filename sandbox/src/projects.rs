//! The account-only project endpoints of §2.12.

use crate::api::h::{err, ok, validation, Out};
use crate::state::{App, State};
use crate::util;
use serde_json::{json, Value};

/// Most projects the sandbox holds (a "Scale" plan); more → 403 PLAN_UPGRADE_REQUIRED.
pub const MAX_PROJECTS: usize = 20;

const REGIONS: &[&str] = &["us-east-1", "us-east-2", "ap-south-1", "eu-central-1"];

fn invalid_id() -> Out {
    // The docs show this variant: `error` is an array of {message, path}.
    (
        400,
        json!({"success": false, "code": "VALIDATION_ERROR", "status": 400,
               "error": [{"message": "projectId must be a valid Mongo ObjectId", "path": "projectId"}]}),
    )
}

fn find(st: &State, id: &str) -> Option<usize> {
    st.projects
        .iter()
        .position(|p| p.get("id").and_then(Value::as_str) == Some(id))
}

/// A project as the API shows it: `domains` from the project's domains.
fn view(st: &State, p: &Value) -> Value {
    let id = p.get("id").and_then(Value::as_str).unwrap_or("");
    let domains: Vec<Value> = st
        .data
        .get(id)
        .map(|d| {
            d.domains
                .iter()
                .map(|x| json!({"id": x["id"], "domainName": x["domainName"],
                                "verificationStatus": x["verificationStatus"], "regionKey": x["regionKey"]}))
                .collect()
        })
        .unwrap_or_default();
    let mut v = p.clone();
    v["domains"] = json!(domains);
    v
}

/// `GET /v1/account/projects`.
pub fn list(st: &mut State) -> Out {
    let all: Vec<Value> = st.projects.iter().map(|p| view(st, p)).collect();
    ok(json!({"projects": all}))
}

/// `GET /v1/account/projects/{projectId}`.
pub fn get(st: &mut State, id: &str) -> Out {
    if !util::is_object_id(id) {
        return invalid_id();
    }
    match find(st, &id.to_ascii_lowercase()) {
        Some(i) => ok(view(st, &st.projects[i])),
        None => err(404, "PROJECT_NOT_FOUND", "Project not found"),
    }
}

/// `POST /v1/account/projects`.
pub fn create(st: &mut State, b: &Value) -> Out {
    let mut det: Vec<(String, String)> = Vec::new();
    let name = match b.get("name") {
        Some(Value::String(s)) if !s.trim().is_empty() && s.chars().count() <= 100 => {
            Some(s.trim().to_string())
        }
        Some(Value::String(_)) => {
            det.push(("name".into(), "must be 1 to 100 characters".into()));
            None
        }
        _ => {
            det.push(("name".into(), "is required".into()));
            None
        }
    };
    let domain = match b.get("domain") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.contains("://") || s.contains('/') || s.trim().is_empty() => {
            det.push((
                "domain".into(),
                "must be a bare domain without scheme or path".into(),
            ));
            None
        }
        Some(Value::String(s)) => Some(s.to_ascii_lowercase()),
        Some(_) => {
            det.push(("domain".into(), "must be a string".into()));
            None
        }
    };
    let region = match b.get("regionKey") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if REGIONS.contains(&s.as_str()) => Some(s.clone()),
        Some(_) => {
            det.push((
                "regionKey".into(),
                format!("must be one of {}", REGIONS.join(", ")),
            ));
            None
        }
    };
    let Some(name) = name.filter(|_| det.is_empty()) else {
        return validation(det);
    };
    if st.projects.len() >= MAX_PROJECTS {
        return err(403, "PLAN_UPGRADE_REQUIRED", "Plan upgrade required");
    }
    let p = App::add_project(
        st,
        &util::object_id(),
        &name,
        domain.as_deref(),
        region.as_deref(),
    );
    (
        200,
        json!({"success": true, "data": p, "message": "Project created successfully"}),
    )
}

/// `DELETE /v1/account/projects/{projectId}`: also revokes the project's keys and drops its
/// contacts (received mail stays inspectable).
pub fn delete(st: &mut State, id: &str) -> Out {
    if !util::is_object_id(id) {
        return invalid_id();
    }
    let id = id.to_ascii_lowercase();
    let Some(i) = find(st, &id) else {
        return err(404, "PROJECT_NOT_FOUND", "Project not found");
    };
    if st.projects.len() == 1 {
        return err(
            400,
            "LAST_PROJECT_CANNOT_BE_DELETED",
            "The last project of an account cannot be deleted",
        );
    }
    st.projects.remove(i);
    for k in st.keys.values_mut() {
        if k.project_id.as_deref() == Some(id.as_str()) {
            k.revoked = true;
        }
    }
    st.contacts
        .retain(|c| c.get("projectId").and_then(Value::as_str) != Some(id.as_str()));
    st.data.remove(&id);
    (
        200,
        json!({"success": true, "message": "Project deleted successfully"}),
    )
}
