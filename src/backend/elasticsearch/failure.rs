//! How the engine's failures become [`EngineError`] kinds.
//!
//! Two sources: the HTTP client, when no answer came back (the node could not be reached, the
//! connection broke, the time ran out), and the engine's error answers, whose status and
//! `error.type` choose the kind:
//!
//! | failure | kind |
//! |---|---|
//! | node unreachable, connection broken, every node set aside, 429, 503 | `Unavailable` |
//! | request timeout, 408, 504 | `Timeout` |
//! | `index_not_found_exception` | `MissingIndex` |
//! | other 4xx | `Rejected` |
//! | other 5xx, an answer moat cannot read | `Internal` |
//!
//! The engine's own words go into the message, which only the server log shows.

use std::error::Error as _;
use std::fmt::Write as _;

use serde_json::Value;

use crate::backend::EngineError;

/// The longest piece of engine text kept in a message, in characters.
const MAX_ENGINE_TEXT: usize = 600;

/// Why a request got no answer, which decides whether it may be sent to another node.
#[derive(Debug)]
pub enum Trouble {
    /// No connection could be made (refused, no such host, TLS handshake, connect timeout):
    /// nothing was sent, so any request may go to another node, and this one is set aside.
    Unreachable(String),
    /// The connection broke after the request went out: only a read may be sent again.
    Broken(String),
    /// The node took longer than the request timeout.
    TimedOut(String),
    /// The answer could not be read.
    Unreadable(String),
}

impl Trouble {
    /// Sorts a client error.
    pub fn of(error: &reqwest::Error) -> Trouble {
        let text = chain(error);
        if error.is_connect() {
            Trouble::Unreachable(text)
        } else if error.is_timeout() {
            Trouble::TimedOut(text)
        } else if error.is_decode() {
            Trouble::Unreadable(text)
        } else {
            Trouble::Broken(text)
        }
    }

    /// The engine error it stands for.
    pub fn into_error(self) -> EngineError {
        match self {
            Trouble::Unreachable(text) | Trouble::Broken(text) => EngineError::Unavailable(text),
            Trouble::TimedOut(text) => EngineError::Timeout(text),
            Trouble::Unreadable(text) => EngineError::Internal(text),
        }
    }
}

/// Whether the error, or one of its root causes, says a point in time is gone.
fn mentions_missing_context(error: Option<&Value>) -> bool {
    let Some(error) = error else { return false };
    let is_missing = |error: &Value| {
        error.get("type").and_then(Value::as_str) == Some("search_context_missing_exception")
    };
    let causes = error.get("root_cause").and_then(Value::as_array);
    is_missing(error) || causes.is_some_and(|causes| causes.iter().any(is_missing))
}

/// The error an engine answer with a failure `status` and `body` stands for; `index` names the
/// index the request was about, if any.
pub fn from_answer(status: u16, body: &[u8], index: Option<&str>) -> EngineError {
    let reply: Option<Value> = serde_json::from_slice(body).ok();
    let error = reply.as_ref().and_then(|reply| reply.get("error"));
    let error_type = error.and_then(|error| error.get("type")).and_then(Value::as_str);

    let text = match error {
        Some(error) => format!("{status} {}", describe(error)),
        None if body.is_empty() => format!("{status} with an empty body"),
        None => format!("{status} {}", clip(&String::from_utf8_lossy(body))),
    };

    if mentions_missing_context(error) {
        return EngineError::SnapshotExpired(text);
    }
    match (status, error_type, index) {
        (_, Some("index_not_found_exception"), Some(index)) => {
            EngineError::MissingIndex(index.to_owned())
        }
        (_, Some("search_context_missing_exception"), _) => EngineError::SnapshotExpired(text),
        (429 | 503, _, _) => EngineError::Unavailable(text),
        (408 | 504, _, _) => EngineError::Timeout(text),
        (400..=499, _, _) => EngineError::Rejected(text),
        _ => EngineError::Internal(text),
    }
}

/// An engine error object in one line: `type: reason (caused by type: reason)`. A plain string
/// (as some engines send for unknown routes) is kept as it is.
pub fn describe(error: &Value) -> String {
    let Some(object) = error.as_object() else {
        return clip(&error.as_str().map_or_else(|| error.to_string(), str::to_owned));
    };
    let text = |value: &Value, key: &str| {
        value.get(key).and_then(Value::as_str).unwrap_or("unknown").to_owned()
    };

    let mut line = format!("{}: {}", text(error, "type"), text(error, "reason"));
    if let Some(cause) = object.get("caused_by").filter(|cause| cause.is_object()) {
        let _ = write!(line, " (caused by {}: {})", text(cause, "type"), text(cause, "reason"));
    }
    clip(&line)
}

/// The error message and every source under it, as one line.
fn chain(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();

    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }

    clip(&text)
}

/// `text` cut to [`MAX_ENGINE_TEXT`] characters.
fn clip(text: &str) -> String {
    match text.char_indices().nth(MAX_ENGINE_TEXT) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_body(error_type: &str, reason: &str) -> Vec<u8> {
        let body = serde_json::json!({"error": {"type": error_type, "reason": reason}});
        body.to_string().into_bytes()
    }

    #[test]
    fn a_missing_index_is_named() {
        let body = error_body("index_not_found_exception", "no such index [vet-visits]");
        let error = from_answer(404, &body, Some("vet-visits"));
        assert!(matches!(error, EngineError::MissingIndex(index) if index == "vet-visits"));
    }

    #[test]
    fn a_point_in_time_gone_from_every_shard_is_an_expired_snapshot() {
        let body = serde_json::json!({"error": {
            "type": "search_phase_execution_exception",
            "reason": "all shards failed",
            "root_cause": [{"type": "search_context_missing_exception", "reason": "gone"}]
        }});
        let error = from_answer(404, body.to_string().as_bytes(), Some("visits"));
        assert!(matches!(error, EngineError::SnapshotExpired(_)), "{error:?}");
    }

    #[test]
    fn statuses_choose_the_kind() {
        let body = error_body("some_exception", "why");
        let kind = |status| match from_answer(status, &body, Some("i")) {
            EngineError::Unavailable(_) => "unavailable",
            EngineError::Timeout(_) => "timeout",
            EngineError::Rejected(_) => "rejected",
            EngineError::Internal(_) => "internal",
            _ => "other",
        };

        assert_eq!(kind(400), "rejected");
        assert_eq!(kind(401), "rejected");
        assert_eq!(kind(404), "rejected");
        assert_eq!(kind(429), "unavailable");
        assert_eq!(kind(503), "unavailable");
        assert_eq!(kind(504), "timeout");
        assert_eq!(kind(500), "internal");
    }

    #[test]
    fn the_engine_text_goes_into_the_message() {
        let body = br#"{"error":{"type":"mapper_parsing_exception","reason":"failed to parse",
            "caused_by":{"type":"illegal_argument_exception","reason":"bad number"}},
            "status":400}"#;
        let error = from_answer(400, body, None);
        assert_eq!(
            error.to_string(),
            "engine rejected the request: 400 mapper_parsing_exception: failed to parse \
             (caused by illegal_argument_exception: bad number)"
        );

        let plain = br#"{"error":"no handler found for uri [/x] and method [POST]"}"#;
        assert!(from_answer(400, plain, None).to_string().contains("no handler found"));
        assert!(from_answer(502, b"<html>bad gateway</html>", None).to_string().contains("html"));
        assert!(from_answer(401, b"", None).to_string().ends_with("401 with an empty body"));
    }

    #[test]
    fn long_engine_text_is_clipped() {
        let long = "x".repeat(5000);
        let error = from_answer(500, long.as_bytes(), None).to_string();
        assert!(error.chars().count() < MAX_ENGINE_TEXT + 50, "{}", error.len());
    }
}
