//! Creates `user`: accounts, with unique username and unique normalized email.

use crate::User;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Unique index on the exact username.
const UX_USERNAME: &str = "ux_user_username";
/// Unique index on the normalized email (the lookup key; the entered form is kept apart).
const UX_EMAIL_NORMALIZED: &str = "ux_user_email_normalized";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(User::Table)
                    .col(
                        ColumnDef::new(User::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(User::Username).string_len(64).not_null())
                    .col(ColumnDef::new(User::Email).string_len(254).not_null())
                    .col(
                        ColumnDef::new(User::EmailNormalized)
                            .string_len(254)
                            .not_null(),
                    )
                    .col(ColumnDef::new(User::PasswordHash).text().not_null())
                    .col(
                        ColumnDef::new(User::AboutMe)
                            .string_len(140)
                            .not_null()
                            .default(""),
                    )
                    .col(ColumnDef::new(User::LastSeen).big_integer().not_null())
                    .col(
                        ColumnDef::new(User::SessionEpoch)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(User::LastResetRequestedAt)
                            .big_integer()
                            .null(),
                    )
                    .col(ColumnDef::new(User::CreatedAt).big_integer().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(UX_USERNAME)
                    .table(User::Table)
                    .col(User::Username)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(UX_EMAIL_NORMALIZED)
                    .table(User::Table)
                    .col(User::EmailNormalized)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(User::Table).to_owned())
            .await
    }
}
