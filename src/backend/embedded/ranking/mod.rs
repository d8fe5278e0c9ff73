//! Ranks, counts and facets the matches of one search in a single pass over the index.
//!
//! Hits are ordered by the request's sort keys, then by load order (`_seq`), so every hit has
//! a unique position: the key of the last hit of a page is where the next page starts. Each
//! segment keeps only its best `from + size` candidates. Within a segment keyword values are
//! compared by their term ordinals (the dictionary is sorted), and only the kept candidates'
//! and the facets' ordinals are turned into text.

mod keys;

pub use keys::{Kind, RankKey, ResolvedKey, SortValue, resolve};

use std::cmp::Ordering;
use std::collections::HashMap;

use keys::compare;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::schema;

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
        let after = match &self.after {
            Some(after) => Some(segment_after(after, &columns)?),
            None => None,
        };
        let mut facets = Vec::with_capacity(self.facets.len());
        for field in &self.facets {
            let column = fast.str(field)?;
            let counts = vec![0; column.as_ref().map_or(0, |column| column.num_terms())];
            facets.push((column, counts));
        }

        Ok(SegmentRanking {
            segment,
            keys: self.keys.clone(),
            after,
            limit: self.limit,
            sequence: fast.u64(schema::SEQUENCE)?,
            columns,
            facets,
            total: 0,
            best: Vec::new(),
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
                ord.map_or(SortValue::Missing, SortValue::Ord)
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
        for candidate in &mut self.best {
            for (value, column) in candidate.key.values.iter_mut().zip(&self.columns) {
                if let (SortValue::Ord(ord), SortColumn::Str(column)) = (&*value, column) {
                    let mut text = String::new();
                    *value = match column.ord_to_str(*ord, &mut text) {
                        Ok(true) => SortValue::Str(text),
                        _ => SortValue::Missing,
                    };
                }
            }
        }

        let facets = self.facets.iter().map(|(column, counts)| named_counts(column, counts));
        Ranked { total: self.total, best: self.best, facets: facets.collect() }
    }
}

/// The counts of the ordinals that were seen, by their text.
fn named_counts(column: &Option<StrColumn>, counts: &[u64]) -> HashMap<String, u64> {
    let mut named = HashMap::new();
    let Some(column) = column else { return named };

    let seen: Vec<(u64, u64)> = counts
        .iter()
        .enumerate()
        .filter(|(_, count)| **count > 0)
        .map(|(ord, count)| (ord as u64, *count))
        .collect();
    let mut next = seen.iter().map(|(_, count)| *count);
    let _ = column.dictionary().sorted_ords_to_term_cb(seen.iter().map(|(ord, _)| *ord), |term| {
        if let Some(count) = next.next() {
            named.insert(String::from_utf8_lossy(term).into_owned(), count);
        }
        Ok(())
    });
    named
}

/// `after` with its keywords placed among the ordinals of one segment's columns.
fn segment_after(after: &RankKey, columns: &[SortColumn]) -> tantivy::Result<RankKey> {
    let mut placed = after.clone();
    for (value, column) in placed.values.iter_mut().zip(columns) {
        let (SortValue::Str(text), SortColumn::Str(column)) = (&*value, column) else {
            continue;
        };
        let mut from = column.dictionary().range().ge(text.as_bytes()).into_stream()?;
        *value = if from.advance() {
            SortValue::OrdBound { ord: from.term_ord(), exact: from.key() == text.as_bytes() }
        } else {
            SortValue::OrdBound { ord: u64::MAX, exact: false }
        };
    }
    Ok(placed)
}

fn keep_best(candidates: &mut Vec<Candidate>, limit: usize, keys: &[ResolvedKey]) {
    candidates.sort_by(|a, b| compare(&a.key, &b.key, keys));
    candidates.truncate(limit);
}
