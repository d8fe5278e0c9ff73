//! Backends: where documents live and queries run.
//!
//! Every backend takes the same [`SearchRequest`] built from a [`Query`] plan and answers with
//! the same [`SearchResponse`], and every failure is one of the few [`EngineError`] kinds, so
//! the HTTP layer renders both backends' answers and errors the same way.
//!
//! Two backends exist: [`embedded`] (Tantivy indices on local disk) and [`elasticsearch`]
//! (an Elasticsearch or OpenSearch cluster over HTTP). [`Backend::open`] picks the one the
//! config declares.

pub mod elasticsearch;
pub mod embedded;
mod error;
mod search;
mod source;

pub use error::EngineError;
pub use search::{
    Bucket, Facet, FacetRequest, HighlightRequest, Hit, SearchRequest, SearchResponse, Snapshot,
    SortKey,
};

use std::path::Path;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::config::{BackendConfig, Config, IndexSpec};
use crate::ops::metrics;
use crate::query::Query;

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

/// How far a delete by query has come, in the engine's counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeleteProgress {
    /// How many documents matched and are to be deleted.
    pub total: u64,
    /// How many are deleted so far.
    pub deleted: u64,
}

/// The id of a task running on the engine, such as a delete by query.
///
/// It stays inside moat: the job store keeps it so a restarted moat follows the same task
/// instead of starting another, and no answer to a client carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineTask(String);

impl EngineTask {
    /// The task id as the engine spells it (`node:number`).
    pub fn new(id: impl Into<String>) -> EngineTask {
        EngineTask(id.into())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a running delete by query tells the job that waits for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeleteEvent {
    /// A deletion started now, as this engine task when the engine runs it as one (the task
    /// is what to follow after a restart). The counts that follow are this deletion's alone:
    /// a job resumed after a restart that starts its deletion again adds what it had deleted.
    Started(Option<EngineTask>),
    /// The counts changed.
    Progress(DeleteProgress),
}

/// The backend chosen in the config.
pub enum Backend {
    /// Tantivy indices in the data directory.
    Embedded(embedded::Embedded),
    /// An Elasticsearch or OpenSearch cluster.
    Elasticsearch(elasticsearch::Elasticsearch),
}

impl Backend {
    /// Opens the backend `config` declares.
    ///
    /// The embedded backend opens (or creates) every index under `data_dir`, and the answer
    /// names the indices created just now. The Elasticsearch backend only prepares its client
    /// here and names none: [`Backend::ensure_index`] creates its missing indices.
    pub fn open(config: &Config, data_dir: &Path) -> Result<(Backend, Vec<String>), EngineError> {
        match &config.backend {
            BackendConfig::Embedded {} => {
                let indices: Vec<_> = config
                    .indices
                    .iter()
                    .map(|index| (index.name.clone(), Arc::clone(&index.mapping)))
                    .collect();
                let (embedded, opened) = embedded::Embedded::open(data_dir, &indices)?;
                let created = opened
                    .into_iter()
                    .filter(|index| index.created)
                    .map(|index| index.name)
                    .collect();
                Ok((Backend::Embedded(embedded), created))
            }
            BackendConfig::Elasticsearch(cluster) => {
                let cluster = elasticsearch::Elasticsearch::open(cluster, &config.origin)?;
                Ok((Backend::Elasticsearch(cluster), Vec::new()))
            }
        }
    }

    /// Reports the engine's health.
    pub async fn health(&self) -> Result<Health, EngineError> {
        let call = async {
            match self {
                Backend::Embedded(embedded) => Ok(embedded.health()),
                Backend::Elasticsearch(cluster) => cluster.health().await,
            }
        };
        metrics::engine_call("health", call).await
    }

    /// Runs a search on `index`.
    pub async fn search(
        &self,
        index: &str,
        request: SearchRequest,
    ) -> Result<SearchResponse, EngineError> {
        let call = async {
            match self {
                Backend::Embedded(embedded) => embedded.search(index, request).await,
                Backend::Elasticsearch(cluster) => cluster.search(index, &request).await,
            }
        };
        metrics::engine_call("search", call).await
    }

    /// Deletes every document of `index` matching `query`; answers how many were deleted.
    pub async fn delete_by_query(&self, index: &str, query: Query) -> Result<u64, EngineError> {
        self.delete_by_query_with_progress(index, query, None, &|_| {}).await
    }

    /// Deletes every document of `index` matching `query`, telling `report` the engine task
    /// it runs as and the counts as they change (the embedded backend has no task and tells
    /// the counts once, at the end); answers how many were deleted.
    ///
    /// With `resume`, the task a moat that stopped had started, the Elasticsearch backend
    /// follows that task to its end, and starts a new deletion only when the engine no longer
    /// knows it.
    pub async fn delete_by_query_with_progress(
        &self,
        index: &str,
        query: Query,
        resume: Option<&EngineTask>,
        report: &(dyn Fn(DeleteEvent) + Sync),
    ) -> Result<u64, EngineError> {
        let call = async {
            match self {
                Backend::Embedded(embedded) => {
                    report(DeleteEvent::Started(None));
                    let deleted = embedded.delete_by_query(index, query).await?;
                    report(DeleteEvent::Progress(DeleteProgress { total: deleted, deleted }));
                    Ok(deleted)
                }
                Backend::Elasticsearch(cluster) => {
                    cluster.delete_by_query(index, &query, resume, report).await
                }
            }
        };
        metrics::engine_call("delete_by_query", call).await
    }

    /// Stores a batch of documents in `index`, one outcome per document, in order.
    pub async fn index_batch(
        &self,
        index: &str,
        documents: Vec<Map<String, Value>>,
    ) -> Result<Vec<ItemOutcome>, EngineError> {
        let call = async {
            match self {
                Backend::Embedded(embedded) => embedded.index_batch(index, documents).await,
                Backend::Elasticsearch(cluster) => cluster.index_batch(index, &documents).await,
            }
        };
        metrics::engine_call("index_batch", call).await
    }

    /// How many documents `index` holds.
    pub async fn count(&self, index: &str) -> Result<u64, EngineError> {
        match self {
            Backend::Embedded(embedded) => embedded.count(index).await,
            Backend::Elasticsearch(cluster) => cluster.count(index).await,
        }
    }

    /// Makes sure the declared `index` exists, creating it with its mapping when it does not;
    /// answers whether it was created now. Embedded indices were created by
    /// [`Backend::open`], so for them this only checks the index is open.
    pub async fn ensure_index(&self, index: &IndexSpec) -> Result<bool, EngineError> {
        match self {
            Backend::Embedded(embedded) if embedded.has_index(&index.name) => Ok(false),
            Backend::Embedded(_) => Err(EngineError::MissingIndex(index.name.clone())),
            Backend::Elasticsearch(cluster) => {
                cluster.ensure_index(&index.name, &index.mapping).await
            }
        }
    }

    /// Makes every document stored in `index` so far visible to searches; a load calls it
    /// once at its end. The embedded backend's batches are visible as soon as stored.
    pub async fn refresh(&self, index: &str) -> Result<(), EngineError> {
        match self {
            Backend::Embedded(_) => Ok(()),
            Backend::Elasticsearch(cluster) => cluster.refresh(index).await,
        }
    }
}
