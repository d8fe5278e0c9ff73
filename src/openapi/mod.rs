//! The OpenAPI 3.1 document, generated from the declared endpoints.
//!
//! Each endpoint contributes its path with the parameters, limits and response fields its
//! declaration gives; the shared answers (problems, jobs, health) come from [`schemas`].

mod operations;
mod schemas;
mod search;
mod security;

pub use search::param_schema;

use serde_json::{Map, Value, json};

use crate::api::endpoints::search::Declared;
use crate::api::endpoints::template;
use crate::config::{Config, EndpointKind};

fn one(method: &str, operation: Value) -> Map<String, Value> {
    Map::from_iter([(method.to_owned(), operation)])
}

/// The OpenAPI document for `config`.
pub fn document(config: &Config) -> Value {
    let mut paths = Map::new();

    for endpoint in &config.endpoints {
        let mut by_method = match &endpoint.kind {
            EndpointKind::Ping(ping) => one("get", operations::ping(ping)),
            EndpointKind::Search(declared) => {
                let Some(index) = config.index(&declared.index) else { continue };
                let declared = Declared::new(&endpoint.path, declared, &index.mapping);
                search::search_operations(config, &declared)
            }
            EndpointKind::Template(template) => {
                search::template_operations(config, &template::Declared::new(template))
            }
            EndpointKind::DeleteByQuery(delete) => {
                one("post", operations::delete_by_query(config, delete))
            }
            EndpointKind::JobStatus(status) => one("get", operations::job_status(status)),
        };
        for operation in by_method.values_mut() {
            security::apply(config, endpoint, operation);
        }
        paths.insert(endpoint.path.clone(), Value::Object(by_method));
    }

    let mut components = json!({"schemas": schemas::components()});
    if let Some(schemes) = security::schemes(config) {
        components["securitySchemes"] = schemes;
    }

    for (path, operations) in operations::operations_paths(config) {
        paths.insert(path.to_owned(), operations);
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
