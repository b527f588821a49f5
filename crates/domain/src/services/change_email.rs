//! `ChangeEmail`: a signed-in user asks to move their account to a new address, proving
//! their password; the new address must confirm it by the mailed link before anything changes.

use super::{Busy, MailQueue, Reauthentication, SignedIn, UnexpectedError, repo};
use crate::mail_request::MailRequest;
use crate::ports::{Clock, UserRepository};
use crate::values::EmailAddress;
use std::sync::Arc;

/// The new address and the password, as typed.
#[derive(Clone, Debug)]
pub struct ChangeEmailCommand {
    pub new_email: EmailAddress,
    pub password: String,
}

/// Why no change was asked for.
#[derive(Debug, thiserror::Error)]
pub enum ChangeEmailError {
    /// The password is wrong (or the account is locked by wrong passwords). Nothing was
    /// stored or sent.
    #[error("Invalid password.")]
    WrongPassword,
    /// The new address is the account's address already.
    #[error("This is already your email address.")]
    SameAddress,
    /// Too much hashing at once; nothing was done (503, try again).
    #[error(transparent)]
    Busy(#[from] Busy),
    #[error(transparent)]
    Unexpected(#[from] UnexpectedError),
}

/// The `/change_email` use case.
#[derive(Clone)]
pub struct ChangeEmail {
    users: Arc<dyn UserRepository>,
    clock: Arc<dyn Clock>,
    reauthentication: Reauthentication,
    mail: MailQueue,
}

impl ChangeEmail {
    /// Wires the use case: `reauthentication` checks the password, `mail` queues the
    /// confirmation request.
    pub fn new(
        users: Arc<dyn UserRepository>,
        clock: Arc<dyn Clock>,
        reauthentication: Reauthentication,
        mail: MailQueue,
    ) -> Self {
        Self {
            users,
            clock,
            reauthentication,
            mail,
        }
    }

    /// Stores the new address as pending (replacing an older pending one, whose link dies)
    /// and queues one mail request for it. The same work is done whether or not another
    /// account has the address: the dispatcher decides at send time between the
    /// confirmation link (a free address) and a notice to the address's owner (a taken one),
    /// so neither the answer nor its timing tells the requester which it was.
    ///
    /// # Errors
    /// [`ChangeEmailError::WrongPassword`] and [`ChangeEmailError::SameAddress`] as
    /// documented there; `Busy` when hashing is at capacity; `Unexpected` when storage,
    /// hashing or the mail queue fails.
    pub async fn request(
        &self,
        visitor: &SignedIn,
        command: ChangeEmailCommand,
    ) -> Result<(), ChangeEmailError> {
        let user = &visitor.user;
        let known = self
            .reauthentication
            .verify::<ChangeEmailError>(user, &command.password)
            .await?;
        if !known {
            return Err(ChangeEmailError::WrongPassword);
        }
        if command.new_email.normalized() == user.email.normalized() {
            return Err(ChangeEmailError::SameAddress);
        }
        // Strictly later than the pending request it replaces, even on a clock that stood
        // still: the request time is what tells the newer link from the older.
        let now = self.clock.now();
        let requested_at = match &user.pending_email {
            Some(pending) if pending.requested_at >= now => {
                pending.requested_at + time::Duration::microseconds(1)
            }
            _ => now,
        };
        let stored = self
            .users
            .request_email_change(user.id, &command.new_email, requested_at)
            .await
            .map_err(repo)?;
        if !stored {
            let gone = "the signed-in account no longer exists";
            return Err(UnexpectedError::new("storing the address change failed", gone).into());
        }
        let request = MailRequest::ConfirmEmailChange {
            user_id: user.id,
            address: command.new_email.as_str().to_owned(),
            requested_at,
        };
        self.mail.queue(&request).await?;
        tracing::info!(user_id = user.id.0, "address change requested");
        Ok(())
    }
}
