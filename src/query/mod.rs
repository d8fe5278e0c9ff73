//! The query plan: the subset of Elasticsearch's query DSL that endpoints build.
//!
//! Endpoints never splice client text into JSON: they build a [`Query`] from validated
//! parameters, and each backend turns the plan into its own form, Elasticsearch JSON through
//! [`Query::to_elasticsearch`], the embedded index through its own compiler.
//!
//! ```
//! use moat::query::{MatchPhrase, Query};
//!
//! let query = Query::MatchPhrase(MatchPhrase::new("visit_details", "dental cleaning"));
//! assert_eq!(
//!     query.to_elasticsearch().to_string(),
//!     r#"{"match_phrase":{"visit_details":{"query":"dental cleaning"}}}"#
//! );
//! ```

mod match_all;
mod match_phrase;
mod term;

pub use match_all::MatchAll;
pub use match_phrase::MatchPhrase;
pub use term::Term;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One query of the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Query {
    /// Every document.
    MatchAll(MatchAll),
    /// The analysed words of a text, next to each other and in order.
    MatchPhrase(MatchPhrase),
    /// One exact, unanalysed value.
    Term(Term),
}

impl Query {
    /// The query in Elasticsearch's query DSL.
    pub fn to_elasticsearch(&self) -> Value {
        match self {
            Query::MatchAll(query) => query.to_elasticsearch(),
            Query::MatchPhrase(query) => query.to_elasticsearch(),
            Query::Term(query) => query.to_elasticsearch(),
        }
    }
}
