//! The shape of a `template` endpoint: a query written in Elasticsearch's query DSL with typed
//! placeholders, for searches the declarative `search` kind does not cover.
//!
//! ```toml
//! [[endpoints]]
//! kind = "template"
//! path = "/visits/by-owner"
//! index = "vet-visits"
//! source = ["owner_name", "pet_name"]
//! query = '''
//! {"bool": {
//!   "must": [{"match": {"owner_name": {"query": "{{owner}}", "operator": "and"}}}],
//!   "filter": [{"terms": {"species": "{{species}}"}}]
//! }}
//! '''
//! params.owner = { type = "string", required = true }
//! params.species = { type = "string-list", max_values = 5 }
//! ```
//!
//! A placeholder is a JSON string that is exactly `"{{name}}"`: the client's checked value
//! replaces the whole string as a JSON value, never spliced into text. When an optional
//! parameter is absent, the smallest part of the query holding its placeholder is dropped
//! (an object left empty goes with it, up to the enclosing clause).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::search::{Method, SizeLimits};

/// A template endpoint.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateEndpoint {
    /// The index searched.
    pub index: String,
    /// The query, as Elasticsearch query DSL JSON with placeholders.
    pub query: String,
    /// The parameters, by name.
    #[serde(default)]
    pub params: BTreeMap<String, TemplateParam>,
    /// Page size limits.
    #[serde(default)]
    pub size: SizeLimits,
    /// How deep `page` may reach: `page × size` at most this.
    #[serde(default = "default_max_depth")]
    pub max_depth: u64,
    /// The source fields each hit returns, in this order.
    pub source: Vec<String>,
    /// New names for returned fields.
    #[serde(default)]
    pub rename: BTreeMap<String, String>,
    /// Return each hit's document id under this name.
    #[serde(default)]
    pub id: Option<String>,
    /// Count matches exactly up to this many.
    #[serde(default)]
    pub total_cap: Option<u64>,
    /// The HTTP methods served.
    #[serde(default = "both_methods")]
    pub methods: Vec<Method>,
    /// A sentence for the API docs.
    #[serde(default)]
    pub description: Option<String>,
}

/// One placeholder's parameter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateParam {
    /// The JSON type of its value.
    #[serde(rename = "type")]
    pub param_type: ParamType,
    /// Whether the client must send it.
    #[serde(default)]
    pub required: bool,
    /// The longest string accepted, in characters.
    #[serde(default = "default_chars")]
    pub max_chars: usize,
    /// The most values a list takes.
    #[serde(default = "default_max_values")]
    pub max_values: usize,
    /// The smallest number accepted.
    #[serde(default)]
    pub min: Option<f64>,
    /// The largest number accepted.
    #[serde(default)]
    pub max: Option<f64>,
    /// A sentence for the API docs.
    #[serde(default)]
    pub description: Option<String>,
}

/// The type of a template parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ParamType {
    /// A non-empty string.
    String,
    /// A whole number.
    Integer,
    /// Any number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// An ISO 8601 date or date-time.
    Date,
    /// A list of non-empty strings.
    StringList,
}

impl ParamType {
    /// The config name.
    pub fn name(self) -> &'static str {
        match self {
            ParamType::String => "string",
            ParamType::Integer => "integer",
            ParamType::Number => "number",
            ParamType::Boolean => "boolean",
            ParamType::Date => "date",
            ParamType::StringList => "string-list",
        }
    }
}

fn both_methods() -> Vec<Method> {
    vec![Method::Get, Method::Post]
}

fn default_max_depth() -> u64 {
    1000
}

fn default_chars() -> usize {
    256
}

fn default_max_values() -> usize {
    10
}
