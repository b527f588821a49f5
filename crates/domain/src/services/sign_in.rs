//! `SignIn`: a user proves who they are with username and password.

use super::{Busy, Lockout, MailQueue, OpenedSession, Sessions, UnexpectedError, hashing, repo};
use crate::entities::User;
use crate::metrics;
use crate::ports::{PasswordHasher, UserRepository};
use crate::session::Device;
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
    sessions: Sessions,
}

impl SignIn {
    /// Wires the use case: `lockout` counts wrong passwords per account, `mail` tells an
    /// owner their account was locked, `sessions` opens the session of a right password.
    pub fn new(
        users: Arc<dyn UserRepository>,
        hasher: Arc<dyn PasswordHasher>,
        lockout: Lockout,
        mail: MailQueue,
        sessions: Sessions,
    ) -> Self {
        Self {
            users,
            hasher,
            lockout,
            mail,
            sessions,
        }
    }

    /// Checks a login as [`Self::authenticate`] does and opens a new server-side session
    /// for it, with a fresh secret (nothing from before the login stays valid).
    ///
    /// A password reset or change that lands while the password is being verified could
    /// miss a session opened right after it; so the password is read again once the
    /// session is stored, and if it changed, the session is ended and the login refused.
    ///
    /// # Errors
    /// As [`Self::authenticate`]; `Unexpected` also when the session cannot be stored.
    pub async fn sign_in(
        &self,
        username: &str,
        password: &str,
        remember: bool,
        device: Device,
    ) -> Result<OpenedSession, AuthenticateError> {
        let user = self.authenticate(username, password).await?;
        let verified_hash = user.password_hash.clone();
        let opened = self.sessions.open(user, remember, device).await?;
        let user_now = self
            .users
            .by_id(opened.signed_in.user.id)
            .await
            .map_err(repo)?;
        if user_now.is_none_or(|user| user.password_hash != verified_hash) {
            self.sessions.log_out(&opened.signed_in).await?;
            tracing::info!("password changed during sign-in; session ended");
            return Err(AuthenticateError::InvalidCredentials);
        }
        Ok(opened)
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
            self.lockout.count_wrong_password(&self.mail, &user).await?;
            return Err(AuthenticateError::InvalidCredentials);
        }
        if self.lockout.right_password(&user).await? {
            Ok(user)
        } else {
            metrics::login_failed("locked");
            Err(AuthenticateError::InvalidCredentials)
        }
    }
}
