//! Reading `[[endpoints]]`: each entry's `path` and `kind`, then the settings of that kind.

use toml::{Table, Value};

use super::load::Reader;
use super::model::{
    DeleteByQueryEndpoint, EndpointConfig, EndpointKind, JobStatusEndpoint, PingEndpoint,
};
use super::problem::KeyPath;
use super::search::SearchEndpoint;
use super::template::TemplateEndpoint;

impl Reader<'_> {
    pub(super) fn endpoints(
        &mut self,
        value: Option<Value>,
        path: &KeyPath,
    ) -> Vec<EndpointConfig> {
        let none_declared = "no endpoint is declared; declare at least one `[[endpoints]]`";
        let Some(value) = value else {
            self.problem(&KeyPath::default(), none_declared);
            return Vec::new();
        };
        let Value::Array(entries) = value else {
            self.problem(path, "`endpoints` must be an array of `[[endpoints]]` tables");
            return Vec::new();
        };
        if entries.is_empty() {
            self.problem(path, none_declared);
        }

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

        let access = self.endpoint_access(&mut table, at);
        let rest = Value::Table(table);
        let kind = match kind.as_str() {
            "ping" => EndpointKind::Ping(self.typed::<PingEndpoint>(rest, at)?),
            "search" => EndpointKind::Search(Box::new(self.typed::<SearchEndpoint>(rest, at)?)),
            "template" => {
                EndpointKind::Template(Box::new(self.typed::<TemplateEndpoint>(rest, at)?))
            }
            "delete-by-query" => {
                EndpointKind::DeleteByQuery(self.typed::<DeleteByQueryEndpoint>(rest, at)?)
            }
            "job-status" => EndpointKind::JobStatus(self.typed::<JobStatusEndpoint>(rest, at)?),
            other => {
                let message = format!(
                    "unknown endpoint kind `{other}`; expected one of {}",
                    EndpointKind::NAMES
                );
                self.problem(&at.key("kind"), message);
                return None;
            }
        };
        Some(EndpointConfig { path, kind, access })
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
