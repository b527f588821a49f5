//! `SeaOrmSessions`: the `SessionStore` port on the `sessions` table.
//!
//! The per-request read is one `SELECT` on the unique `secret_hash` index with the expiry in
//! its `WHERE`, joined with the session's user; writes are single statements (insert, conditional update or delete), so a
//! revoke is seen by the next request of every instance sharing the database.

use crate::entities::session::{self, Column};
use crate::entities::user;
use crate::timestamp::{from_micros, to_micros};
use crate::users::to_user;
use crate::write_gate::WriteGate;
use async_trait::async_trait;
use microblog_domain::ports::{RepoError, SessionStore};
use microblog_domain::{Device, SessionHandle, SessionSecretHash, StoredSession, User, UserId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ActiveValue::Set, ColumnTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use time::OffsetDateTime;

/// Login sessions stored with sea-orm. Build one with [`crate::Database::sessions`].
#[derive(Clone, Debug)]
pub struct SeaOrmSessions {
    conn: DatabaseConnection,
    writes: WriteGate,
}

impl SeaOrmSessions {
    pub(crate) fn new(conn: DatabaseConnection, writes: WriteGate) -> Self {
        Self { conn, writes }
    }
}

#[async_trait]
impl SessionStore for SeaOrmSessions {
    async fn create(&self, new: StoredSession) -> Result<(), RepoError> {
        let row = session::ActiveModel {
            id: NotSet,
            handle: Set(new.handle.as_str().to_owned()),
            secret_hash: Set(new.secret_hash.as_str().to_owned()),
            user_id: Set(new.user_id.0),
            user_agent: Set(new.device.user_agent),
            ip: Set(new.device.ip),
            created_at: Set(to_micros(new.created_at)),
            last_seen_at: Set(to_micros(new.last_seen_at)),
            expires_at: Set(to_micros(new.expires_at)),
            persistent: Set(new.persistent),
        };
        let _turn = self.writes.turn().await;
        row.insert(&self.conn).await.map_err(RepoError::new)?;
        Ok(())
    }

    /// One `SELECT` of the session joined with its user. Not `.one()`: its bound `LIMIT`
    /// makes SQLite recompile the statement on every call (see `posts::timeline`), and a
    /// unique key needs no limit.
    async fn find_active(
        &self,
        secret_hash: &SessionSecretHash,
        now: OffsetDateTime,
    ) -> Result<Option<(StoredSession, User)>, RepoError> {
        let found = session::Entity::find()
            .filter(Column::SecretHash.eq(secret_hash.as_str()))
            .filter(Column::ExpiresAt.gt(to_micros(now)))
            .find_also_related(user::Entity)
            .all(&self.conn)
            .await
            .map_err(RepoError::new)?
            .into_iter()
            .next();
        match found {
            Some((session, Some(user))) => Ok(Some((to_session(session)?, to_user(user)?))),
            _ => Ok(None),
        }
    }

    async fn touch(
        &self,
        handle: &SessionHandle,
        last_seen_at: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<(), RepoError> {
        let _turn = self.writes.turn().await;
        session::Entity::update_many()
            .col_expr(Column::LastSeenAt, Expr::value(to_micros(last_seen_at)))
            .col_expr(Column::ExpiresAt, Expr::value(to_micros(expires_at)))
            .filter(Column::Handle.eq(handle.as_str()))
            .exec(&self.conn)
            .await
            .map_err(RepoError::new)?;
        Ok(())
    }

    async fn active_for_user(
        &self,
        user: UserId,
        now: OffsetDateTime,
    ) -> Result<Vec<StoredSession>, RepoError> {
        session::Entity::find()
            .filter(Column::UserId.eq(user.0))
            .filter(Column::ExpiresAt.gt(to_micros(now)))
            .order_by_desc(Column::LastSeenAt)
            .order_by_desc(Column::CreatedAt)
            .order_by_desc(Column::Id)
            .all(&self.conn)
            .await
            .map_err(RepoError::new)?
            .into_iter()
            .map(to_session)
            .collect()
    }

    async fn delete(&self, user: UserId, handle: &SessionHandle) -> Result<bool, RepoError> {
        let _turn = self.writes.turn().await;
        let result = session::Entity::delete_many()
            .filter(Column::UserId.eq(user.0))
            .filter(Column::Handle.eq(handle.as_str()))
            .exec(&self.conn)
            .await
            .map_err(RepoError::new)?;
        Ok(result.rows_affected > 0)
    }

    async fn delete_all_for_user(
        &self,
        user: UserId,
        keep: Option<SessionHandle>,
    ) -> Result<u64, RepoError> {
        let mut delete = session::Entity::delete_many().filter(Column::UserId.eq(user.0));
        if let Some(keep) = keep {
            delete = delete.filter(Column::Handle.ne(keep.as_str()));
        }
        let _turn = self.writes.turn().await;
        let result = delete.exec(&self.conn).await.map_err(RepoError::new)?;
        Ok(result.rows_affected)
    }

    async fn purge_expired(&self, now: OffsetDateTime) -> Result<u64, RepoError> {
        let _turn = self.writes.turn().await;
        let result = session::Entity::delete_many()
            .filter(Column::ExpiresAt.lte(to_micros(now)))
            .exec(&self.conn)
            .await
            .map_err(RepoError::new)?;
        Ok(result.rows_affected)
    }
}

/// A row as the domain's `StoredSession`; a row the domain would not accept (a malformed
/// handle, an unrepresentable time) is a storage failure.
fn to_session(row: session::Model) -> Result<StoredSession, RepoError> {
    let handle = SessionHandle::parse(&row.handle)
        .ok_or_else(|| RepoError::new(format!("malformed session handle in row {}", row.id)))?;
    Ok(StoredSession {
        handle,
        secret_hash: SessionSecretHash::from_stored(&row.secret_hash),
        user_id: UserId(row.user_id),
        device: Device {
            user_agent: row.user_agent,
            ip: row.ip,
        },
        created_at: from_micros(row.created_at).map_err(RepoError::new)?,
        last_seen_at: from_micros(row.last_seen_at).map_err(RepoError::new)?,
        expires_at: from_micros(row.expires_at).map_err(RepoError::new)?,
        persistent: row.persistent,
    })
}
