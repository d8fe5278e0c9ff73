//! API keys: reading the credential a request presents, and finding the declared key whose
//! hash it has.
//!
//! A key arrives as `Authorization: Bearer KEY` or `x-api-key: KEY`. moat keeps only the
//! SHA-256 of each key; the presented key is hashed and compared with every declared hash in
//! constant time, so neither the key nor how much of it matched shows in the answer's timing.

use axum::http::{HeaderMap, header};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::config::KeyConfig;

/// The header a key may also be sent in.
pub const API_KEY_HEADER: &str = "x-api-key";

/// The longest credential read; longer ones are refused without hashing.
const MAX_CREDENTIAL_BYTES: usize = 8 * 1024;

/// The declared keys.
#[derive(Debug, Clone, Default)]
pub struct Keys {
    keys: Vec<KeyConfig>,
}

impl Keys {
    /// The keys `declared`.
    pub fn new(declared: Vec<KeyConfig>) -> Keys {
        Keys { keys: declared }
    }

    /// The declared key `presented` is, if any.
    pub fn find(&self, presented: &str) -> Option<&KeyConfig> {
        let digest = Sha256::digest(presented.as_bytes());
        let mut found = None;
        for key in &self.keys {
            if bool::from(key.hash.as_slice().ct_eq(digest.as_slice())) {
                found = Some(key);
            }
        }
        found
    }
}

/// The credential of a request: the `Bearer` value of `Authorization`, else `x-api-key`.
pub fn presented(headers: &HeaderMap) -> Option<&str> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, credential)| credential.trim());
    let credential = bearer.or_else(|| {
        headers.get(API_KEY_HEADER).and_then(|value| value.to_str().ok()).map(str::trim)
    })?;

    (!credential.is_empty() && credential.len() <= MAX_CREDENTIAL_BYTES).then_some(credential)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{KeyOrigin, hash_hex, parse_hash};

    fn key(id: &str, secret: &str) -> KeyConfig {
        KeyConfig {
            id: id.into(),
            hash: parse_hash(&format!("sha256:{}", hash_hex(secret))).unwrap(),
            endpoints: vec!["/search".into()],
            public: false,
            origin: KeyOrigin::Config(0),
        }
    }

    #[test]
    fn finds_a_key_by_its_hash() {
        let keys = Keys::new(vec![key("web", "moat_one"), key("ops", "moat_two")]);
        assert_eq!(keys.find("moat_two").map(|key| key.id.as_str()), Some("ops"));
        assert!(keys.find("moat_three").is_none());
        assert!(keys.find("").is_none());
    }

    #[test]
    fn reads_bearer_then_the_key_header() {
        let mut headers = HeaderMap::new();
        assert_eq!(presented(&headers), None);

        headers.insert(API_KEY_HEADER, "moat_x".parse().unwrap());
        assert_eq!(presented(&headers), Some("moat_x"));
        headers.insert(header::AUTHORIZATION, "Basic dXNlcjpwdw==".parse().unwrap());
        assert_eq!(presented(&headers), Some("moat_x"));
        headers.insert(header::AUTHORIZATION, "bearer moat_y".parse().unwrap());
        assert_eq!(presented(&headers), Some("moat_y"));
        headers.insert(header::AUTHORIZATION, "Bearer ".parse().unwrap());
        assert_eq!(presented(&headers), None);
    }
}
