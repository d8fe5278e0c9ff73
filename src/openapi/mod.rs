//! The OpenAPI 3.1 document, generated from the declared endpoints.
//!
//! Each endpoint contributes its path with the parameters, limits and response fields its
//! declaration gives; the shared answers (problems, jobs, health) come from [`schemas`].

mod operations;
mod schemas;
mod security;

use serde_json::{Map, Value, json};

use crate::config::{Config, EndpointKind};

/// The OpenAPI document for `config`.
pub fn document(config: &Config) -> Value {
    let mut paths = Map::new();

    for endpoint in &config.endpoints {
        let (method, mut operation) = match &endpoint.kind {
            EndpointKind::Ping(ping) => ("get", operations::ping(ping)),
            EndpointKind::Search(search) => ("post", operations::search(config, search)),
            EndpointKind::DeleteByQuery(delete) => {
                ("post", operations::delete_by_query(config, delete))
            }
            EndpointKind::JobStatus(status) => ("get", operations::job_status(status)),
        };
        security::apply(config, endpoint, &mut operation);
        paths.insert(endpoint.path.clone(), json!({ method: operation }));
    }

    let mut components = json!({"schemas": schemas::components()});
    if let Some(schemes) = security::schemes(config) {
        components["securitySchemes"] = schemes;
    }

    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "moat search API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Search endpoints served by moat. Every error is an RFC 9457 \
                            problem document; every response carries `x-request-id`.",
        },
        "paths": paths,
        "components": components,
    })
}
