//! The few ways an engine can fail, shared by every backend.

/// An engine failure. The message is for the server log only: clients see a fixed sentence
/// chosen by the kind.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The engine could not be reached or has no capacity now.
    #[error("engine unavailable: {0}")]
    Unavailable(String),
    /// The engine did not answer in time.
    #[error("engine timed out: {0}")]
    Timeout(String),
    /// The engine refused the request.
    #[error("engine rejected the request: {0}")]
    Rejected(String),
    /// The index named by the config does not exist on the engine.
    #[error("index `{0}` is missing")]
    MissingIndex(String),
    /// The frozen view of the index a cursor continues on has expired.
    #[error("snapshot expired: {0}")]
    SnapshotExpired(String),
    /// The embedded index is held by another process.
    #[error("{0}")]
    Locked(String),
    /// Anything else.
    #[error("engine failed: {0}")]
    Internal(String),
}

impl From<tantivy::TantivyError> for EngineError {
    fn from(error: tantivy::TantivyError) -> EngineError {
        EngineError::Internal(error.to_string())
    }
}

impl From<tokio::task::JoinError> for EngineError {
    fn from(error: tokio::task::JoinError) -> EngineError {
        EngineError::Internal(format!("background task stopped: {error}"))
    }
}
