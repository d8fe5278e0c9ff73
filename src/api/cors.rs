//! CORS: which browser origins may call the API, from `[server.cors]`.
//!
//! Listed origins may send `GET` and `POST` with the credential headers (`Authorization`,
//! `x-api-key`) and `Content-Type`, and may read the request id and the rate-limit headers.
//! A preflight from any other origin is answered without `Access-Control-Allow-Origin`, so
//! the browser refuses the call. Without `[server.cors]` no CORS header is sent at all.

use std::time::Duration;

use axum::http::{HeaderName, HeaderValue, Method, header};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::access::keys::API_KEY_HEADER;
use crate::config::CorsConfig;

/// The CORS layer for `config`; none when CORS is not declared.
pub fn layer(config: Option<&CorsConfig>) -> Option<CorsLayer> {
    let config = config?;
    let origins: Vec<HeaderValue> =
        config.origins.iter().filter_map(|origin| HeaderValue::from_str(origin).ok()).collect();
    let exposed = ["x-request-id", "retry-after", "ratelimit-limit", "ratelimit-remaining"]
        .into_iter()
        .chain(["ratelimit-reset", "www-authenticate"])
        .map(HeaderName::from_static);

    let layer = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            HeaderName::from_static(API_KEY_HEADER),
        ])
        .expose_headers(exposed.collect::<Vec<_>>())
        .max_age(Duration::from_secs(config.max_age_seconds));
    Some(layer)
}
