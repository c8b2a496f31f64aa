//! The endpoint catalog: what each call sends and what its answer means.
//!
//! [`CATALOG`] is generated from the API description (`api/src/*.json`, bundled into
//! `api/openapi.json`) by `python3 tools/codegen/generate.py`: adding or changing an endpoint
//! is editing `api/src` and re-running the generator, never editing `generated.rs`. Bindings
//! build their namespaces from [`describe_catalog`].

use crate::schema::Schema;
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

/// Which keys may call an endpoint, and which auth headers go with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Project key, or account key + project id (`x-project-id`).
    Project,
    /// Project key (`AS_`) only; an account key is refused locally.
    ProjectKey,
    /// Account key only, with a project id (`/account/projects…`).
    Account,
    /// Account key only; `x-project-id` is never sent (project creation).
    AccountNoProject,
    /// No key at all: neither `Authorization` nor `x-project-id` is sent (`jwks.get`).
    None,
}

impl Scope {
    /// `project`, `project_key`, `account`, `account_no_project` or `none`.
    pub fn name(self) -> &'static str {
        match self {
            Scope::Project => "project",
            Scope::ProjectKey => "project_key",
            Scope::Account => "account",
            Scope::AccountNoProject => "account_no_project",
            Scope::None => "none",
        }
    }
}

/// What a 2xx answer carries (`x-autosend-response`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResponseKind {
    /// The envelope's `data`.
    Data,
    /// No `data`: the top-level `message` is the result.
    Message,
    /// Bytes when the query flag ([`Endpoint::binary_flag`]) is true, JSON otherwise.
    Binary,
    /// 2xx without a body is success.
    Empty,
}

impl ResponseKind {
    /// `data`, `message`, `binary` or `empty`.
    pub fn name(self) -> &'static str {
        match self {
            ResponseKind::Data => "data",
            ResponseKind::Message => "message",
            ResponseKind::Binary => "binary",
            ResponseKind::Empty => "empty",
        }
    }
}

/// How a paged list reports its pages (api §1.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageStyle {
    /// `data.pagination{page,limit,total,pages}`.
    Nested,
    /// `data{total,page,limit,totalPages}`.
    Flat,
}

/// Where the page parameters go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamIn {
    /// The query string.
    Query,
    /// The JSON body.
    Body,
}

/// Pagination of a list endpoint (`x-autosend-pagination`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pagination {
    /// Shape of the page metadata.
    pub style: PageStyle,
    /// Where `page`/`limit` go.
    pub location: ParamIn,
    /// Name of the array of items in `data`.
    pub items: &'static str,
}

impl Pagination {
    /// `{"style", "in", "items"}`.
    pub fn describe(&self) -> Value {
        serde_json::json!({
            "style": match self.style { PageStyle::Nested => "nested", PageStyle::Flat => "flat" },
            "in": match self.location { ParamIn::Query => "query", ParamIn::Body => "body" },
            "items": self.items,
        })
    }
}

/// Type of a query parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamType {
    /// Sent as is (percent-encoded).
    String,
    /// A whole number.
    Integer,
    /// Any number.
    Number,
    /// `true` / `false`.
    Boolean,
    /// Items joined with commas (or repeated with `explode`).
    Array,
}

impl ParamType {
    /// `string`, `integer`, `number`, `boolean` or `array`.
    pub fn name(self) -> &'static str {
        match self {
            ParamType::String => "string",
            ParamType::Integer => "integer",
            ParamType::Number => "number",
            ParamType::Boolean => "boolean",
            ParamType::Array => "array",
        }
    }
}

/// One declared query parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueryParam {
    /// Wire name.
    pub name: &'static str,
    /// Its type.
    pub ty: ParamType,
    /// Type of the items of an array (else the same as `ty`).
    pub items: ParamType,
    /// Minimum value (numbers) or length in characters (strings); per item for arrays.
    pub min: Option<f64>,
    /// Maximum value (numbers) or length in characters (strings); per item for arrays.
    pub max: Option<f64>,
    /// Allowed values (strings; empty: any).
    pub enum_: &'static [&'static str],
    /// Arrays as repeated `name=v` pairs instead of one comma-joined value.
    pub explode: bool,
    /// Must be given (not null, not empty).
    pub required: bool,
}

impl QueryParam {
    /// `{"name", "type", "items"?, "min", "max", "enum", "required"}`.
    pub fn describe(&self) -> Value {
        let mut v = serde_json::json!({
            "name": self.name,
            "type": self.ty.name(),
            "min": self.min,
            "max": self.max,
            "required": self.required,
            "enum": if self.enum_.is_empty() { Value::Null } else { serde_json::json!(self.enum_) },
        });
        if self.ty == ParamType::Array {
            v["items"] = Value::from(self.items.name());
        }
        v
    }
}

/// One API endpoint (generated from `api/openapi.json` into `generated.rs`).
#[derive(Debug, Clone, Copy)]
pub struct Endpoint {
    /// Stable id, `namespace.method` (camelCase).
    pub id: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path template under the base URL; `{name}` segments are path parameters.
    pub path: &'static str,
    /// The names of the path parameters, in path order.
    pub path_params: &'static [&'static str],
    /// Names of the declared query parameters.
    pub query: &'static [&'static str],
    /// The declared query parameters with their types and limits.
    pub query_params: &'static [QueryParam],
    /// Key scope.
    pub scope: Scope,
    /// Safe to repeat after an unknown outcome (5xx, timeout, lost connection).
    pub idempotent: bool,
    /// Schema of the JSON body, or `None` for endpoints without one.
    pub body: Option<&'static Schema>,
    /// The body must be sent even when no body field is given.
    pub body_required: bool,
    /// What a 2xx answer carries.
    pub response: ResponseKind,
    /// For [`ResponseKind::Binary`]: the boolean query parameter that asks for bytes.
    pub binary_flag: Option<&'static str>,
    /// Paged lists: how.
    pub pagination: Option<Pagination>,
    /// Limit of the whole JSON body in bytes, if documented.
    pub max_body_bytes: Option<usize>,
    /// Named cross-field rules the body must also pass.
    pub rules: &'static [&'static str],
    /// One line for docs and help.
    pub summary: &'static str,
}

impl Endpoint {
    /// The names of the path parameters, in order.
    pub fn path_params(&self) -> impl Iterator<Item = &'static str> {
        self.path_params.iter().copied()
    }

    /// The namespace part of the id (`emails`).
    pub fn namespace(&self) -> &'static str {
        self.id.split_once('.').map(|(n, _)| n).unwrap_or(self.id)
    }

    /// The method part of the id (`send`).
    pub fn method_name(&self) -> &'static str {
        self.id.split_once('.').map(|(_, m)| m).unwrap_or(self.id)
    }

    /// A declared query parameter by name.
    pub fn query_param(&self, name: &str) -> Option<&'static QueryParam> {
        self.query_params.iter().find(|q| q.name == name)
    }

    /// A JSON description, for bindings that generate their namespaces at run time:
    /// `{id, namespace, name, method, path, path_params, query, query_params, scope,
    /// idempotent, has_body, body_required, response, binary_flag, pagination, rules,
    /// max_body_bytes, summary}`.
    pub fn describe(&self) -> Value {
        serde_json::json!({
            "id": self.id,
            "namespace": self.namespace(),
            "name": self.method_name(),
            "method": self.method.as_str(),
            "path": self.path,
            "path_params": self.path_params,
            "query": self.query,
            "query_params": self.query_params.iter().map(QueryParam::describe).collect::<Vec<_>>(),
            "scope": self.scope.name(),
            "idempotent": self.idempotent,
            "has_body": self.body.is_some(),
            "body_required": self.body_required,
            "response": self.response.name(),
            "binary_flag": self.binary_flag,
            "pagination": self.pagination.as_ref().map(Pagination::describe),
            "rules": self.rules,
            "max_body_bytes": self.max_body_bytes,
            "summary": self.summary,
        })
    }
}

pub use crate::generated::CATALOG;

/// Looks an endpoint up by id.
pub fn endpoint(id: &str) -> Option<&'static Endpoint> {
    crate::generated::index_of(id).and_then(|i| CATALOG.get(i))
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
        for (i, e) in CATALOG.iter().enumerate() {
            assert!(seen.insert(e.id), "duplicate {}", e.id);
            assert!(e.id.contains('.'));
            assert!(e.path.starts_with('/'));
            assert_eq!(
                endpoint(e.id).map(|x| x.id),
                Some(e.id),
                "index of {}",
                e.id
            );
            assert_eq!(crate::generated::index_of(e.id), Some(i));
            if matches!(e.method, Method::Get | Method::Delete) {
                assert!(e.body.is_none(), "{} has a body", e.id);
                assert!(e.idempotent, "{} should be idempotent", e.id);
            }
            if e.path.starts_with("/account/") {
                assert_ne!(e.scope, Scope::Project, "{}", e.id);
            }
            let from_path: Vec<&str> = e
                .path
                .split('/')
                .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
                .collect();
            assert_eq!(from_path, e.path_params, "{}", e.id);
            assert_eq!(e.query.len(), e.query_params.len(), "{}", e.id);
            assert_eq!(
                e.binary_flag.is_some(),
                e.response == ResponseKind::Binary,
                "{}",
                e.id
            );
        }
        assert_eq!(endpoint("contacts.get").unwrap().path_params, ["id"]);
        assert!(endpoint("nope.nope").is_none());
    }

    #[test]
    fn patterns_compile() {
        for p in crate::generated::PATTERNS {
            assert!(
                regex_lite::Regex::new(p).is_ok(),
                "pattern {p} does not compile"
            );
        }
    }

    #[test]
    fn describe_shape() {
        let d = endpoint("emails.send").unwrap().describe();
        for k in [
            "id",
            "namespace",
            "name",
            "method",
            "path",
            "path_params",
            "query",
            "query_params",
            "scope",
            "idempotent",
            "has_body",
            "body_required",
            "response",
            "binary_flag",
            "pagination",
            "rules",
            "max_body_bytes",
            "summary",
        ] {
            assert!(d.get(k).is_some(), "describe() lacks {k}");
        }
        assert_eq!(d["response"], "data");
        assert_eq!(d["max_body_bytes"], 41_943_040);
        assert!(d["rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "send_recipients"));
        let all = describe_catalog();
        assert_eq!(all.as_array().unwrap().len(), CATALOG.len());
    }
}
