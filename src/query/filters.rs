//! Queries that only select documents: a list of exact values, a range, the presence of a
//! field. Endpoints use them as filters, which do not change scores.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// Documents whose `field` holds one of `values`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Terms {
    /// The field path.
    pub field: String,
    /// The accepted values, as JSON scalars.
    pub values: Vec<Value>,
}

impl Terms {
    /// `{"terms": {field: [values]}}`.
    pub fn to_elasticsearch(&self) -> Value {
        json!({"terms": {&self.field: self.values}})
    }
}

/// Documents whose `field` lies between two bounds, both inclusive, either open.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Range {
    /// The field path of a number or date field.
    pub field: String,
    /// The lowest value accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gte: Option<Value>,
    /// The highest value accepted. A date given without a time (or without seconds or
    /// milliseconds) covers its whole day (minute, second), as in Elasticsearch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lte: Option<Value>,
}

impl Range {
    /// `{"range": {field: {"gte": …, "lte": …}}}`.
    pub fn to_elasticsearch(&self) -> Value {
        let mut bounds = Map::new();
        if let Some(gte) = &self.gte {
            bounds.insert("gte".into(), gte.clone());
        }
        if let Some(lte) = &self.lte {
            bounds.insert("lte".into(), lte.clone());
        }
        json!({"range": {&self.field: bounds}})
    }
}

/// Documents that hold a value in `field`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exists {
    /// The field path.
    pub field: String,
}

impl Exists {
    /// `{"exists": {"field": field}}`.
    pub fn to_elasticsearch(&self) -> Value {
        json!({"exists": {"field": self.field}})
    }
}
