//! `InMemorySessions`: the `SessionStore` port in a list, under one mutex.

use super::{InMemoryUsers, lock};
use async_trait::async_trait;
use microblog_domain::ports::{RepoError, SessionStore};
use microblog_domain::{SessionHandle, SessionSecretHash, StoredSession, User, UserId};
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;

/// Login sessions in memory, beside the users they belong to (a session is found with its
/// user, as the real store joins them). Every call is one atomic step. It does not check
/// that a user exists when a session is stored (the real store's foreign key does), but a
/// session whose user is gone is never found; it refuses a duplicate handle or secret hash
/// as the store's unique indexes do.
#[derive(Debug)]
pub struct InMemorySessions {
    rows: Mutex<Vec<StoredSession>>,
    users: Arc<InMemoryUsers>,
}

impl InMemorySessions {
    /// Sessions of the users in `users`.
    pub fn new(users: Arc<InMemoryUsers>) -> Self {
        Self {
            rows: Mutex::default(),
            users,
        }
    }

    /// Every stored session, expired ones included (for tests).
    pub fn all(&self) -> Vec<StoredSession> {
        lock(&self.rows).clone()
    }
}

#[async_trait]
impl SessionStore for InMemorySessions {
    async fn create(&self, session: StoredSession) -> Result<(), RepoError> {
        let mut rows = lock(&self.rows);
        let taken = rows
            .iter()
            .any(|row| row.handle == session.handle || row.secret_hash == session.secret_hash);
        if taken {
            return Err(RepoError::new("duplicate session handle or secret"));
        }
        rows.push(session);
        Ok(())
    }

    async fn find_active(
        &self,
        secret_hash: &SessionSecretHash,
        now: OffsetDateTime,
    ) -> Result<Option<(StoredSession, User)>, RepoError> {
        let session = lock(&self.rows)
            .iter()
            .find(|row| &row.secret_hash == secret_hash && row.expires_at > now)
            .cloned();
        Ok(session.and_then(|session| {
            let user = self.users.get(session.user_id)?;
            Some((session, user))
        }))
    }

    async fn touch(
        &self,
        handle: &SessionHandle,
        last_seen_at: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<(), RepoError> {
        if let Some(row) = lock(&self.rows)
            .iter_mut()
            .find(|row| &row.handle == handle)
        {
            row.last_seen_at = last_seen_at;
            row.expires_at = expires_at;
        }
        Ok(())
    }

    async fn active_for_user(
        &self,
        user: UserId,
        now: OffsetDateTime,
    ) -> Result<Vec<StoredSession>, RepoError> {
        let rows = lock(&self.rows);
        // Stored order is creation order: reversed, a stable sort keeps newest first on ties.
        let mut mine: Vec<StoredSession> = rows
            .iter()
            .rev()
            .filter(|row| row.user_id == user && row.expires_at > now)
            .cloned()
            .collect();
        mine.sort_by(|a, b| {
            b.last_seen_at
                .cmp(&a.last_seen_at)
                .then(b.created_at.cmp(&a.created_at))
        });
        Ok(mine)
    }

    async fn delete(&self, user: UserId, handle: &SessionHandle) -> Result<bool, RepoError> {
        let mut rows = lock(&self.rows);
        let before = rows.len();
        rows.retain(|row| !(row.user_id == user && &row.handle == handle));
        Ok(rows.len() < before)
    }

    async fn delete_all_for_user(
        &self,
        user: UserId,
        keep: Option<SessionHandle>,
    ) -> Result<u64, RepoError> {
        let mut rows = lock(&self.rows);
        let before = rows.len();
        rows.retain(|row| row.user_id != user || Some(&row.handle) == keep.as_ref());
        Ok(u64::try_from(before - rows.len()).unwrap_or(u64::MAX))
    }

    async fn purge_expired(&self, now: OffsetDateTime) -> Result<u64, RepoError> {
        let mut rows = lock(&self.rows);
        let before = rows.len();
        rows.retain(|row| row.expires_at > now);
        Ok(u64::try_from(before - rows.len()).unwrap_or(u64::MAX))
    }
}
