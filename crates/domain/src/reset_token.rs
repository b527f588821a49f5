//! `ResetTokens`: issues and verifies the password-reset JWT (HS256, jwt-simple).
//!
//! Claims: `reset_password` (the user id, as in the tutorial), `iat`, `exp`, the audience
//! `microblog:reset_password` (so no other JWT signed with the same secret is ever accepted as
//! a reset token) and `fp`, a keyed fingerprint of the user's password hash at issue time.
//! When the password changes the fingerprint stops matching: a link works once, and every
//! older link dies with it.

use crate::entities::{User, UserId};
use crate::signed_token::{self, TokenFault};
use crate::values::{PasswordHash, SecretKey};
use jwt_simple::prelude::*;
use time::OffsetDateTime;

const AUDIENCE: &str = "microblog:reset_password";

/// A signed reset token, as it appears in the link. Serialized as its text, so the web layer
/// can take it from a path and keep it in the session; holding one says nothing about its
/// validity until [`ResetTokens::verify`] said so.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ResetToken(String);

impl ResetToken {
    /// A token as it arrived in a link, not yet verified ([`ResetTokens::verify`] decides).
    pub fn from_link(text: String) -> Self {
        Self(text)
    }

    /// The token text, for the link.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ResetToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ResetToken(<redacted>)")
    }
}

/// What a valid signature vouches for. The fingerprint still has to match the user's current
/// hash ([`ResetTokens::is_current`]) before the token may be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResetClaims {
    pub user_id: UserId,
    fingerprint: String,
}

/// Why a token is refused. Deliberately coarse: the page says the same for all of them.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ResetTokenError {
    #[error("the reset token has expired")]
    Expired,
    #[error("the reset token is invalid")]
    Invalid,
}

#[derive(Serialize, Deserialize)]
struct ResetCustomClaims {
    reset_password: i64,
    fp: String,
}

/// Issues and verifies reset tokens with keys derived from the application secret.
#[derive(Clone)]
pub struct ResetTokens {
    signing_key: HS256Key,
    fingerprint_key: [u8; 32],
    ttl: std::time::Duration,
}

impl ResetTokens {
    /// Tokens signed with a key derived from `secret`, valid for `ttl`.
    pub fn new(secret: &SecretKey, ttl: std::time::Duration) -> Self {
        Self {
            signing_key: HS256Key::from_bytes(&secret.derive("microblog reset-token signing")),
            fingerprint_key: secret.derive("microblog reset-token fingerprint"),
            ttl,
        }
    }

    /// How long a token stays valid.
    pub fn ttl(&self) -> std::time::Duration {
        self.ttl
    }

    /// A token for `user`, issued at `now`.
    pub fn issue(&self, user: &User, now: OffsetDateTime) -> ResetToken {
        let custom = ResetCustomClaims {
            reset_password: user.id.0,
            fp: self.fingerprint(&user.password_hash),
        };
        ResetToken(signed_token::issue(
            &self.signing_key,
            AUDIENCE,
            custom,
            self.ttl,
            now,
        ))
    }

    /// Checks signature (HS256 only), audience, `iat`, and `exp` with zero tolerance: a token
    /// is valid strictly before `exp`, as RFC 7519 requires.
    ///
    /// # Errors
    /// [`ResetTokenError::Expired`] at or after `exp`; [`ResetTokenError::Invalid`] for
    /// anything else that is wrong (bad signature, other algorithm, missing claims, garbage).
    pub fn verify(&self, token: &str, now: OffsetDateTime) -> Result<ResetClaims, ResetTokenError> {
        let custom: ResetCustomClaims =
            signed_token::verify(&self.signing_key, AUDIENCE, token, now).map_err(|fault| {
                match fault {
                    TokenFault::Expired => ResetTokenError::Expired,
                    TokenFault::Invalid => ResetTokenError::Invalid,
                }
            })?;
        Ok(ResetClaims {
            user_id: UserId(custom.reset_password),
            fingerprint: custom.fp,
        })
    }

    /// Whether the token was issued against `current` — the hash the user has now.
    pub fn is_current(&self, claims: &ResetClaims, current: &PasswordHash) -> bool {
        let expected = self.fingerprint(current);
        constant_time_eq(expected.as_bytes(), claims.fingerprint.as_bytes())
    }

    fn fingerprint(&self, hash: &PasswordHash) -> String {
        let mac = hmac_sha256::HMAC::mac(hash.as_str().as_bytes(), self.fingerprint_key);
        Base64UrlSafeNoPadding::encode_to_string(&mac[..16]).expect("encoding 16 bytes cannot fail")
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
