//! Finds where a key path sits in the config text, for problem messages.

use toml_edit::{Document, Item};

use super::problem::{KeyPath, Step};

/// The source text of a config with its parsed layout, to point problems at lines.
pub struct Layout<'a> {
    text: &'a str,
    document: Option<Document<&'a str>>,
}

impl<'a> Layout<'a> {
    /// Parses the layout of `text` (a text that does not parse gives no positions).
    pub fn new(text: &'a str) -> Layout<'a> {
        Layout { text, document: Document::parse(text).ok() }
    }

    /// The 1-based line and column of the deepest part of `path` present in the text.
    pub fn find(&self, path: &KeyPath) -> Option<(usize, usize)> {
        let document = self.document.as_ref()?;
        let mut item = document.as_item();
        let mut span = None;

        for step in &path.0 {
            let next = match step {
                Step::Key(key) => {
                    let key_span = item.as_table_like().and_then(|table| table.key(key));
                    span = key_span.and_then(toml_edit::Key::span).map(|s| s.start).or(span);
                    item.get(key.as_str())
                }
                Step::Index(index) => item.get(*index),
            };
            let Some(next) = next else { break };
            span = item_span(next).or(span);
            item = next;
        }

        span.map(|start| self.line_column(start))
    }

    /// The 1-based line and column of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let before = &self.text[..offset.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
        (line, before[line_start..].chars().count() + 1)
    }
}

fn item_span(item: &Item) -> Option<usize> {
    match item {
        Item::Table(table) => table.span().map(|span| span.start),
        Item::ArrayOfTables(_) | Item::None => None,
        other => other.span().map(|span| span.start),
    }
}
