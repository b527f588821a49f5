//! `SignIn`: a user proves who they are with username and password.

use super::{Busy, Lockout, MailQueue, UnexpectedError, hashing, repo};
use crate::entities::User;
use crate::metrics;
use crate::ports::{PasswordHasher, UserRepository};
use crate::values::{Password, Username};
use std::sync::Arc;

/// Why a login failed.
#[derive(Debug, thiserror::Error)]
pub enum AuthenticateError {
    /// Unknown user, wrong password, or a locked account: deliberately indistinguishable.
    #[error("Invalid username or password")]
    InvalidCredentials,
    /// Too much hashing at once; nothing was done (503, try again).
    #[error(transparent)]
    Busy(#[from] Busy),
    #[error(transparent)]
    Unexpected(#[from] UnexpectedError),
}

/// The sign-in use case.
#[derive(Clone)]
pub struct SignIn {
    users: Arc<dyn UserRepository>,
    hasher: Arc<dyn PasswordHasher>,
    lockout: Lockout,
    mail: MailQueue,
}

impl SignIn {
    /// Wires the use case: `lockout` counts wrong passwords per account, `mail` tells an
    /// owner their account was locked.
    pub fn new(
        users: Arc<dyn UserRepository>,
        hasher: Arc<dyn PasswordHasher>,
        lockout: Lockout,
        mail: MailQueue,
    ) -> Self {
        Self {
            users,
            hasher,
            lockout,
            mail,
        }
    }

    /// Checks a login. Every attempt costs exactly one hash verification — an unknown or
    /// malformed username against the dummy hash, a locked account against its own — so
    /// response time reveals neither which usernames exist nor which are locked.
    ///
    /// A wrong password for an existing account is counted (see [`Lockout`]); the failure
    /// that locks the account queues one notice to its owner. While locked, the right
    /// password is refused exactly like a wrong one; a right password otherwise clears the
    /// count. Unknown usernames are not counted: they have nothing to lock, and they answer
    /// the same before and after any number of attempts.
    ///
    /// # Errors
    /// [`AuthenticateError::InvalidCredentials`] for an unknown user, a wrong password or a
    /// locked account; `Busy` when hashing is at capacity; `Unexpected` when storage or
    /// hashing fails.
    pub async fn authenticate(
        &self,
        username: &str,
        password: &str,
    ) -> Result<User, AuthenticateError> {
        // Any stored name may sign in, even one from before today's naming rules.
        let user = match Username::from_stored(username) {
            Ok(name) => self.users.by_username(&name).await.map_err(repo)?,
            Err(_) => None,
        };
        let oversized = password.len() > Password::MAX_BYTES;
        let candidate = if oversized { "" } else { password };
        let hash = match &user {
            Some(user) => user.password_hash.clone(),
            None => self.hasher.dummy_hash(),
        };
        let matches = self
            .hasher
            .verify(candidate, &hash)
            .await
            .map_err(hashing::<AuthenticateError>)?;
        let Some(user) = user else {
            metrics::login_failed("unknown_user");
            return Err(AuthenticateError::InvalidCredentials);
        };
        if !matches || oversized {
            metrics::login_failed("wrong_password");
            self.wrong_password(&user).await?;
            return Err(AuthenticateError::InvalidCredentials);
        }
        if self.lockout.right_password(&user).await? {
            Ok(user)
        } else {
            metrics::login_failed("locked");
            Err(AuthenticateError::InvalidCredentials)
        }
    }

    /// Counts the failure and, when it started a lock, queues the owner's notice. A notice
    /// that cannot be queued is logged, not reported: the answer to the attempt stays the
    /// same as every other failure's.
    async fn wrong_password(&self, user: &User) -> Result<(), UnexpectedError> {
        let Some(notice) = self.lockout.wrong_password(user).await? else {
            return Ok(());
        };
        if let Err(error) = self
            .mail
            .queue(vec![user.email.as_str().to_owned()], &notice)
            .await
        {
            let cause = std::error::Error::source(&error).map(ToString::to_string);
            tracing::error!(user_id = user.id.0, %error, cause, "could not queue the sign-in lock notice");
        }
        Ok(())
    }
}
