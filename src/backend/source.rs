//! Picking the requested fields out of a document's source, the same way on every backend.
//!
//! A hit returns each requested path under its own dotted name, so `clinic.city` comes back
//! as `{"clinic.city": "Lyon"}` whichever engine stored the document.

use serde_json::{Map, Value};

/// The value at a dotted path, following objects (and, like Elasticsearch, arrays of objects
/// are not followed: such paths are left unindexed).
pub fn lookup<'a>(source: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
    let mut parts = path.split('.');
    let mut current = source.get(parts.next()?)?;

    for part in parts {
        current = current.as_object()?.get(part)?;
    }

    Some(current)
}

/// The `wanted` paths of `full` that hold a value, in the order asked, under their paths.
pub fn pick(full: &Map<String, Value>, wanted: &[String]) -> Map<String, Value> {
    let mut picked = Map::new();

    for path in wanted {
        if let Some(value) = lookup(full, path) {
            picked.insert(path.clone(), value.clone());
        }
    }

    picked
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn picks_dotted_paths_in_the_order_asked() {
        let full = json!({"a": 1, "clinic": {"city": "Lyon"}, "b": [{"c": 2}]});
        let full = full.as_object().unwrap();
        let wanted = ["clinic.city", "a", "b.c", "missing"].map(String::from);

        let picked = pick(full, &wanted);
        assert_eq!(Value::Object(picked).to_string(), r#"{"clinic.city":"Lyon","a":1}"#);
    }
}
