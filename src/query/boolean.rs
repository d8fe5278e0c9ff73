//! `bool`: queries combined. Scoring clauses (`must`, `should`) add their scores; `filter`
//! and `must_not` clauses only select.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::Query;

/// A combination of queries.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Bool {
    /// Each must match; their scores add up.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub must: Vec<Query>,
    /// Add their scores when they match; see `minimum_should_match`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub should: Vec<Query>,
    /// Each must match; they do not score.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub filter: Vec<Query>,
    /// None may match.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub must_not: Vec<Query>,
    /// How many `should` clauses must match. When unset, as in Elasticsearch: one when the
    /// query has no `must` or `filter` clause, none otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_should_match: Option<u32>,
}

impl Bool {
    /// The `should` clauses of which at least one must match.
    pub fn any_of(should: Vec<Query>) -> Bool {
        Bool { should, minimum_should_match: Some(1), ..Bool::default() }
    }

    /// How many `should` clauses must match, with Elasticsearch's default spelled out.
    pub fn required_should(&self) -> u32 {
        let default =
            u32::from(!self.should.is_empty() && self.must.is_empty() && self.filter.is_empty());
        self.minimum_should_match.unwrap_or(default)
    }

    /// `{"bool": {…}}` with the non-empty clause lists.
    pub fn to_elasticsearch(&self) -> Value {
        let mut clauses = Map::new();
        for (name, queries) in [
            ("must", &self.must),
            ("should", &self.should),
            ("filter", &self.filter),
            ("must_not", &self.must_not),
        ] {
            if !queries.is_empty() {
                let queries: Vec<Value> = queries.iter().map(Query::to_elasticsearch).collect();
                clauses.insert(name.into(), Value::Array(queries));
            }
        }
        if let Some(minimum) = self.minimum_should_match {
            clauses.insert("minimum_should_match".into(), json!(minimum));
        }
        json!({"bool": clauses})
    }
}
