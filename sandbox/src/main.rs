//! `autosend-sandbox`: prints one JSON line with the URL, CA path and keys, then serves
//! until SIGINT/SIGTERM (or stdin EOF with `--exit-on-stdin-eof`), then removes the directory it
//! made for the CA certificate (and, at start, those of sandboxes killed before they could).

use autosend_sandbox::Cli;
use clap::Parser;
use std::io::Write;

fn main() {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("autosend-sandbox: cannot start runtime: {e}");
            std::process::exit(1);
        }
    };
    let code = rt.block_on(async {
        let started = match autosend_sandbox::start(&cli).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("autosend-sandbox: {e}");
                return 2;
            }
        };
        let mut out = std::io::stdout().lock();
        if writeln!(out, "{}", started.info)
            .and_then(|_| out.flush())
            .is_err()
        {
            return 1;
        }
        drop(out);
        let ca_dir = started.ca_dir.clone();
        if cli.exit_on_stdin_eof {
            let ca_dir = ca_dir.clone();
            std::thread::spawn(move || {
                let mut sink = Vec::new();
                let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut sink);
                if let Some(d) = ca_dir {
                    autosend_sandbox::remove_ca_dir(&d);
                }
                std::process::exit(0);
            });
        }
        wait_for_signal().await;
        if let Some(d) = ca_dir {
            autosend_sandbox::remove_ca_dir(&d);
        }
        0
    });
    std::process::exit(code);
}

async fn wait_for_signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
}
