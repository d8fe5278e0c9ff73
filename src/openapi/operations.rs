//! One OpenAPI operation per endpoint kind, built from its declaration.

use serde_json::{Map, Value, json};

use super::schemas::reference;
use crate::config::{
    Config, DeleteByQueryEndpoint, JobStatusEndpoint, PingEndpoint, SearchEndpoint,
};
use crate::mapping::FieldType;

/// `ping`.
pub fn ping(endpoint: &PingEndpoint) -> Value {
    let mut responses = problems(&["503"]);
    responses.insert("200".into(), ok("The engine is reachable.", reference("Ping")));
    operation("ping", endpoint.description.as_deref(), None, responses)
}

/// `search`: the text parameter, `size` with its limits, and the declared hit fields.
pub fn search(config: &Config, endpoint: &SearchEndpoint) -> Value {
    let text = &endpoint.text;
    let body = json!({
        "type": "object",
        "additionalProperties": false,
        "required": [&text.param],
        "properties": {
            &text.param: {
                "type": "string",
                "minLength": 1,
                "maxLength": text.max_chars,
                "description": "Searched as a phrase: its words, next to each other, in order.",
            },
            "size": {
                "type": "integer",
                "minimum": 1,
                "maximum": endpoint.size.max,
                "default": endpoint.size.default,
                "description": "How many hits to return.",
            },
        },
    });

    let mut hit_fields = Map::new();
    for path in &endpoint.source {
        hit_fields.insert(path.clone(), source_schema(config, &endpoint.index, path));
    }
    let answer = json!({
        "type": "object",
        "required": ["hits", "total"],
        "properties": {
            "hits": {"type": "array", "items": {"type": "object", "properties": hit_fields}},
            "total": {"type": "integer", "minimum": 0, "description": "Matching documents."},
        },
    });

    let mut responses = problems(&["400", "413", "415", "422", "502", "503", "504"]);
    responses.insert("200".into(), ok("The best hits.", answer));
    operation("search", endpoint.description.as_deref(), Some(body), responses)
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
        _ => json!({"type": "string", "minLength": 1}),
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

fn operation(
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

fn ok(description: &str, schema: Value) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

fn problems(statuses: &[&str]) -> Map<String, Value> {
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

fn source_schema(config: &Config, index: &str, path: &str) -> Value {
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
