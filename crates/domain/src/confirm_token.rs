//! `ConfirmTokens`: issues and verifies the address-confirmation JWT (HS256, jwt-simple).
//!
//! Claims: `confirm_email` (the user id), `addr` (the normalized address being confirmed),
//! for an address change `chg` (when it was asked for, in microseconds), `iat`, `exp` (`CONFIRM_TOKEN_TTL`) and the audience `microblog:confirm_email`, so neither a
//! reset token nor any other JWT signed with the same secret is ever accepted as one, and the
//! signing key is derived for this purpose alone. A link confirms one address of one account:
//! once that address is confirmed (or the account's address is another), it is dead.

use crate::entities::UserId;
use crate::values::SecretKey;
use jwt_simple::prelude::*;
use std::collections::HashSet;
use time::OffsetDateTime;

const AUDIENCE: &str = "microblog:confirm_email";
const MAX_TOKEN_LENGTH: usize = 1024;

/// A confirmation token as it appears in the link; says nothing until verified.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ConfirmToken(String);

impl ConfirmToken {
    /// A token as it arrived in a link, not yet verified.
    pub fn from_link(text: String) -> Self {
        Self(text)
    }

    /// The token text, for the link.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ConfirmToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConfirmToken(<redacted>)")
    }
}

/// What a valid signature vouches for: this account asked to confirm this address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfirmClaims {
    pub user_id: UserId,
    /// The normalized address the link confirms.
    pub address: String,
    pub purpose: ConfirmPurpose,
}

/// Which confirmation a link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfirmPurpose {
    /// The account's own address, as given at registration.
    Registration,
    /// A new address asked for at `/change_email` at this time (to the microsecond): only
    /// the pending change with exactly this time can be confirmed by the link.
    Change { requested_at: OffsetDateTime },
}

/// Why a token is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConfirmTokenError {
    #[error("the confirmation token has expired")]
    Expired,
    #[error("the confirmation token is invalid")]
    Invalid,
}

#[derive(Serialize, Deserialize)]
struct ConfirmCustomClaims {
    confirm_email: i64,
    addr: String,
    /// Present only on address-change links: the change's request time, Unix microseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    chg: Option<i64>,
}

/// Issues and verifies confirmation tokens with a key derived from the application secret.
#[derive(Clone)]
pub struct ConfirmTokens {
    signing_key: HS256Key,
    ttl: std::time::Duration,
}

impl ConfirmTokens {
    /// Tokens signed with a key derived from `secret`, valid for `ttl`.
    pub fn new(secret: &SecretKey, ttl: std::time::Duration) -> Self {
        Self {
            signing_key: HS256Key::from_bytes(&secret.derive("microblog confirm-token signing")),
            ttl,
        }
    }

    /// How long a token stays valid.
    pub fn ttl(&self) -> std::time::Duration {
        self.ttl
    }

    /// A token confirming `address` (normalized) for `user_id` and `purpose`, issued at `now`.
    pub fn issue(
        &self,
        user_id: UserId,
        address: &str,
        purpose: ConfirmPurpose,
        now: OffsetDateTime,
    ) -> ConfirmToken {
        let issued = unix(now);
        let ttl = Duration::from_secs(self.ttl.as_secs());
        let custom = ConfirmCustomClaims {
            confirm_email: user_id.0,
            addr: address.to_owned(),
            chg: match purpose {
                ConfirmPurpose::Registration => None,
                ConfirmPurpose::Change { requested_at } => Some(micros(requested_at)),
            },
        };
        let mut claims = Claims::with_custom_claims(custom, ttl).with_audience(AUDIENCE);
        claims.issued_at = Some(issued);
        claims.invalid_before = Some(issued);
        claims.expires_at = Some(issued + ttl);
        let token = self
            .signing_key
            .authenticate(claims)
            .expect("serializing fixed claims with an HMAC key cannot fail");
        ConfirmToken(token)
    }

    /// Checks signature (HS256 only), audience, `iat`, and `exp` with zero tolerance.
    ///
    /// # Errors
    /// [`ConfirmTokenError::Expired`] at or after `exp`; [`ConfirmTokenError::Invalid`] for
    /// anything else that is wrong.
    pub fn verify(
        &self,
        token: &str,
        now: OffsetDateTime,
    ) -> Result<ConfirmClaims, ConfirmTokenError> {
        let now_unix = unix(now);
        let options = VerificationOptions {
            allowed_audiences: Some(HashSet::from([AUDIENCE.to_owned()])),
            time_tolerance: Some(Duration::from_secs(0)),
            max_token_length: Some(MAX_TOKEN_LENGTH),
            artificial_time: Some(now_unix),
            ..VerificationOptions::default()
        };
        let claims = self
            .signing_key
            .verify_token::<ConfirmCustomClaims>(token, Some(options))
            .map_err(|error| match error.downcast_ref::<jwt_simple::JWTError>() {
                Some(jwt_simple::JWTError::TokenHasExpired) => ConfirmTokenError::Expired,
                _ => ConfirmTokenError::Invalid,
            })?;
        let expires_at = claims.expires_at.ok_or(ConfirmTokenError::Invalid)?;
        claims.issued_at.ok_or(ConfirmTokenError::Invalid)?;
        if now_unix >= expires_at {
            return Err(ConfirmTokenError::Expired);
        }
        let purpose = match claims.custom.chg {
            None => ConfirmPurpose::Registration,
            Some(requested_at) => ConfirmPurpose::Change {
                requested_at: OffsetDateTime::from_unix_timestamp_nanos(
                    i128::from(requested_at) * 1_000,
                )
                .map_err(|_| ConfirmTokenError::Invalid)?,
            },
        };
        Ok(ConfirmClaims {
            user_id: UserId(claims.custom.confirm_email),
            address: claims.custom.addr,
            purpose,
        })
    }
}

/// `at` in whole microseconds since the epoch (the precision storage keeps).
fn micros(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos().div_euclid(1_000)).unwrap_or(i64::MAX)
}

fn unix(at: OffsetDateTime) -> UnixTimeStamp {
    Duration::from_secs(u64::try_from(at.unix_timestamp()).unwrap_or(0))
}
