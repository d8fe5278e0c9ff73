//! From checked parameters to the search the backend runs.

use serde_json::Value;

use super::declared::{CURSOR, Declared, PAGE, SIZE};
use crate::api::cursor::Position;
use crate::api::error::{ApiError, FieldProblem};
use crate::api::params::Checked;
use crate::backend::{FacetRequest, HighlightRequest, SearchRequest, Snapshot};
use crate::config::{FilterKind, TextMode};
use crate::query::{Bool, Exists, Match, MatchBoolPrefix, MatchPhrase, Operator, Query, Range};
use crate::query::{Term, Terms};

/// The search `checked` asks for, continuing from `position` when a cursor gave one.
pub fn plan(
    declared: &Declared,
    checked: &Checked,
    position: Option<&Position>,
) -> Result<SearchRequest, ApiError> {
    let endpoint = &declared.endpoint;
    let size = checked.integer(SIZE).unwrap_or(endpoint.size.default);
    let page = checked.integer(PAGE);
    if page.is_some() && checked.value(CURSOR).is_some() {
        let problem = "cannot be combined with `cursor`; send one or the other";
        return Err(ApiError::Invalid(vec![FieldProblem::new(PAGE, problem)]));
    }
    let from = page.map_or(0, |page| (page - 1).saturating_mul(size));
    if from.saturating_add(size) > endpoint.paging.max_depth {
        let mut problem = format!(
            "page × size must be at most {}; ask for an earlier page or a smaller size",
            endpoint.paging.max_depth
        );
        if endpoint.paging.cursor {
            problem.push_str(", or follow `next_cursor` to go deeper");
        }
        return Err(ApiError::Invalid(vec![FieldProblem::new(PAGE, problem)]));
    }

    let mut request = SearchRequest::new(query(declared, checked), to_usize(size), Vec::new());
    request.from = to_usize(from);
    request.source_fields = endpoint.source.clone();
    request.total_cap = endpoint.total_cap;
    if let Some(sorts) = &endpoint.sorts {
        let name = checked.text(&sorts.param).unwrap_or(&sorts.default);
        request.sort = declared.sorts.get(name).cloned().unwrap_or_default();
    }
    request.facets = endpoint
        .facets
        .iter()
        .map(|facet| FacetRequest { field: facet.field.clone(), size: facet.size })
        .collect();
    request.highlight = endpoint.highlight.as_ref().map(|highlight| HighlightRequest {
        fields: highlight.fields.clone(),
        pre_tag: highlight.pre_tag.clone(),
        post_tag: highlight.post_tag.clone(),
    });

    if let Some(position) = position {
        let keep_alive_secs = endpoint.paging.keep_alive_secs;
        request.after = position.after.clone();
        request.from = if position.after.is_none() { to_usize(position.seen) } else { 0 };
        request.snapshot = match (&position.snapshot, &position.after) {
            (Some(id), _) => Snapshot::Continue { id: id.clone(), keep_alive_secs },
            (None, None) => Snapshot::Open { keep_alive_secs },
            (None, Some(_)) => Snapshot::None,
        };
    }
    Ok(request)
}

/// The query: the text in `must`, the client's and the fixed filters in `filter`.
pub fn query(declared: &Declared, checked: &Checked) -> Query {
    let endpoint = &declared.endpoint;
    let text = endpoint.text.as_ref().and_then(|text| {
        let words = checked.text(&text.param)?;
        Some(text_query(text.mode, &declared.text_fields, words))
    });

    let mut filters = Vec::new();
    for filter in &endpoint.filters {
        let field = filter.field.clone();
        match filter.kind {
            FilterKind::Exact => {
                if let Some(value) = checked.value(&filter.param) {
                    filters.push(Query::Term(Term { field, value: value.clone() }));
                }
            }
            FilterKind::List => {
                if let Some(Value::Array(values)) = checked.value(&filter.param) {
                    filters.push(Query::Terms(Terms { field, values: values.clone() }));
                }
            }
            FilterKind::Range => {
                let gte = checked.value(&format!("{}_from", filter.param)).cloned();
                let lte = checked.value(&format!("{}_to", filter.param)).cloned();
                if gte.is_some() || lte.is_some() {
                    filters.push(Query::Range(Range { field, gte, lte }));
                }
            }
            FilterKind::Exists => match checked.value(&filter.param) {
                Some(Value::Bool(true)) => filters.push(Query::Exists(Exists { field })),
                Some(Value::Bool(false)) => {
                    let none =
                        Bool { must_not: vec![Query::Exists(Exists { field })], ..Bool::default() };
                    filters.push(Query::Bool(Box::new(none)));
                }
                _ => {}
            },
        }
    }
    filters.extend(declared.fixed.iter().cloned());

    match (text, filters.is_empty()) {
        (Some(text), true) => text,
        (None, true) => Query::MatchAll(crate::query::MatchAll),
        (text, false) => {
            let must = text.into_iter().collect();
            Query::Bool(Box::new(Bool { must, filter: filters, ..Bool::default() }))
        }
    }
}

/// The text query over every declared field; the fields' scores add up.
fn text_query(mode: TextMode, fields: &[(String, Option<f32>)], words: &str) -> Query {
    let mut per_field: Vec<Query> = fields
        .iter()
        .map(|(field, boost)| {
            let (field, text, boost) = (field.clone(), words.to_owned(), *boost);
            match mode {
                TextMode::Phrase => Query::MatchPhrase(MatchPhrase { field, text, boost }),
                TextMode::All | TextMode::Any | TextMode::Typo => {
                    let operator = if mode == TextMode::Any { Operator::Or } else { Operator::And };
                    let fuzzy = mode == TextMode::Typo;
                    Query::Match(Match { field, text, operator, fuzzy, boost })
                }
                TextMode::Prefix => {
                    let operator = Operator::And;
                    Query::MatchBoolPrefix(MatchBoolPrefix { field, text, operator, boost })
                }
            }
        })
        .collect();

    if per_field.len() == 1 {
        per_field.remove(0)
    } else {
        Query::Bool(Box::new(Bool::any_of(per_field)))
    }
}

fn to_usize(number: u64) -> usize {
    usize::try_from(number).unwrap_or(usize::MAX)
}
