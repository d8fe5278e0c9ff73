//! Checks of access control that span sections: rates, tenant filters against the index
//! mapping, the tenant secret, and CORS origins. Key scopes are checked as keys are read
//! (see `keys.rs`), so problems in a keys file point into that file.

use super::access::{Rate, RateLimits};
use super::load::{Config, Reader};
use super::model::{EndpointConfig, EndpointKind};
use super::problem::KeyPath;
use crate::mapping::FieldType;

/// The shortest tenant secret accepted: HS256 wants a key as long as its hash.
pub const MIN_TENANT_SECRET_BYTES: usize = 32;

/// Records every access problem of `config`.
pub(super) fn check(config: &Config, reader: &mut Reader<'_>) {
    let access_at = KeyPath::default().key("access");
    check_limits(&config.access.rate_limit, &access_at.key("rate_limit"), reader);

    if let Some(secret) = &config.access.tenant_secret {
        let at = access_at.key("tenant_secret").key("env");
        match secret.expose() {
            Err(_) => reader.problem(&at, secret.problem().unwrap_or_default()),
            Ok(value) if value.len() < MIN_TENANT_SECRET_BYTES => reader.problem(
                &at,
                format!(
                    "the tenant secret in `{}` is shorter than {MIN_TENANT_SECRET_BYTES} bytes; \
                     use a long random value, as `openssl rand -hex 32` makes",
                    secret.env()
                ),
            ),
            Ok(_) => {}
        }
    }

    for (position, endpoint) in config.endpoints.iter().enumerate() {
        let at = KeyPath::default().key("endpoints").index(position);
        if let Some(limits) = &endpoint.access.rate_limit {
            check_limits(limits, &at.key("rate_limit"), reader);
        }
        check_tenant_filters(config, endpoint, &at, reader);
    }

    if let Some(cors) = &config.server.cors {
        let at = KeyPath::default().key("server").key("cors").key("origins");
        if cors.origins.is_empty() {
            reader.problem(&at, "list the allowed origins, as `[\"https://app.example.com\"]`");
        }
        for (position, origin) in cors.origins.iter().enumerate() {
            if let Err(problem) = check_origin(origin) {
                reader.problem(&at.index(position), problem);
            }
        }
    }
}

fn check_limits(limits: &RateLimits, at: &KeyPath, reader: &mut Reader<'_>) {
    let buckets = [("per_key", &limits.per_key), ("per_address", &limits.per_address)];
    for (name, rate) in buckets {
        if let Some(rate) = rate {
            check_rate(rate, &at.key(name), reader);
        }
    }
}

fn check_rate(rate: &Rate, at: &KeyPath, reader: &mut Reader<'_>) {
    if !(rate.per_second.is_finite() && rate.per_second > 0.0) {
        let message = "must be more than 0; to stop an endpoint, remove it or its keys";
        reader.problem(&at.key("per_second"), message);
    } else if rate.per_second > 1_000_000.0 {
        reader.problem(&at.key("per_second"), "must be at most 1000000");
    }
    if rate.burst == 0 {
        reader.problem(&at.key("burst"), "must be 1 or more");
    }
}

fn check_tenant_filters(
    config: &Config,
    endpoint: &EndpointConfig,
    at: &KeyPath,
    reader: &mut Reader<'_>,
) {
    let fields = &endpoint.access.tenant_filters;
    if fields.is_empty() {
        return;
    }
    let filters_at = at.key("tenant_filters");

    let EndpointKind::Search(search) = &endpoint.kind else {
        let message = format!(
            "tenant filters apply to search endpoints only; this is a {} endpoint",
            endpoint.kind.name()
        );
        reader.problem(&filters_at, message);
        return;
    };
    if config.access.tenant_secret.is_none() {
        let message = "tenant filters need `tenant_secret` in `[access]`, as \
                       `tenant_secret = { env = \"MOAT_TENANT_SECRET\" }`";
        reader.problem(&filters_at, message);
    }
    if endpoint.access.open {
        let message = "an endpoint with `tenant_filters` takes tenant tokens; it cannot be open";
        reader.problem(&at.key("open"), message);
    }

    let Some(index) = config.index(&search.index) else { return };
    for (position, field) in fields.iter().enumerate() {
        let field_at = filters_at.index(position);
        if fields[..position].contains(field) {
            reader.problem(&field_at, format!("`{field}` is listed twice"));
            continue;
        }
        match index.mapping.field(field) {
            None => reader.problem(
                &field_at,
                format!("index `{}` has no field `{field}` in its mapping", search.index),
            ),
            Some(found) if found.field_type == FieldType::Text => reader.problem(
                &field_at,
                format!(
                    "`{field}` is a text field, where exact values do not match; use a keyword \
                     field such as `{field}.keyword`"
                ),
            ),
            Some(_) => {}
        }
    }
}

/// Checks one CORS origin: a scheme, a host and an optional port, exactly as browsers send it.
fn check_origin(origin: &str) -> Result<(), String> {
    let shape = "an origin is a scheme, a host and an optional port, as \
                 `https://app.example.com`";
    if origin == "*" {
        return Err(format!("list each origin; `*` is not accepted ({shape})"));
    }

    let url = reqwest::Url::parse(origin).map_err(|_| format!("`{origin}`: {shape}"))?;
    let serialized = url.origin().ascii_serialization();
    if serialized != origin {
        return Err(format!("`{origin}` is not an origin as browsers send it: {shape}"));
    }
    Ok(())
}
