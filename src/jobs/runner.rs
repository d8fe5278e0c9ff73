//! Starts jobs in the background, records their progress, and records how they end.
//!
//! While a job runs, the backend reports the engine's counts; the latest of them is written to
//! the job's record, one write at a time, so a status read mid-way shows how far it has come.

use std::sync::Arc;

use tokio::sync::watch;

use super::{Job, JobId, JobStore, StoreError};
use crate::backend::{Backend, DeleteProgress};
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

    /// Starts again every job that was running when moat last stopped.
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
        let (report, mut reported) = watch::channel(None::<DeleteProgress>);
        let query = job.query.clone();
        let deletion = async move {
            let progress = |counts| {
                report.send_replace(Some(counts));
            };
            self.backend.delete_by_query_with_progress(&job.index, query, &progress).await
        };
        let recording = async {
            while reported.changed().await.is_ok() {
                let Some(counts) = *reported.borrow_and_update() else { continue };
                if let Err(error) = self.store.progress(&job.id, counts).await {
                    tracing::warn!(job_id = %job.id, %error, "job progress could not be recorded");
                }
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
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
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

        let mut job = jobs.get(&id).await.unwrap().unwrap();
        for _ in 0..200 {
            if job.state != JobState::Running {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
            job = jobs.get(&id).await.unwrap().unwrap();
        }
        assert_eq!((job.state, job.total, job.deleted), (JobState::Completed, Some(2), Some(2)));
    }
}
