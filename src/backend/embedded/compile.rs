//! Compiles a query plan into a Tantivy query over one index.

use tantivy::Term;
use tantivy::query::{AllQuery, EmptyQuery, PhraseQuery, Query as TantivyQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};

use super::analyzer::analyze;
use super::schema::Fields;
use crate::mapping::{FieldType, FieldValue};
use crate::query::{MatchPhrase, Query, Term as TermPlan};

/// Why a plan cannot run on this index.
#[derive(Debug, thiserror::Error)]
pub enum CompileError {
    /// The plan names a path the mapping lacks.
    #[error("field `{0}` is not in the mapping")]
    UnknownField(String),
    /// A value does not fit its field.
    #[error("{0}")]
    BadValue(String),
}

/// The Tantivy query for `plan`.
pub fn compile(plan: &Query, fields: &Fields) -> Result<Box<dyn TantivyQuery>, CompileError> {
    match plan {
        Query::MatchAll(_) => Ok(Box::new(AllQuery)),
        Query::MatchPhrase(phrase) => match_phrase(phrase, fields),
        Query::Term(term) => term_query(term, fields),
    }
}

fn field(fields: &Fields, path: &str) -> Result<(Field, FieldType), CompileError> {
    fields.get(path).ok_or_else(|| CompileError::UnknownField(path.to_owned()))
}

fn match_phrase(
    phrase: &MatchPhrase,
    fields: &Fields,
) -> Result<Box<dyn TantivyQuery>, CompileError> {
    let (field, field_type) = field(fields, &phrase.field)?;
    if field_type != FieldType::Text {
        let value = serde_json::Value::String(phrase.text.clone());
        return exact(field, field_type, &phrase.field, &value);
    }

    let mut terms: Vec<(usize, Term)> = analyze(&phrase.text)
        .iter()
        .enumerate()
        .map(|(position, word)| (position, Term::from_field_text(field, word)))
        .collect();

    match terms.len() {
        0 => Ok(Box::new(EmptyQuery)),
        1 => {
            let (_, term) = terms.remove(0);
            Ok(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)))
        }
        _ => Ok(Box::new(PhraseQuery::new_with_offset(terms))),
    }
}

fn term_query(term: &TermPlan, fields: &Fields) -> Result<Box<dyn TantivyQuery>, CompileError> {
    let (field, field_type) = field(fields, &term.field)?;
    exact(field, field_type, &term.field, &term.value)
}

fn exact(
    field: Field,
    field_type: FieldType,
    path: &str,
    value: &serde_json::Value,
) -> Result<Box<dyn TantivyQuery>, CompileError> {
    let value = FieldValue::read_one(path, field_type, value)
        .map_err(|error| CompileError::BadValue(error.to_string()))?;

    let term = match value {
        FieldValue::Str(text) => Term::from_field_text(field, &text),
        FieldValue::I64(number) | FieldValue::DateMillis(number) => {
            Term::from_field_i64(field, number)
        }
        FieldValue::F64(number) => Term::from_field_f64(field, number),
        FieldValue::Bool(flag) => Term::from_field_bool(field, flag),
    };
    Ok(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)))
}
