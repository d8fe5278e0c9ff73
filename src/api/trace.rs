//! The request span and the one log line per response.

use std::time::Duration;

use axum::extract::{MatchedPath, Request};
use axum::http::Response;
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::{DefaultOnBodyChunk, DefaultOnEos, DefaultOnFailure, DefaultOnRequest};
use tower_http::trace::{MakeSpan, OnResponse, TraceLayer};
use tracing::Span;

/// Opens a span with the request id and the matched route, and logs each response.
pub fn layer() -> RequestTrace {
    TraceLayer::new_for_http().make_span_with(RequestSpan).on_response(LogResponse)
}

/// The tracing layer with moat's span and response log.
pub type RequestTrace = TraceLayer<
    SharedClassifier<ServerErrorsAsFailures>,
    RequestSpan,
    DefaultOnRequest,
    LogResponse,
    DefaultOnBodyChunk,
    DefaultOnEos,
    DefaultOnFailure,
>;

/// Makes the request span.
#[derive(Clone, Copy)]
pub struct RequestSpan;

impl<B> MakeSpan<B> for RequestSpan {
    fn make_span(&mut self, request: &Request<B>) -> Span {
        let request_id = request
            .headers()
            .get("x-request-id")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        let route =
            request.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str);

        tracing::info_span!(
            "request",
            request_id,
            method = %request.method(),
            route,
            key_id = tracing::field::Empty
        )
    }
}

/// Logs the status and latency of each response.
#[derive(Clone, Copy)]
pub struct LogResponse;

impl<B> OnResponse<B> for LogResponse {
    fn on_response(self, response: &Response<B>, latency: Duration, _span: &Span) {
        let latency_ms = (latency.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0;
        tracing::info!(status = response.status().as_u16(), latency_ms, "response sent");
    }
}
