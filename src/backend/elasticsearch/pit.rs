//! Points in time: the frozen view of an index that the pages of one cursor walk share.
//!
//! Elasticsearch opens one at `POST /{index}/_pit`, OpenSearch at
//! `POST /{index}/_search/point_in_time`; the first answer that lacks a route tells which
//! engine this is, and the route that worked is remembered.

use std::sync::atomic::{AtomicU8, Ordering};

use serde::Deserialize;
use serde_json::Value;

use super::failure::describe;
use super::transport::{Request, Transport};
use crate::backend::EngineError;

const UNKNOWN: u8 = 0;
const ELASTICSEARCH: u8 = 1;
const OPENSEARCH: u8 = 2;

/// Which point-in-time route the cluster has, once known.
#[derive(Debug, Default)]
pub struct PitRoute {
    known: AtomicU8,
}

#[derive(Deserialize)]
struct Opened {
    #[serde(alias = "pit_id")]
    id: String,
}

/// Opens a point in time on `index`, kept `keep_alive_secs` seconds; answers its id.
pub async fn open(
    transport: &Transport,
    route: &PitRoute,
    index: &str,
    keep_alive_secs: u64,
) -> Result<String, EngineError> {
    let keep_alive = format!("keep_alive={keep_alive_secs}s");
    let known = route.known.load(Ordering::Relaxed);
    let order =
        if known == OPENSEARCH { [OPENSEARCH, ELASTICSEARCH] } else { [ELASTICSEARCH, OPENSEARCH] };

    for flavour in order {
        let path: &[&str] = if flavour == ELASTICSEARCH {
            &[index, "_pit"]
        } else {
            &[index, "_search", "point_in_time"]
        };
        let answer = transport.send(&Request::post(path).query(&keep_alive)).await?;
        if !answer.status.is_success() && lacks_the_route(&answer.body) {
            continue;
        }

        let opened: Opened = answer.success(Some(index))?.parse()?;
        if known == UNKNOWN {
            route.known.store(flavour, Ordering::Relaxed);
        }
        return Ok(opened.id);
    }
    Err(EngineError::Rejected("the engine offers no point-in-time search".into()))
}

fn lacks_the_route(body: &[u8]) -> bool {
    let reply: Option<Value> = serde_json::from_slice(body).ok();
    let error = reply.as_ref().and_then(|reply| reply.get("error"));
    error.map(describe).unwrap_or_default().contains("no handler found")
}
