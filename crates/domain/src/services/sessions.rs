//! `Sessions`: server-side login sessions — opened at sign-in, found from a request's
//! secret, ended at logout, by a revoke or a password change, purged once expired.

use super::{UnexpectedError, repo};
use crate::entities::{User, UserId};
use crate::ports::{Clock, SessionStore, UserRepository};
use crate::session::{Device, SessionHandle, SessionSecret, StoredSession};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

/// How long sessions last.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionRules {
    /// Without "remember me", a session unused this long ends (`SESSION_IDLE_TIMEOUT`).
    pub idle_timeout: Duration,
    /// With "remember me", a session lasts this long from sign-in (`REMEMBER_ME_DAYS`); no
    /// session lasts longer.
    pub remember_for: Duration,
    /// `last_seen` (the user's and the session's) is written at most once per this.
    pub touch_interval: Duration,
}

impl Default for SessionRules {
    /// Two hours idle, 30 days remembered, touched at most once a minute.
    fn default() -> Self {
        Self {
            idle_timeout: Duration::from_secs(2 * 3600),
            remember_for: Duration::from_secs(30 * 86_400),
            touch_interval: Duration::from_secs(60),
        }
    }
}

/// A signed-in visitor: the user and the session their cookie opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedIn {
    pub user: User,
    pub session: StoredSession,
}

/// A session just opened: the secret for the cookie (shown once, never stored) and the row.
#[derive(Clone, Debug)]
pub struct OpenedSession {
    pub secret: SessionSecret,
    pub signed_in: SignedIn,
}

/// The session use cases every request needs.
#[derive(Clone)]
pub struct Sessions {
    users: Arc<dyn UserRepository>,
    store: Arc<dyn SessionStore>,
    clock: Arc<dyn Clock>,
    rules: SessionRules,
}

fn later(at: OffsetDateTime, duration: Duration) -> OffsetDateTime {
    time::Duration::try_from(duration)
        .ok()
        .and_then(|duration| at.checked_add(duration))
        .unwrap_or(at)
}

impl Sessions {
    /// Wires the use case.
    pub fn new(
        users: Arc<dyn UserRepository>,
        store: Arc<dyn SessionStore>,
        clock: Arc<dyn Clock>,
        rules: SessionRules,
    ) -> Self {
        Self {
            users,
            store,
            clock,
            rules,
        }
    }

    /// The rules sessions follow (the web layer sets the cookie's lifetime from them).
    pub fn rules(&self) -> SessionRules {
        self.rules
    }

    /// When a session ends if nothing touches it again: `remember_for` after sign-in when
    /// remembered; otherwise `idle_timeout` after `now`, but never past `remember_for`.
    fn expiry(
        &self,
        created_at: OffsetDateTime,
        persistent: bool,
        now: OffsetDateTime,
    ) -> OffsetDateTime {
        let cap = later(created_at, self.rules.remember_for);
        if persistent {
            cap
        } else {
            later(now, self.rules.idle_timeout).min(cap)
        }
    }

    /// Opens a new session for `user`, with a fresh secret and handle.
    ///
    /// # Errors
    /// `Unexpected` when storage fails or no randomness is available.
    pub(crate) async fn open(
        &self,
        user: User,
        remember: bool,
        device: Device,
    ) -> Result<OpenedSession, UnexpectedError> {
        let randomness = |error| UnexpectedError::new("no randomness for a session", error);
        let secret = SessionSecret::generate().map_err(randomness)?;
        let now = self.clock.now();
        let session = StoredSession {
            handle: SessionHandle::generate().map_err(randomness)?,
            secret_hash: secret.hash(),
            user_id: user.id,
            device,
            created_at: now,
            last_seen_at: now,
            expires_at: self.expiry(now, remember, now),
            persistent: remember,
        };
        self.store.create(session.clone()).await.map_err(repo)?;
        tracing::info!(user_id = user.id.0, persistent = remember, "session opened");
        Ok(OpenedSession {
            secret,
            signed_in: SignedIn { user, session },
        })
    }

    /// The visitor a cookie's secret signs in, if its session is unexpired and its user
    /// exists. Writes `last_seen` (the session's, moving an idle session's expiry, and the
    /// user's) at most once per `touch_interval`. Every call reads storage: a session ended
    /// on any instance is refused on every other at once.
    ///
    /// # Errors
    /// `Unexpected` when storage fails.
    pub async fn authenticate(
        &self,
        secret: &SessionSecret,
    ) -> Result<Option<SignedIn>, UnexpectedError> {
        let now = self.clock.now();
        let found = self.store.find_active(&secret.hash(), now).await;
        let Some((mut session, mut user)) = found.map_err(repo)? else {
            return Ok(None);
        };
        if now - session.last_seen_at >= self.rules.touch_interval {
            let expires_at = self.expiry(session.created_at, session.persistent, now);
            self.store
                .touch(&session.handle, now, expires_at)
                .await
                .map_err(repo)?;
            session.last_seen_at = now;
            session.expires_at = expires_at;
        }
        if now - user.last_seen >= self.rules.touch_interval {
            self.users
                .touch_last_seen(user.id, now)
                .await
                .map_err(repo)?;
            user.last_seen = now;
        }
        Ok(Some(SignedIn { user, session }))
    }

    /// Logs the visitor out: their session is deleted, so its cookie, wherever copied,
    /// opens nothing any more.
    ///
    /// # Errors
    /// `Unexpected` when storage fails (the session may still be open).
    pub async fn log_out(&self, signed_in: &SignedIn) -> Result<(), UnexpectedError> {
        let (user, handle) = (signed_in.user.id, &signed_in.session.handle);
        self.store.delete(user, handle).await.map_err(repo)?;
        tracing::info!(user_id = user.0, "logged out; session ended");
        Ok(())
    }

    /// Ends every session of `user` but `keep`; returns how many ended.
    pub(crate) async fn end_all(
        &self,
        user: UserId,
        keep: Option<&SessionHandle>,
    ) -> Result<u64, UnexpectedError> {
        let ended = self
            .store
            .delete_all_for_user(user, keep.cloned())
            .await
            .map_err(repo)?;
        tracing::info!(user_id = user.0, ended, "sessions ended");
        Ok(ended)
    }

    /// Deletes the expired sessions (the binary's background purge).
    ///
    /// # Errors
    /// `Unexpected` when storage fails.
    pub async fn purge_expired(&self) -> Result<u64, UnexpectedError> {
        self.store
            .purge_expired(self.clock.now())
            .await
            .map_err(repo)
    }
}
