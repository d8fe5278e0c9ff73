//! Starts jobs in the background and records how they end.

use std::sync::Arc;

use super::{Job, JobId, JobStore, StoreError};
use crate::backend::Backend;
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
        let outcome = self.backend.delete_by_query(&job.index, job.query.clone()).await;

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
