//! Adds `user.email_confirmed_at` (when the current address was confirmed through its link;
//! `NULL` while unconfirmed) and `user.confirmation_sent_at` (the per-account throttle of
//! "send the confirmation again"). Accounts that existed before stay unconfirmed: nobody
//! proved they own their address, so they see the banner and may confirm like anyone.

use crate::User;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for column in [User::EmailConfirmedAt, User::ConfirmationSentAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(User::Table)
                        .add_column(ColumnDef::new(column).big_integer().null())
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [User::ConfirmationSentAt, User::EmailConfirmedAt] {
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
