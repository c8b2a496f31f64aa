//! A deliberately broken HTTPS server for what the sandbox cannot do: answers that drip, hang,
//! never end, are huge, break off inside the headers, redirect, send 1xx first, a TLS
//! handshake that never completes, error texts that echo the caller's key, 2xx answers without
//! the documented fields.
//!
//! The behaviour is the first path segment of the base URL: point a client at
//! `https://127.0.0.1:PORT/<behaviour>/v1`. `GET /_stats` (plain JSON) counts, per behaviour,
//! the requests that arrived whole (`received`) and the TCP connections (`connections`).
//! Listens on 127.0.0.1 only; every connection ends after at most [`MAX_CONN_SECS`] seconds.
//! Like the sandbox, it knows nothing of the SDK.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// Longest any connection is kept open.
pub const MAX_CONN_SECS: u64 = 60;

/// The behaviours, by path segment, and what each does.
pub const BEHAVIOURS: &[(&str, &str)] = &[
    ("ok", "200 with a documented send result (control)"),
    ("drip", "200 headers, then one body byte every 300 ms"),
    ("hang", "reads the request, never answers"),
    ("endless", "200 chunked, chunks forever"),
    ("huge", "200 with a 200 MB JSON body"),
    (
        "midheaders",
        "closes the connection in the middle of the status headers",
    ),
    (
        "redirect",
        "307 to /landing on this server (counted if followed)",
    ),
    ("landing", "where redirect points: 200 with a send result"),
    (
        "early1xx",
        "100 Continue and 103 Early Hints, then 200 with a send result",
    ),
    ("tlsstall", "accepts TCP, never completes the TLS handshake"),
    (
        "echo400",
        "400 whose message echoes the request's Authorization header",
    ),
    (
        "echo500",
        "500 whose message echoes the request's Authorization header",
    ),
    ("empty200", "200 with an empty body"),
    ("s204", "204 No Content"),
    ("emptyobj", "200 with {}"),
    ("notjson", "200 text/html"),
];

type Counts = Arc<Mutex<BTreeMap<String, BTreeMap<&'static str, u64>>>>;

/// A running misbehaving server.
pub struct Misbehave {
    /// `https://127.0.0.1:PORT`.
    pub url: String,
    /// The listening address.
    pub addr: SocketAddr,
    /// `https://127.0.0.1:PORT2`: a port whose TLS handshake never completes (behaviour
    /// `tlsstall`; the stall comes before any path is known, so it has its own port).
    pub stall_url: String,
    /// The CA certificate (PEM) clients must trust.
    pub ca_pem: String,
    counts: Counts,
}

impl Misbehave {
    /// The start-up JSON line: `{url, stall_url, ca_pem, behaviours}`.
    pub fn info(&self) -> Value {
        json!({
            "url": self.url,
            "stall_url": self.stall_url,
            "ca_pem": self.ca_pem,
            "behaviours": BEHAVIOURS.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        })
    }

    /// `{received: {behaviour: n}, connections: {behaviour: n}}` so far.
    pub fn stats(&self) -> Value {
        stats_json(&self.counts)
    }
}

fn stats_json(counts: &Counts) -> Value {
    let c = counts.lock().unwrap_or_else(|p| p.into_inner());
    let mut received = serde_json::Map::new();
    let mut connections = serde_json::Map::new();
    for (b, m) in c.iter() {
        if let Some(n) = m.get("received") {
            received.insert(b.clone(), json!(n));
        }
        if let Some(n) = m.get("connections") {
            connections.insert(b.clone(), json!(n));
        }
    }
    json!({"received": received, "connections": connections})
}

fn bump(counts: &Counts, behaviour: &str, what: &'static str) {
    let mut c = counts.lock().unwrap_or_else(|p| p.into_inner());
    *c.entry(behaviour.to_string())
        .or_default()
        .entry(what)
        .or_insert(0) += 1;
}

/// Starts the server on 127.0.0.1 (port 0 = any) inside the current tokio runtime.
pub async fn start(port: u16) -> Result<Misbehave, String> {
    let tls = crate::tls::generate_named("AutoSend Misbehaving Server Test CA")?;
    let listener = TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|e| format!("bind: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let counts: Counts = Arc::default();
    let acceptor = TlsAcceptor::from(tls.server_config.clone());
    let c2 = counts.clone();
    // The TLS-stall behaviour needs its own port: the stall happens before any path is known.
    let stall = TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(|e| format!("bind: {e}"))?;
    let stall_addr = stall.local_addr().map_err(|e| e.to_string())?;
    let c3 = counts.clone();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = stall.accept().await else {
                continue;
            };
            bump(&c3, "tlsstall", "connections");
            tokio::spawn(async move {
                // Hold the socket, read nothing, answer nothing.
                tokio::time::sleep(Duration::from_secs(MAX_CONN_SECS)).await;
                drop(tcp);
            });
        }
    });
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            };
            let _ = tcp.set_nodelay(true);
            let acceptor = acceptor.clone();
            let counts = c2.clone();
            tokio::spawn(async move {
                let work = async {
                    let Ok(tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    serve_one(tls, &counts).await;
                };
                let _ = tokio::time::timeout(Duration::from_secs(MAX_CONN_SECS), work).await;
            });
        }
    });
    Ok(Misbehave {
        url: format!("https://127.0.0.1:{}", addr.port()),
        stall_url: format!("https://127.0.0.1:{}", stall_addr.port()),
        addr,
        ca_pem: tls.ca_pem,
        counts,
    })
}

/// Reads one request: (path, Authorization value); `None` if it never arrives whole.
async fn read_request<S: AsyncRead + Unpin>(io: &mut S) -> Option<(String, String)> {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        if buf.len() > 1 << 20 {
            return None;
        }
        let n = io.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let path = lines.next()?.split(' ').nth(1)?.to_string();
    let mut len = 0usize;
    let mut auth = String::new();
    for l in lines {
        if let Some((k, v)) = l.split_once(':') {
            match k.trim().to_ascii_lowercase().as_str() {
                "content-length" => len = v.trim().parse().ok()?,
                "authorization" => auth = v.trim().to_string(),
                _ => {}
            }
        }
    }
    let mut have = buf.len() - head_end;
    while have < len.min(64 << 20) {
        let n = io.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        have += n;
    }
    Some((path, auth))
}

const SEND_OK: &str = r#"{"success":true,"data":{"emailId":"mis_0000000000000001","message":"Email queued successfully.","totalRecipients":1}}"#;

fn response(status: &str, ctype: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: {ctype}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

async fn serve_one<S: AsyncRead + AsyncWrite + Unpin>(mut io: S, counts: &Counts) {
    let Some((path, auth)) = read_request(&mut io).await else {
        return;
    };
    let behaviour = path
        .trim_start_matches('/')
        .split(['/', '?'])
        .next()
        .unwrap_or("")
        .to_string();
    if behaviour == "_stats" {
        let body = stats_json(counts).to_string();
        let _ = io
            .write_all(&response("200 OK", "application/json", &body))
            .await;
        let _ = io.shutdown().await;
        return;
    }
    bump(counts, &behaviour, "received");
    let json = "application/json";
    let out: Vec<u8> = match behaviour.as_str() {
        "ok" | "landing" => response("200 OK", json, SEND_OK),
        "drip" => {
            let _ = io
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n")
                .await;
            for _ in 0..(MAX_CONN_SECS * 1000 / 300) {
                if io.write_all(b" ").await.is_err() || io.flush().await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            return;
        }
        "hang" => {
            tokio::time::sleep(Duration::from_secs(MAX_CONN_SECS)).await;
            return;
        }
        "endless" => {
            let _ = io
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
                .await;
            let _ = io.write_all(b"1\r\n[\r\n").await;
            let piece = format!("4000\r\n{}\r\n", "0,".repeat(0x2000));
            // Bounded by MAX_CONN_SECS (the caller's timeout) and 4 GB.
            for _ in 0..(4u64 << 30) / 0x4000 {
                if io.write_all(piece.as_bytes()).await.is_err() {
                    return;
                }
            }
            return;
        }
        "huge" => {
            let total: usize = 200 * 1024 * 1024;
            let head = r#"{"success":true,"data":{"emailId":"mis_huge","pad":""#;
            let tail = r#""}}"#;
            let pad = total - head.len() - tail.len();
            let _ = io
                .write_all(
                    format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {total}\r\nconnection: close\r\n\r\n{head}")
                        .as_bytes(),
                )
                .await;
            let block = vec![b'a'; 64 * 1024];
            let mut left = pad;
            while left > 0 {
                let n = left.min(block.len());
                if io.write_all(&block[..n]).await.is_err() {
                    return;
                }
                left -= n;
            }
            let _ = io.write_all(tail.as_bytes()).await;
            let _ = io.shutdown().await;
            return;
        }
        "midheaders" => {
            let _ = io.write_all(b"HTTP/1.1 200 OK\r\ncontent-ty").await;
            let _ = io.flush().await;
            let _ = io.shutdown().await;
            return;
        }
        "redirect" => {
            let rest = path.trim_start_matches("/redirect");
            format!(
                "HTTP/1.1 307 Temporary Redirect\r\nlocation: /landing{rest}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            )
            .into_bytes()
        }
        "early1xx" => {
            let mut v = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </style.css>; rel=preload\r\n\r\n".to_vec();
            v.extend(response("200 OK", json, SEND_OK));
            v
        }
        "echo400" | "echo500" => {
            let status = if behaviour == "echo400" {
                "400 Bad Request"
            } else {
                "500 Internal Server Error"
            };
            let token = auth.strip_prefix("Bearer ").unwrap_or(&auth);
            let body = json!({"success": false, "error": {
                "message": format!("Invalid API key {token} (header: {auth})"),
                "code": "ECHO",
                "details": [{"field": token, "message": format!("bad key {token}")}],
            }})
            .to_string();
            response(status, json, &body)
        }
        "empty200" => response("200 OK", json, ""),
        "s204" => b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n".to_vec(),
        "emptyobj" => response("200 OK", json, "{}"),
        "notjson" => response("200 OK", "text/html", "<html>OK</html>"),
        _ => response(
            "404 Not Found",
            json,
            r#"{"success":false,"error":{"message":"unknown behaviour","code":"NOT_FOUND"}}"#,
        ),
    };
    let _ = io.write_all(&out).await;
    let _ = io.flush().await;
    let _ = io.shutdown().await;
}
