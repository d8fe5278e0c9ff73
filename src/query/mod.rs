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

mod boolean;
mod filters;
mod match_all;
mod match_phrase;
mod parse;
pub mod template;
mod term;
mod text;

pub use boolean::Bool;
pub use filters::{Exists, Range, Terms};
pub use match_all::MatchAll;
pub use match_phrase::MatchPhrase;
pub use parse::ParseError;
pub use term::Term;
pub use text::{Match, MatchBoolPrefix, Operator, auto_fuzziness};

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
    /// The analysed words of a text: all or any of them, optionally forgiving typos.
    Match(Match),
    /// The analysed words of a text, the last one a prefix.
    MatchBoolPrefix(MatchBoolPrefix),
    /// One exact, unanalysed value.
    Term(Term),
    /// One of several exact values.
    Terms(Terms),
    /// A value between bounds.
    Range(Range),
    /// Any value at all.
    Exists(Exists),
    /// Queries combined.
    Bool(Box<Bool>),
}

impl Query {
    /// Every field path the query names, and, beside it, the texts it searches.
    pub fn fields_and_texts(&self) -> (Vec<&str>, Vec<&str>) {
        let (mut fields, mut texts) = (Vec::new(), Vec::new());
        let mut stack = vec![self];
        while let Some(query) = stack.pop() {
            let (field, text) = match query {
                Query::MatchAll(_) => continue,
                Query::MatchPhrase(q) => (&q.field, Some(&q.text)),
                Query::Match(q) => (&q.field, Some(&q.text)),
                Query::MatchBoolPrefix(q) => (&q.field, Some(&q.text)),
                Query::Term(q) => (&q.field, None),
                Query::Terms(q) => (&q.field, None),
                Query::Range(q) => (&q.field, None),
                Query::Exists(q) => (&q.field, None),
                Query::Bool(q) => {
                    let clauses = q.must.iter().chain(&q.should).chain(&q.filter);
                    stack.extend(clauses.chain(&q.must_not));
                    continue;
                }
            };
            fields.push(field.as_str());
            texts.extend(text.map(String::as_str));
        }
        (fields, texts)
    }

    /// The query in Elasticsearch's query DSL.
    pub fn to_elasticsearch(&self) -> Value {
        match self {
            Query::MatchAll(query) => query.to_elasticsearch(),
            Query::MatchPhrase(query) => query.to_elasticsearch(),
            Query::Match(query) => query.to_elasticsearch(),
            Query::MatchBoolPrefix(query) => query.to_elasticsearch(),
            Query::Term(query) => query.to_elasticsearch(),
            Query::Terms(query) => query.to_elasticsearch(),
            Query::Range(query) => query.to_elasticsearch(),
            Query::Exists(query) => query.to_elasticsearch(),
            Query::Bool(query) => query.to_elasticsearch(),
        }
    }
}
