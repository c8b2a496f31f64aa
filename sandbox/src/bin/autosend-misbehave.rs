//! The misbehaving HTTPS server (see `autosend_sandbox::misbehave`): prints one JSON line
//! `{url, stall_url, ca_pem, behaviours}` and serves on 127.0.0.1 until killed or until
//! `--max-seconds` pass.

use std::time::Duration;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut port = 0u16;
    let mut max_seconds = 600u64;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--port" => port = args.next().and_then(|v| v.parse().ok()).unwrap_or(0),
            "--max-seconds" => {
                max_seconds = args.next().and_then(|v| v.parse().ok()).unwrap_or(600)
            }
            _ => {
                eprintln!("usage: autosend-misbehave [--port N] [--max-seconds S]");
                std::process::exit(2);
            }
        }
    }
    let m = match autosend_sandbox::misbehave::start(port).await {
        Ok(m) => m,
        Err(e) => {
            eprintln!("autosend-misbehave: {e}");
            std::process::exit(1);
        }
    };
    println!("{}", m.info());
    // Bounded life: a forgotten server goes away by itself.
    tokio::time::sleep(Duration::from_secs(max_seconds)).await;
}
