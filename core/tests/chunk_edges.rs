//! The chunker's edges (issue 17, round 8): the exact split and ranges, the report's item
//! arithmetic and JSON, progress, the stop policy for every error kind (docs/contract.md,
//! "Pagination and chunking"), and misuse of `record`. The conformance vectors
//! (`tests/vectors/chunking.json`) cover whole runs; these pin the values they do not read.

use autosend::chunk::{max_items, ChunkResult, Progress, Report, Status, CHUNKED};
use autosend::{endpoint, Chunker, Error, ErrorKind};
use serde_json::{json, Value};

fn emails(n: usize) -> Vec<Value> {
    (0..n).map(|i| json!(format!("u{i}@example.com"))).collect()
}

/// `contactLists.bulkAdd` (500 per chunk) with `n` emails and one shared field.
fn bulk_add(n: usize) -> Chunker {
    Chunker::new(
        "contactLists.bulkAdd",
        json!({"contactListId": "L1", "emails": emails(n)}),
    )
    .unwrap()
}

#[test]
fn status_names_are_the_documented_ones() {
    let names: Vec<&str> = [
        Status::Accepted,
        Status::Refused,
        Status::MayHaveBeenDelivered,
        Status::NotAttempted,
    ]
    .iter()
    .map(Status::name)
    .collect();
    assert_eq!(
        names,
        [
            "accepted",
            "refused",
            "may_have_been_delivered",
            "not_attempted"
        ]
    );
}

#[test]
fn chunk_sizes_come_from_the_schema() {
    let size = |id: &str, f: &str| max_items(endpoint(id).unwrap(), f);
    assert_eq!(size("emails.bulk", "recipients"), Some(100));
    assert_eq!(size("contacts.bulkUpdate", "contacts"), Some(100));
    assert_eq!(size("contactLists.bulkAdd", "emails"), Some(500));
    assert_eq!(size("contactLists.bulkAdd", "contactIds"), Some(500));
    // Not an array field, no such field, no body at all: no size.
    assert_eq!(size("emails.bulk", "subject"), None);
    assert_eq!(size("emails.bulk", "from"), None);
    assert_eq!(size("emails.bulk", "nope"), None);
    assert_eq!(size("contacts.get", "contacts"), None);
    let ids: Vec<&str> = CHUNKED.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        ids,
        ["emails.bulk", "contacts.bulkUpdate", "contactLists.bulkAdd"]
    );
}

#[test]
fn usage_errors_are_exact() {
    let e = Chunker::new("emails.send", json!({})).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation);
    assert_eq!(e.field(), Some("params"));
    assert_eq!(
        e.message(),
        "params: emails.send is not a bulk endpoint that can be split into chunks; use one of: \
         emails.bulk, contacts.bulkUpdate, contactLists.bulkAdd"
    );
    let e = Chunker::new("emails.bulk", json!([1])).unwrap_err();
    assert_eq!(
        e.message(),
        "params: params must be a JSON object (got [1])"
    );
    let e = Chunker::new("contactLists.bulkAdd", json!({"emails": null})).unwrap_err();
    assert_eq!(e.field(), Some("emails"));
    assert_eq!(
        e.message(),
        "emails: give the items to send in emails or contactIds (an array; it is split into chunks)"
    );
    let e = Chunker::new(
        "contactLists.bulkAdd",
        json!({"emails": ["a@b.c"], "contactIds": ["x"]}),
    )
    .unwrap_err();
    assert_eq!(e.message(), "emails: give emails or contactIds, not both");
    let e = Chunker::new("contacts.bulkUpdate", json!({"contacts": 3})).unwrap_err();
    assert_eq!(
        e.message(),
        "contacts: contacts must be an array of items (got 3)"
    );
    let e = Chunker::new("emails.bulk", json!({"recipients": []})).unwrap_err();
    assert_eq!(
        e.message(),
        "recipients: recipients is empty: give at least one item (nothing was sent)"
    );
}

#[test]
fn split_ranges_and_params_are_exact() {
    let c = bulk_add(1001);
    assert_eq!(c.endpoint().id, "contactLists.bulkAdd");
    assert_eq!(c.field(), "emails");
    assert_eq!(c.chunk_size(), 500);
    assert_eq!(c.chunks(), 3);
    assert_eq!(c.items(), 1001);
    assert_eq!(c.range(0), Some((0, 500)));
    assert_eq!(c.range(1), Some((500, 1000)));
    assert_eq!(c.range(2), Some((1000, 1001)));
    assert_eq!(c.range(3), None);
    assert_eq!(c.range(usize::MAX), None);
    let all = emails(1001);
    assert_eq!(
        c.chunk_params(1),
        Some(json!({"contactListId": "L1", "emails": all[500..1000]}))
    );
    assert_eq!(
        c.chunk_params(2),
        Some(json!({"contactListId": "L1", "emails": [all[1000]]}))
    );
    assert_eq!(c.chunk_params(3), None);
    // Exactly one chunk's worth: one chunk, no empty second one.
    let one = bulk_add(500);
    assert_eq!(
        (one.chunks(), one.range(0), one.range(1)),
        (1, Some((0, 500)), None)
    );
    let other = Chunker::new("contactLists.bulkAdd", json!({"contactIds": ["a", "b"]})).unwrap();
    assert_eq!(other.field(), "contactIds");
    assert_eq!(
        other.chunk_params(0),
        Some(json!({"contactIds": ["a", "b"]}))
    );
}

#[test]
fn chunks_are_handed_out_in_order_once() {
    let mut c = bulk_add(1001);
    let all = emails(1001);
    assert!(!c.is_done());
    let (i, p) = c.next_chunk().unwrap();
    assert_eq!(
        (i, p),
        (0, json!({"contactListId": "L1", "emails": all[..500]}))
    );
    assert!(!c.is_done());
    let (i, p) = c.next_chunk().unwrap();
    assert_eq!((i, p["emails"][0].clone()), (1, json!("u500@example.com")));
    let (i, p) = c.next_chunk().unwrap();
    assert_eq!((i, p["emails"].as_array().unwrap().len()), (2, 1));
    // Every chunk handed out (none recorded yet): nothing left, done.
    assert_eq!(c.next_chunk(), None);
    assert!(c.is_done());
}

#[test]
fn record_refuses_chunks_not_handed_out_and_twice() {
    let mut c = bulk_add(1001);
    let msg = |r: Result<(), Error>| {
        let e = r.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Internal);
        e.message().to_string()
    };
    assert_eq!(
        msg(c.record_ok(0, json!({}))),
        "chunk 0 was not handed out by next_chunk or already has an outcome"
    );
    assert_eq!(
        msg(c.record_err(7, Error::new(ErrorKind::Timeout, "t"))),
        "chunk 7 was not handed out by next_chunk or already has an outcome"
    );
    let (i, _) = c.next_chunk().unwrap();
    c.record_ok(i, json!({"added": 500})).unwrap();
    assert!(c.record_ok(i, json!({})).is_err());
    let (j, _) = c.next_chunk().unwrap();
    c.record_err(j, Error::new(ErrorKind::Conflict, "dup"))
        .unwrap();
    assert!(c
        .record_err(j, Error::new(ErrorKind::Conflict, "dup"))
        .is_err());
    // The refused second recordings changed nothing.
    let r = c.report();
    assert_eq!(r.chunks[0].status, Status::Accepted);
    assert_eq!(r.chunks[0].data, Some(json!({"added": 500})));
    assert_eq!(r.chunks[1].status, Status::Refused);
    assert_eq!(r.chunks[1].error.as_ref().unwrap().message(), "dup");
    assert_eq!(r.chunks[2].status, Status::NotAttempted);
    assert!(!r.stopped);
}

#[test]
fn progress_counts_recorded_chunks_only() {
    let mut c = bulk_add(1001);
    let p = c.progress();
    assert_eq!(
        p,
        Progress {
            chunks_done: 0,
            chunks_total: 3,
            items_done: 0,
            items_total: 1001
        }
    );
    for _ in 0..3 {
        c.next_chunk().unwrap();
    }
    c.record_ok(2, json!(null)).unwrap();
    c.record_err(0, Error::new(ErrorKind::Server, "5xx"))
        .unwrap();
    // Chunk 1 is handed out, not recorded: not done.
    let p = c.progress();
    assert_eq!(
        (p.chunks_done, p.items_done, p.chunks_total, p.items_total),
        (2, 501, 3, 1001)
    );
    assert_eq!(
        p.describe(),
        json!({"chunks_done": 2, "chunks_total": 3, "items_done": 501, "items_total": 1001})
    );
}

#[test]
fn a_stop_ends_the_run_with_chunks_still_waiting() {
    let mut c = bulk_add(1001);
    let (i, _) = c.next_chunk().unwrap();
    c.record_err(i, Error::new(ErrorKind::Permission, "no"))
        .unwrap();
    assert!(c.is_done());
    assert_eq!(c.next_chunk(), None);
    let r = c.report();
    assert!(r.stopped);
    assert!(r.retry_safe, "contactLists.bulkAdd is idempotent");
    assert_eq!(r.items_with(&Status::Refused), (0..500).collect::<Vec<_>>());
    assert_eq!(
        r.items_with(&Status::NotAttempted),
        (500..1001).collect::<Vec<_>>()
    );
    assert!(
        !Chunker::new("emails.bulk", json!({"recipients": [{"email": "a@b.c"}]}))
            .unwrap()
            .report()
            .retry_safe
    );
}

/// docs/contract.md: the errors every later chunk would meet stop the run; the unknown
/// outcomes are `server`, `timeout`, `connection_lost`, `invalid_response` (or any error
/// flagged `may_have_been_delivered`); every other error is a refusal of this chunk only.
#[test]
fn every_error_kind_has_its_documented_outcome() {
    let stops = [
        "invalid_api_key",
        "missing_project_id",
        "project_id_not_allowed",
        "key_scope",
        "invalid_base_url",
        "invalid_config",
        "unknown_endpoint",
        "authentication",
        "plan_required",
        "permission",
        "rate_limited",
        "connect",
        "deadline_exceeded",
        "aborted",
        "internal",
    ];
    let unknown = ["server", "timeout", "connection_lost", "invalid_response"];
    for k in ErrorKind::ALL {
        let mut c = Chunker::new("emails.bulk", json!({"recipients": emails(150)})).unwrap();
        let (i, _) = c.next_chunk().unwrap();
        c.record_err(i, Error::new(*k, "x")).unwrap();
        let r = c.report();
        let name = k.name();
        let want = if unknown.contains(&name) {
            Status::MayHaveBeenDelivered
        } else {
            Status::Refused
        };
        assert_eq!(r.chunks[0].status, want, "{name}");
        assert_eq!(r.stopped, stops.contains(&name), "{name}");
        assert_eq!(c.is_done(), stops.contains(&name), "{name}");
        assert_eq!(c.next_chunk().is_some(), !stops.contains(&name), "{name}");
    }
}

#[test]
fn report_item_arithmetic() {
    let mut c = bulk_add(1001);
    let (i, _) = c.next_chunk().unwrap();
    c.record_ok(i, json!({"added": 500})).unwrap();
    let (i, _) = c.next_chunk().unwrap();
    c.record_err(i, Error::new(ErrorKind::Timeout, "t"))
        .unwrap();
    let r = c.report();
    assert_eq!(r.items_total(), 1001);
    assert_eq!(r.chunk_size, 500);
    assert_eq!(r.chunk_of(0).unwrap().index, 0);
    assert_eq!(r.chunk_of(499).unwrap().index, 0);
    assert_eq!(r.chunk_of(500).unwrap().index, 1);
    assert_eq!(r.chunk_of(999).unwrap().index, 1);
    assert_eq!(r.chunk_of(1000).unwrap().index, 2);
    assert!(r.chunk_of(1001).is_none(), "past the last item");
    assert!(
        r.chunk_of(1499).is_none(),
        "past the last item, inside the last chunk's span"
    );
    assert_eq!(r.item_status(1), Some(&Status::Accepted));
    assert_eq!(r.item_status(501), Some(&Status::MayHaveBeenDelivered));
    assert_eq!(r.item_status(1000), Some(&Status::NotAttempted));
    assert_eq!(r.item_status(1001), None);
    assert_eq!(r.count(&Status::Accepted), 500);
    assert_eq!(r.count(&Status::MayHaveBeenDelivered), 500);
    assert_eq!(r.count(&Status::NotAttempted), 1);
    assert_eq!(r.count(&Status::Refused), 0);
    assert!(!r.all_accepted());
    assert_eq!(r.items_with(&Status::NotAttempted), vec![1000]);
    assert_eq!(r.items_with(&Status::Refused), Vec::<usize>::new());
    assert_eq!(r.items_with(&Status::Accepted).len(), 500);
    // A report of nothing accepted, and one of everything accepted.
    assert!(!bulk_add(3).report().all_accepted());
    let mut all = bulk_add(3);
    let (i, _) = all.next_chunk().unwrap();
    all.record_ok(i, json!({})).unwrap();
    assert!(all.report().all_accepted());
    // A report built by hand with a chunk size of 0 has no chunk for any item.
    let empty = Report {
        endpoint: "emails.bulk",
        field: "recipients",
        chunk_size: 0,
        chunks: vec![ChunkResult {
            index: 0,
            start: 0,
            end: 2,
            status: Status::Accepted,
            data: None,
            error: None,
        }],
        stopped: false,
        retry_safe: false,
    };
    assert_eq!(empty.items_total(), 2);
    assert!(empty.chunk_of(0).is_none());
    assert!(empty.item_status(1).is_none());
}

#[test]
fn report_json_is_exact() {
    let mut c = Chunker::new(
        "emails.bulk",
        json!({"subject": "S", "recipients": emails(201)}),
    )
    .unwrap();
    let (i, _) = c.next_chunk().unwrap();
    c.record_ok(i, json!({"batchId": "b0"})).unwrap();
    let (i, _) = c.next_chunk().unwrap();
    // Handed out, never recorded: may have been delivered, with an `aborted` error.
    assert_eq!(i, 1);
    let r = c.report();
    let lost = Error::new(
        ErrorKind::Aborted,
        "chunk 1 was handed out but its outcome was never recorded",
    )
    .to_json();
    assert_eq!(
        r.chunks[0].describe(),
        json!({"index": 0, "start": 0, "end": 100, "items": 100, "status": "accepted",
               "data": {"batchId": "b0"}})
    );
    assert_eq!(
        r.chunks[1].describe(),
        json!({"index": 1, "start": 100, "end": 200, "items": 100,
               "status": "may_have_been_delivered", "error": lost})
    );
    assert_eq!(
        r.chunks[2].describe(),
        json!({"index": 2, "start": 200, "end": 201, "items": 1, "status": "not_attempted"})
    );
    let d = r.describe();
    let mut items = Vec::new();
    for i in 0..100 {
        items.push(json!({"index": i, "chunk": 0, "status": "accepted"}));
    }
    for i in 100..200 {
        items.push(
            json!({"index": i, "chunk": 1, "status": "may_have_been_delivered", "error": lost}),
        );
    }
    items.push(json!({"index": 200, "chunk": 2, "status": "not_attempted"}));
    assert_eq!(
        d,
        json!({
            "endpoint": "emails.bulk",
            "field": "recipients",
            "chunk_size": 100,
            "items_total": 201,
            "chunks_total": 3,
            "all_accepted": false,
            "stopped": false,
            "retry_safe": false,
            "counts": {"accepted": 100, "refused": 0, "may_have_been_delivered": 100,
                       "not_attempted": 1},
            "chunks": [r.chunks[0].describe(), r.chunks[1].describe(), r.chunks[2].describe()],
            "items": items,
        })
    );
}
