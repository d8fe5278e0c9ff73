//! `delete-by-query`: starts a background job deleting documents whose field equals a value.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::api::body::JsonObject;
use crate::api::params::Params;
use crate::api::{ApiError, AppState};
use crate::config::DeleteByQueryEndpoint;
use crate::jobs::Jobs;
use crate::mapping::FieldType;
use crate::query::{Query, Term};

/// The answer: the job id to follow.
#[derive(Debug, Serialize)]
pub struct DeleteResponse {
    /// A sentence for people.
    pub message: String,
    /// The job id.
    pub task_id: String,
}

/// A delete-by-query endpoint as declared, with the type of the field it matches.
#[derive(Debug, Clone)]
pub struct Declared {
    /// The endpoint's path, recorded with each job.
    pub path: String,
    /// The declaration.
    pub endpoint: DeleteByQueryEndpoint,
    /// The type of the matched field, which the client's value must fit.
    pub field_type: FieldType,
}

/// Checks the parameters, records the job and starts it.
pub async fn delete_by_query(
    jobs: &Jobs,
    declared: &Declared,
    body: Map<String, Value>,
) -> Result<DeleteResponse, ApiError> {
    let endpoint = &declared.endpoint;
    let term = &endpoint.term;
    let mut params = Params::new(body, &[term.param.as_str()]);

    let value = params.required_value(&term.param, declared.field_type, term.max_chars);
    params.finish()?;
    let Some(value) = value else {
        return Err(ApiError::Internal("checked parameters went missing".into()));
    };

    let query = Query::Term(Term::new(&term.field, value));
    let id = jobs
        .start_delete_by_query(&declared.path, &endpoint.index, query)
        .await
        .map_err(|error| ApiError::Internal(error.to_string()))?;

    Ok(DeleteResponse {
        message: "Delete by query started in the background; read its state at the task \
                  endpoint with this task_id."
            .to_owned(),
        task_id: id.to_string(),
    })
}

/// `POST` handler.
pub async fn handle(
    State(state): State<AppState>,
    declared: Arc<Declared>,
    JsonObject(body): JsonObject,
) -> Result<Json<DeleteResponse>, ApiError> {
    delete_by_query(&state.jobs, &declared, body).await.map(Json)
}
