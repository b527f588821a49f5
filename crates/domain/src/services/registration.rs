//! `Registration`: a visitor creates an account.

use super::{Busy, UnexpectedError, hashing};
use crate::entities::{NewUser, User};
use crate::ports::{Clock, CreateUserError, PasswordHasher, UserRepository};
use crate::values::{EmailAddress, Password, Username};
use std::sync::Arc;

/// Registration input, already parsed.
#[derive(Clone, Debug)]
pub struct RegisterCommand {
    pub username: Username,
    pub email: EmailAddress,
    pub password: Password,
}

/// Why registration failed.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error("Please use a different username.")]
    UsernameTaken,
    #[error("Please use a different email address.")]
    EmailTaken,
    /// Too much hashing at once; nothing was done (503, try again).
    #[error(transparent)]
    Busy(#[from] Busy),
    #[error(transparent)]
    Unexpected(#[from] UnexpectedError),
}

/// The registration use case.
#[derive(Clone)]
pub struct Registration {
    users: Arc<dyn UserRepository>,
    hasher: Arc<dyn PasswordHasher>,
    clock: Arc<dyn Clock>,
}

impl Registration {
    /// Wires the use case to its ports.
    pub fn new(
        users: Arc<dyn UserRepository>,
        hasher: Arc<dyn PasswordHasher>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            users,
            hasher,
            clock,
        }
    }

    /// Registers a user with a fresh password hash.
    ///
    /// # Errors
    /// [`RegisterError::UsernameTaken`] / [`RegisterError::EmailTaken`] (case-insensitive on
    /// the normalized address), `Unexpected` when storage or hashing fails.
    pub async fn register(&self, command: RegisterCommand) -> Result<User, RegisterError> {
        let password_hash = self
            .hasher
            .hash(&command.password)
            .await
            .map_err(hashing::<RegisterError>)?;
        let new_user = NewUser {
            username: command.username,
            email: command.email,
            password_hash,
            created_at: self.clock.now(),
        };
        self.users.create(new_user).await.map_err(|e| match e {
            CreateUserError::UsernameTaken => RegisterError::UsernameTaken,
            CreateUserError::EmailTaken => RegisterError::EmailTaken,
            CreateUserError::Repo(e) => UnexpectedError::new("storing the user failed", e).into(),
        })
    }
}
