//! `EmailConfirmation`: the owner of an address follows the link mailed to it, or asks for
//! the confirmation mail again.

use super::{MailQueue, UnexpectedError, repo};
use crate::confirm_token::{ConfirmToken, ConfirmTokenError, ConfirmTokens};
use crate::entities::User;
use crate::mail_request::{Addressee, MailRequest};
use crate::ports::{Clock, UserRepository};
use std::sync::Arc;
use std::time::Duration;

/// Why a confirmation link did nothing. Like the reset links', these describe only the
/// token the visitor holds.
#[derive(Debug, thiserror::Error)]
pub enum ConfirmEmailError {
    /// A genuine link for an address that is already confirmed.
    #[error("This confirmation link has already been used.")]
    LinkUsed,
    /// A genuine link that has expired.
    #[error("This confirmation link has expired.")]
    LinkExpired,
    /// Garbage, a bad signature, another audience, an account that no longer exists or whose
    /// address is no longer the one the link confirms.
    #[error("This confirmation link is invalid.")]
    LinkInvalid,
    #[error(transparent)]
    Unexpected(#[from] UnexpectedError),
}

/// What asking for the confirmation mail again did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resend {
    /// A new mail is on its way.
    Queued,
    /// One went out within the throttle window; nothing was queued.
    Throttled,
    /// The address is confirmed already; nothing was queued.
    AlreadyConfirmed,
}

/// The address-confirmation use case.
#[derive(Clone)]
pub struct EmailConfirmation {
    users: Arc<dyn UserRepository>,
    clock: Arc<dyn Clock>,
    mail: MailQueue,
    tokens: ConfirmTokens,
    resend_throttle: Duration,
}

impl EmailConfirmation {
    /// Wires the use case; `tokens` must be the dispatcher's (same secret). At most one
    /// confirmation mail per account per `resend_throttle` is queued on request.
    pub fn new(
        users: Arc<dyn UserRepository>,
        clock: Arc<dyn Clock>,
        mail: MailQueue,
        tokens: ConfirmTokens,
        resend_throttle: Duration,
    ) -> Self {
        Self {
            users,
            clock,
            mail,
            tokens,
            resend_throttle,
        }
    }

    /// Confirms the address a link was minted for, if it is still the account's address and
    /// not yet confirmed; returns the account as it is now. Single use: the compare-and-set
    /// that confirms it fails for every later (or concurrent) use of the link.
    ///
    /// # Errors
    /// The link errors of [`ConfirmEmailError`]; `Unexpected` on storage failure.
    pub async fn confirm(&self, token: &ConfirmToken) -> Result<User, ConfirmEmailError> {
        let now = self.clock.now();
        let claims = self.tokens.verify(token.as_str(), now).map_err(|error| {
            tracing::info!(reason = %error, "confirmation link refused");
            match error {
                ConfirmTokenError::Expired => ConfirmEmailError::LinkExpired,
                ConfirmTokenError::Invalid => ConfirmEmailError::LinkInvalid,
            }
        })?;
        let user = self.users.by_id(claims.user_id).await.map_err(repo)?;
        let Some(user) = user.filter(|user| user.email.normalized() == claims.address) else {
            tracing::info!(
                reason = "not the account's address",
                "confirmation link refused"
            );
            return Err(ConfirmEmailError::LinkInvalid);
        };
        if user.email_confirmed {
            return Err(ConfirmEmailError::LinkUsed);
        }
        let confirmed = self
            .users
            .confirm_email(user.id, &claims.address, now)
            .await
            .map_err(repo)?;
        if !confirmed {
            return Err(ConfirmEmailError::LinkUsed);
        }
        tracing::info!(user_id = user.id.0, "email address confirmed");
        Ok(User {
            email_confirmed: true,
            ..user
        })
    }

    /// Queues the first confirmation mail to a newly registered `user`. The account exists
    /// whatever happens here: a failure is logged, and the banner's "send it again" is the
    /// way back.
    pub async fn welcome(&self, user: &User) {
        if let Err(error) = self.mail.queue(&confirmation_mail(user)).await {
            let cause = std::error::Error::source(&error).map(ToString::to_string);
            tracing::error!(user_id = user.id.0, %error, cause, "could not queue the confirmation email");
        }
    }

    /// Queues the confirmation mail to `user`'s address again, at most once per throttle
    /// window (decided atomically in storage, so it holds across instances).
    ///
    /// # Errors
    /// `Unexpected` when storage fails.
    pub async fn resend(&self, user: &User) -> Result<Resend, UnexpectedError> {
        if user.email_confirmed {
            return Ok(Resend::AlreadyConfirmed);
        }
        let won = self
            .users
            .claim_confirmation_slot(user.id, self.clock.now(), self.resend_throttle)
            .await
            .map_err(repo)?;
        if !won {
            return Ok(Resend::Throttled);
        }
        self.mail.queue(&confirmation_mail(user)).await?;
        Ok(Resend::Queued)
    }
}

/// The mail that asks `user` to confirm their current address.
pub(crate) fn confirmation_mail(user: &User) -> MailRequest {
    MailRequest::ConfirmEmail {
        to: Addressee::of(user),
    }
}
