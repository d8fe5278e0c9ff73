//! `POST /_bulk`: a batch of documents as NDJSON, and the engine's verdict on each.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::failure::describe;
use super::transport::{Request, Transport};
use crate::backend::{EngineError, ItemOutcome};

#[derive(Deserialize)]
struct Reply {
    items: Vec<Map<String, Value>>,
}

#[derive(Deserialize)]
struct Item {
    status: u16,
    #[serde(default)]
    error: Option<Value>,
}

/// Stores `documents` in `index`, each under an id the engine chooses.
///
/// A bulk request is not sent twice after a broken connection, since the engine may have
/// stored part of it; a document the engine turns down (a rejected value, a full queue) is
/// reported as rejected with the engine's reason, not retried.
pub async fn index_batch(
    transport: &Transport,
    index: &str,
    documents: &[Map<String, Value>],
) -> Result<Vec<ItemOutcome>, EngineError> {
    let call = Request::post(&["_bulk"]).ndjson(body(index, documents)?);
    let answer = transport.send(&call).await?.success(Some(index))?;
    outcomes(&answer.body, documents.len())
}

/// The NDJSON body: an `index` action line before each document line.
fn body(index: &str, documents: &[Map<String, Value>]) -> Result<Vec<u8>, EngineError> {
    let action = json!({"index": {"_index": index}}).to_string();
    let mut body = Vec::new();

    for document in documents {
        body.extend_from_slice(action.as_bytes());
        body.push(b'\n');
        serde_json::to_writer(&mut body, document).map_err(|error| {
            EngineError::Internal(format!("a document could not be written: {error}"))
        })?;
        body.push(b'\n');
    }

    Ok(body)
}

/// One outcome per document, in order, from the bulk answer.
fn outcomes(reply: &[u8], expected: usize) -> Result<Vec<ItemOutcome>, EngineError> {
    let items: Vec<Item> = items(reply, expected, "documents")?;
    Ok(items.into_iter().map(outcome).collect())
}

/// The items of a bulk answer to `expected` actions, each read from its
/// `{"<action>": {…}}` wrapper; `what` names the actions in messages.
pub(super) fn items<T: DeserializeOwned>(
    reply: &[u8],
    expected: usize,
    what: &str,
) -> Result<Vec<T>, EngineError> {
    let reply: Reply = serde_json::from_slice(reply).map_err(|error| {
        EngineError::Internal(format!("unexpected bulk answer from the engine: {error}"))
    })?;
    if reply.items.len() != expected {
        return Err(EngineError::Internal(format!(
            "the engine answered for {} {what} of a batch of {expected}",
            reply.items.len()
        )));
    }

    reply
        .items
        .into_iter()
        .map(|item| {
            let Some((_action, result)) = item.into_iter().next() else {
                return Err(EngineError::Internal("the bulk answer holds an empty item".into()));
            };
            serde_json::from_value(result).map_err(|error| {
                EngineError::Internal(format!("unexpected bulk item from the engine: {error}"))
            })
        })
        .collect()
}

/// The outcome of one item, `{"status": …, "error": …}`.
fn outcome(item: Item) -> ItemOutcome {
    match (item.error, item.status) {
        (Some(error), _) => ItemOutcome::Rejected(describe(&error)),
        (None, 200..=299) => ItemOutcome::Indexed,
        (None, status) => ItemOutcome::Rejected(format!("the engine answered {status}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_an_action_before_each_document() {
        let documents = [json!({"pet_name": "Buddy"}), json!({"pet_name": "Rex"})]
            .map(|document| document.as_object().unwrap().clone());

        let body = String::from_utf8(body("vet-visits", &documents).unwrap()).unwrap();
        assert_eq!(
            body,
            "{\"index\":{\"_index\":\"vet-visits\"}}\n{\"pet_name\":\"Buddy\"}\n\
             {\"index\":{\"_index\":\"vet-visits\"}}\n{\"pet_name\":\"Rex\"}\n"
        );
    }

    #[test]
    fn reads_each_item_with_the_engine_reason() {
        let reply = br#"{"took":17,"errors":true,"items":[
            {"index":{"_index":"y","_id":"a","status":201,"result":"created"}},
            {"index":{"_index":"y","_id":"b","status":400,"error":{
                "type":"mapper_parsing_exception","reason":"failed to parse field [n]",
                "caused_by":{"type":"illegal_argument_exception","reason":"For input string"}}}},
            {"index":{"_index":"y","status":429,"error":{
                "type":"es_rejected_execution_exception","reason":"queue full"}}}
        ]}"#;

        let outcomes = outcomes(reply, 3).unwrap();
        assert_eq!(outcomes[0], ItemOutcome::Indexed);
        assert_eq!(
            outcomes[1],
            ItemOutcome::Rejected(
                "mapper_parsing_exception: failed to parse field [n] \
                 (caused by illegal_argument_exception: For input string)"
                    .into()
            )
        );
        assert_eq!(
            outcomes[2],
            ItemOutcome::Rejected("es_rejected_execution_exception: queue full".into())
        );
    }

    #[test]
    fn a_short_answer_is_an_error() {
        let reply = br#"{"errors":false,"items":[{"index":{"status":201}}]}"#;
        assert!(matches!(outcomes(reply, 2), Err(EngineError::Internal(_))));
        assert!(matches!(outcomes(b"not json", 1), Err(EngineError::Internal(_))));
    }
}
