//! `POST /{index}/_search`: the plan as query DSL, the hits in the shared shape.
//!
//! Sorted searches on a point in time end their sort with `_shard_doc`, the engine's unique
//! tie-break, so each hit's sort values say exactly where the next page starts.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::pit::{self, PitRoute};
use super::transport::{Request, Transport};
use crate::backend::{
    Bucket, EngineError, Facet, Hit, SearchRequest, SearchResponse, Snapshot, SortKey, source,
};

#[derive(Deserialize)]
struct Reply {
    hits: Hits,
    #[serde(rename = "_shards", default)]
    shards: Option<Shards>,
    #[serde(default)]
    aggregations: Map<String, Value>,
    #[serde(default)]
    pit_id: Option<String>,
}

#[derive(Deserialize)]
struct Hits {
    total: Total,
    hits: Vec<RawHit>,
}

#[derive(Deserialize)]
struct Total {
    value: u64,
    #[serde(default)]
    relation: Option<String>,
}

#[derive(Deserialize)]
struct RawHit {
    #[serde(rename = "_id")]
    id: String,
    #[serde(rename = "_score", default)]
    score: Option<f32>,
    #[serde(rename = "_source", default)]
    source: Map<String, Value>,
    #[serde(default)]
    sort: Option<Vec<Value>>,
    #[serde(default)]
    highlight: Map<String, Value>,
}

#[derive(Deserialize)]
struct Shards {
    #[serde(default)]
    failed: u64,
}

#[derive(Deserialize)]
struct Buckets {
    buckets: Vec<RawBucket>,
}

#[derive(Deserialize)]
struct RawBucket {
    key: Value,
    doc_count: u64,
}

/// Runs `request` on `index`, opening a point in time first when the request asks.
pub async fn search(
    transport: &Transport,
    pit_route: &PitRoute,
    index: &str,
    request: &SearchRequest,
) -> Result<SearchResponse, EngineError> {
    let pit = match &request.snapshot {
        Snapshot::None => None,
        Snapshot::Open { keep_alive_secs } => {
            let id = pit::open(transport, pit_route, index, *keep_alive_secs).await?;
            Some((id, *keep_alive_secs))
        }
        Snapshot::Continue { id, keep_alive_secs } => Some((id.clone(), *keep_alive_secs)),
    };

    let body = body(request, pit.as_ref().map(|(id, keep)| (id.as_str(), *keep)));
    let path: &[&str] = if pit.is_some() { &["_search"] } else { &[index, "_search"] };
    let call = Request::post(path).read().json(&body);
    let answer = transport.send(&call).await?.success(Some(index))?;
    let reply: Reply = answer.parse()?;

    let failed = reply.shards.as_ref().map_or(0, |shards| shards.failed);
    if failed > 0 {
        tracing::warn!(index, failed_shards = failed, "search answered without some shards");
    }
    let pit_id = pit.map(|(id, _)| reply.pit_id.clone().unwrap_or(id));
    Ok(response(reply, request, pit_id))
}

/// The search body. `pit` is the point in time searched and its keep-alive in seconds.
fn body(request: &SearchRequest, pit: Option<(&str, u64)>) -> Value {
    let source =
        if request.source_fields.is_empty() { json!(false) } else { json!(request.source_fields) };
    let mut body = Map::new();
    body.insert("query".into(), request.query.to_elasticsearch());
    body.insert("size".into(), json!(request.size));
    if request.from > 0 {
        body.insert("from".into(), json!(request.from));
    }
    body.insert("_source".into(), source);
    let total = request.total_cap.map_or(json!(true), |cap| json!(cap));
    body.insert("track_total_hits".into(), total);

    let mut sort: Vec<Value> = request.sort.iter().map(sort_key).collect();
    if let Some((id, keep_alive_secs)) = pit {
        body.insert("pit".into(), json!({"id": id, "keep_alive": format!("{keep_alive_secs}s")}));
        if sort.is_empty() {
            sort.push(json!({"_score": {"order": "desc"}}));
        }
        sort.push(json!({"_shard_doc": {"order": "asc"}}));
    }
    if !sort.is_empty() {
        body.insert("sort".into(), Value::Array(sort));
        if request.sort.contains(&SortKey::Score) {
            body.insert("track_scores".into(), json!(true));
        }
    }
    if let Some(after) = &request.after {
        body.insert("search_after".into(), json!(after));
    }

    if !request.facets.is_empty() {
        let aggregations: Map<String, Value> = request
            .facets
            .iter()
            .enumerate()
            .map(|(position, facet)| {
                let terms = json!({"terms": {"field": facet.field, "size": facet.size}});
                (format!("facet_{position}"), terms)
            })
            .collect();
        body.insert("aggs".into(), Value::Object(aggregations));
    }
    if let Some(highlight) = &request.highlight {
        let fields: Map<String, Value> = highlight
            .fields
            .iter()
            .map(|field| (field.clone(), json!({"number_of_fragments": 0})))
            .collect();
        body.insert(
            "highlight".into(),
            json!({
                "encoder": "html",
                "pre_tags": [highlight.pre_tag],
                "post_tags": [highlight.post_tag],
                "fields": fields,
            }),
        );
    }
    if let Some(left) = crate::ops::budget::remaining() {
        body.insert("timeout".into(), json!(format!("{}ms", left.as_millis().max(1))));
    }
    Value::Object(body)
}

fn sort_key(key: &SortKey) -> Value {
    match key {
        SortKey::Score => json!({"_score": {"order": "desc"}}),
        SortKey::Field { field, descending } => {
            let order = if *descending { "desc" } else { "asc" };
            json!({field: {"order": order, "missing": "_last"}})
        }
    }
}

fn response(reply: Reply, request: &SearchRequest, pit_id: Option<String>) -> SearchResponse {
    let tie_broken = pit_id.is_some();
    let hits = reply.hits.hits.into_iter().map(|hit| Hit {
        id: hit.id,
        score: hit.score.unwrap_or_default(),
        source: source::pick(&hit.source, &request.source_fields),
        sort: hit.sort.filter(|_| tie_broken),
        highlight: hit.highlight,
    });

    let mut aggregations = reply.aggregations;
    let facets = request.facets.iter().enumerate().map(|(position, facet)| {
        let counted = aggregations.remove(&format!("facet_{position}"));
        let buckets: Vec<RawBucket> = counted
            .and_then(|counted| serde_json::from_value::<Buckets>(counted).ok())
            .map(|counted| counted.buckets)
            .unwrap_or_default();
        let buckets = buckets.into_iter().map(|bucket| Bucket {
            value: match bucket.key {
                Value::String(text) => text,
                other => other.to_string(),
            },
            count: bucket.doc_count,
        });
        Facet { field: facet.field.clone(), buckets: buckets.collect() }
    });

    SearchResponse {
        total: reply.hits.total.value,
        total_is_lower_bound: reply.hits.total.relation.as_deref() == Some("gte"),
        hits: hits.collect(),
        facets: facets.collect(),
        snapshot: pit_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::{FacetRequest, HighlightRequest};
    use crate::query::{MatchPhrase, Query};

    fn phrase_request() -> SearchRequest {
        let query = Query::MatchPhrase(MatchPhrase::new("visit_details", "dental cleaning"));
        SearchRequest::new(query, 10, vec!["owner_name".into(), "visit_details".into()])
    }

    #[test]
    fn builds_the_plain_body() {
        assert_eq!(
            body(&phrase_request(), None),
            json!({
                "query": {"match_phrase": {"visit_details": {"query": "dental cleaning"}}},
                "size": 10,
                "_source": ["owner_name", "visit_details"],
                "track_total_hits": true
            })
        );
    }

    #[tokio::test]
    async fn sends_the_time_left_as_the_engine_timeout() {
        let request = phrase_request();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);

        let sent = crate::ops::budget::within(deadline, async { body(&request, None) }).await;
        let timeout = sent["timeout"].as_str().expect("a timeout");
        let millis: u64 = timeout.trim_end_matches("ms").parse().expect("milliseconds");
        assert!((4000..=5000).contains(&millis), "{timeout}");
    }

    #[test]
    fn a_point_in_time_search_ends_its_sort_with_the_tie_break() {
        let mut request = phrase_request();
        request.sort = vec![SortKey::Field { field: "day".into(), descending: true }];
        request.after = Some(vec![json!(5), json!(17)]);
        request.total_cap = Some(1000);
        request.facets = vec![FacetRequest { field: "species".into(), size: 3 }];
        request.highlight = Some(HighlightRequest {
            fields: vec!["visit_details".into()],
            pre_tag: "<b>".into(),
            post_tag: "</b>".into(),
        });

        let built = body(&request, Some(("p1", 60)));
        assert_eq!(built["pit"], json!({"id": "p1", "keep_alive": "60s"}));
        assert_eq!(
            built["sort"],
            json!([
                {"day": {"order": "desc", "missing": "_last"}},
                {"_shard_doc": {"order": "asc"}}
            ])
        );
        assert_eq!(built["search_after"], json!([5, 17]));
        assert_eq!(built["track_total_hits"], json!(1000));
        assert_eq!(built["aggs"], json!({"facet_0": {"terms": {"field": "species", "size": 3}}}));
        assert_eq!(
            built["highlight"]["fields"],
            json!({"visit_details": {"number_of_fragments": 0}})
        );
    }

    #[test]
    fn reads_hits_in_the_shared_shape() {
        let reply: Reply = serde_json::from_value(json!({
            "took": 3,
            "_shards": {"total": 1, "successful": 1, "failed": 0},
            "hits": {"total": {"value": 1, "relation": "eq"}, "max_score": 2.5, "hits": [{
                "_index": "vet-visits", "_id": "a1", "_score": 2.5,
                "_source": {"owner_name": "Leo Martínez", "clinic": {"city": "Lyon"}}
            }]},
            "aggregations": {"facet_0": {"buckets": [{"key": "Dog", "doc_count": 4}]}}
        }))
        .unwrap();

        let mut request = phrase_request();
        request.source_fields = ["owner_name", "clinic.city"].map(String::from).to_vec();
        request.facets = vec![FacetRequest { field: "species".into(), size: 3 }];
        let found = response(reply, &request, None);
        assert_eq!(found.total, 1);
        assert!(!found.total_is_lower_bound);
        assert_eq!(found.hits[0].id, "a1");
        assert!((found.hits[0].score - 2.5).abs() < f32::EPSILON);
        assert_eq!(
            Value::Object(found.hits[0].source.clone()),
            json!({"owner_name": "Leo Martínez", "clinic.city": "Lyon"})
        );
        assert_eq!(found.facets[0].buckets, vec![Bucket { value: "Dog".into(), count: 4 }]);
    }
}
