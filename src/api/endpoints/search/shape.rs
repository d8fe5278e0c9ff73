//! The answer a client reads: the declared fields of each hit under their declared names,
//! the total, and, when declared, facets and the cursor of the next page.

use serde_json::{Map, Value, json};

use crate::backend::{Hit, SearchResponse};
use crate::config::HIGHLIGHT_KEY;

/// How hits are shaped, from the endpoint's declarations.
pub struct Shape<'a> {
    /// The source fields returned, in order.
    pub source: &'a [String],
    /// New names of returned fields.
    pub rename: &'a std::collections::BTreeMap<String, String>,
    /// The name the document id is returned under, if it is.
    pub id: Option<&'a str>,
    /// Whether `total_capped` is part of the answer.
    pub capped: bool,
    /// Whether facets are part of the answer.
    pub facets: bool,
}

impl Shape<'_> {
    /// The answer for `found`, with `next_cursor` when the endpoint has cursors.
    pub fn answer(&self, found: SearchResponse, next_cursor: Option<Option<String>>) -> Value {
        let hits: Vec<Value> = found.hits.into_iter().map(|hit| self.hit(hit)).collect();
        let mut answer = Map::new();
        answer.insert("hits".into(), Value::Array(hits));
        answer.insert("total".into(), json!(found.total));
        if self.capped {
            answer.insert("total_capped".into(), json!(found.total_is_lower_bound));
        }
        if self.facets {
            let facets: Map<String, Value> = found
                .facets
                .into_iter()
                .map(|facet| {
                    let buckets = facet
                        .buckets
                        .into_iter()
                        .map(|bucket| json!({"value": bucket.value, "count": bucket.count}));
                    (facet.field, Value::Array(buckets.collect()))
                })
                .collect();
            answer.insert("facets".into(), Value::Object(facets));
        }
        if let Some(next) = next_cursor {
            answer.insert("next_cursor".into(), json!(next));
        }
        Value::Object(answer)
    }

    fn hit(&self, mut hit: Hit) -> Value {
        let mut shaped = Map::new();
        for path in self.source {
            if let Some(value) = hit.source.remove(path) {
                shaped.insert(self.name(path).to_owned(), value);
            }
        }
        if let Some(id) = self.id {
            shaped.insert(id.to_owned(), Value::String(hit.id));
        }
        if !hit.highlight.is_empty() {
            let marked: Map<String, Value> = hit
                .highlight
                .into_iter()
                .map(|(field, fragments)| (self.name(&field).to_owned(), fragments))
                .collect();
            shaped.insert(HIGHLIGHT_KEY.into(), Value::Object(marked));
        }
        Value::Object(shaped)
    }

    fn name<'p>(&'p self, path: &'p str) -> &'p str {
        self.rename.get(path).map_or(path, String::as_str)
    }
}
