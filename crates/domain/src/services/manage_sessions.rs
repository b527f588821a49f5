//! `ManageSessions`: a signed-in user sees their sessions and ends the ones they choose.

use super::{SignedIn, UnexpectedError, repo};
use crate::ports::{Clock, SessionStore};
use crate::session::{SessionHandle, StoredSession};
use std::sync::Arc;

/// Why a revoke did nothing.
#[derive(Debug, thiserror::Error)]
pub enum RevokeSessionError {
    /// No session of this user has that handle (unknown, expired, already ended, or
    /// another user's: deliberately indistinguishable). Nothing changed.
    #[error("no such session")]
    NotFound,
    #[error(transparent)]
    Unexpected(#[from] UnexpectedError),
}

/// The `/sessions` use case.
#[derive(Clone)]
pub struct ManageSessions {
    store: Arc<dyn SessionStore>,
    clock: Arc<dyn Clock>,
}

impl ManageSessions {
    /// Wires the use case.
    pub fn new(store: Arc<dyn SessionStore>, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }

    /// The visitor's own unexpired sessions, most recently active first.
    ///
    /// # Errors
    /// `Unexpected` when storage fails.
    pub async fn list(&self, visitor: &SignedIn) -> Result<Vec<StoredSession>, UnexpectedError> {
        self.store
            .active_for_user(visitor.user.id, self.clock.now())
            .await
            .map_err(repo)
    }

    /// Ends the visitor's session `handle` at once, on every instance.
    ///
    /// # Errors
    /// [`RevokeSessionError::NotFound`] when the visitor has no such session (another
    /// user's handle included: it is left alone); `Unexpected` when storage fails.
    pub async fn revoke(
        &self,
        visitor: &SignedIn,
        handle: &SessionHandle,
    ) -> Result<(), RevokeSessionError> {
        let user = visitor.user.id;
        if !self.store.delete(user, handle).await.map_err(repo)? {
            return Err(RevokeSessionError::NotFound);
        }
        tracing::info!(user_id = user.0, "session revoked");
        Ok(())
    }

    /// Ends every session of the visitor's but the one this request came with; returns how
    /// many ended.
    ///
    /// # Errors
    /// `Unexpected` when storage fails.
    pub async fn revoke_others(&self, visitor: &SignedIn) -> Result<u64, UnexpectedError> {
        let (user, keep) = (visitor.user.id, &visitor.session.handle);
        let ended = self
            .store
            .delete_all_for_user(user, Some(keep.clone()))
            .await
            .map_err(repo)?;
        tracing::info!(user_id = user.0, ended, "other sessions revoked");
        Ok(ended)
    }
}
