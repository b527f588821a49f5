//! `Sessions`: whose session a request carries, and when that user was last seen.

use super::{UnexpectedError, repo};
use crate::entities::{User, UserId};
use crate::ports::{Clock, UserRepository};
use std::sync::Arc;
use std::time::Duration;

/// The session use cases.
#[derive(Clone)]
pub struct Sessions {
    users: Arc<dyn UserRepository>,
    clock: Arc<dyn Clock>,
    last_seen_interval: Duration,
}

impl Sessions {
    /// Wires the use case; `last_seen` is written at most once per `last_seen_interval`.
    pub fn new(
        users: Arc<dyn UserRepository>,
        clock: Arc<dyn Clock>,
        last_seen_interval: Duration,
    ) -> Self {
        Self {
            users,
            clock,
            last_seen_interval,
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
        if now - user.last_seen >= self.last_seen_interval {
            self.users
                .touch_last_seen(user.id, now)
                .await
                .map_err(repo)?;
            user.last_seen = now;
        }
        Ok(Some(user))
    }
}
