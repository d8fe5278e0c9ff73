//! Jobs: moat's background operations, such as delete-by-query.
//!
//! A job is written to the job store before its id is handed to the client, runs in the
//! background, and records how it ended. A job still running when moat stopped is taken up
//! again when it starts: it follows the engine task it had started when the store knows it
//! and the engine still does, else it starts its deletion again, since deleting by query twice
//! deletes nothing more.

mod id;
mod runner;
mod store;

pub use id::JobId;
pub use runner::Jobs;
pub use store::{Job, JobState, JobStore, StoreError};
