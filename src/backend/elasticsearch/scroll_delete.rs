//! Delete by query done by moat, for engines without `_delete_by_query`.
//!
//! The index is refreshed first, so that the scroll sees what was written or deleted just
//! before (by the client, or by a run of the same job cut short by a restart). Then a scroll
//! over the matching documents (no source, index order, each with the sequence number it was
//! read at) is read a page at a time, and each page is deleted with one `_bulk` request of
//! `delete` actions. Each action names the sequence number read, so a document changed
//! since the scroll began is left alone, as the engine's own delete by query does with
//! `conflicts=proceed`; so is one deleted meanwhile. At the end the scroll is cleared and the
//! index refreshed, whether the deletion went through or not.
//!
//! ```text
//! POST /{index}/_refresh
//! POST /{index}/_search?scroll=1m  ─▶ page 1, and the total
//! POST /_bulk  {"delete": …} × page
//! POST /_search/scroll             ─▶ page 2 … until a page is empty
//! DELETE /_search/scroll, POST /{index}/_refresh
//! ```
//!
//! Scroll is used rather than a point in time because Elasticsearch and OpenSearch spell it
//! the same way. Its pages are not sent twice after a broken connection (the engine may have
//! moved on a page), nor are bulk requests (their counts would be lost); either ends the job.

use serde::Deserialize;
use serde_json::{Value, json};

use super::failure::describe;
use super::transport::{Request, Transport};
use super::{bulk, indices};
use crate::backend::{DeleteProgress, EngineError};
use crate::query::Query;

/// How many documents one page reads and one bulk request deletes.
const PAGE_SIZE: usize = 1000;

/// How long the engine keeps the scroll between two pages.
const KEEP_ALIVE: &str = "1m";

/// The bulk item error of a document changed or deleted since it was read.
const CONFLICT: &str = "version_conflict_engine_exception";

#[derive(Deserialize)]
struct Page {
    #[serde(rename = "_scroll_id", default)]
    scroll_id: Option<String>,
    hits: Hits,
    #[serde(rename = "_shards", default)]
    shards: Option<Shards>,
}

#[derive(Deserialize)]
struct Hits {
    #[serde(default)]
    total: Option<Total>,
    hits: Vec<Target>,
}

#[derive(Deserialize)]
struct Total {
    value: u64,
}

/// One document to delete, as the scroll found it.
#[derive(Deserialize)]
struct Target {
    #[serde(rename = "_index")]
    index: String,
    #[serde(rename = "_id")]
    id: String,
    #[serde(rename = "_routing", default)]
    routing: Option<String>,
    #[serde(rename = "_seq_no", default)]
    seq_no: Option<u64>,
    #[serde(rename = "_primary_term", default)]
    primary_term: Option<u64>,
}

#[derive(Deserialize)]
struct Shards {
    #[serde(default)]
    failed: u64,
    #[serde(default)]
    failures: Vec<Value>,
}

#[derive(Deserialize)]
struct BulkItem {
    #[serde(default)]
    result: Option<String>,
    #[serde(default)]
    error: Option<Value>,
}

/// What one bulk request of deletes came to.
#[derive(Debug, Default, PartialEq, Eq)]
struct Tally {
    /// Deleted now.
    deleted: u64,
    /// Already gone (deleted by someone else meanwhile).
    not_found: u64,
    /// Changed or deleted since the scroll read them, left alone.
    conflicts: u64,
    /// Failed for any other reason.
    failed: u64,
    /// The first such failure, in the engine's words.
    first_failure: Option<String>,
}

/// Deletes the documents of `index` matching `query` through scroll and bulk, telling
/// `progress` the counts after each page; answers how many were deleted.
pub async fn delete_by_query(
    transport: &Transport,
    index: &str,
    query: &Query,
    progress: &(dyn Fn(DeleteProgress) + Sync),
) -> Result<u64, EngineError> {
    indices::refresh(transport, index).await?;

    let body = json!({
        "query": query.to_elasticsearch(),
        "size": PAGE_SIZE,
        "_source": false,
        "sort": ["_doc"],
        "track_total_hits": true,
        "seq_no_primary_term": true,
    });
    let open = format!("scroll={KEEP_ALIVE}");
    let call = Request::post(&[index, "_search"]).query(&open).read().json(&body);
    let first: Page = transport.send(&call).await?.success(Some(index))?.parse()?;

    let mut scroll = first.scroll_id.clone();
    let outcome = delete_pages(transport, index, first, &mut scroll, progress).await;

    if let Some(scroll) = scroll {
        clear(transport, index, &scroll).await;
    }
    let refreshed = indices::refresh(transport, index).await;
    let deleted = outcome?;
    refreshed?;
    Ok(deleted)
}

/// Deletes page after page until the scroll runs dry; `scroll` follows the scroll id the
/// engine hands out, for clearing it afterwards.
async fn delete_pages(
    transport: &Transport,
    index: &str,
    first: Page,
    scroll: &mut Option<String>,
    progress: &(dyn Fn(DeleteProgress) + Sync),
) -> Result<u64, EngineError> {
    let total = first.hits.total.as_ref().map_or(0, |total| total.value);
    let mut counts = DeleteProgress { total, deleted: 0 };
    let mut skipped = Tally::default();
    progress(counts);

    let mut page = first;
    loop {
        check_shards(&page, counts)?;
        if page.hits.hits.is_empty() {
            break;
        }

        let tally = delete_page(transport, index, &page.hits.hits).await?;
        counts.deleted += tally.deleted;
        skipped.not_found += tally.not_found;
        skipped.conflicts += tally.conflicts;
        progress(counts);
        if let Some(first_failure) = tally.first_failure {
            return Err(EngineError::Internal(format!(
                "the bulk delete failed for {} document(s), {} of {} deleted; first: {}",
                tally.failed, counts.deleted, counts.total, first_failure
            )));
        }

        let Some(id) = scroll.as_deref() else {
            return Err(EngineError::Internal("the engine answered with no scroll id".into()));
        };
        let body = json!({"scroll": KEEP_ALIVE, "scroll_id": id});
        let call = Request::post(&["_search", "scroll"]).json(&body);
        page = transport.send(&call).await?.success(Some(index))?.parse()?;
        if page.scroll_id.is_some() {
            scroll.clone_from(&page.scroll_id);
        }
    }

    if skipped.not_found + skipped.conflicts > 0 {
        tracing::info!(
            index,
            not_found = skipped.not_found,
            conflicts = skipped.conflicts,
            "documents gone or changed since they were read were left alone"
        );
    }
    Ok(counts.deleted)
}

/// Fails when the page lacks some shards' documents, which would leave them undeleted.
fn check_shards(page: &Page, counts: DeleteProgress) -> Result<(), EngineError> {
    let Some(shards) = page.shards.as_ref().filter(|shards| shards.failed > 0) else {
        return Ok(());
    };
    let first = shards.failures.first().map(|failure| {
        let reason = failure.get("reason").unwrap_or(failure);
        describe(reason)
    });
    Err(EngineError::Internal(format!(
        "the scroll missed {} shard(s), {} of {} deleted; first: {}",
        shards.failed,
        counts.deleted,
        counts.total,
        first.unwrap_or_else(|| "no reason given".into())
    )))
}

/// Deletes one page of documents with one bulk request.
async fn delete_page(
    transport: &Transport,
    index: &str,
    targets: &[Target],
) -> Result<Tally, EngineError> {
    let call = Request::post(&["_bulk"]).ndjson(bulk_body(targets));
    let answer = transport.send(&call).await?.success(Some(index))?;
    tally(&answer.body, targets.len())
}

/// The NDJSON body: one `delete` action per document, at the sequence number it was read at.
fn bulk_body(targets: &[Target]) -> Vec<u8> {
    let mut body = Vec::new();

    for target in targets {
        let mut action = json!({"_index": target.index, "_id": target.id});
        if let Some(routing) = &target.routing {
            action["routing"] = json!(routing);
        }
        if let (Some(seq_no), Some(primary_term)) = (target.seq_no, target.primary_term) {
            action["if_seq_no"] = json!(seq_no);
            action["if_primary_term"] = json!(primary_term);
        }
        body.extend_from_slice(json!({"delete": action}).to_string().as_bytes());
        body.push(b'\n');
    }

    body
}

/// Counts a bulk answer of `expected` delete items.
fn tally(reply: &[u8], expected: usize) -> Result<Tally, EngineError> {
    let items: Vec<BulkItem> = bulk::items(reply, expected, "deletes")?;

    let mut tally = Tally::default();
    for item in items {
        count(&mut tally, item);
    }
    Ok(tally)
}

/// Adds one bulk item to `tally`.
fn count(tally: &mut Tally, item: BulkItem) {
    let error_type = item.error.as_ref().and_then(|error| error.get("type"));

    match (item.result.as_deref(), error_type.and_then(Value::as_str)) {
        (Some("deleted"), None) => tally.deleted += 1,
        (Some("not_found"), None) => tally.not_found += 1,
        (_, Some(CONFLICT)) => tally.conflicts += 1,
        (result, _) => {
            tally.failed += 1;
            if tally.first_failure.is_none() {
                let words = match (&item.error, result) {
                    (Some(error), _) => describe(error),
                    (None, Some(result)) => format!("unexpected result `{result}`"),
                    (None, None) => "no result".to_owned(),
                };
                tally.first_failure = Some(words);
            }
        }
    }
}

/// Frees the scroll on the engine; a failure only costs the engine the scroll until its
/// keep-alive runs out, so it is logged, not returned.
async fn clear(transport: &Transport, index: &str, scroll: &str) {
    let body = json!({"scroll_id": [scroll]});
    let call = Request::delete(&["_search", "scroll"]).json(&body);

    match transport.send(&call).await {
        Ok(answer) if answer.status.is_success() || answer.status.as_u16() == 404 => {}
        Ok(answer) => {
            let error = answer.success(Some(index)).err().map(|error| error.to_string());
            tracing::warn!(index, error = error.as_deref(), "scroll could not be cleared");
        }
        Err(error) => tracing::warn!(index, %error, "scroll could not be cleared"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(id: &str, routing: Option<&str>, seq_no: Option<u64>) -> Target {
        Target {
            index: "vet-visits".into(),
            id: id.into(),
            routing: routing.map(str::to_owned),
            seq_no,
            primary_term: seq_no.map(|_| 1),
        }
    }

    #[test]
    fn deletes_each_document_at_the_version_read() {
        let targets = [target("a", None, Some(7)), target("b", Some("r1"), None)];

        let body = String::from_utf8(bulk_body(&targets)).unwrap();
        assert_eq!(
            body,
            "{\"delete\":{\"_index\":\"vet-visits\",\"_id\":\"a\",\"if_seq_no\":7,\
             \"if_primary_term\":1}}\n\
             {\"delete\":{\"_index\":\"vet-visits\",\"_id\":\"b\",\"routing\":\"r1\"}}\n"
        );
    }

    #[test]
    fn counts_only_what_the_engine_deleted() {
        let reply = br#"{"errors":true,"items":[
            {"delete":{"_index":"v","_id":"a","result":"deleted","status":200}},
            {"delete":{"_index":"v","_id":"b","result":"not_found","status":404}},
            {"delete":{"_index":"v","_id":"c","status":409,"error":{
                "type":"version_conflict_engine_exception","reason":"[c]: version conflict"}}},
            {"delete":{"_index":"v","_id":"d","result":"deleted","status":200}}
        ]}"#;

        let counted = tally(reply, 4).unwrap();
        let expected = Tally { deleted: 2, not_found: 1, conflicts: 1, ..Tally::default() };
        assert_eq!(counted, expected);
    }

    #[test]
    fn other_item_errors_are_failures() {
        let reply = br#"{"errors":true,"items":[
            {"delete":{"_index":"v","_id":"a","result":"deleted","status":200}},
            {"delete":{"_index":"v","_id":"b","status":429,"error":{
                "type":"es_rejected_execution_exception","reason":"queue full"}}},
            {"delete":{"_index":"v","_id":"c","status":500,"error":{
                "type":"x_exception","reason":"y"}}},
            {"delete":{"_index":"v","_id":"d","status":200,"result":"noop"}}
        ]}"#;

        let counted = tally(reply, 4).unwrap();
        assert_eq!((counted.deleted, counted.failed), (1, 3));
        assert_eq!(
            counted.first_failure.as_deref(),
            Some("es_rejected_execution_exception: queue full")
        );
    }

    #[test]
    fn a_short_or_unreadable_answer_is_an_error() {
        let reply = br#"{"errors":false,"items":[{"delete":{"result":"deleted"}}]}"#;
        assert!(matches!(tally(reply, 2), Err(EngineError::Internal(_))));
        assert!(matches!(tally(b"<html>", 1), Err(EngineError::Internal(_))));
    }

    #[test]
    fn a_page_without_some_shards_is_an_error() {
        let page: Page = serde_json::from_value(json!({
            "_scroll_id": "s",
            "_shards": {"total": 2, "successful": 1, "failed": 1, "failures": [
                {"shard": 1, "reason": {"type": "search_context_missing_exception",
                                        "reason": "no search context found"}}
            ]},
            "hits": {"hits": []}
        }))
        .unwrap();

        let counts = DeleteProgress { total: 3000, deleted: 1000 };
        let message = check_shards(&page, counts).unwrap_err().to_string();
        assert!(message.contains("missed 1 shard(s), 1000 of 3000 deleted"), "{message}");
        assert!(message.contains("search_context_missing_exception"), "{message}");
    }
}
