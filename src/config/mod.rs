//! The config file: server settings, the backend, indices with their mappings, and endpoints.
//!
//! A config is TOML. [`load`] reads it and reports every problem it finds, each with the place
//! it was found, before anything runs:
//!
//! ```toml
//! [backend]
//! kind = "embedded"
//!
//! [indices.vet-visits]
//! mappings_file = "vet-visits.mappings.json"
//!
//! [[endpoints]]
//! kind = "search"
//! path = "/search"
//! index = "vet-visits"
//! text = { param = "term", field = "visit_details" }
//! source = ["owner_name", "visit_details"]
//! ```
//!
//! The same indices and endpoints run on an Elasticsearch or OpenSearch cluster by changing
//! only `[backend]`; its credentials are [`Secret`]s read from the environment:
//!
//! ```toml
//! [backend]
//! kind = "elasticsearch"
//! nodes = ["http://127.0.0.1:9200"]
//! auth = { api_key = { env = "MOAT_ES_API_KEY" } }
//! ```

mod access;
mod access_check;
mod bundled;
mod endpoints;
mod index_name;
mod keys;
mod load;
mod locate;
mod model;
mod problem;
mod route;
mod search;
mod search_check;
mod secret;
mod server_limits;
mod template;
mod validate;

pub use access::{
    AccessConfig, CorsConfig, EndpointAccess, HASH_PREFIX, KeyConfig, KeyOrigin, Rate, RateLimits,
    hash_hex, parse_hash,
};
pub use bundled::BUNDLED_NAME;
pub use index_name::MAX_INDEX_NAME_BYTES;
pub use load::{Config, IndexSpec, Origin, load, load_bundled, load_text};
pub use model::{
    AuthConfig, BackendConfig, Credentials, DeleteByQueryEndpoint, ElasticsearchConfig,
    EndpointConfig, EndpointKind, IndexConfig, JobStatusEndpoint, PingEndpoint, ServerConfig,
    TermParam, TlsConfig,
};
pub use problem::{ConfigError, Problem};
pub use route::{DOCS_PATH, OPENAPI_PATH};
pub use search::{
    FacetConfig, FilterKind, FilterParam, FixedFilter, HighlightConfig, Method, Paging,
    SearchEndpoint, SizeLimits, Sorts, TextMode, TextParam,
};
pub use search_check::{HIGHLIGHT_KEY, split_boost};
pub use secret::{Secret, Unresolved};
pub use template::{ParamType, TemplateEndpoint, TemplateParam};
pub(crate) use validate::check_node_url;
