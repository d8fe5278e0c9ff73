//! The operations of `search` and `template` endpoints, built from the same parameter specs
//! that check requests, so the document shows exactly what the endpoint accepts.

use serde_json::{Map, Value, json};

use super::operations::{ok, operation, problems, source_schema};
use crate::api::endpoints::{search, template};
use crate::api::params::{ParamKind, ParamSpec};
use crate::config::{Config, HIGHLIGHT_KEY, Method};
use crate::mapping::FieldType;

/// A string holding something besides white space: moat refuses blank texts and values.
pub const NOT_BLANK: &str = "\\S";

/// The JSON schema of one parameter's value.
pub fn param_schema(spec: &ParamSpec) -> Value {
    let mut schema = match &spec.kind {
        ParamKind::Text { max_chars } => {
            json!({"type": "string", "minLength": 1, "maxLength": max_chars, "pattern": NOT_BLANK})
        }
        ParamKind::Integer { min, max, default } => {
            let mut schema = json!({"type": "integer", "minimum": min, "maximum": max});
            if let Some(default) = default {
                schema["default"] = json!(default);
            }
            schema
        }
        ParamKind::Choice { options, default } => {
            json!({"type": "string", "enum": options, "default": default})
        }
        ParamKind::Exact { field_type, max_chars } => exact_schema(*field_type, *max_chars),
        ParamKind::List { field_type, max_values, max_chars } => json!({
            "type": "array",
            "minItems": 1,
            "maxItems": max_values,
            "items": exact_schema(*field_type, *max_chars),
        }),
        ParamKind::Flag => json!({"type": "boolean"}),
        ParamKind::Number { integer, min, max } => {
            let mut schema = json!({"type": if *integer { "integer" } else { "number" }});
            if let Some(min) = min {
                schema["minimum"] = json!(min);
            }
            if let Some(max) = max {
                schema["maximum"] = json!(max);
            }
            schema
        }
        ParamKind::Cursor => json!({"type": "string", "minLength": 1, "maxLength": 4096}),
    };
    if !spec.description.is_empty() {
        schema["description"] = json!(spec.description);
    }
    schema
}

fn exact_schema(field_type: FieldType, max_chars: usize) -> Value {
    let text =
        json!({"type": "string", "minLength": 1, "maxLength": max_chars, "pattern": NOT_BLANK});
    match field_type {
        FieldType::Text | FieldType::Keyword => text,
        FieldType::Integer | FieldType::Long => json!({"anyOf": [{"type": "integer"}, text]}),
        FieldType::Float | FieldType::Double => json!({"anyOf": [{"type": "number"}, text]}),
        FieldType::Boolean => json!({"type": "boolean"}),
        FieldType::Date => json!({"anyOf": [{"type": "integer"}, text]}),
    }
}

/// The `GET` and `POST` operations of one endpoint, by method.
fn operations(
    kind: &str,
    description: Option<&str>,
    methods: &[Method],
    specs: &[ParamSpec],
    answer: Value,
) -> Map<String, Value> {
    let mut responses = problems(&["400", "405", "408", "410", "422", "502", "503", "504"]);
    responses.insert("200".into(), ok("The hits.", answer));
    let mut by_method = Map::new();

    if methods.contains(&Method::Get) {
        let mut get = operation(kind, description, None, responses.clone());
        let parameters: Vec<Value> = specs
            .iter()
            .map(|spec| {
                json!({
                    "name": spec.name,
                    "in": "query",
                    "required": spec.required,
                    "schema": param_schema(spec),
                    "style": "form",
                    "explode": true,
                })
            })
            .collect();
        get["parameters"] = Value::Array(parameters);
        by_method.insert("get".into(), get);
    }
    if methods.contains(&Method::Post) {
        let properties: Map<String, Value> =
            specs.iter().map(|spec| (spec.name.clone(), param_schema(spec))).collect();
        let required: Vec<&str> =
            specs.iter().filter(|spec| spec.required).map(|spec| spec.name.as_str()).collect();
        let body = json!({
            "type": "object",
            "additionalProperties": false,
            "required": required,
            "properties": properties,
        });
        let mut post_responses = responses;
        post_responses.extend(problems(&["413", "415"]));
        by_method.insert("post".into(), operation(kind, description, Some(body), post_responses));
    }
    by_method
}

/// A search endpoint's operations.
pub fn search_operations(config: &Config, declared: &search::Declared) -> Map<String, Value> {
    let endpoint = &declared.endpoint;
    let mut hit = hit_properties(config, &endpoint.index, &endpoint.source, &endpoint.rename);
    if let Some(id) = &endpoint.id {
        hit.insert(id.clone(), json!({"type": "string", "description": "The document id."}));
    }
    if let Some(highlight) = &endpoint.highlight {
        let marked: Map<String, Value> = highlight
            .fields
            .iter()
            .map(|field| {
                let name = endpoint.rename.get(field).unwrap_or(field).clone();
                (name, json!({"type": "array", "items": {"type": "string"}}))
            })
            .collect();
        let description = "The matching values of highlighted fields, HTML-escaped, the \
                           matched words between the declared tags.";
        hit.insert(
            HIGHLIGHT_KEY.into(),
            json!({"type": "object", "properties": marked, "description": description}),
        );
    }

    let mut answer = answer_schema(hit, endpoint.total_cap.is_some());
    if !endpoint.facets.is_empty() {
        let bucket = json!({
            "type": "object",
            "required": ["value", "count"],
            "properties": {"value": {"type": "string"}, "count": {"type": "integer"}},
        });
        let facets: Map<String, Value> = endpoint
            .facets
            .iter()
            .map(|facet| {
                let list = json!({"type": "array", "maxItems": facet.size, "items": bucket});
                (facet.field.clone(), list)
            })
            .collect();
        answer["properties"]["facets"] = json!({"type": "object", "properties": facets});
        push_required(&mut answer, "facets");
    }
    if endpoint.paging.cursor {
        answer["properties"]["next_cursor"] = json!({
            "type": ["string", "null"],
            "description": "Send it as `cursor`, with the same other parameters, for the next \
                            page; null on the last page.",
        });
        push_required(&mut answer, "next_cursor");
    }
    let description = endpoint.description.as_deref();
    operations("search", description, &endpoint.methods, &declared.specs, answer)
}

/// A template endpoint's operations.
pub fn template_operations(config: &Config, declared: &template::Declared) -> Map<String, Value> {
    let endpoint = &declared.endpoint;
    let mut hit = hit_properties(config, &endpoint.index, &endpoint.source, &endpoint.rename);
    if let Some(id) = &endpoint.id {
        hit.insert(id.clone(), json!({"type": "string", "description": "The document id."}));
    }
    let answer = answer_schema(hit, endpoint.total_cap.is_some());
    let description = endpoint.description.as_deref();
    operations("template", description, &endpoint.methods, &declared.specs, answer)
}

fn hit_properties(
    config: &Config,
    index: &str,
    source: &[String],
    rename: &std::collections::BTreeMap<String, String>,
) -> Map<String, Value> {
    source
        .iter()
        .map(|path| {
            let name = rename.get(path).unwrap_or(path).clone();
            (name, source_schema(config, index, path))
        })
        .collect()
}

fn answer_schema(hit: Map<String, Value>, capped: bool) -> Value {
    let mut answer = json!({
        "type": "object",
        "required": ["hits", "total"],
        "properties": {
            "hits": {"type": "array", "items": {"type": "object", "properties": hit}},
            "total": {"type": "integer", "minimum": 0, "description": "Matching documents."},
        },
    });
    if capped {
        answer["properties"]["total_capped"] = json!({
            "type": "boolean",
            "description": "true when more documents match than `total` says.",
        });
        push_required(&mut answer, "total_capped");
    }
    answer
}

fn push_required(schema: &mut Value, name: &str) {
    if let Some(required) = schema["required"].as_array_mut() {
        required.push(json!(name));
    }
}
