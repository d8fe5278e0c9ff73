//! Delete by query as an engine task: started without waiting, then followed until it ends.
//!
//! `POST /{index}/_delete_by_query?wait_for_completion=false` answers with the engine's task
//! id at once; `GET /_tasks/{id}` then reports the task's progress and, once it completed, its
//! result. The task id stays inside moat: it is in no answer to clients, only in debug logs.

use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::{Value, json};

use super::failure::describe;
use super::transport::{Request, Transport};
use crate::backend::{DeleteProgress, EngineError};
use crate::query::Query;

/// What the delete request asks for: run as a task, go past version conflicts, and make the
/// deletions visible once done.
const START_QUERY: &str = "wait_for_completion=false&conflicts=proceed&refresh=true";

/// The first wait between two looks at the task; it doubles up to [`MAX_POLL_INTERVAL`].
const FIRST_POLL_INTERVAL: Duration = Duration::from_millis(100);

/// The longest wait between two looks at the task.
const MAX_POLL_INTERVAL: Duration = Duration::from_secs(2);

/// How long looking at the task may keep failing (engine down, timeouts) before moat gives up
/// following it. The task itself may still finish on the engine.
const POLL_PATIENCE: Duration = Duration::from_secs(300);

/// What the server log says when the engine has no delete-by-query route, as the
/// Elasticsearch integ-test distribution (which lacks the reindex module).
pub const NO_DELETE_BY_QUERY: &str =
    "the engine has no _delete_by_query API (reindex module missing)";

#[derive(Deserialize)]
struct Started {
    task: String,
}

#[derive(Deserialize)]
struct TaskReply {
    #[serde(default)]
    completed: bool,
    task: TaskInfo,
    #[serde(default)]
    error: Option<Value>,
    #[serde(default)]
    response: Option<Outcome>,
}

#[derive(Deserialize)]
struct TaskInfo {
    #[serde(default)]
    status: Option<Counts>,
}

#[derive(Deserialize)]
struct Counts {
    #[serde(default)]
    total: u64,
    #[serde(default)]
    deleted: u64,
}

#[derive(Deserialize)]
struct Outcome {
    #[serde(default)]
    total: u64,
    #[serde(default)]
    deleted: u64,
    #[serde(default)]
    failures: Vec<Value>,
    #[serde(default)]
    canceled: Option<String>,
}

/// Deletes the documents of `index` matching `query`, reporting the engine's counts to
/// `progress` as they change; answers how many were deleted.
pub async fn delete_by_query(
    transport: &Transport,
    index: &str,
    query: &Query,
    progress: &(dyn Fn(DeleteProgress) + Sync),
) -> Result<u64, EngineError> {
    let task = start(transport, index, query).await?;
    tracing::debug!(index, task = %task, "delete by query running on the engine");

    follow(transport, index, &task, progress).await
}

async fn start(transport: &Transport, index: &str, query: &Query) -> Result<String, EngineError> {
    let body = json!({"query": query.to_elasticsearch()});
    let call = Request::post(&[index, "_delete_by_query"]).query(START_QUERY).json(&body);
    let answer = transport.send(&call).await?;

    if !answer.status.is_success() && lacks_the_route(&answer.body) {
        tracing::error!(index, "{NO_DELETE_BY_QUERY}");
        return Err(EngineError::Rejected(NO_DELETE_BY_QUERY.to_owned()));
    }
    let started: Started = answer.success(Some(index))?.parse()?;
    Ok(started.task)
}

/// Whether an error answer says the engine has no handler for the route.
fn lacks_the_route(body: &[u8]) -> bool {
    let reply: Option<Value> = serde_json::from_slice(body).ok();
    let error = reply.as_ref().and_then(|reply| reply.get("error"));
    let text = error.map(describe).unwrap_or_default();
    text.contains("no handler found")
}

/// Looks at the task until it completed, with growing pauses.
async fn follow(
    transport: &Transport,
    index: &str,
    task: &str,
    progress: &(dyn Fn(DeleteProgress) + Sync),
) -> Result<u64, EngineError> {
    let mut interval = FIRST_POLL_INTERVAL;
    let mut failing_since: Option<Instant> = None;
    let mut last = None;

    loop {
        tokio::time::sleep(interval).await;
        interval = (interval * 2).min(MAX_POLL_INTERVAL);

        let reply = match look(transport, task).await {
            Ok(reply) => reply,
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
                progress(now);
                last = Some(now);
            }
        }
        if reply.completed {
            return finished(reply, index, progress);
        }
    }
}

async fn look(transport: &Transport, task: &str) -> Result<TaskReply, EngineError> {
    let answer = transport.send(&Request::get(&["_tasks", task])).await?;
    answer.success(None)?.parse()
}

/// The result of a completed task: its deleted count, or why it failed.
fn finished(
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

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    fn reply(json: Value) -> TaskReply {
        serde_json::from_value(json).unwrap()
    }

    fn run(reply: TaskReply) -> (Result<u64, EngineError>, Vec<DeleteProgress>) {
        let seen = Mutex::new(Vec::new());
        let outcome = finished(reply, "vet-visits", &|counts| seen.lock().unwrap().push(counts));
        (outcome, seen.into_inner().unwrap())
    }

    #[test]
    fn a_completed_task_answers_its_deleted_count() {
        let (outcome, seen) = run(reply(json!({
            "completed": true,
            "task": {"status": {"total": 2, "deleted": 2}},
            "response": {"total": 2, "deleted": 2, "failures": []}
        })));

        assert_eq!(outcome.unwrap(), 2);
        assert_eq!(seen, [DeleteProgress { total: 2, deleted: 2 }]);
    }

    #[test]
    fn failures_inside_the_task_are_an_error() {
        let (outcome, _) = run(reply(json!({
            "completed": true,
            "task": {"status": {"total": 3, "deleted": 1}},
            "response": {"total": 3, "deleted": 1, "failures": [
                {"index": "vet-visits", "cause": {"type": "x_exception", "reason": "shard down"}}
            ]}
        })));

        let message = outcome.unwrap_err().to_string();
        assert!(message.contains("1 failure(s), 1 of 3 documents deleted"), "{message}");
        assert!(message.contains("x_exception: shard down"), "{message}");
    }

    #[test]
    fn a_task_error_is_an_error() {
        let (outcome, _) = run(reply(json!({
            "completed": true,
            "task": {},
            "error": {"type": "index_not_found_exception", "reason": "no such index [vet-visits]"}
        })));
        assert!(matches!(outcome, Err(EngineError::MissingIndex(index)) if index == "vet-visits"));

        let (outcome, _) = run(reply(json!({
            "completed": true, "task": {}, "error": {"type": "a_exception", "reason": "b"}
        })));
        assert!(outcome.unwrap_err().to_string().contains("a_exception: b"));
    }

    #[test]
    fn knows_an_engine_without_the_route() {
        let body =
            br#"{"error":"no handler found for uri [/v/_delete_by_query] and method [POST]"}"#;
        assert!(lacks_the_route(body));
        assert!(!lacks_the_route(br#"{"error":{"type":"parsing_exception","reason":"x"}}"#));
    }
}
