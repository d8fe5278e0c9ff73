//! `ping`: whether the engine is reachable and healthy.

use axum::Json;
use axum::extract::State;
use serde::Serialize;

use crate::api::{ApiError, AppState};
use crate::backend::Backend;

/// The ping answer, in the original API's shape.
#[derive(Debug, Serialize)]
pub struct PingResponse {
    /// Always `success` when the engine answered.
    pub status: &'static str,
    /// Which engine answered.
    pub message: String,
    /// `green`, `yellow` or `red`.
    pub cluster_status: String,
    /// Nodes in the cluster.
    pub number_of_nodes: u64,
    /// Active shards.
    pub active_shards: u64,
}

/// Asks the engine for its health.
pub async fn ping(backend: &Backend) -> Result<PingResponse, ApiError> {
    let health = backend.health().await?;
    Ok(PingResponse {
        status: "success",
        message: health.message,
        cluster_status: health.status,
        number_of_nodes: health.number_of_nodes,
        active_shards: health.active_shards,
    })
}

/// `GET` handler.
pub async fn handle(State(state): State<AppState>) -> Result<Json<PingResponse>, ApiError> {
    ping(&state.backend).await.map(Json)
}
