//! Tenant tokens: HS256 JWTs an application's backend signs with the deployment's
//! `tenant_secret`, pinning filter values its user's searches cannot remove.
//!
//! ```json
//! {"filters": {"owner_name.keyword": "Leo Martínez"}, "exp": 1767225600, "sub": "user-42"}
//! ```
//!
//! `exp` (seconds since the epoch) is required and checked without leeway; `sub` is optional
//! and names the tenant in logs and rate limits. Each filter value is one string, number or
//! boolean, matched exactly. An endpoint accepts a token whose filters all name fields in its
//! `tenant_filters`; every query it runs then carries those filters.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The filters a tenant token pins, as `(field, value)` pairs: what the search path adds to
/// every query of the endpoint.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TenantFilters(pub Vec<(String, Value)>);

/// The claims of a tenant token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// Field → exact value.
    pub filters: Map<String, Value>,
    /// Expiry, in seconds since the epoch.
    pub exp: u64,
    /// Who the tenant is, for logs and rate limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
}

/// Why a token was refused, in words for the client (never the library's text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// `exp` is in the past.
    #[error("the tenant token has expired; ask the application for a new one")]
    Expired,
    /// Signed with another secret, or altered.
    #[error("the tenant token's signature does not match this deployment's tenant secret")]
    BadSignature,
    /// Not a JWT, not HS256, or claims of the wrong shape.
    #[error("the tenant token is malformed: {0}")]
    Malformed(&'static str),
}

/// Checks tokens signed with one secret.
#[derive(Clone)]
pub struct Verifier {
    key: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Verifier([redacted])")
    }
}

impl Verifier {
    /// A verifier for tokens signed with `secret`.
    pub fn new(secret: &str) -> Verifier {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp"]);
        Verifier { key: DecodingKey::from_secret(secret.as_bytes()), validation }
    }

    /// The claims of `token`, when it is signed with this secret, unexpired and well formed.
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        let claims = jsonwebtoken::decode::<Claims>(token, &self.key, &self.validation)
            .map(|data| data.claims)
            .map_err(|error| match error.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                ErrorKind::InvalidSignature => TokenError::BadSignature,
                ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => {
                    TokenError::Malformed("tenant tokens are signed with HS256")
                }
                ErrorKind::MissingRequiredClaim(_) => {
                    TokenError::Malformed("it has no `exp` claim")
                }
                ErrorKind::Json(_) => TokenError::Malformed(
                    "its claims need `filters` (an object of field values) and `exp` (seconds)",
                ),
                _ => TokenError::Malformed("it is not a signed JWT"),
            })?;

        let scalar = |value: &Value| {
            matches!(value, Value::String(_) | Value::Number(_)) || value.is_boolean()
        };
        if !claims.filters.values().all(scalar) {
            let message = "each filter value is one string, number or boolean";
            return Err(TokenError::Malformed(message));
        }
        Ok(claims)
    }
}

/// A token pinning `filters` for `ttl`, signed with `secret` (for `moat token` and tests).
pub fn mint(
    secret: &str,
    filters: Map<String, Value>,
    ttl: Duration,
    sub: Option<String>,
) -> Result<String, String> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let claims = Claims { filters, exp: (now + ttl).as_secs(), sub };
    let key = EncodingKey::from_secret(secret.as_bytes());

    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key)
        .map_err(|_| "the token could not be signed".to_owned())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const SECRET: &str = "a-test-secret-that-is-long-enough-for-hs256";

    fn filters() -> Map<String, Value> {
        json!({"owner_name.keyword": "Leo"}).as_object().unwrap().clone()
    }

    #[test]
    fn reads_back_a_minted_token() {
        let token = mint(SECRET, filters(), Duration::from_secs(60), Some("u1".into())).unwrap();
        let claims = Verifier::new(SECRET).verify(&token).unwrap();

        assert_eq!(claims.filters, filters());
        assert_eq!(claims.sub.as_deref(), Some("u1"));
    }

    #[test]
    fn refuses_other_secrets_expiry_and_garbage_in_its_own_words() {
        let token = mint(SECRET, filters(), Duration::from_secs(60), None).unwrap();
        let other = Verifier::new("another-secret-that-is-long-enough-for-hs256");
        assert_eq!(other.verify(&token).unwrap_err(), TokenError::BadSignature);

        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
        let expired = Claims { filters: filters(), exp: now - 5, sub: None };
        let key = EncodingKey::from_secret(SECRET.as_bytes());
        let expired = jsonwebtoken::encode(&Header::default(), &expired, &key).unwrap();
        assert_eq!(Verifier::new(SECRET).verify(&expired).unwrap_err(), TokenError::Expired);

        let garbage = Verifier::new(SECRET).verify("moat_notajwt").unwrap_err();
        assert!(matches!(garbage, TokenError::Malformed(_)), "{garbage:?}");
    }

    #[test]
    fn refuses_filter_values_that_are_not_one_scalar() {
        let list = json!({"owner_name.keyword": ["Leo", "Ann"]}).as_object().unwrap().clone();
        let token = mint(SECRET, list, Duration::from_secs(60), None).unwrap();
        let error = Verifier::new(SECRET).verify(&token).unwrap_err();
        assert!(error.to_string().contains("one string, number or boolean"), "{error}");
    }
}
