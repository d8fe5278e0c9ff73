//! `search`: a phrase in one text field, returning the declared source fields.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::api::body::JsonObject;
use crate::api::params::Params;
use crate::api::{ApiError, AppState};
use crate::backend::{Backend, SearchRequest};
use crate::config::SearchEndpoint;
use crate::query::{MatchPhrase, Query};

/// The search answer: the hits' declared fields and how many documents match.
#[derive(Debug, Serialize)]
pub struct SearchResponse {
    /// One object per hit, best first.
    pub hits: Vec<Map<String, Value>>,
    /// How many documents match in all.
    pub total: u64,
}

/// Checks the parameters and runs the search.
pub async fn search(
    backend: &Backend,
    endpoint: &SearchEndpoint,
    body: Map<String, Value>,
) -> Result<SearchResponse, ApiError> {
    let request = plan(endpoint, body)?;
    let found = backend.search(&endpoint.index, request).await?;

    Ok(SearchResponse {
        hits: found.hits.into_iter().map(|hit| hit.source).collect(),
        total: found.total,
    })
}

/// Checks a client's parameters and builds the search they ask for.
pub fn plan(
    endpoint: &SearchEndpoint,
    body: Map<String, Value>,
) -> Result<SearchRequest, ApiError> {
    let text = &endpoint.text;
    let limits = endpoint.size;
    let mut params = Params::new(body, &[text.param.as_str(), "size"]);

    let term = params.required_text(&text.param, text.max_chars);
    let size = params.integer_in("size", 1, limits.max, limits.default);
    params.finish()?;
    let (Some(term), Some(size)) = (term, size) else {
        return Err(ApiError::Internal("checked parameters went missing".into()));
    };

    Ok(SearchRequest {
        query: Query::MatchPhrase(MatchPhrase::new(&text.field, term)),
        size: usize::try_from(size).unwrap_or(usize::MAX),
        source_fields: endpoint.source.clone(),
    })
}

/// `POST` handler.
pub async fn handle(
    State(state): State<AppState>,
    endpoint: Arc<SearchEndpoint>,
    JsonObject(body): JsonObject,
) -> Result<Json<SearchResponse>, ApiError> {
    search(&state.backend, &endpoint, body).await.map(Json)
}
