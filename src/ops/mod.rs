//! Operating moat: probes, metrics, request budgets, the connection loop and config reload.
//!
//! These paths are served whatever the config declares, and no endpoint may take them:
//!
//! ```text
//! GET /healthz   200 while the process serves HTTP
//! GET /readyz    200 when the engine answers its health call, else 503
//! GET /metrics   Prometheus metrics (turned off with `[server] metrics = false`)
//! ```

pub mod budget;
pub mod listen;
pub mod metrics;
pub mod probes;
pub mod reload;

use axum::Router;
use axum::routing::get;

use crate::api::AppState;
use crate::config::Config;

/// The liveness probe's path.
pub const HEALTHZ_PATH: &str = "/healthz";

/// The readiness probe's path.
pub const READYZ_PATH: &str = "/readyz";

/// The metrics path.
pub const METRICS_PATH: &str = "/metrics";

/// Every path moat serves for operators.
pub const PATHS: [&str; 3] = [HEALTHZ_PATH, READYZ_PATH, METRICS_PATH];

/// Whether `path` is one of the operators' paths, whose requests are logged at debug level.
pub fn is_ops_path(path: &str) -> bool {
    PATHS.contains(&path)
}

/// The probe routes, and the metrics route unless the config turns it off.
pub fn router(config: &Config) -> Router<AppState> {
    let router = Router::new()
        .route(HEALTHZ_PATH, get(probes::healthz))
        .route(READYZ_PATH, get(probes::readyz));

    if config.server.metrics { router.route(METRICS_PATH, get(metrics::handle)) } else { router }
}
