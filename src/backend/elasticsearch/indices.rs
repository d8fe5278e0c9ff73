//! Index housekeeping: creating a declared index when it is missing, counting its documents,
//! making what was loaded searchable.

use serde::Deserialize;
use serde_json::json;

use super::transport::{Request, Transport};
use crate::backend::EngineError;
use crate::mapping::Mapping;

/// Creates `index` with `mapping` when the cluster lacks it; answers whether it did.
///
/// An index that already exists is left as it is, whatever its mapping.
pub async fn ensure_index(
    transport: &Transport,
    index: &str,
    mapping: &Mapping,
) -> Result<bool, EngineError> {
    let exists = transport.send(&Request::head(&[index])).await?;
    if exists.status.as_u16() != 404 {
        exists.success(Some(index))?;
        return Ok(false);
    }

    let body = json!({"mappings": mapping.to_elasticsearch()});
    let answer = transport.send(&Request::put(&[index]).json(&body)).await?;
    if already_exists(answer.status.as_u16(), &answer.body) {
        return Ok(false);
    }
    answer.success(Some(index))?;
    Ok(true)
}

/// Whether a create answer says another process created the index first.
fn already_exists(status: u16, body: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct Reply {
        error: Option<Kind>,
    }
    #[derive(Deserialize)]
    struct Kind {
        #[serde(rename = "type")]
        kind: String,
    }

    let reply: Option<Reply> = serde_json::from_slice(body).ok();
    let kind = reply.and_then(|reply| reply.error).map(|error| error.kind);
    status == 400 && kind.as_deref() == Some("resource_already_exists_exception")
}

/// How many documents `index` holds.
pub async fn count(transport: &Transport, index: &str) -> Result<u64, EngineError> {
    #[derive(Deserialize)]
    struct Reply {
        count: u64,
    }

    let answer = transport.send(&Request::get(&[index, "_count"])).await?.success(Some(index))?;
    Ok(answer.parse::<Reply>()?.count)
}

/// Makes every document stored in `index` so far visible to searches.
pub async fn refresh(transport: &Transport, index: &str) -> Result<(), EngineError> {
    let call = Request::post(&[index, "_refresh"]).read();
    transport.send(&call).await?.success(Some(index))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_an_index_created_meanwhile() {
        let body =
            br#"{"error":{"type":"resource_already_exists_exception","reason":"x"},"status":400}"#;
        assert!(already_exists(400, body));
        assert!(!already_exists(400, br#"{"error":{"type":"mapper_parsing_exception"}}"#));
        assert!(!already_exists(200, br#"{"acknowledged":true}"#));
    }
}
