//! Access control: who may call each endpoint, and how often.
//!
//! Each declared endpoint gets a [`Guard`], run before its handler:
//!
//! 1. the client's address is found (the TCP peer, or what trusted proxies forwarded) and
//!    its rate limit taken;
//! 2. the endpoint's rule is applied: an endpoint with `tenant_filters` takes a tenant token
//!    (whose filters go to the handler as [`TenantFilters`]); when keys are declared, any
//!    other endpoint not marked `open` takes a key whose scope lists it;
//! 3. the key's (or tenant's) rate limit is taken, and its id recorded on the request span as
//!    `key_id`. The key itself is never logged.
//!
//! Missing or unknown credentials are answered 401 with `WWW-Authenticate: Bearer`, a key
//! outside its scope 403, an empty bucket 429 with `Retry-After`.
//!
//! The routes moat serves itself, `/docs` and `/openapi.json`, have no guard: they show the
//! API's shape, which every client needs, and no data; hiding them would only break the docs
//! UI. A deployment that wants them private keeps them behind its proxy.
//!
//! Known shortcoming: open endpoints ignore credentials, so their per-key limit does not
//! apply; only the per-address one does.

pub mod client;
pub mod keys;
pub mod rate_limit;
pub mod tenant;

pub use tenant::TenantFilters;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ipnet::IpNet;

use crate::api::ApiError;
use crate::config::{Config, EndpointConfig};
use keys::Keys;
use rate_limit::{Buckets, Standing};
use tenant::Verifier;

/// What every endpoint's guard shares.
#[derive(Debug)]
pub struct Access {
    keys: Option<Keys>,
    tenant: Option<Verifier>,
    trusted_proxies: Vec<IpNet>,
}

impl Access {
    /// The access rules of `config`.
    pub fn new(config: &Config) -> Access {
        let access = &config.access;
        let tenant = access
            .tenant_secret
            .as_ref()
            .and_then(|secret| secret.expose().ok())
            .map(Verifier::new);

        Access {
            keys: access.keys_on.then(|| Keys::new(access.keys.clone())),
            tenant,
            trusted_proxies: access.trusted_proxies.clone(),
        }
    }
}

/// How an endpoint is reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// By anyone.
    Open,
    /// With a key whose scope lists the endpoint.
    Key,
    /// With a tenant token pinning some of these fields.
    Tenant(Vec<String>),
}

impl Rule {
    /// How `endpoint` of `config` is reached.
    pub fn of(config: &Config, endpoint: &EndpointConfig) -> Rule {
        if !endpoint.access.tenant_filters.is_empty() {
            Rule::Tenant(endpoint.access.tenant_filters.clone())
        } else if config.access.keys_on && !endpoint.access.open {
            Rule::Key
        } else {
            Rule::Open
        }
    }
}

/// The guard of one endpoint.
pub struct Guard {
    access: Arc<Access>,
    path: String,
    rule: Rule,
    per_key: Option<Buckets<String>>,
    per_address: Option<Buckets<IpAddr>>,
}

impl Guard {
    /// The guard of `endpoint`, sharing `access`.
    pub fn new(access: Arc<Access>, config: &Config, endpoint: &EndpointConfig) -> Guard {
        let rule = Rule::of(config, endpoint);
        let limits = endpoint.access.rate_limit.unwrap_or_default().or(config.access.rate_limit);

        Guard {
            access,
            path: endpoint.path.clone(),
            rule,
            per_key: limits.per_key.and_then(Buckets::new),
            per_address: limits.per_address.and_then(Buckets::new),
        }
    }

    /// Whether the guard has nothing to do: an open endpoint without rate limits.
    pub fn is_idle(&self) -> bool {
        self.rule == Rule::Open && self.per_key.is_none() && self.per_address.is_none()
    }

    /// Who is calling: a key's or tenant's id and the tenant's filters; the refusal when
    /// the credentials do not reach this endpoint.
    fn caller(&self, request: &Request) -> Result<Option<Caller>, Refusal> {
        match &self.rule {
            Rule::Open => Ok(None),
            Rule::Key => {
                let missing = || Refusal::missing(MISSING_KEY);
                let keys = self.access.keys.as_ref().ok_or_else(missing)?;
                let presented = keys::presented(request.headers()).ok_or_else(missing)?;
                let key = keys
                    .find(presented)
                    .ok_or_else(|| Refusal::invalid("the API key is not valid".into()))?;
                if !key.endpoints.contains(&self.path) {
                    let message = format!("this key may not call `{}`", self.path);
                    return Err(Refusal::forbidden(message));
                }
                Ok(Some(Caller { id: key.id.clone(), filters: None }))
            }
            Rule::Tenant(allowed) => self.tenant(request, allowed).map(Some),
        }
    }

    fn tenant(&self, request: &Request, allowed: &[String]) -> Result<Caller, Refusal> {
        let missing = || Refusal::missing(MISSING_TOKEN);
        let verifier = self.access.tenant.as_ref().ok_or_else(missing)?;
        let token = keys::presented(request.headers()).ok_or_else(missing)?;
        let claims = verifier.verify(token).map_err(|error| Refusal::invalid(error.to_string()))?;

        if claims.filters.is_empty() {
            let message = "the tenant token pins no filter; it must pin at least one field";
            return Err(Refusal::forbidden(message.into()));
        }
        if let Some(field) = claims.filters.keys().find(|field| !allowed.contains(field)) {
            let message = format!(
                "the tenant token filters on `{field}`, which `{}` does not allow (allowed: {})",
                self.path,
                allowed.join(", ")
            );
            return Err(Refusal::forbidden(message));
        }

        // Without `sub`, the tenant is named by a digest of its filters, whose values may
        // be personal data that logs should not hold.
        let tenant = match &claims.sub {
            Some(sub) => format!("tenant:{sub}"),
            None => {
                let filters = serde_json::Value::Object(claims.filters.clone()).to_string();
                format!("tenant:{}", &crate::config::hash_hex(&filters)[..16])
            }
        };
        let filters = claims.filters.into_iter().collect();
        Ok(Caller { id: tenant, filters: Some(TenantFilters(filters)) })
    }
}

/// The caller a guard let through.
struct Caller {
    id: String,
    filters: Option<TenantFilters>,
}

/// What a request without a key is told.
const MISSING_KEY: &str =
    "this endpoint needs an API key, sent as `Authorization: Bearer KEY` or `x-api-key: KEY`";

/// What a request without a tenant token is told.
const MISSING_TOKEN: &str =
    "this endpoint needs a tenant token, sent as `Authorization: Bearer TOKEN`";

/// A refused request: the problem, and for a 401 the `WWW-Authenticate` challenge (RFC 6750).
struct Refusal {
    error: ApiError,
    challenge: Option<&'static str>,
}

impl Refusal {
    /// No credential was sent.
    fn missing(message: &str) -> Refusal {
        let challenge = Some("Bearer realm=\"moat\"");
        Refusal { error: ApiError::Unauthorized(message.to_owned()), challenge }
    }

    /// The credential sent is not one moat accepts.
    fn invalid(message: String) -> Refusal {
        let challenge = Some("Bearer realm=\"moat\", error=\"invalid_token\"");
        Refusal { error: ApiError::Unauthorized(message), challenge }
    }

    /// The credential is good but does not reach this endpoint.
    fn forbidden(message: String) -> Refusal {
        Refusal { error: ApiError::Forbidden(message), challenge: None }
    }

    fn into_response(self) -> Response {
        let mut response = self.error.into_response();
        if let Some(challenge) = self.challenge {
            let value = HeaderValue::from_static(challenge);
            response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
        }
        response
    }
}

/// The middleware running `guard` before the endpoint's handler.
pub async fn check(State(guard): State<Arc<Guard>>, mut request: Request, next: Next) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
    let address =
        peer.map(|peer| client::address(peer, request.headers(), &guard.access.trusted_proxies));

    let mut standing = None;
    if let (Some(buckets), Some(address)) = (&guard.per_address, address) {
        match buckets.check(&client::bucket_key(address)) {
            Ok(now) => standing = Some(now),
            Err(refused) => return too_many(refused),
        }
    }

    let caller = match guard.caller(&request) {
        Ok(caller) => caller,
        Err(refusal) => return refusal.into_response(),
    };
    if let Some(caller) = caller {
        tracing::Span::current().record("key_id", caller.id.as_str());
        if let Some(buckets) = &guard.per_key {
            match buckets.check(&caller.id) {
                Ok(now) => standing = Some(now.tighter(standing)),
                Err(refused) => return too_many(refused),
            }
        }
        if let Some(filters) = caller.filters {
            request.extensions_mut().insert(filters);
        }
    }

    let mut response = next.run(request).await;
    if let Some(standing) = standing {
        standing.write(response.headers_mut(), false);
    }
    response
}

fn too_many(standing: Standing) -> Response {
    let mut response = ApiError::RateLimited(standing.reset_seconds).into_response();
    standing.write(response.headers_mut(), true);
    response
}
