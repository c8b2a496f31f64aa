//! The API request log: every `/v1` request the sandbox receives (time, method, path,
//! endpoint id, status, error code, latency, key fingerprint — never the key —, User-Agent,
//! injected fault), as JSON (`GET /_sandbox/requests`, filterable), as a page (`/requests`)
//! and as a per-key timeline (`GET /_sandbox/requests/timeline.svg?key=FP`): requests per
//! second and per minute against the limits, 429s in red. Drawn by the server; no scripts.

use crate::state::App;
use crate::util::html_escape as esc;
use axum::extract::{Query, State};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::Arc;

/// Most entries kept (oldest dropped first).
pub const MAX_ENTRIES: usize = 10_000;

/// Most seconds drawn in one timeline (the newest are kept).
pub const MAX_BUCKETS: usize = 300;

/// What the request handler knows after answering, stored as a response extension.
#[derive(Debug, Clone, Default)]
pub struct Tag {
    /// Error code of a non-2xx answer.
    pub error_code: Option<String>,
    /// Injected fault kinds, comma-separated.
    pub fault: Option<String>,
}

/// A key's fingerprint: `fp_` + the first 12 hex digits of its SHA-256 (the key itself is
/// never logged or shown).
pub fn fingerprint(key: &str) -> String {
    let h = Sha256::digest(key.as_bytes());
    format!("fp_{}", &hex::encode(h)[..12])
}

/// The bearer token of an `Authorization` header value, if any.
pub fn bearer(h: Option<&HeaderValue>) -> Option<String> {
    let a = String::from_utf8_lossy(h?.as_bytes()).into_owned();
    let (scheme, rest) = a.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| rest.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// Append one entry.
pub fn record(app: &App, mut entry: Value) {
    let mut st = app.lock();
    let seq = st
        .requests
        .back()
        .and_then(|e| e["seq"].as_u64())
        .unwrap_or(0)
        + 1;
    entry["seq"] = json!(seq);
    st.requests.push_back(entry);
    while st.requests.len() > MAX_ENTRIES {
        st.requests.pop_front();
    }
}

fn matches(e: &Value, q: &HashMap<String, String>) -> bool {
    let s = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or("");
    q.iter().all(|(k, v)| match k.as_str() {
        "key" => s("keyFingerprint") == v,
        "method" => s("method").eq_ignore_ascii_case(v),
        "path" => s("path").contains(v.as_str()),
        "endpoint" => s("endpointId") == v,
        "status" => e["status"].as_u64().map(|n| n.to_string()).as_deref() == Some(v.as_str()),
        "error" | "errorCode" => s("errorCode") == v,
        "since" => v
            .parse::<u64>()
            .is_ok_and(|t| e["epochMs"].as_u64().unwrap_or(0) >= t),
        "userAgent" => s("userAgent").contains(v.as_str()),
        _ => true,
    })
}

fn filtered(app: &App, q: &HashMap<String, String>) -> Vec<Value> {
    let limit = q
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(MAX_ENTRIES);
    let st = app.lock();
    let mut v: Vec<Value> = st
        .requests
        .iter()
        .filter(|e| matches(e, q))
        .cloned()
        .collect();
    if v.len() > limit {
        v.drain(..v.len() - limit);
    }
    v
}

/// `GET /_sandbox/requests?key=&method=&path=&endpoint=&status=&errorCode=&since=&userAgent=&limit=`
/// → `{requests: [...], limits: {...}}`, oldest first.
pub async fn list_json(
    State(app): State<Arc<App>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let s = &app.settings;
    Json(json!({
        "requests": filtered(&app, &q),
        "limits": {"per_second": s.rate_per_second, "per_minute": s.rate_per_minute, "time_scale": s.time_scale},
    }))
    .into_response()
}

/// `DELETE /_sandbox/requests`.
pub async fn clear(State(app): State<Arc<App>>) -> Response {
    let n = {
        let mut st = app.lock();
        let n = st.requests.len();
        st.requests.clear();
        n
    };
    Json(json!({"cleared": n})).into_response()
}

/// Per-bucket counts of one key: (accepted, refused with 429).
fn buckets(app: &App, entries: &[Value]) -> (u64, Vec<(u64, u64)>) {
    let bucket_ms = (1000.0 / app.settings.time_scale).max(1.0) as u64;
    let times: Vec<(u64, bool)> = entries
        .iter()
        .map(|e| {
            (
                e["epochMs"].as_u64().unwrap_or(0),
                e["status"] == json!(429),
            )
        })
        .collect();
    let Some(first) = times.iter().map(|t| t.0).min() else {
        return (bucket_ms, Vec::new());
    };
    let last = times.iter().map(|t| t.0).max().unwrap_or(first);
    let start = first / bucket_ms;
    let n = (last / bucket_ms - start + 1) as usize;
    let mut b = vec![(0u64, 0u64); n];
    for (t, refused) in times {
        let i = (t / bucket_ms - start) as usize;
        if let Some(slot) = b.get_mut(i) {
            if refused {
                slot.1 += 1;
            } else {
                slot.0 += 1;
            }
        }
    }
    (bucket_ms, b)
}

/// The SVG timeline of one key's entries: bars = requests per second (red = 429), dashed line
/// = the per-second limit; lower panel = accepted requests in the trailing minute against the
/// per-minute limit.
pub fn timeline_svg(app: &App, entries: &[Value]) -> String {
    let per_s = app.settings.rate_per_second as u64;
    let per_m = app.settings.rate_per_minute as u64;
    let (_, all) = buckets(app, entries);
    // Trailing-minute sums over all buckets, then keep the newest MAX_BUCKETS.
    let minute: Vec<u64> = (0..all.len())
        .map(|i| all[i.saturating_sub(59)..=i].iter().map(|b| b.0).sum())
        .collect();
    let skip = all.len().saturating_sub(MAX_BUCKETS);
    let b = &all[skip..];
    let minute = &minute[skip..];
    let (w, h1, h2, pad) = (760.0_f64, 120.0_f64, 90.0_f64, 30.0_f64);
    let n = b.len().max(1) as f64;
    let bw = ((w - pad - 10.0) / n).max(1.0);
    // The axis fits the data and the limit, unless the limit is far above the data (then the
    // limit line sits at the top, labelled "off scale", and the bars stay readable).
    let scale = |peak: u64, limit: u64| -> f64 {
        let peak = peak.max(1) as f64;
        let limit = limit as f64;
        if limit > peak * 4.0 {
            peak * 1.25
        } else {
            peak.max(limit) * 1.15
        }
    };
    let peak_s = b.iter().map(|x| x.0 + x.1).max().unwrap_or(0);
    let max_s = scale(peak_s, per_s);
    let peak_m = minute.iter().copied().max().unwrap_or(0);
    let max_m = scale(peak_m, per_m);
    let off = |limit: u64, max: f64| {
        if limit as f64 > max {
            ", off scale"
        } else {
            ""
        }
    };
    let refused: u64 = b.iter().map(|x| x.1).sum();
    let total: u64 = b.iter().map(|x| x.0 + x.1).sum();
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" role=\"img\" width=\"{w}\" height=\"{}\" viewBox=\"0 0 {w} {}\" font-family=\"sans-serif\" font-size=\"11\">\
         <title>{total} request(s), {refused} refused with 429</title>",
        h1 + h2 + 3.0 * pad,
        h1 + h2 + 3.0 * pad
    );
    // Panel 1: per second.
    let y0 = pad + h1;
    let _ = write!(
        s,
        "<text x=\"{pad}\" y=\"{}\" fill=\"currentColor\">requests per second (limit {per_s}/s{})</text>",
        pad - 8.0,
        off(per_s, max_s)
    );
    for (i, (okc, bad)) in b.iter().enumerate() {
        let x = pad + i as f64 * bw;
        let ho = *okc as f64 / max_s * h1;
        let hb = *bad as f64 / max_s * h1;
        if *okc > 0 {
            let _ = write!(s, "<rect class=\"ok\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{ho:.1}\" fill=\"#3a7bd5\"/>", y0 - ho, (bw - 0.5).max(0.5));
        }
        if *bad > 0 {
            let _ = write!(s, "<rect class=\"r429\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{hb:.1}\" fill=\"#d33\"><title>{bad} × 429</title></rect>", y0 - ho - hb, (bw - 0.5).max(0.5));
        }
    }
    let ly = y0 - (per_s as f64).min(max_s) / max_s * h1;
    let _ = write!(s, "<line class=\"limit\" x1=\"{pad}\" x2=\"{}\" y1=\"{ly:.1}\" y2=\"{ly:.1}\" stroke=\"#e08000\" stroke-dasharray=\"4 3\"/>\
        <line x1=\"{pad}\" x2=\"{}\" y1=\"{y0}\" y2=\"{y0}\" stroke=\"currentColor\"/>", w - 10.0, w - 10.0);
    // Panel 2: trailing minute.
    let top2 = y0 + pad;
    let y1 = top2 + h2;
    let _ = write!(
        s,
        "<text x=\"{pad}\" y=\"{}\" fill=\"currentColor\">accepted requests in the last minute (limit {per_m}/min{})</text>",
        top2 - 8.0,
        off(per_m, max_m)
    );
    let pts: Vec<String> = minute
        .iter()
        .enumerate()
        .map(|(i, v)| {
            format!(
                "{:.1},{:.1}",
                pad + i as f64 * bw + bw / 2.0,
                y1 - *v as f64 / max_m * h2
            )
        })
        .collect();
    let _ = write!(s, "<polyline class=\"minute\" fill=\"none\" stroke=\"#3a7bd5\" stroke-width=\"1.5\" points=\"{}\"/>", pts.join(" "));
    let lm = y1 - (per_m as f64).min(max_m) / max_m * h2;
    let _ = write!(s, "<line class=\"limit\" x1=\"{pad}\" x2=\"{}\" y1=\"{lm:.1}\" y2=\"{lm:.1}\" stroke=\"#e08000\" stroke-dasharray=\"4 3\"/>\
        <line x1=\"{pad}\" x2=\"{}\" y1=\"{y1}\" y2=\"{y1}\" stroke=\"currentColor\"/>", w - 10.0, w - 10.0);
    for (i, (_, bad)) in b.iter().enumerate() {
        if *bad > 0 {
            let x = pad + i as f64 * bw + bw / 2.0;
            let _ = write!(s, "<line class=\"mark429\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{top2}\" y2=\"{y1}\" stroke=\"#d33\" stroke-opacity=\".5\"/>");
        }
    }
    s.push_str("</svg>");
    s
}

/// `GET /_sandbox/requests/timeline.svg?key=FP`.
pub async fn timeline(
    State(app): State<Arc<App>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut f = HashMap::new();
    if let Some(k) = q.get("key") {
        f.insert("key".to_string(), k.clone());
    }
    let svg = timeline_svg(&app, &filtered(&app, &f));
    ([("content-type", "image/svg+xml")], svg).into_response()
}

/// `GET /requests`: the log as a page, one timeline per key, newest requests first.
pub async fn page(
    State(app): State<Arc<App>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let entries = filtered(&app, &q);
    let mut by_key: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for e in &entries {
        let k = e["keyFingerprint"]
            .as_str()
            .unwrap_or("(no key)")
            .to_string();
        by_key.entry(k).or_default().push(e.clone());
    }
    let mut charts = String::new();
    for (k, es) in &by_key {
        let refused = es.iter().filter(|e| e["status"] == json!(429)).count();
        let verdict = if refused == 0 {
            "<span class=\"good\">rate-limit clean</span>".to_string()
        } else {
            format!("<span class=\"bad\">{refused} request(s) refused with 429</span>")
        };
        let _ = write!(
            charts,
            "<section class=\"key\" data-key=\"{}\"><h2>Key <code>{}</code>: {} request(s), {verdict}</h2>{}</section>",
            esc(k),
            esc(k),
            es.len(),
            timeline_svg(&app, es)
        );
    }
    let mut rows = String::new();
    for e in entries.iter().rev() {
        let s = |k: &str| esc(e.get(k).and_then(Value::as_str).unwrap_or(""));
        let status = e["status"].as_u64().unwrap_or(0);
        let class = if status == 429 {
            "r429"
        } else if status >= 400 {
            "err"
        } else {
            "ok"
        };
        let _ = write!(
            rows,
            "<tr class=\"{class}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{status}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            s("time"), s("method"), s("path"), s("endpointId"), s("errorCode"),
            e["latencyMs"].as_u64().unwrap_or(0), s("keyFingerprint"), s("userAgent"), s("fault"),
        );
    }
    let body = format!(
        "<h1>API request log</h1><p class=\"muted\">{} request(s). Filter with ?key=, ?status=, ?endpoint=, ?path=, ?errorCode=; \
         as JSON: <a href=\"/_sandbox/requests\">/_sandbox/requests</a>.</p>{charts}\
         <table id=\"requests\"><thead><tr><th>Time</th><th>Method</th><th>Path</th><th>Endpoint</th><th>Status</th><th>Error</th>\
         <th>ms</th><th>Key</th><th>User-Agent</th><th>Fault</th></tr></thead><tbody>{rows}</tbody></table>",
        entries.len()
    );
    crate::inbox::page("API request log", body)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_entry_lands_in_a_bucket_across_second_boundaries() {
        let cli = <crate::Cli as clap::Parser>::parse_from(["autosend-sandbox", "--lazy-jwks"]);
        let app = crate::App::new(crate::Settings::resolve(&cli).unwrap());
        let e = |t: u64, s: u16| serde_json::json!({"epochMs": t, "status": s});
        // 999 and 1001 are 2 ms apart but in different seconds.
        let (_, b) = super::buckets(&app, &[e(999, 200), e(1001, 429), e(2500, 200)]);
        assert_eq!(b, vec![(1, 0), (0, 1), (1, 0)]);
    }

    #[test]
    fn fingerprint_hides_the_key() {
        let f = super::fingerprint("AS_secretsecretsecret1234");
        assert!(f.starts_with("fp_") && f.len() == 15);
        assert!(!f.contains("1234"));
    }
}
