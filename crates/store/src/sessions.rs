//! `SeaOrmSessions`: the `SessionStore` port on the `sessions` table.
//!
//! The per-request read is one `SELECT` on the unique `secret_hash` index with the expiry in
//! its `WHERE`, joined with the session's user; writes are single statements (insert, conditional update or delete), so a
//! revoke is seen by the next request of every instance sharing the database.

use crate::binds::Binds;
use crate::entities::session::{self, Column};
use crate::entities::user;
use crate::timestamp::{from_micros, to_micros};
use crate::users::{USER_COLUMNS, to_user, user_at};
use crate::write_gate::WriteGate;
use async_trait::async_trait;
use microblog_domain::ports::{RepoError, SessionStore};
use microblog_domain::{Device, SessionHandle, SessionSecretHash, StoredSession, User, UserId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ActiveValue::Set, ColumnTrait, DatabaseConnection,
    DbErr, EntityTrait, QueryFilter, QueryOrder, QueryResult,
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

    /// One `SELECT` of the session joined with its user, a constant text (so each pooled
    /// connection prepares it once) read by position (see [`SESSION_COLUMNS`]).
    async fn find_active(
        &self,
        secret_hash: &SessionSecretHash,
        now: OffsetDateTime,
    ) -> Result<Option<(StoredSession, User)>, RepoError> {
        let mut binds = Binds::new(self.conn.get_database_backend());
        let sql = format!(
            r#"SELECT {SESSION_COLUMNS}, {USER_COLUMNS} FROM "sessions" AS "s" INNER JOIN "user" AS "u" ON "u"."id" = "s"."user_id" WHERE "s"."secret_hash" = {} AND "s"."expires_at" > {}"#,
            binds.bind(secret_hash.as_str()),
            binds.bind(to_micros(now)),
        );
        let Some(row) = binds.query_one(&self.conn, sql).await? else {
            return Ok(None);
        };
        let (session, user) = session_and_user_at(&row).map_err(RepoError::new)?;
        Ok(Some((to_session(session)?, to_user(user)?)))
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

/// The session's columns in the entity's field order, for [`session_and_user_at`], read
/// with the user's ([`USER_COLUMNS`]) by one constant statement. Not sea-orm's
/// `find_also_related`: it builds the statement anew on every request and reads each column
/// by a name it formats per row, together twice the cost of the `SELECT` itself (callgrind,
/// `xtask/profile/profile.sh`).
const SESSION_COLUMNS: &str = r#""s"."id", "s"."handle", "s"."secret_hash", "s"."user_id", "s"."user_agent", "s"."ip", "s"."created_at", "s"."last_seen_at", "s"."expires_at", "s"."persistent""#;

/// A row of [`SESSION_COLUMNS`] then [`USER_COLUMNS`].
fn session_and_user_at(row: &QueryResult) -> Result<(session::Model, user::Model), DbErr> {
    let session = session::Model {
        id: row.try_get_by_index(0)?,
        handle: row.try_get_by_index(1)?,
        secret_hash: row.try_get_by_index(2)?,
        user_id: row.try_get_by_index(3)?,
        user_agent: row.try_get_by_index(4)?,
        ip: row.try_get_by_index(5)?,
        created_at: row.try_get_by_index(6)?,
        last_seen_at: row.try_get_by_index(7)?,
        expires_at: row.try_get_by_index(8)?,
        persistent: row.try_get_by_index(9)?,
    };
    let user = user_at(row, 10)?;
    Ok((session, user))
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
