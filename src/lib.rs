//! moat: a search API gateway.
//!
//! moat stands between client applications and a search engine. Operators declare endpoints
//! in one config file; moat serves them as a small, typed, documented HTTP API and keeps the
//! engine, its index names and its query language out of clients' reach.
//!
//! The crate is organised by area: [`config`] reads and checks the config file, [`mapping`]
//! understands Elasticsearch mappings, [`query`] is the query plan endpoints build,
//! [`backend`] runs plans on the embedded index, [`api`] is the HTTP layer, [`jobs`] runs
//! background work, [`ingest`] bulk-loads NDJSON, [`openapi`] documents the API and
//! [`server`] ties them together.

pub mod access;
pub mod api;
pub mod backend;
pub mod config;
pub mod ingest;
pub mod jobs;
pub mod mapping;
pub mod openapi;
pub mod ops;
pub mod query;
pub mod server;
