//! Reading Elasticsearch query DSL into the plan, for template endpoints.
//!
//! The subset read is the one the plan holds: `match_all`, `match` (with `operator`, `boost`
//! and `fuzziness: "AUTO"`), `match_phrase`, `match_bool_prefix`, `term`, `terms`, `range`
//! (`gte` and `lte`), `exists` and `bool`. Anything else is refused with the path where it
//! was found, so a template runs the same way on every backend or not at all.

use serde_json::{Map, Value};

use super::{
    Bool, Exists, Match, MatchAll, MatchBoolPrefix, MatchPhrase, Operator, Query, Range, Term,
    Terms,
};

/// The deepest nesting of `bool` queries read.
const MAX_DEPTH: usize = 32;

/// Why a query cannot be read: where, and what is wrong.
pub type ParseError = String;

impl Query {
    /// Reads one query written in Elasticsearch's query DSL.
    pub fn from_elasticsearch(json: &Value) -> Result<Query, ParseError> {
        read(json, "query", 0)
    }
}

fn read(json: &Value, at: &str, depth: usize) -> Result<Query, ParseError> {
    if depth > MAX_DEPTH {
        return Err(format!("{at}: queries nest deeper than {MAX_DEPTH} levels"));
    }
    let Some(object) = json.as_object().filter(|object| object.len() == 1) else {
        return Err(format!("{at}: a query is an object with exactly one key, such as `match`"));
    };
    let Some((kind, body)) = object.iter().next() else {
        return Err(format!("{at}: empty query"));
    };
    let at = format!("{at}.{kind}");

    match kind.as_str() {
        "match_all" => Ok(Query::MatchAll(MatchAll)),
        "match" => {
            let (field, options) = one_field(body, &at)?;
            let text = text_option(&options, &at)?;
            let operator = match options.get("operator").and_then(Value::as_str) {
                None | Some("or" | "OR") => Operator::Or,
                Some("and" | "AND") => Operator::And,
                Some(other) => return Err(format!("{at}: unknown operator `{other}`")),
            };
            let fuzzy = match options.get("fuzziness") {
                None => false,
                Some(Value::String(auto)) if auto.eq_ignore_ascii_case("auto") => true,
                Some(_) => return Err(format!("{at}: only `\"fuzziness\": \"AUTO\"` is read")),
            };
            known_options(&options, &["query", "operator", "fuzziness", "boost"], &at)?;
            Ok(Query::Match(Match { field, text, operator, fuzzy, boost: boost(&options, &at)? }))
        }
        "match_phrase" => {
            let (field, options) = one_field(body, &at)?;
            let text = text_option(&options, &at)?;
            known_options(&options, &["query", "boost"], &at)?;
            let boost = boost(&options, &at)?;
            Ok(Query::MatchPhrase(MatchPhrase { field, text, boost }))
        }
        "match_bool_prefix" => {
            let (field, options) = one_field(body, &at)?;
            let text = text_option(&options, &at)?;
            let operator = match options.get("operator").and_then(Value::as_str) {
                Some("and" | "AND") => Operator::And,
                _ => Operator::Or,
            };
            known_options(&options, &["query", "operator", "boost"], &at)?;
            let boost = boost(&options, &at)?;
            Ok(Query::MatchBoolPrefix(MatchBoolPrefix { field, text, operator, boost }))
        }
        "term" => {
            let (field, options) = one_field_with(body, &at, "value")?;
            known_options(&options, &["value"], &at)?;
            let value = options.get("value").filter(|value| is_scalar(value));
            let value = value.ok_or_else(|| format!("{at}: the value must be a scalar"))?;
            Ok(Query::Term(Term { field, value: value.clone() }))
        }
        "terms" => {
            let (field, values) = single_member(body, &at)?;
            let Some(values) = values.as_array().filter(|values| values.iter().all(is_scalar))
            else {
                return Err(format!("{at}: the values must be an array of scalars"));
            };
            Ok(Query::Terms(Terms { field, values: values.clone() }))
        }
        "range" => {
            let (field, bounds) = single_member(body, &at)?;
            let Some(bounds) = bounds.as_object() else {
                return Err(format!("{at}: the bounds must be an object"));
            };
            known_options(bounds, &["gte", "lte"], &at)?;
            let gte = bounds.get("gte").cloned();
            let lte = bounds.get("lte").cloned();
            Ok(Query::Range(Range { field, gte, lte }))
        }
        "exists" => {
            let field = body.get("field").and_then(Value::as_str);
            let field = field.ok_or_else(|| format!("{at}: needs `field`"))?;
            Ok(Query::Exists(Exists { field: field.to_owned() }))
        }
        "bool" => read_bool(body, &at, depth),
        other => Err(format!(
            "{at}: `{other}` is not supported; use match_all, match, match_phrase, \
             match_bool_prefix, term, terms, range, exists or bool"
        )),
    }
}

fn read_bool(body: &Value, at: &str, depth: usize) -> Result<Query, ParseError> {
    let Some(clauses) = body.as_object() else {
        return Err(format!("{at}: must be an object"));
    };
    known_options(clauses, &["must", "should", "filter", "must_not", "minimum_should_match"], at)?;

    let list = |name: &str| -> Result<Vec<Query>, ParseError> {
        let at = format!("{at}.{name}");
        match clauses.get(name) {
            None => Ok(Vec::new()),
            Some(Value::Array(queries)) => queries
                .iter()
                .enumerate()
                .map(|(position, query)| read(query, &format!("{at}[{position}]"), depth + 1))
                .collect(),
            Some(query) => Ok(vec![read(query, &at, depth + 1)?]),
        }
    };
    let minimum_should_match = match clauses.get("minimum_should_match") {
        None => None,
        Some(Value::Number(number)) => number.as_u64().and_then(|n| u32::try_from(n).ok()),
        Some(_) => return Err(format!("{at}.minimum_should_match: must be a whole number")),
    };

    Ok(Query::Bool(Box::new(Bool {
        must: list("must")?,
        should: list("should")?,
        filter: list("filter")?,
        must_not: list("must_not")?,
        minimum_should_match,
    })))
}

fn single_member(body: &Value, at: &str) -> Result<(String, Value), ParseError> {
    match body.as_object() {
        Some(object) if object.len() == 1 => {
            let (field, value) = object.iter().next().ok_or_else(|| format!("{at}: empty"))?;
            Ok((field.clone(), value.clone()))
        }
        _ => Err(format!("{at}: must name exactly one field")),
    }
}

/// A field and its options; the short form `{field: "text"}` stands for `{"query": "text"}`.
fn one_field(body: &Value, at: &str) -> Result<(String, Map<String, Value>), ParseError> {
    one_field_with(body, at, "query")
}

fn one_field_with(
    body: &Value,
    at: &str,
    short_key: &str,
) -> Result<(String, Map<String, Value>), ParseError> {
    let (field, value) = single_member(body, at)?;
    let options = match value {
        Value::Object(options) => options,
        short => Map::from_iter([(short_key.to_owned(), short)]),
    };
    Ok((field, options))
}

fn text_option(options: &Map<String, Value>, at: &str) -> Result<String, ParseError> {
    match options.get("query") {
        Some(Value::String(text)) => Ok(text.clone()),
        Some(Value::Number(number)) => Ok(number.to_string()),
        _ => Err(format!("{at}: needs a `query` string")),
    }
}

fn boost(options: &Map<String, Value>, at: &str) -> Result<Option<f32>, ParseError> {
    match options.get("boost") {
        None => Ok(None),
        Some(Value::Number(number)) => match number.as_f64() {
            #[allow(clippy::cast_possible_truncation)]
            Some(boost) if boost.is_finite() && boost > 0.0 => Ok(Some(boost as f32)),
            _ => Err(format!("{at}.boost: must be a positive number")),
        },
        Some(_) => Err(format!("{at}.boost: must be a number")),
    }
}

fn known_options(options: &Map<String, Value>, known: &[&str], at: &str) -> Result<(), ParseError> {
    match options.keys().find(|key| !known.contains(&key.as_str())) {
        Some(key) => {
            Err(format!("{at}: `{key}` is not supported here (supported: {})", known.join(", ")))
        }
        None => Ok(()),
    }
}

fn is_scalar(value: &Value) -> bool {
    matches!(value, Value::String(_) | Value::Number(_) | Value::Bool(_))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_back_what_the_plan_writes() {
        let written = json!({"bool": {
            "must": [{"match": {"t": {"query": "a b", "operator": "and", "fuzziness": "AUTO"}}}],
            "should": [{"match_phrase": {"t": {"query": "a b", "boost": 2.0}}}],
            "filter": [{"terms": {"k": ["x", "y"]}}, {"range": {"n": {"gte": 1, "lte": 5}}}],
            "must_not": [{"exists": {"field": "gone"}}],
            "minimum_should_match": 0
        }});

        let query = Query::from_elasticsearch(&written).expect("a supported query");
        assert_eq!(query.to_elasticsearch(), written);
    }

    #[test]
    fn names_where_an_unsupported_query_is() {
        let written = json!({"bool": {"filter": [{"term": {"k": "x"}}, {"script": {}}]}});
        let error = Query::from_elasticsearch(&written).unwrap_err();
        assert!(error.starts_with("query.bool.filter[1].script:"), "{error}");
    }
}
