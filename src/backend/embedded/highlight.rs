//! Highlighting: the words of a text field that the query matched, marked with the
//! configured tags in the HTML-escaped value.
//!
//! Like Elasticsearch's unified highlighter with `number_of_fragments: 0`, each matching value
//! of the field comes back whole, a phrase match is marked as one span, and values without a
//! match are left out.

use std::ops::Range;

use serde_json::Value;

use super::analyzer::analyze_with_offsets;
use super::compile::prefix_words;
use super::spellings::Spellings;
use crate::query::{Bool, Operator, Query, auto_fuzziness};

/// What marks a word of one field.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Matcher {
    /// This word.
    Word(String),
    /// A word within this many typos of this one.
    Fuzzy(String, u8),
    /// One of these spellings of a misspelt word.
    Spelled(Vec<String>),
    /// A word starting with this.
    Prefix(String),
    /// These words, adjacent and in order.
    Phrase(Vec<String>),
}

/// The words one clause of the query looks for in a field.
struct Clause {
    matchers: Vec<Matcher>,
    /// Whether the clause matches only when every matcher does (so, as in Elasticsearch,
    /// a field whose clause did not match the document gets no marks from it).
    needs_all: bool,
}

/// The clauses the scoring parts of `query` hold for `field` (filters mark nothing).
fn clauses(query: &Query, field: &str, spellings: &Spellings, found: &mut Vec<Clause>) {
    match query {
        Query::MatchPhrase(phrase) if phrase.field == field => {
            let mut words: Vec<String> =
                analyze_with_offsets(&phrase.text).into_iter().map(|(word, _)| word).collect();
            let matcher = match words.len() {
                0 => return,
                1 => Matcher::Word(words.remove(0)),
                _ => Matcher::Phrase(words),
            };
            found.push(Clause { matchers: vec![matcher], needs_all: true });
        }
        Query::Match(words) if words.field == field => {
            let matchers = analyze_with_offsets(&words.text).into_iter().map(|(word, _)| {
                let typos = if words.fuzzy { auto_fuzziness(word.chars().count()) } else { 0 };
                let key = (words.field.clone(), word);
                match spellings.get(&key) {
                    _ if typos == 0 => Matcher::Word(key.1),
                    Some(spelled) => Matcher::Spelled(spelled.clone()),
                    None => Matcher::Fuzzy(key.1, typos),
                }
            });
            let needs_all = words.operator == Operator::And;
            found.push(Clause { matchers: matchers.collect(), needs_all });
        }
        Query::MatchBoolPrefix(prefix) if prefix.field == field => {
            let (mut words, last_is_prefix) = prefix_words(&prefix.text);
            let last = if last_is_prefix { words.pop() } else { None };
            let mut matchers: Vec<Matcher> = words.into_iter().map(Matcher::Word).collect();
            matchers.extend(last.map(Matcher::Prefix));
            let needs_all = prefix.operator == Operator::And;
            found.push(Clause { matchers, needs_all });
        }
        Query::Bool(boolean) => {
            let Bool { must, should, .. } = boolean.as_ref();
            for clause in must.iter().chain(should) {
                clauses(clause, field, spellings, found);
            }
        }
        _ => {}
    }
}

/// The words a query looks for in one field, read once per search and used on every hit.
pub struct FieldMarker {
    clauses: Vec<Clause>,
}

/// A text with its words and where each was read from.
type Tokenized<'t> = (&'t str, Vec<(String, Range<usize>)>);

impl FieldMarker {
    /// The marker of `field` for `query`; `None` when no scoring clause searches the field.
    pub fn new(query: &Query, field: &str, spellings: &Spellings) -> Option<FieldMarker> {
        let mut found = Vec::new();
        clauses(query, field, spellings, &mut found);
        (!found.is_empty()).then_some(FieldMarker { clauses: found })
    }

    /// The marked values of `value` (a string or an array of strings), or `None` when no
    /// value has a match.
    pub fn mark(&self, value: &Value, (pre_tag, post_tag): (&str, &str)) -> Option<Value> {
        let texts: Vec<&str> = match value {
            Value::String(text) => vec![text.as_str()],
            Value::Array(values) => values.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let tokenized: Vec<Tokenized<'_>> =
            texts.into_iter().map(|text| (text, analyze_with_offsets(text))).collect();

        let matched: Vec<&Matcher> = self
            .clauses
            .iter()
            .filter(|clause| {
                !clause.needs_all
                    || clause.matchers.iter().all(|matcher| {
                        tokenized.iter().any(|(_, tokens)| !spans(tokens, [matcher]).is_empty())
                    })
            })
            .flat_map(|clause| &clause.matchers)
            .collect();
        if matched.is_empty() {
            return None;
        }

        let marked: Vec<Value> = tokenized
            .iter()
            .filter_map(|(text, tokens)| {
                let spans = spans(tokens, matched.iter().copied());
                (!spans.is_empty()).then(|| Value::String(mark(text, &spans, pre_tag, post_tag)))
            })
            .collect();
        (!marked.is_empty()).then_some(Value::Array(marked))
    }
}

/// The byte ranges of a text's `tokens` to mark, in order, not overlapping.
fn spans<'m>(
    tokens: &[(String, Range<usize>)],
    found: impl IntoIterator<Item = &'m Matcher>,
) -> Vec<Range<usize>> {
    let mut marked: Vec<Option<Range<usize>>> = vec![None; tokens.len()];

    for matcher in found {
        match matcher {
            Matcher::Phrase(words) => {
                for start in 0..tokens.len().saturating_sub(words.len() - 1) {
                    let window = &tokens[start..start + words.len()];
                    if window.iter().zip(words).all(|((token, _), word)| token == word) {
                        let span = window[0].1.start..window[words.len() - 1].1.end;
                        marked[start] = Some(span);
                        for slot in &mut marked[start + 1..start + words.len()] {
                            *slot = Some(0..0);
                        }
                    }
                }
            }
            single => {
                for (position, (token, range)) in tokens.iter().enumerate() {
                    if marked[position].is_none() && single_matches(single, token) {
                        marked[position] = Some(range.clone());
                    }
                }
            }
        }
    }

    let mut spans: Vec<Range<usize>> =
        marked.into_iter().flatten().filter(|span| !span.is_empty()).collect();
    spans.sort_by_key(|span| span.start);
    spans.dedup_by(|later, earlier| later.start < earlier.end);
    spans
}

fn single_matches(matcher: &Matcher, token: &str) -> bool {
    match matcher {
        Matcher::Word(word) => token == word,
        Matcher::Prefix(prefix) => token.starts_with(prefix.as_str()),
        Matcher::Fuzzy(word, typos) => typo_distance(word, token) <= usize::from(*typos),
        Matcher::Spelled(spelled) => spelled.iter().any(|spelling| spelling == token),
        Matcher::Phrase(_) => false,
    }
}

/// The edits (insertions, deletions, substitutions, swaps of neighbours) between two words.
pub fn typo_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }

    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best =
                (rows[i - 1][j] + 1).min(rows[i][j - 1] + 1).min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

/// `text` HTML-escaped with each span between the tags.
fn mark(text: &str, spans: &[Range<usize>], pre_tag: &str, post_tag: &str) -> String {
    let mut out = String::with_capacity(text.len() + spans.len() * 16);
    let mut at = 0;
    for span in spans {
        escape_into(&text[at..span.start], &mut out);
        out.push_str(pre_tag);
        escape_into(&text[span.clone()], &mut out);
        out.push_str(post_tag);
        at = span.end;
    }
    escape_into(&text[at..], &mut out);
    out
}

/// Escapes the characters HTML gives meaning to, as Elasticsearch's `html` encoder does.
pub fn escape_into(text: &str, out: &mut String) {
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            '/' => out.push_str("&#x2F;"),
            other => out.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::query::{Match, MatchPhrase, Operator};

    fn no_spellings() -> Spellings {
        Spellings::new()
    }

    const TEXT: &str = "Dental cleaning <b>under</b> sedation & care; dental check. \
                        Cleaning again dental-cleaning.";

    #[test]
    fn marks_phrases_as_one_span_and_escapes_the_rest() {
        let query = Query::MatchPhrase(MatchPhrase::new("t", "dental cleaning"));
        let marker = FieldMarker::new(&query, "t", &no_spellings()).expect("a marker");
        let marked = marker.mark(&json!([TEXT, "no match"]), ("<mark>", "</mark>"));

        assert_eq!(
            marked,
            Some(json!([
                "<mark>Dental cleaning</mark> &lt;b&gt;under&lt;&#x2F;b&gt; sedation &amp; care; \
                 dental check. Cleaning again <mark>dental-cleaning</mark>."
            ]))
        );
    }

    #[test]
    fn marks_words_within_the_typos_allowed() {
        let words = Match {
            field: "t".into(),
            text: "dentl".into(),
            operator: Operator::And,
            fuzzy: true,
            boost: None,
        };
        let marker = FieldMarker::new(&Query::Match(words), "t", &no_spellings());
        let marked = marker.expect("a marker").mark(&json!(TEXT), ("[", "]"));

        let expected = "[Dental] cleaning &lt;b&gt;under&lt;&#x2F;b&gt; sedation &amp; care; \
                        [dental] check. Cleaning again [dental]-cleaning.";
        assert_eq!(marked, Some(json!([expected])));
    }
}
