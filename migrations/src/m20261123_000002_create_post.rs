//! Creates `post`: 1–140 character posts, indexed for timelines.

use crate::User;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Post {
    Table,
    Id,
    Body,
    Timestamp,
    UserId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Post::Table)
                    .col(
                        ColumnDef::new(Post::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    // `length` counts characters on both backends; SQLite ignores the
                    // varchar length, so the CHECK is what holds there.
                    .col(
                        ColumnDef::new(Post::Body)
                            .string_len(140)
                            .not_null()
                            .check(Expr::cust(r#"length("body") BETWEEN 1 AND 140"#)),
                    )
                    .col(ColumnDef::new(Post::Timestamp).big_integer().not_null())
                    .col(ColumnDef::new(Post::UserId).big_integer().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_post_user")
                            .from(Post::Table, Post::UserId)
                            .to(User::Table, User::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Explore: ORDER BY timestamp DESC, id DESC.
        manager
            .create_index(
                Index::create()
                    .name("idx_post_timestamp_id")
                    .table(Post::Table)
                    .col(Post::Timestamp)
                    .col(Post::Id)
                    .to_owned(),
            )
            .await?;
        // By author (already in timestamp DESC, id DESC order), timelines (user_id IN
        // followed), and the foreign key's lookups.
        manager
            .create_index(
                Index::create()
                    .name("idx_post_user_id_timestamp_id")
                    .table(Post::Table)
                    .col(Post::UserId)
                    .col(Post::Timestamp)
                    .col(Post::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Post::Table).to_owned())
            .await
    }
}
