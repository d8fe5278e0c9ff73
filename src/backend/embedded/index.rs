//! One embedded index: a Tantivy index in its own folder of the data directory.

use std::path::Path;
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value};
use tantivy::collector::{Count, TopDocs};
use tantivy::directory::error::LockError;
use tantivy::schema::Value as _;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, TantivyError};

use super::analyzer::{self, StandardTokenizer};
use super::compile::compile;
use super::{document, schema};
use crate::backend::{EngineError, Hit, ItemOutcome, SearchRequest, SearchResponse, source};
use crate::mapping::Mapping;
use crate::query::Query;

/// Memory the writer may buffer before it flushes a segment.
const WRITER_HEAP_BYTES: usize = 64 * 1024 * 1024;

/// An open embedded index with its single writer.
pub struct EmbeddedIndex {
    mapping: Arc<Mapping>,
    fields: schema::Fields,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
}

impl EmbeddedIndex {
    /// Opens the index in `dir`, creating it when the folder holds none. The flag tells whether
    /// it was created now.
    pub fn open(dir: &Path, mapping: Arc<Mapping>) -> Result<(EmbeddedIndex, bool), EngineError> {
        let (schema, fields) = schema::build(&mapping);
        std::fs::create_dir_all(dir).map_err(|error| {
            EngineError::Internal(format!("cannot create {}: {error}", dir.display()))
        })?;

        let created = !dir.join("meta.json").exists();
        let index = if created {
            Index::create_in_dir(dir, schema.clone())?
        } else {
            Index::open_in_dir(dir)?
        };
        if index.schema() != schema {
            return Err(EngineError::Internal(format!(
                "the index in {} was created with another mapping; move it away to rebuild it \
                 from the new mapping",
                dir.display()
            )));
        }
        index.tokenizers().register(analyzer::STANDARD, StandardTokenizer);

        let writer = index.writer(WRITER_HEAP_BYTES).map_err(|error| locked(error, dir))?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let index = EmbeddedIndex { mapping, fields, reader, writer: Mutex::new(writer) };
        Ok((index, created))
    }

    /// Stores documents, each under a new id, and commits them together.
    pub fn index_batch(&self, documents: &[Map<String, Value>]) -> Result<Vec<ItemOutcome>, EngineError> {
        let mut writer = self.lock_writer();
        let mut outcomes = Vec::with_capacity(documents.len());

        for source in documents {
            let id = uuid::Uuid::new_v4().simple().to_string();
            match document::build(&self.mapping, &self.fields, &id, source) {
                Ok(built) => {
                    writer.add_document(built)?;
                    outcomes.push(ItemOutcome::Indexed);
                }
                Err(reason) => outcomes.push(ItemOutcome::Rejected(reason)),
            }
        }

        writer.commit()?;
        self.reader.reload()?;
        Ok(outcomes)
    }

    /// Runs a search.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResponse, EngineError> {
        let query = compile(&request.query, &self.fields)
            .map_err(|error| EngineError::Rejected(error.to_string()))?;
        let searcher = self.reader.searcher();

        let top = TopDocs::with_limit(request.size.max(1));
        let (top, total) = searcher.search(&query, &(top, Count))?;

        let mut hits = Vec::with_capacity(request.size);
        for (score, address) in top.into_iter().take(request.size) {
            let stored: TantivyDocument = searcher.doc(address)?;
            hits.push(self.hit(&stored, score, &request.source_fields)?);
        }

        Ok(SearchResponse { total: total as u64, hits })
    }

    fn hit(
        &self,
        stored: &TantivyDocument,
        score: f32,
        wanted: &[String],
    ) -> Result<Hit, EngineError> {
        let id = stored
            .get_first(self.fields.id)
            .and_then(|value| value.as_str())
            .unwrap_or_default()
            .to_owned();
        let bytes = stored.get_first(self.fields.source).and_then(|value| value.as_bytes());
        let full: Map<String, Value> = bytes
            .map(serde_json::from_slice)
            .transpose()
            .map_err(|error| EngineError::Internal(format!("stored source unreadable: {error}")))?
            .unwrap_or_default();

        Ok(Hit { id, score, source: source::pick(&full, wanted) })
    }

    /// Deletes every document matching `plan` and commits; answers how many were deleted.
    pub fn delete_by_query(&self, plan: &Query) -> Result<u64, EngineError> {
        let query = compile(plan, &self.fields)
            .map_err(|error| EngineError::Rejected(error.to_string()))?;
        let mut writer = self.lock_writer();

        self.reader.reload()?;
        let matching = self.reader.searcher().search(&query, &Count)?;
        writer.delete_query(query)?;
        writer.commit()?;
        self.reader.reload()?;

        Ok(matching as u64)
    }

    /// How many live documents the index holds.
    pub fn count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    fn lock_writer(&self) -> std::sync::MutexGuard<'_, IndexWriter> {
        self.writer.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn locked(error: TantivyError, dir: &Path) -> EngineError {
    match error {
        TantivyError::LockFailure(LockError::LockBusy, _) => EngineError::Locked(format!(
            "the embedded index in {} is in use by another moat process (a running `moat serve`?); \
             stop that process first",
            dir.display()
        )),
        other => other.into(),
    }
}
