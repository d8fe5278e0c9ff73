//! Starts jobs in the background, records their progress, and records how they end.
//!
//! While a job runs, the backend reports the engine task it runs as and the engine's counts;
//! the latest of them is written to the job's record, one write at a time, so a status read
//! mid-way shows how far it has come, and a job resumed after a restart follows the task it
//! had started instead of starting a second one.

use std::sync::Arc;

use tokio::sync::watch;

use super::{Job, JobId, JobStore, StoreError};
use crate::backend::{Backend, DeleteEvent, DeleteProgress, EngineTask};
use crate::query::Query;

/// Starts and tracks jobs.
#[derive(Clone)]
pub struct Jobs {
    store: JobStore,
    backend: Arc<Backend>,
}

impl Jobs {
    /// Jobs over `store`, run on `backend`.
    pub fn new(store: JobStore, backend: Arc<Backend>) -> Jobs {
        Jobs { store, backend }
    }

    /// Records a delete-by-query job, starts it, and answers its id.
    pub async fn start_delete_by_query(
        &self,
        endpoint: &str,
        index: &str,
        query: Query,
    ) -> Result<JobId, StoreError> {
        let job = self.store.insert(endpoint, index, query).await?;
        let id = job.id.clone();
        tracing::info!(job_id = %id, endpoint, "job started");
        self.spawn(job);
        Ok(id)
    }

    /// Takes up again every job that was running when moat last stopped: a job whose engine
    /// task is known follows that task, any other starts its deletion again.
    pub async fn resume(&self) -> Result<usize, StoreError> {
        let running = self.store.running().await?;
        let count = running.len();
        for job in running {
            tracing::info!(job_id = %job.id, "job resumed after restart");
            self.spawn(job);
        }
        Ok(count)
    }

    /// The job `id`, if there is one.
    pub async fn get(&self, id: &JobId) -> Result<Option<Job>, StoreError> {
        self.store.get(id).await
    }

    fn spawn(&self, job: Job) {
        let jobs = self.clone();
        tokio::spawn(async move { jobs.run(job).await });
    }

    async fn run(&self, job: Job) {
        let (report, mut reported) = watch::channel(Reported::default());
        let query = job.query.clone();
        let resume = job.engine_task.clone();
        let before = job.deleted.unwrap_or(0);
        let deletion = async move {
            let tell = |event| report.send_modify(|reported| reported.apply(event, before));
            let backend = &self.backend;
            let outcome = backend
                .delete_by_query_with_progress(&job.index, query, resume.as_ref(), &tell)
                .await;
            let carried = report.borrow().carried;
            outcome.map(|deleted| deleted.saturating_add(carried))
        };
        let recording = async {
            let mut recorded = Reported { task: job.engine_task.clone(), ..Reported::default() };
            while reported.changed().await.is_ok() {
                let now = reported.borrow_and_update().clone();
                self.record(&job.id, &recorded, &now).await;
                recorded = now;
            }
        };
        let (outcome, ()) = tokio::join!(deletion, recording);

        let recorded = match &outcome {
            Ok(deleted) => {
                tracing::info!(job_id = %job.id, deleted, "job completed");
                Ok(*deleted)
            }
            Err(error) => {
                tracing::error!(job_id = %job.id, %error, "job failed");
                Err("the search engine could not finish the deletion".to_owned())
            }
        };
        if let Err(error) = self.store.finish(&job.id, recorded).await {
            tracing::error!(job_id = %job.id, %error, "job outcome could not be recorded");
        }
    }

    /// Writes what changed between `before` and `now` to the job's record.
    async fn record(&self, id: &JobId, before: &Reported, now: &Reported) {
        let new_task = now.task.as_ref().filter(|task| before.task.as_ref() != Some(*task));
        if let Some(task) = new_task
            && let Err(error) = self.store.record_engine_task(id, task).await
        {
            tracing::warn!(job_id = %id, %error, "job engine task could not be recorded");
        }

        let new_counts = now.counts.filter(|counts| before.counts != Some(*counts));
        if let Some(counts) = new_counts
            && let Err(error) = self.store.progress(id, counts).await
        {
            tracing::warn!(job_id = %id, %error, "job progress could not be recorded");
        }
    }
}

/// The latest a running deletion reported, in the job's counts.
#[derive(Debug, Clone, Default)]
struct Reported {
    /// The engine task it runs as.
    task: Option<EngineTask>,
    /// The job's counts: the deletion's, plus what was deleted before it started again.
    counts: Option<DeleteProgress>,
    /// What a resumed job had deleted before its deletion started again, added to the counts.
    carried: u64,
}

impl Reported {
    /// Takes in `event`. A deletion that starts on a job that had deleted `deleted_before`
    /// (one resumed after a restart whose engine task could not be followed) counts on from
    /// there, so the job does not lose what the first deletion did.
    fn apply(&mut self, event: DeleteEvent, deleted_before: u64) {
        match event {
            DeleteEvent::Started(task) => {
                self.carried = deleted_before;
                if task.is_some() {
                    self.task = task;
                }
            }
            DeleteEvent::Progress(counts) => {
                self.counts = Some(DeleteProgress {
                    total: counts.total.saturating_add(self.carried),
                    deleted: counts.deleted.saturating_add(self.carried),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::backend::elasticsearch::fake::{Fake, FakeSetup};
    use crate::config;
    use crate::ingest::{self, Progress, Rejection};
    use crate::jobs::JobState;
    use crate::query::Term;

    struct Quiet;

    impl Progress for Quiet {
        fn advanced(&self, _bytes: u64) {}
        fn rejected(&self, _rejection: &Rejection) {}
    }

    #[tokio::test]
    async fn a_job_records_the_backend_counts() {
        let dir = tempfile::tempdir().unwrap();
        let config = config::load_bundled();
        let (backend, created) = Backend::open(&config, dir.path()).unwrap();
        let seed = config.index(&created[0]).unwrap().seed.clone().unwrap();
        ingest::load(&backend, "vet-visits", seed.as_bytes(), 100, &Quiet).await.unwrap();

        let store = JobStore::open(&dir.path().join("jobs.sqlite3")).unwrap();
        let jobs = Jobs::new(store, Arc::new(backend));
        let query = Query::Term(Term::new("pet_name.keyword", "Toby"));
        let started = jobs.start_delete_by_query("/delete-by-query", "vet-visits", query).await;
        let id = started.unwrap();

        let job = settled(&jobs, &id).await;
        assert_eq!((job.state, job.total, job.deleted), (JobState::Completed, Some(2), Some(2)));
    }

    async fn settled(jobs: &Jobs, id: &JobId) -> Job {
        let mut job = jobs.get(id).await.unwrap().unwrap();
        for _ in 0..300 {
            if job.state != JobState::Running {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
            job = jobs.get(id).await.unwrap().unwrap();
        }
        job
    }

    #[tokio::test]
    async fn a_job_keeps_its_engine_task_and_a_resumed_one_follows_it() {
        let setup = FakeSetup { route: true, docs: 4, tasks: vec![("n:1", 7)] };
        let fake = Fake::start(setup).await;
        let dir = tempfile::tempdir().unwrap();
        let store = JobStore::open(&dir.path().join("jobs.sqlite3")).unwrap();
        let query = Query::Term(Term::new("pet_name.keyword", "Buddy"));

        let left = store.insert("/delete-by-query", "v", query.clone()).await.unwrap();
        store.record_engine_task(&left.id, &EngineTask::new("n:1")).await.unwrap();
        let jobs = Jobs::new(store, Arc::new(Backend::Elasticsearch(fake.cluster())));
        assert_eq!(jobs.resume().await.unwrap(), 1);
        let resumed = settled(&jobs, &left.id).await;
        assert_eq!((resumed.state, resumed.deleted), (JobState::Completed, Some(7)));
        assert_eq!(fake.requests(), ["GET /_tasks/n:1"]);

        let id = jobs.start_delete_by_query("/delete-by-query", "v", query).await.unwrap();
        let fresh = settled(&jobs, &id).await;
        assert_eq!((fresh.state, fresh.deleted), (JobState::Completed, Some(4)));
        assert_eq!(fresh.engine_task, Some(EngineTask::new("n:2")));
    }

    #[tokio::test]
    async fn a_job_started_again_after_a_restart_keeps_what_it_had_deleted() {
        let fake = Fake::start(FakeSetup { route: true, docs: 3, tasks: vec![] }).await;
        let dir = tempfile::tempdir().unwrap();
        let store = JobStore::open(&dir.path().join("jobs.sqlite3")).unwrap();
        let query = Query::Term(Term::new("pet_name.keyword", "Buddy"));

        let left = store.insert("/delete-by-query", "v", query).await.unwrap();
        store.record_engine_task(&left.id, &EngineTask::new("n:lost")).await.unwrap();
        store.progress(&left.id, DeleteProgress { total: 9, deleted: 5 }).await.unwrap();
        let jobs = Jobs::new(store, Arc::new(Backend::Elasticsearch(fake.cluster())));
        jobs.resume().await.unwrap();

        let job = settled(&jobs, &left.id).await;
        assert_eq!((job.state, job.total, job.deleted), (JobState::Completed, Some(8), Some(8)));
        assert_eq!(job.engine_task, Some(EngineTask::new("n:2")));
        assert_eq!(
            fake.requests(),
            [
                "GET /_tasks/n:lost",
                "POST /v/_refresh",
                "POST /v/_delete_by_query",
                "GET /_tasks/n:2"
            ]
        );
    }
}
