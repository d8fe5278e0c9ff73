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

mod bundled;
mod load;
mod locate;
mod model;
mod problem;
mod validate;

pub use bundled::BUNDLED_NAME;
pub use load::{Config, IndexSpec, Origin, load, load_bundled};
pub use model::{
    BackendConfig, DeleteByQueryEndpoint, IndexConfig, PingEndpoint, EndpointConfig, EndpointKind, JobStatusEndpoint,
    SearchEndpoint, ServerConfig, SizeLimits, TermParam, TextParam,
};
pub use problem::{ConfigError, Problem};
