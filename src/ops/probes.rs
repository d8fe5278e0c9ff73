//! `/healthz` and `/readyz`: whether moat runs, and whether it can answer searches now.
//!
//! `/healthz` answers 200 as long as the process serves HTTP. `/readyz` asks the engine for
//! its health and answers 200 when it does within [`READY_TIMEOUT`], else 503 with a problem
//! and `Retry-After`. The embedded backend is ready whenever moat runs.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use serde::Serialize;

use crate::api::{ApiError, AppState, EngineKind};

/// How long `/readyz` waits for the engine's health.
pub const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// The answer of both probes when all is well.
#[derive(Debug, Serialize)]
pub struct ProbeResponse {
    /// `alive` or `ready`.
    pub status: &'static str,
}

/// `GET /healthz`.
pub async fn healthz() -> Json<ProbeResponse> {
    Json(ProbeResponse { status: "alive" })
}

/// `GET /readyz`.
pub async fn readyz(State(state): State<AppState>) -> Result<Json<ProbeResponse>, ApiError> {
    let reason = match tokio::time::timeout(READY_TIMEOUT, state.backend.health()).await {
        Ok(Ok(_)) => return Ok(Json(ProbeResponse { status: "ready" })),
        Ok(Err(error)) => format!("not ready: {error}"),
        Err(_) => format!("not ready: no health within {} ms", READY_TIMEOUT.as_millis()),
    };
    Err(ApiError::Engine(reason, EngineKind::Unavailable))
}
