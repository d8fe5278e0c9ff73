//! The request span and the one log line per request.
//!
//! Every request runs inside a `request` span holding its id, method, endpoint (the route
//! template, never the raw path) and `key_id`, which stays empty until access control
//! records the key that made the request. When the answer leaves, one event gives its status
//! and latency:
//!
//! ```text
//! INFO request{request_id=9f3c… method=POST endpoint="/search"}: response sent status=200
//!     latency_ms=1.2
//! ```
//!
//! Requests to the operators' paths (`/healthz`, `/readyz`, `/metrics`) log at debug level,
//! so that probes and scrapes do not drown the requests of clients.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;
use tracing::field::Empty;

/// Middleware: runs the request in its span and logs its answer.
pub async fn log_requests(request: Request, next: Next) -> Response {
    let request_id = super::error::request_id(&request);
    let endpoint =
        request.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str);
    let quiet = crate::ops::is_ops_path(endpoint);
    let span = tracing::info_span!(
        "request",
        request_id,
        method = %request.method(),
        endpoint,
        key_id = Empty,
    );
    let started = Instant::now();

    let response = next.run(request).instrument(span.clone()).await;

    let latency_ms = (started.elapsed().as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0;
    let status = response.status().as_u16();
    span.in_scope(|| {
        if quiet {
            tracing::debug!(status, latency_ms, "response sent");
        } else {
            tracing::info!(status, latency_ms, "response sent");
        }
    });
    response
}
