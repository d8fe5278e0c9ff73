//! Load shedding: a cap on requests waiting on the engine, and a deadline for each.
//!
//! Every request to an endpoint that asks the engine takes one of `[server] max_in_flight`
//! permits, or is answered 503 `overloaded` with `Retry-After` at once: nothing queues. It
//! then has `[server] deadline_ms` to be answered, counted from when its head arrived, or
//! is answered 504 `engine-timeout` and its work dropped. The engine is told the time left
//! (see [`crate::ops::budget`]).
//!
//! ```toml
//! [server]
//! max_in_flight = 64
//! deadline_ms = 10000
//! ```

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::Semaphore;

use super::error::{ApiError, EngineKind};
use crate::config::{EndpointKind, ServerConfig};
use crate::ops::budget;

/// The permits and the deadline of engine-bound requests.
#[derive(Debug)]
pub struct Gate {
    permits: Arc<Semaphore>,
    deadline: Duration,
}

impl Gate {
    /// The gate `server` asks for.
    pub fn new(server: &ServerConfig) -> Gate {
        Gate {
            permits: Arc::new(Semaphore::new(server.max_in_flight)),
            deadline: Duration::from_millis(server.deadline_ms),
        }
    }
}

/// Middleware: a permit or 503, then the answer within the deadline or 504.
pub async fn guard(State(gate): State<Arc<Gate>>, request: Request, next: Next) -> Response {
    let Ok(_permit) = Arc::clone(&gate.permits).try_acquire_owned() else {
        return ApiError::Overloaded.into_response();
    };

    let deadline = Instant::now() + gate.deadline;
    let answer = budget::within(deadline, next.run(request));
    match tokio::time::timeout_at(deadline.into(), answer).await {
        Ok(response) => response,
        Err(_) => {
            let spent =
                format!("no answer within the deadline of {} ms", gate.deadline.as_millis());
            ApiError::Engine(spent, EngineKind::Timeout).into_response()
        }
    }
}

/// Whether requests to endpoints of `kind` wait on the engine, and so pass the gate. A
/// delete by query only records a job, which runs in the background.
pub fn asks_engine(kind: &EndpointKind) -> bool {
    match kind {
        EndpointKind::Ping(_) | EndpointKind::Search(_) | EndpointKind::Template(_) => true,
        EndpointKind::DeleteByQuery(_) | EndpointKind::JobStatus(_) => false,
    }
}
