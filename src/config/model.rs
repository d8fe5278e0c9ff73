//! The shapes of the config file, as serde reads them.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::de::Error as _;
use serde::{Deserialize, Deserializer};

use super::access::{CorsConfig, EndpointAccess};
use super::load::Origin;
use super::search::SearchEndpoint;
use super::secret::Secret;
use super::template::TemplateEndpoint;

/// `[server]`: where and how moat listens.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// The address to listen on: an IP address and a port (host names are not resolved).
    #[serde(deserialize_with = "socket_addr")]
    pub addr: SocketAddr,
    /// Where the embedded indices and the job records live. A relative `data_dir` given in a
    /// config file is read from the file's folder, like `mappings_file`; the default
    /// (`moat-data`), the bundled config's and `--data-dir`'s are read from the working
    /// directory.
    pub data_dir: PathBuf,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// The secret search cursors are sealed with, shared by every moat instance serving the
    /// same endpoints; without it each instance keeps a random key in its data directory.
    pub cursor_secret: Option<Secret>,
    /// `[server.cors]`: the browser origins allowed; none when absent.
    pub cors: Option<CorsConfig>,
    /// How many requests may wait on the engine at once; one more is answered 503 at once.
    pub max_in_flight: usize,
    /// How long a request to an endpoint that asks the engine may take, in milliseconds;
    /// a search is sent with the time left as its `timeout`, and answered 504 once it is over.
    pub deadline_ms: u64,
    /// How long a client may take to send a request head, and stay idle between two
    /// requests on one connection, in milliseconds.
    pub header_read_timeout_ms: u64,
    /// How many client connections are served at once; more wait to be accepted.
    pub max_connections: usize,
    /// Whether `/metrics` serves Prometheus metrics.
    pub metrics: bool,
}

impl ServerConfig {
    /// The default listen address.
    pub const DEFAULT_ADDR: &'static str = "127.0.0.1:8000";
    /// The default body limit: 1 MiB.
    pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;
    /// The default cap on requests waiting on the engine.
    pub const DEFAULT_MAX_IN_FLIGHT: usize = 64;
    /// The default request deadline: 10 seconds.
    pub const DEFAULT_DEADLINE_MS: u64 = 10_000;
    /// The default time to send a request head: 10 seconds.
    pub const DEFAULT_HEADER_READ_TIMEOUT_MS: u64 = 10_000;
    /// The default cap on client connections.
    pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            addr: ServerConfig::DEFAULT_ADDR.parse().expect("the default address is valid"),
            data_dir: PathBuf::from("moat-data"),
            max_body_bytes: ServerConfig::DEFAULT_MAX_BODY_BYTES,
            cursor_secret: None,
            cors: None,
            max_in_flight: ServerConfig::DEFAULT_MAX_IN_FLIGHT,
            deadline_ms: ServerConfig::DEFAULT_DEADLINE_MS,
            header_read_timeout_ms: ServerConfig::DEFAULT_HEADER_READ_TIMEOUT_MS,
            max_connections: ServerConfig::DEFAULT_MAX_CONNECTIONS,
            metrics: true,
        }
    }
}

/// `[backend]`: which engine holds the indices.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum BackendConfig {
    /// Tantivy indices in the data directory.
    Embedded {},
    /// An Elasticsearch or OpenSearch cluster over HTTP.
    Elasticsearch(ElasticsearchConfig),
}

/// `[backend]` with `kind = "elasticsearch"`: the cluster's nodes and how to reach them.
///
/// ```toml
/// [backend]
/// kind = "elasticsearch"
/// nodes = ["https://10.0.0.5:9200", "https://10.0.0.6:9200"]
/// auth = { username = "moat", password = { env = "MOAT_ES_PASSWORD" } }
/// tls = { ca_file = "certs/ca.pem" }
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElasticsearchConfig {
    /// The base URLs of the nodes requests are spread over, `http` or `https`.
    pub nodes: Vec<String>,
    /// The credentials sent with every request; none when the cluster needs none.
    #[serde(default)]
    pub auth: Option<AuthConfig>,
    /// Which certificates to trust for `https` nodes; the system's roots when absent.
    #[serde(default)]
    pub tls: Option<TlsConfig>,
    /// How long one request to the engine may take, in milliseconds.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// How long a node that could not be reached is left out, in milliseconds.
    #[serde(default = "default_node_retry_after_ms")]
    pub node_retry_after_ms: u64,
}

impl ElasticsearchConfig {
    /// The default request timeout: 10 seconds.
    pub const DEFAULT_TIMEOUT_MS: u64 = 10_000;
    /// The default time a failing node is set aside: 30 seconds.
    pub const DEFAULT_NODE_RETRY_AFTER_MS: u64 = 30_000;
}

/// `auth`: an API key, or a user name with its password. The check of the config makes sure
/// exactly one of the two is given.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    /// An Elasticsearch API key (the encoded form), sent as `Authorization: ApiKey …`.
    #[serde(default)]
    pub api_key: Option<Secret>,
    /// A user name for basic authentication.
    #[serde(default)]
    pub username: Option<String>,
    /// The password of `username`.
    #[serde(default)]
    pub password: Option<Secret>,
}

/// The credentials an [`AuthConfig`] stands for, once checked.
#[derive(Debug, Clone, Copy)]
pub enum Credentials<'a> {
    /// An API key.
    ApiKey(&'a Secret),
    /// Basic authentication.
    Basic {
        /// The user name.
        username: &'a str,
        /// The password.
        password: &'a Secret,
    },
}

impl AuthConfig {
    /// The credentials, when the section gives exactly one complete kind.
    pub fn credentials(&self) -> Option<Credentials<'_>> {
        match (&self.api_key, &self.username, &self.password) {
            (Some(key), None, None) => Some(Credentials::ApiKey(key)),
            (None, Some(username), Some(password)) => {
                Some(Credentials::Basic { username, password })
            }
            _ => None,
        }
    }
}

/// `tls`: the certificate authorities trusted for `https` nodes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// A PEM file of CA certificates, relative to the config file. Only these are trusted.
    pub ca_file: PathBuf,
}

impl TlsConfig {
    /// Where the CA file is, for a config read from `origin`.
    pub fn ca_path(&self, origin: &Origin) -> PathBuf {
        match origin {
            Origin::File(config) => {
                config.parent().unwrap_or_else(|| Path::new(".")).join(&self.ca_file)
            }
            Origin::Bundled => self.ca_file.clone(),
        }
    }
}

/// `[indices.NAME]`: one index and its mapping.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexConfig {
    /// The mapping as Elasticsearch mapping JSON, inline.
    pub mappings: Option<String>,
    /// The mapping as a JSON file, relative to the config file.
    pub mappings_file: Option<PathBuf>,
    /// NDJSON documents loaded when the index is created (by `moat serve`, on either backend).
    pub seed_file: Option<PathBuf>,
}

/// One `[[endpoints]]` entry: a client-facing route.
#[derive(Debug, Clone)]
pub struct EndpointConfig {
    /// The route, such as `/search`.
    pub path: String,
    /// What the endpoint does.
    pub kind: EndpointKind,
    /// Who may call it and how often.
    pub access: EndpointAccess,
}

/// The kinds of endpoint, chosen by `kind = "…"`.
#[derive(Debug, Clone)]
pub enum EndpointKind {
    /// `GET`: the engine's health.
    Ping(PingEndpoint),
    /// `GET` and `POST`: a declared search.
    Search(Box<SearchEndpoint>),
    /// `GET` and `POST`: a search from a query template.
    Template(Box<TemplateEndpoint>),
    /// `POST`: deletes matching documents in a background job.
    DeleteByQuery(DeleteByQueryEndpoint),
    /// `GET`: the state of a job; the path holds `{task_id}`.
    JobStatus(JobStatusEndpoint),
}

impl EndpointKind {
    /// Every kind's config name.
    pub const NAMES: &'static str = "ping, search, template, delete-by-query, job-status";

    /// The config name of the kind.
    pub fn name(&self) -> &'static str {
        match self {
            EndpointKind::Ping(_) => "ping",
            EndpointKind::Search(_) => "search",
            EndpointKind::Template(_) => "template",
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

/// Reads a listen address, saying what form it takes when it is not one.
fn socket_addr<'de, D: Deserializer<'de>>(deserializer: D) -> Result<SocketAddr, D::Error> {
    let text = String::deserialize(deserializer)?;
    text.parse().map_err(|_| {
        let example = ServerConfig::DEFAULT_ADDR;
        D::Error::custom(format!(
            "the address must be an IP address and port such as {example}, not `{text}` \
             (host names are not resolved)"
        ))
    })
}

fn default_term_param() -> String {
    "term".to_owned()
}

fn default_max_chars() -> usize {
    super::search::default_max_chars()
}

fn default_timeout_ms() -> u64 {
    ElasticsearchConfig::DEFAULT_TIMEOUT_MS
}

fn default_node_retry_after_ms() -> u64 {
    ElasticsearchConfig::DEFAULT_NODE_RETRY_AFTER_MS
}
