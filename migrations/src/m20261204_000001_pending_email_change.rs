//! Adds `user.pending_email` (a new address asked for at `/change_email`, as entered, not
//! confirmed yet) and `user.pending_email_requested_at` (when, in microseconds: the link
//! minted for it carries this time, so a newer request makes older links dead). Both `NULL`
//! when no change is pending.

use crate::User;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table(User::Table)
                    .add_column(ColumnDef::new(User::PendingEmail).string().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(User::Table)
                    .add_column(
                        ColumnDef::new(User::PendingEmailRequestedAt)
                            .big_integer()
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [User::PendingEmailRequestedAt, User::PendingEmail] {
            manager
                .alter_table(
                    Table::alter()
                        .table(User::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
