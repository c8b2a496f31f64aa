//! A local, in-memory AutoSend API sandbox for SDK tests.
//!
//! It serves all 93 documented `/v1` endpoints (see `routes_gen`) statefully over HTTPS on
//! 127.0.0.1 with a CA generated at start, enforces the documented key rules and the per-key
//! rate limits, injects faults on request, counts everything, and shows received mail in a
//! web inbox. See `sandbox/README.md` for the flags, the start line and the admin API.

#![forbid(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

pub mod admin;
pub mod api;
pub mod areas;
pub mod config;
pub mod contacts;
pub mod deliver;
pub mod inbox;
pub mod mail;
pub mod misbehave;
pub mod projects;
pub mod render;
pub mod reqlog;
#[rustfmt::skip]
pub mod routes_gen;
pub mod schema;
pub mod server;
pub mod state;
pub mod tls;
pub mod triggers;
pub mod util;

use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::net::TcpListener;

pub use config::{Cli, Settings};
pub use state::App;

/// A running sandbox.
pub struct Started {
    /// The start-up JSON (what the binary prints as its one line).
    pub info: Value,
    /// The shared state.
    pub app: Arc<App>,
    /// HTTPS address.
    pub https: SocketAddr,
    /// Plain HTTP address, when enabled.
    pub http: Option<SocketAddr>,
    /// The directory made for the CA certificate (none with `--ca-out`): whoever ends the
    /// process removes it ([`remove_ca_dir`]; the binary does on SIGINT, SIGTERM and stdin EOF).
    pub ca_dir: Option<PathBuf>,
}

/// Removes the CA directory of [`Started::ca_dir`] (its `ca.pem`, then the directory).
pub fn remove_ca_dir(dir: &Path) {
    let _ = std::fs::remove_file(dir.join("ca.pem"));
    let _ = std::fs::remove_dir(dir);
}

/// A sandbox serving from this process on a runtime of its own (tests and benchmarks that
/// embed it): [`start`] with the binary's arguments, blocking. Dropping it stops the server
/// and removes its CA directory.
pub struct InProcess {
    /// What [`start`] returned.
    pub started: Started,
    /// The PEM of its CA certificate (trust it, and only it, in clients).
    pub ca_pem: Vec<u8>,
    rt: Option<tokio::runtime::Runtime>,
}

impl InProcess {
    /// Starts a sandbox with these arguments (those of the binary, without its name), on a
    /// two-thread runtime of its own.
    pub fn start(args: &[&str]) -> Result<InProcess, String> {
        use clap::Parser;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the sandbox's runtime: {e}"))?;
        let cli =
            Cli::try_parse_from(std::iter::once("autosend-sandbox").chain(args.iter().copied()))
                .map_err(|e| e.to_string())?;
        let started = rt.block_on(start(&cli))?;
        let ca = started.info["ca_cert"].as_str().unwrap_or_default();
        let ca_pem = std::fs::read(ca).map_err(|e| format!("cannot read {ca}: {e}"))?;
        Ok(InProcess {
            started,
            ca_pem,
            rt: Some(rt),
        })
    }

    /// The start-up JSON (`url`, `admin_url`, `keys`, `ca_cert`, …).
    pub fn info(&self) -> &Value {
        &self.started.info
    }
}

impl Drop for InProcess {
    fn drop(&mut self) {
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
        if let Some(dir) = &self.started.ca_dir {
            remove_ca_dir(dir);
        }
    }
}

/// How old a CA directory must be before a start may remove it: a sandbox in another pid
/// namespace (a container sharing `/tmp`) is not in this `/proc`, but one that ran this long
/// has long been read by its clients.
pub const STALE_CA_DIR_AGE: std::time::Duration = std::time::Duration::from_secs(3600);

/// Removes the CA directories of sandboxes that are gone (killed before they could remove
/// their own): `autosend-sandbox-<pid>-<8 letters or digits>` in `tmp` whose process no longer
/// exists, that hold nothing but `ca.pem` and were made [`STALE_CA_DIR_AGE`] ago or earlier.
/// Linux only (asks `/proc`); does nothing when `/proc` is not mounted.
pub fn sweep_stale_ca_dirs(tmp: &Path) {
    if !cfg!(target_os = "linux") || !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some((pid, tag)) = name
            .to_str()
            .and_then(|n| n.strip_prefix("autosend-sandbox-"))
            .and_then(|r| r.split_once('-'))
        else {
            continue;
        };
        if tag.len() != 8
            || !tag.bytes().all(|b| b.is_ascii_alphanumeric())
            || pid.parse::<u32>().is_err()
            || Path::new("/proc").join(pid).exists()
        {
            continue;
        }
        let dir = e.path();
        // An old directory (not a link to one) with nothing but the certificate in it.
        let is_dir = std::fs::symlink_metadata(&dir).is_ok_and(|m| {
            m.is_dir()
                && m.modified()
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age >= STALE_CA_DIR_AGE)
        });
        let only_ca = is_dir
            && std::fs::read_dir(&dir)
                .map(|r| r.flatten().all(|f| f.file_name() == "ca.pem"))
                .unwrap_or(false);
        if only_ca {
            remove_ca_dir(&dir);
        }
    }
}

fn not_found_json() -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        axum::http::StatusCode::NOT_FOUND,
        axum::Json(api::error_body(404, "NOT_FOUND", "Not found")),
    )
        .into_response()
}

/// Build the HTTPS router: inbox, admin API and `/v1`.
pub fn https_router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(inbox::list))
        .route("/messages/{id}", get(inbox::show))
        .route("/messages/{id}/attachments/{n}", get(inbox::attachment))
        .route("/_sandbox/stream", get(inbox::stream))
        .route("/_sandbox/inbox.js", get(inbox::script))
        .merge(admin::router())
        .fallback(
            |state: axum::extract::State<Arc<App>>, req: axum::extract::Request| async move {
                if req.uri().path() == "/v1" || req.uri().path().starts_with("/v1/") {
                    api::handle(state, req).await
                } else {
                    not_found_json()
                }
            },
        )
        .with_state(app)
}

/// Build the plain-HTTP router: every request gets 403 HTTPS_REQUIRED.
pub fn http_router(app: Arc<App>) -> Router {
    Router::new().fallback(api::https_required).with_state(app)
}

/// Resolve settings, generate certificates, bind and start serving (in the current runtime).
pub async fn start(cli: &Cli) -> Result<Started, String> {
    let settings = Settings::resolve(cli)?;
    let tls = tls::generate()?;
    let mut ca_dir = None;
    let ca_path: PathBuf = match &cli.ca_out {
        Some(p) => p.clone(),
        None => {
            let tmp = std::env::temp_dir();
            sweep_stale_ca_dirs(&tmp);
            let dir = tmp.join(format!(
                "autosend-sandbox-{}-{}",
                std::process::id(),
                util::random_alnum(8)
            ));
            std::fs::create_dir_all(&dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            let ca = dir.join("ca.pem");
            ca_dir = Some(dir);
            ca
        }
    };
    std::fs::write(&ca_path, &tls.ca_pem)
        .map_err(|e| format!("cannot write {}: {e}", ca_path.display()))?;
    let ca_path = std::fs::canonicalize(&ca_path).unwrap_or(ca_path);

    let listener = TcpListener::bind(("127.0.0.1", cli.port))
        .await
        .map_err(|e| format!("cannot bind 127.0.0.1:{}: {e}", cli.port))?;
    let https = listener.local_addr().map_err(|e| e.to_string())?;
    let http_listener = match cli.http_port {
        Some(p) => Some(
            TcpListener::bind(("127.0.0.1", p))
                .await
                .map_err(|e| format!("cannot bind 127.0.0.1:{p}: {e}"))?,
        ),
        None => None,
    };
    let http = match &http_listener {
        Some(l) => Some(l.local_addr().map_err(|e| e.to_string())?),
        None => None,
    };

    let app = Arc::new(App::new(settings));
    let s = &app.settings;
    let info = json!({
        "url": format!("https://127.0.0.1:{}/v1", https.port()),
        "port": https.port(),
        "ca_cert": ca_path.to_string_lossy(),
        "http_url": http.map(|a| format!("http://127.0.0.1:{}/v1", a.port())),
        "http_port": http.map(|a| a.port()),
        "admin_url": format!("https://127.0.0.1:{}", https.port()),
        "inbox_url": format!("https://127.0.0.1:{}/", https.port()),
        "spki_sha256": tls.server_spki_sha256,
        "keys": {
            "project": s.projects.iter().flat_map(|p| p.keys.iter().map(move |k| json!({"key": k, "project_id": p.id}))).collect::<Vec<_>>(),
            "account": s.account_keys,
        },
        "projects": s.projects.iter().map(|p| json!({"id": p.id, "name": p.name})).collect::<Vec<_>>(),
        "rate_limits": {"per_second": s.rate_per_second, "per_minute": s.rate_per_minute, "time_scale": s.time_scale},
        "new_connection_delay_ms": s.new_connection_delay_ms,
        "pid": std::process::id(),
    });
    if let Ok(mut g) = app.start_info.lock() {
        *g = info.clone();
    }
    let acceptor = tokio_rustls::TlsAcceptor::from(tls.server_config.clone());
    let delay = std::time::Duration::from_millis(s.new_connection_delay_ms);
    tokio::spawn(server::serve(
        listener,
        Some(acceptor),
        https_router(app.clone()),
        delay,
    ));
    if let Some(l) = http_listener {
        tokio::spawn(server::serve(l, None, http_router(app.clone()), delay));
    }
    Ok(Started {
        info,
        app,
        https,
        http,
        ca_dir,
    })
}
