//! `SeaOrmTimelines`: the `TimelineStore` port on the `timeline_entry` table (one row per
//! user and post of their home feed; primary key `(user_id, post_timestamp, post_id)`, so
//! a feed page is one range of the primary key).

pub(crate) mod fanout;
mod home;
mod rebuild;

use crate::binds::Binds;
use crate::write_gate::WriteGate;
use async_trait::async_trait;
use microblog_domain::ports::{FeedLimits, RebuildBatch, RepoError, TimelineStore};
use microblog_domain::{Page, PageRequest, PostId, TimelinePost, UserId};
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};

/// Home feeds stored with sea-orm. Build one with [`crate::Database::timelines`]; the
/// [`crate::SeaOrmPosts`] of the same database writes them.
#[derive(Clone, Debug)]
pub struct SeaOrmTimelines {
    conn: DatabaseConnection,
    writes: WriteGate,
    feeds: FeedLimits,
}

impl SeaOrmTimelines {
    pub(crate) fn new(conn: DatabaseConnection, writes: WriteGate, feeds: FeedLimits) -> Self {
        Self {
            conn,
            writes,
            feeds,
        }
    }
}

#[async_trait]
impl TimelineStore for SeaOrmTimelines {
    async fn home(&self, user: UserId, page: PageRequest) -> Result<Page<TimelinePost>, RepoError> {
        home::page(&self.conn, user, page).await
    }

    fn limits(&self) -> FeedLimits {
        self.feeds
    }

    async fn feed_len(&self, user: UserId) -> Result<u64, RepoError> {
        let mut binds = Binds::new(self.conn.get_database_backend());
        let sql = format!(
            r#"SELECT COUNT(*) AS "n" FROM "timeline_entry" WHERE "user_id" = {}"#,
            binds.bind(user.0)
        );
        count(&self.conn, binds, &sql).await
    }

    /// The entries go by the foreign key's `ON DELETE CASCADE` (served by the `post_id`
    /// index), in the statement that deletes the post.
    async fn delete_post(&self, post: PostId) -> Result<bool, RepoError> {
        let _turn = self.writes.turn().await;
        let txn = self.conn.begin().await.map_err(RepoError::new)?;
        let mut binds = Binds::new(txn.get_database_backend());
        let sql = format!(
            r#"DELETE FROM "timeline_entry" WHERE "post_id" = {}"#,
            binds.bind(post.0)
        );
        txn.execute_raw(binds.statement(sql))
            .await
            .map_err(RepoError::new)?;
        let mut binds = Binds::new(txn.get_database_backend());
        let sql = format!(r#"DELETE FROM "post" WHERE "id" = {}"#, binds.bind(post.0));
        let deleted = txn
            .execute_raw(binds.statement(sql))
            .await
            .map_err(RepoError::new)?;
        txn.commit().await.map_err(RepoError::new)?;
        Ok(deleted.rows_affected() > 0)
    }

    async fn rebuild(&self, after: Option<UserId>, users: u32) -> Result<RebuildBatch, RepoError> {
        let _turn = self.writes.turn().await;
        rebuild::batch(&self.conn, after, users, self.feeds.max_entries)
            .await
            .map_err(RepoError::new)
    }

    async fn user_count(&self) -> Result<u64, RepoError> {
        let binds = Binds::new(self.conn.get_database_backend());
        count(&self.conn, binds, r#"SELECT COUNT(*) AS "n" FROM "user""#).await
    }
}

/// The `"n"` of a one-row count.
async fn count(conn: &DatabaseConnection, binds: Binds, sql: &str) -> Result<u64, RepoError> {
    let row = binds
        .query_one(conn, sql)
        .await?
        .ok_or_else(|| RepoError::new("a count returned no row"))?;
    let n: i64 = row.try_get("", "n").map_err(RepoError::new)?;
    u64::try_from(n).map_err(RepoError::new)
}
