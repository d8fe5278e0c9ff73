//! Backends: where documents live and queries run.
//!
//! Every backend takes the same [`SearchRequest`] built from a [`Query`] plan and answers with
//! the same [`SearchResponse`], and every failure is one of the few [`EngineError`] kinds, so
//! the HTTP layer renders both backends' answers and errors the same way.

pub mod embedded;
mod error;

pub use error::EngineError;

use serde_json::{Map, Value};

use crate::query::Query;

/// A search to run on one index.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// What to match.
    pub query: Query,
    /// How many hits to return.
    pub size: usize,
    /// The source fields to return with each hit, in this order.
    pub source_fields: Vec<String>,
}

/// What a search found.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResponse {
    /// How many documents match in all.
    pub total: u64,
    /// The best hits, best first.
    pub hits: Vec<Hit>,
}

/// One matching document.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The document id.
    pub id: String,
    /// The relevance score.
    pub score: f32,
    /// The requested source fields.
    pub source: Map<String, Value>,
}

/// How the engine is doing, as `/ping` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    /// A sentence for people: which engine answered.
    pub message: String,
    /// `green`, `yellow` or `red`.
    pub status: String,
    /// How many nodes serve the data.
    pub number_of_nodes: u64,
    /// How many shards are active.
    pub active_shards: u64,
}

/// What happened to one document of a bulk load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemOutcome {
    /// Stored.
    Indexed,
    /// Not stored, for this reason (safe to show to the operator who loads data).
    Rejected(String),
}

/// The backend chosen in the config.
pub enum Backend {
    /// Tantivy indices in the data directory.
    Embedded(embedded::Embedded),
}

impl Backend {
    /// Reports the engine's health.
    pub async fn health(&self) -> Result<Health, EngineError> {
        match self {
            Backend::Embedded(embedded) => Ok(embedded.health()),
        }
    }

    /// Runs a search on `index`.
    pub async fn search(
        &self,
        index: &str,
        request: SearchRequest,
    ) -> Result<SearchResponse, EngineError> {
        match self {
            Backend::Embedded(embedded) => embedded.search(index, request).await,
        }
    }

    /// Deletes every document of `index` matching `query`; answers how many were deleted.
    pub async fn delete_by_query(&self, index: &str, query: Query) -> Result<u64, EngineError> {
        match self {
            Backend::Embedded(embedded) => embedded.delete_by_query(index, query).await,
        }
    }

    /// Stores a batch of documents in `index`, one outcome per document, in order.
    pub async fn index_batch(
        &self,
        index: &str,
        documents: Vec<Map<String, Value>>,
    ) -> Result<Vec<ItemOutcome>, EngineError> {
        match self {
            Backend::Embedded(embedded) => embedded.index_batch(index, documents).await,
        }
    }

    /// How many documents `index` holds.
    pub async fn count(&self, index: &str) -> Result<u64, EngineError> {
        match self {
            Backend::Embedded(embedded) => embedded.count(index).await,
        }
    }
}

impl Backend {
    /// Opens the backend `config` declares. For the embedded backend this opens (or creates)
    /// every index under `data_dir`; the answer names the indices created just now.
    pub fn open(
        config: &crate::config::Config,
        data_dir: &std::path::Path,
    ) -> Result<(Backend, Vec<String>), EngineError> {
        match &config.backend {
            crate::config::BackendConfig::Embedded {} => {
                let indices: Vec<_> = config
                    .indices
                    .iter()
                    .map(|index| (index.name.clone(), std::sync::Arc::clone(&index.mapping)))
                    .collect();
                let (embedded, opened) = embedded::Embedded::open(data_dir, &indices)?;
                let created = opened
                    .into_iter()
                    .filter(|index| index.created)
                    .map(|index| index.name)
                    .collect();
                Ok((Backend::Embedded(embedded), created))
            }
            crate::config::BackendConfig::Elasticsearch(_) => {
                Err(EngineError::Internal("the elasticsearch backend is being built".into()))
            }
        }
    }
}
