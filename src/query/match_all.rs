//! `match_all`: every document of the index.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Matches every document with the same score.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchAll;

impl MatchAll {
    /// `{"match_all": {}}`.
    pub fn to_elasticsearch(self) -> Value {
        json!({"match_all": {}})
    }
}
