//! The request deadline: a request still unanswered after [`REQUEST_DEADLINE`] (a client
//! trickling its body, say) is answered with 408 and its work dropped.
//!
//! The deadline starts once the request head has arrived; the time to send the head, and
//! idle time between requests, are bounded by the connection loop's header-read timeout
//! (see [`crate::ops::listen`]). Requests to endpoints that ask the engine have the shorter
//! deadline of `[server] deadline_ms` (see [`super::shed`]).

use std::time::Duration;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;

/// How long one request may take from its head to its answer.
pub const REQUEST_DEADLINE: Duration = Duration::from_secs(60);

/// Answers 408 when the rest of the stack has not answered within the deadline.
pub async fn enforce(request: Request, next: Next) -> Response {
    match tokio::time::timeout(REQUEST_DEADLINE, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::RequestTimeout.into_response(),
    }
}
