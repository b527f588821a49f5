//! The one JWT mechanism every emailed link uses (HS256, jwt-simple): claims bound to an
//! audience, `iat` and `exp` set from the caller's clock, verified with zero time tolerance
//! and a bounded length. Reset and confirmation tokens differ only in their audience, key
//! and custom claims.

use jwt_simple::prelude::*;
use serde::de::DeserializeOwned;
use std::collections::HashSet;
use time::OffsetDateTime;

/// The longest token text accepted before any parsing.
const MAX_TOKEN_LENGTH: usize = 1024;

/// Why a token is refused, before its custom claims are looked at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenFault {
    /// A genuine token at or after its `exp`.
    Expired,
    /// Anything else: bad signature, other algorithm or audience, missing claims, garbage.
    Invalid,
}

/// `custom` signed with `key` for `audience`, issued at `now`, valid for `ttl`.
pub(crate) fn issue<C: Serialize + DeserializeOwned>(
    key: &HS256Key,
    audience: &str,
    custom: C,
    ttl: std::time::Duration,
    now: OffsetDateTime,
) -> String {
    let issued = unix(now);
    let ttl = Duration::from_secs(ttl.as_secs());
    let mut claims = Claims::with_custom_claims(custom, ttl).with_audience(audience);
    claims.issued_at = Some(issued);
    claims.invalid_before = Some(issued);
    claims.expires_at = Some(issued + ttl);
    key.authenticate(claims)
        .expect("serializing fixed claims with an HMAC key cannot fail")
}

/// Checks signature (HS256 only), `audience`, `iat`, and `exp` with zero tolerance: a token
/// is valid strictly before `exp`, as RFC 7519 requires. Returns the custom claims.
pub(crate) fn verify<C: Serialize + DeserializeOwned>(
    key: &HS256Key,
    audience: &str,
    token: &str,
    now: OffsetDateTime,
) -> Result<C, TokenFault> {
    let now_unix = unix(now);
    let options = VerificationOptions {
        allowed_audiences: Some(HashSet::from([audience.to_owned()])),
        time_tolerance: Some(Duration::from_secs(0)),
        max_token_length: Some(MAX_TOKEN_LENGTH),
        artificial_time: Some(now_unix),
        ..VerificationOptions::default()
    };
    let claims = key
        .verify_token::<C>(token, Some(options))
        .map_err(|error| match error.downcast_ref::<jwt_simple::JWTError>() {
            Some(jwt_simple::JWTError::TokenHasExpired) => TokenFault::Expired,
            _ => TokenFault::Invalid,
        })?;
    let expires_at = claims.expires_at.ok_or(TokenFault::Invalid)?;
    claims.issued_at.ok_or(TokenFault::Invalid)?;
    if now_unix >= expires_at {
        return Err(TokenFault::Expired);
    }
    Ok(claims.custom)
}

fn unix(at: OffsetDateTime) -> UnixTimeStamp {
    Duration::from_secs(u64::try_from(at.unix_timestamp()).unwrap_or(0))
}
