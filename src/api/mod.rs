//! The HTTP API: the router built from the declared endpoints, and its middleware.
//!
//! Each endpoint kind lives in [`endpoints`] as a thin handler over a plain async function.
//! Around them, in order: a request id for every request, a tracing span, the request id
//! copied onto the response, security headers, CORS, and the rendering of problems. Each
//! endpoint's own access guard (keys, tenant tokens, rate limits) runs next to its handler.

mod body;
mod cors;
pub mod cursor;
mod deadline;
mod docs;
pub mod endpoints;
mod error;
pub mod json;
pub mod params;
mod security_headers;
pub mod shed;
mod trace;

pub use error::{ApiError, EngineKind, FieldProblem};

use std::sync::Arc;

use axum::Router;
use axum::http::HeaderName;
use axum::middleware;
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};

use crate::access::{self, Access, Guard};
use crate::backend::Backend;
use crate::config::Config;
use crate::jobs::Jobs;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The engine.
    pub backend: Arc<Backend>,
    /// Background jobs.
    pub jobs: Jobs,
    /// The largest body accepted, in bytes.
    pub max_body_bytes: usize,
    /// The key search cursors are sealed with.
    pub cursors: Arc<cursor::CursorKey>,
}

/// The full router for `config`.
pub fn router(config: &Config, state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let gate = Arc::new(shed::Gate::new(&config.server));
    let mut router = Router::new();
    let access = Arc::new(Access::new(config));

    for endpoint in &config.endpoints {
        let mut route = endpoints::method_router(config, endpoint);
        if shed::asks_engine(&endpoint.kind) {
            let shed = middleware::from_fn_with_state(Arc::clone(&gate), shed::guard);
            route = route.route_layer(shed);
        }
        let guard = Guard::new(Arc::clone(&access), config, endpoint);
        if !guard.is_idle() {
            route = route.layer(middleware::from_fn_with_state(Arc::new(guard), access::check));
        }
        router = router.route(&endpoint.path, route);
    }

    let router = router.merge(docs::router(config)).merge(crate::ops::router(config));
    router.fallback(endpoints::not_found).with_state(state).layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
            .layer(middleware::from_fn(trace::log_requests))
            .layer(middleware::from_fn(crate::ops::metrics::track))
            .layer(PropagateRequestIdLayer::new(request_id))
            .layer(middleware::from_fn(security_headers::add))
            .option_layer(cors::layer(config.server.cors.as_ref()))
            .layer(middleware::from_fn(error::render_problems))
            .layer(middleware::from_fn(deadline::enforce)),
    )
}
