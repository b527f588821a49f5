//! `Reauthentication`: a signed-in user proves they still know their password before a
//! sensitive change (`/change_password`, `/change_email`), under the sign-in's lockout.

use super::{Busy, Lockout, MailQueue, UnexpectedError, hashing};
use crate::entities::User;
use crate::ports::PasswordHasher;
use crate::values::Password;
use std::sync::Arc;

/// Checks a typed current password on the bounded hashing pool, counting a wrong one toward
/// the account's sign-in lock and refusing a locked account. Cheap to clone.
#[derive(Clone)]
pub struct Reauthentication {
    hasher: Arc<dyn PasswordHasher>,
    lockout: Lockout,
    mail: MailQueue,
}

impl Reauthentication {
    /// `lockout` is the sign-in's (one per-account throttle); `mail` sends its lock notice.
    pub fn new(hasher: Arc<dyn PasswordHasher>, lockout: Lockout, mail: MailQueue) -> Self {
        Self {
            hasher,
            lockout,
            mail,
        }
    }

    /// Whether `typed` is `user`'s password and the account is not locked. A password
    /// longer than any accepted one is hashed as an empty string (the same time) and wrong.
    ///
    /// # Errors
    /// `Busy` when hashing is at capacity; `Unexpected` when hashing or storage fails.
    pub(super) async fn verify<E: From<Busy> + From<UnexpectedError>>(
        &self,
        user: &User,
        typed: &str,
    ) -> Result<bool, E> {
        let oversized = typed.len() > Password::MAX_BYTES;
        let candidate = if oversized { "" } else { typed };
        let matches = self
            .hasher
            .verify(candidate, &user.password_hash)
            .await
            .map_err(hashing::<E>)?;
        if !matches || oversized {
            self.lockout.count_wrong_password(&self.mail, user).await?;
            return Ok(false);
        }
        Ok(self.lockout.right_password(user).await?)
    }

    /// The hasher, for the change that follows a successful check.
    pub(super) fn hasher(&self) -> &Arc<dyn PasswordHasher> {
        &self.hasher
    }
}
