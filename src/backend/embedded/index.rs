//! One embedded index: a Tantivy index in its own folder of the data directory.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value};
use tantivy::collector::Count;
use tantivy::directory::error::LockError;
use tantivy::schema::Value as _;
use tantivy::{
    Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, TantivyError,
};

use super::analyzer::{self, StandardTokenizer};
use super::compile::{compile, compile_spelled};
use super::highlight::FieldMarker;
use super::ranking::{self, RankKey, Ranking};
use super::spellings;
use super::{document, schema};
use crate::backend::{
    Bucket, EngineError, Facet, Hit, ItemOutcome, SearchRequest, SearchResponse, source,
};
use crate::mapping::Mapping;
use crate::query::Query;

/// Memory the writer may buffer before it flushes a segment.
const WRITER_HEAP_BYTES: usize = 64 * 1024 * 1024;

/// An open embedded index with its single writer.
pub struct EmbeddedIndex {
    mapping: Arc<Mapping>,
    fields: schema::Fields,
    reader: IndexReader,
    writer: Mutex<Writer>,
}

/// The writer, and the load order number of the next document stored.
struct Writer {
    writer: IndexWriter,
    next_sequence: u64,
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
                "the index in {} was created with another mapping or by an older moat; move it \
                 away to rebuild it",
                dir.display()
            )));
        }
        index.tokenizers().register(analyzer::STANDARD, StandardTokenizer);

        let writer = index.writer(WRITER_HEAP_BYTES).map_err(|error| locked(error, dir))?;
        let reader: IndexReader =
            index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let next_sequence = last_sequence(&reader.searcher())?.map_or(0, |last| last + 1);

        let writer = Mutex::new(Writer { writer, next_sequence });
        let index = EmbeddedIndex { mapping, fields, reader, writer };
        Ok((index, created))
    }

    /// Stores documents, each under a new id, and commits them together.
    pub fn index_batch(
        &self,
        documents: &[Map<String, Value>],
    ) -> Result<Vec<ItemOutcome>, EngineError> {
        let mut writer = self.lock_writer();
        let mut outcomes = Vec::with_capacity(documents.len());

        for source in documents {
            let id = uuid::Uuid::new_v4().simple().to_string();
            let sequence = writer.next_sequence;
            match document::build(&self.mapping, &self.fields, &id, sequence, source) {
                Ok(built) => {
                    writer.writer.add_document(built)?;
                    writer.next_sequence += 1;
                    outcomes.push(ItemOutcome::Indexed);
                }
                Err(reason) => outcomes.push(ItemOutcome::Rejected(reason)),
            }
        }

        writer.writer.commit()?;
        self.reader.reload()?;
        Ok(outcomes)
    }

    /// Runs a search. Hits that rank equal come in the order they were stored, as on a
    /// freshly loaded Elasticsearch index.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResponse, EngineError> {
        let searcher = self.reader.searcher();
        let spellings = spellings::collect(&request.query, &self.fields, &searcher)?;
        let query = compile_spelled(&request.query, &self.fields, &spellings)
            .map_err(|error| EngineError::Rejected(error.to_string()))?;
        let keys = ranking::resolve(&request.sort, &self.fields)?;
        let after = match &request.after {
            Some(values) => Some(RankKey::from_json(values, &keys).ok_or_else(|| {
                EngineError::Rejected("the sort values to continue after do not fit".into())
            })?),
            None => None,
        };
        let facets = request.facets.iter().map(|facet| facet.field.clone()).collect();
        let collector = Ranking {
            keys: keys.clone(),
            after,
            limit: request.from.saturating_add(request.size),
            facets,
        };

        let ranked = searcher.search(&query, &collector)?;

        let markers: Vec<(&String, FieldMarker)> = request
            .highlight
            .iter()
            .flat_map(|asked| &asked.fields)
            .filter_map(|field| Some((field, FieldMarker::new(&request.query, field, &spellings)?)))
            .collect();
        let mut hits = Vec::with_capacity(request.size);
        for candidate in ranked.best.into_iter().skip(request.from) {
            let stored: TantivyDocument = searcher.doc(candidate.address)?;
            let mut hit = self.hit(&stored, candidate.key.score(), request, &markers)?;
            hit.sort = Some(candidate.key.to_json(&keys));
            hits.push(hit);
        }

        let (total, total_is_lower_bound) = match request.total_cap {
            Some(cap) if ranked.total > cap => (cap, true),
            _ => (ranked.total, false),
        };
        let facets = request
            .facets
            .iter()
            .zip(ranked.facets)
            .map(|(asked, counts)| facet(&asked.field, counts, asked.size));
        Ok(SearchResponse {
            total,
            total_is_lower_bound,
            hits,
            facets: facets.collect(),
            snapshot: None,
        })
    }

    fn hit(
        &self,
        stored: &TantivyDocument,
        score: f32,
        request: &SearchRequest,
        markers: &[(&String, FieldMarker)],
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

        let mut highlighted = Map::new();
        if let Some(asked) = &request.highlight {
            let tags = (asked.pre_tag.as_str(), asked.post_tag.as_str());
            for (field, marker) in markers {
                let Some(value) = source::lookup(&full, field) else { continue };
                if let Some(marked) = marker.mark(value, tags) {
                    highlighted.insert((*field).clone(), marked);
                }
            }
        }

        Ok(Hit {
            id,
            score,
            source: source::pick(&full, &request.source_fields),
            sort: None,
            highlight: highlighted,
        })
    }

    /// Deletes every document matching `plan` and commits; answers how many were deleted.
    pub fn delete_by_query(&self, plan: &Query) -> Result<u64, EngineError> {
        let query = compile(plan, &self.fields)
            .map_err(|error| EngineError::Rejected(error.to_string()))?;
        let mut writer = self.lock_writer();

        self.reader.reload()?;
        let matching = self.reader.searcher().search(&query, &Count)?;
        writer.writer.delete_query(query)?;
        writer.writer.commit()?;
        self.reader.reload()?;

        Ok(matching as u64)
    }

    /// How many live documents the index holds.
    pub fn count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    fn lock_writer(&self) -> std::sync::MutexGuard<'_, Writer> {
        self.writer.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The `size` most frequent values of `counts`, ties by value, as Elasticsearch's `terms`
/// aggregation orders them.
fn facet(field: &str, counts: HashMap<String, u64>, size: usize) -> Facet {
    let mut buckets: Vec<Bucket> =
        counts.into_iter().map(|(value, count)| Bucket { value, count }).collect();
    buckets.sort_by(|a, b| {
        b.count.cmp(&a.count).then_with(|| a.value.as_bytes().cmp(b.value.as_bytes()))
    });
    buckets.truncate(size);
    Facet { field: field.to_owned(), buckets }
}

/// The load order number of the last document stored, if any was.
fn last_sequence(searcher: &Searcher) -> Result<Option<u64>, EngineError> {
    let mut last = None;

    for segment in searcher.segment_readers() {
        if segment.max_doc() > 0 {
            let column = segment.fast_fields().u64(schema::SEQUENCE)?;
            last = last.max(Some(column.max_value()));
        }
    }

    Ok(last)
}

fn locked(error: TantivyError, dir: &Path) -> EngineError {
    match error {
        TantivyError::LockFailure(LockError::LockBusy, _) => EngineError::Locked(format!(
            "the embedded index in {} is in use by another moat process (a running \
             `moat serve`?); stop that process first",
            dir.display()
        )),
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::query::MatchPhrase;

    fn open(dir: &Path) -> EmbeddedIndex {
        let mapping = json!({"properties": {"text": {"type": "text"}, "n": {"type": "long"}}});
        let mapping = Arc::new(Mapping::from_json(&mapping).expect("a valid mapping"));
        EmbeddedIndex::open(dir, mapping).expect("the index opens").0
    }

    fn batch(numbers: std::ops::Range<u64>) -> Vec<Map<String, Value>> {
        let documents = numbers.map(|n| json!({"text": "same words", "n": n}));
        documents.map(|document| document.as_object().cloned().unwrap_or_default()).collect()
    }

    #[test]
    fn hits_of_equal_score_come_in_load_order_across_batches_and_reopening() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let index = open(dir.path());
        for start in [0, 40, 80] {
            index.index_batch(&batch(start..start + 40)).expect("the batch is stored");
        }
        drop(index);

        let index = open(dir.path());
        index.index_batch(&batch(120..150)).expect("the batch is stored");
        let query = Query::MatchPhrase(MatchPhrase::new("text", "same words"));
        let request = SearchRequest::new(query, 150, vec!["n".into()]);
        let found = index.search(&request).expect("the search runs");

        let order: Vec<u64> =
            found.hits.iter().filter_map(|hit| hit.source["n"].as_u64()).collect();
        assert_eq!(order, (0..150).collect::<Vec<_>>());
    }
}

#[cfg(test)]
mod filter_tests {
    use serde_json::json;

    use super::*;
    use crate::query::{Bool, Exists};

    #[test]
    fn documents_without_a_value_match_a_negated_exists() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mapping = json!({"properties": {"k": {"type": "keyword"}, "n": {"type": "long"}}});
        let mapping = Arc::new(Mapping::from_json(&mapping).expect("a valid mapping"));
        let index = EmbeddedIndex::open(dir.path(), mapping).expect("the index opens").0;
        let documents = [json!({"k": ["a"], "n": 1}), json!({"k": [], "n": 2}), json!({"n": 3})];
        let documents: Vec<_> = documents.iter().map(|d| d.as_object().unwrap().clone()).collect();
        index.index_batch(&documents).expect("stored");

        let without =
            Bool { must_not: vec![Query::Exists(Exists { field: "k".into() })], ..Bool::default() };
        let query = Query::Bool(Box::new(Bool {
            filter: vec![Query::Bool(Box::new(without))],
            ..Bool::default()
        }));
        let found = index.search(&SearchRequest::new(query, 10, vec!["n".into()])).expect("runs");

        let numbers: Vec<u64> =
            found.hits.iter().filter_map(|hit| hit.source["n"].as_u64()).collect();
        assert_eq!(numbers, [2, 3]);
    }
}

#[cfg(test)]
mod walk_tests {
    use serde_json::json;

    use super::*;
    use crate::backend::SortKey;

    #[test]
    fn a_walk_after_sort_values_sees_every_document_once() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mapping = json!({"properties": {"w": {"type": "float"}, "n": {"type": "long"}}});
        let mapping = Arc::new(Mapping::from_json(&mapping).expect("a valid mapping"));
        let index = EmbeddedIndex::open(dir.path(), mapping).expect("the index opens").0;
        for batch in 0..3u64 {
            let documents: Vec<_> = (0..40u64)
                .map(|n| {
                    let number = batch * 40 + n;
                    let tenths = (number * 37 % 1000) as f64 / 10.0;
                    let weight = match number % 5 {
                        0 => json!(null),
                        1 => json!(format!("{tenths}")),
                        _ => json!(tenths),
                    };
                    json!({"w": weight, "n": number}).as_object().unwrap().clone()
                })
                .collect();
            index.index_batch(&documents).expect("stored");
        }

        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let mut request =
                SearchRequest::new(Query::MatchAll(crate::query::MatchAll), 7, vec!["n".into()]);
            request.sort = vec![SortKey::Field { field: "w".into(), descending: false }];
            request.after = after.clone();
            let found = index.search(&request).expect("runs");
            if found.hits.is_empty() {
                break;
            }
            for hit in &found.hits {
                seen.push(hit.source["n"].as_u64().unwrap());
            }
            let sort = found.hits.last().unwrap().sort.clone().unwrap();
            after = Some(serde_json::from_str(&serde_json::to_string(&sort).unwrap()).unwrap());
        }
        let mut unique = seen.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!((seen.len(), unique.len()), (120, 120));
    }
}
