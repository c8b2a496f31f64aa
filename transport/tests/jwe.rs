//! End to end with payload encryption on (JWE): sends, bulk sends and contact upserts pass
//! through the sandbox, which decrypts them with its own implementation, including a key
//! rotation in the middle (`--jwks-rotate-after`).

mod common;

use common::Sandbox;
use serde_json::{json, Value};

fn send_params(i: usize) -> Value {
    json!({"from": {"email": "hello@mail.example.com"}, "to": {"email": format!("ada{i}@example.com")},
           "subject": format!("Encrypted {i}"), "html": "<p>secret</p>"})
}

#[test]
fn encrypted_send_bulk_and_upsert_survive_a_key_rotation() {
    let sb = Sandbox::start(&[
        "--rate-per-second",
        "100000",
        "--rate-per-minute",
        "1000000",
        "--lazy-jwks",
        "--jwks-rotate-after",
        "3",
    ]);
    let mut o = sb.options(&sb.project_key(), None);
    o.encrypt_payloads = true;
    let c = autosend_http::blocking::Client::new(o, sb.tls()).unwrap();

    let sent = c.call("emails.send", send_params(0)).unwrap();
    assert!(sent.data["emailId"].is_string());
    let bulk = c
        .call(
            "emails.bulk",
            json!({"from": {"email": "hello@mail.example.com"}, "subject": "Bulk", "html": "<p>x</p>",
                   "recipients": [{"email": "a@example.com"}, {"email": "b@example.com"}]}),
        )
        .unwrap();
    assert_eq!(bulk.data["totalRecipients"], 2);
    let up = c
        .call(
            "contacts.upsert",
            json!({"email": "grace@example.com", "firstName": "Grace", "customFields": {"plan": "pro"}}),
        )
        .unwrap();
    assert_eq!(up.data["firstName"], "Grace");
    // Three decrypted: the sandbox rotates. The client still holds the old key set, gets one
    // 400 INVALID_ENCRYPTED_PAYLOAD, refreshes and re-sends; later calls use the new key.
    for i in 1..=3 {
        let r = c.call("emails.send", send_params(i)).unwrap();
        assert!(r.data["emailId"].is_string());
    }
    // A per-call opt-out goes plain.
    c.call_with("emails.send", send_params(9), Some(false))
        .unwrap();

    let stats = sb.admin_get("/_sandbox/stats");
    let dec = stats["jwe_decrypted"].as_object().unwrap();
    assert_eq!(dec.len(), 2, "both keys used: {stats}");
    assert_eq!(dec.values().map(|v| v.as_u64().unwrap()).sum::<u64>(), 6);
    assert_eq!(stats["rejected"]["INVALID_ENCRYPTED_PAYLOAD"], 1, "{stats}");
    assert_eq!(stats["processed"]["emails.send"], 5);
    assert_eq!(stats["processed"]["emails.bulk"], 1);
    assert_eq!(stats["processed"]["contacts.upsert"], 1);
    assert_eq!(stats["processed"]["jwks.get"], 2, "one fetch, one refresh");
    // What arrived is the plaintext, handled like any other request.
    let msgs = sb.admin_get("/_sandbox/messages");
    assert!(msgs.to_string().contains("Encrypted 3"), "{msgs}");
}

#[test]
fn per_call_encryption_on_a_plain_client_and_the_async_client() {
    let sb = Sandbox::fast();
    let c = sb.project_client();
    c.call_with("emails.send", send_params(1), Some(true))
        .unwrap();
    c.call("emails.send", send_params(2)).unwrap();
    let stats = sb.admin_get("/_sandbox/stats");
    let dec = stats["jwe_decrypted"].as_object().unwrap();
    assert_eq!(dec.values().map(|v| v.as_u64().unwrap()).sum::<u64>(), 1);
    assert_eq!(stats["processed"]["emails.send"], 2);

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut o = sb.options(&sb.project_key(), None);
    o.encrypt_payloads = true;
    let ac = autosend_http::Client::new(o, sb.tls()).unwrap();
    rt.block_on(ac.call("contacts.upsert", json!({"email": "x@example.com"})))
        .unwrap();
    let stats = sb.admin_get("/_sandbox/stats");
    let dec = stats["jwe_decrypted"].as_object().unwrap();
    assert_eq!(dec.values().map(|v| v.as_u64().unwrap()).sum::<u64>(), 2);
}
