//! Prometheus metrics, served as OpenMetrics text at `/metrics`.
//!
//! One registry for the process holds:
//!
//! - `moat_http_requests_total` and `moat_http_request_duration_seconds`, by endpoint route
//!   template (`/tasks/{task_id}`, never the raw path), method and status;
//! - `moat_http_requests_in_flight`, the requests being answered now;
//! - `moat_engine_call_duration_seconds`, by backend operation and outcome;
//! - `moat_rejections_total`, by reason: every request moat refused.
//!
//! Code that refuses a request outside [`crate::api::ApiError`]'s own kinds counts it with
//! [`rejected`]:
//!
//! ```
//! moat::ops::metrics::rejected("rate-limited");
//! ```

use std::future::Future;
use std::sync::LazyLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::api::ApiError;

/// The content type of the exposition.
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Latency buckets, in seconds: from a cached embedded search to the longest deadline.
const BUCKETS: [f64; 12] =
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

/// The route label of requests no endpoint matched, so that scans of random paths cannot
/// grow the label set.
const UNMATCHED: &str = "unmatched";

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    endpoint: String,
    method: String,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EngineLabels {
    operation: &'static str,
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RejectionLabels {
    reason: &'static str,
}

/// The process's metrics.
struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Family<RequestLabels, Histogram>,
    in_flight: Gauge,
    engine_calls: Family<EngineLabels, Histogram>,
    rejections: Family<RejectionLabels, Counter>,
}

fn histogram() -> Histogram {
    Histogram::new(BUCKETS)
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let mut registry = Registry::default();
    let requests = Family::<RequestLabels, Counter>::default();
    let durations =
        Family::<RequestLabels, Histogram>::new_with_constructor(histogram as fn() -> _);
    let in_flight = Gauge::default();
    let engine_calls =
        Family::<EngineLabels, Histogram>::new_with_constructor(histogram as fn() -> _);
    let rejections = Family::<RejectionLabels, Counter>::default();

    registry.register("moat_http_requests", "HTTP requests answered", requests.clone());
    registry.register(
        "moat_http_request_duration_seconds",
        "Time from a request's head to its answer's head",
        durations.clone(),
    );
    registry.register("moat_http_requests_in_flight", "Requests being answered", in_flight.clone());
    registry.register(
        "moat_engine_call_duration_seconds",
        "Time the backend took for one operation",
        engine_calls.clone(),
    );
    registry.register("moat_rejections", "Requests moat refused, by reason", rejections.clone());

    Metrics { registry, requests, durations, in_flight, engine_calls, rejections }
});

/// Counts one refused request; `reason` is a short stable word such as `unauthorized`,
/// `forbidden`, `rate-limited`, `overloaded`, `payload-too-large` or `invalid-parameters`.
pub fn rejected(reason: &'static str) {
    METRICS.rejections.get_or_create(&RejectionLabels { reason }).inc();
}

/// Runs one backend operation and records how long it took and whether it succeeded.
pub async fn engine_call<T, E>(
    operation: &'static str,
    call: impl Future<Output = Result<T, E>>,
) -> Result<T, E> {
    let started = Instant::now();
    let result = call.await;

    let outcome = if result.is_ok() { "ok" } else { "error" };
    let labels = EngineLabels { operation, outcome };
    METRICS.engine_calls.get_or_create(&labels).observe(started.elapsed().as_secs_f64());
    result
}

/// Middleware counting each request by route template and status, with its latency.
pub async fn track(request: Request, next: Next) -> Response {
    let endpoint =
        request.extensions().get::<MatchedPath>().map_or(UNMATCHED, MatchedPath::as_str).to_owned();
    let method = request.method().as_str().to_owned();
    let started = Instant::now();

    let in_flight = InFlight::enter();
    let response = next.run(request).await;
    drop(in_flight);

    let labels = RequestLabels { endpoint, method, status: response.status().as_u16() };
    METRICS.requests.get_or_create(&labels).inc();
    METRICS.durations.get_or_create(&labels).observe(started.elapsed().as_secs_f64());
    response
}

/// One request counted in the in-flight gauge until dropped, even when the client leaves and
/// its request is dropped unanswered.
struct InFlight;

impl InFlight {
    fn enter() -> InFlight {
        METRICS.in_flight.inc();
        InFlight
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        METRICS.in_flight.dec();
    }
}

/// `GET /metrics`.
pub async fn handle() -> Response {
    let mut text = String::new();
    if prometheus_client::encoding::text::encode(&mut text, &METRICS.registry).is_err() {
        return ApiError::Internal("the metrics could not be written".into()).into_response();
    }

    let mut response = text.into_response();
    let content_type = HeaderValue::from_static(CONTENT_TYPE);
    response.headers_mut().insert(header::CONTENT_TYPE, content_type);
    response
}
