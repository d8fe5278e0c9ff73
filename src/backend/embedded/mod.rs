//! The embedded backend: Tantivy indices on local disk, for a zero-set-up start.
//!
//! Each declared index lives in `<data dir>/indices/<name>/`. Index work is blocking, so it
//! runs on Tokio's blocking pool behind a bounded number of permits.

pub mod analyzer;
mod compile;
mod document;
mod highlight;
mod index;
mod ranking;
mod schema;
mod spellings;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use serde_json::{Map, Value};
use tokio::sync::Semaphore;

use self::index::EmbeddedIndex;
use super::{EngineError, Health, ItemOutcome, SearchRequest, SearchResponse};
use crate::mapping::Mapping;
use crate::query::Query;

/// How many index operations may run at once on the blocking pool.
const BLOCKING_PERMITS: usize = 16;

/// The embedded indices, by name.
pub struct Embedded {
    indices: HashMap<String, Arc<EmbeddedIndex>>,
    permits: Arc<Semaphore>,
}

/// An index that was opened, and whether it was created just now.
pub struct Opened {
    /// The index name.
    pub name: String,
    /// True when the folder held no index before.
    pub created: bool,
}

impl Embedded {
    /// Opens (or creates) every index under `data_dir`.
    pub fn open(
        data_dir: &Path,
        indices: &[(String, Arc<Mapping>)],
    ) -> Result<(Embedded, Vec<Opened>), EngineError> {
        let mut opened = Vec::new();
        let mut by_name = HashMap::new();

        for (name, mapping) in indices {
            let dir = data_dir.join("indices").join(name);
            let (index, created) = EmbeddedIndex::open(&dir, Arc::clone(mapping))?;
            by_name.insert(name.clone(), Arc::new(index));
            opened.push(Opened { name: name.clone(), created });
        }

        let permits = Arc::new(Semaphore::new(BLOCKING_PERMITS));
        Ok((Embedded { indices: by_name, permits }, opened))
    }

    /// Whether `index` is one of the open indices.
    pub fn has_index(&self, index: &str) -> bool {
        self.indices.contains_key(index)
    }

    /// The embedded index is as healthy as the process holding it.
    pub fn health(&self) -> Health {
        Health {
            message: "Connected to the embedded index".into(),
            status: "green".into(),
            number_of_nodes: 1,
            active_shards: self.indices.len() as u64,
        }
    }

    /// Runs a search on the blocking pool.
    pub async fn search(
        &self,
        index: &str,
        request: SearchRequest,
    ) -> Result<SearchResponse, EngineError> {
        self.run(index, move |index| index.search(&request)).await
    }

    /// Deletes matching documents on the blocking pool.
    pub async fn delete_by_query(&self, index: &str, query: Query) -> Result<u64, EngineError> {
        self.run(index, move |index| index.delete_by_query(&query)).await
    }

    /// Stores a batch on the blocking pool.
    pub async fn index_batch(
        &self,
        index: &str,
        documents: Vec<Map<String, Value>>,
    ) -> Result<Vec<ItemOutcome>, EngineError> {
        self.run(index, move |index| index.index_batch(&documents)).await
    }

    /// Counts live documents.
    pub async fn count(&self, index: &str) -> Result<u64, EngineError> {
        self.run(index, |index| Ok(index.count())).await
    }

    async fn run<T, F>(&self, index: &str, work: F) -> Result<T, EngineError>
    where
        T: Send + 'static,
        F: FnOnce(&EmbeddedIndex) -> Result<T, EngineError> + Send + 'static,
    {
        let index = self
            .indices
            .get(index)
            .cloned()
            .ok_or_else(|| EngineError::MissingIndex(index.to_owned()))?;
        let permit = Arc::clone(&self.permits).acquire_owned().await.map_err(|_| {
            EngineError::Unavailable("the embedded backend is shutting down".into())
        })?;

        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work(&index)
        })
        .await?
    }
}
