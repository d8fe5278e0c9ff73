//! Reading `[access]`, `[[keys]]`, a keys file, and the access keys of each endpoint.
//!
//! A keys file holds `[[keys]]` entries of the same shape as the config's, so operators
//! rotate keys without touching the main config; its problems name the keys file.

use std::collections::HashSet;
use std::path::Path;

use toml::{Table, Value};

use super::access::{
    AccessConfig, AccessSection, EndpointAccess, KeyConfig, KeyEntry, KeyOrigin, parse_hash,
};
use super::load::Reader;
use super::model::{EndpointConfig, EndpointKind};
use super::problem::KeyPath;

/// What the keys read so far have taken: ids and hashes must each be unique.
#[derive(Default)]
struct Taken {
    ids: HashSet<String>,
    hashes: HashSet<[u8; 32]>,
}

impl Reader<'_> {
    /// Reads `[access]` and the config's `[[keys]]`, then the keys file it names.
    pub(super) fn access(
        &mut self,
        section: Option<Value>,
        keys: Option<Value>,
        endpoints: &[EndpointConfig],
    ) -> AccessConfig {
        let root = KeyPath::default();
        let mut taken = Taken::default();
        let section: AccessSection = match section {
            Some(value) => self.typed(value, &root.key("access")).unwrap_or_default(),
            None => AccessSection::default(),
        };

        let mut config = AccessConfig {
            keys_on: keys.is_some() || section.keys_file.is_some(),
            keys: self.key_entries(keys, KeyOrigin::Config, endpoints, &mut taken),
            tenant_secret: section.tenant_secret,
            trusted_proxies: Vec::new(),
            rate_limit: section.rate_limit,
        };

        let proxies_at = root.key("access").key("trusted_proxies");
        for (position, text) in section.trusted_proxies.iter().enumerate() {
            match parse_cidr(text) {
                Ok(net) => config.trusted_proxies.push(net),
                Err(problem) => self.problem(&proxies_at.index(position), problem),
            }
        }

        if let Some(file) = &section.keys_file {
            let at = root.key("access").key("keys_file");
            if let Some(text) = self.read_relative(file, &at) {
                let read = self.keys_file(file, &text, &at, endpoints, &mut taken);
                config.keys.extend(read);
            }
        }
        config
    }

    /// Reads the `[[keys]]` of a keys file, reporting its problems with its own places.
    fn keys_file(
        &mut self,
        file: &Path,
        text: &str,
        at: &KeyPath,
        endpoints: &[EndpointConfig],
        taken: &mut Taken,
    ) -> Vec<KeyConfig> {
        let mut nested = self.nested(self.relative_name(file), text);
        let table: Table = match toml::from_str(text) {
            Ok(table) => table,
            Err(error) => {
                let message = format!("{} is not valid TOML: {}", file.display(), error.message());
                self.problem(at, message);
                return Vec::new();
            }
        };

        let mut keys = None;
        for (name, value) in table {
            if name == "keys" {
                keys = Some(value);
            } else {
                let message = format!("unknown section `{name}`; a keys file holds `[[keys]]`");
                nested.problem(&KeyPath::default().key(&name), message);
            }
        }
        let read = nested.key_entries(keys, KeyOrigin::KeysFile, endpoints, taken);
        self.adopt(nested);
        read
    }

    /// Reads `[[keys]]` entries, checking each hash and scope.
    fn key_entries(
        &mut self,
        value: Option<Value>,
        origin: fn(usize) -> KeyOrigin,
        endpoints: &[EndpointConfig],
        taken: &mut Taken,
    ) -> Vec<KeyConfig> {
        let at = KeyPath::default().key("keys");
        let Some(value) = value else { return Vec::new() };
        let Value::Array(entries) = value else {
            self.problem(&at, "`keys` must be an array of `[[keys]]` tables");
            return Vec::new();
        };

        let mut keys = Vec::new();
        for (position, entry) in entries.into_iter().enumerate() {
            let entry_at = at.index(position);
            let Some(entry) = self.typed::<KeyEntry>(entry, &entry_at) else { continue };

            if entry.id.trim().is_empty() {
                self.problem(&entry_at.key("id"), "a key needs a non-empty `id`");
            } else if !taken.ids.insert(entry.id.clone()) {
                let message = format!("another key already has the id `{}`", entry.id);
                self.problem(&entry_at.key("id"), message);
            }
            self.check_scope(&entry, &entry_at, endpoints);

            match parse_hash(&entry.hash) {
                Ok(hash) if !taken.hashes.insert(hash) => self.problem(
                    &entry_at.key("hash"),
                    "another key has the same hash; generate a new key with `moat key`",
                ),
                Ok(hash) => keys.push(KeyConfig {
                    id: entry.id,
                    hash,
                    endpoints: entry.endpoints,
                    public: entry.public,
                    origin: origin(position),
                }),
                Err(problem) => self.problem(&entry_at.key("hash"), problem),
            }
        }
        keys
    }

    /// Checks that a key's scope names declared endpoints a key may call.
    fn check_scope(&mut self, entry: &KeyEntry, at: &KeyPath, endpoints: &[EndpointConfig]) {
        if entry.endpoints.is_empty() {
            let message = "list the endpoint paths this key may call, as `[\"/search\"]`";
            self.problem(&at.key("endpoints"), message);
        }

        for (position, path) in entry.endpoints.iter().enumerate() {
            let path_at = at.key("endpoints").index(position);
            let Some(endpoint) = endpoints.iter().find(|endpoint| &endpoint.path == path) else {
                let declared: Vec<&str> =
                    endpoints.iter().map(|endpoint| endpoint.path.as_str()).collect();
                let message = format!(
                    "no endpoint has the path `{path}` (declared: {})",
                    declared.join(", ")
                );
                self.problem(&path_at, message);
                continue;
            };

            let searches =
                matches!(endpoint.kind, EndpointKind::Search(_) | EndpointKind::Template(_));
            if entry.public && !searches {
                let message = format!(
                    "a public key ships in browsers and may call search endpoints only; \
                     `{path}` is a {} endpoint",
                    endpoint.kind.name()
                );
                self.problem(&path_at, message);
            }
            if !endpoint.access.tenant_filters.is_empty() {
                let message = format!(
                    "`{path}` declares `tenant_filters` and takes tenant tokens only; \
                     no key can call it"
                );
                self.problem(&path_at, message);
            }
        }
    }

    /// Takes the access keys out of one `[[endpoints]]` entry.
    pub(super) fn endpoint_access(&mut self, table: &mut Table, at: &KeyPath) -> EndpointAccess {
        let mut access = Table::new();
        for key in EndpointAccess::KEYS {
            if let Some(value) = table.remove(key) {
                access.insert(key.to_owned(), value);
            }
        }
        if access.is_empty() {
            return EndpointAccess::default();
        }
        self.typed(Value::Table(access), at).unwrap_or_default()
    }
}

/// Reads a CIDR such as `10.0.0.0/8`, or a single address.
fn parse_cidr(text: &str) -> Result<ipnet::IpNet, String> {
    if let Ok(net) = text.parse::<ipnet::IpNet>() {
        return Ok(net.trunc());
    }
    match text.parse::<std::net::IpAddr>() {
        Ok(address) => Ok(ipnet::IpNet::from(address)),
        Err(_) => Err(format!(
            "`{text}` is not a CIDR; write an address with its prefix length, as \
             `10.0.0.0/8` or `fd00::/8`"
        )),
    }
}
