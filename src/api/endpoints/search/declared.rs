//! A search endpoint made ready to serve: its parameter specs, and its fields, filters and
//! sorts resolved against the index mapping once, when the router is built.

use std::collections::BTreeMap;

use crate::api::params::{ParamKind, ParamSpec};
use crate::backend::SortKey;
use crate::config::{FilterKind, SearchEndpoint, TextMode};
use crate::mapping::{FieldType, Mapping};
use crate::query::{Query, Term, Terms};

/// The page number parameter.
pub const PAGE: &str = "page";
/// The page size parameter.
pub const SIZE: &str = "size";
/// The cursor parameter.
pub const CURSOR: &str = "cursor";

/// A search endpoint with everything resolved.
#[derive(Debug, Clone)]
pub struct Declared {
    /// The route, which cursors are bound to.
    pub path: String,
    /// The endpoint as configured.
    pub endpoint: SearchEndpoint,
    /// Every parameter the endpoint accepts.
    pub specs: Vec<ParamSpec>,
    /// The text fields searched, with their boosts.
    pub text_fields: Vec<(String, Option<f32>)>,
    /// The fixed filters, as queries.
    pub fixed: Vec<Query>,
    /// The sort orders by name.
    pub sorts: BTreeMap<String, Vec<SortKey>>,
}

impl Declared {
    /// Resolves `endpoint` (already checked with its config) against `mapping`.
    pub fn new(path: &str, endpoint: &SearchEndpoint, mapping: &Mapping) -> Declared {
        let text_fields = endpoint
            .text
            .iter()
            .flat_map(|text| text.declared_fields())
            .map(|declared| {
                let (path, boost) = crate::config::split_boost(declared);
                (path.to_owned(), boost.filter(|boost| (boost - 1.0).abs() > f32::EPSILON))
            })
            .collect();
        let fixed = endpoint.fixed_filters.iter().map(|fixed| {
            let mut values = fixed.accepted();
            if values.len() == 1 {
                Query::Term(Term::new(&fixed.field, values.remove(0)))
            } else {
                Query::Terms(Terms { field: fixed.field.clone(), values })
            }
        });
        let sorts = endpoint
            .sorts
            .iter()
            .flat_map(|sorts| &sorts.options)
            .map(|(name, keys)| (name.clone(), keys.iter().map(|key| sort_key(key)).collect()));

        let mut declared = Declared {
            path: path.to_owned(),
            endpoint: endpoint.clone(),
            specs: Vec::new(),
            text_fields,
            fixed: fixed.collect(),
            sorts: sorts.collect(),
        };
        declared.specs = specs(&declared, mapping);
        declared
    }
}

fn sort_key(key: &str) -> SortKey {
    match key {
        "_score" => SortKey::Score,
        descending if descending.starts_with('-') => {
            SortKey::Field { field: descending[1..].to_owned(), descending: true }
        }
        ascending => SortKey::Field { field: ascending.to_owned(), descending: false },
    }
}

fn spec(name: &str, kind: ParamKind, required: bool, description: String) -> ParamSpec {
    ParamSpec { name: name.to_owned(), kind, required, description }
}

fn specs(declared: &Declared, mapping: &Mapping) -> Vec<ParamSpec> {
    let endpoint = &declared.endpoint;
    let mut specs = Vec::new();

    if let Some(text) = &endpoint.text {
        let fields: Vec<&str> = declared.text_fields.iter().map(|(f, _)| f.as_str()).collect();
        let how = match text.mode {
            TextMode::Phrase => "the words next to each other, in order",
            TextMode::All => "every word",
            TextMode::Any => "any of the words",
            TextMode::Prefix => "every word, the last one as the start of a word",
            TextMode::Typo => "every word, forgiving typos",
        };
        let description = format!("The search text: matches {how}, in {}.", fields.join(", "));
        let kind = ParamKind::Text { max_chars: text.max_chars };
        specs.push(spec(&text.param, kind, text.required, description));
    }
    for filter in &endpoint.filters {
        let field_type = mapping.field(&filter.field).map_or(FieldType::Keyword, |f| f.field_type);
        let max_chars = filter.max_chars;
        let field = &filter.field;
        match filter.kind {
            FilterKind::Exact => {
                let kind = ParamKind::Exact { field_type, max_chars };
                let description = format!("Only documents whose {field} is exactly this.");
                specs.push(spec(&filter.param, kind, false, description));
            }
            FilterKind::List => {
                let max_values = filter.max_values;
                let kind = ParamKind::List { field_type, max_values, max_chars };
                let description = format!("Only documents whose {field} is one of these.");
                specs.push(spec(&filter.param, kind, false, description));
            }
            FilterKind::Range => {
                for (suffix, bound) in [("_from", "at least"), ("_to", "at most")] {
                    let kind = ParamKind::Exact { field_type, max_chars };
                    let description = format!("Only documents whose {field} is {bound} this.");
                    specs.push(spec(
                        &format!("{}{suffix}", filter.param),
                        kind,
                        false,
                        description,
                    ));
                }
            }
            FilterKind::Exists => {
                let description =
                    format!("true: only documents with a {field}; false: only those without.");
                specs.push(spec(&filter.param, ParamKind::Flag, false, description));
            }
        }
    }
    if let Some(sorts) = &endpoint.sorts {
        let options = sorts.options.keys().cloned().collect();
        let kind = ParamKind::Choice { options, default: sorts.default.clone() };
        specs.push(spec(&sorts.param, kind, false, "The order of the hits.".into()));
    }

    let size = endpoint.size;
    let kind = ParamKind::Integer { min: 1, max: size.max, default: Some(size.default) };
    specs.push(spec(SIZE, kind, false, "How many hits to return.".into()));
    let depth = endpoint.paging.max_depth;
    let kind = ParamKind::Integer { min: 1, max: depth, default: None };
    let description = format!("The page to return, from 1; page × size may reach {depth}.");
    specs.push(spec(PAGE, kind, false, description));
    if endpoint.paging.cursor {
        let description = "The `next_cursor` of the previous page, with the same other \
                           parameters, for the page after it."
            .to_owned();
        specs.push(spec(CURSOR, ParamKind::Cursor, false, description));
    }
    specs
}
