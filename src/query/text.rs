//! Full-text queries beyond the phrase: `match` (every word or any word, optionally
//! forgiving typos) and `match_bool_prefix` (search as you type).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// How the words of a text combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operator {
    /// Every word must match.
    And,
    /// Any word may match; more matching words rank higher.
    Or,
}

impl Operator {
    fn as_str(self) -> &'static str {
        match self {
            Operator::And => "and",
            Operator::Or => "or",
        }
    }
}

/// The analysed words of a text in one field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Match {
    /// The field path.
    pub field: String,
    /// The text as the client sent it.
    pub text: String,
    /// How the words combine.
    pub operator: Operator,
    /// Whether each word may differ by a few typos (Elasticsearch's `AUTO` fuzziness: none
    /// for words of one or two characters, one edit up to five, two beyond).
    #[serde(default)]
    pub fuzzy: bool,
    /// A factor on the score, when not 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boost: Option<f32>,
}

impl Match {
    /// `{"match": {field: {"query": text, "operator": …}}}` with fuzziness and boost when set.
    pub fn to_elasticsearch(&self) -> Value {
        let mut options = Map::new();
        options.insert("query".into(), json!(self.text));
        options.insert("operator".into(), json!(self.operator.as_str()));
        if self.fuzzy {
            options.insert("fuzziness".into(), json!("AUTO"));
        }
        insert_boost(&mut options, self.boost);
        json!({"match": {&self.field: options}})
    }
}

/// Search as you type: the analysed words of a text, the last one taken as a prefix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchBoolPrefix {
    /// The field path.
    pub field: String,
    /// The text as the client typed it so far.
    pub text: String,
    /// How the words combine.
    pub operator: Operator,
    /// A factor on the score, when not 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boost: Option<f32>,
}

impl MatchBoolPrefix {
    /// `{"match_bool_prefix": {field: {"query": text, "operator": …}}}`.
    pub fn to_elasticsearch(&self) -> Value {
        let mut options = Map::new();
        options.insert("query".into(), json!(self.text));
        options.insert("operator".into(), json!(self.operator.as_str()));
        insert_boost(&mut options, self.boost);
        json!({"match_bool_prefix": {&self.field: options}})
    }
}

/// Adds `"boost"` to a query's options when it is set.
pub(super) fn insert_boost(options: &mut Map<String, Value>, boost: Option<f32>) {
    if let Some(boost) = boost {
        options.insert("boost".into(), json!(boost));
    }
}

/// The number of typos `AUTO` fuzziness allows in a word of `chars` characters.
pub fn auto_fuzziness(chars: usize) -> u8 {
    match chars {
        0..=2 => 0,
        3..=5 => 1,
        _ => 2,
    }
}
