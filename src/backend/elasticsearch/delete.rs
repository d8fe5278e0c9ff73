//! Delete by query: as an engine task where the engine has the API, else done by moat.
//!
//! `POST /{index}/_delete_by_query?wait_for_completion=false` answers with the engine's task
//! id at once; `GET /_tasks/{id}` then reports the task's progress and, once it completed, its
//! result. The task id goes to the job, which stores it so that a restarted moat follows the
//! same task instead of starting a second one; it is in no answer to clients.
//!
//! An engine without the API (the Elasticsearch integ-test distribution lacks the reindex
//! module) answers `no handler found`. moat then deletes through scroll and bulk
//! (`scroll_delete`), and remembers until it stops that the API is missing, so later jobs go
//! there at once.
//!
//! ```text
//! resume? ─▶ GET /_tasks/{id} … completed     (404: refresh, then start again below)
//! POST /_delete_by_query ─▶ task id ─▶ job store, then GET /_tasks/{id} … completed
//!          └─ no handler found ─▶ scroll + bulk delete
//! ```

use std::sync::atomic::{AtomicBool, Ordering};

use serde::Deserialize;
use serde_json::{Value, json};

use super::failure::describe;
use super::task::{Followed, follow};
use super::transport::{Request, Transport};
use super::{indices, scroll_delete};
use crate::backend::{DeleteEvent, EngineError, EngineTask};
use crate::query::Query;

/// What the delete request asks for: run as a task, go past version conflicts, and make the
/// deletions visible once done.
const START_QUERY: &str = "wait_for_completion=false&conflicts=proceed&refresh=true";

/// What the server log says, once per job, when the engine has no delete-by-query route (as
/// the Elasticsearch integ-test distribution, which lacks the reindex module) and moat deletes
/// the documents itself.
pub const NO_DELETE_BY_QUERY: &str =
    "engine has no _delete_by_query API; deleting through scroll and bulk";

/// Whether the engine was found to lack `_delete_by_query`, for the life of the backend: a
/// restarted moat asks the engine again.
#[derive(Debug, Default)]
pub struct DeleteRoute {
    missing: AtomicBool,
}

impl DeleteRoute {
    fn is_missing(&self) -> bool {
        self.missing.load(Ordering::Relaxed)
    }

    fn set_missing(&self) {
        self.missing.store(true, Ordering::Relaxed);
    }
}

/// What starting the deletion came to.
enum Start {
    /// The engine runs it as this task.
    Task(EngineTask),
    /// The engine has no `_delete_by_query` route.
    NoRoute,
}

#[derive(Deserialize)]
struct Started {
    task: String,
}

/// Deletes the documents of `index` matching `query`, telling `report` the engine task it
/// runs as and the counts as they change; answers how many were deleted.
///
/// With `resume`, the task is followed first; it is started again only when the engine no
/// longer knows it (deleting twice deletes nothing more), after a refresh, so that the new
/// deletion does not count again what the lost one deleted unseen.
pub async fn delete_by_query(
    transport: &Transport,
    route: &DeleteRoute,
    index: &str,
    query: &Query,
    resume: Option<&EngineTask>,
    report: &(dyn Fn(DeleteEvent) + Sync),
) -> Result<u64, EngineError> {
    if let Some(task) = resume {
        match follow(transport, index, task, report).await? {
            Followed::Done(deleted) => return Ok(deleted),
            Followed::Gone => {
                tracing::info!(index, "engine task of the job is gone; deleting again");
                indices::refresh(transport, index).await?;
            }
        }
    }

    if !route.is_missing() {
        match start(transport, index, query).await? {
            Start::Task(task) => {
                tracing::debug!(
                    index,
                    task = task.as_str(),
                    "delete by query running on the engine"
                );
                report(DeleteEvent::Started(Some(task.clone())));
                return match follow(transport, index, &task, report).await? {
                    Followed::Done(deleted) => Ok(deleted),
                    Followed::Gone => Err(EngineError::Internal(
                        "the engine lost its delete-by-query task".into(),
                    )),
                };
            }
            Start::NoRoute => route.set_missing(),
        }
    }

    tracing::warn!(index, "{NO_DELETE_BY_QUERY}");
    report(DeleteEvent::Started(None));
    let progress = |counts| report(DeleteEvent::Progress(counts));
    scroll_delete::delete_by_query(transport, index, query, &progress).await
}

async fn start(transport: &Transport, index: &str, query: &Query) -> Result<Start, EngineError> {
    let body = json!({"query": query.to_elasticsearch()});
    let call = Request::post(&[index, "_delete_by_query"]).query(START_QUERY).json(&body);
    let answer = transport.send(&call).await?;

    if !answer.status.is_success() && lacks_the_route(&answer.body) {
        return Ok(Start::NoRoute);
    }
    let started: Started = answer.success(Some(index))?.parse()?;
    Ok(Start::Task(EngineTask::new(started.task)))
}

/// Whether an error answer says the engine has no handler for the delete-by-query route.
fn lacks_the_route(body: &[u8]) -> bool {
    let reply: Option<Value> = serde_json::from_slice(body).ok();
    let error = reply.as_ref().and_then(|reply| reply.get("error"));
    let text = error.map(describe).unwrap_or_default();
    text.contains("no handler found") && text.contains("_delete_by_query")
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::super::fake::{Fake, FakeSetup};
    use super::super::task::{TaskReply, finished, is_unknown_task};
    use super::*;
    use crate::backend::DeleteProgress;

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
        let body = concat!(
            r#"{"error":"no handler found for uri [/v/_delete_by_query"#,
            r#"?wait_for_completion=false&conflicts=proceed&refresh=true] and method [POST]"}"#
        );
        assert!(lacks_the_route(body.as_bytes()));

        let other_route = br#"{"error":"no handler found for uri [/v/_x] and method [POST]"}"#;
        assert!(!lacks_the_route(other_route));
        assert!(!lacks_the_route(br#"{"error":{"type":"parsing_exception","reason":"x"}}"#));
        assert!(!lacks_the_route(b"<html>no handler found _delete_by_query</html>"));
    }

    #[test]
    fn knows_a_task_the_engine_forgot() {
        let gone = br#"{"error":{"root_cause":[{"type":"index_not_found_exception",
            "reason":"no such index [.tasks]"}],"type":"resource_not_found_exception",
            "reason":"task [abc:123] isn't running and hasn't stored its results"},"status":404}"#;
        assert!(is_unknown_task(gone));

        let missing_index = br#"{"error":{"type":"index_not_found_exception"},"status":404}"#;
        assert!(!is_unknown_task(missing_index));
        assert!(!is_unknown_task(b""));
    }

    fn delete_query() -> Query {
        Query::Term(crate::query::Term::new("pet_name.keyword", "Buddy"))
    }

    /// Runs one deletion on `cluster`, answering its outcome and what it reported.
    async fn delete(
        cluster: &super::super::Elasticsearch,
        resume: Option<&str>,
    ) -> (Result<u64, EngineError>, Vec<DeleteEvent>) {
        let seen = Mutex::new(Vec::new());
        let resume = resume.map(EngineTask::new);
        let report = |event| seen.lock().unwrap().push(event);
        let query = delete_query();

        let outcome = cluster.delete_by_query("v", &query, resume.as_ref(), &report).await;
        (outcome, seen.into_inner().unwrap())
    }

    fn count(requests: &[String], wanted: &str) -> usize {
        requests.iter().filter(|request| *request == wanted).count()
    }

    #[tokio::test]
    async fn an_engine_without_the_route_deletes_through_scroll_and_bulk() {
        let fake = Fake::start(FakeSetup { route: false, docs: 2500, tasks: vec![] }).await;
        let cluster = fake.cluster();

        let (outcome, seen) = delete(&cluster, None).await;
        assert_eq!(outcome.unwrap(), 2500);
        assert_eq!(fake.docs(), 0);
        let counts = |deleted| DeleteEvent::Progress(DeleteProgress { total: 2500, deleted });
        let started = DeleteEvent::Started(None);
        assert_eq!(seen, [started, counts(0), counts(1000), counts(2000), counts(2500)]);

        let requests = fake.requests();
        assert_eq!(count(&requests, "POST /_bulk"), 3);
        assert_eq!(count(&requests, "POST /_search/scroll"), 3);
        assert_eq!(count(&requests, "DELETE /_search/scroll"), 1);
        assert_eq!(requests.first().map(String::as_str), Some("POST /v/_delete_by_query"));
        assert_eq!(requests[1], "POST /v/_refresh");
        assert_eq!(requests.last().map(String::as_str), Some("POST /v/_refresh"));

        let (outcome, _) = delete(&cluster, None).await;
        assert_eq!(outcome.unwrap(), 0);
        assert_eq!(count(&fake.requests(), "POST /v/_delete_by_query"), 1, "probed once only");
    }

    #[tokio::test]
    async fn a_resumed_job_follows_its_task_and_starts_nothing() {
        let setup = FakeSetup { route: true, docs: 0, tasks: vec![("n:1", 7)] };
        let fake = Fake::start(setup).await;

        let (outcome, seen) = delete(&fake.cluster(), Some("n:1")).await;
        assert_eq!(outcome.unwrap(), 7);
        assert_eq!(
            seen.last(),
            Some(&DeleteEvent::Progress(DeleteProgress { total: 7, deleted: 7 }))
        );
        assert_eq!(fake.requests(), ["GET /_tasks/n:1"]);
    }

    #[tokio::test]
    async fn a_task_the_engine_forgot_is_started_again() {
        let fake = Fake::start(FakeSetup { route: true, docs: 3, tasks: vec![] }).await;

        let (outcome, seen) = delete(&fake.cluster(), Some("n:old")).await;
        assert_eq!(outcome.unwrap(), 3);
        assert_eq!(seen.first(), Some(&DeleteEvent::Started(Some(EngineTask::new("n:2")))));
        assert_eq!(
            fake.requests(),
            [
                "GET /_tasks/n:old",
                "POST /v/_refresh",
                "POST /v/_delete_by_query",
                "GET /_tasks/n:2"
            ]
        );
    }
}
