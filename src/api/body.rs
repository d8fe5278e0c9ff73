//! The JSON body extractor: content type, size limit and syntax, all rejected in moat's shape.

use axum::body::Body;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use http_body_util::BodyExt;
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
        let bytes = read_limited(request.into_body(), limit).await?;
        let value = super::json::parse(&bytes)
            .map_err(|error| ApiError::MalformedJson(error.to_string()))?;

        match value {
            Value::Object(object) => Ok(JsonObject(object)),
            _ => Err(ApiError::Invalid(vec![FieldProblem::new("body", "must be a JSON object")])),
        }
    }
}

/// How much of an over-limit body is still read and thrown away, so that the client, which is
/// usually still sending, reads the 413 answer instead of a reset connection.
const DRAIN_LIMIT_BYTES: usize = 16 * 1024 * 1024;

/// Reads the body when it holds at most `limit` bytes.
async fn read_limited(mut body: Body, limit: usize) -> Result<Vec<u8>, ApiError> {
    let mut bytes = Vec::new();
    let mut seen = 0usize;

    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| ApiError::MalformedJson("the body was cut off".into()))?;
        let Ok(data) = frame.into_data() else { continue };
        seen += data.len();

        if seen > DRAIN_LIMIT_BYTES {
            break;
        }
        if seen <= limit {
            bytes.extend_from_slice(&data);
        }
    }

    if seen > limit {
        return Err(ApiError::PayloadTooLarge(limit));
    }
    Ok(bytes)
}

fn is_json(content_type: Option<&header::HeaderValue>) -> bool {
    let Some(content_type) = content_type.and_then(|value| value.to_str().ok()) else {
        return false;
    };
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
}
