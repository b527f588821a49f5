//! Rebuilding feeds from posts and follows: per user, delete the feed and insert the newest
//! `max_entries` posts it should hold, a batch of users per transaction.

use super::fanout::INSERT_ENTRIES;
use crate::binds::Binds;
use microblog_domain::UserId;
use microblog_domain::ports::RebuildBatch;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, TransactionTrait};

/// Rebuilds the feeds of up to `users` users with ids above `after`, in one transaction.
pub(super) async fn batch(
    conn: &DatabaseConnection,
    after: Option<UserId>,
    users: u32,
    max_entries: u32,
) -> Result<RebuildBatch, DbErr> {
    let txn = conn.begin().await?;
    let backend = txn.get_database_backend();
    let mut binds = Binds::new(backend);
    let sql = format!(
        r#"SELECT "id" FROM "user" WHERE "id" > {} ORDER BY "id" LIMIT {users}"#,
        binds.bind(after.map_or(0, |user| user.0))
    );
    let ids = txn
        .query_all_raw(binds.statement(sql))
        .await?
        .iter()
        .map(|row| row.try_get::<i64>("", "id"))
        .collect::<Result<Vec<_>, _>>()?;
    let mut done = RebuildBatch::default();
    for id in ids {
        done.entries += rebuild_one(&txn, UserId(id), max_entries).await?;
        done.users += 1;
        done.last_user = Some(UserId(id));
    }
    txn.commit().await?;
    Ok(done)
}

/// Replaces `user`'s feed with the newest `max_entries` of their own posts and the
/// fanned-out posts of whom they follow; returns how many entries it now holds.
async fn rebuild_one(
    txn: &impl ConnectionTrait,
    user: UserId,
    max_entries: u32,
) -> Result<u64, DbErr> {
    let backend = txn.get_database_backend();
    let mut binds = Binds::new(backend);
    let sql = format!(
        r#"DELETE FROM "timeline_entry" WHERE "user_id" = {}"#,
        binds.bind(user.0)
    );
    txn.execute_raw(binds.statement(sql)).await?;
    let mut binds = Binds::new(backend);
    let owner = binds.bind(user.0);
    let followed = format!(
        r#"SELECT "timestamp", "id", "user_id" FROM "post" WHERE "fanned_out" = TRUE AND "user_id" IN (SELECT "followed_id" FROM "followers" WHERE "follower_id" = {} AND "followed_id" <> {})"#,
        binds.bind(user.0),
        binds.bind(user.0),
    );
    let own = format!(
        r#"SELECT "timestamp", "id", "user_id" FROM "post" WHERE "user_id" = {}"#,
        binds.bind(user.0)
    );
    let sql = format!(
        r#"{INSERT_ENTRIES} SELECT {owner}, "timestamp", "id", "user_id" FROM ({followed} UNION ALL {own}) AS "feed" WHERE TRUE ORDER BY "timestamp" DESC, "id" DESC LIMIT {max_entries} ON CONFLICT DO NOTHING"#
    );
    let inserted = txn.execute_raw(binds.statement(sql)).await?;
    Ok(inserted.rows_affected())
}
