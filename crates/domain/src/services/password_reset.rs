//! `PasswordReset`: the holder of a reset link sets a new password.

use super::{Busy, MailQueue, Sessions, UnexpectedError, hashing, repo};
use crate::entities::User;
use crate::mail_request::MailRequest;
use crate::ports::{Clock, PasswordHasher, UserRepository};
use crate::reset_token::{ResetToken, ResetTokenError, ResetTokens};
use crate::values::Password;
use std::sync::Arc;

/// A new password for the holder of a reset link.
#[derive(Clone, Debug)]
pub struct ResetPasswordCommand {
    pub token: ResetToken,
    pub new_password: Password,
}

/// Why a password reset failed. The three link errors describe only the token the visitor
/// already holds, never whether an address has an account.
#[derive(Debug, thiserror::Error)]
pub enum ResetPasswordError {
    /// The link was genuine, but the password has changed since it was sent (this link or a
    /// newer one was used): its fingerprint no longer matches.
    #[error("This reset link has already been used.")]
    LinkUsed,
    /// The link was genuine and has expired.
    #[error("This reset link has expired.")]
    LinkExpired,
    /// Garbage, a bad signature, another audience, or an account that no longer exists.
    #[error("This reset link is invalid.")]
    LinkInvalid,
    /// Too much hashing at once; nothing was done (503, try again).
    #[error(transparent)]
    Busy(#[from] Busy),
    #[error(transparent)]
    Unexpected(#[from] UnexpectedError),
}

/// The use case behind the link in a reset email.
#[derive(Clone)]
pub struct PasswordReset {
    users: Arc<dyn UserRepository>,
    hasher: Arc<dyn PasswordHasher>,
    clock: Arc<dyn Clock>,
    mail: MailQueue,
    tokens: ResetTokens,
    sessions: Sessions,
}

impl PasswordReset {
    /// Wires the use case; `tokens` must be the issuer's (same secret); `sessions` ends
    /// the user's sessions once the password is replaced.
    pub fn new(
        users: Arc<dyn UserRepository>,
        hasher: Arc<dyn PasswordHasher>,
        clock: Arc<dyn Clock>,
        mail: MailQueue,
        tokens: ResetTokens,
        sessions: Sessions,
    ) -> Self {
        Self {
            users,
            hasher,
            clock,
            mail,
            tokens,
            sessions,
        }
    }

    /// The user a reset link is for, if the link is valid now and still current (the
    /// password has not changed since it was issued).
    ///
    /// # Errors
    /// [`ResetPasswordError::LinkExpired`], [`ResetPasswordError::LinkUsed`] (the password
    /// changed since the link was sent) or [`ResetPasswordError::LinkInvalid`] for an
    /// unusable link, `Unexpected` on storage failure.
    pub async fn verify(&self, token: &ResetToken) -> Result<User, ResetPasswordError> {
        let claims = self
            .tokens
            .verify(token.as_str(), self.clock.now())
            .map_err(|error| {
                let (reason, refused) = match error {
                    ResetTokenError::Expired => ("expired", ResetPasswordError::LinkExpired),
                    ResetTokenError::Invalid => ("invalid", ResetPasswordError::LinkInvalid),
                };
                tracing::info!(reason, "reset link refused");
                refused
            })?;
        let user = self.users.by_id(claims.user_id).await.map_err(repo)?;
        match user {
            Some(user) if self.tokens.is_current(&claims, &user.password_hash) => Ok(user),
            Some(_) => {
                tracing::info!(reason = "used", "reset link refused");
                Err(ResetPasswordError::LinkUsed)
            }
            None => {
                tracing::info!(reason = "no such account", "reset link refused");
                Err(ResetPasswordError::LinkInvalid)
            }
        }
    }

    /// Sets a new password through a reset link: verifies the link, hashes the password,
    /// swaps the hash only if it is still the one the link was issued against (so of two
    /// concurrent submissions exactly one wins), then ends every session of the user and
    /// queues the "your password was changed" notice. The swap bumps the session epoch, and a
    /// sign-in lock and its count belong to the epoch (see `SignInAttempts`), so the same
    /// statement lifts a lock: the user can sign in with the new password at once.
    ///
    /// # Errors
    /// The link errors of [`Self::verify`] ([`ResetPasswordError::LinkUsed`] also when a
    /// concurrent use of the same link won the race),
    /// `Unexpected` on storage, hashing or template failure.
    pub async fn reset(&self, command: ResetPasswordCommand) -> Result<User, ResetPasswordError> {
        let user = self.verify(&command.token).await?;
        let new_hash = self
            .hasher
            .hash(&command.new_password)
            .await
            .map_err(hashing::<ResetPasswordError>)?;
        let replaced = self
            .users
            .replace_password_hash(user.id, &user.password_hash, &new_hash)
            .await
            .map_err(repo)?;
        if !replaced {
            tracing::info!(reason = "used concurrently", "reset link refused");
            return Err(ResetPasswordError::LinkUsed);
        }
        self.sessions.end_all(user.id, None).await?;
        let notice = MailRequest::password_changed(&user, self.clock.now());
        self.mail.queue(&notice).await?;
        tracing::info!(user_id = user.id.0, "password reset; sessions ended");
        Ok(User {
            password_hash: new_hash,
            session_epoch: user.session_epoch + 1,
            ..user
        })
    }
}
