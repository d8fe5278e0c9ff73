//! The JSON body extractor: content type, size limit and syntax, all rejected in moat's shape.

use axum::body::to_bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use serde_json::{Map, Value};

use super::AppState;
use super::error::{ApiError, FieldProblem};

/// A request body that is a JSON object.
pub struct JsonObject(pub Map<String, Value>);

impl FromRequest<AppState> for JsonObject {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<JsonObject, ApiError> {
        if !is_json(request.headers().get(header::CONTENT_TYPE)) {
            return Err(ApiError::UnsupportedMediaType);
        }

        let limit = state.max_body_bytes;
        let declared = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<usize>().ok());
        if declared.is_some_and(|length| length > limit) {
            return Err(ApiError::PayloadTooLarge(limit));
        }

        let bytes = to_bytes(request.into_body(), limit)
            .await
            .map_err(|_| ApiError::PayloadTooLarge(limit))?;
        let value: Value = serde_json::from_slice(&bytes)
            .map_err(|error| ApiError::MalformedJson(error.to_string()))?;

        match value {
            Value::Object(object) => Ok(JsonObject(object)),
            _ => Err(ApiError::Invalid(vec![FieldProblem::new(
                "body",
                "must be a JSON object",
            )])),
        }
    }
}

fn is_json(content_type: Option<&header::HeaderValue>) -> bool {
    let Some(content_type) = content_type.and_then(|value| value.to_str().ok()) else {
        return false;
    };
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
}
