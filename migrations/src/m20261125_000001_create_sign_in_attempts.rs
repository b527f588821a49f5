//! Creates `sign_in_attempts`: per account, the wrong passwords of the current window and
//! the sign-in lock they led to (`LOGIN_LOCKOUT_*`). One row per user at most, updated by one
//! atomic upsert, so every instance sharing the database counts into the same row.

use crate::User;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SignInAttempts {
    Table,
    UserId,
    /// The user's `session_epoch` the row belongs to: a password reset bumps it, and a row
    /// of an older epoch counts as absent (the reset lifted the lock).
    SessionEpoch,
    WindowStartedAt,
    Failures,
    LockedUntil,
    /// `failures` when the current lock started: the one failure whose count equals it is
    /// the one that started the lock.
    LockedAtFailure,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SignInAttempts::Table)
                    .col(
                        ColumnDef::new(SignInAttempts::UserId)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(SignInAttempts::SessionEpoch)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SignInAttempts::WindowStartedAt)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SignInAttempts::Failures)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SignInAttempts::LockedUntil)
                            .big_integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(SignInAttempts::LockedAtFailure)
                            .big_integer()
                            .null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_sign_in_attempts_user")
                            .from(SignInAttempts::Table, SignInAttempts::UserId)
                            .to(User::Table, User::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SignInAttempts::Table).to_owned())
            .await
    }
}
