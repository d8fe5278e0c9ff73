//! The one client-facing error type, rendered as RFC 9457 problem details.
//!
//! Handlers return [`ApiError`]. Its response carries the error itself as an extension; the
//! [`render_problems`] middleware, which knows the request id, logs internal details and writes
//! the `application/problem+json` body. So every error, from a handler, an extractor or the
//! router's fallbacks, leaves moat in one shape.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;

use crate::backend::EngineError;

/// The most field problems one answer lists, so a huge body cannot make a huger answer.
const MAX_LISTED_PROBLEMS: usize = 20;

/// How long clients are asked to wait before retrying when the engine is unavailable.
const RETRY_AFTER_SECONDS: &str = "5";

/// How long clients are asked to wait before retrying when moat is at its in-flight cap.
const OVERLOADED_RETRY_AFTER_SECONDS: &str = "1";

/// One invalid parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    /// The parameter, as the client named it.
    pub field: String,
    /// What is wrong with it.
    pub problem: String,
}

impl FieldProblem {
    /// A problem with `field`.
    pub fn new(field: impl Into<String>, problem: impl Into<String>) -> FieldProblem {
        FieldProblem { field: field.into(), problem: problem.into() }
    }
}

/// Everything that can go wrong for a client.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// The body is not JSON (400).
    #[error("the body is not valid JSON: {0}")]
    MalformedJson(String),
    /// The body is not declared as JSON (415).
    #[error("the body must be sent with `Content-Type: application/json`")]
    UnsupportedMediaType,
    /// The body is larger than allowed (413).
    #[error("the body is larger than the limit of {0} bytes")]
    PayloadTooLarge(usize),
    /// Parameters are missing, unknown or invalid (422).
    #[error("{}", invalid_detail(.0.len()))]
    Invalid(Vec<FieldProblem>),
    /// No credentials, or credentials moat does not accept (401).
    #[error("{0}")]
    Unauthorized(String),
    /// The credentials do not allow this request (403).
    #[error("{0}")]
    Forbidden(String),
    /// Too many requests from this key or address (429).
    #[error("too many requests; retry after {0} second(s)")]
    RateLimited(u64),
    /// No such endpoint or job (404).
    #[error("{0}")]
    NotFound(String),
    /// The request took longer than moat allows (408).
    #[error("the request was not completed in time")]
    RequestTimeout,
    /// The cursor's frozen view of the index has expired (410).
    #[error("this cursor has expired; start again from the first page")]
    CursorExpired,
    /// moat already waits on the engine for as many requests as it allows (503).
    #[error("too many requests are waiting on the search engine; retry shortly")]
    Overloaded,
    /// The endpoint exists with another method (405).
    #[error("this endpoint does not accept this method")]
    MethodNotAllowed,
    /// The engine failed (502, 503 or 504); the text is for the log only.
    #[error("{0}")]
    Engine(String, EngineKind),
    /// moat itself failed (500); the text is for the log only.
    #[error("{0}")]
    Internal(String),
}

/// The client-visible kind of an engine failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineKind {
    /// 502: the engine answered with an error.
    BadGateway,
    /// 503: the engine is unreachable or busy.
    Unavailable,
    /// 504: the engine was too slow.
    Timeout,
}

impl From<EngineError> for ApiError {
    fn from(error: EngineError) -> ApiError {
        let kind = match &error {
            EngineError::Unavailable(_) | EngineError::Locked(_) => EngineKind::Unavailable,
            EngineError::Timeout(_) => EngineKind::Timeout,
            EngineError::SnapshotExpired(_) => return ApiError::CursorExpired,
            EngineError::Rejected(_) | EngineError::MissingIndex(_) | EngineError::Internal(_) => {
                EngineKind::BadGateway
            }
        };
        ApiError::Engine(error.to_string(), kind)
    }
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            ApiError::MalformedJson(_) => StatusCode::BAD_REQUEST,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::CursorExpired => StatusCode::GONE,
            ApiError::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ApiError::Overloaded => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Engine(_, EngineKind::BadGateway) => StatusCode::BAD_GATEWAY,
            ApiError::Engine(_, EngineKind::Unavailable) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Engine(_, EngineKind::Timeout) => StatusCode::GATEWAY_TIMEOUT,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable code naming the kind of problem; the `type` URI ends with it.
    fn code(&self) -> &'static str {
        match self {
            ApiError::MalformedJson(_) => "malformed-json",
            ApiError::UnsupportedMediaType => "unsupported-media-type",
            ApiError::PayloadTooLarge(_) => "payload-too-large",
            ApiError::Invalid(_) => "invalid-parameters",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::RateLimited(_) => "rate-limited",
            ApiError::NotFound(_) => "not-found",
            ApiError::MethodNotAllowed => "method-not-allowed",
            ApiError::CursorExpired => "cursor-expired",
            ApiError::RequestTimeout => "request-timeout",
            ApiError::Overloaded => "overloaded",
            ApiError::Engine(_, EngineKind::BadGateway) => "engine-error",
            ApiError::Engine(_, EngineKind::Unavailable) => "engine-unavailable",
            ApiError::Engine(_, EngineKind::Timeout) => "engine-timeout",
            ApiError::Internal(_) => "internal-error",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            ApiError::MalformedJson(_) => "Malformed JSON",
            ApiError::UnsupportedMediaType => "Unsupported media type",
            ApiError::PayloadTooLarge(_) => "Request body too large",
            ApiError::Invalid(_) => "Invalid parameters",
            ApiError::Unauthorized(_) => "Unauthorized",
            ApiError::Forbidden(_) => "Forbidden",
            ApiError::RateLimited(_) => "Too many requests",
            ApiError::NotFound(_) => "Not found",
            ApiError::MethodNotAllowed => "Method not allowed",
            ApiError::CursorExpired => "Cursor expired",
            ApiError::RequestTimeout => "Request timeout",
            ApiError::Overloaded => "Overloaded",
            ApiError::Engine(_, EngineKind::BadGateway) => "Search engine error",
            ApiError::Engine(_, EngineKind::Unavailable) => "Search engine unavailable",
            ApiError::Engine(_, EngineKind::Timeout) => "Search engine timeout",
            ApiError::Internal(_) => "Internal error",
        }
    }

    /// The sentence clients read; never engine or internal text.
    fn detail(&self) -> String {
        match self {
            ApiError::Engine(_, EngineKind::BadGateway) => {
                "The search engine could not answer this request.".to_owned()
            }
            ApiError::Engine(_, EngineKind::Unavailable) => {
                "The search engine cannot be reached right now; retry later.".to_owned()
            }
            ApiError::Engine(_, EngineKind::Timeout) => {
                "The search engine did not answer in time; retry later.".to_owned()
            }
            ApiError::Internal(_) => "moat failed to handle this request.".to_owned(),
            other => other.to_string(),
        }
    }

    fn is_internal(&self) -> bool {
        matches!(self, ApiError::Engine(..) | ApiError::Internal(_))
    }

    /// The reason counted in the rejection metric, for the kinds of refusal this type knows;
    /// kinds added later count themselves with [`crate::ops::metrics::rejected`].
    fn rejection_reason(&self) -> Option<&'static str> {
        match self {
            ApiError::MalformedJson(_)
            | ApiError::UnsupportedMediaType
            | ApiError::PayloadTooLarge(_)
            | ApiError::Invalid(_)
            | ApiError::NotFound(_)
            | ApiError::MethodNotAllowed
            | ApiError::RequestTimeout
            | ApiError::Unauthorized(_)
            | ApiError::Forbidden(_)
            | ApiError::RateLimited(_)
            | ApiError::CursorExpired
            | ApiError::Overloaded => Some(self.code()),
            ApiError::Engine(..) | ApiError::Internal(_) => None,
        }
    }

    /// How long the client should wait before retrying, for the kinds worth a retry.
    fn retry_after(&self) -> Option<&'static str> {
        match self {
            ApiError::Overloaded => Some(OVERLOADED_RETRY_AFTER_SECONDS),
            _ if self.status() == StatusCode::SERVICE_UNAVAILABLE => Some(RETRY_AFTER_SECONDS),
            _ => None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.status().into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// The id the request-id layer gave `request`, empty when it has none.
pub fn request_id(request: &Request) -> String {
    let id = request.headers().get("x-request-id").and_then(|value| value.to_str().ok());
    id.unwrap_or_default().to_owned()
}

/// Writes the problem body of every [`ApiError`] response, with the request id.
pub async fn render_problems(request: Request, next: Next) -> Response {
    let request_id = request_id(&request);

    let response = next.run(request).await;
    let Some(error) = response.extensions().get::<ApiError>().cloned() else {
        return response;
    };

    if error.is_internal() {
        tracing::error!(request_id, error = %error, "request failed");
    }

    // Headers the error's response carries (`WWW-Authenticate`, `Retry-After`, rate limits)
    // stay on the rendered problem.
    let mut rendered = problem_response(&error, &request_id);
    for (name, value) in response.headers() {
        if !rendered.headers().contains_key(name) {
            rendered.headers_mut().insert(name.clone(), value.clone());
        }
    }
    if let Some(reason) = error.rejection_reason() {
        crate::ops::metrics::rejected(reason);
    }
    rendered
}

fn invalid_detail(count: usize) -> String {
    match count {
        1 => "1 parameter is invalid".to_owned(),
        count if count > MAX_LISTED_PROBLEMS => {
            format!("{count} parameters are invalid; the first {MAX_LISTED_PROBLEMS} are listed")
        }
        count => format!("{count} parameters are invalid"),
    }
}

fn problem_response(error: &ApiError, request_id: &str) -> Response {
    let status = error.status();
    let mut body = json!({
        "type": format!("urn:moat:problem:{}", error.code()),
        "title": error.title(),
        "status": status.as_u16(),
        "detail": error.detail(),
        "request_id": request_id,
    });
    if let ApiError::Invalid(problems) = error {
        let listed = &problems[..problems.len().min(MAX_LISTED_PROBLEMS)];
        body["errors"] = json!(listed);
    }

    let mut response = (status, body.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    if let Some(seconds) = error.retry_after() {
        headers.insert(header::RETRY_AFTER, HeaderValue::from_static(seconds));
    }
    response
}
