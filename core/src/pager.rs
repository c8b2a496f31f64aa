//! Auto-pagination, decided once in the core (sans-IO): a [`Pager`] builds the parameters of
//! each page request and reads each page's answer; the binding only loops.
//!
//! ```text
//! Pager::new(id, params) ─► next_params() ─► Call (limiter, retries) ─► handle_page(data)
//!                               ▲                                            │
//!                               └──────────── has_more ◄─────────────────────┘
//! ```
//!
//! Every page request is an ordinary [`crate::Call`]: it goes through the key's limiter and
//! the retry policy like any other call. The pager never sends anything; it only says which
//! page comes next and when the list is exhausted (api §1.6: page numbers are 1-based; two
//! metadata styles, nested `data.pagination{page,limit,total,pages}` and flat
//! `data{total,page,limit,totalPages}`).
//!
//! When is the list exhausted? After the answer to page `p`:
//! - an empty page ends the walk;
//! - when the answer gives the number of pages (`pages`/`totalPages`, or `total` and `limit`),
//!   the walk ends at `p >= pages` — the **latest** answer is trusted, so a list that shrinks
//!   or grows while it is walked ends at its current last page, and a short page before the
//!   last one (fewer items than `limit`) does not end it;
//! - without page counts, a page with fewer items than the limit ends it;
//! - an answer for another page than the one asked for is an `invalid_response` error (a
//!   server that ignores or clamps `page` would otherwise repeat items forever);
//! - at most [`MAX_PAGES`] pages are walked.
//!
//! A failed page request does not move the pager: [`Pager::page`] is the page to retry, and
//! `Pager::new` with `params.page = N` resumes a walk at page `N`.

use crate::catalog::{endpoint, Endpoint, PageStyle, Pagination, ParamIn, CATALOG};
use crate::error::{Error, ErrorKind};
use crate::schema::Schema;
use serde_json::{Map, Value};

/// The most pages one pager walks (a guard against a server whose page counts never end).
pub const MAX_PAGES: u64 = 100_000;

/// One page's items and metadata, as read by [`Pager::handle_page`].
#[derive(Debug, Clone, PartialEq)]
pub struct PageInfo {
    /// The items of this page (the array named by the endpoint's `items`).
    pub items: Vec<Value>,
    /// The page number (1-based) that was asked for and answered.
    pub page: u64,
    /// Page size: the answer's `limit`, else the one sent, if any.
    pub limit: Option<u64>,
    /// Number of items in the whole list, as this answer says.
    pub total: Option<u64>,
    /// Number of pages, as this answer says (or `ceil(total / limit)`).
    pub pages: Option<u64>,
    /// True when another page will be requested.
    pub has_more: bool,
}

impl PageInfo {
    /// `{items, page, limit, total, pages, has_more}`.
    pub fn describe(&self) -> Value {
        serde_json::json!({
            "items": self.items,
            "page": self.page,
            "limit": self.limit,
            "total": self.total,
            "pages": self.pages,
            "has_more": self.has_more,
        })
    }
}

/// Walks a paged list endpoint page by page. See the module documentation.
#[derive(Debug, Clone)]
pub struct Pager {
    endpoint: &'static Endpoint,
    pagination: Pagination,
    params: Map<String, Value>,
    limit: Option<u64>,
    next: Option<u64>,
    first_page: u64,
    pages_done: u64,
    items_seen: u64,
    total: Option<u64>,
    pages: Option<u64>,
}

fn usage(field: &str, message: impl Into<String>) -> Error {
    Error::validation(field, message)
}

fn paged_ids() -> String {
    CATALOG
        .iter()
        .filter(|e| e.pagination.is_some())
        .map(|e| e.id)
        .collect::<Vec<_>>()
        .join(", ")
}

fn resolve(mut s: &'static Schema) -> &'static Schema {
    loop {
        match s {
            Schema::Ref(inner) | Schema::Nullable(inner) => s = inner,
            other => return other,
        }
    }
}

/// The documented maximum of `limit` (query parameter or body field).
fn limit_max(e: &Endpoint, p: &Pagination) -> Option<u64> {
    let max =
        match p.location {
            ParamIn::Query => e.query_param("limit").and_then(|q| q.max),
            ParamIn::Body => match resolve(e.body?) {
                Schema::Object(o) => o.fields.iter().find(|f| f.name == "limit").and_then(|f| {
                    match resolve(f.schema) {
                        Schema::Integer(n) | Schema::Number(n) => n.max,
                        _ => None,
                    }
                }),
                _ => None,
            },
        }?;
    (max.is_finite() && max >= 1.0).then_some(max as u64)
}

fn positive(v: &Value, field: &str) -> Result<Option<u64>, Error> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => match n.as_u64() {
            Some(x) if x >= 1 => Ok(Some(x)),
            _ => Err(usage(
                field,
                format!("{field} must be a whole number from 1 (got {n})"),
            )),
        },
        other => Err(usage(
            field,
            format!("{field} must be a whole number from 1 (got {other})"),
        )),
    }
}

/// A non-negative integer from the answer (numbers only; strings of digits are read too).
fn count(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

impl Pager {
    /// A pager for the paged list `endpoint_id` with the caller's `params` (filters, path
    /// parameters, and optionally `page` to start at — resuming — and `limit`). Without a
    /// `limit`, the documented maximum is sent, so the list takes the fewest requests.
    /// A non-paged endpoint, or a `page`/`limit` that is not a whole number ≥ 1, is a
    /// `validation` error.
    pub fn new(endpoint_id: &str, params: Value) -> Result<Pager, Error> {
        let e = endpoint(endpoint_id).ok_or_else(|| {
            Error::new(
                ErrorKind::UnknownEndpoint,
                format!(
                    "unknown endpoint id {endpoint_id:?}; paged lists: {}",
                    paged_ids()
                ),
            )
        })?;
        let p = e.pagination.ok_or_else(|| {
            usage(
                "",
                format!(
                    "{} is not a paged list, so it cannot be paginated: call it once, or page \
                     one of: {}",
                    e.id,
                    paged_ids()
                ),
            )
        })?;
        let mut params = match params {
            Value::Object(m) => m,
            Value::Null => Map::new(),
            other => {
                return Err(usage(
                    "params",
                    format!("params must be a JSON object (got {other})"),
                ))
            }
        };
        let first = positive(params.get("page").unwrap_or(&Value::Null), "page")?.unwrap_or(1);
        let limit = match positive(params.get("limit").unwrap_or(&Value::Null), "limit")? {
            Some(l) => Some(l),
            None => limit_max(e, &p),
        };
        params.remove("page");
        params.remove("limit");
        Ok(Pager {
            endpoint: e,
            pagination: p,
            params,
            limit,
            next: Some(first),
            first_page: first,
            pages_done: 0,
            items_seen: 0,
            total: None,
            pages: None,
        })
    }

    /// Like [`Pager::new`], starting (or resuming) at page `page` (≥ 1) whatever `params`
    /// says.
    pub fn starting_at(endpoint_id: &str, mut params: Value, page: u64) -> Result<Pager, Error> {
        if params.is_null() {
            params = Value::Object(Map::new());
        }
        if let Value::Object(m) = &mut params {
            m.insert("page".into(), Value::from(page));
        }
        Pager::new(endpoint_id, params)
    }

    /// The endpoint being walked.
    pub fn endpoint(&self) -> &'static Endpoint {
        self.endpoint
    }

    /// Its pagination (style, where page/limit go, the items' name).
    pub fn pagination(&self) -> Pagination {
        self.pagination
    }

    /// The parameters of the next page request (the caller's params with `page` and `limit`
    /// set), or `None` when the list is exhausted. Calling it again without
    /// [`Pager::handle_page`] gives the same page (a failed request is retried as is).
    pub fn next_params(&self) -> Option<Value> {
        let page = self.next?;
        let mut m = self.params.clone();
        m.insert("page".into(), Value::from(page));
        if let Some(l) = self.limit {
            m.insert("limit".into(), Value::from(l));
        }
        Some(Value::Object(m))
    }

    /// The page the next request asks for — after a failed request, the page to resume at
    /// (`Pager::starting_at(id, params, pager.page().unwrap())`). `None` once exhausted.
    pub fn page(&self) -> Option<u64> {
        self.next
    }

    /// True once the list is exhausted.
    pub fn is_done(&self) -> bool {
        self.next.is_none()
    }

    /// Pages read so far by this pager.
    pub fn pages_done(&self) -> u64 {
        self.pages_done
    }

    /// Items returned so far by this pager.
    pub fn items_seen(&self) -> u64 {
        self.items_seen
    }

    /// The latest `total` the server gave.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// Reads the answer (`data` of the envelope, [`crate::ApiResponse::data`]) to the request
    /// built from [`Pager::next_params`]: returns the items and metadata and moves to the next
    /// page, or ends the walk. An answer without the items array, or for another page than
    /// the one asked for, is `invalid_response` (and the pager does not move).
    pub fn handle_page(&mut self, data: &Value) -> Result<PageInfo, Error> {
        let asked = self.next.ok_or_else(|| {
            Error::new(
                ErrorKind::Internal,
                "handle_page called after the list was exhausted (next_params returned None)",
            )
        })?;
        let name = self.pagination.items;
        let items = match data.get(name) {
            Some(Value::Array(a)) => a.clone(),
            Some(Value::Null) | None if data.is_object() => {
                return Err(self.bad(format!(
                    "the answer for page {asked} has no `{name}` array in data"
                )))
            }
            _ => {
                return Err(self.bad(format!(
                    "the answer for page {asked} is not an object with a `{name}` array"
                )))
            }
        };
        let meta = match self.pagination.style {
            PageStyle::Nested => data.get("pagination").unwrap_or(&Value::Null),
            PageStyle::Flat => data,
        };
        let pages_key = match self.pagination.style {
            PageStyle::Nested => "pages",
            PageStyle::Flat => "totalPages",
        };
        if let Some(got) = count(meta.get("page")) {
            if got != asked {
                return Err(self.bad(format!(
                    "asked for page {asked} but the answer is page {got}; stopping so that no \
                     item is repeated or skipped (resume at page {asked})"
                )));
            }
        }
        let limit = count(meta.get("limit")).filter(|l| *l > 0).or(self.limit);
        let total = count(meta.get("total"));
        let pages = count(meta.get(pages_key)).or_else(|| match (total, limit) {
            (Some(t), Some(l)) => Some(t.div_ceil(l)),
            _ => None,
        });
        let n = items.len() as u64;
        let done = if n == 0 {
            true
        } else if let Some(pages) = pages {
            asked >= pages
        } else if let Some(l) = limit {
            n < l
        } else {
            false
        };
        self.pages_done += 1;
        self.items_seen += n;
        self.total = total.or(self.total);
        self.pages = pages.or(self.pages);
        let capped = self.pages_done >= MAX_PAGES;
        self.next = if done || capped {
            None
        } else {
            Some(asked + 1)
        };
        Ok(PageInfo {
            items,
            page: asked,
            limit,
            total,
            pages,
            has_more: self.next.is_some(),
        })
    }

    fn bad(&self, message: String) -> Error {
        Error::new(
            ErrorKind::InvalidResponse,
            format!("{}: {message}", self.endpoint.id),
        )
    }

    /// The pager's state for bindings and logs: `{endpoint, pagination, next_page,
    /// first_page, limit, pages_done, items_seen, total, pages, done}`.
    pub fn describe(&self) -> Value {
        serde_json::json!({
            "endpoint": self.endpoint.id,
            "pagination": self.pagination.describe(),
            "next_page": self.next,
            "first_page": self.first_page,
            "limit": self.limit,
            "pages_done": self.pages_done,
            "items_seen": self.items_seen,
            "total": self.total,
            "pages": self.pages,
            "done": self.is_done(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn nested(items: std::ops::Range<u32>, page: u64, limit: u64, total: u64) -> Value {
        json!({
            "campaigns": items.map(|i| json!({"id": i})).collect::<Vec<_>>(),
            "pagination": {"page": page, "limit": limit, "total": total,
                            "pages": total.div_ceil(limit)}
        })
    }

    #[test]
    fn walks_nested_query_pages_with_the_documented_max_limit() {
        let mut p = Pager::new("campaigns.list", json!({"status": "draft"})).unwrap();
        assert_eq!(
            p.next_params(),
            Some(json!({"status": "draft", "page": 1, "limit": 100}))
        );
        let a = p.handle_page(&nested(0..100, 1, 100, 150)).unwrap();
        assert!(a.has_more);
        assert_eq!(a.items.len(), 100);
        assert_eq!(p.next_params().unwrap()["page"], 2);
        let b = p.handle_page(&nested(100..150, 2, 100, 150)).unwrap();
        assert!(!b.has_more);
        assert_eq!(p.next_params(), None);
        assert_eq!(p.items_seen(), 150);
        assert!(p.handle_page(&nested(0..0, 3, 100, 150)).is_err());
    }

    #[test]
    fn body_located_limit_max_comes_from_the_body_schema() {
        let p = Pager::new(
            "contactLists.searchContacts",
            json!({"contactListId": "GLOBAL_CONTACT_LIST"}),
        )
        .unwrap();
        assert_eq!(p.next_params().unwrap()["limit"], 100);
        let p = Pager::new("inbound.list", json!({})).unwrap();
        assert_eq!(p.next_params().unwrap()["limit"], 200);
    }

    #[test]
    fn usage_errors() {
        let e = Pager::new("contacts.get", json!({"id": "x"})).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Validation);
        assert!(e.message().contains("not a paged list"), "{e}");
        assert!(e.message().contains("campaigns.list"), "{e}");
        assert_eq!(
            Pager::new("nope.nope", json!({})).unwrap_err().kind(),
            ErrorKind::UnknownEndpoint
        );
        let e = Pager::new("campaigns.list", json!({"page": 0})).unwrap_err();
        assert_eq!(e.field(), Some("page"));
        assert!(Pager::new("campaigns.list", json!({"limit": "5"})).is_err());
        assert!(Pager::new("campaigns.list", json!([1])).is_err());
    }

    #[test]
    fn failed_answer_does_not_move_and_resume_starts_there() {
        let mut p = Pager::starting_at("webhooks.list", Value::Null, 3).unwrap();
        assert_eq!(p.page(), Some(3));
        let e = p.handle_page(&json!({"total": 10})).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidResponse);
        assert_eq!(p.page(), Some(3));
        let e = p
            .handle_page(&json!({"webhooks": [1], "page": 1, "totalPages": 5}))
            .unwrap_err();
        assert!(e.message().contains("resume at page 3"), "{e}");
        let i = p
            .handle_page(
                &json!({"webhooks": [1], "page": 3, "limit": 1, "total": 5, "totalPages": 5}),
            )
            .unwrap();
        assert!(i.has_more);
        assert_eq!(p.page(), Some(4));
        assert_eq!(p.describe()["next_page"], 4);
    }
}
