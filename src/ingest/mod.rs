//! Bulk loading of NDJSON documents, one JSON object per line.
//!
//! Lines are read in batches and stored through the backend. A line that is not a JSON object,
//! or a document the engine rejects, is reported with its line number; the other lines still
//! load.

use std::io::BufRead;

use serde_json::{Map, Value};

use crate::backend::{Backend, EngineError, ItemOutcome};

/// The default number of documents sent to the backend at once.
pub const DEFAULT_BATCH_SIZE: usize = 1000;

/// A line that was not loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// 1-based line number.
    pub line: usize,
    /// Why it was not loaded.
    pub reason: String,
}

/// What a load did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Documents stored.
    pub indexed: u64,
    /// Lines not stored.
    pub rejected: u64,
}

/// Receives news of a running load.
pub trait Progress {
    /// `bytes` more of the input were read.
    fn advanced(&self, bytes: u64);
    /// A line was not loaded.
    fn rejected(&self, rejection: &Rejection);
}

/// Loads NDJSON from `input` into `index`, `batch_size` documents at a time.
pub async fn load(
    backend: &Backend,
    index: &str,
    mut input: impl BufRead,
    batch_size: usize,
    progress: &dyn Progress,
) -> Result<Summary, LoadError> {
    let mut summary = Summary::default();
    let mut batch = Batch::default();
    let mut line = Vec::new();
    let mut number = 0;

    loop {
        line.clear();
        let read = input.read_until(b'\n', &mut line).map_err(LoadError::Read)?;
        if read == 0 {
            break;
        }
        number += 1;

        match parse_line(&line) {
            Ok(Some(document)) => batch.push(number, document, read as u64),
            Ok(None) => progress.advanced(read as u64),
            Err(reason) => {
                reject(&mut summary, progress, Rejection { line: number, reason });
                progress.advanced(read as u64);
            }
        }
        if batch.documents.len() >= batch_size.max(1) {
            batch.send(backend, index, &mut summary, progress).await?;
        }
    }

    batch.send(backend, index, &mut summary, progress).await?;
    Ok(summary)
}

/// Why a load stopped before the end.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The input could not be read.
    #[error("cannot read the input: {0}")]
    Read(std::io::Error),
    /// The engine failed as a whole (not one document).
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// Documents waiting to be sent, with their line numbers and sizes.
#[derive(Default)]
struct Batch {
    lines: Vec<usize>,
    documents: Vec<Map<String, Value>>,
    bytes: u64,
}

impl Batch {
    fn push(&mut self, line: usize, document: Map<String, Value>, bytes: u64) {
        self.lines.push(line);
        self.documents.push(document);
        self.bytes += bytes;
    }

    async fn send(
        &mut self,
        backend: &Backend,
        index: &str,
        summary: &mut Summary,
        progress: &dyn Progress,
    ) -> Result<(), LoadError> {
        if self.documents.is_empty() {
            return Ok(());
        }
        let documents = std::mem::take(&mut self.documents);
        let outcomes = backend.index_batch(index, documents).await?;

        for (line, outcome) in self.lines.drain(..).zip(outcomes) {
            match outcome {
                ItemOutcome::Indexed => summary.indexed += 1,
                ItemOutcome::Rejected(reason) => {
                    reject(summary, progress, Rejection { line, reason });
                }
            }
        }
        progress.advanced(std::mem::take(&mut self.bytes));
        Ok(())
    }
}

fn reject(summary: &mut Summary, progress: &dyn Progress, rejection: Rejection) {
    summary.rejected += 1;
    progress.rejected(&rejection);
}

/// The document on one line; `None` for a blank line.
fn parse_line(line: &[u8]) -> Result<Option<Map<String, Value>>, String> {
    let Ok(text) = std::str::from_utf8(line) else {
        return Err("the line is not valid UTF-8".to_owned());
    };
    if text.trim().is_empty() {
        return Ok(None);
    }

    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(document)) => Ok(Some(document)),
        Ok(_) => Err("the line is JSON but not an object".to_owned()),
        Err(error) => Err(format!("malformed JSON: {error}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_objects_and_explains_the_rest() {
        assert!(parse_line(b"  \n").unwrap().is_none());
        assert!(parse_line(b"{\"a\": 1}\n").unwrap().is_some());
        assert_eq!(parse_line(b"[1]").unwrap_err(), "the line is JSON but not an object");
        assert!(parse_line(b"{\"a\": ").unwrap_err().starts_with("malformed JSON"));
        assert_eq!(parse_line(b"\xff").unwrap_err(), "the line is not valid UTF-8");
    }
}
