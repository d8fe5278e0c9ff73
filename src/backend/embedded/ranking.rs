//! Ranks, counts and facets the matches of one search in a single pass over the index.
//!
//! Hits are ordered by the request's sort keys, then by load order (`_seq`), so every hit has
//! a unique position: the key of the last hit of a page is where the next page starts. Each
//! segment keeps only its best `from + size` candidates; keyword sort values are read as
//! text for every matching document, which costs a dictionary look-up each (comparing term
//! ordinals within a segment would lift that).

use std::cmp::Ordering;
use std::collections::HashMap;

use serde_json::{Value, json};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::schema::{self, Fields};
use crate::backend::{EngineError, SortKey};
use crate::mapping::FieldType;

/// One sort value of a document.
#[derive(Debug, Clone, PartialEq)]
pub enum SortValue {
    /// The document has no value.
    Missing,
    /// An integer, date (epoch milliseconds) or boolean (0 or 1).
    I64(i64),
    /// A floating-point number.
    F64(f64),
    /// A keyword.
    Str(String),
}

impl SortValue {
    fn to_json(&self) -> Value {
        match self {
            SortValue::Missing => Value::Null,
            SortValue::I64(number) => json!(number),
            SortValue::F64(number) => json!(number),
            SortValue::Str(text) => json!(text),
        }
    }

    fn natural(&self, other: &SortValue) -> Ordering {
        match (self, other) {
            (SortValue::I64(a), SortValue::I64(b)) => a.cmp(b),
            (SortValue::F64(a), SortValue::F64(b)) => a.total_cmp(b),
            (SortValue::Str(a), SortValue::Str(b)) => a.as_bytes().cmp(b.as_bytes()),
            _ => Ordering::Equal,
        }
    }
}

/// Where a document ranks: its sort values, its score and its load order.
#[derive(Debug, Clone, PartialEq)]
pub struct RankKey {
    values: Vec<SortValue>,
    score: Score,
    sequence: u64,
}

impl RankKey {
    /// The relevance score.
    pub fn score(&self) -> Score {
        self.score
    }

    /// The key as JSON sort values: one per sort key, then the load order.
    pub fn to_json(&self, keys: &[ResolvedKey]) -> Vec<Value> {
        let mut values: Vec<Value> = keys
            .iter()
            .zip(&self.values)
            .map(|(key, value)| match key {
                ResolvedKey::Score => json!(self.score),
                ResolvedKey::Field { .. } => value.to_json(),
            })
            .collect();
        values.push(json!(self.sequence));
        values
    }

    /// Reads JSON sort values back; `None` when they do not fit `keys`.
    pub fn from_json(values: &[Value], keys: &[ResolvedKey]) -> Option<RankKey> {
        let (sequence, values) = values.split_last()?;
        if values.len() != keys.len() {
            return None;
        }

        let mut key = RankKey { values: Vec::new(), score: 0.0, sequence: sequence.as_u64()? };
        for (resolved, value) in keys.iter().zip(values) {
            let read = match (resolved, value) {
                (ResolvedKey::Score, Value::Number(number)) => {
                    #[allow(clippy::cast_possible_truncation)]
                    let score = number.as_f64()? as f32;
                    key.score = score;
                    SortValue::Missing
                }
                (ResolvedKey::Field { .. }, Value::Null) => SortValue::Missing,
                (ResolvedKey::Field { kind: Kind::Str, .. }, Value::String(text)) => {
                    SortValue::Str(text.clone())
                }
                (ResolvedKey::Field { kind: Kind::I64 | Kind::Bool, .. }, Value::Number(n)) => {
                    SortValue::I64(n.as_i64()?)
                }
                (ResolvedKey::Field { kind: Kind::F64, .. }, Value::Number(number)) => {
                    SortValue::F64(number.as_f64()?)
                }
                _ => return None,
            };
            key.values.push(read);
        }
        Some(key)
    }
}

/// How a field's values are read for sorting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Keyword.
    Str,
    /// Integer, long or date.
    I64,
    /// Float or double.
    F64,
    /// Boolean.
    Bool,
}

/// A sort key with its field's kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolvedKey {
    /// Relevance.
    Score,
    /// A field.
    Field {
        /// The field path.
        field: String,
        /// How its values are read.
        kind: Kind,
        /// Largest first.
        descending: bool,
    },
}

/// Resolves the request's sort keys against the index's fields; no keys means relevance.
pub fn resolve(keys: &[SortKey], fields: &Fields) -> Result<Vec<ResolvedKey>, EngineError> {
    if keys.is_empty() {
        return Ok(vec![ResolvedKey::Score]);
    }
    let resolve_one = |key: &SortKey| match key {
        SortKey::Score => Ok(ResolvedKey::Score),
        SortKey::Field { field, descending } => {
            let kind = match fields.get(field).map(|(_, field_type)| field_type) {
                Some(FieldType::Keyword) => Kind::Str,
                Some(FieldType::Integer | FieldType::Long | FieldType::Date) => Kind::I64,
                Some(FieldType::Float | FieldType::Double) => Kind::F64,
                Some(FieldType::Boolean) => Kind::Bool,
                Some(FieldType::Text) | None => {
                    return Err(EngineError::Rejected(format!("cannot sort on `{field}`")));
                }
            };
            Ok(ResolvedKey::Field { field: field.clone(), kind, descending: *descending })
        }
    };
    keys.iter().map(resolve_one).collect()
}

/// The order of two keys: `Less` ranks first.
fn compare(a: &RankKey, b: &RankKey, keys: &[ResolvedKey]) -> Ordering {
    for (position, key) in keys.iter().enumerate() {
        let order = match key {
            ResolvedKey::Score => b.score.total_cmp(&a.score),
            ResolvedKey::Field { descending, .. } => {
                match (&a.values[position], &b.values[position]) {
                    (SortValue::Missing, SortValue::Missing) => Ordering::Equal,
                    (SortValue::Missing, _) => Ordering::Greater,
                    (_, SortValue::Missing) => Ordering::Less,
                    (x, y) if *descending => y.natural(x),
                    (x, y) => x.natural(y),
                }
            }
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    a.sequence.cmp(&b.sequence)
}

/// A candidate hit.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Where it ranks.
    pub key: RankKey,
    /// Where it is stored.
    pub address: DocAddress,
}

/// Everything one pass found.
#[derive(Debug, Default)]
pub struct Ranked {
    /// How many documents match.
    pub total: u64,
    /// The best `from + size` candidates after the cursor, best first.
    pub best: Vec<Candidate>,
    /// Per facet field: each value's count of matching documents.
    pub facets: Vec<HashMap<String, u64>>,
}

/// The collector: ranks by `keys`, keeps `limit` candidates after `after`, counts `facets`.
pub struct Ranking {
    /// The sort keys.
    pub keys: Vec<ResolvedKey>,
    /// Only keys ranked after this one.
    pub after: Option<RankKey>,
    /// How many candidates to keep.
    pub limit: usize,
    /// The keyword fields counted.
    pub facets: Vec<String>,
}

impl Collector for Ranking {
    type Fruit = Ranked;
    type Child = SegmentRanking;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentRanking> {
        let fast = reader.fast_fields();
        let mut columns = Vec::with_capacity(self.keys.len());
        for key in &self.keys {
            columns.push(match key {
                ResolvedKey::Score => SortColumn::None,
                ResolvedKey::Field { field, kind, .. } => match kind {
                    Kind::Str => fast.str(field)?.map_or(SortColumn::None, SortColumn::Str),
                    Kind::I64 => fast.column_opt(field)?.map_or(SortColumn::None, SortColumn::I64),
                    Kind::F64 => fast.column_opt(field)?.map_or(SortColumn::None, SortColumn::F64),
                    Kind::Bool => {
                        fast.column_opt(field)?.map_or(SortColumn::None, SortColumn::Bool)
                    }
                },
            });
        }
        let mut facets = Vec::with_capacity(self.facets.len());
        for field in &self.facets {
            let column = fast.str(field)?;
            let counts = vec![0; column.as_ref().map_or(0, |column| column.num_terms())];
            facets.push((column, counts));
        }

        Ok(SegmentRanking {
            segment,
            keys: self.keys.clone(),
            after: self.after.clone(),
            limit: self.limit,
            sequence: fast.u64(schema::SEQUENCE)?,
            columns,
            facets,
            total: 0,
            best: Vec::new(),
            text: String::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.keys.contains(&ResolvedKey::Score)
    }

    fn merge_fruits(&self, fruits: Vec<Ranked>) -> tantivy::Result<Ranked> {
        let mut merged =
            Ranked { facets: vec![HashMap::new(); self.facets.len()], ..Ranked::default() };
        for fruit in fruits {
            merged.total += fruit.total;
            merged.best.extend(fruit.best);
            for (counts, more) in merged.facets.iter_mut().zip(fruit.facets) {
                for (value, count) in more {
                    *counts.entry(value).or_insert(0) += count;
                }
            }
        }
        keep_best(&mut merged.best, self.limit, &self.keys);
        Ok(merged)
    }
}

enum SortColumn {
    None,
    Str(StrColumn),
    I64(Column<i64>),
    F64(Column<f64>),
    Bool(Column<bool>),
}

/// The ranking of one segment.
pub struct SegmentRanking {
    segment: SegmentOrdinal,
    keys: Vec<ResolvedKey>,
    after: Option<RankKey>,
    limit: usize,
    sequence: Column<u64>,
    columns: Vec<SortColumn>,
    facets: Vec<(Option<StrColumn>, Vec<u64>)>,
    total: u64,
    best: Vec<Candidate>,
    text: String,
}

impl SegmentRanking {
    fn value(&mut self, position: usize, doc: DocId) -> SortValue {
        let descending = matches!(self.keys[position], ResolvedKey::Field { descending: true, .. });
        let pick = |values: &mut dyn Iterator<Item = i64>| {
            if descending { values.max() } else { values.min() }
        };

        match &self.columns[position] {
            SortColumn::None => SortValue::Missing,
            SortColumn::I64(column) => {
                pick(&mut column.values_for_doc(doc)).map_or(SortValue::Missing, SortValue::I64)
            }
            SortColumn::Bool(column) => pick(&mut column.values_for_doc(doc).map(i64::from))
                .map_or(SortValue::Missing, SortValue::I64),
            SortColumn::F64(column) => {
                let values = column.values_for_doc(doc);
                let picked = if descending {
                    values.max_by(f64::total_cmp)
                } else {
                    values.min_by(f64::total_cmp)
                };
                picked.map_or(SortValue::Missing, SortValue::F64)
            }
            SortColumn::Str(column) => {
                let ords = column.term_ords(doc);
                let ord = if descending { ords.max() } else { ords.min() };
                self.text.clear();
                match ord.map(|ord| column.ord_to_str(ord, &mut self.text)) {
                    Some(Ok(true)) => SortValue::Str(self.text.clone()),
                    _ => SortValue::Missing,
                }
            }
        }
    }

    fn count_facets(&mut self, doc: DocId) {
        for (column, counts) in &mut self.facets {
            let Some(column) = column else { continue };
            let mut seen: Vec<u64> = column.term_ords(doc).collect();
            seen.sort_unstable();
            seen.dedup();
            for ord in seen {
                if let Some(count) = usize::try_from(ord).ok().and_then(|ord| counts.get_mut(ord)) {
                    *count += 1;
                }
            }
        }
    }
}

impl SegmentCollector for SegmentRanking {
    type Fruit = Ranked;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.total += 1;
        self.count_facets(doc);
        if self.limit == 0 {
            return;
        }

        let mut values = Vec::with_capacity(self.keys.len());
        for position in 0..self.keys.len() {
            values.push(self.value(position, doc));
        }
        let sequence = self.sequence.first(doc).unwrap_or(u64::MAX);
        let key = RankKey { values, score, sequence };
        if let Some(after) = &self.after
            && compare(&key, after, &self.keys) != Ordering::Greater
        {
            return;
        }

        self.best.push(Candidate { key, address: DocAddress::new(self.segment, doc) });
        if self.best.len() >= self.limit.saturating_mul(2).max(64) {
            keep_best(&mut self.best, self.limit, &self.keys);
        }
    }

    fn harvest(mut self) -> Ranked {
        keep_best(&mut self.best, self.limit, &self.keys);
        let mut facets = Vec::with_capacity(self.facets.len());
        for (column, counts) in &self.facets {
            let mut named = HashMap::new();
            let Some(column) = column else {
                facets.push(named);
                continue;
            };
            for (ord, count) in counts.iter().enumerate().filter(|(_, count)| **count > 0) {
                let mut value = String::new();
                if let Ok(true) = column.ord_to_str(ord as u64, &mut value) {
                    named.insert(value, *count);
                }
            }
            facets.push(named);
        }
        Ranked { total: self.total, best: self.best, facets }
    }
}

fn keep_best(candidates: &mut Vec<Candidate>, limit: usize, keys: &[ResolvedKey]) {
    candidates.sort_by(|a, b| compare(&a.key, &b.key, keys));
    candidates.truncate(limit);
}
