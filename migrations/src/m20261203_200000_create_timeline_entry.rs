//! Creates `timeline_entry`, the home feeds written when a post is made (fan-out on write),
//! and `post.fanned_out`, which says whether a post was copied into its followers' feeds
//! (else, its author having too many followers, it is merged in when a feed is read).
//!
//! A feed row is `(user_id, post_timestamp, post_id, author_id)`; the primary key
//! `(user_id, post_timestamp, post_id)` is the order of a home page, so a page is one range
//! of it. `author_id` lets an unfollow remove one author's posts from a feed without
//! visiting that author's posts; the `post_id` index serves the cascade when a post is
//! deleted. A partial index holds the posts that were not fanned out (none, until an
//! author passes the threshold), for the read-time merge.
//!
//! Existing data gets its feeds here, in one statement: each user's newest
//! `FeedLimits::default().max_entries` posts of their own and of whom they follow (every
//! existing post counts as fanned out). `microblog rebuild-timelines` does the same in
//! batches with a progress bar, and with other limits.

use crate::User;
use microblog_domain::ports::FeedLimits;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TimelineEntry {
    Table,
    UserId,
    PostTimestamp,
    PostId,
    AuthorId,
}

#[derive(DeriveIden)]
enum Post {
    Table,
    Id,
    FannedOut,
}

/// The partial index of posts merged at read time.
const IDX_POST_READ_TIME: &str = "idx_post_read_time";
/// The index serving `ON DELETE CASCADE` from `post`.
const IDX_ENTRY_POST: &str = "idx_timeline_entry_post_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Post::Table)
                    .add_column(
                        ColumnDef::new(Post::FannedOut)
                            .boolean()
                            .not_null()
                            .default(true),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(&format!(
            r#"CREATE INDEX "{IDX_POST_READ_TIME}" ON "post" ("user_id", "timestamp", "id") WHERE "fanned_out" = FALSE"#
        ))
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(TimelineEntry::Table)
                    .col(
                        ColumnDef::new(TimelineEntry::UserId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(TimelineEntry::PostTimestamp)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(TimelineEntry::PostId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(TimelineEntry::AuthorId)
                            .big_integer()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(TimelineEntry::UserId)
                            .col(TimelineEntry::PostTimestamp)
                            .col(TimelineEntry::PostId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_timeline_entry_user")
                            .from(TimelineEntry::Table, TimelineEntry::UserId)
                            .to(User::Table, User::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_timeline_entry_post")
                            .from(TimelineEntry::Table, TimelineEntry::PostId)
                            .to(Post::Table, Post::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(IDX_ENTRY_POST)
                    .table(TimelineEntry::Table)
                    .col(TimelineEntry::PostId)
                    .to_owned(),
            )
            .await?;
        let max_entries = FeedLimits::default().max_entries;
        db.execute_unprepared(&format!(
            r#"INSERT INTO "timeline_entry" ("user_id", "post_timestamp", "post_id", "author_id")
            SELECT "owner", "timestamp", "id", "author" FROM (
                SELECT "r"."owner", "p"."timestamp", "p"."id", "p"."user_id" AS "author",
                    ROW_NUMBER() OVER (PARTITION BY "r"."owner" ORDER BY "p"."timestamp" DESC, "p"."id" DESC) AS "n"
                FROM (
                    SELECT "follower_id" AS "owner", "followed_id" AS "source" FROM "followers" WHERE "follower_id" <> "followed_id"
                    UNION ALL SELECT "id", "id" FROM "user"
                ) AS "r" INNER JOIN "post" AS "p" ON "p"."user_id" = "r"."source"
            ) AS "ranked" WHERE "n" <= {max_entries}"#
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TimelineEntry::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(IDX_POST_READ_TIME)
                    .table(Post::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Post::Table)
                    .drop_column(Post::FannedOut)
                    .to_owned(),
            )
            .await
    }
}
