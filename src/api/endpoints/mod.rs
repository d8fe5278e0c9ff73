//! One module per endpoint kind. Each has a thin handler that extracts and renders, over a
//! plain async function that tests can call without HTTP.

pub mod delete_by_query;
pub mod job_status;
pub mod ping;
pub mod search;
pub mod template;

use std::sync::Arc;

use axum::routing::{MethodRouter, get, post};

use super::AppState;
use super::error::ApiError;
use crate::config::{Config, EndpointConfig, EndpointKind, Method};
use crate::mapping::FieldType;

/// The method router serving `endpoint` of `config`.
pub fn method_router(config: &Config, endpoint: &EndpointConfig) -> MethodRouter<AppState> {
    let router = match &endpoint.kind {
        EndpointKind::Ping(_) => get(ping::handle),
        EndpointKind::Search(search) => {
            let Some(index) = config.index(&search.index) else {
                return MethodRouter::new().fallback(not_found);
            };
            let declared = Arc::new(search::Declared::new(&endpoint.path, search, &index.mapping));
            let for_get = Arc::clone(&declared);
            let by_get = get(move |state, tenant, query| {
                search::get(state, Arc::clone(&for_get), tenant, query)
            });
            let by_post = post(move |state, tenant, body| {
                search::post(state, Arc::clone(&declared), tenant, body)
            });
            serving(&search.methods, by_get, by_post)
        }
        EndpointKind::Template(template) => {
            let declared = Arc::new(template::Declared::new(template));
            let for_get = Arc::clone(&declared);
            let by_get = get(move |state, query| template::get(state, Arc::clone(&for_get), query));
            let by_post =
                post(move |state, body| template::post(state, Arc::clone(&declared), body));
            serving(&template.methods, by_get, by_post)
        }
        EndpointKind::DeleteByQuery(delete) => {
            let field_type = config
                .index(&delete.index)
                .and_then(|index| index.mapping.field(&delete.term.field))
                .map_or(FieldType::Keyword, |field| field.field_type);
            let declared = Arc::new(delete_by_query::Declared {
                path: endpoint.path.clone(),
                endpoint: delete.clone(),
                field_type,
            });
            post(move |state, body| delete_by_query::handle(state, Arc::clone(&declared), body))
        }
        EndpointKind::JobStatus(_) => get(job_status::handle),
    };
    router.fallback(method_not_allowed)
}

/// The routes of the declared `methods` among `by_get` and `by_post`.
fn serving(
    methods: &[Method],
    by_get: MethodRouter<AppState>,
    by_post: MethodRouter<AppState>,
) -> MethodRouter<AppState> {
    let mut router = MethodRouter::new();
    if methods.contains(&Method::Get) {
        router = router.merge(by_get);
    }
    if methods.contains(&Method::Post) {
        router = router.merge(by_post);
    }
    router
}

/// Answers requests to paths no endpoint serves.
pub async fn not_found() -> ApiError {
    ApiError::NotFound("no endpoint is served at this path".into())
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}
