//! The job store: one SQLite file in the data directory.
//!
//! A job row is written before the job's id is handed out, updated with the engine's task id
//! and progress counts while the job runs, and closed with its outcome. The engine's task id
//! is for moat alone: it lets a restarted moat follow the task the job started.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::JobId;
use crate::backend::{DeleteProgress, EngineTask};
use crate::query::Query;

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    /// Started and not finished.
    Running,
    /// Finished without error.
    Completed,
    /// Stopped by an error.
    Failed,
}

impl JobState {
    fn as_str(self) -> &'static str {
        match self {
            JobState::Running => "running",
            JobState::Completed => "completed",
            JobState::Failed => "failed",
        }
    }

    fn parse(text: &str) -> JobState {
        match text {
            "completed" => JobState::Completed,
            "failed" => JobState::Failed,
            _ => JobState::Running,
        }
    }
}

/// One job record.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// Its id.
    pub id: JobId,
    /// The endpoint path that started it.
    pub endpoint: String,
    /// The index it works on.
    pub index: String,
    /// The documents it deletes.
    pub query: Query,
    /// Where it stands.
    pub state: JobState,
    /// How many documents matched and are to be deleted, as the engine last reported.
    pub total: Option<u64>,
    /// How many documents it deleted: so far while running, in all once completed.
    pub deleted: Option<u64>,
    /// The engine task running the deletion, once the engine named it. Internal: never shown
    /// to clients.
    pub engine_task: Option<EngineTask>,
    /// Why it failed, in words safe for clients.
    pub error: Option<String>,
    /// When it was started (RFC 3339).
    pub created_at: String,
    /// When it ended (RFC 3339).
    pub finished_at: Option<String>,
}

/// A job store failure.
#[derive(Debug, thiserror::Error)]
#[error("job store: {0}")]
pub struct StoreError(String);

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> StoreError {
        StoreError(error.to_string())
    }
}

/// The job records, shared by every request.
#[derive(Clone)]
pub struct JobStore {
    connection: Arc<Mutex<Connection>>,
}

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS jobs (
        id TEXT PRIMARY KEY,
        endpoint TEXT NOT NULL,
        index_name TEXT NOT NULL,
        query TEXT NOT NULL,
        state TEXT NOT NULL,
        deleted INTEGER,
        error TEXT,
        created_at TEXT NOT NULL,
        finished_at TEXT,
        total INTEGER,
        engine_task TEXT
    );
";

/// Columns added since the first schema, each with its type, added to older stores at open.
const ADDED_COLUMNS: [(&str, &str); 2] = [("total", "INTEGER"), ("engine_task", "TEXT")];

impl JobStore {
    /// Opens (or creates) the store at `path`.
    pub fn open(path: &Path) -> Result<JobStore, StoreError> {
        let connection = Connection::open(path)?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        connection.execute_batch(SCHEMA)?;
        add_missing_columns(&connection)?;
        Ok(JobStore { connection: Arc::new(Mutex::new(connection)) })
    }

    /// Records a new running job and answers it.
    pub async fn insert(
        &self,
        endpoint: &str,
        index: &str,
        query: Query,
    ) -> Result<Job, StoreError> {
        let job = Job {
            id: JobId::new(),
            endpoint: endpoint.to_owned(),
            index: index.to_owned(),
            query,
            state: JobState::Running,
            total: None,
            deleted: None,
            engine_task: None,
            error: None,
            created_at: now(),
            finished_at: None,
        };
        let query = serde_json::to_string(&job.query).map_err(|e| StoreError(e.to_string()))?;
        let record = job.clone();

        self.with(move |connection| {
            connection.execute(
                "INSERT INTO jobs (id, endpoint, index_name, query, state, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    record.id.as_str(),
                    record.endpoint,
                    record.index,
                    query,
                    record.state.as_str(),
                    record.created_at
                ],
            )?;
            Ok(())
        })
        .await?;
        Ok(job)
    }

    /// Records the engine's progress counts of a running job.
    pub async fn progress(&self, id: &JobId, progress: DeleteProgress) -> Result<(), StoreError> {
        let id = id.clone();
        let total = i64::try_from(progress.total).unwrap_or(i64::MAX);
        let deleted = i64::try_from(progress.deleted).unwrap_or(i64::MAX);

        self.with(move |connection| {
            connection.execute(
                "UPDATE jobs SET total = ?2, deleted = ?3 WHERE id = ?1 AND state = 'running'",
                params![id.as_str(), total, deleted],
            )?;
            Ok(())
        })
        .await
    }

    /// Records the engine task a running job's deletion runs as.
    pub async fn record_engine_task(
        &self,
        id: &JobId,
        task: &EngineTask,
    ) -> Result<(), StoreError> {
        let id = id.clone();
        let task = task.as_str().to_owned();

        self.with(move |connection| {
            connection.execute(
                "UPDATE jobs SET engine_task = ?2 WHERE id = ?1 AND state = 'running'",
                params![id.as_str(), task],
            )?;
            Ok(())
        })
        .await
    }

    /// Records how a job ended. A failed job keeps the progress counts it reached.
    pub async fn finish(&self, id: &JobId, outcome: Result<u64, String>) -> Result<(), StoreError> {
        let id = id.clone();
        self.with(move |connection| {
            let (state, deleted, error) = match outcome {
                Ok(deleted) => (JobState::Completed, Some(deleted), None),
                Err(error) => (JobState::Failed, None, Some(error)),
            };
            connection.execute(
                "UPDATE jobs SET state = ?2, deleted = COALESCE(?3, deleted), error = ?4,
                 finished_at = ?5 WHERE id = ?1",
                params![id.as_str(), state.as_str(), deleted, error, now()],
            )?;
            Ok(())
        })
        .await
    }

    /// The job `id`, if there is one.
    pub async fn get(&self, id: &JobId) -> Result<Option<Job>, StoreError> {
        let id = id.clone();
        self.with(move |connection| {
            connection
                .query_row("SELECT * FROM jobs WHERE id = ?1", params![id.as_str()], read_job)
                .optional()
                .map_err(StoreError::from)?
                .transpose()
        })
        .await
    }

    /// Every job still marked running.
    pub async fn running(&self) -> Result<Vec<Job>, StoreError> {
        self.with(|connection| {
            let mut statement = connection
                .prepare("SELECT * FROM jobs WHERE state = 'running' ORDER BY created_at")?;
            let rows = statement.query_map([], read_job)?;
            rows.map(|row| row.map_err(StoreError::from)?).collect()
        })
        .await
    }

    async fn with<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let connection = Arc::clone(&self.connection);
        tokio::task::spawn_blocking(move || {
            let connection = connection.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            work(&connection)
        })
        .await
        .map_err(|error| StoreError(error.to_string()))?
    }
}

fn read_job(row: &rusqlite::Row<'_>) -> rusqlite::Result<Result<Job, StoreError>> {
    let id: String = row.get("id")?;
    let query: String = row.get("query")?;
    let state: String = row.get("state")?;
    let deleted: Option<i64> = row.get("deleted")?;
    let total: Option<i64> = row.get("total")?;
    let engine_task: Option<String> = row.get("engine_task")?;

    let Ok(id) = id.parse::<JobId>() else {
        return Ok(Err(StoreError(format!("malformed job id `{id}` in the store"))));
    };
    let query = match serde_json::from_str(&query) {
        Ok(query) => query,
        Err(error) => {
            return Ok(Err(StoreError(format!("job {id}: unreadable query: {error}"))));
        }
    };
    Ok(Ok(Job {
        id,
        endpoint: row.get("endpoint")?,
        index: row.get("index_name")?,
        query,
        state: JobState::parse(&state),
        total: total.and_then(|count| u64::try_from(count).ok()),
        deleted: deleted.and_then(|count| u64::try_from(count).ok()),
        engine_task: engine_task.map(EngineTask::new),
        error: row.get("error")?,
        created_at: row.get("created_at")?,
        finished_at: row.get("finished_at")?,
    }))
}

/// Adds the columns a store made by an older moat lacks.
fn add_missing_columns(connection: &Connection) -> Result<(), StoreError> {
    for (column, column_type) in ADDED_COLUMNS {
        let present: bool = connection.query_row(
            "SELECT COUNT(*) > 0 FROM pragma_table_info('jobs') WHERE name = ?1",
            params![column],
            |row| row.get(0),
        )?;
        if !present {
            let statement = format!("ALTER TABLE jobs ADD COLUMN {column} {column_type}");
            connection.execute_batch(&statement)?;
        }
    }
    Ok(())
}

fn now() -> String {
    OffsetDateTime::now_utc().format(&Rfc3339).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::Term;

    fn query() -> Query {
        Query::Term(Term::new("pet_name.keyword", "Buddy"))
    }

    #[tokio::test]
    async fn records_progress_then_the_outcome() {
        let dir = tempfile::tempdir().unwrap();
        let store = JobStore::open(&dir.path().join("jobs.sqlite3")).unwrap();
        let job = store.insert("/delete-by-query", "vet-visits", query()).await.unwrap();

        store.progress(&job.id, DeleteProgress { total: 3, deleted: 1 }).await.unwrap();
        let running = store.get(&job.id).await.unwrap().unwrap();
        let counts = (running.state, running.total, running.deleted);
        assert_eq!(counts, (JobState::Running, Some(3), Some(1)));

        store.finish(&job.id, Ok(3)).await.unwrap();
        store.progress(&job.id, DeleteProgress { total: 9, deleted: 9 }).await.unwrap();
        let done = store.get(&job.id).await.unwrap().unwrap();
        let counts = (done.state, done.total, done.deleted);
        assert_eq!(counts, (JobState::Completed, Some(3), Some(3)));
        assert!(done.finished_at.is_some());
    }

    #[tokio::test]
    async fn a_failed_job_keeps_its_progress() {
        let dir = tempfile::tempdir().unwrap();
        let store = JobStore::open(&dir.path().join("jobs.sqlite3")).unwrap();
        let job = store.insert("/delete-by-query", "vet-visits", query()).await.unwrap();

        store.progress(&job.id, DeleteProgress { total: 4, deleted: 2 }).await.unwrap();
        store.finish(&job.id, Err("stopped".into())).await.unwrap();

        let failed = store.get(&job.id).await.unwrap().unwrap();
        assert_eq!((failed.state, failed.deleted), (JobState::Failed, Some(2)));
        assert_eq!(failed.error.as_deref(), Some("stopped"));
    }

    #[tokio::test]
    async fn opens_a_store_made_before_progress_was_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jobs.sqlite3");
        let old = Connection::open(&path).unwrap();
        old.execute_batch(
            "CREATE TABLE jobs (id TEXT PRIMARY KEY, endpoint TEXT NOT NULL,
             index_name TEXT NOT NULL, query TEXT NOT NULL, state TEXT NOT NULL,
             deleted INTEGER, error TEXT, created_at TEXT NOT NULL, finished_at TEXT);",
        )
        .unwrap();
        drop(old);

        let store = JobStore::open(&path).unwrap();
        let job = store.insert("/d", "vet-visits", query()).await.unwrap();
        store.progress(&job.id, DeleteProgress { total: 1, deleted: 0 }).await.unwrap();
        store.record_engine_task(&job.id, &EngineTask::new("n:1")).await.unwrap();
        let job = store.get(&job.id).await.unwrap().unwrap();
        assert_eq!((job.total, job.engine_task), (Some(1), Some(EngineTask::new("n:1"))));
        assert!(JobStore::open(&path).is_ok());
    }

    #[tokio::test]
    async fn keeps_the_engine_task_for_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jobs.sqlite3");
        let store = JobStore::open(&path).unwrap();
        let job = store.insert("/delete-by-query", "vet-visits", query()).await.unwrap();
        assert_eq!(job.engine_task, None);

        store.record_engine_task(&job.id, &EngineTask::new("node:42")).await.unwrap();
        drop(store);

        let reopened = JobStore::open(&path).unwrap();
        let running = reopened.running().await.unwrap();
        assert_eq!(running.len(), 1);
        assert_eq!(running[0].engine_task, Some(EngineTask::new("node:42")));
    }
}
