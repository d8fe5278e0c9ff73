//! Cursors: where the next page of a search starts, sealed so clients can neither read nor
//! change them.
//!
//! A cursor is the position (sort values of the last hit, or a count of hits) and the engine's
//! snapshot id, encrypted and authenticated with XChaCha20-Poly1305. The endpoint's path and
//! the query's checked parameters are the associated data: a cursor opens only for the same
//! endpoint and query that made it, and a forged or edited one does not open at all.
//!
//! The key comes from `[server] cursor_secret` (shared by every moat instance behind one
//! load balancer), or else from a random key kept in the data directory (`cursor.key`).

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The length of a nonce, in bytes.
const NONCE_BYTES: usize = 24;

/// Where a page starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Position {
    /// After the hit with these sort values; without them, after the first `seen` hits (the
    /// step from the first page to the second on engines whose first page ran on the live
    /// index).
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "a")]
    pub after: Option<Vec<Value>>,
    /// How many hits the pages before this one returned.
    #[serde(default, rename = "n")]
    pub seen: u64,
    /// The engine's snapshot the walk runs on.
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "s")]
    pub snapshot: Option<String>,
}

/// The key cursors are sealed with.
pub struct CursorKey {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for CursorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CursorKey(…)")
    }
}

impl CursorKey {
    /// A key derived from an operator's secret.
    pub fn from_secret(secret: &str) -> CursorKey {
        let digest = Sha256::digest(secret.as_bytes());
        CursorKey { cipher: XChaCha20Poly1305::new(Key::from_slice(&digest)) }
    }

    /// The key kept in `data_dir`, made now when there is none.
    pub fn in_data_dir(data_dir: &Path) -> std::io::Result<CursorKey> {
        let path = data_dir.join("cursor.key");
        let key: [u8; 32] = match std::fs::read(&path) {
            Ok(bytes) if bytes.len() == 32 => bytes.try_into().unwrap_or([0; 32]),
            Ok(_) => {
                let message = format!("{} is not a 32-byte key; remove it", path.display());
                return Err(std::io::Error::other(message));
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let key: [u8; 32] = rand::random();
                std::fs::create_dir_all(data_dir)?;
                write_private(&path, &key)?;
                key
            }
            Err(error) => return Err(error),
        };
        Ok(CursorKey { cipher: XChaCha20Poly1305::new(Key::from_slice(&key)) })
    }

    /// The cursor for `position`, bound to `context` (the endpoint and its query).
    pub fn seal(&self, position: &Position, context: &[u8]) -> String {
        let plain = serde_json::to_vec(position).unwrap_or_default();
        let nonce: [u8; NONCE_BYTES] = rand::random();
        let payload = Payload { msg: &plain, aad: context };
        let sealed = self.cipher.encrypt(XNonce::from_slice(&nonce), payload).unwrap_or_default();

        let mut bytes = Vec::with_capacity(NONCE_BYTES + sealed.len());
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(&sealed);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The position a cursor holds, when it was sealed by this key for `context`.
    pub fn open(&self, cursor: &str, context: &[u8]) -> Option<Position> {
        let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
        if bytes.len() <= NONCE_BYTES {
            return None;
        }
        let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
        let payload = Payload { msg: sealed, aad: context };
        let plain = self.cipher.decrypt(XNonce::from_slice(nonce), payload).ok()?;
        serde_json::from_slice(&plain).ok()
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;

    let mut file =
        std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn position() -> Position {
        Position { after: Some(vec![json!("Dog"), json!(17)]), seen: 7, snapshot: None }
    }

    #[test]
    fn a_cursor_opens_only_for_its_context_and_key() {
        let key = CursorKey::from_secret("an operator secret of enough length");
        let cursor = key.seal(&position(), b"/visits\n{\"q\":\"dental\"}");

        assert_eq!(key.open(&cursor, b"/visits\n{\"q\":\"dental\"}"), Some(position()));
        assert_eq!(key.open(&cursor, b"/visits\n{\"q\":\"cleaning\"}"), None);
        let other = CursorKey::from_secret("another secret");
        assert_eq!(other.open(&cursor, b"/visits\n{\"q\":\"dental\"}"), None);
    }

    #[test]
    fn an_edited_cursor_does_not_open() {
        let key = CursorKey::from_secret("s");
        let cursor = key.seal(&position(), b"c");
        let mut bytes = URL_SAFE_NO_PAD.decode(&cursor).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;

        assert_eq!(key.open(&URL_SAFE_NO_PAD.encode(bytes), b"c"), None);
        assert_eq!(key.open("not a cursor", b"c"), None);
    }

    #[test]
    fn the_data_dir_key_is_kept_across_starts() {
        let dir = tempfile::tempdir().unwrap();
        let cursor = CursorKey::in_data_dir(dir.path()).unwrap().seal(&position(), b"c");
        let again = CursorKey::in_data_dir(dir.path()).unwrap();
        assert_eq!(again.open(&cursor, b"c"), Some(position()));
    }
}
