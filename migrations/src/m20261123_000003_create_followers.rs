//! Creates `followers`: the follow graph, one row per (follower, followed) edge.

use crate::User;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Followers {
    Table,
    FollowerId,
    FollowedId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Followers::Table)
                    .col(
                        ColumnDef::new(Followers::FollowerId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Followers::FollowedId)
                            .big_integer()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .name("pk_followers")
                            .col(Followers::FollowerId)
                            .col(Followers::FollowedId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_followers_follower")
                            .from(Followers::Table, Followers::FollowerId)
                            .to(User::Table, User::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_followers_followed")
                            .from(Followers::Table, Followers::FollowedId)
                            .to(User::Table, User::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // "Who follows me": the primary key serves "whom do I follow".
        manager
            .create_index(
                Index::create()
                    .name("idx_followers_followed_follower")
                    .table(Followers::Table)
                    .col(Followers::FollowedId)
                    .col(Followers::FollowerId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Followers::Table).to_owned())
            .await
    }
}
