//! `term`: one exact value, not analysed.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Documents whose `field` holds exactly `value`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Term {
    /// The field path, such as `pet_name.keyword`.
    pub field: String,
    /// The value, as a JSON scalar.
    pub value: Value,
}

impl Term {
    /// A term query for `value` in `field`.
    pub fn new(field: impl Into<String>, value: impl Into<Value>) -> Term {
        Term { field: field.into(), value: value.into() }
    }

    /// `{"term": {field: {"value": value}}}`.
    pub fn to_elasticsearch(&self) -> Value {
        json!({"term": {&self.field: {"value": &self.value}}})
    }
}
