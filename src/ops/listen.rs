//! The connection loop: HTTP/1.1 on hyper, with a header-read timeout, a cap on open
//! connections, the router read anew for each request (so a reload takes effect at once),
//! and a graceful stop.
//!
//! A client must send each request head within `[server] header_read_timeout_ms`, counted
//! from when the connection opens or its previous answer left; one that sends nothing, or
//! trickles its head, is disconnected then. At most `[server] max_connections` connections
//! are served at once; further clients wait in the listen queue until one closes.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::response::Response;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

use crate::config::ServerConfig;

/// The pause after a failed accept (such as too many open files) before accepting again.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

/// The router in force; a reload swaps it.
pub type SharedRouter = Arc<ArcSwap<Router>>;

/// The connection limits of `[server]`.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// How long a request head may take.
    pub header_read_timeout: Duration,
    /// How many connections are served at once.
    pub max_connections: usize,
}

impl Limits {
    /// The limits `server` asks for.
    pub fn new(server: &ServerConfig) -> Limits {
        Limits {
            header_read_timeout: Duration::from_millis(server.header_read_timeout_ms),
            max_connections: server.max_connections,
        }
    }
}

/// Serves connections from `listener` until `stop` completes, then lets the requests in
/// flight finish for up to `grace`; answers whether all of them did.
pub async fn serve(
    listener: TcpListener,
    router: SharedRouter,
    limits: Limits,
    stop: impl Future<Output = ()>,
    grace: Duration,
) -> bool {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
    let open = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    tokio::pin!(stop);

    loop {
        let accepted = tokio::select! {
            () = &mut stop => break,
            accepted = accept(&listener, &open) => accepted,
        };
        let Some((stream, remote, permit)) = accepted else { continue };

        let router = Arc::clone(&router);
        let service =
            hyper::service::service_fn(move |request| answer(router.load_full(), remote, request));
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%remote, %error, "connection closed with an error");
            }
            drop(permit);
        });
    }

    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => true,
        () = tokio::time::sleep(grace) => false,
    }
}

/// The next connection, once fewer than the cap are open; `None` after a failed accept.
async fn accept(
    listener: &TcpListener,
    open: &Arc<Semaphore>,
) -> Option<(tokio::net::TcpStream, SocketAddr, tokio::sync::OwnedSemaphorePermit)> {
    let permit = Arc::clone(open).acquire_owned().await.ok()?;

    match listener.accept().await {
        Ok((stream, remote)) => {
            let _ = stream.set_nodelay(true);
            Some((stream, remote, permit))
        }
        Err(error) => {
            tracing::warn!(%error, "cannot accept a connection");
            tokio::time::sleep(ACCEPT_RETRY).await;
            None
        }
    }
}

/// Answers one request with the router in force when it arrived.
async fn answer(
    router: Arc<Router>,
    remote: SocketAddr,
    mut request: hyper::Request<Incoming>,
) -> Result<Response, Infallible> {
    request.extensions_mut().insert(ConnectInfo(remote));
    Router::clone(&router).oneshot(request.map(Body::new)).await
}
