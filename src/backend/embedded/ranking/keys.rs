//! Sort keys: the values a document ranks by, read from its fast fields or sent back in a
//! cursor, and their order.

use std::cmp::Ordering;

use serde_json::{Value, json};
use tantivy::Score;

use crate::backend::embedded::schema::Fields;
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
    /// A keyword as its term ordinal in the segment being read.
    Ord(u64),
    /// Where a keyword of another page falls among a segment's ordinals: at `ord` when
    /// `exact`, else just before it.
    OrdBound {
        /// The ordinal of the keyword, or of the next one in the dictionary.
        ord: u64,
        /// Whether the segment holds the keyword itself.
        exact: bool,
    },
}

impl SortValue {
    fn to_json(&self) -> Value {
        match self {
            SortValue::Missing => Value::Null,
            SortValue::I64(number) => json!(number),
            SortValue::F64(number) => json!(number),
            SortValue::Str(text) => json!(text),
            SortValue::Ord(_) | SortValue::OrdBound { .. } => Value::Null,
        }
    }

    fn natural(&self, other: &SortValue) -> Ordering {
        match (self, other) {
            (SortValue::I64(a), SortValue::I64(b)) => a.cmp(b),
            (SortValue::F64(a), SortValue::F64(b)) => a.total_cmp(b),
            (SortValue::Str(a), SortValue::Str(b)) => a.as_bytes().cmp(b.as_bytes()),
            (SortValue::Ord(a), SortValue::Ord(b)) => a.cmp(b),
            (SortValue::Ord(a), SortValue::OrdBound { ord, exact }) => match a.cmp(ord) {
                Ordering::Equal if !exact => Ordering::Greater,
                order => order,
            },
            (SortValue::OrdBound { .. }, SortValue::Ord(_)) => other.natural(self).reverse(),
            _ => Ordering::Equal,
        }
    }
}

/// Where a document ranks: its sort values, its score and its load order.
#[derive(Debug, Clone, PartialEq)]
pub struct RankKey {
    pub(super) values: Vec<SortValue>,
    pub(super) score: Score,
    pub(super) sequence: u64,
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
pub(super) fn compare(a: &RankKey, b: &RankKey, keys: &[ResolvedKey]) -> Ordering {
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
