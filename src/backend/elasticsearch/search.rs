//! `POST /{index}/_search`: the plan as query DSL, the hits in the shared shape.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::transport::{Request, Transport};
use crate::backend::{EngineError, Hit, SearchRequest, SearchResponse, source};

#[derive(Deserialize)]
struct Reply {
    hits: Hits,
    #[serde(rename = "_shards", default)]
    shards: Option<Shards>,
}

#[derive(Deserialize)]
struct Hits {
    total: Total,
    hits: Vec<RawHit>,
}

#[derive(Deserialize)]
struct Total {
    value: u64,
}

#[derive(Deserialize)]
struct RawHit {
    #[serde(rename = "_id")]
    id: String,
    #[serde(rename = "_score", default)]
    score: Option<f32>,
    #[serde(rename = "_source", default)]
    source: Map<String, Value>,
}

#[derive(Deserialize)]
struct Shards {
    #[serde(default)]
    failed: u64,
}

/// Runs `request` on `index`.
pub async fn search(
    transport: &Transport,
    index: &str,
    request: &SearchRequest,
) -> Result<SearchResponse, EngineError> {
    let call = Request::post(&[index, "_search"]).read().json(&body(request));
    let answer = transport.send(&call).await?.success(Some(index))?;
    let reply: Reply = answer.parse()?;

    let failed = reply.shards.as_ref().map_or(0, |shards| shards.failed);
    if failed > 0 {
        tracing::warn!(index, failed_shards = failed, "search answered without some shards");
    }
    Ok(response(reply, &request.source_fields))
}

/// The search body: the query, the page size, the source fields, an exact total, and the
/// time left to the request as the engine's `timeout`.
fn body(request: &SearchRequest) -> Value {
    let source =
        if request.source_fields.is_empty() { json!(false) } else { json!(request.source_fields) };

    let mut body = json!({
        "query": request.query.to_elasticsearch(),
        "size": request.size,
        "_source": source,
        "track_total_hits": true,
    });
    if let Some(left) = crate::ops::budget::remaining() {
        body["timeout"] = json!(format!("{}ms", left.as_millis().max(1)));
    }
    body
}

fn response(reply: Reply, wanted: &[String]) -> SearchResponse {
    let hits = reply.hits.hits.into_iter().map(|hit| Hit {
        id: hit.id,
        score: hit.score.unwrap_or_default(),
        source: source::pick(&hit.source, wanted),
    });
    SearchResponse { total: reply.hits.total.value, hits: hits.collect() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::{MatchPhrase, Query};

    #[test]
    fn builds_the_body() {
        let request = SearchRequest {
            query: Query::MatchPhrase(MatchPhrase::new("visit_details", "dental cleaning")),
            size: 10,
            source_fields: vec!["owner_name".into(), "visit_details".into()],
        };

        assert_eq!(
            body(&request),
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
        let request = SearchRequest {
            query: Query::MatchPhrase(MatchPhrase::new("visit_details", "dental")),
            size: 10,
            source_fields: Vec::new(),
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);

        let sent = crate::ops::budget::within(deadline, async { body(&request) }).await;
        let timeout = sent["timeout"].as_str().expect("a timeout");
        let millis: u64 = timeout.trim_end_matches("ms").parse().expect("milliseconds");
        assert!((4000..=5000).contains(&millis), "{timeout}");
    }

    #[test]
    fn reads_hits_in_the_shared_shape() {
        let reply: Reply = serde_json::from_value(json!({
            "took": 3,
            "_shards": {"total": 1, "successful": 1, "failed": 0},
            "hits": {"total": {"value": 1, "relation": "eq"}, "max_score": 2.5, "hits": [{
                "_index": "vet-visits", "_id": "a1", "_score": 2.5,
                "_source": {"owner_name": "Leo Martínez", "clinic": {"city": "Lyon"}}
            }]}
        }))
        .unwrap();

        let wanted = ["owner_name", "clinic.city"].map(String::from);
        let found = response(reply, &wanted);
        assert_eq!(found.total, 1);
        assert_eq!(found.hits[0].id, "a1");
        assert!((found.hits[0].score - 2.5).abs() < f32::EPSILON);
        assert_eq!(
            Value::Object(found.hits[0].source.clone()),
            json!({"owner_name": "Leo Martínez", "clinic.city": "Lyon"})
        );
    }
}
