//! Adds `user.username_skeleton`: what a name looks like (the domain's `UsernameSkeleton`),
//! under a unique index, so a name that looks like an existing one is refused in one lookup
//! and two racing registrations of lookalikes cannot both win.
//!
//! Existing rows get the skeleton of their name, oldest first (`created_at`, then `id`). Two
//! existing names may already look alike (`alice` and `Alice` were distinct names before):
//! the oldest keeps the skeleton and the others are left `NULL`, which a unique index allows
//! any number of times on SQLite and PostgreSQL. Every account keeps its name and keeps
//! working; a later rename gives the row a skeleton like any other.
//!
//! The back-fill uses the domain's current `UsernameSkeleton`. Should that function ever
//! change (new Unicode data), stored skeletons go stale: recompute them in a new migration.

use crate::User;
use microblog_domain::values::UsernameSkeleton;
use sea_orm_migration::prelude::*;
use std::collections::HashSet;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Unique index on the skeleton.
const UX_USERNAME_SKELETON: &str = "ux_user_username_skeleton";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(User::Table)
                    // Text: a skeleton may be longer than the 64-character name it comes from.
                    .add_column(ColumnDef::new(User::UsernameSkeleton).text().null())
                    .to_owned(),
            )
            .await?;
        back_fill(manager).await?;
        manager
            .create_index(
                Index::create()
                    .name(UX_USERNAME_SKELETON)
                    .table(User::Table)
                    .col(User::UsernameSkeleton)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(UX_USERNAME_SKELETON)
                    .table(User::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(User::Table)
                    .drop_column(User::UsernameSkeleton)
                    .to_owned(),
            )
            .await
    }
}

/// Sets the skeleton of every existing user whose name does not look like an older user's
/// name. The skeleton is computed in Rust, by the domain's own function: SQL has no TS #39.
async fn back_fill(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let conn = manager.get_connection();
    let oldest_first = Query::select()
        .columns([User::Id, User::Username])
        .from(User::Table)
        .order_by(User::CreatedAt, Order::Asc)
        .order_by(User::Id, Order::Asc)
        .to_owned();
    let mut taken = HashSet::new();
    for row in conn.query_all(&oldest_first).await? {
        let id: i64 = row.try_get("", "id")?;
        let username: String = row.try_get("", "username")?;
        let skeleton = UsernameSkeleton::of(&username);
        if !taken.insert(skeleton.clone()) {
            continue;
        }
        let set = Query::update()
            .table(User::Table)
            .value(User::UsernameSkeleton, skeleton.as_str())
            .and_where(Expr::col(User::Id).eq(id))
            .to_owned();
        conn.execute(&set).await?;
    }
    Ok(())
}
