//! `UserRepository`: users, their passwords, sessions epochs and reset throttling.

use super::RepoError;
use crate::entities::{NewUser, User, UserId};
use crate::values::{AboutMe, EmailAddress, PasswordHash, Username};
use async_trait::async_trait;
use std::time::Duration;
use time::OffsetDateTime;

/// Why a user could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("username is taken")]
    UsernameTaken,
    #[error("email address is taken")]
    EmailTaken,
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// Why a profile could not be updated.
#[derive(Debug, thiserror::Error)]
pub enum UpdateProfileError {
    #[error("username is taken")]
    UsernameTaken,
    #[error("user not found")]
    NotFound,
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// What following an address-change link did to the account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EmailChangeOutcome {
    /// The new address is the account's (and confirmed); `previous` was its address.
    Applied { previous: EmailAddress },
    /// That change is not pending (a newer request replaced it, or it was applied already).
    NotPending,
    /// Another account has the address by now: nothing changed but the pending change is
    /// gone.
    AddressTaken,
}

/// Stores users.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait UserRepository: Send + Sync {
    /// Stores a new user with `session_epoch` 0, `last_seen` = `created_at`, empty about-me.
    ///
    /// # Errors
    /// [`CreateUserError::UsernameTaken`] when a user has this name, or one that looks like
    /// it: the same [`Username::skeleton`] (`ALICE` for `alice`, `pаypal` with a Cyrillic
    /// `а` for `paypal`). Names stored before skeletons existed that looked like an older
    /// name may have none; they block their exact name only.
    /// [`CreateUserError::EmailTaken`] when the *normalized* email exists — both also when a
    /// concurrent insert wins the race (a unique violation, never a `Repo` error);
    /// [`CreateUserError::Repo`] when storage fails.
    async fn create(&self, user: NewUser) -> Result<User, CreateUserError>;

    /// The user with this id, if any.
    ///
    /// # Errors
    /// [`RepoError`] when storage fails; an unknown id is `Ok(None)`.
    async fn by_id(&self, id: UserId) -> Result<Option<User>, RepoError>;

    /// The user with exactly this username, if any (no lookalikes: `Alice` does not find
    /// `alice`).
    ///
    /// # Errors
    /// [`RepoError`] when storage fails; an unknown name is `Ok(None)`.
    async fn by_username(&self, username: &Username) -> Result<Option<User>, RepoError>;

    /// The user whose normalized email equals `email.normalized()`, if any. Lookalikes
    /// (different normalized forms) never match.
    ///
    /// # Errors
    /// [`RepoError`] when storage fails; an unknown address is `Ok(None)`.
    async fn by_email(&self, email: &EmailAddress) -> Result<Option<User>, RepoError>;

    /// Changes username and about-me, returning the updated user. Keeping one's own name
    /// exactly is always allowed (even a name stored before skeletons that looked like an
    /// older user's); any other name, one's own in another letter case included, must not
    /// look like another user's.
    ///
    /// # Errors
    /// [`UpdateProfileError::UsernameTaken`] when another user has the name or one with the
    /// same [`Username::skeleton`] (also when a concurrent write wins the race),
    /// [`UpdateProfileError::NotFound`] for an unknown id, `Repo` when storage fails.
    async fn update_profile(
        &self,
        id: UserId,
        username: &Username,
        about_me: &AboutMe,
    ) -> Result<User, UpdateProfileError>;

    /// Sets `last_seen` to `at`.
    ///
    /// # Errors
    /// [`RepoError`] when storage fails; an unknown id is `Ok(())`.
    async fn touch_last_seen(&self, id: UserId, at: OffsetDateTime) -> Result<(), RepoError>;

    /// Atomically replaces the password hash **only if** it is still `expected`, and in the
    /// same statement increments `session_epoch`. Returns whether it replaced it: of two
    /// concurrent calls with the same `expected`, exactly one returns `true`.
    ///
    /// # Errors
    /// [`RepoError`] when storage fails.
    async fn replace_password_hash(
        &self,
        id: UserId,
        expected: &PasswordHash,
        new: &PasswordHash,
    ) -> Result<bool, RepoError>;

    /// Atomically records a reset request at `now` **only if** the previous one is older than
    /// `window` (or there is none). Returns whether this request won the slot; across
    /// processes sharing the database at most one request per window wins.
    ///
    /// # Errors
    /// [`RepoError`] when storage fails.
    async fn claim_reset_slot(
        &self,
        id: UserId,
        now: OffsetDateTime,
        window: Duration,
    ) -> Result<bool, RepoError>;

    /// Atomically marks the user's address confirmed at `at` **only if** its normalized form
    /// is still `address` and it is not confirmed yet. Returns whether it did: of two
    /// concurrent calls, exactly one returns `true`; an unknown id or another address never
    /// does.
    ///
    /// # Errors
    /// [`RepoError`] when storage fails.
    async fn confirm_email(
        &self,
        id: UserId,
        address: &str,
        at: OffsetDateTime,
    ) -> Result<bool, RepoError>;

    /// As [`UserRepository::claim_reset_slot`], for sending the confirmation mail again: an
    /// independent slot per user, at most one win per `window`, atomically.
    ///
    /// # Errors
    /// [`RepoError`] when storage fails.
    async fn claim_confirmation_slot(
        &self,
        id: UserId,
        now: OffsetDateTime,
        window: Duration,
    ) -> Result<bool, RepoError>;

    /// Stores `address` as the user's pending new address, asked for at `requested_at`,
    /// replacing any pending one. Nothing else changes: the account's address stays what it
    /// was. Returns whether the user exists.
    ///
    /// # Errors
    /// [`RepoError`] when storage fails.
    async fn request_email_change(
        &self,
        id: UserId,
        address: &EmailAddress,
        requested_at: OffsetDateTime,
    ) -> Result<bool, RepoError>;

    /// Atomically makes the pending address the account's (confirmed at `at`) **only if**
    /// the pending change is still the one asked for at `requested_at` for the normalized
    /// `address`; clears it either way it is consumed. Of two concurrent calls at most one
    /// applies; the unique index on addresses decides a race with another account.
    ///
    /// # Errors
    /// [`RepoError`] when storage fails.
    async fn apply_email_change(
        &self,
        id: UserId,
        address: &str,
        requested_at: OffsetDateTime,
        at: OffsetDateTime,
    ) -> Result<EmailChangeOutcome, RepoError>;
}
