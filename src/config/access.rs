//! The shapes of access control in the config: API keys, tenant tokens, rate limits, CORS.
//!
//! Without `[access]` and `[[keys]]` every endpoint is open to anyone, as before. Declaring
//! keys (inline, or in a `keys_file`) makes every endpoint ask for one, except those marked
//! `open = true`:
//!
//! ```toml
//! [access]
//! keys_file = "keys.toml"
//! tenant_secret = { env = "MOAT_TENANT_SECRET" }
//! trusted_proxies = ["10.0.0.0/8"]
//! rate_limit = { per_address = { per_second = 10, burst = 20 } }
//!
//! [[keys]]
//! id = "web"
//! hash = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
//! endpoints = ["/search"]
//! public = true
//!
//! [[endpoints]]
//! kind = "ping"
//! path = "/ping"
//! open = true
//! ```

use std::path::PathBuf;

use ipnet::IpNet;
use serde::Deserialize;

use super::secret::Secret;

/// The prefix of a key hash written in the config.
pub const HASH_PREFIX: &str = "sha256:";

/// `[access]` and `[[keys]]`, once read.
#[derive(Debug, Clone, Default)]
pub struct AccessConfig {
    /// Whether keys are declared, inline or through a keys file: then endpoints need a key.
    /// A keys file listing no key still turns keys on, so emptying it locks the API.
    pub keys_on: bool,
    /// Every declared key, inline ones first, then the keys file's.
    pub keys: Vec<KeyConfig>,
    /// The HS256 secret tenant tokens are signed with.
    pub tenant_secret: Option<Secret>,
    /// Proxies whose `Forwarded` and `X-Forwarded-For` headers are believed.
    pub trusted_proxies: Vec<IpNet>,
    /// The rate limits of every endpoint that declares none of its own.
    pub rate_limit: RateLimits,
}

/// `[access]` as serde reads it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessSection {
    /// A TOML file of `[[keys]]`, relative to the config file.
    #[serde(default)]
    pub keys_file: Option<PathBuf>,
    /// The HS256 secret tenant tokens are signed with.
    #[serde(default)]
    pub tenant_secret: Option<Secret>,
    /// CIDRs of trusted proxies, such as `10.0.0.0/8`; checked after reading.
    #[serde(default)]
    pub trusted_proxies: Vec<String>,
    /// The default rate limits.
    #[serde(default)]
    pub rate_limit: RateLimits,
}

/// One `[[keys]]` entry: a client credential, stored as the hash of the key.
#[derive(Debug, Clone)]
pub struct KeyConfig {
    /// A name for logs and limits; never the key itself.
    pub id: String,
    /// The SHA-256 of the key.
    pub hash: [u8; 32],
    /// The endpoint paths the key may call: its scope.
    pub endpoints: Vec<String>,
    /// Whether the key is meant to ship in a browser: then it may call search endpoints only.
    pub public: bool,
    /// Where the entry was read, for the checks that span sections.
    pub origin: KeyOrigin,
}

/// Where a key was declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOrigin {
    /// `[[keys]]` at this position of the config file.
    Config(usize),
    /// `[[keys]]` at this position of the keys file.
    KeysFile(usize),
}

/// One `[[keys]]` entry as serde reads it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyEntry {
    /// The key's name.
    pub id: String,
    /// `sha256:` and 64 hex digits.
    pub hash: String,
    /// The scope.
    pub endpoints: Vec<String>,
    /// Browser-safe key.
    #[serde(default)]
    pub public: bool,
}

/// The access settings of one endpoint, written in its `[[endpoints]]` entry.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointAccess {
    /// Served without a key even when keys are declared (a health check, say).
    #[serde(default)]
    pub open: bool,
    /// The fields a tenant token may pin; an endpoint declaring any is reached with a tenant
    /// token only.
    #[serde(default)]
    pub tenant_filters: Vec<String>,
    /// This endpoint's own rate limits; each bucket not given is `[access].rate_limit`'s.
    #[serde(default)]
    pub rate_limit: Option<RateLimits>,
}

impl EndpointAccess {
    /// The keys of `[[endpoints]]` entries that belong to access control.
    pub const KEYS: [&'static str; 3] = ["open", "tenant_filters", "rate_limit"];
}

/// Token buckets for one endpoint: one per key (or tenant), one per client address.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimits {
    /// The bucket of each key or tenant.
    #[serde(default)]
    pub per_key: Option<Rate>,
    /// The bucket of each client address.
    #[serde(default)]
    pub per_address: Option<Rate>,
}

impl RateLimits {
    /// These limits, each bucket not given taken from `defaults`.
    pub fn or(self, defaults: RateLimits) -> RateLimits {
        RateLimits {
            per_key: self.per_key.or(defaults.per_key),
            per_address: self.per_address.or(defaults.per_address),
        }
    }
}

/// A token bucket: refilled at `per_second`, holding at most `burst` requests.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rate {
    /// Requests per second in the long run; may be below 1, as in `0.5`.
    pub per_second: f64,
    /// Requests accepted at once from a full bucket.
    pub burst: u32,
}

/// `[server.cors]`: the browser origins allowed to call the API.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorsConfig {
    /// Origins such as `https://app.example.com`, exactly as browsers send them.
    pub origins: Vec<String>,
    /// How long browsers may cache a preflight answer, in seconds.
    #[serde(default = "default_max_age")]
    pub max_age_seconds: u64,
}

fn default_max_age() -> u64 {
    600
}

/// The SHA-256 of `key`, as written after `sha256:` in the config: 64 lowercase hex digits.
pub fn hash_hex(key: &str) -> String {
    use sha2::Digest;

    let digest = sha2::Sha256::digest(key.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Reads `sha256:` and 64 hex digits, or says what is wrong.
pub fn parse_hash(text: &str) -> Result<[u8; 32], String> {
    let shape = "a key hash is `sha256:` and 64 hex digits, as `moat key` prints it";
    let Some(hex) = text.strip_prefix(HASH_PREFIX) else {
        return Err(format!("{shape}; this one does not start with `{HASH_PREFIX}`"));
    };
    if hex.len() != 64 || !hex.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return Err(format!("{shape}; this one has {} characters after it", hex.len()));
    }

    let mut hash = [0u8; 32];
    for (position, byte) in hash.iter_mut().enumerate() {
        let pair = &hex[position * 2..position * 2 + 2];
        *byte = u8::from_str_radix(pair, 16).map_err(|_| shape.to_owned())?;
    }
    Ok(hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_reads_back_what_hash_hex_wrote() {
        let written = format!("{HASH_PREFIX}{}", hash_hex("test"));
        assert_eq!(
            written,
            "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
        );
        assert_eq!(parse_hash(&written).unwrap()[0], 0x9f);

        assert!(parse_hash("md5:abc").unwrap_err().contains("does not start with"));
        assert!(parse_hash("sha256:abc").unwrap_err().contains("has 3 characters"));
        let not_hex = format!("sha256:{}", "g".repeat(64));
        assert!(parse_hash(&not_hex).is_err());
    }
}
