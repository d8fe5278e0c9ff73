//! One OpenAPI operation per endpoint kind, built from its declaration.

use serde_json::{Map, Value, json};

use super::schemas::reference;
use crate::config::{Config, DeleteByQueryEndpoint, JobStatusEndpoint, PingEndpoint};
use crate::mapping::FieldType;

/// `ping`.
pub fn ping(endpoint: &PingEndpoint) -> Value {
    let mut responses = problems(&["502", "503", "504"]);
    responses.insert("200".into(), ok("The engine is reachable.", reference("Ping")));
    operation("ping", endpoint.description.as_deref(), None, responses)
}

/// `delete-by-query`: the exact value parameter, typed as its field.
pub fn delete_by_query(config: &Config, endpoint: &DeleteByQueryEndpoint) -> Value {
    let term = &endpoint.term;
    let field_type = config
        .index(&endpoint.index)
        .and_then(|index| index.mapping.field(&term.field))
        .map(|field| field.field_type);

    let mut value = match field_type {
        Some(FieldType::Integer | FieldType::Long) => json!({"type": ["integer", "string"]}),
        Some(FieldType::Float | FieldType::Double) => json!({"type": ["number", "string"]}),
        Some(FieldType::Boolean) => json!({"type": ["boolean", "string"]}),
        Some(FieldType::Date) => json!({"type": ["string", "integer"]}),
        _ => json!({"type": "string", "minLength": 1, "pattern": super::search::NOT_BLANK}),
    };
    value["maxLength"] = json!(term.max_chars);
    value["description"] = json!("Documents whose field equals this value are deleted.");

    let body = json!({
        "type": "object",
        "additionalProperties": false,
        "required": [&term.param],
        "properties": {&term.param: value},
    });

    let mut responses = problems(&["400", "413", "415", "422"]);
    responses.insert("200".into(), ok("The job was started.", reference("JobStarted")));
    operation("delete-by-query", endpoint.description.as_deref(), Some(body), responses)
}

/// The operators' paths: liveness, readiness and, when served, the Prometheus metrics.
pub fn operations_paths(config: &Config) -> Vec<(&'static str, Value)> {
    let probe = |status: &str| {
        json!({
            "type": "object",
            "required": ["status"],
            "properties": {"status": {"type": "string", "const": status}},
        })
    };
    let alive = ok("The process is alive.", probe("alive"));
    let mut ready = problems(&["503"]);
    ready.insert("200".into(), ok("The engine answers.", probe("ready")));

    let alive = Map::from_iter([("200".to_owned(), alive)]);
    let mut paths = vec![
        ("/healthz", json!({"get": operation("operations", Some("Liveness."), None, alive)})),
        ("/readyz", json!({"get": operation("operations", Some("Readiness."), None, ready)})),
    ];
    if config.server.metrics {
        let text = json!({
            "description": "Prometheus metrics in the text exposition format.",
            "content": {
                "application/openmetrics-text": {"schema": {"type": "string"}},
                "text/plain": {"schema": {"type": "string"}},
            },
        });
        let responses = Map::from_iter([("200".to_owned(), text)]);
        let metrics = operation("operations", Some("Prometheus metrics."), None, responses);
        paths.push(("/metrics", json!({"get": metrics})));
    }
    paths
}

/// `job-status`.
pub fn job_status(endpoint: &JobStatusEndpoint) -> Value {
    let mut responses = problems(&["404"]);
    responses.insert("200".into(), ok("The job.", reference("Job")));

    let mut operation = operation("job-status", endpoint.description.as_deref(), None, responses);
    operation["parameters"] = json!([{
        "name": "task_id",
        "in": "path",
        "required": true,
        "schema": {"type": "string"},
    }]);
    operation
}

pub fn operation(
    kind: &str,
    description: Option<&str>,
    body: Option<Value>,
    responses: Map<String, Value>,
) -> Value {
    let mut operation = json!({
        "summary": description.unwrap_or(kind),
        "tags": [kind],
        "responses": responses,
    });
    if let Some(schema) = body {
        operation["requestBody"] = json!({
            "required": true,
            "content": {"application/json": {"schema": schema}},
        });
    }
    operation
}

pub fn ok(description: &str, schema: Value) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

pub fn problems(statuses: &[&str]) -> Map<String, Value> {
    let mut responses = Map::new();
    for status in statuses {
        let problem = json!({
            "description": "A problem document.",
            "content": {"application/problem+json": {"schema": reference("Problem")}},
        });
        responses.insert((*status).to_owned(), problem);
    }
    responses
}

pub fn source_schema(config: &Config, index: &str, path: &str) -> Value {
    let field_type = config
        .index(index)
        .and_then(|index| index.mapping.field(path))
        .map(|field| field.field_type);

    let scalar = match field_type {
        Some(FieldType::Text | FieldType::Keyword) => json!({"type": "string"}),
        Some(FieldType::Integer | FieldType::Long) => json!({"type": "integer"}),
        Some(FieldType::Float | FieldType::Double) => json!({"type": "number"}),
        Some(FieldType::Boolean) => json!({"type": "boolean"}),
        Some(FieldType::Date) => json!({"type": ["string", "integer"]}),
        None => return json!({}),
    };
    json!({"anyOf": [scalar, {"type": "array", "items": scalar}, {"type": "null"}]})
}
