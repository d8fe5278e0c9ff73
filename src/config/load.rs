//! Reads a config file into a checked [`Config`], collecting every problem on the way.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;
use toml::{Table, Value};

use super::bundled;
use super::locate::Layout;
use super::model::{
    BackendConfig, DeleteByQueryEndpoint, EndpointConfig, EndpointKind, IndexConfig,
    JobStatusEndpoint, PingEndpoint, SearchEndpoint, ServerConfig,
};
use super::problem::{ConfigError, KeyPath, Problem};
use super::validate;
use crate::mapping::Mapping;

/// Where a config came from: relative paths inside it are read from there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A file on disk.
    File(PathBuf),
    /// The example built into moat.
    Bundled,
}

/// A checked config, ready to run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where it came from.
    pub origin: Origin,
    /// `[server]`.
    pub server: ServerConfig,
    /// `[backend]`.
    pub backend: BackendConfig,
    /// `[indices.*]`, in file order.
    pub indices: Vec<IndexSpec>,
    /// `[[endpoints]]`, in file order.
    pub endpoints: Vec<EndpointConfig>,
}

/// A declared index with its parsed mapping.
#[derive(Debug, Clone)]
pub struct IndexSpec {
    /// The index name, as the engine knows it.
    pub name: String,
    /// Its mapping.
    pub mapping: Arc<Mapping>,
    /// The NDJSON text loaded into a newly created embedded index, if any.
    pub seed: Option<Arc<str>>,
}

impl Config {
    /// The declared index `name`.
    pub fn index(&self, name: &str) -> Option<&IndexSpec> {
        self.indices.iter().find(|index| index.name == name)
    }
}

/// Reads and checks the config file at `path`.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|error| ConfigError::Unreadable {
        file: path.display().to_string(),
        reason: error.to_string(),
    })?;
    load_text(&text, Origin::File(path.to_owned()))
}

/// The example config built into moat: the vet-visits API over an embedded index.
pub fn load_bundled() -> Config {
    load_text(bundled::CONFIG, Origin::Bundled).expect("the bundled config is valid")
}

/// Reads and checks config text from `origin`.
pub fn load_text(text: &str, origin: Origin) -> Result<Config, ConfigError> {
    let mut reader = Reader {
        file: match &origin {
            Origin::File(path) => path.display().to_string(),
            Origin::Bundled => bundled::BUNDLED_NAME.to_owned(),
        },
        origin,
        layout: Layout::new(text),
        problems: Vec::new(),
        unusable_indices: Vec::new(),
    };

    let table: Table = match toml::from_str(text) {
        Ok(table) => table,
        Err(error) => {
            let place = error.span().map(|span| reader.layout.line_column(span.start));
            reader.push(place, None, error.message().trim().to_owned());
            return Err(ConfigError::Invalid(reader.problems));
        }
    };

    let config = reader.read(table);
    if let Some(config) = &config {
        validate::check(config, &mut reader);
    }
    match config {
        Some(config) if reader.problems.is_empty() => Ok(config),
        _ => Err(ConfigError::Invalid(reader.problems)),
    }
}

/// Walks the parsed TOML, recording problems with their places.
pub(super) struct Reader<'a> {
    file: String,
    origin: Origin,
    layout: Layout<'a>,
    problems: Vec<Problem>,
    /// Indices declared with problems of their own, which other checks then leave alone.
    unusable_indices: Vec<String>,
}

impl Reader<'_> {
    /// Whether `name` was declared but had problems of its own.
    pub(super) fn is_unusable_index(&self, name: &str) -> bool {
        self.unusable_indices.iter().any(|unusable| unusable == name)
    }

    /// Records a problem at `path`.
    pub(super) fn problem(&mut self, path: &KeyPath, message: impl Into<String>) {
        let place = self.layout.find(path);
        self.push(place, Some(path.to_string()), message.into());
    }

    fn push(&mut self, place: Option<(usize, usize)>, at: Option<String>, message: String) {
        let file = self.file.clone();
        self.problems.push(Problem { file, line_column: place, at, message });
    }

    fn read(&mut self, mut table: Table) -> Option<Config> {
        let root = KeyPath::default();
        let server = match table.remove("server") {
            Some(value) => self.typed(value, &root.key("server")),
            None => Some(ServerConfig::default()),
        };
        let backend = match table.remove("backend") {
            Some(value) => self.typed(value, &root.key("backend")),
            None => {
                self.problem(&root, "missing `[backend]`; for a local index write \
                                     `[backend]` with `kind = \"embedded\"`");
                None
            }
        };
        let indices = self.indices(table.remove("indices"), &root.key("indices"));
        let endpoints = self.endpoints(table.remove("endpoints"), &root.key("endpoints"));

        for key in table.keys() {
            self.problem(
                &root.key(key),
                format!("unknown section `{key}`; expected server, backend, indices or endpoints"),
            );
        }

        Some(Config {
            origin: self.origin.clone(),
            server: server?,
            backend: backend?,
            indices,
            endpoints,
        })
    }

    fn typed<T: DeserializeOwned>(&mut self, value: Value, path: &KeyPath) -> Option<T> {
        match value.try_into::<T>() {
            Ok(typed) => Some(typed),
            Err(error) => {
                let message = error.message().trim().to_owned();
                let at = named_key(&message).map_or_else(|| path.clone(), |key| path.key(key));
                self.problem(&at, message);
                None
            }
        }
    }

    fn indices(&mut self, value: Option<Value>, path: &KeyPath) -> Vec<IndexSpec> {
        let Some(value) = value else { return Vec::new() };
        let Value::Table(table) = value else {
            self.problem(path, "`indices` must be a table of `[indices.NAME]` sections");
            return Vec::new();
        };

        let mut indices = Vec::new();
        for (name, value) in table {
            let at = path.key(&name);
            let spec = self
                .typed::<IndexConfig>(value, &at)
                .and_then(|index| self.index_spec(name.clone(), index, &at));
            match spec {
                Some(spec) => indices.push(spec),
                None => self.unusable_indices.push(name),
            }
        }
        indices
    }

    fn index_spec(&mut self, name: String, index: IndexConfig, at: &KeyPath) -> Option<IndexSpec> {
        let (json_text, json_at) = match (&index.mappings, &index.mappings_file) {
            (Some(inline), None) => (inline.clone(), at.key("mappings")),
            (None, Some(file)) => {
                let text = self.read_relative(file, &at.key("mappings_file"))?;
                (text, at.key("mappings_file"))
            }
            _ => {
                self.problem(at, "give exactly one of `mappings` (JSON text) or `mappings_file`");
                return None;
            }
        };

        let json: serde_json::Value = match serde_json::from_str(&json_text) {
            Ok(json) => json,
            Err(error) => {
                self.problem(&json_at, format!("the mapping is not valid JSON: {error}"));
                return None;
            }
        };
        let mapping = match Mapping::from_json(&json) {
            Ok(mapping) => mapping,
            Err(problems) => {
                for problem in problems {
                    self.problem(&json_at, format!("{}: {}", problem.at, problem.problem));
                }
                return None;
            }
        };

        let seed = match &index.seed_file {
            Some(file) => Some(Arc::from(self.read_relative(file, &at.key("seed_file"))?)),
            None => None,
        };
        Some(IndexSpec { name, mapping: Arc::new(mapping), seed })
    }

    fn read_relative(&mut self, file: &Path, at: &KeyPath) -> Option<String> {
        let found = match &self.origin {
            Origin::Bundled => bundled::file(file).map(str::to_owned).ok_or_else(|| {
                format!("the bundled config has no file {}", file.display())
            }),
            Origin::File(config) => {
                let base = config.parent().unwrap_or_else(|| Path::new("."));
                let full = base.join(file);
                std::fs::read_to_string(&full)
                    .map_err(|error| format!("cannot read {}: {error}", full.display()))
            }
        };
        found.map_err(|message| self.problem(at, message)).ok()
    }

    fn endpoints(&mut self, value: Option<Value>, path: &KeyPath) -> Vec<EndpointConfig> {
        let Some(value) = value else { return Vec::new() };
        let Value::Array(entries) = value else {
            self.problem(path, "`endpoints` must be an array of `[[endpoints]]` tables");
            return Vec::new();
        };

        let mut endpoints = Vec::new();
        for (position, entry) in entries.into_iter().enumerate() {
            let at = path.index(position);
            if let Some(endpoint) = self.endpoint(entry, &at) {
                endpoints.push(endpoint);
            }
        }
        endpoints
    }

    fn endpoint(&mut self, entry: Value, at: &KeyPath) -> Option<EndpointConfig> {
        let Value::Table(mut table) = entry else {
            self.problem(at, "an endpoint must be a table");
            return None;
        };

        let path = self.required_string(&mut table, "path", at);
        let kind = self.required_string(&mut table, "kind", at);
        let (path, kind) = (path?, kind?);

        let rest = Value::Table(table);
        let kind = match kind.as_str() {
            "ping" => EndpointKind::Ping(self.typed::<PingEndpoint>(rest, at)?),
            "search" => EndpointKind::Search(self.typed::<SearchEndpoint>(rest, at)?),
            "delete-by-query" => {
                EndpointKind::DeleteByQuery(self.typed::<DeleteByQueryEndpoint>(rest, at)?)
            }
            "job-status" => EndpointKind::JobStatus(self.typed::<JobStatusEndpoint>(rest, at)?),
            other => {
                let message =
                    format!("unknown endpoint kind `{other}`; expected one of {}", EndpointKind::NAMES);
                self.problem(&at.key("kind"), message);
                return None;
            }
        };
        Some(EndpointConfig { path, kind })
    }

    fn required_string(&mut self, table: &mut Table, key: &str, at: &KeyPath) -> Option<String> {
        match table.remove(key) {
            Some(Value::String(text)) => Some(text),
            Some(_) => {
                self.problem(&at.key(key), format!("`{key}` must be a string"));
                None
            }
            None => {
                self.problem(at, format!("an endpoint needs `{key}`"));
                None
            }
        }
    }
}

/// The key a serde message names, as in "unknown field `x`" or "missing field `x`".
fn named_key(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let end = start + message[start..].find('`')?;
    let is_about_key = message.starts_with("unknown field") || message.starts_with("missing field");
    is_about_key.then(|| &message[start..end])
}
