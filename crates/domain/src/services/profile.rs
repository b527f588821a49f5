//! `Profile`: a user edits their username and "about me".

use super::UnexpectedError;
use crate::entities::{User, UserId};
use crate::ports::{self, UserRepository};
use crate::values::{AboutMe, Username};
use std::sync::Arc;

/// Profile edit input, already parsed.
#[derive(Clone, Debug)]
pub struct UpdateProfileCommand {
    pub username: Username,
    pub about_me: AboutMe,
}

/// Why a profile edit failed.
#[derive(Debug, thiserror::Error)]
pub enum UpdateProfileError {
    #[error("Please use a different username.")]
    UsernameTaken,
    #[error(transparent)]
    Unexpected(#[from] UnexpectedError),
}

/// The profile-editing use case.
#[derive(Clone)]
pub struct Profile {
    users: Arc<dyn UserRepository>,
}

impl Profile {
    /// Wires the use case to its port.
    pub fn new(users: Arc<dyn UserRepository>) -> Self {
        Self { users }
    }

    /// Changes a user's username and about-me.
    ///
    /// # Errors
    /// [`UpdateProfileError::UsernameTaken`], or `Unexpected` when storage fails.
    pub async fn update(
        &self,
        user: UserId,
        command: UpdateProfileCommand,
    ) -> Result<User, UpdateProfileError> {
        use ports::UpdateProfileError as Repo;
        self.users
            .update_profile(user, &command.username, &command.about_me)
            .await
            .map_err(|e| match e {
                Repo::UsernameTaken => UpdateProfileError::UsernameTaken,
                Repo::NotFound | Repo::Repo(_) => {
                    UnexpectedError::new("updating the profile failed", e).into()
                }
            })
    }
}
