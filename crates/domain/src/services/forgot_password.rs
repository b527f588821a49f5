//! `ForgotPassword`: a visitor who forgot their password asks for a reset link by email.

use super::{MailQueue, UnexpectedError, repo};
use crate::email::EmailIntent;
use crate::entities::User;
use crate::ports::{BackgroundTasks, Clock, UserRepository};
use crate::reset_token::ResetTokens;
use crate::values::EmailAddress;
use std::sync::Arc;
use std::time::Duration;

/// Why a reset request could not be handled. There is deliberately no "unknown address"
/// variant: an unknown address is `Ok`, exactly like a known one.
#[derive(Debug, thiserror::Error)]
pub enum RequestResetError {
    #[error(transparent)]
    Unexpected(#[from] UnexpectedError),
}

/// How reset links are issued: signed by `tokens`, at most one email per address per
/// `throttle`.
#[derive(Clone)]
pub struct ResetPolicy {
    pub tokens: ResetTokens,
    pub throttle: Duration,
}

/// The "Reset Password" request use case.
#[derive(Clone)]
pub struct ForgotPassword {
    users: Arc<dyn UserRepository>,
    clock: Arc<dyn Clock>,
    mail: MailQueue,
    tasks: Arc<dyn BackgroundTasks>,
    policy: ResetPolicy,
}

impl ForgotPassword {
    /// Wires the use case. `tasks` runs the part of a request the caller does not wait for.
    pub fn new(
        users: Arc<dyn UserRepository>,
        clock: Arc<dyn Clock>,
        mail: MailQueue,
        tasks: Arc<dyn BackgroundTasks>,
        policy: ResetPolicy,
    ) -> Self {
        Self {
            users,
            clock,
            mail,
            tasks,
            policy,
        }
    }

    /// Handles "Reset Password": looks the address up and, when it belongs to a user, hands
    /// the rest to a background task (see [`BackgroundTasks`]): claim the throttle slot (at
    /// most one email per address per window), issue a token, put the email in the outbox.
    /// The caller waits for the look-up only, so a known, an unknown and a throttled address
    /// take the same time: response time reveals nothing about who has an account. Nothing
    /// is sent here either, so SMTP never slows the request.
    ///
    /// # Errors
    /// Only `Unexpected`, when the look-up fails. Unknown and throttled addresses are
    /// `Ok(())`, indistinguishable from a queued email; failures in the background task are
    /// logged.
    pub async fn request(&self, email: &EmailAddress) -> Result<(), RequestResetError> {
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
        self.tasks
            .spawn(Box::pin(tracing::Instrument::in_current_span(work)));
        Ok(())
    }

    /// The part of a reset request that depends on the user: throttle, token, email.
    async fn queue_reset_link(&self, user: &User) -> Result<(), UnexpectedError> {
        let now = self.clock.now();
        let won = self
            .users
            .claim_reset_slot(user.id, now, self.policy.throttle)
            .await
            .map_err(repo)?;
        if !won {
            tracing::info!(user_id = user.id.0, "password reset throttled");
            return Ok(());
        }
        let tokens = &self.policy.tokens;
        let intent = EmailIntent::ResetPassword {
            username: user.username.to_string(),
            token: tokens.issue(user, now),
            valid_for_minutes: tokens.ttl().as_secs().div_ceil(60),
        };
        self.mail
            .queue(vec![user.email.as_str().to_owned()], &intent)
            .await?;
        tracing::info!(user_id = user.id.0, "password reset email queued");
        Ok(())
    }
}
