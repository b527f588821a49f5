//! `ChangePassword`: a signed-in user replaces their password, proving the current one.

use super::{
    Busy, MailQueue, Reauthentication, Sessions, SignedIn, UnexpectedError, hashing, repo,
};
use crate::mail_request::MailRequest;
use crate::ports::{Clock, UserRepository};
use crate::values::Password;
use std::sync::Arc;

/// The current password, as typed, and the new one.
#[derive(Clone, Debug)]
pub struct ChangePasswordCommand {
    pub current_password: String,
    pub new_password: Password,
}

/// Why the password was not changed.
#[derive(Debug, thiserror::Error)]
pub enum ChangePasswordError {
    /// The current password is wrong, the account is locked by wrong passwords, or the
    /// password changed meanwhile. Nothing changed.
    #[error("Invalid password.")]
    WrongCurrentPassword,
    /// Too much hashing at once; nothing was done (503, try again).
    #[error(transparent)]
    Busy(#[from] Busy),
    #[error(transparent)]
    Unexpected(#[from] UnexpectedError),
}

/// The `/change_password` use case.
#[derive(Clone)]
pub struct ChangePassword {
    users: Arc<dyn UserRepository>,
    clock: Arc<dyn Clock>,
    reauthentication: Reauthentication,
    mail: MailQueue,
    sessions: Sessions,
}

impl ChangePassword {
    /// Wires the use case: `reauthentication` checks the current password (and hashes the
    /// new one), `mail` sends the "password changed" notice, `sessions` ends the other
    /// sessions.
    pub fn new(
        users: Arc<dyn UserRepository>,
        clock: Arc<dyn Clock>,
        reauthentication: Reauthentication,
        mail: MailQueue,
        sessions: Sessions,
    ) -> Self {
        Self {
            users,
            clock,
            reauthentication,
            mail,
            sessions,
        }
    }

    /// Checks the current password on the bounded hashing pool (a wrong one counts toward
    /// the account's sign-in lock; a locked account is refused), swaps the hash only if it is
    /// still the one checked, ends every session of the user but the visitor's, and queues
    /// the "your password was changed" notice. Returns how many sessions ended.
    ///
    /// # Errors
    /// [`ChangePasswordError::WrongCurrentPassword`] as documented there; `Busy` when
    /// hashing is at capacity; `Unexpected` when storage, hashing or the mail queue fails.
    pub async fn change(
        &self,
        visitor: &SignedIn,
        command: ChangePasswordCommand,
    ) -> Result<u64, ChangePasswordError> {
        let user = &visitor.user;
        let known = self
            .reauthentication
            .verify::<ChangePasswordError>(user, &command.current_password)
            .await?;
        if !known {
            return Err(ChangePasswordError::WrongCurrentPassword);
        }
        let new_hash = self
            .reauthentication
            .hasher()
            .hash(&command.new_password)
            .await
            .map_err(hashing::<ChangePasswordError>)?;
        let replaced = self
            .users
            .replace_password_hash(user.id, &user.password_hash, &new_hash)
            .await
            .map_err(repo)?;
        if !replaced {
            tracing::info!(
                user_id = user.id.0,
                "password changed concurrently; refused"
            );
            return Err(ChangePasswordError::WrongCurrentPassword);
        }
        let ended = self
            .sessions
            .end_all(user.id, Some(&visitor.session.handle))
            .await?;
        let notice = MailRequest::password_changed(user, self.clock.now());
        self.mail.queue(&notice).await?;
        tracing::info!(
            user_id = user.id.0,
            ended,
            "password changed; other sessions ended"
        );
        Ok(ended)
    }
}
