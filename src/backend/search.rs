//! What a search asks of a backend and what it answers, shared by every backend.

use serde_json::{Map, Value};

use crate::query::Query;

/// A search to run on one index.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// What to match.
    pub query: Query,
    /// How many hits to return.
    pub size: usize,
    /// How many of the best hits to skip (page-based paging).
    pub from: usize,
    /// The source fields to return with each hit, in this order.
    pub source_fields: Vec<String>,
    /// The order of the hits; by relevance when empty. Equal hits come in load order.
    pub sort: Vec<SortKey>,
    /// Only hits ranked after these sort values (a hit's [`Hit::sort`]), for deep paging.
    pub after: Option<Vec<Value>>,
    /// Whether and how the search runs on a frozen view of the index.
    pub snapshot: Snapshot,
    /// The fields whose values are counted over every matching document.
    pub facets: Vec<FacetRequest>,
    /// The text fields whose matched words are marked.
    pub highlight: Option<HighlightRequest>,
    /// Count matches exactly up to this many, then stop counting; exact when `None`.
    pub total_cap: Option<u64>,
}

impl SearchRequest {
    /// The first `size` hits of `query` by relevance, with `source_fields`.
    pub fn new(query: Query, size: usize, source_fields: Vec<String>) -> SearchRequest {
        SearchRequest {
            query,
            size,
            from: 0,
            source_fields,
            sort: Vec::new(),
            after: None,
            snapshot: Snapshot::None,
            facets: Vec::new(),
            highlight: None,
            total_cap: None,
        }
    }
}

/// One key of a sort order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortKey {
    /// Relevance, best first.
    Score,
    /// A field's value; documents without one come last either way. A field holding several
    /// values sorts by its smallest ascending and by its largest descending.
    Field {
        /// The field path (a keyword, number, date or boolean field).
        field: String,
        /// Largest first.
        descending: bool,
    },
}

/// A frozen view of the index that pages of one walk share, where the engine has one
/// (Elasticsearch's and OpenSearch's point in time). The embedded backend ignores it: its
/// pages continue after the last hit's sort values on the live index, so documents written
/// during a walk may appear in it or not, but no document comes twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Snapshot {
    /// The live index.
    None,
    /// Open a snapshot kept for this many seconds between pages, and search it.
    Open {
        /// How long the engine keeps the snapshot after each page.
        keep_alive_secs: u64,
    },
    /// Search the snapshot a previous page opened.
    Continue {
        /// The engine's id of the snapshot.
        id: String,
        /// How long the engine keeps the snapshot after this page.
        keep_alive_secs: u64,
    },
}

/// Value counts of one keyword field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetRequest {
    /// The keyword field.
    pub field: String,
    /// How many values to return: the most frequent, ties by value.
    pub size: usize,
}

/// Which fields to highlight and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HighlightRequest {
    /// The text fields.
    pub fields: Vec<String>,
    /// Put before each match.
    pub pre_tag: String,
    /// Put after each match.
    pub post_tag: String,
}

/// What a search found.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResponse {
    /// How many documents match in all, or the cap when `total_is_lower_bound`.
    pub total: u64,
    /// Whether more documents than `total` match (counting stopped at the cap).
    pub total_is_lower_bound: bool,
    /// The hits, best first.
    pub hits: Vec<Hit>,
    /// One entry per requested facet, in the request's order.
    pub facets: Vec<Facet>,
    /// The engine's id of the snapshot searched, to continue from; `None` on the live index.
    pub snapshot: Option<String>,
}

/// One matching document.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The document id.
    pub id: String,
    /// The relevance score.
    pub score: f32,
    /// The requested source fields.
    pub source: Map<String, Value>,
    /// The hit's sort values ending with a unique tie-break, when the backend ranked with
    /// one: what [`SearchRequest::after`] takes to continue after this hit.
    pub sort: Option<Vec<Value>>,
    /// For each highlighted field with a match: its matching values, HTML-escaped, with the
    /// matched words between the tags.
    pub highlight: Map<String, Value>,
}

/// The value counts of one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facet {
    /// The field.
    pub field: String,
    /// The most frequent values, most frequent first, ties by value.
    pub buckets: Vec<Bucket>,
}

/// One value and how many matching documents hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    /// The value.
    pub value: String,
    /// How many matching documents hold it.
    pub count: u64,
}
