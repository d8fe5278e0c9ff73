//! Checks of `search` and `template` endpoints against their index's mapping: every field
//! exists and suits its use, parameter names are valid and distinct, limits make sense, and a
//! template's placeholders match its declared parameters.

use std::collections::{BTreeSet, HashSet};

use serde_json::Value;

use super::load::{Config, Reader};
use super::problem::KeyPath;
use super::search::{FilterKind, SearchEndpoint};
use super::template::{ParamType, TemplateEndpoint};
use super::validate::{MAX_PAGE_SIZE, check_param, known_index, unknown_field};
use super::{IndexSpec, SizeLimits};
use crate::mapping::{FieldType, FieldValue, Mapping};
use crate::query::Query;

/// The deepest `page × size` an operator may allow (Elasticsearch's default result window).
pub const MAX_DEPTH: u64 = 10_000;

/// Parameter names every search endpoint reserves.
pub const RESERVED_PARAMS: [&str; 3] = ["size", "page", "cursor"];

/// The key hits carry their highlights under.
pub const HIGHLIGHT_KEY: &str = "highlight";

/// The longest highlight tag accepted.
const MAX_TAG_CHARS: usize = 64;

/// Checks a search endpoint.
pub(super) fn check_search(
    config: &Config,
    search: &SearchEndpoint,
    at: &KeyPath,
    reader: &mut Reader<'_>,
) {
    let mut params = Params::default();
    check_size(&search.size, search.paging.max_depth, at, reader);
    if search.paging.max_depth == 0 || search.paging.max_depth > MAX_DEPTH {
        reader.problem(&at.key("paging").key("max_depth"), format!("must be 1..={MAX_DEPTH}"));
    }
    if search.paging.keep_alive_secs == 0 || search.paging.keep_alive_secs > 3600 {
        reader.problem(&at.key("paging").key("keep_alive_secs"), "must be 1..=3600");
    }
    if search.total_cap == Some(0) {
        reader.problem(&at.key("total_cap"), "must be 1 or more");
    }
    if search.methods.is_empty() {
        reader.problem(&at.key("methods"), "list at least one of \"GET\" and \"POST\"");
    }

    if let Some(text) = &search.text {
        params.take(&text.param, &at.key("text").key("param"), reader);
        if text.max_chars == 0 {
            reader.problem(&at.key("text").key("max_chars"), "must be 1 or more");
        }
        match (&text.field, text.fields.is_empty()) {
            (Some(_), false) => {
                reader.problem(&at.key("text"), "give `field` or `fields`, not both");
            }
            (None, true) => reader.problem(&at.key("text"), "name the text `fields` searched"),
            _ => {}
        }
    }
    for (position, filter) in search.filters.iter().enumerate() {
        let filter_at = at.key("filters").index(position);
        if filter.kind == FilterKind::Range {
            check_param(&filter.param, &filter_at.key("param"), reader);
            for suffix in ["_from", "_to"] {
                params.take(&format!("{}{suffix}", filter.param), &filter_at.key("param"), reader);
            }
        } else {
            params.take(&filter.param, &filter_at.key("param"), reader);
        }
        if filter.kind == FilterKind::List && !(1..=1024).contains(&filter.max_values) {
            reader.problem(&filter_at.key("max_values"), "must be 1..=1024");
        }
        if filter.max_chars == 0 {
            reader.problem(&filter_at.key("max_chars"), "must be 1 or more");
        }
    }
    if let Some(sorts) = &search.sorts {
        params.take(&sorts.param, &at.key("sorts").key("param"), reader);
        if !sorts.options.contains_key(&sorts.default) {
            let names: Vec<&str> = sorts.options.keys().map(String::as_str).collect();
            let message =
                format!("`{}` is not one of the options ({})", sorts.default, names.join(", "));
            reader.problem(&at.key("sorts").key("default"), message);
        }
    }

    let Some(index) = known_index(config, &search.index, &at.key("index"), reader) else {
        return;
    };
    let fields = Fields { index, reader };
    check_search_fields(search, at, fields);
}

fn check_search_fields(search: &SearchEndpoint, at: &KeyPath, mut fields: Fields<'_, '_, '_>) {
    if let Some(text) = &search.text {
        let key = if text.field.is_some() { "field" } else { "fields" };
        for (position, declared) in text.declared_fields().into_iter().enumerate() {
            let field_at = if text.field.is_some() {
                at.key("text").key(key)
            } else {
                at.key("text").key(key).index(position)
            };
            let (path, boost) = split_boost(declared);
            if boost.is_none() {
                fields.reader.problem(&field_at, "the boost after `^` must be a positive number");
            }
            fields.expect(path, &field_at, &[FieldType::Text], "text search needs a text field");
        }
    }

    for (position, filter) in search.filters.iter().enumerate() {
        let field_at = at.key("filters").index(position).key("field");
        let (allowed, why): (&[FieldType], _) = match filter.kind {
            FilterKind::Range => {
                (&NUMBERS_AND_DATES, "a range filter needs a number or date field")
            }
            _ => (&EXACT, "this filter needs a keyword, number, date or boolean field"),
        };
        fields.expect(&filter.field, &field_at, allowed, why);
    }
    for (position, fixed) in search.fixed_filters.iter().enumerate() {
        let fixed_at = at.key("fixed_filters").index(position);
        let why = "a fixed filter needs a keyword, number, date or boolean field";
        let Some(field_type) = fields.expect(&fixed.field, &fixed_at.key("field"), &EXACT, why)
        else {
            continue;
        };
        let values = fixed.accepted();
        if values.is_empty() || (fixed.value.is_some() && fixed.values.is_some()) {
            fields.reader.problem(&fixed_at, "give `value` or a non-empty `values`, not both");
        }
        for value in values {
            if let Err(error) = FieldValue::read_one(&fixed.field, field_type, &value) {
                fields.reader.problem(&fixed_at, error.to_string());
            }
        }
    }

    if let Some(sorts) = &search.sorts {
        for (name, keys) in &sorts.options {
            let option_at = at.key("sorts").key("options").key(name);
            if keys.is_empty() {
                fields.reader.problem(&option_at, "list at least one key");
            }
            for (position, key) in keys.iter().enumerate() {
                if key == "_score" {
                    continue;
                }
                let path = key.strip_prefix('-').unwrap_or(key);
                let why = "sorting needs a keyword, number, date or boolean field (a text \
                           field has a `.keyword` sub-field for that)";
                fields.expect(path, &option_at.index(position), &EXACT, why);
            }
        }
    }
    for (position, facet) in search.facets.iter().enumerate() {
        let facet_at = at.key("facets").index(position);
        let why = "facets count the values of keyword fields";
        fields.expect(&facet.field, &facet_at.key("field"), &[FieldType::Keyword], why);
        if !(1..=1000).contains(&facet.size) {
            fields.reader.problem(&facet_at.key("size"), "must be 1..=1000");
        }
    }
    if let Some(highlight) = &search.highlight {
        let highlight_at = at.key("highlight");
        for (position, path) in highlight.fields.iter().enumerate() {
            let why = "highlighting marks words of text fields";
            fields.expect(
                path,
                &highlight_at.key("fields").index(position),
                &[FieldType::Text],
                why,
            );
        }
        for (key, tag) in [("pre_tag", &highlight.pre_tag), ("post_tag", &highlight.post_tag)] {
            if tag.chars().count() > MAX_TAG_CHARS {
                let message = format!("must be at most {MAX_TAG_CHARS} characters");
                fields.reader.problem(&highlight_at.key(key), message);
            }
        }
    }

    let extra = search.highlight.as_ref().map(|_| HIGHLIGHT_KEY);
    check_shape(&search.source, &search.rename, search.id.as_deref(), extra, at, &mut fields);
}

const EXACT: [FieldType; 7] = [
    FieldType::Keyword,
    FieldType::Integer,
    FieldType::Long,
    FieldType::Float,
    FieldType::Double,
    FieldType::Date,
    FieldType::Boolean,
];

const NUMBERS_AND_DATES: [FieldType; 5] =
    [FieldType::Integer, FieldType::Long, FieldType::Float, FieldType::Double, FieldType::Date];

/// Checks a template endpoint.
pub(super) fn check_template(
    config: &Config,
    template: &TemplateEndpoint,
    at: &KeyPath,
    reader: &mut Reader<'_>,
) {
    let mut params = Params::default();
    check_size(&template.size, template.max_depth, at, reader);
    for (name, param) in &template.params {
        params.take(name, &at.key("params").key(name), reader);
        if param.param_type == ParamType::StringList && !(1..=1024).contains(&param.max_values) {
            reader.problem(&at.key("params").key(name).key("max_values"), "must be 1..=1024");
        }
    }

    let query_at = at.key("query");
    let written: Value = match serde_json::from_str(&template.query) {
        Ok(written) => written,
        Err(error) => {
            reader.problem(&query_at, format!("the query is not JSON: {error}"));
            return;
        }
    };
    let mut used = BTreeSet::new();
    crate::query::template::placeholders(&written, &mut used);
    for name in &used {
        if !template.params.contains_key(name) {
            let message = format!(
                "the placeholder `{{{{{name}}}}}` has no declared parameter; \
                                   declare `params.{name}`"
            );
            reader.problem(&query_at, message);
        }
    }
    for name in template.params.keys().filter(|name| !used.contains(*name)) {
        let message = format!("`{name}` is used by no placeholder of the query");
        reader.problem(&at.key("params").key(name), message);
    }

    let samples =
        template.params.iter().map(|(name, param)| (name.clone(), sample(param.param_type)));
    let filled = crate::query::template::fill(&written, &samples.collect());
    let plan = match Query::from_elasticsearch(&filled) {
        Ok(plan) => plan,
        Err(problem) => {
            reader.problem(&query_at, problem);
            return;
        }
    };

    let Some(index) = known_index(config, &template.index, &at.key("index"), reader) else {
        return;
    };
    let mut fields = Fields { index, reader };
    for path in plan.fields_and_texts().0 {
        if index.mapping.field(path).is_none() {
            unknown_field(fields.reader, &query_at, &template.index, path);
        }
    }
    check_shape(&template.source, &template.rename, template.id.as_deref(), None, at, &mut fields);
}

/// A value of each type, to check that a filled template reads as a query.
fn sample(param_type: ParamType) -> Value {
    match param_type {
        ParamType::String => Value::from("text"),
        ParamType::Integer => Value::from(1),
        ParamType::Number => Value::from(1.5),
        ParamType::Boolean => Value::from(true),
        ParamType::Date => Value::from("2024-01-01"),
        ParamType::StringList => Value::from(vec!["text"]),
    }
}

fn check_size(size: &SizeLimits, max_depth: u64, at: &KeyPath, reader: &mut Reader<'_>) {
    if size.max == 0 || size.max > MAX_PAGE_SIZE {
        reader.problem(&at.key("size").key("max"), format!("must be 1..={MAX_PAGE_SIZE}"));
    }
    if size.default == 0 || size.default > size.max {
        reader.problem(&at.key("size").key("default"), "must be 1 or more and at most `max`");
    }
    if size.max <= MAX_PAGE_SIZE && size.max > max_depth {
        reader.problem(&at.key("size").key("max"), "must not exceed the paging depth");
    }
}

/// Checks the returned fields, their new names, and the id's name.
fn check_shape(
    source: &[String],
    rename: &std::collections::BTreeMap<String, String>,
    id: Option<&str>,
    extra: Option<&str>,
    at: &KeyPath,
    fields: &mut Fields<'_, '_, '_>,
) {
    let mapping = &fields.index.mapping;
    if source.is_empty() && id.is_none() {
        fields.reader.problem(&at.key("source"), "list at least one field for each hit to return");
    }
    for (position, path) in source.iter().enumerate() {
        let is_source = mapping.source_fields().any(|field| &field.path == path);
        if !is_source && !mapping.is_object(path) {
            unknown_field(
                fields.reader,
                &at.key("source").index(position),
                &fields.index.name,
                path,
            );
        }
    }
    for from in rename.keys() {
        if !source.contains(from) {
            let message = format!("`{from}` is not one of the returned `source` fields");
            fields.reader.problem(&at.key("rename").key(from), message);
        }
    }

    let mut names: HashSet<&str> = HashSet::new();
    let returned = source.iter().map(|path| rename.get(path).unwrap_or(path).as_str());
    for name in returned.chain(id).chain(extra) {
        if !names.insert(name) {
            let message = format!("two returned values would be named `{name}`");
            fields.reader.problem(&at.key("rename"), message);
        }
    }
}

/// Splits `path^boost`; the boost is `None` when it is not a positive number.
pub fn split_boost(declared: &str) -> (&str, Option<f32>) {
    match declared.split_once('^') {
        None => (declared, Some(1.0)),
        Some((path, boost)) => {
            let boost = boost.parse::<f32>().ok().filter(|b| b.is_finite() && *b > 0.0);
            (path, boost)
        }
    }
}

/// The parameter names of one endpoint, to find a name used twice.
#[derive(Default)]
struct Params {
    taken: HashSet<String>,
}

impl Params {
    fn take(&mut self, name: &str, at: &KeyPath, reader: &mut Reader<'_>) {
        check_param(name, at, reader);
        if RESERVED_PARAMS.contains(&name) {
            reader.problem(at, format!("`{name}` is a parameter of every search; choose another"));
        } else if !self.taken.insert(name.to_owned()) {
            reader.problem(at, format!("the parameter `{name}` is declared twice"));
        }
    }
}

/// The mapping fields of one index, checked for their uses.
struct Fields<'c, 'r, 'a> {
    index: &'c IndexSpec,
    reader: &'r mut Reader<'a>,
}

impl Fields<'_, '_, '_> {
    /// The field's type when `path` is a field of one of the `allowed` types; records a
    /// problem otherwise.
    fn expect(
        &mut self,
        path: &str,
        at: &KeyPath,
        allowed: &[FieldType],
        why: &str,
    ) -> Option<FieldType> {
        let mapping: &Mapping = &self.index.mapping;
        match mapping.field(path) {
            None => {
                unknown_field(self.reader, at, &self.index.name, path);
                None
            }
            Some(field) if !allowed.contains(&field.field_type) => {
                let message = format!(
                    "`{path}` is {} {} field; {why}",
                    field.field_type.article(),
                    field.field_type.name()
                );
                self.reader.problem(at, message);
                None
            }
            Some(field) => Some(field.field_type),
        }
    }
}
