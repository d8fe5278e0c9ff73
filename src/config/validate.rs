//! Checks that hold across sections: endpoints name declared indices and fitting fields,
//! paths are well formed and unique, parameters and limits make sense, and the backend's
//! nodes, credentials and certificates are usable.

use std::collections::HashMap;

use super::load::{Config, Reader};
use super::model::{
    AuthConfig, BackendConfig, DeleteByQueryEndpoint, ElasticsearchConfig, EndpointKind,
};
use super::problem::KeyPath;
use super::route::{self, Route};
use super::search_check::{check_search, check_template};
use super::secret::Secret;
use crate::mapping::FieldType;

/// The largest page size an operator may allow.
pub const MAX_PAGE_SIZE: u64 = 10_000;

/// The shortest cursor secret accepted.
const MIN_CURSOR_SECRET_CHARS: usize = 32;

/// The parameter a job-status path must hold.
const TASK_ID_PARAM: &str = "task_id";

/// Records every cross-section problem of `config`.
pub(super) fn check(config: &Config, reader: &mut Reader<'_>) {
    if let BackendConfig::Elasticsearch(cluster) = &config.backend {
        check_cluster(config, cluster, reader);
    }

    if let Some(secret) = &config.server.cursor_secret {
        let at = KeyPath::default().key("server").key("cursor_secret");
        match secret.expose() {
            Err(_) => reader.problem(&at, secret.problem().unwrap_or_default()),
            Ok(value) if value.chars().count() < MIN_CURSOR_SECRET_CHARS => reader.problem(
                &at,
                format!("the secret must be at least {MIN_CURSOR_SECRET_CHARS} characters long"),
            ),
            Ok(_) => {}
        }
    }

    let mut routes = Routes::default();

    for (position, endpoint) in config.endpoints.iter().enumerate() {
        let at = KeyPath::default().key("endpoints").index(position);
        let route = routes.add(&endpoint.path, &at, reader);

        match &endpoint.kind {
            EndpointKind::Ping(_) => {}
            EndpointKind::Search(search) => check_search(config, search, &at, reader),
            EndpointKind::Template(template) => check_template(config, template, &at, reader),
            EndpointKind::DeleteByQuery(delete) => check_delete(config, delete, &at, reader),
            EndpointKind::JobStatus(_) => {
                let has_task_id = route
                    .is_none_or(|route| route.params.iter().any(|param| param == TASK_ID_PARAM));
                if !has_task_id {
                    reader.problem(
                        &at.key("path"),
                        "a job-status path must hold `{task_id}`, as in `/tasks/{task_id}`",
                    );
                }
            }
        }
    }
}

/// The endpoint routes seen so far, to find two endpoints answering the same requests.
#[derive(Default)]
struct Routes {
    /// The path and key path of the endpoint that took each normalized route.
    taken: HashMap<String, (String, KeyPath)>,
}

impl Routes {
    /// Checks the path at `at` and takes its route; none when the path has a problem.
    fn add(&mut self, path: &str, at: &KeyPath, reader: &mut Reader<'_>) -> Option<Route> {
        let path_at = at.key("path");
        let route = match route::parse(path) {
            Ok(route) => route,
            Err(problem) => {
                reader.problem(&path_at, problem);
                return None;
            }
        };

        if let Some((earlier_path, earlier)) = self.taken.get(&route.normalized) {
            let message = if earlier_path == path {
                format!("{earlier} already uses `{path}`")
            } else {
                format!("`{path}` answers the same requests as `{earlier_path}` of {earlier}")
            };
            reader.problem(&path_at, message);
            return None;
        }
        self.taken.insert(route.normalized.clone(), (path.to_owned(), at.clone()));
        Some(route)
    }
}

/// Checks a parameter name clients send: `[A-Za-z_][A-Za-z0-9_]*`.
pub(super) fn check_param(param: &str, at: &KeyPath, reader: &mut Reader<'_>) {
    if param.is_empty() {
        reader.problem(at, "a parameter name must not be empty");
    } else if !route::is_param_name(param) {
        reader.problem(
            at,
            format!(
                "`{param}` is not a parameter name; use letters, digits and `_`, not starting \
                 with a digit"
            ),
        );
    }
}

fn check_delete(
    config: &Config,
    delete: &DeleteByQueryEndpoint,
    at: &KeyPath,
    reader: &mut Reader<'_>,
) {
    let term_at = at.key("term");
    check_param(&delete.term.param, &term_at.key("param"), reader);
    if delete.term.max_chars == 0 {
        reader.problem(&term_at.key("max_chars"), "must be 1 or more");
    }

    let Some(index) = known_index(config, &delete.index, &at.key("index"), reader) else {
        return;
    };
    let field_at = term_at.key("field");

    match index.mapping.field(&delete.term.field) {
        None => unknown_field(reader, &field_at, &delete.index, &delete.term.field),
        Some(field) if field.field_type == FieldType::Text => reader.problem(
            &field_at,
            format!(
                "`{}` is a text field, where a term matches single lowercase words only; \
                 use a keyword field such as `{}.keyword`",
                field.path, field.path
            ),
        ),
        Some(_) => {}
    }
}

pub(super) fn known_index<'c>(
    config: &'c Config,
    name: &str,
    at: &KeyPath,
    reader: &mut Reader<'_>,
) -> Option<&'c super::IndexSpec> {
    let index = config.index(name);
    if index.is_none() && !reader.is_unusable_index(name) {
        let declared: Vec<&str> = config.indices.iter().map(|index| index.name.as_str()).collect();
        let message = format!(
            "no index named `{name}` is declared (declared: {})",
            if declared.is_empty() { "none".to_owned() } else { declared.join(", ") }
        );
        reader.problem(at, message);
    }
    index
}

pub(super) fn unknown_field(reader: &mut Reader<'_>, at: &KeyPath, index: &str, path: &str) {
    reader.problem(at, format!("index `{index}` has no field `{path}` in its mapping"));
}

fn check_cluster(config: &Config, cluster: &ElasticsearchConfig, reader: &mut Reader<'_>) {
    let at = KeyPath::default().key("backend");
    if cluster.nodes.is_empty() {
        let example = "give at least one node, as in `[\"http://127.0.0.1:9200\"]`";
        reader.problem(&at.key("nodes"), example);
    }
    for (position, node) in cluster.nodes.iter().enumerate() {
        if let Err(problem) = check_node_url(node) {
            reader.problem(&at.key("nodes").index(position), problem);
        }
    }

    if cluster.timeout_ms == 0 {
        reader.problem(&at.key("timeout_ms"), "must be 1 or more");
    }
    if let Some(auth) = &cluster.auth {
        check_auth(auth, &at.key("auth"), reader);
    }

    if let Some(tls) = &cluster.tls {
        let path = tls.ca_path(&config.origin);
        let at = at.key("tls").key("ca_file");
        match std::fs::read(&path) {
            Err(error) => reader.problem(&at, format!("cannot read {}: {error}", path.display())),
            Ok(pem) => match reqwest::Certificate::from_pem_bundle(&pem) {
                Ok(certificates) if !certificates.is_empty() => {}
                _ => reader.problem(&at, format!("{} holds no PEM certificate", path.display())),
            },
        }
    }
}

/// Checks one node URL: `http` or `https`, a host, and nothing that would leak into logs or
/// change requests (credentials, a query, a fragment).
pub(crate) fn check_node_url(node: &str) -> Result<reqwest::Url, String> {
    let url =
        reqwest::Url::parse(node).map_err(|error| format!("`{node}` is not a URL: {error}"))?;

    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("`{node}` must start with `http://` or `https://`"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("`{node}` names no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("a node URL must not hold credentials; give them in `auth`".to_owned());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("`{node}` must not have a query or a fragment"));
    }
    Ok(url)
}

fn check_auth(auth: &AuthConfig, at: &KeyPath, reader: &mut Reader<'_>) {
    if auth.credentials().is_none() {
        reader.problem(
            at,
            "give either `api_key`, or `username` with `password`; secrets are written \
             `{ env = \"VARIABLE_NAME\" }`",
        );
    }

    let secrets = [("api_key", &auth.api_key), ("password", &auth.password)];
    for (key, secret) in secrets {
        if let Some(problem) = secret.as_ref().and_then(Secret::problem) {
            reader.problem(&at.key(key).key("env"), problem);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::load::{Origin, load_text};
    use super::*;

    const INDEX: &str = r#"
[indices.vet-visits]
mappings = '{"properties": {"pet_name": {"type": "keyword"}}}'

[[endpoints]]
kind = "ping"
path = "/ping"
"#;

    fn problems(backend: &str) -> Vec<String> {
        let text = format!("{backend}\n{INDEX}");
        match load_text(&text, Origin::File("moat.toml".into())) {
            Ok(_) => Vec::new(),
            Err(error) => error.problems(),
        }
    }

    #[test]
    fn reads_a_cluster_with_its_defaults() {
        let backend = "[backend]\nkind = \"elasticsearch\"\nnodes = [\"http://127.0.0.1:9200\"]";
        let text = format!("{backend}\n{INDEX}");
        let config = load_text(&text, Origin::File("moat.toml".into())).unwrap();

        let BackendConfig::Elasticsearch(cluster) = &config.backend else {
            panic!("not a cluster")
        };
        assert_eq!(cluster.timeout_ms, ElasticsearchConfig::DEFAULT_TIMEOUT_MS);
        assert_eq!(cluster.node_retry_after_ms, ElasticsearchConfig::DEFAULT_NODE_RETRY_AFTER_MS);
        assert!(cluster.auth.is_none() && cluster.tls.is_none());
    }

    #[test]
    fn a_missing_variable_is_a_problem_at_its_place() {
        let found = problems(
            "[backend]\nkind = \"elasticsearch\"\nnodes = [\"http://127.0.0.1:9200\"]\n\
             auth = { api_key = { env = \"MOAT_TEST_SURELY_UNSET_VARIABLE\" } }",
        );

        assert_eq!(
            found,
            ["moat.toml:4:28: backend.auth.api_key.env: the environment variable \
              `MOAT_TEST_SURELY_UNSET_VARIABLE` is not set"]
        );
    }

    #[test]
    fn names_bad_nodes_and_incomplete_credentials() {
        let found = problems(
            "[backend]\nkind = \"elasticsearch\"\n\
             nodes = [\"ftp://a\", \"http://user:pw@127.0.0.1:9200\", \"http://127.0.0.1:9200\"]\n\
             auth = { username = \"moat\" }\ntimeout_ms = 0",
        );

        assert_eq!(found.len(), 4, "{found:#?}");
        assert!(found[0].contains("backend.nodes[0]: `ftp://a` must start with"), "{}", found[0]);
        assert!(found[1].contains("backend.nodes[1]: a node URL must not hold credentials"));
        assert!(!found[1].contains("pw"), "{}", found[1]);
        assert!(found[2].contains("backend.auth: give either `api_key`"));
        assert!(found[3].contains("backend.timeout_ms: must be 1 or more"));
    }

    #[test]
    fn a_secret_written_in_place_is_refused_without_echoing_it() {
        let found = problems(
            "[backend]\nkind = \"elasticsearch\"\nnodes = [\"http://127.0.0.1:9200\"]\n\
             auth = { api_key = \"hunter2-key\" }",
        );

        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].contains("a secret is written `{ env ="), "{}", found[0]);
        assert!(!found[0].contains("hunter2"), "{}", found[0]);
    }

    #[test]
    fn an_unreadable_ca_file_is_a_problem() {
        let found = problems(
            "[backend]\nkind = \"elasticsearch\"\nnodes = [\"https://127.0.0.1:9200\"]\n\
             tls = { ca_file = \"no-such-ca.pem\" }",
        );

        assert_eq!(found.len(), 1, "{found:#?}");
        let expected = "backend.tls.ca_file: cannot read no-such-ca.pem";
        assert!(found[0].contains(expected), "{}", found[0]);
    }

    #[test]
    fn reads_basic_credentials_from_the_environment() {
        let found = problems(
            "[backend]\nkind = \"elasticsearch\"\nnodes = [\"http://127.0.0.1:9200\"]\n\
             auth = { username = \"moat\", password = { env = \"PATH\" } }",
        );
        assert!(found.is_empty(), "{found:#?}");
    }
}
