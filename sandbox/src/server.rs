//! Listeners and per-connection handling (TLS, HTTP/1.1, connection aborts for faults).

use axum::body::Body;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio_rustls::TlsAcceptor;
use tower_service::Service;

/// Per-connection control handle, put into every request's extensions: lets a handler drop
/// its own connection without answering (fault injection).
#[derive(Debug)]
pub struct ConnCtl {
    kill: Notify,
    reset: AtomicBool,
    fd: RawFd,
}

impl ConnCtl {
    /// Drop the connection. With `rst` the socket is closed with a TCP RST (SO_LINGER 0),
    /// otherwise with a normal FIN.
    pub fn abort(&self, rst: bool) {
        if rst {
            self.reset.store(true, Ordering::SeqCst);
        }
        self.kill.notify_one();
    }
}

/// Accept connections forever; `tls` is `None` for the plain HTTP port. Each new connection's
/// handshake waits `new_connection_delay` first (`--new-connection-delay-ms`); requests on a
/// kept-alive connection are not delayed.
pub async fn serve(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    router: Router,
    new_connection_delay: Duration,
) {
    loop {
        let (tcp, _) = match listener.accept().await {
            Ok(x) => x,
            Err(_) => {
                // e.g. EMFILE: back off a little instead of spinning.
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let _ = tcp.set_nodelay(true);
        let ctl = Arc::new(ConnCtl {
            kill: Notify::new(),
            reset: AtomicBool::new(false),
            fd: tcp.as_raw_fd(),
        });
        let router = router.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            if !new_connection_delay.is_zero() {
                tokio::time::sleep(new_connection_delay).await;
            }
            match tls {
                Some(acceptor) => {
                    if let Ok(Ok(stream)) =
                        tokio::time::timeout(Duration::from_secs(10), acceptor.accept(tcp)).await
                    {
                        run_conn(stream, ctl, router).await;
                    }
                }
                None => run_conn(tcp, ctl, router).await,
            }
        });
    }
}

async fn run_conn<S>(io: S, ctl: Arc<ConnCtl>, router: Router)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let ctl2 = ctl.clone();
    let svc = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        req.extensions_mut().insert(ctl2.clone());
        let mut r = router.clone();
        async move { r.call(req.map(Body::new)).await }
    });
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(30))
        .serve_connection(TokioIo::new(io), svc);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = ctl.kill.notified() => {
            if ctl.reset.load(Ordering::SeqCst) {
                // SAFETY: the socket is owned by `conn`, which is still alive (pinned above and
                // dropped only when this function returns), so the descriptor is open.
                let fd = unsafe { BorrowedFd::borrow_raw(ctl.fd) };
                let _ = socket2::SockRef::from(&fd).set_linger(Some(Duration::ZERO));
            }
        }
    }
}
