//! `SessionStore`: the login sessions, stored where every instance sees them.

use super::RepoError;
use crate::entities::{User, UserId};
use crate::session::{SessionHandle, SessionSecretHash, StoredSession};
use async_trait::async_trait;
use time::OffsetDateTime;

/// Stores login sessions. A session whose `expires_at` is at or before the `now` a call is
/// given MUST be treated as absent by every read (`find_active`, `active_for_user`), whether
/// or not it was purged yet. Every write is seen by every later read through any handle on
/// the same storage (no caching): a revoke ends a session on every instance at once.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Stores a new session.
    ///
    /// # Errors
    /// [`RepoError`] when storage fails, also when the user does not exist (a foreign key)
    /// or the handle or secret hash is already stored (never expected: both are random).
    async fn create(&self, session: StoredSession) -> Result<(), RepoError>;

    /// The unexpired session stored under `secret_hash`, if any, with its user as stored now
    /// — read together (one query on the SQL stores), because every signed-in request asks
    /// for both. A session whose user no longer exists is absent.
    ///
    /// # Errors
    /// [`RepoError`] when storage fails; an unknown or expired session is `Ok(None)`.
    async fn find_active(
        &self,
        secret_hash: &SessionSecretHash,
        now: OffsetDateTime,
    ) -> Result<Option<(StoredSession, User)>, RepoError>;

    /// Sets the session's `last_seen_at` and `expires_at`. An unknown handle (a session
    /// revoked meanwhile) is left absent: a touch never brings a session back.
    ///
    /// # Errors
    /// [`RepoError`] when storage fails.
    async fn touch(
        &self,
        handle: &SessionHandle,
        last_seen_at: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<(), RepoError>;

    /// `user`'s unexpired sessions, most recently seen first (ties: newest first).
    ///
    /// # Errors
    /// [`RepoError`] when storage fails.
    async fn active_for_user(
        &self,
        user: UserId,
        now: OffsetDateTime,
    ) -> Result<Vec<StoredSession>, RepoError>;

    /// Deletes the session `handle` **only if** it belongs to `user`. Returns whether a
    /// session was deleted: a handle of another user's session deletes nothing and answers
    /// `false`, exactly like an unknown one.
    ///
    /// # Errors
    /// [`RepoError`] when storage fails.
    async fn delete(&self, user: UserId, handle: &SessionHandle) -> Result<bool, RepoError>;

    /// Deletes every session of `user` except `keep` (all of them when `keep` is `None`) and
    /// returns how many it deleted. Other users' sessions are untouched.
    ///
    /// # Errors
    /// [`RepoError`] when storage fails.
    async fn delete_all_for_user(
        &self,
        user: UserId,
        keep: Option<SessionHandle>,
    ) -> Result<u64, RepoError>;

    /// Deletes every session whose `expires_at` is at or before `now`; returns how many.
    ///
    /// # Errors
    /// [`RepoError`] when storage fails.
    async fn purge_expired(&self, now: OffsetDateTime) -> Result<u64, RepoError>;
}
