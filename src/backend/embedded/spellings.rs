//! Typo-tolerant words spelled out: the indexed words within a word's typos, at most fifty,
//! nearest first, as Elasticsearch's fuzzy `match` keeps them (`max_expansions`). The cap
//! also bounds what one misspelt word can cost.

use std::collections::HashMap;
use std::sync::OnceLock;

use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder, SINK_STATE};
use tantivy::Searcher;

use super::analyzer::analyze;
use super::schema::Fields;
use crate::backend::EngineError;
use crate::query::{Query, auto_fuzziness};

/// The most spellings one misspelt word stands for.
pub const MAX_SPELLINGS: usize = 50;

/// The spellings of each typo-tolerant word of a plan, by field path and word.
pub type Spellings = HashMap<(String, String), Vec<String>>;

/// The spellings of every typo-tolerant word of `plan`, read from the searcher's segments.
pub fn collect(
    plan: &Query,
    fields: &Fields,
    searcher: &Searcher,
) -> Result<Spellings, EngineError> {
    let mut spellings = Spellings::new();
    let mut stack = vec![plan];
    while let Some(query) = stack.pop() {
        match query {
            Query::Match(words) if words.fuzzy => {
                let Some((field, _)) = fields.get(&words.field) else { continue };
                for word in analyze(&words.text) {
                    let typos = auto_fuzziness(word.chars().count());
                    let key = (words.field.clone(), word);
                    if typos == 0 || spellings.contains_key(&key) {
                        continue;
                    }
                    let found = nearest(searcher, field, &key.1, typos)?;
                    spellings.insert(key, found);
                }
            }
            Query::Bool(boolean) => {
                let clauses = boolean.must.iter().chain(&boolean.should).chain(&boolean.filter);
                stack.extend(clauses.chain(&boolean.must_not));
            }
            _ => {}
        }
    }
    Ok(spellings)
}

/// The indexed words of `field` within `typos` of `word`, the nearest fifty: by Lucene's
/// measure, one minus the typos over the shorter length, then in byte order.
fn nearest(
    searcher: &Searcher,
    field: tantivy::schema::Field,
    word: &str,
    typos: u8,
) -> Result<Vec<String>, EngineError> {
    let mut found: Vec<String> = Vec::new();
    for segment in searcher.segment_readers() {
        let index = segment.inverted_index(field)?;
        let automaton = Automaton(builder(typos).build_dfa(word));
        let stream = index.terms().search(automaton).into_stream();
        let mut stream = stream.map_err(|error| {
            EngineError::Internal(format!("cannot read the term dictionary: {error}"))
        })?;
        while stream.advance() {
            if let Ok(term) = std::str::from_utf8(stream.key()) {
                found.push(term.to_owned());
            }
        }
    }
    found.sort_unstable();
    found.dedup();

    let length = word.chars().count();
    let closeness = |term: &str| {
        let edits = super::highlight::typo_distance(word, term) as f32;
        1.0 - edits / length.min(term.chars().count()).max(1) as f32
    };
    let mut ranked: Vec<(f32, String)> =
        found.into_iter().map(|term| (closeness(&term), term)).collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.as_bytes().cmp(b.1.as_bytes())));
    ranked.truncate(MAX_SPELLINGS);
    Ok(ranked.into_iter().map(|(_, term)| term).collect())
}

/// The automaton builder for `typos` edits, a swap of neighbours counting as one.
fn builder(typos: u8) -> &'static LevenshteinAutomatonBuilder {
    static ONE: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    static TWO: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    let cell = if typos <= 1 { &ONE } else { &TWO };
    cell.get_or_init(|| LevenshteinAutomatonBuilder::new(typos.clamp(1, 2), true))
}

/// A Levenshtein automaton as the term dictionary walks it.
struct Automaton(DFA);

impl tantivy_fst::Automaton for Automaton {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}
