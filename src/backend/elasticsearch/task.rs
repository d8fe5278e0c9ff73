//! Following an engine task: `GET /_tasks/{id}` with growing pauses until it completed, then
//! its result, or word that the engine no longer knows the task.

use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::Value;

use super::failure::describe;
use super::transport::{Request, Transport};
use crate::backend::{DeleteEvent, DeleteProgress, EngineError, EngineTask};

/// The first wait between two looks at the task; it doubles up to [`MAX_POLL_INTERVAL`].
const FIRST_POLL_INTERVAL: Duration = Duration::from_millis(100);

/// The longest wait between two looks at the task.
const MAX_POLL_INTERVAL: Duration = Duration::from_secs(2);

/// How long looking at the task may keep failing (engine down, timeouts) before moat gives up
/// following it. The task itself may still finish on the engine.
const POLL_PATIENCE: Duration = Duration::from_secs(300);

/// What following a task came to.
pub(super) enum Followed {
    /// The task completed and deleted this many documents.
    Done(u64),
    /// The engine knows no such task: it neither runs it nor stored its result.
    Gone,
}

#[derive(Deserialize)]
pub(super) struct TaskReply {
    #[serde(default)]
    completed: bool,
    task: TaskInfo,
    #[serde(default)]
    error: Option<Value>,
    #[serde(default)]
    response: Option<Outcome>,
}

#[derive(Deserialize)]
pub(super) struct TaskInfo {
    #[serde(default)]
    status: Option<Counts>,
}

#[derive(Deserialize)]
pub(super) struct Counts {
    #[serde(default)]
    total: u64,
    #[serde(default)]
    deleted: u64,
}

#[derive(Deserialize)]
pub(super) struct Outcome {
    #[serde(default)]
    total: u64,
    #[serde(default)]
    deleted: u64,
    #[serde(default)]
    failures: Vec<Value>,
    #[serde(default)]
    canceled: Option<String>,
}

/// Looks at the task until it completed, with growing pauses.
pub(super) async fn follow(
    transport: &Transport,
    index: &str,
    task: &EngineTask,
    report: &(dyn Fn(DeleteEvent) + Sync),
) -> Result<Followed, EngineError> {
    let mut interval = FIRST_POLL_INTERVAL;
    let mut failing_since: Option<Instant> = None;
    let mut last = None;

    loop {
        tokio::time::sleep(interval).await;
        interval = (interval * 2).min(MAX_POLL_INTERVAL);

        let reply = match look(transport, task).await {
            Ok(Some(reply)) => reply,
            Ok(None) => return Ok(Followed::Gone),
            Err(error @ (EngineError::Unavailable(_) | EngineError::Timeout(_))) => {
                let since = *failing_since.get_or_insert_with(Instant::now);
                if since.elapsed() >= POLL_PATIENCE {
                    return Err(error);
                }
                tracing::warn!(index, %error, "engine task could not be read; trying again");
                continue;
            }
            Err(error) => return Err(error),
        };
        failing_since = None;

        if let Some(counts) = &reply.task.status {
            let now = DeleteProgress { total: counts.total, deleted: counts.deleted };
            if last != Some(now) {
                report(DeleteEvent::Progress(now));
                last = Some(now);
            }
        }
        if reply.completed {
            let progress = |counts| report(DeleteEvent::Progress(counts));
            return finished(reply, index, &progress).map(Followed::Done);
        }
    }
}

/// The task as the engine reports it, or `None` when the engine does not know it.
pub(super) async fn look(
    transport: &Transport,
    task: &EngineTask,
) -> Result<Option<TaskReply>, EngineError> {
    let answer = transport.send(&Request::get(&["_tasks", task.as_str()])).await?;
    if answer.status.as_u16() == 404 && is_unknown_task(&answer.body) {
        return Ok(None);
    }
    answer.success(None)?.parse().map(Some)
}

/// Whether a 404 answer to `GET /_tasks/{id}` says the engine has no such task.
pub(super) fn is_unknown_task(body: &[u8]) -> bool {
    let reply: Option<Value> = serde_json::from_slice(body).ok();
    let error_type = reply
        .as_ref()
        .and_then(|reply| reply.get("error"))
        .and_then(|error| error.get("type"))
        .and_then(Value::as_str);
    error_type == Some("resource_not_found_exception")
}

/// The result of a completed task: its deleted count, or why it failed.
pub(super) fn finished(
    reply: TaskReply,
    index: &str,
    progress: &(dyn Fn(DeleteProgress) + Sync),
) -> Result<u64, EngineError> {
    if let Some(error) = reply.error {
        let missing =
            error.get("type").and_then(Value::as_str) == Some("index_not_found_exception");
        if missing {
            return Err(EngineError::MissingIndex(index.to_owned()));
        }
        return Err(EngineError::Internal(format!("the engine task failed: {}", describe(&error))));
    }

    let Some(outcome) = reply.response else {
        return Err(EngineError::Internal("the engine task completed with no result".into()));
    };
    progress(DeleteProgress { total: outcome.total, deleted: outcome.deleted });

    if let Some(reason) = outcome.canceled {
        return Err(EngineError::Internal(format!("the engine task was cancelled: {reason}")));
    }
    if let Some(first) = outcome.failures.first() {
        let cause = first.get("cause").unwrap_or(first);
        return Err(EngineError::Internal(format!(
            "the engine task ended with {} failure(s), {} of {} documents deleted; first: {}",
            outcome.failures.len(),
            outcome.deleted,
            outcome.total,
            describe(cause)
        )));
    }
    Ok(outcome.deleted)
}
