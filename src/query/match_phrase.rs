//! `match_phrase`: the analysed words of a text, adjacent and in order.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// A phrase searched in one field, analysed with that field's analyzer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchPhrase {
    /// The field path, such as `visit_details`.
    pub field: String,
    /// The text as the client sent it.
    pub text: String,
}

impl MatchPhrase {
    /// A phrase query for `text` in `field`.
    pub fn new(field: impl Into<String>, text: impl Into<String>) -> MatchPhrase {
        MatchPhrase { field: field.into(), text: text.into() }
    }

    /// `{"match_phrase": {field: {"query": text}}}`.
    pub fn to_elasticsearch(&self) -> Value {
        json!({"match_phrase": {&self.field: {"query": &self.text}}})
    }
}
