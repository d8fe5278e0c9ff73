//! Query templates: Elasticsearch query DSL with typed placeholders.
//!
//! A placeholder is a JSON string that is exactly `"{{name}}"`. [`fill`] replaces each with
//! its parameter's JSON value (never by splicing text, so no value can change the query's
//! shape) and drops the clauses that hold the placeholder of a parameter the client left out:
//! the nearest enclosing element of an array (a clause of a `bool` list), or the whole query
//! when there is none. A range bound (`gte`, `lte`) without its value drops only that bound,
//! and the range clause goes when it has no bound left.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

/// The parameter a JSON value is a placeholder of.
fn placeholder(value: &Value) -> Option<&str> {
    let text = value.as_str()?;
    let name = text.strip_prefix("{{")?.strip_suffix("}}")?;
    (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then_some(name)
}

/// Adds the name of every placeholder of `template` to `found`.
pub fn placeholders(template: &Value, found: &mut BTreeSet<String>) {
    if let Some(name) = placeholder(template) {
        found.insert(name.to_owned());
        return;
    }
    match template {
        Value::Array(items) => items.iter().for_each(|item| placeholders(item, found)),
        Value::Object(members) => members.values().for_each(|value| placeholders(value, found)),
        _ => {}
    }
}

/// `template` with each placeholder replaced by its value in `values`, and the clauses of
/// placeholders without a value dropped. A template left with nothing is `match_all`.
pub fn fill(template: &Value, values: &BTreeMap<String, Value>) -> Value {
    prune(template, values).unwrap_or_else(|| serde_json::json!({"match_all": {}}))
}

/// The filled value, or `None` when it is to be dropped with its enclosing clause.
fn prune(template: &Value, values: &BTreeMap<String, Value>) -> Option<Value> {
    if let Some(name) = placeholder(template) {
        return values.get(name).cloned();
    }
    match template {
        Value::Array(items) => {
            Some(Value::Array(items.iter().filter_map(|item| prune(item, values)).collect()))
        }
        Value::Object(members) if !members.is_empty() => {
            let mut kept = Map::new();
            for (key, value) in members {
                match prune(value, values) {
                    Some(filled) => {
                        kept.insert(key.clone(), filled);
                    }
                    None if RANGE_BOUNDS.contains(&key.as_str()) => {}
                    None => return None,
                }
            }
            (!kept.is_empty()).then_some(Value::Object(kept))
        }
        other => Some(other.clone()),
    }
}

/// The members dropped alone when their placeholder has no value.
const RANGE_BOUNDS: [&str; 2] = ["gte", "lte"];

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn template() -> Value {
        json!({"bool": {
            "must": [{"match": {"owner_name": {"query": "{{owner}}", "operator": "and"}}}],
            "filter": [
                {"terms": {"species": "{{species}}"}},
                {"range": {"visit_date": {"gte": "{{since}}", "lte": "{{until}}"}}}
            ]
        }})
    }

    #[test]
    fn values_replace_whole_placeholders_as_json() {
        let values = BTreeMap::from([
            ("owner".to_owned(), json!("\"}} {\"script\": 1")),
            ("species".to_owned(), json!(["Dog", "Cat"])),
            ("since".to_owned(), json!("2024-01-01")),
            ("until".to_owned(), json!("2024-12-31")),
        ]);
        let filled = fill(&template(), &values);
        assert_eq!(
            filled["bool"]["must"][0]["match"]["owner_name"]["query"],
            json!("\"}} {\"script\": 1")
        );
        assert_eq!(filled["bool"]["filter"][0]["terms"]["species"], json!(["Dog", "Cat"]));
    }

    #[test]
    fn absent_values_drop_their_clause_or_range_bound() {
        let values = BTreeMap::from([("since".to_owned(), json!("2024-01-01"))]);
        let filled = fill(&template(), &values);
        assert_eq!(
            filled,
            json!({"bool": {
                "must": [],
                "filter": [{"range": {"visit_date": {"gte": "2024-01-01"}}}]
            }})
        );
        assert_eq!(
            fill(&json!({"term": {"k": "{{k}}"}}), &BTreeMap::new()),
            json!({"match_all": {}})
        );
    }

    #[test]
    fn lists_the_placeholders() {
        let mut found = BTreeSet::new();
        placeholders(&template(), &mut found);
        let names: Vec<&str> = found.iter().map(String::as_str).collect();
        assert_eq!(names, ["owner", "since", "species", "until"]);
    }
}
