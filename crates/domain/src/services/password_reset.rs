//! `PasswordReset`: the holder of a reset link sets a new password.

use super::{Busy, MailQueue, Sessions, UnexpectedError, hashing, repo};
use crate::email::EmailIntent;
use crate::entities::User;
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

/// Why a password reset failed.
#[derive(Debug, thiserror::Error)]
pub enum ResetPasswordError {
    /// Garbage, tampered, expired, already used, superseded, or for a deleted user. The user
    /// sees one message for all of them.
    #[error("The reset link is invalid or has expired.")]
    InvalidToken,
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
    /// [`ResetPasswordError::InvalidToken`] for any unusable link, `Unexpected` on storage
    /// failure.
    pub async fn verify(&self, token: &ResetToken) -> Result<User, ResetPasswordError> {
        let claims = self
            .tokens
            .verify(token.as_str(), self.clock.now())
            .map_err(|error| {
                let reason = match error {
                    ResetTokenError::Expired => "expired",
                    ResetTokenError::Invalid => "invalid",
                };
                tracing::info!(reason, "reset link refused");
                ResetPasswordError::InvalidToken
            })?;
        let user = self.users.by_id(claims.user_id).await.map_err(repo)?;
        match user {
            Some(user) if self.tokens.is_current(&claims, &user.password_hash) => Ok(user),
            _ => {
                tracing::info!(reason = "superseded", "reset link refused");
                Err(ResetPasswordError::InvalidToken)
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
    /// [`ResetPasswordError::InvalidToken`] when the link is unusable or lost the race,
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
            return Err(ResetPasswordError::InvalidToken);
        }
        self.sessions.end_all(user.id, None).await?;
        let notice = EmailIntent::PasswordChanged {
            username: user.username.to_string(),
            changed_at: self.clock.now(),
        };
        self.mail
            .queue(vec![user.email.as_str().to_owned()], &notice)
            .await?;
        tracing::info!(user_id = user.id.0, "password reset; sessions ended");
        Ok(User {
            password_hash: new_hash,
            session_epoch: user.session_epoch + 1,
            ..user
        })
    }
}
