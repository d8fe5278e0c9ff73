//! Compiles a query plan into a Tantivy query over one index.
//!
//! Scores follow Elasticsearch's: scoring clauses of a `bool` add up, filters score nothing,
//! prefixes score like Lucene's constant-score rewrite (the boost). Typo-tolerant words match
//! the fifty nearest indexed spellings (see [`super::spellings`]) like Elasticsearch, with one
//! constant score where Elasticsearch blends the spellings' frequencies, so relevance order
//! differs.

use std::ops::Bound;

use serde_json::Value;
use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, ExistsQuery, FuzzyTermQuery,
    Occur, PhraseQuery, Query as TantivyQuery, RangeQuery, RegexQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

use super::analyzer::analyze;
use super::schema::Fields;
use super::spellings::Spellings;
use crate::mapping::{FieldType, FieldValue};
use crate::query::{
    Bool, Exists, Match, MatchBoolPrefix, MatchPhrase, Operator, Query, Range, Term as TermPlan,
    Terms, auto_fuzziness,
};

type Compiled = Box<dyn TantivyQuery>;

/// Why a plan cannot run on this index.
#[derive(Debug, thiserror::Error)]
pub enum CompileError {
    /// The plan names a path the mapping lacks.
    #[error("field `{0}` is not in the mapping")]
    UnknownField(String),
    /// A value does not fit its field.
    #[error("{0}")]
    BadValue(String),
    /// The query does not apply to this kind of field.
    #[error("field `{0}` cannot be searched this way")]
    WrongFieldType(String),
}

/// The Tantivy query for `plan`; typo-tolerant words match any spelling within reach.
pub fn compile(plan: &Query, fields: &Fields) -> Result<Compiled, CompileError> {
    compile_spelled(plan, fields, &Spellings::new())
}

/// The Tantivy query for `plan`, typo-tolerant words matching the spellings listed for them.
pub fn compile_spelled(
    plan: &Query,
    fields: &Fields,
    spellings: &Spellings,
) -> Result<Compiled, CompileError> {
    match plan {
        Query::MatchAll(_) => Ok(Box::new(AllQuery)),
        Query::MatchPhrase(phrase) => match_phrase(phrase, fields),
        Query::Match(words) => match_words(words, fields, spellings),
        Query::MatchBoolPrefix(prefix) => match_bool_prefix(prefix, fields),
        Query::Term(term) => term_query(term, fields),
        Query::Terms(terms) => terms_query(terms, fields),
        Query::Range(range) => range_query(range, fields),
        Query::Exists(exists) => exists_query(exists, fields),
        Query::Bool(boolean) => bool_query(boolean, fields, spellings),
    }
}

fn field(fields: &Fields, path: &str) -> Result<(Field, FieldType), CompileError> {
    fields.get(path).ok_or_else(|| CompileError::UnknownField(path.to_owned()))
}

fn boosted(query: Compiled, boost: Option<f32>) -> Compiled {
    match boost {
        Some(boost) if (boost - 1.0).abs() > f32::EPSILON => {
            Box::new(BoostQuery::new(query, boost))
        }
        _ => query,
    }
}

fn match_phrase(phrase: &MatchPhrase, fields: &Fields) -> Result<Compiled, CompileError> {
    let (field, field_type) = field(fields, &phrase.field)?;
    if field_type != FieldType::Text {
        let value = Value::String(phrase.text.clone());
        return Ok(boosted(exact(field, field_type, &phrase.field, &value)?, phrase.boost));
    }

    let mut terms: Vec<(usize, Term)> = analyze(&phrase.text)
        .iter()
        .enumerate()
        .map(|(position, word)| (position, Term::from_field_text(field, word)))
        .collect();

    let query: Compiled = match terms.len() {
        0 => Box::new(EmptyQuery),
        1 => {
            let (_, term) = terms.remove(0);
            Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
        }
        _ => Box::new(PhraseQuery::new_with_offset(terms)),
    };
    Ok(boosted(query, phrase.boost))
}

fn match_words(
    words: &Match,
    fields: &Fields,
    spellings: &Spellings,
) -> Result<Compiled, CompileError> {
    let (field, field_type) = field(fields, &words.field)?;
    if field_type != FieldType::Text {
        let value = Value::String(words.text.clone());
        return Ok(boosted(exact(field, field_type, &words.field, &value)?, words.boost));
    }

    let clauses = analyze(&words.text)
        .iter()
        .map(|word| {
            let term = Term::from_field_text(field, word);
            let typos = if words.fuzzy { auto_fuzziness(word.chars().count()) } else { 0 };
            let spelled = spellings.get(&(words.field.clone(), word.clone()));
            let query: Compiled = match spelled {
                _ if typos == 0 => Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                Some(spelled) => any_spelling(field, spelled),
                None => Box::new(FuzzyTermQuery::new(term, typos, true)),
            };
            query
        })
        .collect();
    Ok(boosted(combine(clauses, words.operator), words.boost))
}

fn match_bool_prefix(prefix: &MatchBoolPrefix, fields: &Fields) -> Result<Compiled, CompileError> {
    let (field, field_type) = field(fields, &prefix.field)?;
    if field_type != FieldType::Text {
        return Err(CompileError::WrongFieldType(prefix.field.clone()));
    }

    let (mut words, last_is_prefix) = prefix_words(&prefix.text);
    let Some(last) = words.pop() else { return Ok(Box::new(EmptyQuery)) };
    let mut clauses: Vec<Compiled> = words
        .iter()
        .map(|word| {
            let term = Term::from_field_text(field, word);
            Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)) as Compiled
        })
        .collect();
    if !last_is_prefix {
        let term = Term::from_field_text(field, &last);
        clauses.push(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)));
        return Ok(boosted(combine(clauses, prefix.operator), prefix.boost));
    }

    let pattern = format!("{}.*", regex_syntax::escape(&last));
    let starts_with = RegexQuery::from_pattern(&pattern, field)
        .map_err(|error| CompileError::BadValue(format!("cannot search the prefix: {error}")))?;
    clauses.push(Box::new(starts_with));
    Ok(boosted(combine(clauses, prefix.operator), prefix.boost))
}

/// Any of the `spelled` words of `field`, scoring as Tantivy's fuzzy query does (the boost).
fn any_spelling(field: Field, spelled: &[String]) -> Compiled {
    if spelled.is_empty() {
        return Box::new(EmptyQuery);
    }
    let terms = spelled.iter().map(|word| {
        let term = Term::from_field_text(field, word);
        Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Compiled
    });
    Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::union(terms.collect())), 1.0))
}

/// The words of a search-as-you-type text, and whether the last one is still being typed:
/// as in Elasticsearch, it is a prefix only when nothing follows it in the text.
pub fn prefix_words(text: &str) -> (Vec<String>, bool) {
    let tokens = super::analyzer::analyze_with_offsets(text);
    let last_is_prefix = tokens.last().is_some_and(|(_, range)| range.end == text.len());
    (tokens.into_iter().map(|(word, _)| word).collect(), last_is_prefix)
}

/// One query from the per-word clauses: all of them, or any of them.
fn combine(mut clauses: Vec<Compiled>, operator: Operator) -> Compiled {
    match clauses.len() {
        0 => Box::new(EmptyQuery),
        1 => clauses.remove(0),
        _ => {
            let occur = match operator {
                Operator::And => Occur::Must,
                Operator::Or => Occur::Should,
            };
            Box::new(BooleanQuery::new(clauses.into_iter().map(|q| (occur, q)).collect()))
        }
    }
}

fn term_query(term: &TermPlan, fields: &Fields) -> Result<Compiled, CompileError> {
    let (field, field_type) = field(fields, &term.field)?;
    exact(field, field_type, &term.field, &term.value)
}

fn terms_query(terms: &Terms, fields: &Fields) -> Result<Compiled, CompileError> {
    let (field, field_type) = field(fields, &terms.field)?;
    let mut any = Vec::with_capacity(terms.values.len());
    for value in &terms.values {
        any.push(exact(field, field_type, &terms.field, value)?);
    }

    let union: Compiled =
        if any.is_empty() { Box::new(EmptyQuery) } else { Box::new(BooleanQuery::union(any)) };
    Ok(Box::new(ConstScoreQuery::new(union, 1.0)))
}

fn range_query(range: &Range, fields: &Fields) -> Result<Compiled, CompileError> {
    let (field, field_type) = field(fields, &range.field)?;
    let bad = |error: String| CompileError::BadValue(error);

    let bound = |value: Option<&Value>, upper: bool| -> Result<Bound<Term>, CompileError> {
        let Some(value) = value else { return Ok(Bound::Unbounded) };
        let term = match field_type {
            FieldType::Date if upper => {
                Term::from_field_i64(field, crate::mapping::read_date_upper(value).map_err(bad)?)
            }
            FieldType::Integer | FieldType::Long if has_fraction(value) => {
                let bound = integer_bound(value, upper);
                let bound = bound.ok_or_else(|| bad(format!("{value} is not a number")))?;
                Term::from_field_i64(field, bound)
            }
            FieldType::Float
            | FieldType::Double
            | FieldType::Integer
            | FieldType::Long
            | FieldType::Date => match read(field_type, &range.field, value)? {
                FieldValue::I64(number) | FieldValue::DateMillis(number) => {
                    Term::from_field_i64(field, number)
                }
                FieldValue::F64(number) => Term::from_field_f64(field, number),
                FieldValue::Str(_) | FieldValue::Bool(_) => {
                    return Err(CompileError::WrongFieldType(range.field.clone()));
                }
            },
            _ => return Err(CompileError::WrongFieldType(range.field.clone())),
        };
        Ok(Bound::Included(term))
    };

    let lower = bound(range.gte.as_ref(), false)?;
    let upper = bound(range.lte.as_ref(), true)?;
    Ok(Box::new(ConstScoreQuery::new(Box::new(RangeQuery::new(lower, upper)), 1.0)))
}

fn exists_query(exists: &Exists, fields: &Fields) -> Result<Compiled, CompileError> {
    let (_, field_type) = field(fields, &exists.field)?;
    if field_type == FieldType::Text {
        return Err(CompileError::WrongFieldType(exists.field.clone()));
    }
    let query = ExistsQuery::new(exists.field.clone(), false);
    Ok(Box::new(ConstScoreQuery::new(Box::new(query), 1.0)))
}

fn bool_query(
    boolean: &Bool,
    fields: &Fields,
    spellings: &Spellings,
) -> Result<Compiled, CompileError> {
    let mut clauses: Vec<(Occur, Compiled)> = Vec::new();
    for query in &boolean.must {
        clauses.push((Occur::Must, compile_spelled(query, fields, spellings)?));
    }
    for query in &boolean.filter {
        let unscored = ConstScoreQuery::new(compile_spelled(query, fields, spellings)?, 0.0);
        clauses.push((Occur::Must, Box::new(unscored)));
    }
    for query in &boolean.must_not {
        clauses.push((Occur::MustNot, compile_spelled(query, fields, spellings)?));
    }
    let mut should = Vec::new();
    for query in &boolean.should {
        should.push(compile_spelled(query, fields, spellings)?);
    }

    let required = boolean.required_should() as usize;
    if required > should.len() {
        return Ok(Box::new(EmptyQuery));
    }
    if !should.is_empty() {
        let any = BooleanQuery::union_with_minimum_required_clauses(should, required.max(1));
        let occur = if required > 0 { Occur::Must } else { Occur::Should };
        clauses.push((occur, Box::new(any)));
    }
    if !clauses.iter().any(|(occur, _)| *occur != Occur::MustNot) {
        clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(AllQuery), 0.0))));
    }
    Ok(Box::new(BooleanQuery::new(clauses)))
}

fn read(field_type: FieldType, path: &str, value: &Value) -> Result<FieldValue, CompileError> {
    FieldValue::read_one(path, field_type, value)
        .map_err(|error| CompileError::BadValue(error.to_string()))
}

fn exact(
    field: Field,
    field_type: FieldType,
    path: &str,
    value: &Value,
) -> Result<Compiled, CompileError> {
    if matches!(field_type, FieldType::Integer | FieldType::Long) && has_fraction(value) {
        return Ok(Box::new(EmptyQuery));
    }
    let term = match read(field_type, path, value)? {
        FieldValue::Str(text) => Term::from_field_text(field, &text),
        FieldValue::DateMillis(start) => {
            let end = crate::mapping::read_date_upper(value).map_err(CompileError::BadValue)?;
            let (start, end) =
                (Term::from_field_i64(field, start), Term::from_field_i64(field, end));
            let day = RangeQuery::new(Bound::Included(start), Bound::Included(end));
            return Ok(Box::new(ConstScoreQuery::new(Box::new(day), 1.0)));
        }
        FieldValue::I64(number) => Term::from_field_i64(field, number),
        FieldValue::F64(number) => Term::from_field_f64(field, number),
        FieldValue::Bool(flag) => Term::from_field_bool(field, flag),
    };
    Ok(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)))
}

/// Whether a number (or a number written as text) has a fractional part; an integer field
/// holds no such value, so Elasticsearch matches nothing for it.
fn has_fraction(value: &Value) -> bool {
    let number = match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse::<f64>().ok(),
        _ => None,
    };
    number.is_some_and(|number| number.is_finite() && number.fract() != 0.0)
}

/// An integer range bound from a number that may have a fraction: Elasticsearch rounds a
/// lower bound up and an upper bound down.
fn integer_bound(value: &Value, upper: bool) -> Option<i64> {
    let number = match value {
        Value::Number(number) => number.as_f64()?,
        Value::String(text) => text.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    if let Some(whole) = value.as_i64() {
        return Some(whole);
    }
    let rounded = if upper { number.floor() } else { number.ceil() };
    #[allow(clippy::cast_possible_truncation)]
    let clamped = rounded.clamp(i64::MIN as f64, i64::MAX as f64) as i64;
    Some(clamped)
}
