//! The endpoint catalog: the single source of truth for what each call sends.
//!
//! Adding an endpoint is adding an [`Endpoint`] entry (and, for a JSON body, a typed request
//! struct in [`crate::types`]). Bindings build their namespaces from [`CATALOG`].

use crate::error::Error;
use crate::types::{self, check_body};
use serde_json::Value;

/// HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
}

impl Method {
    /// The method's name, upper-case.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which keys may call an endpoint, and whether `x-project-id` goes with account keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Project key, or account key + project id.
    Project,
    /// Account key only, with a project id (`/account/projects…`).
    Account,
    /// Account key only; `x-project-id` is never sent (project creation).
    AccountNoProject,
}

impl Scope {
    /// `project`, `account` or `account_no_project`.
    pub fn name(self) -> &'static str {
        match self {
            Scope::Project => "project",
            Scope::Account => "account",
            Scope::AccountNoProject => "account_no_project",
        }
    }
}

/// How a body is checked and canonicalised.
pub type BodyCheck = fn(Value) -> Result<Value, Error>;

/// One API endpoint.
#[derive(Debug, Clone, Copy)]
pub struct Endpoint {
    /// Stable id, `namespace.method` (camelCase).
    pub id: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path template under the base URL; `{name}` segments are path parameters.
    pub path: &'static str,
    /// Declared query parameters.
    pub query: &'static [&'static str],
    /// Key scope.
    pub scope: Scope,
    /// Safe to repeat after an unknown outcome (5xx, timeout, lost connection).
    pub idempotent: bool,
    /// JSON body check, or `None` for endpoints without a body.
    pub body: Option<BodyCheck>,
    /// One line for docs and help.
    pub summary: &'static str,
}

impl Endpoint {
    /// The names of the path parameters, in order.
    pub fn path_params(&self) -> impl Iterator<Item = &'static str> {
        self.path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
    }

    /// The namespace part of the id (`emails`).
    pub fn namespace(&self) -> &'static str {
        self.id.split_once('.').map(|(n, _)| n).unwrap_or(self.id)
    }

    /// The method part of the id (`send`).
    pub fn method_name(&self) -> &'static str {
        self.id.split_once('.').map(|(_, m)| m).unwrap_or(self.id)
    }

    /// A JSON description, for bindings that generate their namespaces at run time.
    pub fn describe(&self) -> Value {
        serde_json::json!({
            "id": self.id,
            "namespace": self.namespace(),
            "name": self.method_name(),
            "method": self.method.as_str(),
            "path": self.path,
            "path_params": self.path_params().collect::<Vec<_>>(),
            "query": self.query,
            "scope": self.scope.name(),
            "idempotent": self.idempotent,
            "has_body": self.body.is_some(),
            "summary": self.summary,
        })
    }
}

macro_rules! ep {
    ($id:literal, $m:ident, $path:literal, $scope:ident, $idem:literal, $body:expr, $summary:literal) => {
        Endpoint {
            id: $id,
            method: Method::$m,
            path: $path,
            query: &[],
            scope: Scope::$scope,
            idempotent: $idem,
            body: $body,
            summary: $summary,
        }
    };
}

/// Every endpoint the SDK knows.
pub static CATALOG: &[Endpoint] = &[
    ep!(
        "emails.send",
        Post,
        "/mails/send",
        Project,
        false,
        Some(check_body::<types::SendEmail>),
        "Send one email."
    ),
    ep!(
        "emails.bulk",
        Post,
        "/mails/bulk",
        Project,
        false,
        Some(check_body::<types::BulkEmail>),
        "Send one message to 1-100 recipients."
    ),
    ep!(
        "emails.status",
        Get,
        "/mails/{id}/status",
        Project,
        true,
        None,
        "Status and lifecycle timestamps of one email."
    ),
    ep!(
        "contacts.create",
        Post,
        "/contacts",
        Project,
        false,
        Some(check_body::<types::CreateContact>),
        "Create a contact."
    ),
    ep!(
        "contacts.upsert",
        Post,
        "/contacts/email",
        Project,
        true,
        Some(check_body::<types::UpsertContact>),
        "Create or update a contact by email."
    ),
    ep!(
        "contacts.get",
        Get,
        "/contacts/{id}",
        Project,
        true,
        None,
        "Get a contact by id."
    ),
    ep!(
        "contacts.delete",
        Delete,
        "/contacts/{id}",
        Project,
        true,
        None,
        "Delete a contact by id."
    ),
    ep!(
        "contacts.deleteByUserId",
        Delete,
        "/contacts/email/userId/{userId}",
        Project,
        true,
        None,
        "Delete a contact by your user id."
    ),
    ep!(
        "contacts.remove",
        Post,
        "/contacts/remove",
        Project,
        true,
        Some(check_body::<types::EmailList>),
        "Delete contacts by email."
    ),
    ep!(
        "contacts.searchByEmails",
        Post,
        "/contacts/search/emails",
        Project,
        true,
        Some(check_body::<types::EmailList>),
        "Look up contacts by email."
    ),
    ep!(
        "contacts.bulkUpdate",
        Post,
        "/contacts/bulk-update",
        Project,
        false,
        Some(check_body::<types::BulkUpdateContacts>),
        "Upsert 1-100 contacts by email."
    ),
    ep!(
        "contacts.unsubscribeGroups",
        Get,
        "/contacts/{id}/unsubscribe-groups",
        Project,
        true,
        None,
        "Groups a contact unsubscribed from."
    ),
    ep!(
        "projects.list",
        Get,
        "/account/projects",
        Account,
        true,
        None,
        "List projects (account key)."
    ),
    ep!(
        "projects.get",
        Get,
        "/account/projects/{projectId}",
        Account,
        true,
        None,
        "Get a project (account key)."
    ),
    ep!(
        "projects.create",
        Post,
        "/account/projects",
        AccountNoProject,
        false,
        Some(check_body::<types::CreateProject>),
        "Create a project (account key)."
    ),
    ep!(
        "projects.delete",
        Delete,
        "/account/projects/{projectId}",
        Account,
        true,
        None,
        "Delete a project and everything in it (account key)."
    ),
];

/// Looks an endpoint up by id.
pub fn endpoint(id: &str) -> Option<&'static Endpoint> {
    CATALOG.iter().find(|e| e.id == id)
}

/// The whole catalog as JSON (an array of [`Endpoint::describe`]).
pub fn describe_catalog() -> Value {
    Value::Array(CATALOG.iter().map(Endpoint::describe).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for e in CATALOG {
            assert!(seen.insert(e.id), "duplicate {}", e.id);
            assert!(e.id.contains('.'));
            assert!(e.path.starts_with('/'));
            if matches!(e.method, Method::Get | Method::Delete) {
                assert!(e.body.is_none(), "{} has a body", e.id);
                assert!(e.idempotent, "{} should be idempotent", e.id);
            }
            if e.path.starts_with("/account/") {
                assert_ne!(e.scope, Scope::Project, "{}", e.id);
            }
        }
        assert_eq!(
            endpoint("contacts.get")
                .unwrap()
                .path_params()
                .collect::<Vec<_>>(),
            ["id"]
        );
    }
}
