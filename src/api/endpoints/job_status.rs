//! `job-status`: the state of a background job.

use axum::Json;
use axum::extract::rejection::RawPathParamsRejection;
use axum::extract::{RawPathParams, State};
use serde::Serialize;

use crate::api::{ApiError, AppState};
use crate::jobs::{JobId, JobState, Jobs};

/// A job as clients see it.
#[derive(Debug, Serialize)]
pub struct JobResponse {
    /// The job id.
    pub task_id: String,
    /// `running`, `completed` or `failed`.
    pub state: JobState,
    /// How many documents the job found to delete, once the engine knows.
    pub total: Option<u64>,
    /// How many documents were deleted so far.
    pub deleted: Option<u64>,
    /// Why it failed.
    pub error: Option<String>,
    /// When it started (RFC 3339).
    pub created_at: String,
    /// When it ended (RFC 3339).
    pub finished_at: Option<String>,
}

/// Reads the job `task_id`.
pub async fn job_status(jobs: &Jobs, task_id: &str) -> Result<JobResponse, ApiError> {
    let unknown = || ApiError::NotFound("no job has this id".to_owned());
    let id: JobId = task_id.parse().map_err(|()| unknown())?;

    let job = jobs
        .get(&id)
        .await
        .map_err(|error| ApiError::Internal(error.to_string()))?
        .ok_or_else(unknown)?;

    Ok(JobResponse {
        task_id: job.id.to_string(),
        state: job.state,
        total: job.total,
        deleted: job.deleted,
        error: job.error,
        created_at: job.created_at,
        finished_at: job.finished_at,
    })
}

/// `GET` handler.
pub async fn handle(
    State(state): State<AppState>,
    params: Result<RawPathParams, RawPathParamsRejection>,
) -> Result<Json<JobResponse>, ApiError> {
    let params = params.map_err(|_| ApiError::NotFound("no job has this id".to_owned()))?;
    let task_id = params
        .iter()
        .find(|(name, _)| *name == "task_id")
        .map(|(_, value)| value.to_owned())
        .unwrap_or_default();
    job_status(&state.jobs, &task_id).await.map(Json)
}
