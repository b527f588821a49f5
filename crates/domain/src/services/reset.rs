//! The password-reset use cases of `Accounts`: request a link, check a link, set a password.

use super::accounts::{Accounts, UnexpectedError, repo};
use crate::email::EmailIntent;
use crate::entities::User;
use crate::reset_token::ResetTokenError;
use crate::values::{EmailAddress, Password};

/// Why a reset request could not be handled. There is deliberately no "unknown address"
/// variant: an unknown address is `Ok`, exactly like a known one.
#[derive(Debug, thiserror::Error)]
pub enum RequestResetError {
    #[error(transparent)]
    Unexpected(#[from] UnexpectedError),
}

/// A new password for the holder of a reset link.
#[derive(Clone, Debug)]
pub struct ResetPasswordCommand {
    pub token: String,
    pub new_password: Password,
}

/// Why a password reset failed.
#[derive(Debug, thiserror::Error)]
pub enum ResetPasswordError {
    /// Garbage, tampered, expired, already used, superseded, or for a deleted user. The user
    /// sees one message for all of them.
    #[error("The reset link is invalid or has expired.")]
    InvalidToken,
    #[error(transparent)]
    Unexpected(#[from] UnexpectedError),
}

impl Accounts {
    /// Handles "Reset Password": looks the address up and, when it belongs to a user,
    /// hands the rest to a background task (tracked; see
    /// [`Accounts::finish_background_work`]): claim the throttle slot (at most one email per
    /// address per window), compose the email with a link on `BASE_URL`, put it in the
    /// outbox. The caller waits for the look-up only, so a known, an unknown and a throttled
    /// address take the same time: response time reveals nothing about who has an account.
    /// Nothing is sent here either, so SMTP never slows the request.
    ///
    /// # Errors
    /// Only `Unexpected`, when the look-up fails. Unknown and throttled addresses are
    /// `Ok(())`, indistinguishable from a queued email; failures in the background task are
    /// logged.
    pub async fn request_password_reset(
        &self,
        email: &EmailAddress,
    ) -> Result<(), RequestResetError> {
        let Some(user) = self.users.by_email(email).await.map_err(repo)? else {
            tracing::info!("password reset requested for an unknown address");
            return Ok(());
        };
        let this = self.clone();
        let work = async move {
            if let Err(error) = this.queue_reset_link(&user).await {
                let cause = std::error::Error::source(&error).map(ToString::to_string);
                tracing::error!(user_id = user.id.0, %error, cause, "could not queue a password reset email");
            }
        };
        self.background
            .spawn(tracing::Instrument::in_current_span(work));
        Ok(())
    }

    /// The part of a reset request that depends on the user: throttle, token, email.
    async fn queue_reset_link(&self, user: &User) -> Result<(), UnexpectedError> {
        let now = self.clock.now();
        let won = self
            .users
            .claim_reset_slot(user.id, now, self.config.reset_throttle)
            .await
            .map_err(repo)?;
        if !won {
            tracing::info!(user_id = user.id.0, "password reset throttled");
            return Ok(());
        }
        let token = self.tokens.issue(user, now);
        let intent = EmailIntent::ResetPassword {
            username: user.username.to_string(),
            link: format!("{}/reset_password/{}", self.config.base_url, token.as_str()),
            valid_for_minutes: self.tokens.ttl().as_secs().div_ceil(60),
        };
        self.queue(user, &intent).await?;
        tracing::info!(user_id = user.id.0, "password reset email queued");
        Ok(())
    }

    /// Waits for the background work started so far (reset requests being queued). Called
    /// on shutdown so no accepted request is lost, and by tests before they look at the
    /// outbox.
    pub async fn finish_background_work(&self) {
        self.background.close();
        self.background.wait().await;
        self.background.reopen();
    }

    /// The user a reset link is for, if the link is valid now and still current (the
    /// password has not changed since it was issued).
    ///
    /// # Errors
    /// [`ResetPasswordError::InvalidToken`] for any unusable link, `Unexpected` on storage
    /// failure.
    pub async fn verify_reset_token(&self, token: &str) -> Result<User, ResetPasswordError> {
        let claims = self
            .tokens
            .verify(token, self.clock.now())
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
    /// concurrent submissions exactly one wins), which also ends every session, then queues
    /// the "your password was changed" notice.
    ///
    /// # Errors
    /// [`ResetPasswordError::InvalidToken`] when the link is unusable or lost the race,
    /// `Unexpected` on storage, hashing or template failure.
    pub async fn reset_password(
        &self,
        command: ResetPasswordCommand,
    ) -> Result<User, ResetPasswordError> {
        let user = self.verify_reset_token(&command.token).await?;
        let new_hash = self
            .hasher
            .hash(&command.new_password)
            .await
            .map_err(|e| UnexpectedError::new("hashing the password failed", e))?;
        let replaced = self
            .users
            .replace_password_hash(user.id, &user.password_hash, &new_hash)
            .await
            .map_err(repo)?;
        if !replaced {
            tracing::info!(reason = "used concurrently", "reset link refused");
            return Err(ResetPasswordError::InvalidToken);
        }
        let changed_at = self.clock.now();
        let notice = EmailIntent::PasswordChanged {
            username: user.username.to_string(),
            changed_at,
        };
        self.queue(&user, &notice).await?;
        tracing::info!(user_id = user.id.0, "password reset; sessions ended");
        Ok(User {
            password_hash: new_hash,
            session_epoch: user.session_epoch + 1,
            ..user
        })
    }

    async fn queue(&self, user: &User, intent: &EmailIntent) -> Result<(), UnexpectedError> {
        let email = self
            .composer
            .compose(vec![user.email.as_str().to_owned()], intent)
            .map_err(|e| UnexpectedError::new("composing an email failed", e))?;
        self.outbox
            .enqueue(&email, self.clock.now())
            .await
            .map_err(|e| UnexpectedError::new("queueing an email failed", e))?;
        self.signal.notify();
        Ok(())
    }
}
