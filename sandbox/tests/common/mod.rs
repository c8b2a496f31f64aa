//! Test harness: start the real `autosend-sandbox` binary, read its JSON line, and talk to it
//! over HTTPS with a client that trusts only the generated CA.
#![allow(dead_code)]

use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A running sandbox process (killed on drop).
pub struct Sandbox {
    child: Child,
    /// The start-up JSON line.
    pub info: Value,
    /// HTTPS client trusting the sandbox CA (one connection pool).
    pub client: reqwest::Client,
    /// Time from spawn to the JSON line.
    pub startup: Duration,
}

/// A response: status, headers, parsed JSON (Null when not JSON) and raw text.
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub json: Value,
    pub text: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
}

/// Relaxed limits so functional tests never hit the rate limiter.
pub const FAST: &[&str] = &[
    "--rate-per-second",
    "100000",
    "--rate-per-minute",
    "1000000",
];

pub fn client_for(ca_path: &str) -> reqwest::Client {
    client_with_timeout(ca_path, Duration::from_secs(20))
}

/// Like [`client_for`] with another request timeout.
pub fn client_with_timeout(ca_path: &str, timeout: Duration) -> reqwest::Client {
    let pem = std::fs::read(ca_path).expect("read CA");
    let mut roots = rustls::RootCertStore::empty();
    let mut rd = std::io::BufReader::new(&pem[..]);
    for cert in rustls_pemfile_certs(&mut rd) {
        roots.add(cert).expect("add CA");
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut cfg = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    reqwest::Client::builder()
        .tls_backend_preconfigured(cfg)
        .no_proxy()
        .timeout(timeout)
        .build()
        .expect("client")
}

/// Minimal PEM certificate reader (avoids another dependency).
fn rustls_pemfile_certs(rd: &mut impl BufRead) -> Vec<rustls::pki_types::CertificateDer<'static>> {
    use base64::Engine;
    let mut out = Vec::new();
    let mut b64 = String::new();
    let mut inside = false;
    for line in rd.lines().map_while(Result::ok) {
        let line = line.trim().to_string();
        if line == "-----BEGIN CERTIFICATE-----" {
            inside = true;
            b64.clear();
        } else if line == "-----END CERTIFICATE-----" {
            inside = false;
            let der = base64::engine::general_purpose::STANDARD
                .decode(&b64)
                .expect("pem base64");
            out.push(rustls::pki_types::CertificateDer::from(der));
        } else if inside {
            b64.push_str(&line);
        }
    }
    out
}

impl Sandbox {
    /// Start with `args` plus `--lazy-jwks` (no RSA key generation unless a test asks for
    /// the JWKS: it costs seconds of CPU in debug builds).
    pub fn start(args: &[&str]) -> Sandbox {
        let mut all: Vec<&str> = args.to_vec();
        all.push("--lazy-jwks");
        Sandbox::start_raw(&all)
    }

    /// Start with exactly `args`.
    pub fn start_raw(args: &[&str]) -> Sandbox {
        let t0 = Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_autosend-sandbox"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn sandbox");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read start line");
        let startup = t0.elapsed();
        let info: Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("bad start line {line:?}: {e}"));
        let client = client_for(info["ca_cert"].as_str().expect("ca_cert"));
        Sandbox {
            child,
            info,
            client,
            startup,
        }
    }

    pub fn fast() -> Sandbox {
        Sandbox::start(FAST)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.info["url"].as_str().unwrap(), path)
    }
    pub fn admin_url(&self, path: &str) -> String {
        format!("{}{}", self.info["admin_url"].as_str().unwrap(), path)
    }
    pub fn pkey(&self, i: usize) -> String {
        self.info["keys"]["project"][i]["key"]
            .as_str()
            .unwrap()
            .to_string()
    }
    pub fn pid(&self, i: usize) -> String {
        self.info["projects"][i]["id"].as_str().unwrap().to_string()
    }
    pub fn akey(&self) -> String {
        self.info["keys"]["account"][0]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// An API call. `auth` is the full Authorization value (None = no header).
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        auth: Option<&str>,
        project: Option<&str>,
        body: Option<Value>,
        extra: &[(&str, &str)],
    ) -> Resp {
        self.try_call(method, path, auth, project, body, extra)
            .await
            .expect("request failed")
    }

    pub async fn try_call(
        &self,
        method: &str,
        path: &str,
        auth: Option<&str>,
        project: Option<&str>,
        body: Option<Value>,
        extra: &[(&str, &str)],
    ) -> Result<Resp, reqwest::Error> {
        let m = Method::from_bytes(method.as_bytes()).unwrap();
        let mut rb = self.client.request(m, self.url(path));
        if let Some(a) = auth {
            rb = rb.header("authorization", a);
        }
        if let Some(p) = project {
            rb = rb.header("x-project-id", p);
        }
        for (k, v) in extra {
            rb = rb.header(*k, *v);
        }
        if let Some(b) = body {
            rb = rb
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        let r = rb.send().await?;
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().await?;
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Ok(Resp {
            status,
            headers,
            json,
            text,
        })
    }

    /// Project-key call.
    pub async fn p(&self, method: &str, path: &str, body: Option<Value>) -> Resp {
        let auth = format!("Bearer {}", self.pkey(0));
        self.call(method, path, Some(&auth), None, body, &[]).await
    }

    /// Account-key call with an x-project-id.
    pub async fn a(
        &self,
        method: &str,
        path: &str,
        project: Option<&str>,
        body: Option<Value>,
    ) -> Resp {
        let auth = format!("Bearer {}", self.akey());
        self.call(method, path, Some(&auth), project, body, &[])
            .await
    }

    pub async fn admin(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let m = Method::from_bytes(method.as_bytes()).unwrap();
        let mut rb = self.client.request(m, self.admin_url(path));
        if let Some(b) = body {
            rb = rb
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        let r = rb.send().await.expect("admin request");
        let t = r.text().await.expect("admin body");
        serde_json::from_str(&t).unwrap_or(Value::String(t))
    }

    pub async fn stats(&self) -> Value {
        self.admin("GET", "/_sandbox/stats", None).await
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn mail() -> Value {
    serde_json::json!({"to": {"email": "jane@example.com", "name": "Jane"}, "from": {"email": "hello@mail.example.com"},
                       "subject": "Hello", "html": "<p>Hi</p>", "text": "Hi"})
}

/// A plain-HTTP client (reqwest needs a process-wide rustls provider even for http://).
pub fn plain_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
}

/// The `details[].field` names of a 400 VALIDATION_FAILED answer (asserts it is one).
pub fn fields(r: &Resp) -> Vec<String> {
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(
        r.json["error"]["code"],
        serde_json::json!("VALIDATION_FAILED"),
        "{}",
        r.text
    );
    r.json["error"]["details"]
        .as_array()
        .expect("details")
        .iter()
        .map(|d| d["field"].as_str().unwrap().to_string())
        .collect()
}

/// Assert an error answer's status and code.
pub fn assert_code(r: &Resp, status: u16, code: &str) {
    assert_eq!(r.status, status, "{}", r.text);
    assert_eq!(r.json["success"], serde_json::json!(false), "{}", r.text);
    assert_eq!(
        r.json["error"]["code"],
        serde_json::json!(code),
        "{}",
        r.text
    );
}

/// The `data` of a 200 answer (asserts success).
pub fn data(r: &Resp) -> Value {
    assert!((200..300).contains(&r.status), "{}", r.text);
    assert_eq!(r.json["success"], serde_json::json!(true), "{}", r.text);
    r.json["data"].clone()
}

impl Sandbox {
    /// Add and verify a sending domain with the project key; returns its id.
    pub async fn verified_domain(&self, name: &str) -> String {
        let r = self
            .p(
                "POST",
                "/domains",
                Some(serde_json::json!({"domain": name})),
            )
            .await;
        let id = data(&r)["id"].as_str().unwrap().to_string();
        let r = self.p("POST", &format!("/domains/{id}/verify"), None).await;
        assert_eq!(
            data(&r)["verificationStatus"],
            serde_json::json!("VERIFIED")
        );
        id
    }
}
