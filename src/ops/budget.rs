//! The time budget of the request being answered, for the engine calls it makes.
//!
//! The load shedder runs each engine-bound request inside [`within`]; a backend asks
//! [`remaining`] to tell the engine how long it may work (a search's `timeout`), so the
//! engine gives up about when moat does.
//!
//! ```
//! # async fn example() {
//! use std::time::{Duration, Instant};
//!
//! let deadline = Instant::now() + Duration::from_secs(10);
//! let left = moat::ops::budget::within(deadline, async { moat::ops::budget::remaining() });
//! assert!(left.await.is_some());
//! # }
//! ```

use std::future::Future;
use std::time::{Duration, Instant};

tokio::task_local! {
    static DEADLINE: Instant;
}

/// Runs `work` with `deadline` as its budget's end.
pub async fn within<F: Future>(deadline: Instant, work: F) -> F::Output {
    DEADLINE.scope(deadline, work).await
}

/// The time left to the current request, when it runs with a budget.
pub fn remaining() -> Option<Duration> {
    DEADLINE.try_with(|deadline| deadline.saturating_duration_since(Instant::now())).ok()
}
