//! `EmailConfirmation`: the owner of an address follows the link mailed to it, or asks for
//! the confirmation mail again.

use super::{MailQueue, UnexpectedError, repo};
use crate::confirm_token::{ConfirmPurpose, ConfirmToken, ConfirmTokenError, ConfirmTokens};
use crate::entities::{User, UserId};
use crate::mail_request::{Addressee, MailRequest};
use crate::ports::{Clock, EmailChangeOutcome, UserRepository};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

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
    /// A genuine address-change link whose change was replaced by a newer request.
    #[error("This confirmation link was replaced by a newer one.")]
    LinkSuperseded,
    /// A genuine address-change link for an address another account took meanwhile; the
    /// change is cancelled.
    #[error("This email address is now used by another account, so it was not added to yours.")]
    AddressTaken,
    #[error(transparent)]
    Unexpected(#[from] UnexpectedError),
}

/// What a followed link confirmed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confirmed {
    /// The account's own address (the registration mail's link).
    Address,
    /// A new address, now the account's (a `/change_email` link); the previous address
    /// has been sent a notice.
    Change,
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

    /// Follows a confirmation link. A registration link confirms the address it was minted
    /// for, if it is still the account's address and not yet confirmed; an address-change
    /// link makes the pending address the account's, if that change is still the pending
    /// one, and queues the notice to the previous address. Single use either way: the
    /// compare-and-set in storage fails for every later (or concurrent) use of the link.
    ///
    /// # Errors
    /// The link errors of [`ConfirmEmailError`]; `Unexpected` on storage failure.
    pub async fn confirm(&self, token: &ConfirmToken) -> Result<Confirmed, ConfirmEmailError> {
        let now = self.clock.now();
        let claims = self.tokens.verify(token.as_str(), now).map_err(|error| {
            tracing::info!(reason = %error, "confirmation link refused");
            match error {
                ConfirmTokenError::Expired => ConfirmEmailError::LinkExpired,
                ConfirmTokenError::Invalid => ConfirmEmailError::LinkInvalid,
            }
        })?;
        if let ConfirmPurpose::Change { requested_at } = claims.purpose {
            return self
                .apply_change(claims.user_id, &claims.address, requested_at, now)
                .await;
        }
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
        Ok(Confirmed::Address)
    }

    /// The address-change half of [`EmailConfirmation::confirm`].
    async fn apply_change(
        &self,
        user_id: UserId,
        address: &str,
        requested_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<Confirmed, ConfirmEmailError> {
        let Some(user) = self.users.by_id(user_id).await.map_err(repo)? else {
            return Err(ConfirmEmailError::LinkInvalid);
        };
        let this_change = user
            .pending_email
            .as_ref()
            .filter(|pending| pending.is_request(address, requested_at));
        let Some(pending) = this_change else {
            return Err(if user.email.normalized() == address {
                ConfirmEmailError::LinkUsed
            } else if user.pending_email.is_some() {
                ConfirmEmailError::LinkSuperseded
            } else {
                ConfirmEmailError::LinkInvalid
            });
        };
        let outcome = self
            .users
            .apply_email_change(user.id, address, requested_at, now)
            .await
            .map_err(repo)?;
        let previous = match outcome {
            EmailChangeOutcome::Applied { previous } => previous,
            EmailChangeOutcome::NotPending => return Err(ConfirmEmailError::LinkUsed),
            EmailChangeOutcome::AddressTaken => {
                tracing::info!(user_id = user.id.0, "address change refused: address taken");
                return Err(ConfirmEmailError::AddressTaken);
            }
        };
        let notice = MailRequest::EmailChanged {
            user_id: user.id,
            previous_address: previous.as_str().to_owned(),
            new_address: pending.address.as_str().to_owned(),
            changed_at: now,
        };
        // The change is committed: a notice that cannot be queued is logged loudly, and
        // the visitor (who proved they own the new address) is told the change worked.
        if let Err(error) = self.mail.queue(&notice).await {
            let cause = std::error::Error::source(&error).map(ToString::to_string);
            tracing::error!(user_id = user.id.0, %error, cause, "could not queue the address-changed notice");
        }
        tracing::info!(user_id = user.id.0, "email address changed");
        Ok(Confirmed::Change)
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
