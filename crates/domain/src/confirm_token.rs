//! `ConfirmTokens`: issues and verifies the address-confirmation JWT (HS256, jwt-simple).
//!
//! Claims: `confirm_email` (the user id), `addr` (the normalized address being confirmed),
//! for an address change `chg` (when it was asked for, in microseconds), `iat`, `exp` (`CONFIRM_TOKEN_TTL`) and the audience `microblog:confirm_email`, so neither a
//! reset token nor any other JWT signed with the same secret is ever accepted as one, and the
//! signing key is derived for this purpose alone. A link confirms one address of one account:
//! once that address is confirmed (or the account's address is another), it is dead.

use crate::entities::UserId;
use crate::micros::{from_micros, to_micros};
use crate::signed_token::{self, TokenFault};
use crate::values::SecretKey;
use jwt_simple::prelude::*;
use time::OffsetDateTime;

const AUDIENCE: &str = "microblog:confirm_email";

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
        let custom = ConfirmCustomClaims {
            confirm_email: user_id.0,
            addr: address.to_owned(),
            chg: match purpose {
                ConfirmPurpose::Registration => None,
                ConfirmPurpose::Change { requested_at } => Some(to_micros(requested_at)),
            },
        };
        ConfirmToken(signed_token::issue(
            &self.signing_key,
            AUDIENCE,
            custom,
            self.ttl,
            now,
        ))
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
        let custom: ConfirmCustomClaims =
            signed_token::verify(&self.signing_key, AUDIENCE, token, now).map_err(|fault| {
                match fault {
                    TokenFault::Expired => ConfirmTokenError::Expired,
                    TokenFault::Invalid => ConfirmTokenError::Invalid,
                }
            })?;
        let purpose = match custom.chg {
            None => ConfirmPurpose::Registration,
            Some(requested_at) => ConfirmPurpose::Change {
                requested_at: from_micros(requested_at).ok_or(ConfirmTokenError::Invalid)?,
            },
        };
        Ok(ConfirmClaims {
            user_id: UserId(custom.confirm_email),
            address: custom.addr,
            purpose,
        })
    }
}
