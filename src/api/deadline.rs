//! The request deadline: a request still unanswered after [`REQUEST_DEADLINE`] (a client
//! trickling its body, say) is answered with 408 and its work dropped.
//!
//! Known shortcoming: the deadline starts once the request head has arrived. A client that
//! opens a connection and sends nothing, or a slow head, holds its connection until the
//! client gives up, because `axum::serve` sets no header-read or idle timeout; a server loop
//! on hyper-util with a timer and a connection cap would lift this.

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
