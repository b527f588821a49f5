//! `SignIn`: a user proves who they are with username and password.

use super::{Busy, UnexpectedError, hashing, repo};
use crate::entities::User;
use crate::ports::{PasswordHasher, UserRepository};
use crate::values::{Password, Username};
use std::sync::Arc;

/// Why a login failed.
#[derive(Debug, thiserror::Error)]
pub enum AuthenticateError {
    /// Unknown user or wrong password: deliberately indistinguishable.
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
}

impl SignIn {
    /// Wires the use case to its ports.
    pub fn new(users: Arc<dyn UserRepository>, hasher: Arc<dyn PasswordHasher>) -> Self {
        Self { users, hasher }
    }

    /// Checks a login. An unknown or malformed username still costs one hash verification,
    /// so response time does not reveal which usernames exist.
    ///
    /// # Errors
    /// [`AuthenticateError::InvalidCredentials`] for an unknown user or wrong password,
    /// `Unexpected` when storage or hashing fails.
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
        match user {
            Some(user) if matches && !oversized => Ok(user),
            _ => Err(AuthenticateError::InvalidCredentials),
        }
    }
}
