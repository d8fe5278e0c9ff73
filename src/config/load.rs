//! Reads a config file into a checked [`Config`], collecting every problem on the way.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;
use toml::{Table, Value};

use super::access::AccessConfig;
use super::access_check;
use super::bundled;
use super::index_name;
use super::locate::Layout;
use super::model::{BackendConfig, EndpointConfig, IndexConfig, ServerConfig};
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
    /// `[access]` and `[[keys]]`.
    pub access: AccessConfig,
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
            reader.push(place, None, syntax_message(&error, text));
            return Err(ConfigError::Invalid(reader.problems));
        }
    };

    let config = reader.read(table);
    if let Some(config) = &config {
        validate::check(config, &mut reader);
        access_check::check(config, &mut reader);
    }
    match config {
        Some(config) if reader.problems.is_empty() => Ok(config),
        _ => {
            let mut problems = reader.problems;
            problems.sort_by_key(|problem| problem.line_column);
            Err(ConfigError::Invalid(problems))
        }
    }
}

/// The message of a TOML syntax error, naming the key when the error is a duplicate key
/// (the parser's message does not, but its span covers the key).
fn syntax_message(error: &toml::de::Error, text: &str) -> String {
    let message = error.message().trim();
    let key = error.span().and_then(|span| text.get(span)).map(str::trim);
    match key {
        Some(key) if message == "duplicate key" && !key.is_empty() && !key.contains('\n') => {
            format!("duplicate key `{key}`")
        }
        _ => message.to_owned(),
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

    /// Records a problem at `path`; the empty path stands for the whole file.
    pub(super) fn problem(&mut self, path: &KeyPath, message: impl Into<String>) {
        let place = self.layout.find(path);
        let at = (!path.0.is_empty()).then(|| path.to_string());
        self.push(place, at, message.into());
    }

    fn push(&mut self, place: Option<(usize, usize)>, at: Option<String>, message: String) {
        let file = self.file.clone();
        self.problems.push(Problem { file, line_column: place, at, message });
    }

    fn read(&mut self, mut table: Table) -> Option<Config> {
        let root = KeyPath::default();
        let server = match table.remove("server") {
            Some(value) => self.server(value, &root.key("server")),
            None => Some(ServerConfig::default()),
        };
        let backend = match table.remove("backend") {
            Some(value) => self.typed(value, &root.key("backend")),
            None => {
                let example = "for a local index write `[backend]` with `kind = \"embedded\"`";
                self.problem(&root, format!("missing `[backend]`; {example}"));
                None
            }
        };
        let indices = self.indices(table.remove("indices"), &root.key("indices"));
        let endpoints = self.endpoints(table.remove("endpoints"), &root.key("endpoints"));
        let access = self.access(table.remove("access"), table.remove("keys"), &endpoints);

        for key in table.keys() {
            self.problem(
                &root.key(key),
                format!(
                    "unknown section `{key}`; expected server, backend, indices, endpoints, \
                     access or keys"
                ),
            );
        }

        Some(Config {
            origin: self.origin.clone(),
            server: server?,
            backend: backend?,
            indices,
            endpoints,
            access,
        })
    }

    /// `[server]`, with a `data_dir` the file gives read from the file's folder.
    fn server(&mut self, value: Value, at: &KeyPath) -> Option<ServerConfig> {
        let gives_data_dir = value.get("data_dir").is_some();
        let mut server: ServerConfig = self.typed(value, at)?;

        if gives_data_dir && server.data_dir.as_os_str().is_empty() {
            self.problem(&at.key("data_dir"), "must not be empty; write \".\" for this folder");
        }
        for key in server.zero_limits() {
            self.problem(&at.key(key), "must be 1 or more");
        }
        if let Origin::File(config) = &self.origin
            && gives_data_dir
            && server.data_dir.is_relative()
        {
            let base = config.parent().unwrap_or_else(|| Path::new(""));
            server.data_dir = base.join(&server.data_dir);
        }
        Some(server)
    }

    pub(super) fn typed<T: DeserializeOwned>(&mut self, value: Value, path: &KeyPath) -> Option<T> {
        match value.clone().try_into::<T>() {
            Ok(typed) => Some(typed),
            Err(error) => {
                let message = error.message().trim().to_owned();
                let at = error_place(&error, &value, path, &message);
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
            let name_problem = index_name::problem(&name);
            if let Some(problem) = &name_problem {
                self.problem(&at, problem.clone());
            }

            let spec = self
                .typed::<IndexConfig>(value, &at)
                .and_then(|index| self.index_spec(name.clone(), index, &at));
            match spec {
                Some(spec) if name_problem.is_none() => indices.push(spec),
                _ => self.unusable_indices.push(name),
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

    /// A reader for another file the config names, such as a keys file; its problems carry
    /// that file's name and places. [`Reader::adopt`] takes them back.
    pub(super) fn nested<'b>(&self, file: String, text: &'b str) -> Reader<'b> {
        Reader {
            file,
            origin: self.origin.clone(),
            layout: Layout::new(text),
            problems: Vec::new(),
            unusable_indices: Vec::new(),
        }
    }

    /// Takes the problems a [`Reader::nested`] reader found.
    pub(super) fn adopt(&mut self, nested: Reader<'_>) {
        self.problems.extend(nested.problems);
    }

    /// The name of a file the config names, as problems show it.
    pub(super) fn relative_name(&self, file: &Path) -> String {
        match &self.origin {
            Origin::File(config) => {
                config.parent().unwrap_or_else(|| Path::new("")).join(file).display().to_string()
            }
            Origin::Bundled => file.display().to_string(),
        }
    }

    pub(super) fn read_relative(&mut self, file: &Path, at: &KeyPath) -> Option<String> {
        let found = match &self.origin {
            Origin::Bundled => bundled::file(file)
                .map(str::to_owned)
                .ok_or_else(|| format!("the bundled config has no file {}", file.display())),
            Origin::File(config) => {
                let base = config.parent().unwrap_or_else(|| Path::new("."));
                let full = base.join(file);
                std::fs::read_to_string(&full)
                    .map_err(|error| format!("cannot read {}: {error}", full.display()))
            }
        };
        found.map_err(|message| self.problem(at, message)).ok()
    }
}

fn error_place(error: &toml::de::Error, value: &Value, path: &KeyPath, message: &str) -> KeyPath {
    let shown = error.to_string();
    let keys = shown
        .lines()
        .rev()
        .find_map(|line| line.strip_prefix("in `")?.strip_suffix('`'))
        .map(|keys| keys.split('.').collect::<Vec<_>>())
        .unwrap_or_default();

    let mut at = path.clone();
    let mut current = value;
    for key in keys {
        let Some(next) = current.as_table().and_then(|table| table.get(key)) else {
            return at;
        };
        at = at.key(key);
        if next.is_array() {
            return at;
        }
        current = next;
    }
    named_key(message).map_or(at.clone(), |key| at.key(key))
}

/// The key a serde message names, as in "unknown field `x`" or "missing field `x`".
fn named_key(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let end = start + message[start..].find('`')?;
    let is_about_key = ["unknown field", "missing field"].iter().any(|at| message.starts_with(at));
    is_about_key.then(|| &message[start..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    const REST: &str = r#"
[backend]
kind = "embedded"

[[endpoints]]
kind = "ping"
path = "/ping"
"#;

    fn data_dir(server: &str, origin: Origin) -> PathBuf {
        let text = format!("{server}\n{REST}");
        load_text(&text, origin).expect("the config is valid").server.data_dir
    }

    #[test]
    fn a_relative_data_dir_is_read_from_the_config_folder() {
        let file = || Origin::File(PathBuf::from("deploy/moat.toml"));
        let given = "[server]\ndata_dir = \"data\"";

        assert_eq!(data_dir(given, file()), Path::new("deploy/data"));
        assert_eq!(data_dir("[server]\ndata_dir = \"/srv/moat\"", file()), Path::new("/srv/moat"));
        assert_eq!(data_dir(given, Origin::File("moat.toml".into())), Path::new("data"));
        assert_eq!(data_dir(given, Origin::Bundled), Path::new("data"));
        assert_eq!(data_dir("", file()), Path::new("moat-data"));
        let other_keys = "[server]\naddr = \"127.0.0.1:9000\"";
        assert_eq!(data_dir(other_keys, file()), Path::new("moat-data"));
    }

    #[test]
    fn a_type_error_points_at_its_key() {
        let text = format!("[server]\nmax_body_bytes = \"big\"\n{REST}");
        let problems = load_text(&text, Origin::File("moat.toml".into())).unwrap_err().problems();

        assert_eq!(
            problems,
            ["moat.toml:2:18: server.max_body_bytes: invalid type: string \"big\", expected usize"]
        );
    }
}
