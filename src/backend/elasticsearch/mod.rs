//! The Elasticsearch backend: an Elasticsearch 8/9 or OpenSearch 2/3 cluster over HTTP.
//!
//! One pooled keep-alive client spreads requests over the configured nodes in turn; a node
//! that cannot be reached is set aside for `node_retry_after_ms`, and a read is sent once more
//! to another node (`transport`). Every failure becomes an [`EngineError`] kind
//! (`failure`), so the HTTP layer treats both backends alike.
//!
//! ```toml
//! [backend]
//! kind = "elasticsearch"
//! nodes = ["http://127.0.0.1:9200"]
//! timeout_ms = 10000
//! node_retry_after_ms = 30000
//! ```
//!
//! Each operation lives in its own module: `health`, `search`, `delete` (delete by
//! query as an engine task), `scroll_delete` (delete by query done by moat where the engine
//! lacks the API), `bulk` (loading documents) and `indices` (creating, counting,
//! refreshing).

mod bulk;
mod delete;
mod failure;
#[cfg(test)]
pub(crate) mod fake;
mod health;
mod indices;
mod nodes;
mod pit;
mod scroll_delete;
mod search;
mod task;
mod transport;

pub use delete::NO_DELETE_BY_QUERY;

use serde_json::{Map, Value};

use self::delete::DeleteRoute;
use self::transport::Transport;
use super::{
    DeleteEvent, EngineError, EngineTask, Health, ItemOutcome, SearchRequest, SearchResponse,
};
use crate::config::{ElasticsearchConfig, Origin};
use crate::mapping::Mapping;
use crate::query::Query;

/// A connection to one cluster.
pub struct Elasticsearch {
    transport: Transport,
    delete_route: DeleteRoute,
    pit_route: pit::PitRoute,
}

impl Elasticsearch {
    /// Prepares the client for `config` (read from `origin`); contacts no node yet.
    pub fn open(
        config: &ElasticsearchConfig,
        origin: &Origin,
    ) -> Result<Elasticsearch, EngineError> {
        let transport = Transport::new(config, origin)?;
        Ok(Elasticsearch {
            transport,
            delete_route: DeleteRoute::default(),
            pit_route: pit::PitRoute::default(),
        })
    }

    /// The cluster's health, and which engine answered.
    pub async fn health(&self) -> Result<Health, EngineError> {
        health::health(&self.transport).await
    }

    /// Runs a search on `index`.
    pub async fn search(
        &self,
        index: &str,
        request: &SearchRequest,
    ) -> Result<SearchResponse, EngineError> {
        search::search(&self.transport, &self.pit_route, index, request).await
    }

    /// Deletes the matching documents, as an engine task where the engine has the API and
    /// through scroll and bulk where it lacks it; `resume` is a task started before a restart.
    pub async fn delete_by_query(
        &self,
        index: &str,
        query: &Query,
        resume: Option<&EngineTask>,
        report: &(dyn Fn(DeleteEvent) + Sync),
    ) -> Result<u64, EngineError> {
        let route = &self.delete_route;
        delete::delete_by_query(&self.transport, route, index, query, resume, report).await
    }

    /// Stores a batch of documents with one bulk request.
    pub async fn index_batch(
        &self,
        index: &str,
        documents: &[Map<String, Value>],
    ) -> Result<Vec<ItemOutcome>, EngineError> {
        bulk::index_batch(&self.transport, index, documents).await
    }

    /// How many documents `index` holds.
    pub async fn count(&self, index: &str) -> Result<u64, EngineError> {
        indices::count(&self.transport, index).await
    }

    /// Creates `index` with `mapping` when the cluster lacks it; answers whether it did.
    pub async fn ensure_index(&self, index: &str, mapping: &Mapping) -> Result<bool, EngineError> {
        indices::ensure_index(&self.transport, index, mapping).await
    }

    /// Makes everything stored in `index` so far searchable.
    pub async fn refresh(&self, index: &str) -> Result<(), EngineError> {
        indices::refresh(&self.transport, index).await
    }
}
