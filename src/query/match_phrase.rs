//! `match_phrase`: the analysed words of a text, adjacent and in order.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::text::insert_boost;

/// A phrase searched in one field, analysed with that field's analyzer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchPhrase {
    /// The field path, such as `visit_details`.
    pub field: String,
    /// The text as the client sent it.
    pub text: String,
    /// A factor on the score, when not 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boost: Option<f32>,
}

impl MatchPhrase {
    /// A phrase query for `text` in `field`.
    pub fn new(field: impl Into<String>, text: impl Into<String>) -> MatchPhrase {
        MatchPhrase { field: field.into(), text: text.into(), boost: None }
    }

    /// `{"match_phrase": {field: {"query": text}}}`, with the boost when set.
    pub fn to_elasticsearch(&self) -> Value {
        let mut options = Map::new();
        options.insert("query".into(), json!(self.text));
        insert_boost(&mut options, self.boost);
        json!({"match_phrase": {&self.field: options}})
    }
}
