//! Schemas shared by every endpoint: problem details, health, jobs.

use serde_json::{Value, json};

/// A `$ref` to a shared schema.
pub fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// The `components.schemas` object.
pub fn components() -> Value {
    json!({
        "Problem": problem(),
        "FieldProblem": {
            "type": "object",
            "required": ["field", "problem"],
            "properties": {
                "field": {"type": "string", "description": "The parameter, as sent."},
                "problem": {"type": "string", "description": "What is wrong with it."},
            },
        },
        "Ping": ping(),
        "JobStarted": {
            "type": "object",
            "required": ["message", "task_id"],
            "properties": {
                "message": {"type": "string"},
                "task_id": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
            },
        },
        "Job": job(),
    })
}

fn problem() -> Value {
    json!({
        "type": "object",
        "description": "RFC 9457 problem details.",
        "required": ["type", "title", "status", "detail", "request_id"],
        "properties": {
            "type": {"type": "string", "description": "A URI naming the kind of problem."},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "request_id": {"type": "string"},
            "errors": {"type": "array", "items": reference("FieldProblem")},
        },
    })
}

fn ping() -> Value {
    json!({
        "type": "object",
        "required": ["status", "message", "cluster_status", "number_of_nodes", "active_shards"],
        "properties": {
            "status": {"type": "string", "const": "success"},
            "message": {"type": "string"},
            "cluster_status": {"type": "string", "enum": ["green", "yellow", "red"]},
            "number_of_nodes": {"type": "integer", "minimum": 0},
            "active_shards": {"type": "integer", "minimum": 0},
        },
    })
}

fn job() -> Value {
    json!({
        "type": "object",
        "required": ["task_id", "state", "total", "deleted", "error", "created_at", "finished_at"],
        "properties": {
            "task_id": {"type": "string"},
            "state": {"type": "string", "enum": ["running", "completed", "failed"]},
            "total": {"type": ["integer", "null"], "minimum": 0},
            "deleted": {"type": ["integer", "null"], "minimum": 0},
            "error": {"type": ["string", "null"]},
            "created_at": {"type": "string", "format": "date-time"},
            "finished_at": {"type": ["string", "null"], "format": "date-time"},
        },
    })
}
