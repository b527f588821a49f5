//! `SeaOrmPosts`: the `PostRepository` port on the `post` and `followers` tables, keeping
//! the home feeds of `timeline_entry` in the same transactions.

mod profile;
pub(crate) mod timeline;

use crate::binds::Binds;
use crate::entities::{followers, post};
use crate::timelines::fanout;
use crate::timestamp::{from_micros, to_micros};
use crate::write_gate::WriteGate;
use async_trait::async_trait;
use microblog_domain::ports::{FeedLimits, PostRepository, RepoError};
use microblog_domain::{
    FollowCounts, Page, PageRequest, Post, PostBody, PostId, ProfilePage, TimelinePost, UserId,
    Username,
};
use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};
use time::OffsetDateTime;

/// Posts and the follower graph stored with sea-orm. Build one with
/// [`crate::Database::posts`].
#[derive(Clone, Debug)]
pub struct SeaOrmPosts {
    conn: DatabaseConnection,
    writes: WriteGate,
    feeds: FeedLimits,
}

impl SeaOrmPosts {
    pub(crate) fn new(conn: DatabaseConnection, writes: WriteGate, feeds: FeedLimits) -> Self {
        Self {
            conn,
            writes,
            feeds,
        }
    }
}

#[async_trait]
impl PostRepository for SeaOrmPosts {
    async fn create(
        &self,
        author: UserId,
        body: &PostBody,
        at: OffsetDateTime,
    ) -> Result<Post, RepoError> {
        let _turn = self.writes.turn().await;
        let txn = self.conn.begin().await.map_err(RepoError::new)?;
        // The insert comes first: on SQLite it takes the write lock before anything is read.
        let row = post::ActiveModel {
            id: NotSet,
            body: Set(body.as_str().to_owned()),
            timestamp: Set(to_micros(at)),
            user_id: Set(author.0),
            fanned_out: Set(true),
        };
        let model = row.insert(&txn).await.map_err(RepoError::new)?;
        fanout::lock_author(&txn, author)
            .await
            .map_err(RepoError::new)?;
        let id = PostId(model.id);
        fanout::fan_out(&txn, author, id, model.timestamp, self.feeds)
            .await
            .map_err(RepoError::new)?;
        txn.commit().await.map_err(RepoError::new)?;
        Ok(Post {
            id: PostId(model.id),
            author: UserId(model.user_id),
            body: PostBody::from_stored(&model.body).map_err(RepoError::new)?,
            timestamp: from_micros(model.timestamp).map_err(RepoError::new)?,
        })
    }

    async fn timeline(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> Result<Page<TimelinePost>, RepoError> {
        timeline::page(&self.conn, timeline::Posts::FollowedBy(user), page).await
    }

    async fn explore(&self, page: PageRequest) -> Result<Page<TimelinePost>, RepoError> {
        timeline::page(&self.conn, timeline::Posts::All, page).await
    }

    async fn by_author(
        &self,
        author: UserId,
        page: PageRequest,
    ) -> Result<Page<TimelinePost>, RepoError> {
        timeline::page(&self.conn, timeline::Posts::By(author), page).await
    }

    /// One statement (a cursor page adds its cursor's look-up): see [`profile`].
    async fn profile(
        &self,
        username: &Username,
        viewer: Option<UserId>,
        page: PageRequest,
    ) -> Result<Option<ProfilePage>, RepoError> {
        profile::profile(&self.conn, username, viewer, page).await
    }

    /// `INSERT ... ON CONFLICT DO NOTHING`: a second follow is a no-op, even when racing;
    /// only the follow that made the edge back-fills the feed.
    async fn follow(&self, follower: UserId, followed: UserId) -> Result<(), RepoError> {
        let _turn = self.writes.turn().await;
        let txn = self.conn.begin().await.map_err(RepoError::new)?;
        let columns = [followers::Column::FollowerId, followers::Column::FollowedId];
        let insert = Query::insert()
            .into_table(followers::Entity)
            .columns(columns)
            .values([follower.0.into(), followed.0.into()])
            .map_err(RepoError::new)?
            .on_conflict(OnConflict::columns(columns).do_nothing().to_owned())
            .to_owned();
        let made = txn.execute(&insert).await.map_err(RepoError::new)?;
        if made.rows_affected() > 0 && follower != followed {
            fanout::lock_author(&txn, followed)
                .await
                .map_err(RepoError::new)?;
            fanout::back_fill(&txn, follower, followed, self.feeds.max_entries)
                .await
                .map_err(RepoError::new)?;
        }
        txn.commit().await.map_err(RepoError::new)
    }

    async fn unfollow(&self, follower: UserId, followed: UserId) -> Result<(), RepoError> {
        let _turn = self.writes.turn().await;
        let txn = self.conn.begin().await.map_err(RepoError::new)?;
        let removed = followers::Entity::delete_many()
            .filter(followers::Column::FollowerId.eq(follower.0))
            .filter(followers::Column::FollowedId.eq(followed.0))
            .exec(&txn)
            .await
            .map_err(RepoError::new)?;
        if removed.rows_affected > 0 && follower != followed {
            fanout::lock_author(&txn, followed)
                .await
                .map_err(RepoError::new)?;
            fanout::forget_author(&txn, follower, followed)
                .await
                .map_err(RepoError::new)?;
        }
        txn.commit().await.map_err(RepoError::new)
    }

    async fn is_following(&self, follower: UserId, followed: UserId) -> Result<bool, RepoError> {
        // A constant statement on the primary key; no `LIMIT` (see `timeline`).
        let mut binds = Binds::new(self.conn.get_database_backend());
        let sql = format!(
            r#"SELECT 1 FROM "followers" WHERE "follower_id" = {} AND "followed_id" = {}"#,
            binds.bind(follower.0),
            binds.bind(followed.0),
        );
        let edge = binds.query_one(&self.conn, sql).await?;
        Ok(edge.is_some())
    }

    /// One constant statement with two counting subqueries, each served by an index (the
    /// primary key for "following", `(followed_id, follower_id)` for "followers"), read by
    /// position.
    async fn follow_counts(&self, user: UserId) -> Result<FollowCounts, RepoError> {
        let mut binds = Binds::new(self.conn.get_database_backend());
        let sql = format!(
            r#"SELECT (SELECT COUNT(*) FROM "followers" WHERE "followed_id" = {}), (SELECT COUNT(*) FROM "followers" WHERE "follower_id" = {})"#,
            binds.bind(user.0),
            binds.bind(user.0),
        );
        let row = binds
            .query_one(&self.conn, sql)
            .await?
            .ok_or_else(|| RepoError::new("counting followers returned no row"))?;
        let count = |at: usize| -> Result<u64, RepoError> {
            let value: i64 = row.try_get_by_index(at).map_err(RepoError::new)?;
            u64::try_from(value).map_err(RepoError::new)
        };
        Ok(FollowCounts {
            followers: count(0)?,
            following: count(1)?,
        })
    }
}
