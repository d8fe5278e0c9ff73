//! The shape of a `search` endpoint: what the client may send and what comes back.
//!
//! ```toml
//! [[endpoints]]
//! kind = "search"
//! path = "/visits"
//! index = "vet-visits"
//! text = { param = "q", fields = ["visit_details^2", "owner_name"], mode = "all" }
//! filters = [{ param = "species", field = "species", kind = "list" }]
//! sorts = { default = "relevance", options = { relevance = ["_score"], name = ["pet_name"] } }
//! facets = [{ field = "species" }]
//! source = ["owner_name", "visit_details"]
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

/// A search endpoint.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchEndpoint {
    /// The index searched.
    pub index: String,
    /// The client's search text and where and how it is searched; without it the endpoint
    /// lists documents by its filters alone.
    #[serde(default)]
    pub text: Option<TextParam>,
    /// Page size limits.
    #[serde(default)]
    pub size: SizeLimits,
    /// Page numbers and cursors.
    #[serde(default)]
    pub paging: Paging,
    /// The source fields each hit returns, in this order.
    pub source: Vec<String>,
    /// New names for returned fields: `{ owner_name = "owner" }`.
    #[serde(default)]
    pub rename: BTreeMap<String, String>,
    /// Return each hit's document id under this name.
    #[serde(default)]
    pub id: Option<String>,
    /// Count matches exactly up to this many, then answer this many with `total_capped`.
    #[serde(default)]
    pub total_cap: Option<u64>,
    /// Filters the client may set.
    #[serde(default)]
    pub filters: Vec<FilterParam>,
    /// Filters always applied, which the client cannot remove.
    #[serde(default)]
    pub fixed_filters: Vec<FixedFilter>,
    /// Named sort orders the client picks from.
    #[serde(default)]
    pub sorts: Option<Sorts>,
    /// Value counts returned beside the hits.
    #[serde(default)]
    pub facets: Vec<FacetConfig>,
    /// Marks the matched words of text fields.
    #[serde(default)]
    pub highlight: Option<HighlightConfig>,
    /// The HTTP methods served: `GET` takes the parameters in the query string, `POST` in a
    /// JSON body.
    #[serde(default = "both_methods")]
    pub methods: Vec<Method>,
    /// A sentence for the API docs.
    #[serde(default)]
    pub description: Option<String>,
}

/// An HTTP method a search endpoint serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Method {
    /// Parameters in the query string.
    #[serde(rename = "GET")]
    Get,
    /// Parameters in a JSON body.
    #[serde(rename = "POST")]
    Post,
}

fn both_methods() -> Vec<Method> {
    vec![Method::Get, Method::Post]
}

/// The search text parameter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextParam {
    /// The parameter name clients send.
    #[serde(default = "default_text_param")]
    pub param: String,
    /// The one text field searched (the short form of `fields`).
    #[serde(default)]
    pub field: Option<String>,
    /// The text fields searched, each optionally with a boost: `"title^2"`. Scores of the
    /// fields add up.
    #[serde(default)]
    pub fields: Vec<String>,
    /// How the words match.
    #[serde(default)]
    pub mode: TextMode,
    /// Whether the client must send a text; without one every document matches.
    #[serde(default = "yes")]
    pub required: bool,
    /// The longest text accepted, in characters.
    #[serde(default = "default_max_chars")]
    pub max_chars: usize,
}

impl TextParam {
    /// The declared fields, each as written (`field` or the entries of `fields`).
    pub fn declared_fields(&self) -> Vec<&str> {
        self.field
            .iter()
            .map(String::as_str)
            .chain(self.fields.iter().map(String::as_str))
            .collect()
    }
}

/// How the words of the search text match.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextMode {
    /// The words next to each other, in order.
    #[default]
    Phrase,
    /// Every word, anywhere in the field.
    All,
    /// Any word; more matching words rank higher.
    Any,
    /// Search as you type: every word, the last one as a prefix.
    Prefix,
    /// Every word, each forgiving typos (one for words of 3 to 5 characters, two beyond).
    Typo,
}

impl TextMode {
    /// The config name.
    pub fn name(self) -> &'static str {
        match self {
            TextMode::Phrase => "phrase",
            TextMode::All => "all",
            TextMode::Any => "any",
            TextMode::Prefix => "prefix",
            TextMode::Typo => "typo",
        }
    }
}

/// Limits of the `size` parameter.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SizeLimits {
    /// The size when the client sends none.
    pub default: u64,
    /// The largest size a client may ask for.
    pub max: u64,
}

impl Default for SizeLimits {
    fn default() -> SizeLimits {
        SizeLimits { default: 10, max: 100 }
    }
}

/// Page numbers and cursors.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Paging {
    /// How deep `page` may reach: `page × size` at most this.
    pub max_depth: u64,
    /// Whether answers carry a `next_cursor` for deep paging.
    pub cursor: bool,
    /// How long the engine keeps a cursor's frozen view between pages, in seconds
    /// (Elasticsearch and OpenSearch).
    pub keep_alive_secs: u64,
}

impl Default for Paging {
    fn default() -> Paging {
        Paging { max_depth: 1000, cursor: false, keep_alive_secs: 60 }
    }
}

/// A filter the client may set.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilterParam {
    /// The parameter name; a range filter takes `NAME_from` and `NAME_to`.
    pub param: String,
    /// The field filtered.
    pub field: String,
    /// How the value matches.
    #[serde(default)]
    pub kind: FilterKind,
    /// The most values a `list` filter takes.
    #[serde(default = "default_max_values")]
    pub max_values: usize,
    /// The longest value accepted, in characters.
    #[serde(default = "default_filter_chars")]
    pub max_chars: usize,
}

/// How a filter matches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FilterKind {
    /// The field holds exactly the value.
    #[default]
    Exact,
    /// The field holds one of the values.
    List,
    /// A number or date field lies between `NAME_from` and `NAME_to`, both inclusive.
    Range,
    /// `true`: the field holds a value; `false`: it holds none.
    Exists,
}

impl FilterKind {
    /// The config name.
    pub fn name(self) -> &'static str {
        match self {
            FilterKind::Exact => "exact",
            FilterKind::List => "list",
            FilterKind::Range => "range",
            FilterKind::Exists => "exists",
        }
    }
}

/// A filter always applied.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixedFilter {
    /// The field filtered.
    pub field: String,
    /// The value the field must hold.
    #[serde(default)]
    pub value: Option<Value>,
    /// Values of which the field must hold one.
    #[serde(default)]
    pub values: Option<Vec<Value>>,
}

impl FixedFilter {
    /// The accepted values, whichever key gave them.
    pub fn accepted(&self) -> Vec<Value> {
        self.value.iter().cloned().chain(self.values.iter().flatten().cloned()).collect()
    }
}

/// Named sort orders.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sorts {
    /// The parameter name.
    #[serde(default = "default_sort_param")]
    pub param: String,
    /// The order used when the client names none.
    pub default: String,
    /// Each order by name: a list of keys, `_score` for relevance, a field path for
    /// ascending, `-` and a field path for descending.
    pub options: BTreeMap<String, Vec<String>>,
}

/// Value counts of one keyword field.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FacetConfig {
    /// The keyword field.
    pub field: String,
    /// How many of the most frequent values to return.
    #[serde(default = "default_facet_size")]
    pub size: usize,
}

/// Highlighting.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HighlightConfig {
    /// The text fields whose matched words are marked.
    pub fields: Vec<String>,
    /// Put before each match.
    #[serde(default = "default_pre_tag")]
    pub pre_tag: String,
    /// Put after each match.
    #[serde(default = "default_post_tag")]
    pub post_tag: String,
}

fn yes() -> bool {
    true
}

fn default_text_param() -> String {
    "term".to_owned()
}

fn default_sort_param() -> String {
    "sort".to_owned()
}

pub(super) fn default_max_chars() -> usize {
    1000
}

fn default_filter_chars() -> usize {
    256
}

fn default_max_values() -> usize {
    10
}

fn default_facet_size() -> usize {
    10
}

fn default_pre_tag() -> String {
    "<em>".to_owned()
}

fn default_post_tag() -> String {
    "</em>".to_owned()
}
