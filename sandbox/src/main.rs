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
        // Listening for SIGINT/SIGTERM before anything is made: one that comes right after the
        // start-up line (a supervisor that stops it at once) still removes the CA directory.
        let signals = Signals::install();
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
        signals.wait().await;
        if let Some(d) = ca_dir {
            autosend_sandbox::remove_ca_dir(&d);
        }
        0
    });
    std::process::exit(code);
}

/// SIGINT and SIGTERM, listened for from [`Signals::install`] on (a signal that comes earlier
/// than the wait is kept for it).
struct Signals {
    int: Option<tokio::signal::unix::Signal>,
    term: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn install() -> Signals {
        use tokio::signal::unix::{signal, SignalKind};
        Signals {
            int: signal(SignalKind::interrupt()).ok(),
            term: signal(SignalKind::terminate()).ok(),
        }
    }

    /// Until SIGINT or SIGTERM.
    async fn wait(mut self) {
        async fn recv(s: &mut Option<tokio::signal::unix::Signal>) {
            match s {
                Some(s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        }
        tokio::select! {
            _ = recv(&mut self.int) => {}
            _ = recv(&mut self.term) => {}
        }
    }
}
