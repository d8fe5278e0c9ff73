//! Jobs: moat's background operations, such as delete-by-query.
//!
//! A job is written to the job store before its id is handed to the client, runs in the
//! background, and records how it ended. Jobs still running when moat stopped are started
//! again when it starts, since deleting by query twice deletes nothing more.

mod id;
mod runner;
mod store;

pub use id::JobId;
pub use runner::Jobs;
pub use store::{Job, JobState, JobStore, StoreError};
