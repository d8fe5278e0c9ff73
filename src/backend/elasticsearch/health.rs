//! `GET /_cluster/health`, and which engine answers it.

use reqwest::header::HeaderMap;
use serde::Deserialize;

use super::transport::{Request, Transport};
use crate::backend::{EngineError, Health};

/// The header Elasticsearch (and not OpenSearch) puts on every answer.
const PRODUCT_HEADER: &str = "x-elastic-product";

#[derive(Deserialize)]
struct ClusterHealth {
    status: String,
    number_of_nodes: u64,
    active_shards: u64,
}

/// Asks the cluster for its health.
pub async fn health(transport: &Transport) -> Result<Health, EngineError> {
    let answer = transport.send(&Request::get(&["_cluster", "health"])).await?.success(None)?;
    let health: ClusterHealth = answer.parse()?;

    Ok(Health {
        message: format!("Connected to {}", product(&answer.headers)),
        status: health.status,
        number_of_nodes: health.number_of_nodes,
        active_shards: health.active_shards,
    })
}

/// `Elasticsearch` when the answer says so, else `OpenSearch`.
fn product(headers: &HeaderMap) -> &'static str {
    let elastic = headers.get(PRODUCT_HEADER).is_some_and(|value| value == "Elasticsearch");
    if elastic { "Elasticsearch" } else { "OpenSearch" }
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn tells_the_engines_apart() {
        let mut headers = HeaderMap::new();
        assert_eq!(product(&headers), "OpenSearch");

        headers.insert(PRODUCT_HEADER, HeaderValue::from_static("Elasticsearch"));
        assert_eq!(product(&headers), "Elasticsearch");
    }
}
