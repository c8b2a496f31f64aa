//! The CA directory the sandbox makes in the temp directory: removed when it ends (SIGTERM,
//! stdin EOF), and those of sandboxes that were killed are swept at the next start.

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A temp directory of this test's own (TMPDIR of the sandboxes it starts).
fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sandbox-ca-dir-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn start(tmpdir: &Path, extra: &[&str]) -> (Child, PathBuf) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_autosend-sandbox"))
        .args(["--port", "0"])
        .args(extra)
        .env("TMPDIR", tmpdir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let info: Value = serde_json::from_str(&line).expect("the start-up line");
    let ca = PathBuf::from(info["ca_cert"].as_str().unwrap());
    let dir = ca.parent().unwrap().to_path_buf();
    assert!(dir.starts_with(std::fs::canonicalize(tmpdir).unwrap()));
    (child, dir)
}

fn wait_exit(child: &mut Child) {
    let end = Instant::now() + Duration::from_secs(10);
    while Instant::now() < end {
        if child.try_wait().unwrap().is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    panic!("the sandbox did not exit");
}

/// A pid that no process has (one that just ended).
fn dead_pid() -> u32 {
    let mut c = Command::new("true").spawn().unwrap();
    let pid = c.id();
    c.wait().unwrap();
    pid
}

/// Sets a directory's modification time `secs` into the past.
fn age(dir: &Path, secs: u64) {
    let t = std::time::SystemTime::now() - Duration::from_secs(secs);
    std::fs::File::open(dir).unwrap().set_modified(t).unwrap();
}

fn fake_ca_dir(tmpdir: &Path, pid: u32, tag: &str, extra: bool) -> PathBuf {
    let d = tmpdir.join(format!("autosend-sandbox-{pid}-{tag}"));
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("ca.pem"), "x").unwrap();
    if extra {
        std::fs::write(d.join("notes.txt"), "not the sandbox's").unwrap();
    }
    age(&d, 2 * 3600);
    d
}

#[test]
fn sigterm_removes_the_ca_dir() {
    let t = tmp("term");
    let (mut child, dir) = start(&t, &[]);
    assert!(dir.join("ca.pem").is_file());
    let st = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    wait_exit(&mut child);
    assert!(!dir.exists(), "{} left behind", dir.display());
    std::fs::remove_dir_all(&t).unwrap();
}

#[test]
fn stdin_eof_removes_the_ca_dir() {
    let t = tmp("eof");
    let (mut child, dir) = start(&t, &["--exit-on-stdin-eof"]);
    assert!(dir.join("ca.pem").is_file());
    drop(child.stdin.take());
    wait_exit(&mut child);
    assert!(!dir.exists(), "{} left behind", dir.display());
    std::fs::remove_dir_all(&t).unwrap();
}

#[test]
fn start_sweeps_the_dirs_of_killed_sandboxes_only() {
    let t = tmp("sweep");
    let dead = dead_pid();
    let stale = fake_ca_dir(&t, dead, "abcDEF12", false);
    let live = fake_ca_dir(&t, std::process::id(), "abcDEF12", false);
    let foreign = fake_ca_dir(&t, dead, "zyxWVU98", true);
    let odd_name = fake_ca_dir(&t, dead, "short", false);
    let young = fake_ca_dir(&t, dead, "young123", false);
    age(&young, 60);
    // A killed sandbox leaves its directory behind…
    let (mut first, first_dir) = start(&t, &[]);
    first.kill().unwrap();
    first.wait().unwrap();
    assert!(first_dir.is_dir());
    age(&first_dir, 3601);
    // …which a later one removes once it is an hour old, with the other stale one, and
    // nothing else.
    let (mut second, second_dir) = start(&t, &["--exit-on-stdin-eof"]);
    assert!(!stale.exists() && !first_dir.exists());
    assert!(live.is_dir() && foreign.is_dir() && odd_name.is_dir() && young.is_dir());
    assert!(second_dir.join("ca.pem").is_file());
    drop(second.stdin.take());
    wait_exit(&mut second);
    std::fs::remove_dir_all(&t).unwrap();
}

#[test]
fn an_in_process_sandbox_removes_its_ca_dir_when_dropped() {
    let sb = autosend_sandbox::InProcess::start(&["--lazy-jwks"]).unwrap();
    let ca = PathBuf::from(sb.info()["ca_cert"].as_str().unwrap());
    assert!(ca.is_file());
    assert_eq!(std::fs::read(&ca).unwrap(), sb.ca_pem);
    let dir = ca.parent().unwrap().to_path_buf();
    drop(sb);
    assert!(!dir.exists(), "{} left behind", dir.display());
    // Bad arguments are an error, not a panic.
    assert!(autosend_sandbox::InProcess::start(&["--no-such-flag"]).is_err());
}
