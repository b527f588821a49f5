//! `Accounts`: registration, login, sessions' user lookup, profile edits.
//! The password-reset use cases live beside it in `reset.rs`.

use crate::entities::{NewUser, User, UserId};
use crate::ports::{
    self, BoxError, Clock, CreateUserError, EmailComposer, Outbox, PasswordHasher, UserRepository,
};
use crate::reset_token::ResetTokens;
use crate::services::dispatcher::OutboxSignal;
use crate::values::{AboutMe, EmailAddress, Password, Username};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::task::TaskTracker;

/// Something failed that the user cannot fix (storage, hashing, templates). Answer 500.
#[derive(Debug, thiserror::Error)]
#[error("{context}")]
pub struct UnexpectedError {
    context: &'static str,
    #[source]
    source: BoxError,
}

impl UnexpectedError {
    pub(crate) fn new(context: &'static str, source: impl Into<BoxError>) -> Self {
        Self {
            context,
            source: source.into(),
        }
    }
}

/// What the account services need to know.
#[derive(Clone, Debug)]
pub struct AccountsConfig {
    /// Where links in emails point (`BASE_URL`), without a trailing slash. Never taken from
    /// a request's `Host` header.
    pub base_url: String,
    /// At most one reset email per address per this window.
    pub reset_throttle: Duration,
    /// `last_seen` is written at most once per this interval.
    pub last_seen_interval: Duration,
}

impl Default for AccountsConfig {
    fn default() -> Self {
        Self {
            base_url: "http://127.0.0.1:5000".to_owned(),
            reset_throttle: Duration::from_secs(60),
            last_seen_interval: Duration::from_secs(60),
        }
    }
}

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
    #[error(transparent)]
    Unexpected(#[from] UnexpectedError),
}

/// Why a login failed.
#[derive(Debug, thiserror::Error)]
pub enum AuthenticateError {
    /// Unknown user or wrong password: deliberately indistinguishable.
    #[error("Invalid username or password")]
    InvalidCredentials,
    #[error(transparent)]
    Unexpected(#[from] UnexpectedError),
}

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

/// The account use cases.
#[derive(Clone)]
pub struct Accounts {
    pub(crate) users: Arc<dyn UserRepository>,
    pub(crate) outbox: Arc<dyn Outbox>,
    pub(crate) composer: Arc<dyn EmailComposer>,
    pub(crate) hasher: Arc<dyn PasswordHasher>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) tokens: ResetTokens,
    pub(crate) signal: OutboxSignal,
    pub(crate) config: AccountsConfig,
    /// Work a request hands off and does not wait for (see `request_password_reset`).
    pub(crate) background: TaskTracker,
}

impl Accounts {
    /// Wires the service to its ports. `signal` wakes the mail dispatcher on enqueue.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        users: Arc<dyn UserRepository>,
        outbox: Arc<dyn Outbox>,
        composer: Arc<dyn EmailComposer>,
        hasher: Arc<dyn PasswordHasher>,
        clock: Arc<dyn Clock>,
        tokens: ResetTokens,
        signal: OutboxSignal,
        config: AccountsConfig,
    ) -> Self {
        Self {
            users,
            outbox,
            composer,
            hasher,
            clock,
            tokens,
            signal,
            config,
            background: TaskTracker::new(),
        }
    }

    /// Registers a user with a fresh Argon2id hash.
    ///
    /// # Errors
    /// [`RegisterError::UsernameTaken`] / [`RegisterError::EmailTaken`] (case-insensitive on
    /// the normalized address), `Unexpected` when storage or hashing fails.
    pub async fn register(&self, command: RegisterCommand) -> Result<User, RegisterError> {
        let password_hash = self
            .hasher
            .hash(&command.password)
            .await
            .map_err(|e| UnexpectedError::new("hashing the password failed", e))?;
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
        let user = match Username::parse(username) {
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
            .map_err(|e| UnexpectedError::new("verifying the password failed", e))?;
        match user {
            Some(user) if matches && !oversized => Ok(user),
            _ => Err(AuthenticateError::InvalidCredentials),
        }
    }

    /// The user a session belongs to, if the session is still valid: the user exists and
    /// the session's epoch is the user's current one (a password reset bumps it). Writes
    /// `last_seen` at most once per `last_seen_interval`.
    ///
    /// # Errors
    /// `Unexpected` when storage fails.
    pub async fn session_user(
        &self,
        id: UserId,
        session_epoch: i64,
    ) -> Result<Option<User>, UnexpectedError> {
        let Some(mut user) = self.users.by_id(id).await.map_err(repo)? else {
            return Ok(None);
        };
        if user.session_epoch != session_epoch {
            return Ok(None);
        }
        let now = self.clock.now();
        if now - user.last_seen >= self.config.last_seen_interval {
            self.users
                .touch_last_seen(user.id, now)
                .await
                .map_err(repo)?;
            user.last_seen = now;
        }
        Ok(Some(user))
    }

    /// Changes a user's username and about-me.
    ///
    /// # Errors
    /// [`UpdateProfileError::UsernameTaken`], or `Unexpected` when storage fails.
    pub async fn update_profile(
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
                Repo::NotFound => UnexpectedError::new("updating the profile failed", e).into(),
                Repo::Repo(e) => UnexpectedError::new("updating the profile failed", e).into(),
            })
    }
}

pub(crate) fn repo(error: ports::RepoError) -> UnexpectedError {
    UnexpectedError::new("storage failed", error)
}
