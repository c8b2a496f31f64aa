//! Rule boundaries and exact redacted forms (issue 17): each test here kills mutants that the
//! other tests let survive (`bash scripts/mutants.sh`; results in docs/mutants.md). Every
//! limit is checked at the boundary and one past it, and every redaction against its exact
//! text (an empty `Debug` would pass a test that only checks the key is absent).

use autosend::{
    build_request, ClientConfig, ClientOptions, ErrorKind, NameStyle, OnRedisError, RateLimits,
    DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS, VERSION,
};
use autosend::{ApiKey, KeyKind};
use serde_json::json;

const PROJECT_KEY: &str = "AS_CanaryCanary0123456789SECRET";
const ACCOUNT_KEY: &str = "ASA_CanaryCanary0123456789WXYZ";

fn config(opts: ClientOptions) -> ClientConfig {
    ClientConfig::new(opts).unwrap()
}

fn refused(opts: ClientOptions) -> autosend::Error {
    ClientConfig::new(opts).unwrap_err()
}

// --- item 3: exact redacted forms --------------------------------------------------------

#[test]
fn api_key_redaction_is_prefix_ellipsis_last_four() {
    let k = ApiKey::parse(PROJECT_KEY).unwrap();
    assert_eq!(k.redacted(), "AS_…CRET");
    assert_eq!(format!("{k}"), "AS_…CRET");
    assert_eq!(format!("{k:?}"), "ApiKey(AS_…CRET)");
    let a = ApiKey::parse(ACCOUNT_KEY).unwrap();
    assert_eq!(a.kind(), KeyKind::Account);
    assert_eq!(a.kind().name(), "account");
    assert_eq!(KeyKind::Project.name(), "project");
    assert_eq!(format!("{a}"), "ASA_…WXYZ");
    assert_eq!(format!("{a:?}"), "ApiKey(ASA_…WXYZ)");
    // A secret shorter than 12 characters shows no tail at all; 12 shows the last four.
    assert_eq!(ApiKey::parse("AS_abcdefghijk").unwrap().redacted(), "AS_…");
    assert_eq!(
        ApiKey::parse("AS_abcdefghijkl").unwrap().redacted(),
        "AS_…ijkl"
    );
    assert_eq!(
        ApiKey::parse("ASA_abcdefghijk").unwrap().redacted(),
        "ASA_…"
    );
    // Refusals say what to fix, never echo the key.
    for (bad, says) in [
        ("as_Canary99", "upper-case"),
        ("asa_Canary99", "upper-case"),
        ("Bearer AS_Canary99", "without the \"Bearer \" scheme"),
        ("XY_Canary99", "must start with AS_"),
        ("AS_", "no secret"),
        ("AS_Canary-99", "letters and digits only"),
    ] {
        let e = ApiKey::parse(bad).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidApiKey);
        assert!(e.message().contains(says), "{bad}: {e}");
        assert!(!e.to_string().contains("Canary"), "{e}");
    }
    // The fingerprint: `sha256:` and the first 8 bytes of SHA-256("AS_abc123") in hex.
    assert_eq!(
        ApiKey::parse("AS_abc123").unwrap().fingerprint(),
        "sha256:5b5f3b7b33e8460d"
    );
}

#[test]
fn config_debug_shows_the_redacted_key_only() {
    let c = config(ClientOptions::new(PROJECT_KEY));
    let shown = format!("{c:?}");
    assert!(shown.contains("key: ApiKey(AS_…CRET)"), "{shown}");
    assert!(!shown.contains("Canary"), "{shown}");
    let o = ClientOptions::new(PROJECT_KEY);
    let shown = format!("{o:?}");
    assert!(
        shown.starts_with("ClientOptions { api_key: \"<redacted>\", "),
        "{shown}"
    );
    assert!(!shown.contains("Canary"), "{shown}");
}

#[test]
fn request_debug_is_exact_and_hides_the_key() {
    let c = config(ClientOptions::new(PROJECT_KEY));
    let (_, r) = build_request(&c, "contacts.get", json!({"id": "c_1"})).unwrap();
    assert_eq!(
        format!("{r:?}"),
        format!(
            "Request {{ endpoint: \"contacts.get\", method: Get, \
             url: \"https://api.autosend.com/v1/contacts/c_1\", \
             headers: [(\"authorization\", \"Bearer <redacted>\"), \
             (\"accept\", \"application/json\"), (\"user-agent\", \"autosend/{VERSION} rust\")], \
             body_len: None, timeout_ms: 30000, attempt: 0, expects_bytes: false }}"
        )
    );
    // A key pasted into a path parameter is scrubbed from the URL too.
    let (_, r) = build_request(&c, "contacts.get", json!({"id": PROJECT_KEY})).unwrap();
    let shown = format!("{r:?}");
    assert!(
        shown.contains("url: \"https://api.autosend.com/v1/contacts/<redacted key>\""),
        "{shown}"
    );
    assert!(!shown.contains("Canary"), "{shown}");
    // The header itself is there for the transport.
    assert_eq!(
        r.header("Authorization"),
        Some(format!("Bearer {PROJECT_KEY}").as_str())
    );
}

// --- config.rs ------------------------------------------------------------------------

#[test]
fn getters_return_the_configured_values() {
    let mut o = ClientOptions::new(PROJECT_KEY);
    o.timeout_ms = 1234;
    o.max_retries = 7;
    o.encrypt_payloads = true;
    let limits = RateLimits {
        per_second: 5,
        per_minute: 77,
        second_ms: 300,
        minute_ms: 9_000,
    };
    o.rate_limits = limits;
    o.user_agent = "python/1.2\u{7}\n".into();
    let c = config(o);
    assert_eq!(c.timeout_ms(), 1234);
    assert_eq!(c.max_retries(), 7);
    assert_eq!(c.rate_limits(), limits);
    assert!(c.encrypt_payloads());
    // Control characters are dropped from the caller's part of the User-Agent.
    assert_eq!(c.user_agent(), format!("autosend/{VERSION} python/1.2"));
    let (_, r) = build_request(&c, "contacts.get", json!({"id": "c"})).unwrap();
    assert_eq!(r.timeout_ms, 1234);

    let c = config(ClientOptions::new(PROJECT_KEY));
    assert_eq!(c.timeout_ms(), DEFAULT_TIMEOUT_MS);
    assert_eq!(c.max_retries(), DEFAULT_MAX_RETRIES);
    assert_eq!(c.rate_limits(), RateLimits::default());
    assert!(!c.encrypt_payloads());
    assert!(c.redis().is_none());
    let mut o = ClientOptions::new(PROJECT_KEY);
    o.user_agent = " \u{1}".into();
    assert_eq!(config(o).user_agent(), format!("autosend/{VERSION}"));
}

#[test]
fn numeric_option_bounds() {
    let with = |f: &dyn Fn(&mut ClientOptions)| {
        let mut o = ClientOptions::new(PROJECT_KEY);
        f(&mut o);
        ClientConfig::new(o)
    };
    assert_eq!(
        with(&|o| o.timeout_ms = 0).unwrap_err().kind(),
        ErrorKind::InvalidConfig
    );
    assert_eq!(with(&|o| o.timeout_ms = 1).unwrap().timeout_ms(), 1);
    assert_eq!(with(&|o| o.max_retries = 100).unwrap().max_retries(), 100);
    assert_eq!(
        with(&|o| o.max_retries = 101).unwrap_err().kind(),
        ErrorKind::InvalidConfig
    );
    assert_eq!(with(&|o| o.max_retries = 0).unwrap().max_retries(), 0);
    for (ms, ok) in [(0, false), (1, true), (60_000, true), (60_001, false)] {
        let r = with(&|o| {
            o.redis_client = true;
            o.redis_timeout_ms = ms;
        });
        match r {
            Ok(c) => {
                assert!(ok, "{ms}");
                let redis = c.redis().unwrap();
                assert_eq!(redis.timeout_ms, ms);
                assert_eq!(redis.url, None);
            }
            Err(e) => {
                assert!(!ok, "{ms}");
                assert_eq!(e.kind(), ErrorKind::InvalidConfig);
                assert!(e.message().contains("redis_timeout_ms"), "{e}");
            }
        }
    }
}

#[test]
fn redis_url_option() {
    let mut o = ClientOptions::new(PROJECT_KEY);
    o.redis_url = Some("  redis://:hunter2secret@127.0.0.1:6379/0 ".into());
    o.on_redis_error = OnRedisError::Raise;
    let c = config(o.clone());
    let r = c.redis().unwrap();
    assert_eq!(
        r.url.as_deref(),
        Some("redis://:hunter2secret@127.0.0.1:6379/0")
    );
    assert_eq!(r.on_error, OnRedisError::Raise);
    assert_eq!(
        format!("{r:?}"),
        "RedisConfig { url: Some(\"redis://:***@127.0.0.1:6379/0\"), on_error: Raise, \
         timeout_ms: 250 }"
    );
    let shown = format!("{o:?}");
    assert!(
        shown.contains("redis_url: Some(\"redis://:***@127.0.0.1:6379/0\")"),
        "{shown}"
    );
    assert!(!shown.contains("hunter2"), "{shown}");
    // With the binding's own client, the URL is not used.
    o.redis_client = true;
    assert_eq!(config(o.clone()).redis().unwrap().url, None);
    // A blank URL is no URL.
    o.redis_client = false;
    o.redis_url = Some("  ".into());
    assert!(config(o).redis().is_none());
}

#[test]
fn project_id_rules() {
    let with_project = |p: String| {
        let mut o = ClientOptions::new(ACCOUNT_KEY);
        o.project_id = Some(p);
        ClientConfig::new(o)
    };
    let ok = "p".repeat(128);
    assert_eq!(
        with_project(ok.clone()).unwrap().project_id(),
        Some(ok.as_str())
    );
    let e = with_project("p".repeat(129)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidConfig);
    assert!(e.message().contains("project_id"), "{e}");
    assert_eq!(
        with_project(" p1 ".into()).unwrap().project_id(),
        Some("p1")
    );
    // A blank project id is no project id.
    assert_eq!(with_project("  ".into()).unwrap().project_id(), None);
    for bad in ["p\u{7f}1", "p\t1", "pé"] {
        assert_eq!(
            with_project(bad.into()).unwrap_err().kind(),
            ErrorKind::InvalidConfig,
            "{bad:?}"
        );
    }
}

#[test]
fn key_rotation_keeps_the_project_id_rule() {
    let mut o = ClientOptions::new(ACCOUNT_KEY);
    o.project_id = Some("p1".into());
    let c = config(o);
    // Account → account: fine, the project id stays.
    let r = c.with_api_key("ASA_other0123456789").unwrap();
    assert_eq!(r.key().expose_secret(), "ASA_other0123456789");
    assert_eq!(r.project_id(), Some("p1"));
    // Account with project id → project key: refused.
    let e = c.with_api_key("AS_other0123456789").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ProjectIdNotAllowed);
    assert!(!e.to_string().contains("other0123456789"), "{e}");
    // Project → project: fine.
    let p = config(ClientOptions::new(PROJECT_KEY));
    let r = p.with_api_key("AS_rotated0123456789").unwrap();
    assert_eq!(r.key().expose_secret(), "AS_rotated0123456789");
    assert_eq!(r.base_url(), p.base_url());
    // Bad keys are refused as at construction.
    assert_eq!(
        p.with_api_key("as_rotated").unwrap_err().kind(),
        ErrorKind::InvalidApiKey
    );
}

#[test]
fn env_fill_for_account_keys_and_urls() {
    let env = |pairs: Vec<(&'static str, &'static str)>| {
        move |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    };
    // An explicit account key takes the project id from the environment.
    let mut o = ClientOptions::new(ACCOUNT_KEY);
    o.fill_from_env(env(vec![
        ("AUTOSEND_PROJECT_ID", "p9"),
        ("AUTOSEND_BASE_URL", "http://localhost:9/v1"),
        ("AUTOSEND_REDIS_URL", "redis://127.0.0.1:1/0"),
    ]));
    assert_eq!(o.project_id.as_deref(), Some("p9"));
    assert_eq!(o.base_url.as_deref(), Some("http://localhost:9/v1"));
    assert_eq!(o.redis_url.as_deref(), Some("redis://127.0.0.1:1/0"));
    // A project key does not.
    let mut o = ClientOptions::new(PROJECT_KEY);
    o.fill_from_env(env(vec![("AUTOSEND_PROJECT_ID", "p9")]));
    assert_eq!(o.project_id, None);
    // A binding's own Redis client wins over the environment's URL; a given URL too.
    let mut o = ClientOptions::new(PROJECT_KEY);
    o.redis_client = true;
    o.fill_from_env(env(vec![("AUTOSEND_REDIS_URL", "redis://127.0.0.1:1/0")]));
    assert_eq!(o.redis_url, None);
    // Blank variables count as unset.
    let mut o = ClientOptions::new("");
    o.fill_from_env(env(vec![
        ("AUTOSEND_API_KEY", "  "),
        ("AUTOSEND_ACCOUNT_API_KEY", "ASA_b1"),
    ]));
    assert_eq!(o.api_key, "ASA_b1");
}

#[test]
fn deadline_defaults_to_the_larger_of_default_and_timeout() {
    let c = config(ClientOptions::new(PROJECT_KEY));
    let shown = format!("{c:?}");
    assert!(
        shown.contains(&format!(
            "deadline_ms: Some({})",
            autosend::DEFAULT_DEADLINE_MS
        )),
        "{shown}"
    );
    let mut o = ClientOptions::new(PROJECT_KEY);
    o.timeout_ms = autosend::DEFAULT_DEADLINE_MS + 1;
    let shown = format!("{:?}", config(o));
    assert!(
        shown.contains(&format!(
            "deadline_ms: Some({})",
            autosend::DEFAULT_DEADLINE_MS + 1
        )),
        "{shown}"
    );
}

// --- limiter.rs: RateLimits::validate ----------------------------------------------------

#[test]
fn rate_limit_bounds_at_and_past_each_edge() {
    let base = RateLimits::default();
    let cases: Vec<(RateLimits, Option<&str>)> = vec![
        (base, None),
        (
            RateLimits {
                per_second: 0,
                ..base
            },
            Some("rate_limits.per_second"),
        ),
        (
            RateLimits {
                per_second: 1,
                ..base
            },
            None,
        ),
        (
            RateLimits {
                per_second: 100_000,
                ..base
            },
            None,
        ),
        (
            RateLimits {
                per_second: 100_001,
                ..base
            },
            Some("rate_limits.per_second"),
        ),
        (
            RateLimits {
                per_minute: 0,
                ..base
            },
            Some("rate_limits.per_minute"),
        ),
        (
            RateLimits {
                per_minute: 1,
                ..base
            },
            None,
        ),
        (
            RateLimits {
                per_minute: 1_000_000,
                ..base
            },
            None,
        ),
        (
            RateLimits {
                per_minute: 1_000_001,
                ..base
            },
            Some("rate_limits.per_minute"),
        ),
        (
            RateLimits {
                second_ms: 0,
                ..base
            },
            Some("rate_limits.second_ms"),
        ),
        (
            RateLimits {
                second_ms: 1,
                ..base
            },
            None,
        ),
        (
            RateLimits {
                second_ms: 60_000,
                ..base
            },
            None,
        ),
        (
            RateLimits {
                second_ms: 60_001,
                ..base
            },
            Some("rate_limits.minute_ms"),
        ),
        (
            RateLimits {
                minute_ms: 3_600_000,
                ..base
            },
            None,
        ),
        (
            RateLimits {
                minute_ms: 3_600_001,
                ..base
            },
            Some("rate_limits.minute_ms"),
        ),
    ];
    for (limits, want) in cases {
        let got = limits.validate();
        match want {
            None => assert!(got.is_ok(), "{limits:?}: {got:?}"),
            Some(field) => {
                let e = got.unwrap_err();
                assert_eq!(e.kind(), ErrorKind::InvalidConfig, "{limits:?}");
                assert_eq!(e.field(), Some(field), "{limits:?}");
                // The client refuses them too.
                let mut o = ClientOptions::new(PROJECT_KEY);
                o.rate_limits = limits;
                assert_eq!(refused(o).field(), Some(field));
            }
        }
    }
    let e = RateLimits {
        per_second: 0,
        ..base
    }
    .validate_named(NameStyle::Camel, "rateLimits")
    .unwrap_err();
    assert_eq!(e.field(), Some("rateLimits.perSecond"));
}

// --- request.rs -------------------------------------------------------------------------

#[test]
fn path_parameter_length_bound() {
    let c = config(ClientOptions::new(PROJECT_KEY));
    let (_, r) = build_request(&c, "contacts.get", json!({"id": "i".repeat(1024)})).unwrap();
    assert!(r.url.ends_with(&"i".repeat(1024)));
    let e = build_request(&c, "contacts.get", json!({"id": "i".repeat(1025)})).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation);
    assert_eq!(e.field(), Some("id"));
    // Numbers fill a path too.
    let (_, r) = build_request(&c, "contacts.get", json!({"id": 42})).unwrap();
    assert!(r.url.ends_with("/contacts/42"), "{}", r.url);
}

// --- webhook.rs -------------------------------------------------------------------------

fn verified(body: &serde_json::Value) -> autosend::webhook::WebhookEvent {
    use autosend::webhook::{sign, verify, VerifyOptions};
    let raw = serde_json::to_vec(body).unwrap();
    let headers = vec![
        ("X-Webhook-Signature".to_string(), sign(&raw, "whsec_test")),
        (
            "X-Webhook-Timestamp".to_string(),
            "1700000000000".to_string(),
        ),
        ("X-Webhook-Delivery-Id".to_string(), "dlv_1".to_string()),
    ];
    verify(
        &raw,
        &headers,
        "whsec_test",
        1_700_000_000_000,
        &VerifyOptions::default(),
    )
    .unwrap()
}

#[test]
fn webhook_event_json_and_lenient_addresses() {
    use autosend::webhook::{EventAddress, EventData};
    let body = json!({"type": "email.received", "createdAt": "2026-01-01T00:00:00Z",
        "data": {"inboundEmailId": "in_1", "from": {"email": "a@example.com", "name": "A",
                 "domain": "example.com"}, "to": null, "subject": "hi"}});
    let ev = verified(&body);
    assert_eq!(
        ev.to_json(),
        json!({"type": "email.received", "createdAt": "2026-01-01T00:00:00Z",
               "deliveryId": "dlv_1", "data": body["data"]})
    );
    let EventData::Received(d) = &ev.data else {
        panic!("{:?}", ev.data)
    };
    let from = d.from.as_ref().unwrap();
    assert_eq!(from.email.as_deref(), Some("a@example.com"));
    assert_eq!(from.name.as_deref(), Some("A"));
    // Other keys of the address are kept.
    assert_eq!(from.extra.get("domain"), Some(&json!("example.com")));
    // A sender that is neither a string nor an object: no address, the value kept; null:
    // nothing at all.
    let a: EventAddress = serde_json::from_value(json!(42)).unwrap();
    assert_eq!((a.email, a.extra.get("value")), (None, Some(&json!(42))));
    let a: EventAddress = serde_json::from_value(json!(null)).unwrap();
    assert_eq!((a.email, a.extra.len()), (None, 0));
    let a: EventAddress = serde_json::from_value(json!("Ann <a@example.com>")).unwrap();
    assert_eq!(a.email.as_deref(), Some("Ann <a@example.com>"));
}

// --- limits.rs --------------------------------------------------------------------------

#[test]
fn documented_limit_constants() {
    use autosend::limits::{MAX_JSON_DEPTH, MAX_SECONDS_ARG_MS};
    // 50 MiB answers, 1 MiB CA files, 40 MiB bodies (the API's send limit), 2^53 ms.
    assert_eq!(autosend::MAX_RESPONSE_BYTES, 52_428_800);
    assert_eq!(autosend::MAX_CA_FILE_BYTES, 1_048_576);
    assert_eq!(autosend::DEFAULT_MAX_BODY_BYTES, 41_943_040);
    assert_eq!(MAX_SECONDS_ARG_MS, 9_007_199_254_740_992);
    assert_eq!(MAX_JSON_DEPTH, 64);
}

#[test]
fn connect_timeout_is_nine_tenths_rounded_down() {
    use autosend::limits::connect_timeout_ms;
    // 15 ms: 9 (from the tens) + 4 (from the 5 ms remainder) = 13; 19 ms: 9 + 8 = 17.
    assert_eq!(connect_timeout_ms(15), 13);
    assert_eq!(connect_timeout_ms(19), 17);
    assert_eq!(connect_timeout_ms(7), 6);
    assert_eq!(connect_timeout_ms(1), 1);
    assert_eq!(connect_timeout_ms(u64::MAX), u64::MAX / 10 * 9 + 4);
}

#[test]
fn seconds_argument_upper_bound_is_inclusive() {
    use autosend::limits::{seconds_arg_ms, MAX_SECONDS_ARG_MS};
    let edge = MAX_SECONDS_ARG_MS as f64 / 1000.0;
    assert_eq!(seconds_arg_ms("now", edge).unwrap(), MAX_SECONDS_ARG_MS);
    let past = f64::from_bits(edge.to_bits() + 1);
    let e = seconds_arg_ms("now", past).unwrap_err();
    assert_eq!((e.kind(), e.field()), (ErrorKind::Validation, Some("now")));
    assert_eq!(seconds_arg_ms("now", 0.0004).unwrap(), 0);
    assert_eq!(seconds_arg_ms("now", 0.0005).unwrap(), 1);
}

#[test]
fn json_parse_errors_name_the_field_they_are_in() {
    use autosend::limits::params_from_json;
    let field = |t: &str| {
        params_from_json(t.as_bytes())
            .unwrap_err()
            .field()
            .map(str::to_string)
    };
    // Not the last field: the error is located, not guessed.
    assert_eq!(field(r#"{"a":"\ud800","b":1}"#).as_deref(), Some("a"));
    assert_eq!(field(r#"{"a":1,"b":tru,"c":2}"#).as_deref(), Some("b"));
    // On a later line: lines are counted.
    assert_eq!(
        field("{\n\"a\": 1,\n\"b\": tru,\n\"c\": 2\n}").as_deref(),
        Some("b")
    );
    assert_eq!(
        field("{\"a\": 1,\n\"b\": 2,\n\"c\": [1,\n x],\n\"d\": 3}").as_deref(),
        Some("c")
    );
    // An escaped quote does not end a key.
    assert_eq!(field(r#"{"a\"b":1,"c":x,"d":2}"#).as_deref(), Some("c"));
    assert_eq!(field(r#"{"a\"b":x,"c":1}"#).as_deref(), Some("a\"b"));
    // Before any field: the parameters themselves.
    assert_eq!(field("  x").as_deref(), Some("params"));
    // Valid text parses, nested containers included.
    let v = params_from_json(br#"{"a":[1,{"b":[2]}],"c":{"d":"}"}}"#).unwrap();
    assert_eq!(v, json!({"a": [1, {"b": [2]}], "c": {"d": "}"}}));
}

#[test]
fn json_text_size_cap_at_and_past_its_edge() {
    use autosend::limits::params_from_json;
    // Text longer than the 40 MiB body limit plus 1 MiB is refused before parsing; at the
    // edge it is parsed. The text is invalid right after its start, so parsing it is quick
    // and the two outcomes differ by their message.
    let edge = autosend::DEFAULT_MAX_BODY_BYTES + 1024 * 1024;
    let text = |len: usize| {
        let mut t = br#"{"a":1,"big":"#.to_vec();
        t.resize(len, b'x');
        t
    };
    let e = params_from_json(&text(edge)).unwrap_err();
    assert!(e.message().contains("is not valid JSON"), "{e}");
    assert_eq!(e.field(), Some("big"));
    let e = params_from_json(&text(edge + 1)).unwrap_err();
    assert!(
        e.message()
            .contains(&format!("makes the request {} bytes", edge + 1)),
        "{e}"
    );
    assert!(e.message().contains("at most 41943040 bytes"), "{e}");
}

// --- request.rs: the 40 MB body cap at its exact edge -------------------------------------

#[test]
fn body_of_exactly_the_cap_is_sent() {
    // The API takes 40 MB (41,943,040 bytes) per send: a body of exactly that size goes out
    // (one byte more is refused: limits::tests::the_size_refusal_names_the_largest_field).
    let c = config(ClientOptions::new(PROJECT_KEY));
    let params = |blob: String| {
        json!({"from": {"email": "a@example.com"}, "to": {"email": "b@example.com"},
               "subject": "s", "html": "<p>hi</p>", "dynamicData": {"blob": blob}})
    };
    let (_, r) = build_request(&c, "emails.send", params(String::new())).unwrap();
    let small = r.body.as_ref().unwrap().len();
    let pad = autosend::DEFAULT_MAX_BODY_BYTES - small;
    let (_, r) = build_request(&c, "emails.send", params("x".repeat(pad))).unwrap();
    assert_eq!(
        r.body.as_ref().unwrap().len(),
        autosend::DEFAULT_MAX_BODY_BYTES
    );
}

// --- rules.rs -----------------------------------------------------------------------------

#[test]
fn header_values_are_counted_in_characters() {
    // api §2.1: custom header values are at most 1 000 characters. Two-byte characters: 1 000
    // of them (2 000 bytes) and 600 (1 200 bytes) are within the limit.
    let c = config(ClientOptions::new(PROJECT_KEY));
    let send = |headers: serde_json::Value| {
        build_request(
            &c,
            "emails.send",
            json!({"from": {"email": "a@example.com"}, "to": {"email": "b@example.com"},
                   "subject": "s", "html": "<p>hi</p>", "headers": headers}),
        )
    };
    send(json!({"X-A": "é".repeat(1000), "X-B": "é".repeat(600)})).unwrap();
    let e = send(json!({"X-A": "é".repeat(1001)})).unwrap_err();
    assert_eq!(e.field(), Some("headers.X-A"), "{e}");
}

// --- error.rs ---------------------------------------------------------------------------

#[test]
fn error_forms_are_exact() {
    let e = autosend::Error::validation("to.email", "is not an email address");
    assert_eq!(ErrorKind::Validation.to_string(), "validation");
    assert_eq!(e.code(), 105);
    assert_eq!(e.message(), "to.email: is not an email address");
    assert_eq!(e.field(), Some("to.email"));
    assert_eq!(
        (e.status(), e.api_code(), e.request_id(), e.retry_after_ms()),
        (None, None, None, None)
    );
    assert!(!e.may_have_been_delivered());
    assert_eq!(
        format!("{e:?}"),
        "Error { kind: Validation, code: 105, message: \"to.email: is not an email address\", \
         status: None, api_code: None, request_id: None, retry_after_ms: None, \
         may_have_been_delivered: false, field: Some(\"to.email\"), details: [FieldError { \
         field: \"to.email\", message: \"is not an email address\" }] }"
    );
    assert_eq!(
        e.to_json(),
        json!({"kind": "validation", "code": 105, "category": e.category(),
               "message": "to.email: is not an email address", "hint": e.hint(),
               "display": e.to_string(), "status": null, "api_code": null, "request_id": null,
               "retry_after_ms": null, "may_have_been_delivered": false, "field": "to.email",
               "details": [{"field": "to.email", "message": "is not an email address"}]})
    );
    assert_eq!(
        e.to_string(),
        format!(
            "to.email: is not an email address (autosend error 105 validation). {}",
            e.hint()
        )
    );
    // An empty field reads `params`.
    let e = autosend::Error::validation("", "must be an object");
    assert_eq!(
        (e.field(), e.message()),
        (Some("params"), "params: must be an object")
    );
    // The key is scrubbed from the field, the message and the details.
    let e = autosend::Error::validation(PROJECT_KEY, format!("{PROJECT_KEY} is unknown"))
        .without_key(PROJECT_KEY);
    assert_eq!(e.field(), Some("<redacted key>"));
    assert_eq!(e.message(), "<redacted key>: <redacted key> is unknown");
    assert_eq!(e.details()[0].field, "<redacted key>");
    assert_eq!(e.details()[0].message, "<redacted key> is unknown");
}

// --- request.rs: query values and messages ------------------------------------------------

#[test]
fn query_numbers_written_as_floats() {
    let c = config(ClientOptions::new(PROJECT_KEY));
    let url =
        |p: serde_json::Value| build_request(&c, "campaigns.list", p).map(|(_, r)| r.url.clone());
    // A whole number written as a float (2.0, as some languages send it) is that integer.
    assert_eq!(
        url(json!({"page": 2.0, "limit": 100.0})).unwrap(),
        "https://api.autosend.com/v1/campaigns?page=2&limit=100"
    );
    assert_eq!(
        url(json!({"page": 8.9e15})).unwrap(),
        "https://api.autosend.com/v1/campaigns?page=8900000000000000"
    );
    // Not whole, or too large to be exact in every language: refused, naming the field.
    for bad in [json!(2.5), json!(9.0e15), json!(1.0e300)] {
        let e = url(json!({ "page": bad })).unwrap_err();
        assert_eq!(
            (e.kind(), e.field()),
            (ErrorKind::Validation, Some("page")),
            "{bad}"
        );
        assert!(
            e.message().contains("must be a whole number, not a number"),
            "{e}"
        );
    }
    // A "true"/"false" string parameter takes a boolean; another string parameter does not.
    assert_eq!(
        url(json!({"includeCounts": false})).unwrap(),
        "https://api.autosend.com/v1/campaigns?includeCounts=false"
    );
    let e = url(json!({"status": true})).unwrap_err();
    assert_eq!(e.message(), "status: must be a string, not a boolean");
}

#[test]
fn request_refusals_name_the_type_and_the_endpoint() {
    let c = config(ClientOptions::new(PROJECT_KEY));
    for (params, what) in [
        (json!([1]), "an array"),
        (json!("x"), "a string"),
        (json!(1), "a number"),
        (json!(true), "a boolean"),
    ] {
        let e = build_request(&c, "contacts.get", params).unwrap_err();
        assert_eq!(
            e.message(),
            format!("params: parameters must be a JSON object, not {what}")
        );
    }
    let e = build_request(&c, "contacts.get", json!({"id": {"a": 1}})).unwrap_err();
    assert_eq!(e.message(), "id: must be a string, not an object");
    let e = build_request(&c, "contacts.get", json!({"id": null})).unwrap_err();
    assert_eq!(e.message(), "id: must be a string, not null");
    // An unknown endpoint id is quoted, cut at 64 characters.
    let e = build_request(&c, &"x".repeat(64), json!({})).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownEndpoint);
    assert_eq!(
        e.message(),
        format!("no endpoint called \"{}\"", "x".repeat(64))
    );
    let e = build_request(&c, &"x".repeat(65), json!({})).unwrap_err();
    assert_eq!(
        e.message(),
        format!("no endpoint called \"{}…\"", "x".repeat(64))
    );
}

// --- client.rs (task mut4) ------------------------------------------------------------------

fn send_params() -> serde_json::Value {
    json!({"from": {"email": "a@mail.example.com"}, "to": {"email": "b@example.com"},
           "subject": "s", "html": "<p>x</p>"})
}

#[test]
fn client_builds_its_redis_budget_and_reports_its_notices() {
    use autosend::{BudgetOpKind, Client, Poll};
    let mut o = ClientOptions::new("AS_ruleedgesclientredis1");
    let c = Client::new(o.clone()).unwrap();
    assert!(c.redis_budget().is_none(), "no Redis configured");
    assert!(c.take_budget_notices().is_empty());
    o.redis_url = Some("redis://127.0.0.1:1/0".into());
    o.on_redis_error = OnRedisError::Fallback;
    let c = Client::new(o).unwrap();
    let b = c.redis_budget().expect("the client's Redis budget");
    assert_eq!(
        b.key_name(),
        autosend::budget_redis::budget_key(c.config().key(), c.config().base_url())
    );
    assert_eq!(
        (b.on_error(), b.timeout_ms()),
        (OnRedisError::Fallback, 250)
    );
    // A failed store leaves one notice, taken once.
    let mut call = c.call("emails.send", send_params(), 1).unwrap();
    assert!(matches!(call.poll(0), Poll::Budget(op) if op.kind == BudgetOpKind::Acquire));
    call.handle_budget_error(250, "connection refused");
    let notices = c.take_budget_notices();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0].event, "fallback");
    assert!(c.take_budget_notices().is_empty());
}

#[test]
fn client_per_call_options() {
    use autosend::Client;
    let c = Client::new(ClientOptions::new(PROJECT_KEY)).unwrap();
    // Per-call encryption, against the client's default (off).
    assert_eq!(
        c.call("emails.send", send_params(), 1)
            .unwrap()
            .entropy_needed(),
        0
    );
    assert!(!c
        .call_with("emails.send", send_params(), 1, None)
        .unwrap()
        .is_encrypted());
    let enc = c
        .call_with("emails.send", send_params(), 1, Some(true))
        .unwrap();
    assert!(enc.is_encrypted());
    assert!(enc.entropy_needed() > 0);
    // Either per-call option alone is checked like the client's: core/tests/events.rs
    // (`per_call_timeout_and_max_retries_override_the_client`, in the quick mutants set).
    // The JWKS cache is the one of the base URL, shared with every client of it.
    assert!(std::sync::Arc::ptr_eq(
        c.jwks(),
        &autosend::jwe::shared_jwks(c.config().base_url())
    ));
}

// --- proxy.rs -------------------------------------------------------------------------------

#[test]
fn proxy_debug_and_loopback_forms() {
    let p = autosend::parse_proxy_url("http://user:s3cretPass@proxy.example:3128").unwrap();
    assert_eq!(format!("{p:?}"), "ProxyUrl(\"http://proxy.example:3128\")");
    for (url, local) in [
        ("http://[::ffff:127.0.0.1]:8080", true),
        ("http://[::ffff:10.0.0.1]:8080", false),
        ("http://LOCALHOST:1", true),
        ("http://127.9.9.9:1", true),
        ("http://[::2]:1", false),
    ] {
        assert_eq!(
            autosend::parse_proxy_url(url).unwrap().is_loopback(),
            local,
            "{url}"
        );
    }
    // A fragment alone, or a query alone, is refused.
    for bad in [
        "http://proxy.example:3128#f",
        "http://proxy.example:3128?q",
        "http://p:1/#f",
    ] {
        let e = autosend::parse_proxy_url(bad).unwrap_err();
        assert_eq!(e.field(), Some("proxy"), "{bad}");
    }
}

// --- types.rs -------------------------------------------------------------------------------

#[test]
fn email_shape_and_address_helpers() {
    use autosend::types::{looks_like_email, Address, MAX_EMAIL_BYTES};
    assert_eq!(MAX_EMAIL_BYTES, 41_943_040);
    // 320 characters at most (64 + @ + 255).
    let at_edge = format!("{}@{}", "a".repeat(64), "b".repeat(255));
    assert_eq!(at_edge.len(), 320);
    assert!(looks_like_email(&at_edge));
    assert!(!looks_like_email(&format!("{at_edge}c")));
    assert!(looks_like_email("a@b"));
    for bad in [
        "", "ab", "@b", "a@", "a@b@c", "a@.b", "a@b.", "a b@c", "a@b\tc", "a@b\u{7}", "a@b c",
    ] {
        assert!(!looks_like_email(bad), "{bad:?}");
    }
    let a = Address::named("a@example.com", "Ann");
    assert_eq!(
        (a.email.as_str(), a.name.as_deref()),
        ("a@example.com", Some("Ann"))
    );
    assert_eq!(Address::new("a@example.com").name, None);
}

// --- replay.rs ------------------------------------------------------------------------------

#[test]
fn replay_defaults_and_store_size() {
    use autosend::replay::{DEFAULT_REPLAY_CAPACITY, DEFAULT_REPLAY_TTL_MS};
    use autosend::{MemoryReplayStore, ReplayGuard, ReplayStore};
    assert_eq!(DEFAULT_REPLAY_TTL_MS, 86_400_000);
    assert_eq!(DEFAULT_REPLAY_CAPACITY, 100_000);
    // The default guard remembers a body for exactly 24 hours.
    let mut g = ReplayGuard::default();
    assert!(g.first_seen(b"body", 5));
    assert!(!g.first_seen(b"body", 5 + 86_399_999));
    assert!(g.first_seen(b"body", 5 + 86_400_000));
    let mut s = MemoryReplayStore::new(2);
    assert!(s.is_empty());
    assert_eq!(s.len(), 0);
    assert!(s.insert_if_absent("a", 0, 10));
    assert!(!s.is_empty());
    assert_eq!(s.len(), 1);
    assert!(!s.insert_if_absent("a", 9, 20), "still remembered at 9");
    assert!(s.insert_if_absent("b", 9, 30));
    assert_eq!(s.len(), 2);
    // Full: the entry closest to expiry ("a", 10) makes room.
    assert!(s.insert_if_absent("c", 9, 40));
    assert_eq!(s.len(), 2);
    assert!(!s.insert_if_absent("b", 9, 50));
    assert!(s.insert_if_absent("a", 9, 50), "a was dropped");
    // Expired entries are forgotten at their expiry time.
    let g = ReplayGuard::with_store(MemoryReplayStore::new(4), 1).unwrap();
    assert!(g.store().is_empty());
}

// --- error.rs: the field of an API error ----------------------------------------------------

#[test]
fn api_error_field_is_the_first_detail_that_names_one() {
    use autosend::{Client, Poll};
    let c = Client::new(ClientOptions::new(PROJECT_KEY)).unwrap();
    let mut call = c.call("emails.send", send_params(), 1).unwrap();
    assert!(matches!(call.poll(0), Poll::Send(_)));
    let body = json!({"success": false, "error": {"message": "Validation failed",
        "code": "VALIDATION_FAILED", "status": 400, "details": [
            {"field": "", "message": "2 problems"},
            {"field": "to.email", "message": "Invalid email"},
            {"field": "subject", "message": "Subject is required"}]}});
    call.handle_response(5, 400, &[], body.to_string().as_bytes());
    let Poll::Done(Err(e)) = call.poll(5) else {
        panic!("expected the call to fail")
    };
    assert_eq!(
        (e.kind(), e.field()),
        (ErrorKind::ApiValidation, Some("to.email"))
    );
    assert_eq!(e.details().len(), 3);
    assert_eq!(e.details()[0].field, "");
}

// --- event.rs: the exact line, level and JSON of a call event ---------------------------------

fn event(kind: autosend::EventKind) -> autosend::Event {
    autosend::Event {
        kind,
        endpoint: "emails.send",
        method: "POST",
        path: "/v1/mails/send".into(),
        attempt: 2,
        status: None,
        request_id: None,
        duration_ms: None,
        wait_ms: None,
        reason: None,
        ok: None,
        error: None,
    }
}

/// The same event with every optional field set.
fn full(kind: autosend::EventKind) -> autosend::Event {
    autosend::Event {
        status: Some(201),
        request_id: Some("req_7".into()),
        duration_ms: Some(35),
        wait_ms: Some(500),
        reason: Some("rate_limited"),
        ok: Some(true),
        error: Some("server"),
        ..event(kind)
    }
}

#[test]
fn event_messages_are_exact_for_every_kind() {
    use autosend::EventKind as K;
    let head = "emails.send POST /v1/mails/send";
    let cases = [
        (full(K::Request), "sending attempt 2"),
        (event(K::Request), "sending attempt 2"),
        (
            full(K::Response),
            "HTTP 201 in 35 ms (attempt 2, request id req_7)",
        ),
        (
            event(K::Response),
            "HTTP 0 in 0 ms (attempt 2, request id none)",
        ),
        (
            full(K::TransportError),
            "rate_limited after 35 ms (attempt 2)",
        ),
        (
            event(K::TransportError),
            "transport error after 0 ms (attempt 2)",
        ),
        (
            full(K::Retry),
            "retrying in 500 ms after rate_limited (attempt 2 failed)",
        ),
        (
            event(K::Retry),
            "retrying in 0 ms after an error (attempt 2 failed)",
        ),
        (
            full(K::RateLimitWait),
            "waiting 500 ms for the rate-limit budget",
        ),
        (
            event(K::RateLimitWait),
            "waiting 0 ms for the rate-limit budget",
        ),
        (full(K::BudgetNotice), "rate_limited"),
        (event(K::BudgetNotice), "budget notice"),
        (full(K::Done), "done, HTTP 201 after 2 attempt(s) in 35 ms"),
        (
            autosend::Event {
                ok: Some(false),
                ..full(K::Done)
            },
            "failed with server after 2 attempt(s) in 35 ms",
        ),
        (
            event(K::Done),
            "failed with an error after 2 attempt(s) in 0 ms",
        ),
    ];
    for (e, tail) in cases {
        assert_eq!(e.message(), format!("{head}: {tail}"), "{e:?}");
    }
}

#[test]
fn event_levels_and_thresholds() {
    use autosend::event::log_threshold;
    use autosend::EventKind as K;
    let done = |ok| autosend::Event {
        ok,
        ..event(K::Done)
    };
    let cases = [
        (event(K::Request), "debug"),
        (event(K::Response), "debug"),
        (event(K::TransportError), "info"),
        (event(K::Retry), "info"),
        (event(K::RateLimitWait), "info"),
        (event(K::BudgetNotice), "info"),
        (done(Some(true)), "debug"),
        (done(Some(false)), "info"),
        (done(None), "info"),
    ];
    for (e, level) in cases {
        assert_eq!(e.level(), level, "{e:?}");
        // A debug logger shows everything; an info logger only the info events.
        assert!(e.shown_at("debug"), "{e:?}");
        assert_eq!(e.shown_at("info"), level == "info", "{e:?}");
    }
    for (value, threshold) in [
        ("debug", Some("debug")),
        (" Trace", Some("debug")),
        ("ALL\n", Some("debug")),
        ("Info ", Some("info")),
        ("", None),
        ("off", None),
        ("warn", None),
    ] {
        assert_eq!(log_threshold(value), threshold, "{value:?}");
    }
}

#[test]
fn event_json_is_exact_in_both_name_styles() {
    use autosend::EventKind as K;
    let names: Vec<&str> = [
        K::Request,
        K::Response,
        K::TransportError,
        K::Retry,
        K::RateLimitWait,
        K::BudgetNotice,
        K::Done,
    ]
    .iter()
    .map(|k| k.name())
    .collect();
    assert_eq!(
        names,
        [
            "request",
            "response",
            "transport_error",
            "retry",
            "rate_limit_wait",
            "budget_notice",
            "done"
        ]
    );
    let e = autosend::Event {
        ok: Some(false),
        ..full(K::Done)
    };
    let common = json!({"kind": "done", "endpoint": "emails.send", "method": "POST",
        "path": "/v1/mails/send", "attempt": 2, "status": 201, "reason": "rate_limited",
        "ok": false, "error": "server"});
    let with = |extra: serde_json::Value| {
        let mut v = common.clone();
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        v
    };
    assert_eq!(
        e.to_json(NameStyle::Snake),
        with(json!({"request_id": "req_7", "duration_ms": 35, "wait_ms": 500}))
    );
    assert_eq!(
        e.to_json(NameStyle::Camel),
        with(json!({"requestId": "req_7", "durationMs": 35, "waitMs": 500}))
    );
    assert_eq!(
        event(K::Request).to_json(NameStyle::Camel),
        json!({"kind": "request", "endpoint": "emails.send", "method": "POST",
            "path": "/v1/mails/send", "attempt": 2})
    );
}

// --- catalog.rs: the exact description bindings build their namespaces from --------------------

#[test]
fn exact_catalog_endpoint_describe() {
    let a = autosend::endpoint("inbound.attachment").unwrap();
    assert_eq!(
        a.describe(),
        json!({"id": "inbound.attachment", "namespace": "inbound", "name": "attachment",
            "method": "GET", "path": "/inbound/messages/{id}/attachments/{idx}",
            "path_params": ["id", "idx"], "query": ["download"],
            "query_params": [{"name": "download", "type": "boolean", "min": null, "max": null,
                "required": false, "enum": null}],
            "scope": "project_key", "idempotent": true, "has_body": false,
            "body_required": false, "response": "binary", "binary_flag": "download",
            "pagination": null, "rules": [], "max_body_bytes": null,
            "summary": "Get an attachment of a received message."})
    );
    let all = autosend::describe_catalog();
    assert_eq!(all.as_array().unwrap().len(), autosend::CATALOG.len());
    assert!(all.as_array().unwrap().contains(&a.describe()));
    let t = autosend::endpoint("templates.search").unwrap();
    assert_eq!(
        t.describe()["pagination"],
        json!({"style": "nested", "in": "query", "items": "templates"})
    );
    assert_eq!(
        t.query_param("templateType").unwrap().describe(),
        json!({"name": "templateType", "type": "string", "min": null, "max": null,
            "required": false, "enum": ["transactional", "marketing"]})
    );
    let tags = autosend::endpoint("automations.list")
        .unwrap()
        .query_param("tags")
        .unwrap();
    assert_eq!(
        tags.describe(),
        json!({"name": "tags", "type": "array", "items": "string", "min": null, "max": null,
            "required": false, "enum": null})
    );
}

#[test]
fn exact_catalog_names_and_lookups() {
    use autosend::{Method, ParamType, ResponseKind, Scope};
    let methods = [
        Method::Get,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
    ];
    let shown: Vec<String> = methods.iter().map(|m| format!("{m}")).collect();
    assert_eq!(shown, ["GET", "POST", "PUT", "PATCH", "DELETE"]);
    let names: Vec<&str> = methods.iter().map(|m| m.as_str()).collect();
    assert_eq!(names, ["GET", "POST", "PUT", "PATCH", "DELETE"]);
    let scopes: Vec<&str> = [
        Scope::Project,
        Scope::ProjectKey,
        Scope::Account,
        Scope::AccountNoProject,
        Scope::None,
    ]
    .iter()
    .map(|s| s.name())
    .collect();
    assert_eq!(
        scopes,
        [
            "project",
            "project_key",
            "account",
            "account_no_project",
            "none"
        ]
    );
    let kinds: Vec<&str> = [
        ResponseKind::Data,
        ResponseKind::Message,
        ResponseKind::Binary,
        ResponseKind::Empty,
    ]
    .iter()
    .map(|k| k.name())
    .collect();
    assert_eq!(kinds, ["data", "message", "binary", "empty"]);
    let types: Vec<&str> = [
        ParamType::String,
        ParamType::Integer,
        ParamType::Number,
        ParamType::Boolean,
        ParamType::Array,
    ]
    .iter()
    .map(|t| t.name())
    .collect();
    assert_eq!(types, ["string", "integer", "number", "boolean", "array"]);

    let a = autosend::endpoint("inbound.attachment").unwrap();
    assert_eq!(a.path_params().collect::<Vec<_>>(), ["id", "idx"]);
    assert_eq!((a.namespace(), a.method_name()), ("inbound", "attachment"));
    assert_eq!(a.query_param("download").unwrap().name, "download");
    assert!(a.query_param("downloads").is_none());
    assert!(
        a.query_param("id").is_none(),
        "a path parameter is no query parameter"
    );
    let s = autosend::endpoint("emails.send").unwrap();
    assert_eq!(s.path_params().count(), 0);
    assert_eq!((s.namespace(), s.method_name()), ("emails", "send"));
    assert!(autosend::endpoint("emails.sendd").is_none());
    assert!(autosend::endpoint("").is_none());
}

// --- pager.rs: the walk's state, the answer's counts and its refusals (task mut6) -------------

#[test]
fn pager_state_and_counts_read_from_the_answer() {
    use autosend::Pager;
    // webhooks.list: flat metadata, no limit sent by the caller (the documented 100 is).
    let mut p = Pager::new("webhooks.list", json!({})).unwrap();
    assert_eq!((p.is_done(), p.total(), p.page()), (false, None, Some(1)));
    // Counts written as strings of digits are read (surrounding blanks included).
    let a = p
        .handle_page(&json!({"webhooks": [1, 2], "page": "1", "limit": " 2 ", "total": "5"}))
        .unwrap();
    assert_eq!(
        (a.limit, a.total, a.pages, a.has_more),
        (Some(2), Some(5), Some(3), true)
    );
    assert_eq!(
        (p.is_done(), p.total(), p.page()),
        (false, Some(5), Some(2))
    );
    // Counts written as floats are read too; the answer's limit wins over the one sent.
    let b = p
        .handle_page(&json!({"webhooks": [3, 4], "page": 2.0, "limit": 2.0, "total": 5.0}))
        .unwrap();
    assert_eq!(
        (b.limit, b.total, b.pages, b.has_more),
        (Some(2), Some(5), Some(3), true)
    );
    // A negative float is no count (not 0): the total of this answer is unknown, the pager
    // keeps the latest one it was given.
    let c = p
        .handle_page(&json!({"webhooks": [5], "page": 3, "total": -1.5, "totalPages": 3}))
        .unwrap();
    assert_eq!(
        (c.limit, c.total, c.pages, c.has_more),
        (Some(100), None, Some(3), false)
    );
    assert_eq!((p.is_done(), p.total(), p.page()), (true, Some(5), None));
    assert_eq!((p.pages_done(), p.items_seen()), (3, 5));
    // A page number written as a string is checked like a number.
    let mut p = Pager::new("webhooks.list", json!({})).unwrap();
    let e = p
        .handle_page(&json!({"webhooks": [1], "page": "2"}))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidResponse);
    assert!(
        e.message()
            .contains("asked for page 1 but the answer is page 2"),
        "{e}"
    );
    assert_eq!(p.page(), Some(1));
}

#[test]
fn pager_limit_of_the_answer_falls_back_when_zero() {
    use autosend::Pager;
    // A limit of 0 in the answer is no page size: the one sent counts (and pages come from
    // total / that limit, never a division by zero).
    let mut p = Pager::new("webhooks.list", json!({"limit": 2})).unwrap();
    let a = p
        .handle_page(&json!({"webhooks": [1, 2], "page": 1, "limit": 0, "total": 5}))
        .unwrap();
    assert_eq!((a.limit, a.pages, a.has_more), (Some(2), Some(3), true));
    // Any positive limit of the answer is taken, smaller or larger than the one sent.
    for (answer_limit, pages, more) in [(1, 5, true), (3, 2, false), (5, 1, false)] {
        let mut p = Pager::starting_at("webhooks.list", json!({"limit": 2}), 2).unwrap();
        let i = p
            .handle_page(&json!({"webhooks": [1], "page": 2, "limit": answer_limit, "total": 5}))
            .unwrap();
        assert_eq!(
            (i.limit, i.pages, i.has_more),
            (Some(answer_limit), Some(pages), more),
            "answer limit {answer_limit}"
        );
    }
}

#[test]
fn pager_refuses_answers_without_the_items_array_exactly() {
    use autosend::Pager;
    let no_array = "webhooks.list: the answer for page 1 has no `webhooks` array in data";
    let not_object =
        "webhooks.list: the answer for page 1 is not an object with a `webhooks` array";
    for (data, message) in [
        (json!({}), no_array),
        (json!({"webhooks": null, "total": 3}), no_array),
        (json!({"webhooks": {"0": 1}}), not_object),
        (json!({"webhooks": "1,2"}), not_object),
        (json!([]), not_object),
        (json!([{"webhooks": [1]}]), not_object),
        (json!(null), not_object),
        (json!("webhooks"), not_object),
    ] {
        let mut p = Pager::new("webhooks.list", json!({})).unwrap();
        let e = p.handle_page(&data).unwrap_err();
        assert_eq!(
            (e.kind(), e.message()),
            (ErrorKind::InvalidResponse, message),
            "{data}"
        );
        assert_eq!((p.page(), p.is_done(), p.pages_done()), (Some(1), false, 0));
    }
}

// --- config.rs: per-call configuration, base URL, User-Agent tokens (task mut6) -------------

fn deadline_shown(c: &ClientConfig) -> String {
    let shown = format!("{c:?}");
    let at = shown.find("deadline_ms: ").expect("deadline_ms in Debug");
    shown[at..].split(',').next().unwrap().to_string()
}

#[test]
fn per_call_configuration_follows_the_client_rules() {
    use autosend::{CallOptions, DEFAULT_DEADLINE_MS};
    let c = config(ClientOptions::new(PROJECT_KEY));
    // max_retries: 100 is the last accepted value, per call as for the client.
    let o = CallOptions {
        max_retries: Some(100),
        ..Default::default()
    };
    let k = c.for_call(&o).unwrap();
    assert_eq!((k.max_retries(), k.timeout_ms()), (100, DEFAULT_TIMEOUT_MS));
    let o = CallOptions {
        timeout_ms: Some(1),
        max_retries: Some(0),
        ..Default::default()
    };
    let k = c.for_call(&o).unwrap();
    assert_eq!((k.max_retries(), k.timeout_ms()), (0, 1));
    // A deadline the client did not set follows the call's timeout...
    let long = CallOptions {
        timeout_ms: Some(DEFAULT_DEADLINE_MS + 1),
        ..Default::default()
    };
    assert_eq!(
        deadline_shown(&c.for_call(&long).unwrap()),
        format!("deadline_ms: Some({})", DEFAULT_DEADLINE_MS + 1)
    );
    // ...a deadline the client set does not.
    let mut o = ClientOptions::new(PROJECT_KEY);
    o.deadline_ms = Some(5_000);
    let c = config(o);
    assert_eq!(
        deadline_shown(&c.for_call(&long).unwrap()),
        "deadline_ms: Some(5000)"
    );
    assert_eq!(
        c.for_call(&long).unwrap().timeout_ms(),
        DEFAULT_DEADLINE_MS + 1
    );
}

#[test]
fn project_id_and_base_url_getters() {
    let mut o = ClientOptions::new(ACCOUNT_KEY);
    o.project_id = Some(" proj_1 ".into());
    o.base_url = Some(" https://api.example.test/v1/ ".into());
    let c = config(o);
    assert_eq!(c.project_id(), Some("proj_1"));
    assert_eq!(c.base_url(), "https://api.example.test/v1");
    let c = config(ClientOptions::new(PROJECT_KEY));
    assert_eq!(c.project_id(), None);
    assert_eq!(c.base_url(), autosend::DEFAULT_BASE_URL);
    assert_eq!(c.base_url(), "https://api.autosend.com/v1");
}

#[test]
fn base_url_refusals_are_exact() {
    use autosend::normalize_base_url;
    let credentials = "the base URL must not contain credentials";
    let query = "the base URL must not have a query or fragment";
    let clear = "plain http:// would send the API key in clear text; use https:// (http is \
                 allowed only for localhost)";
    for (url, message) in [
        ("https://user@api.example.test/v1", credentials),
        ("https://:pass@api.example.test/v1", credentials),
        ("https://user:pass@api.example.test/v1", credentials),
        ("https://api.example.test/v1?region=eu", query),
        ("https://api.example.test/v1?", query),
        ("https://api.example.test/v1#top", query),
        ("https://api.example.test/v1?a=1#top", query),
        (
            "https://api.example.test/\tv1",
            "the base URL contains control characters",
        ),
        (
            "mailto:someone@example.com",
            "the base URL must start with https://",
        ),
        ("http://[::2]/v1", clear),
        ("http://[::ffff:10.0.0.1]/v1", clear),
        ("http://api.example.test/v1", clear),
    ] {
        let e = normalize_base_url(url).unwrap_err();
        assert_eq!(
            (e.kind(), e.message()),
            (ErrorKind::InvalidBaseUrl, message),
            "{url}"
        );
    }
    for (url, normal) in [
        ("HTTP://LocalHost:8080/v1/", "http://localhost:8080/v1"),
        ("http://[::ffff:127.0.0.1]/v1", "http://[::ffff:7f00:1]/v1"),
        ("http://[::1]/", "http://[::1]"),
        ("https://api.example.test", "https://api.example.test"),
    ] {
        assert_eq!(normalize_base_url(url).unwrap(), normal, "{url}");
    }
}

#[test]
fn app_info_lengths_at_and_past_their_edges() {
    use autosend::{build_user_agent, AppInfo};
    let name = "n".repeat(100);
    let version = "v".repeat(100);
    let url = format!("https://{}", "u".repeat(200 - "https://".len()));
    let app = AppInfo {
        name: name.clone(),
        version: Some(version.clone()),
        url: Some(url.clone()),
    };
    assert_eq!(
        build_user_agent("", "", Some(&app)).unwrap(),
        format!("autosend/{VERSION} {name}/{version} (+{url})")
    );
    for (bad, field, max) in [
        (
            AppInfo {
                name: "n".repeat(101),
                ..app.clone()
            },
            "app_info.name",
            100,
        ),
        (
            AppInfo {
                version: Some("v".repeat(101)),
                ..app.clone()
            },
            "app_info.version",
            100,
        ),
        (
            AppInfo {
                url: Some(format!("{url}u")),
                ..app.clone()
            },
            "app_info.url",
            200,
        ),
    ] {
        let e = build_user_agent("", "", Some(&bad)).unwrap_err();
        assert_eq!(
            (e.kind(), e.field(), e.message()),
            (
                ErrorKind::InvalidConfig,
                Some(field),
                format!("{field} is longer than {max} characters").as_str()
            )
        );
    }
}

#[test]
fn app_info_from_json_reads_every_field() {
    use autosend::AppInfo;
    assert_eq!(
        AppInfo::from_json(
            &json!({"name": "MyShop", "version": "1.4.2", "url": "https://myshop.example"}),
            "appInfo"
        )
        .unwrap(),
        Some(AppInfo {
            name: "MyShop".into(),
            version: Some("1.4.2".into()),
            url: Some("https://myshop.example".into()),
        })
    );
    assert_eq!(
        AppInfo::from_json(&json!({"name": "A", "version": null}), "app_info").unwrap(),
        Some(AppInfo {
            name: "A".into(),
            version: None,
            url: None,
        })
    );
    for (v, field) in [
        (json!({"name": 5}), "appInfo.name"),
        (json!({"name": "A", "url": ["x"]}), "appInfo.url"),
        (json!({}), "appInfo.name"),
        (json!(["MyShop"]), "appInfo"),
        (json!("MyShop"), "appInfo"),
    ] {
        let e = AppInfo::from_json(&v, "appInfo").unwrap_err();
        assert_eq!(
            (e.kind(), e.field()),
            (ErrorKind::InvalidConfig, Some(field)),
            "{v}"
        );
    }
}
