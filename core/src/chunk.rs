//! Chunked bulk writes, decided once in the core (sans-IO): a [`Chunker`] splits a list of
//! items that is longer than one request may carry into chunks, builds each chunk's
//! parameters, records what happened to each chunk and reports, per item, what became of it.
//!
//! ```text
//! Chunker::new(id, params with all items) ─► next_chunk() ─► Call ─► record(i, result)
//!                                               ▲                          │
//!                                               └──────────────────────────┘ ─► report()
//! ```
//!
//! The chunk size is the `maxItems` of the item array in the endpoint's body schema (the API
//! description), never a number written here: `emails.bulk` `recipients` (100),
//! `contacts.bulkUpdate` `contacts` (100), `contactLists.bulkAdd` `emails` or `contactIds`
//! (500). Every other parameter is copied into every chunk.
//!
//! **Policy** (also in `docs/contract.md`):
//! - every chunk is handed out at most once by [`Chunker::next_chunk`]; a chunk is never
//!   re-submitted by the chunker, whatever its outcome (the [`crate::Call`] itself already
//!   retries what is safe to retry);
//! - a chunk whose outcome is unknown (5xx, timeout, lost connection, garbled answer: the
//!   server may have acted on it) is reported `may_have_been_delivered` and the chunker
//!   **continues** with the next chunks: they are other items, and stopping would leave them
//!   unsent without making the unknown chunk any clearer;
//! - a chunk the API refused for its content (`validation`, `api_validation`, `not_found`,
//!   `conflict`, `unexpected_status`) is `refused` and the next chunks still go;
//! - an error that every later chunk would meet too (the key is refused, missing permission
//!   or plan, rate limit the call gave up on, deadline, cancellation, no connection) stops the
//!   run: the chunk is `refused` (or `may_have_been_delivered`), the rest `not_attempted`;
//! - every item is in exactly one chunk and the report lists every item exactly once.

use crate::catalog::{endpoint, Endpoint};
use crate::error::{Error, ErrorKind};
use crate::response::ApiResponse;
use crate::schema::Schema;
use serde_json::{Map, Value};

/// The bulk endpoints that can be chunked and the body field(s) holding their items (one of
/// them per call). Sizes come from the schema.
pub const CHUNKED: &[(&str, &[&str])] = &[
    ("emails.bulk", &["recipients"]),
    ("contacts.bulkUpdate", &["contacts"]),
    ("contactLists.bulkAdd", &["emails", "contactIds"]),
];

/// What became of one chunk (and so of each of its items).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Status {
    /// The API accepted the chunk (2xx).
    Accepted,
    /// Not processed: the API refused it (4xx), it failed local checks, or it never reached
    /// the server (connect error). The error says which.
    Refused,
    /// Outcome unknown: the request went out and no clear answer came back; the server may
    /// have acted on it. Never re-sent by the chunker.
    MayHaveBeenDelivered,
    /// Not sent: the run stopped before this chunk (or has not reached it yet).
    NotAttempted,
}

impl Status {
    /// `accepted`, `refused`, `may_have_been_delivered` or `not_attempted`.
    pub fn name(&self) -> &'static str {
        match self {
            Status::Accepted => "accepted",
            Status::Refused => "refused",
            Status::MayHaveBeenDelivered => "may_have_been_delivered",
            Status::NotAttempted => "not_attempted",
        }
    }
}

#[derive(Debug, Clone)]
enum Slot {
    Waiting,
    HandedOut,
    Accepted(Value),
    Refused(Error),
    Unknown(Error),
}

/// One chunk in a [`Report`].
#[derive(Debug, Clone)]
pub struct ChunkResult {
    /// 0-based chunk number.
    pub index: usize,
    /// Index of its first item in the caller's list.
    pub start: usize,
    /// One past its last item.
    pub end: usize,
    /// What became of it.
    pub status: Status,
    /// The answer's `data`, when accepted.
    pub data: Option<Value>,
    /// The error, when refused or of unknown outcome.
    pub error: Option<Error>,
}

impl ChunkResult {
    /// `{index, start, end, items, status, data?, error?}`.
    pub fn describe(&self) -> Value {
        let mut v = serde_json::json!({
            "index": self.index,
            "start": self.start,
            "end": self.end,
            "items": self.end - self.start,
            "status": self.status.name(),
        });
        if let Some(d) = &self.data {
            v["data"] = d.clone();
        }
        if let Some(e) = &self.error {
            v["error"] = e.to_json();
        }
        v
    }
}

/// Chunks done so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Chunks with an outcome recorded.
    pub chunks_done: usize,
    /// All chunks.
    pub chunks_total: usize,
    /// Items in the chunks with an outcome.
    pub items_done: usize,
    /// All items.
    pub items_total: usize,
}

impl Progress {
    /// `{chunks_done, chunks_total, items_done, items_total}`.
    pub fn describe(&self) -> Value {
        serde_json::json!({
            "chunks_done": self.chunks_done,
            "chunks_total": self.chunks_total,
            "items_done": self.items_done,
            "items_total": self.items_total,
        })
    }
}

/// The outcome of a chunked run: per chunk and per item.
#[derive(Debug, Clone)]
pub struct Report {
    /// The endpoint id.
    pub endpoint: &'static str,
    /// The body field that was split.
    pub field: &'static str,
    /// Items per chunk (the last one may hold fewer).
    pub chunk_size: usize,
    /// Every chunk, in order.
    pub chunks: Vec<ChunkResult>,
    /// True when the run stopped before the last chunk (an error every chunk would meet).
    pub stopped: bool,
    /// True when a chunk with an unknown outcome may be sent again safely (the endpoint is
    /// idempotent); false means check before re-sending those items.
    pub retry_safe: bool,
}

impl Report {
    /// Number of items.
    pub fn items_total(&self) -> usize {
        self.chunks.last().map(|c| c.end).unwrap_or(0)
    }

    /// The chunk holding item `index`.
    pub fn chunk_of(&self, index: usize) -> Option<&ChunkResult> {
        if self.chunk_size == 0 || index >= self.items_total() {
            return None;
        }
        self.chunks.get(index / self.chunk_size)
    }

    /// The status of item `index` (0-based, in the caller's list).
    pub fn item_status(&self, index: usize) -> Option<&Status> {
        self.chunk_of(index).map(|c| &c.status)
    }

    /// How many items ended with `status`.
    pub fn count(&self, status: &Status) -> usize {
        self.chunks
            .iter()
            .filter(|c| &c.status == status)
            .map(|c| c.end - c.start)
            .sum()
    }

    /// True when every chunk was accepted.
    pub fn all_accepted(&self) -> bool {
        self.chunks.iter().all(|c| c.status == Status::Accepted)
    }

    /// Indices of the items with `status` (e.g. the ones to check or re-send).
    pub fn items_with(&self, status: &Status) -> Vec<usize> {
        self.chunks
            .iter()
            .filter(|c| &c.status == status)
            .flat_map(|c| c.start..c.end)
            .collect()
    }

    /// The report as JSON: `{endpoint, field, chunk_size, items_total, chunks_total,
    /// all_accepted, stopped, retry_safe, counts: {accepted, refused,
    /// may_have_been_delivered, not_attempted}, chunks: [ChunkResult::describe],
    /// items: [{index, chunk, status, error?}]}` — every item exactly once, in order; `error`
    /// is the chunk's error (`{kind, code, message, …}`).
    pub fn describe(&self) -> Value {
        let mut items = Vec::with_capacity(self.items_total());
        for c in &self.chunks {
            let err = c.error.as_ref().map(Error::to_json);
            for i in c.start..c.end {
                let mut it = serde_json::json!({
                    "index": i, "chunk": c.index, "status": c.status.name()
                });
                if let Some(e) = &err {
                    it["error"] = e.clone();
                }
                items.push(it);
            }
        }
        let counts: Map<String, Value> = [
            Status::Accepted,
            Status::Refused,
            Status::MayHaveBeenDelivered,
            Status::NotAttempted,
        ]
        .iter()
        .map(|s| (s.name().to_string(), Value::from(self.count(s))))
        .collect();
        serde_json::json!({
            "endpoint": self.endpoint,
            "field": self.field,
            "chunk_size": self.chunk_size,
            "items_total": self.items_total(),
            "chunks_total": self.chunks.len(),
            "all_accepted": self.all_accepted(),
            "stopped": self.stopped,
            "retry_safe": self.retry_safe,
            "counts": counts,
            "chunks": self.chunks.iter().map(ChunkResult::describe).collect::<Vec<_>>(),
            "items": items,
        })
    }
}

/// Splits one bulk write into requests the API accepts. See the module documentation.
#[derive(Debug, Clone)]
pub struct Chunker {
    endpoint: &'static Endpoint,
    field: &'static str,
    shared: Map<String, Value>,
    items: Vec<Value>,
    size: usize,
    slots: Vec<Slot>,
    stopped: bool,
}

fn resolve(mut s: &'static Schema) -> &'static Schema {
    loop {
        match s {
            Schema::Ref(inner) | Schema::Nullable(inner) => s = inner,
            other => return other,
        }
    }
}

/// `maxItems` of the top-level body array `field` of `e`.
pub fn max_items(e: &Endpoint, field: &str) -> Option<usize> {
    match resolve(e.body?) {
        Schema::Object(o) => o
            .fields
            .iter()
            .find(|f| f.name == field)
            .and_then(|f| match resolve(f.schema) {
                Schema::Array(a) => a.max.map(|m| m as usize),
                _ => None,
            }),
        _ => None,
    }
}

fn chunked_ids() -> String {
    CHUNKED
        .iter()
        .map(|(id, _)| *id)
        .collect::<Vec<_>>()
        .join(", ")
}

/// True when an error will meet every later chunk too, so the run stops.
fn stops_the_run(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::InvalidApiKey
            | ErrorKind::MissingProjectId
            | ErrorKind::ProjectIdNotAllowed
            | ErrorKind::KeyScope
            | ErrorKind::InvalidBaseUrl
            | ErrorKind::InvalidConfig
            | ErrorKind::UnknownEndpoint
            | ErrorKind::Authentication
            | ErrorKind::PlanRequired
            | ErrorKind::Permission
            | ErrorKind::RateLimited
            | ErrorKind::Connect
            | ErrorKind::DeadlineExceeded
            | ErrorKind::Aborted
            | ErrorKind::Internal
    )
}

/// True when the request may have reached the server and been acted on.
fn outcome_unknown(e: &Error) -> bool {
    e.may_have_been_delivered()
        || matches!(
            e.kind(),
            ErrorKind::Server
                | ErrorKind::Timeout
                | ErrorKind::ConnectionLost
                | ErrorKind::InvalidResponse
        )
}

impl Chunker {
    /// A chunker for `endpoint_id` (one of [`CHUNKED`]) with `params` holding all the items
    /// in its item field (`recipients`, `contacts`, `emails` or `contactIds`) and the fields
    /// every chunk shares. `validation` errors: another endpoint, no item field (or both of
    /// `emails` and `contactIds`), an item field that is not an array, or 0 items.
    pub fn new(endpoint_id: &str, params: Value) -> Result<Chunker, Error> {
        let Some((_, fields)) = CHUNKED.iter().find(|(id, _)| *id == endpoint_id) else {
            return Err(Error::validation(
                "",
                format!(
                    "{endpoint_id} is not a bulk endpoint that can be split into chunks; use \
                     one of: {}",
                    chunked_ids()
                ),
            ));
        };
        let e = endpoint(endpoint_id).ok_or_else(|| {
            Error::new(
                ErrorKind::Internal,
                format!("{endpoint_id} is missing from the catalog"),
            )
        })?;
        let mut shared = match params {
            Value::Object(m) => m,
            other => {
                return Err(Error::validation(
                    "params",
                    format!("params must be a JSON object (got {other})"),
                ))
            }
        };
        let given: Vec<&'static str> = fields
            .iter()
            .copied()
            .filter(|f| shared.get(*f).is_some_and(|v| !v.is_null()))
            .collect();
        let field = match given.as_slice() {
            [f] => *f,
            [] => {
                return Err(Error::validation(
                    fields[0],
                    format!(
                        "give the items to send in {} (an array; it is split into chunks)",
                        fields.join(" or ")
                    ),
                ))
            }
            _ => {
                return Err(Error::validation(
                    fields[0],
                    format!("give {}, not both", fields.join(" or ")),
                ))
            }
        };
        let items = match shared.remove(field) {
            Some(Value::Array(a)) => a,
            Some(other) => {
                return Err(Error::validation(
                    field,
                    format!("{field} must be an array of items (got {other})"),
                ))
            }
            None => unreachable!("checked above"),
        };
        if items.is_empty() {
            return Err(Error::validation(
                field,
                format!("{field} is empty: give at least one item (nothing was sent)"),
            ));
        }
        let size = max_items(e, field).filter(|m| *m >= 1).ok_or_else(|| {
            Error::new(
                ErrorKind::Internal,
                format!("the API description gives no maxItems for {endpoint_id} {field}"),
            )
        })?;
        let n = items.len().div_ceil(size);
        Ok(Chunker {
            endpoint: e,
            field,
            shared,
            items,
            size,
            slots: vec![Slot::Waiting; n],
            stopped: false,
        })
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &'static Endpoint {
        self.endpoint
    }

    /// The body field being split.
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// Items per chunk (the schema's `maxItems`).
    pub fn chunk_size(&self) -> usize {
        self.size
    }

    /// Number of chunks.
    pub fn chunks(&self) -> usize {
        self.slots.len()
    }

    /// Number of items.
    pub fn items(&self) -> usize {
        self.items.len()
    }

    /// The item range `[start, end)` of chunk `index`.
    pub fn range(&self, index: usize) -> Option<(usize, usize)> {
        (index < self.slots.len()).then(|| {
            let start = index * self.size;
            (start, (start + self.size).min(self.items.len()))
        })
    }

    /// The parameters of chunk `index`: the shared fields and this chunk's items.
    pub fn chunk_params(&self, index: usize) -> Option<Value> {
        let (s, e) = self.range(index)?;
        let mut m = self.shared.clone();
        m.insert(self.field.into(), Value::Array(self.items[s..e].to_vec()));
        Some(Value::Object(m))
    }

    /// The next chunk to send, `(index, params)`, in order; each chunk is handed out once.
    /// `None` when every chunk was handed out or the run stopped. Send it as a normal call
    /// and give the result to [`Chunker::record`].
    pub fn next_chunk(&mut self) -> Option<(usize, Value)> {
        if self.stopped {
            return None;
        }
        let i = self.slots.iter().position(|s| matches!(s, Slot::Waiting))?;
        self.slots[i] = Slot::HandedOut;
        Some((i, self.chunk_params(i)?))
    }

    /// Records the result of chunk `index`'s call (including an error from preparing the
    /// call: nothing was sent). Recording a chunk that was not handed out, or twice, is an
    /// `internal` error and changes nothing.
    pub fn record(
        &mut self,
        index: usize,
        result: Result<ApiResponse, Error>,
    ) -> Result<(), Error> {
        match self.slots.get(index) {
            Some(Slot::HandedOut) => {}
            _ => {
                return Err(Error::new(
                    ErrorKind::Internal,
                    format!(
                        "chunk {index} was not handed out by next_chunk or already has an outcome"
                    ),
                ))
            }
        }
        self.slots[index] = match result {
            Ok(r) => Slot::Accepted(r.data),
            Err(e) => {
                if stops_the_run(e.kind()) {
                    self.stopped = true;
                }
                if outcome_unknown(&e) {
                    Slot::Unknown(e)
                } else {
                    Slot::Refused(e)
                }
            }
        };
        Ok(())
    }

    /// [`Chunker::record`] of a success, for bindings that hold only the answer's `data`.
    pub fn record_ok(&mut self, index: usize, data: Value) -> Result<(), Error> {
        self.record(
            index,
            Ok(ApiResponse {
                status: 200,
                data,
                message: None,
                bytes: None,
                content_type: None,
                filename: None,
                request_id: None,
                attempts: 1,
                already_gone: false,
            }),
        )
    }

    /// [`Chunker::record`] of a failure.
    pub fn record_err(&mut self, index: usize, error: Error) -> Result<(), Error> {
        self.record(index, Err(error))
    }

    /// Chunks done so far.
    pub fn progress(&self) -> Progress {
        let mut p = Progress {
            chunks_done: 0,
            chunks_total: self.slots.len(),
            items_done: 0,
            items_total: self.items.len(),
        };
        for (i, s) in self.slots.iter().enumerate() {
            if !matches!(s, Slot::Waiting | Slot::HandedOut) {
                let (a, b) = self.range(i).unwrap_or((0, 0));
                p.chunks_done += 1;
                p.items_done += b - a;
            }
        }
        p
    }

    /// True when no chunk is left to hand out.
    pub fn is_done(&self) -> bool {
        self.stopped || !self.slots.iter().any(|s| matches!(s, Slot::Waiting))
    }

    /// The report so far. A chunk handed out but never recorded counts as
    /// `may_have_been_delivered` (it may have been sent).
    pub fn report(&self) -> Report {
        let chunks = self
            .slots
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let (start, end) = self.range(i).unwrap_or((0, 0));
                let (status, data, error) = match s {
                    Slot::Waiting => (Status::NotAttempted, None, None),
                    Slot::HandedOut => (
                        Status::MayHaveBeenDelivered,
                        None,
                        Some(Error::new(
                            ErrorKind::Aborted,
                            format!("chunk {i} was handed out but its outcome was never recorded"),
                        )),
                    ),
                    Slot::Accepted(d) => (Status::Accepted, Some(d.clone()), None),
                    Slot::Refused(e) => (Status::Refused, None, Some(e.clone())),
                    Slot::Unknown(e) => (Status::MayHaveBeenDelivered, None, Some(e.clone())),
                };
                ChunkResult {
                    index: i,
                    start,
                    end,
                    status,
                    data,
                    error,
                }
            })
            .collect();
        Report {
            endpoint: self.endpoint.id,
            field: self.field,
            chunk_size: self.size,
            chunks,
            stopped: self.stopped,
            retry_safe: self.endpoint.idempotent,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ok(data: Value) -> Result<ApiResponse, Error> {
        Ok(ApiResponse {
            status: 200,
            data,
            message: None,
            bytes: None,
            content_type: None,
            filename: None,
            request_id: None,
            attempts: 1,
            already_gone: false,
        })
    }

    fn emails(n: usize) -> Vec<Value> {
        (0..n).map(|i| json!(format!("u{i}@example.com"))).collect()
    }

    #[test]
    fn every_table_entry_has_a_schema_max() {
        for (id, fields) in CHUNKED {
            let e = endpoint(id).unwrap();
            for f in *fields {
                assert!(max_items(e, f).is_some(), "{id} {f}");
            }
        }
        assert_eq!(
            max_items(endpoint("emails.bulk").unwrap(), "recipients"),
            Some(100)
        );
        assert_eq!(
            max_items(endpoint("contactLists.bulkAdd").unwrap(), "emails"),
            Some(500)
        );
    }

    #[test]
    fn splits_copies_shared_fields_and_never_hands_out_twice() {
        let mut c = Chunker::new(
            "contactLists.bulkAdd",
            json!({"contactListId": "L1", "emails": emails(1001)}),
        )
        .unwrap();
        assert_eq!((c.chunks(), c.chunk_size()), (3, 500));
        let mut seen = 0;
        while let Some((i, p)) = c.next_chunk() {
            assert_eq!(p["contactListId"], "L1");
            seen += p["emails"].as_array().unwrap().len();
            c.record(i, ok(json!({"added": 1}))).unwrap();
            assert!(c.record(i, ok(json!({}))).is_err(), "recorded twice");
        }
        assert_eq!(seen, 1001);
        assert!(c.report().all_accepted());
        assert_eq!(c.progress().items_done, 1001);
    }

    #[test]
    fn unknown_outcome_continues_auth_error_stops() {
        let mut c = Chunker::new("contactLists.bulkAdd", json!({"emails": emails(2000)})).unwrap();
        let (i, _) = c.next_chunk().unwrap();
        c.record(i, Err(Error::new(ErrorKind::Timeout, "t")))
            .unwrap();
        let (i, _) = c.next_chunk().unwrap();
        assert_eq!(i, 1);
        c.record(i, Err(Error::new(ErrorKind::Authentication, "no")))
            .unwrap();
        assert!(c.next_chunk().is_none());
        let r = c.report();
        assert!(r.stopped && r.retry_safe);
        assert_eq!(r.count(&Status::MayHaveBeenDelivered), 500);
        assert_eq!(r.count(&Status::Refused), 500);
        assert_eq!(r.count(&Status::NotAttempted), 1000);
        assert_eq!(r.item_status(1999), Some(&Status::NotAttempted));
        assert_eq!(r.describe()["items"].as_array().unwrap().len(), 2000);
    }

    #[test]
    fn an_error_flagged_may_have_been_delivered_is_an_unknown_outcome() {
        // A deadline that ran out after the request went out: the outcome is unknown (the
        // flag), and the run stops (every later chunk would meet the same deadline).
        let mut c = Chunker::new("emails.bulk", json!({"recipients": emails(150)})).unwrap();
        let (i, _) = c.next_chunk().unwrap();
        let e = Error::new(ErrorKind::DeadlineExceeded, "late").with_may_have_been_delivered(true);
        c.record(i, Err(e)).unwrap();
        let r = c.report();
        assert_eq!(r.chunks[0].status, Status::MayHaveBeenDelivered);
        assert!(r.stopped);
        assert_eq!(
            r.items_with(&Status::NotAttempted),
            (100..150).collect::<Vec<_>>()
        );
        // The same kind without the flag (nothing went out) is a refusal.
        let mut c = Chunker::new("emails.bulk", json!({"recipients": emails(150)})).unwrap();
        let (i, _) = c.next_chunk().unwrap();
        c.record(i, Err(Error::new(ErrorKind::DeadlineExceeded, "late")))
            .unwrap();
        assert_eq!(c.report().chunks[0].status, Status::Refused);
    }

    #[test]
    fn usage_errors() {
        let e = Chunker::new("emails.send", json!({})).unwrap_err();
        assert!(e.message().contains("emails.bulk"), "{e}");
        let e = Chunker::new("emails.bulk", json!({"recipients": []})).unwrap_err();
        assert_eq!(e.field(), Some("recipients"));
        let e = Chunker::new(
            "contactLists.bulkAdd",
            json!({"emails": ["a@b.c"], "contactIds": ["x"]}),
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Validation);
        assert!(Chunker::new("contacts.bulkUpdate", json!({"contacts": {}})).is_err());
        assert!(Chunker::new("contacts.bulkUpdate", json!({})).is_err());
    }
}
