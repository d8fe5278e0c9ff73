//! `template`: a query template filled with the client's checked values.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{RawQuery, State};
use serde_json::{Map, Value};

use super::search::Shape;
use crate::api::AppState;
use crate::api::body::JsonObject;
use crate::api::error::{ApiError, FieldProblem};
use crate::api::params::{self, ParamKind, ParamSpec};
use crate::backend::{Backend, SearchRequest};
use crate::config::{ParamType, TemplateEndpoint};
use crate::mapping::FieldType;
use crate::query::Query;
use crate::query::template::fill;

/// A template endpoint with its parameter specs.
#[derive(Debug, Clone)]
pub struct Declared {
    /// The endpoint as configured.
    pub endpoint: TemplateEndpoint,
    /// The query template, read once.
    pub template: Value,
    /// Every parameter the endpoint accepts.
    pub specs: Vec<ParamSpec>,
}

impl Declared {
    /// Prepares `endpoint`, already checked with its config.
    pub fn new(endpoint: &TemplateEndpoint) -> Declared {
        let template = serde_json::from_str(&endpoint.query).unwrap_or(Value::Null);
        let mut specs: Vec<ParamSpec> = endpoint
            .params
            .iter()
            .map(|(name, param)| {
                let (max_chars, max_values) = (param.max_chars, param.max_values);
                let kind = match param.param_type {
                    ParamType::String => ParamKind::Text { max_chars },
                    ParamType::Integer | ParamType::Number => ParamKind::Number {
                        integer: param.param_type == ParamType::Integer,
                        min: param.min,
                        max: param.max,
                    },
                    ParamType::Boolean => ParamKind::Flag,
                    ParamType::Date => ParamKind::Exact { field_type: FieldType::Date, max_chars },
                    ParamType::StringList => {
                        ParamKind::List { field_type: FieldType::Keyword, max_values, max_chars }
                    }
                };
                let description = param.description.clone().unwrap_or_default();
                ParamSpec { name: name.clone(), kind, required: param.required, description }
            })
            .collect();

        let size = endpoint.size;
        let kind = ParamKind::Integer { min: 1, max: size.max, default: Some(size.default) };
        let description = "How many hits to return.".to_owned();
        specs.push(ParamSpec { name: "size".into(), kind, required: false, description });
        let kind = ParamKind::Integer { min: 1, max: endpoint.max_depth, default: None };
        let description =
            format!("The page, from 1; page × size may reach {}.", endpoint.max_depth);
        specs.push(ParamSpec { name: "page".into(), kind, required: false, description });

        Declared { endpoint: endpoint.clone(), template, specs }
    }
}

/// Checks the parameters, fills the template, runs it and shapes the answer.
pub async fn search(
    backend: &Backend,
    declared: &Declared,
    values: Map<String, Value>,
) -> Result<Value, ApiError> {
    let checked = params::check(&declared.specs, values)?;
    let endpoint = &declared.endpoint;
    let size = checked.integer("size").unwrap_or(endpoint.size.default);
    let from = checked.integer("page").map_or(0, |page| (page - 1).saturating_mul(size));
    if from.saturating_add(size) > endpoint.max_depth {
        let problem = format!("page × size must be at most {}", endpoint.max_depth);
        return Err(ApiError::Invalid(vec![FieldProblem::new("page", problem)]));
    }

    let values: BTreeMap<String, Value> =
        checked.0.into_iter().filter(|(name, _)| endpoint.params.contains_key(name)).collect();
    let filled = fill(&declared.template, &values);
    let query = Query::from_elasticsearch(&filled).map_err(|problem| {
        tracing::warn!(%problem, "a filled template is not a query the plan reads");
        let problem = "these values do not make a valid query for this endpoint";
        ApiError::Invalid(vec![FieldProblem::new("query", problem)])
    })?;

    let size = usize::try_from(size).unwrap_or(usize::MAX);
    let mut request = SearchRequest::new(query, size, endpoint.source.clone());
    request.from = usize::try_from(from).unwrap_or(usize::MAX);
    request.total_cap = endpoint.total_cap;
    let found = backend.search(&endpoint.index, request).await?;

    let shape = Shape {
        source: &endpoint.source,
        rename: &endpoint.rename,
        id: endpoint.id.as_deref(),
        capped: endpoint.total_cap.is_some(),
        facets: false,
    };
    Ok(shape.answer(found, None))
}

/// `POST` handler.
pub async fn post(
    State(state): State<AppState>,
    declared: Arc<Declared>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    search(&state.backend, &declared, body).await.map(Json)
}

/// `GET` handler.
pub async fn get(
    State(state): State<AppState>,
    declared: Arc<Declared>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let values = params::read_query_string(&declared.specs, query.as_deref().unwrap_or(""))?;
    search(&state.backend, &declared, values).await.map(Json)
}
