//! The security schemes and the answers of access control: which credential each operation
//! takes, and its 401, 403 and 429 answers.

use serde_json::{Map, Value, json};

use super::schemas::reference;
use crate::access::Rule;
use crate::config::{Config, EndpointConfig};

/// The scheme of a key sent as `Authorization: Bearer KEY`.
const BEARER_KEY: &str = "apiKeyBearer";

/// The scheme of a key sent as `x-api-key: KEY`.
const HEADER_KEY: &str = "apiKeyHeader";

/// The scheme of a tenant token.
const TENANT_TOKEN: &str = "tenantToken";

/// The `components.securitySchemes` object, when any endpoint takes credentials.
pub fn schemes(config: &Config) -> Option<Value> {
    let rules: Vec<Rule> =
        config.endpoints.iter().map(|endpoint| Rule::of(config, endpoint)).collect();
    let mut schemes = Map::new();

    if rules.contains(&Rule::Key) {
        schemes.insert(
            BEARER_KEY.into(),
            json!({"type": "http", "scheme": "bearer", "description": "An API key."}),
        );
        schemes.insert(
            HEADER_KEY.into(),
            json!({"type": "apiKey", "in": "header", "name": "x-api-key",
                   "description": "An API key."}),
        );
    }
    if rules.iter().any(|rule| matches!(rule, Rule::Tenant(_))) {
        schemes.insert(
            TENANT_TOKEN.into(),
            json!({
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "JWT",
                "description": "A tenant token: an HS256 JWT with `filters` and `exp`, signed \
                                by the application's backend.",
            }),
        );
    }
    (!schemes.is_empty()).then_some(Value::Object(schemes))
}

/// Adds the credentials `endpoint` takes and its access answers to `operation`.
pub fn apply(config: &Config, endpoint: &EndpointConfig, operation: &mut Value) {
    let mut statuses = Vec::new();
    match Rule::of(config, endpoint) {
        Rule::Open if config.access.keys_on => operation["security"] = json!([]),
        Rule::Open => {}
        Rule::Key => {
            operation["security"] = json!([{BEARER_KEY: []}, {HEADER_KEY: []}]);
            statuses.extend([("401", "No valid credential."), ("403", "Not in the key's scope.")]);
        }
        Rule::Tenant(fields) => {
            operation["security"] = json!([{TENANT_TOKEN: []}]);
            statuses.extend([
                ("401", "No valid, unexpired tenant token."),
                ("403", "The token filters on a field this endpoint does not allow."),
            ]);
            let note = format!(
                " Results are limited to the tenant token's filters (allowed fields: {}).",
                fields.join(", ")
            );
            if let Some(summary) = operation["summary"].as_str() {
                operation["description"] = json!(format!("{summary}{note}"));
            }
        }
    }

    let limits = endpoint.access.rate_limit.unwrap_or_default().or(config.access.rate_limit);
    if limits.per_key.is_some() || limits.per_address.is_some() {
        statuses.push(("429", "Rate limited; retry after `Retry-After` seconds."));
    }

    let Some(responses) = operation["responses"].as_object_mut() else { return };
    for (status, description) in statuses {
        let mut answer = json!({
            "description": description,
            "content": {"application/problem+json": {"schema": reference("Problem")}},
        });
        if status == "401" {
            answer["headers"] = json!({"WWW-Authenticate": {"schema": {"type": "string"}}});
        }
        if status == "429" {
            answer["headers"] = json!({
                "Retry-After": {"schema": {"type": "integer"}},
                "RateLimit-Limit": {"schema": {"type": "integer"}},
                "RateLimit-Remaining": {"schema": {"type": "integer"}},
                "RateLimit-Reset": {"schema": {"type": "integer"}},
            });
        }
        responses.insert(status.to_owned(), answer);
    }
}
