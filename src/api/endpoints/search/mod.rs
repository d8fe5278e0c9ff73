//! `search`: a declared search, its parameters from a `GET` query string or a `POST` body.

mod declared;
mod plan;
mod shape;
mod tenant;

pub use declared::Declared;
pub use plan::plan;
pub use shape::Shape;

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::{Extension, Json};
use serde_json::{Map, Value};

use crate::access::TenantFilters;
use crate::api::AppState;
use crate::api::body::JsonObject;
use crate::api::cursor::{CursorKey, Position};
use crate::api::error::{ApiError, FieldProblem};
use crate::api::params::{self, Checked};
use crate::backend::{Backend, SearchRequest, SearchResponse};

/// Checks the parameters, runs the search and shapes the answer.
pub async fn search(
    backend: &Backend,
    cursors: &CursorKey,
    declared: &Declared,
    values: Map<String, Value>,
) -> Result<Value, ApiError> {
    let checked = params::check(&declared.specs, values)?;
    let with_cursors = declared.endpoint.paging.cursor;
    let context = if with_cursors { cursor_context(declared, &checked) } else { Vec::new() };
    let position = match checked.text(declared::CURSOR) {
        Some(cursor) => Some(cursors.open(cursor, &context).ok_or_else(|| {
            let problem = "is not a cursor of this endpoint and query; send the other \
                           parameters unchanged, or start again without a cursor";
            ApiError::Invalid(vec![FieldProblem::new(declared::CURSOR, problem)])
        })?),
        None => None,
    };

    let request = plan(declared, &checked, position.as_ref())?;
    let seen = match &position {
        Some(position) => position.seen,
        None => request.from as u64,
    };
    let size = request.size;
    let found = backend.search(&declared.endpoint.index, request).await?;

    let next_cursor = with_cursors
        .then(|| next_position(&found, seen, size).map(|next| cursors.seal(&next, &context)));
    let endpoint = &declared.endpoint;
    let shape = Shape {
        source: &endpoint.source,
        rename: &endpoint.rename,
        id: endpoint.id.as_deref(),
        capped: endpoint.total_cap.is_some(),
        facets: !endpoint.facets.is_empty(),
    };
    Ok(shape.answer(found, next_cursor))
}

/// Checks a client's parameters and builds the search they ask for, without a cursor (for
/// tests and tools that run plans directly on a backend).
pub fn plan_request(
    declared: &Declared,
    values: Map<String, Value>,
) -> Result<SearchRequest, ApiError> {
    let checked = params::check(&declared.specs, values)?;
    plan(declared, &checked, None)
}

/// Where the page after `found` starts, `seen` hits having come before it; none when no
/// hit is left.
///
/// A first page runs on the live index, so it needs no snapshot; on Elasticsearch and
/// OpenSearch the walk's snapshot starts with the second page (a cursor of counted hits), and
/// documents written between those two pages can shift the boundary. Opening the point in
/// time on the first page of endpoints with cursors would lift that, at the price of one more
/// engine call per first page.
fn next_position(found: &SearchResponse, seen: u64, size: usize) -> Option<Position> {
    let last = found.hits.last().filter(|_| found.hits.len() == size)?;
    let seen = seen + size as u64;
    if seen >= found.total && !found.total_is_lower_bound {
        return None;
    }

    Some(Position { after: last.sort.clone(), seen, snapshot: found.snapshot.clone() })
}

/// What a cursor is bound to: the endpoint and every checked parameter but the paging ones.
fn cursor_context(declared: &Declared, checked: &Checked) -> Vec<u8> {
    let mut query = checked.0.clone();
    for paging in [declared::CURSOR, declared::PAGE, declared::SIZE] {
        query.remove(paging);
    }
    let mut context = declared.path.clone().into_bytes();
    context.push(b'\n');
    context.extend(serde_json::to_vec(&query).unwrap_or_default());
    context
}

/// `POST` handler: parameters in a JSON body.
pub async fn post(
    State(state): State<AppState>,
    declared: Arc<Declared>,
    tenant: Option<Extension<TenantFilters>>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let declared = tenant::scoped(declared, tenant);
    search(&state.backend, &state.cursors, &declared, body).await.map(Json)
}

/// `GET` handler: parameters in the query string.
pub async fn get(
    State(state): State<AppState>,
    declared: Arc<Declared>,
    tenant: Option<Extension<TenantFilters>>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let declared = tenant::scoped(declared, tenant);
    let values = params::read_query_string(&declared.specs, query.as_deref().unwrap_or(""))?;
    search(&state.backend, &state.cursors, &declared, values).await.map(Json)
}
