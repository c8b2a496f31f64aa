//! Start-up configuration: command-line flags and the optional JSON config file.

use crate::util;
use clap::Parser;
use serde::Deserialize;
use std::path::PathBuf;

/// Command-line flags of `autosend-sandbox`.
#[derive(Debug, Parser, Clone)]
#[command(
    name = "autosend-sandbox",
    version,
    about = "Local AutoSend API sandbox (HTTPS, 127.0.0.1 only)"
)]
pub struct Cli {
    /// HTTPS port on 127.0.0.1; 0 picks a free port.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Also listen for plain HTTP on this port (0 = any free port); it answers every
    /// request with 403 HTTPS_REQUIRED and never processes it.
    #[arg(long)]
    pub http_port: Option<u16>,
    /// Where to write the generated CA certificate (PEM); default: a file in a new temp dir.
    #[arg(long)]
    pub ca_out: Option<PathBuf>,
    /// JSON file with projects, keys and limits (see README). `--state-file` is an alias.
    #[arg(long, alias = "state-file")]
    pub config: Option<PathBuf>,
    /// Extra account key (`ASA_` + alphanumerics); repeatable.
    #[arg(long = "account-key")]
    pub account_keys: Vec<String>,
    /// Extra project key, `AS_xxx` (bound to the first project) or `AS_xxx@PROJECT_ID`
    /// (the project is created when unknown); repeatable.
    #[arg(long = "project-key")]
    pub project_keys: Vec<String>,
    /// Requests per second allowed per key (sliding window).
    #[arg(long)]
    pub rate_per_second: Option<u32>,
    /// Requests per minute allowed per key (sliding window).
    #[arg(long)]
    pub rate_per_minute: Option<u32>,
    /// Speed-up factor for the rate-limit windows: 10 makes the 1 s / 60 s windows last
    /// 0.1 s / 6 s.
    #[arg(long)]
    pub time_scale: Option<f64>,
    /// Delay every NEW connection's handshake (TLS, or the first read on the plain HTTP port)
    /// by this many ms; requests on a kept-alive connection are not delayed. Simulates slow
    /// connection set-up (a cold TCP+TLS connection arrives later than a warm one).
    #[arg(long)]
    pub new_connection_delay_ms: Option<u64>,
    /// Exit when standard input reaches end-of-file (lets a parent test process tie the
    /// sandbox's life to a pipe).
    #[arg(long)]
    pub exit_on_stdin_eof: bool,
    /// Generate the JWKS RSA-2048 key on the first `GET /v1/jwks.json` instead of at start
    /// (key generation costs seconds of CPU in debug builds).
    #[arg(long)]
    pub lazy_jwks: bool,
    /// Make the second JWKS key active after N decrypted (JWE) requests and retire the first
    /// (the JWKS then lists only the new key; bodies sealed for the old one get 400
    /// INVALID_ENCRYPTED_PAYLOAD).
    #[arg(long, value_name = "N")]
    pub jwks_rotate_after: Option<u64>,
    /// Waits before the webhook delivery retries, ms, comma-separated (documented: 5 s,
    /// 10 s, 20 s → 4 attempts). `--webhook-retry-ms 50,50,50` makes failing handlers quick
    /// to test.
    #[arg(long, value_delimiter = ',', value_name = "MS,MS,...")]
    pub webhook_retry_ms: Option<Vec<u64>>,
    /// Timeout of one webhook delivery attempt, ms (documented: 10 000).
    #[arg(long, value_name = "MS")]
    pub webhook_timeout_ms: Option<u64>,
    /// Deliver webhooks to any host. By default only loopback URLs (127.0.0.0/8, ::1,
    /// localhost) are called; deliveries to other hosts are logged as not sent, so a test
    /// sandbox never posts data to the internet.
    #[arg(long)]
    pub webhook_any_host: bool,
}

/// One project in the config file.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct ProjectFile {
    /// 24-hex ObjectId; generated when absent.
    pub id: Option<String>,
    /// Display name; default "Project N".
    pub name: Option<String>,
    /// Project keys bound to this project; one is generated when absent.
    #[serde(default)]
    pub keys: Option<Vec<String>>,
}

/// The JSON config file (`--config FILE`). Every field is optional.
#[derive(Debug, Deserialize, Clone, Default)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Projects (default: two projects with one key each).
    pub projects: Option<Vec<ProjectFile>>,
    /// Account keys (default: one generated key).
    pub account_keys: Option<Vec<String>>,
    /// Per-second limit per key.
    pub rate_per_second: Option<u32>,
    /// Per-minute limit per key.
    pub rate_per_minute: Option<u32>,
    /// Window speed-up factor.
    pub time_scale: Option<f64>,
}

/// A resolved project with its keys.
#[derive(Debug, Clone)]
pub struct ProjectSeed {
    /// ObjectId.
    pub id: String,
    /// Name.
    pub name: String,
    /// Project keys.
    pub keys: Vec<String>,
}

/// The resolved start-up configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Projects with their keys.
    pub projects: Vec<ProjectSeed>,
    /// Account keys.
    pub account_keys: Vec<String>,
    /// Per-second limit per key.
    pub rate_per_second: u32,
    /// Per-minute limit per key.
    pub rate_per_minute: u32,
    /// Window speed-up factor (> 0).
    pub time_scale: f64,
    /// Generate the JWKS key on first use instead of at start.
    pub lazy_jwks: bool,
    /// Rotate the JWKS keys after this many decrypted requests.
    pub jwks_rotate_after: Option<u64>,
    /// Delay of each new connection's handshake, ms (0: none).
    pub new_connection_delay_ms: u64,
    /// Waits before webhook delivery retries, ms.
    pub webhook_retry_ms: Vec<u64>,
    /// Timeout of one webhook delivery attempt, ms.
    pub webhook_timeout_ms: u64,
    /// Deliver to non-loopback hosts too.
    pub webhook_any_host: bool,
}

fn check_key(key: &str, account: bool) -> Result<(), String> {
    let ok = util::is_key_format(key) && (key.starts_with("ASA_") == account);
    if ok {
        Ok(())
    } else if account {
        Err(format!(
            "account key must be ASA_ + alphanumerics, got {}",
            util::redact_key(key)
        ))
    } else {
        Err(format!(
            "project key must be AS_ + alphanumerics, got {}",
            util::redact_key(key)
        ))
    }
}

impl Settings {
    /// Resolve flags and the optional config file into settings (flags win).
    pub fn resolve(cli: &Cli) -> Result<Settings, String> {
        let file: ConfigFile = match &cli.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                serde_json::from_str(&text)
                    .map_err(|e| format!("invalid config {}: {e}", path.display()))?
            }
            None => ConfigFile::default(),
        };
        let mut projects = Vec::new();
        let file_projects = file.projects.clone().unwrap_or_else(|| {
            vec![
                ProjectFile {
                    id: None,
                    name: None,
                    keys: None,
                },
                ProjectFile {
                    id: None,
                    name: None,
                    keys: None,
                },
            ]
        });
        for (i, p) in file_projects.into_iter().enumerate() {
            let id = p.id.unwrap_or_else(util::object_id);
            if !util::is_object_id(&id) {
                return Err(format!("project id {id:?} is not a 24-hex ObjectId"));
            }
            let keys = match p.keys {
                Some(k) => k,
                None => vec![format!("AS_{}", util::random_alnum(32))],
            };
            for k in &keys {
                check_key(k, false)?;
            }
            projects.push(ProjectSeed {
                id: id.to_ascii_lowercase(),
                name: p.name.unwrap_or_else(|| format!("Project {}", i + 1)),
                keys,
            });
        }
        let mut account_keys = file
            .account_keys
            .clone()
            .unwrap_or_else(|| vec![format!("ASA_{}", util::random_alnum(32))]);
        account_keys.extend(cli.account_keys.iter().cloned());
        for k in &account_keys {
            check_key(k, true)?;
        }
        for spec in &cli.project_keys {
            let (key, pid) = match spec.split_once('@') {
                Some((k, p)) => (k.to_string(), Some(p.to_ascii_lowercase())),
                None => (spec.clone(), None),
            };
            check_key(&key, false)?;
            match pid {
                Some(pid) => {
                    if !util::is_object_id(&pid) {
                        return Err(format!("project id {pid:?} is not a 24-hex ObjectId"));
                    }
                    if let Some(p) = projects.iter_mut().find(|p| p.id == pid) {
                        p.keys.push(key);
                    } else {
                        let n = projects.len() + 1;
                        projects.push(ProjectSeed {
                            id: pid,
                            name: format!("Project {n}"),
                            keys: vec![key],
                        });
                    }
                }
                None => match projects.first_mut() {
                    Some(p) => p.keys.push(key),
                    None => return Err("--project-key without @PROJECT_ID needs a project".into()),
                },
            }
        }
        if projects.is_empty() {
            return Err("at least one project is required".into());
        }
        let mut seen = std::collections::HashSet::new();
        for k in projects
            .iter()
            .flat_map(|p| p.keys.iter())
            .chain(account_keys.iter())
        {
            if !seen.insert(k.clone()) {
                return Err(format!("duplicate key {}", util::redact_key(k)));
            }
        }
        let rate_per_second = cli.rate_per_second.or(file.rate_per_second).unwrap_or(2);
        let rate_per_minute = cli.rate_per_minute.or(file.rate_per_minute).unwrap_or(50);
        let time_scale = cli.time_scale.or(file.time_scale).unwrap_or(1.0);
        if !(time_scale.is_finite() && time_scale > 0.0 && time_scale <= 1_000_000.0) {
            return Err("--time-scale must be a positive number".into());
        }
        if rate_per_second == 0 || rate_per_minute == 0 {
            return Err("rate limits must be at least 1".into());
        }
        let new_connection_delay_ms = cli.new_connection_delay_ms.unwrap_or(0);
        if new_connection_delay_ms > 60_000 {
            return Err("--new-connection-delay-ms must be at most 60000".into());
        }
        Ok(Settings {
            projects,
            account_keys,
            rate_per_second,
            rate_per_minute,
            time_scale,
            lazy_jwks: cli.lazy_jwks,
            jwks_rotate_after: cli.jwks_rotate_after,
            new_connection_delay_ms,
            webhook_retry_ms: cli
                .webhook_retry_ms
                .clone()
                .unwrap_or_else(|| vec![5_000, 10_000, 20_000]),
            webhook_timeout_ms: cli.webhook_timeout_ms.unwrap_or(10_000).max(1),
            webhook_any_host: cli.webhook_any_host,
        })
    }
}
