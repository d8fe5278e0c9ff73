//! Security headers on every response.
//!
//! Every answer says `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` and
//! `X-Frame-Options: DENY`. API answers get `Content-Security-Policy: default-src 'none'` and
//! `Cache-Control: no-store`; the docs UI under `/docs`, whose scripts, styles and images
//! moat serves itself, gets a policy allowing exactly those (styles inline too, which the UI
//! sets on its elements) and may be cached.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::config::DOCS_PATH;

/// The policy of API answers: nothing may load, nothing may frame them.
const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// The policy of the docs UI: its own scripts, styles, images and API calls only.
const DOCS_POLICY: &str = "default-src 'self'; script-src 'self'; \
                           style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
                           connect-src 'self'; object-src 'none'; base-uri 'none'; \
                           form-action 'none'; frame-ancestors 'none'";

/// Adds the security headers to the response of `request`.
pub async fn add(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let is_docs = path == DOCS_PATH || path.starts_with("/docs/");

    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::REFERRER_POLICY, "no-referrer");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    if is_docs {
        set(headers, header::CONTENT_SECURITY_POLICY, DOCS_POLICY);
    } else {
        set(headers, header::CONTENT_SECURITY_POLICY, API_POLICY);
        set(headers, header::CACHE_CONTROL, "no-store");
    }
    response
}

fn set(headers: &mut HeaderMap, name: header::HeaderName, value: &'static str) {
    headers.entry(name).or_insert(HeaderValue::from_static(value));
}
