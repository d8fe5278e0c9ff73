//! The shapes of the config file, as serde reads them.

use std::net::SocketAddr;
use std::path::PathBuf;

use serde::Deserialize;

/// `[server]`: where and how moat listens.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// The address to listen on.
    pub addr: SocketAddr,
    /// Where the embedded indices and the job records live, relative to the working directory.
    pub data_dir: PathBuf,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
}

impl ServerConfig {
    /// The default listen address.
    pub const DEFAULT_ADDR: &'static str = "127.0.0.1:8000";
    /// The default body limit: 1 MiB.
    pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            addr: ServerConfig::DEFAULT_ADDR.parse().expect("the default address is valid"),
            data_dir: PathBuf::from("moat-data"),
            max_body_bytes: ServerConfig::DEFAULT_MAX_BODY_BYTES,
        }
    }
}

/// `[backend]`: which engine holds the indices.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum BackendConfig {
    /// Tantivy indices in the data directory.
    Embedded {},
}

/// `[indices.NAME]`: one index and its mapping.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexConfig {
    /// The mapping as Elasticsearch mapping JSON, inline.
    pub mappings: Option<String>,
    /// The mapping as a JSON file, relative to the config file.
    pub mappings_file: Option<PathBuf>,
    /// NDJSON documents loaded when the embedded index is created.
    pub seed_file: Option<PathBuf>,
}

/// One `[[endpoints]]` entry: a client-facing route.
#[derive(Debug, Clone)]
pub struct EndpointConfig {
    /// The route, such as `/search`.
    pub path: String,
    /// What the endpoint does.
    pub kind: EndpointKind,
}

/// The kinds of endpoint, chosen by `kind = "…"`.
#[derive(Debug, Clone)]
pub enum EndpointKind {
    /// `GET`: the engine's health.
    Ping(PingEndpoint),
    /// `POST`: a full-text search.
    Search(SearchEndpoint),
    /// `POST`: deletes matching documents in a background job.
    DeleteByQuery(DeleteByQueryEndpoint),
    /// `GET`: the state of a job; the path holds `{task_id}`.
    JobStatus(JobStatusEndpoint),
}

impl EndpointKind {
    /// Every kind's config name.
    pub const NAMES: &'static str = "ping, search, delete-by-query, job-status";

    /// The config name of the kind.
    pub fn name(&self) -> &'static str {
        match self {
            EndpointKind::Ping(_) => "ping",
            EndpointKind::Search(_) => "search",
            EndpointKind::DeleteByQuery(_) => "delete-by-query",
            EndpointKind::JobStatus(_) => "job-status",
        }
    }
}

/// A ping endpoint.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PingEndpoint {
    /// A sentence for the API docs.
    #[serde(default)]
    pub description: Option<String>,
}

/// A search endpoint: a phrase in one text field, a page size, the fields to return.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchEndpoint {
    /// The index searched.
    pub index: String,
    /// The client's search text and where it is searched.
    pub text: TextParam,
    /// Page size limits.
    #[serde(default)]
    pub size: SizeLimits,
    /// The source fields each hit returns, in this order.
    pub source: Vec<String>,
    /// A sentence for the API docs.
    #[serde(default)]
    pub description: Option<String>,
}

/// The search text parameter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextParam {
    /// The parameter name clients send.
    #[serde(default = "default_term_param")]
    pub param: String,
    /// The text field searched with `match_phrase`.
    pub field: String,
    /// The longest text accepted, in characters.
    #[serde(default = "default_max_chars")]
    pub max_chars: usize,
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

/// A delete-by-query endpoint: deletes documents whose field equals the client's value.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeleteByQueryEndpoint {
    /// The index the documents are deleted from.
    pub index: String,
    /// The exact-value parameter.
    pub term: TermParam,
    /// A sentence for the API docs.
    #[serde(default)]
    pub description: Option<String>,
}

/// An exact-value parameter matched with a `term` query.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermParam {
    /// The parameter name clients send.
    #[serde(default = "default_term_param")]
    pub param: String,
    /// The keyword (or numeric, boolean, date) field matched.
    pub field: String,
    /// The longest value accepted, in characters.
    #[serde(default = "default_max_chars")]
    pub max_chars: usize,
}

/// A job-status endpoint.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobStatusEndpoint {
    /// A sentence for the API docs.
    #[serde(default)]
    pub description: Option<String>,
}

fn default_term_param() -> String {
    "term".to_owned()
}

fn default_max_chars() -> usize {
    1000
}
