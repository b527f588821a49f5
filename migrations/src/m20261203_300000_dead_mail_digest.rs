//! The hourly dead-mail digest: `mail_outbox.reported_at` (when a dead entry was listed in a
//! digest to `ADMINS`; `NULL` while unreported, so each is reported once) and the one-row
//! table `outbox_digest` whose `last_digest_at` gates digests to one per hour across every
//! instance (a conditional `UPDATE` of that row decides). Entries already dead are left
//! unreported: the first digest lists them.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    ReportedAt,
}

#[derive(DeriveIden)]
enum OutboxDigest {
    Table,
    Id,
    LastDigestAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(MailOutbox::Table)
                    .add_column(ColumnDef::new(MailOutbox::ReportedAt).big_integer().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OutboxDigest::Table)
                    .col(
                        ColumnDef::new(OutboxDigest::Id)
                            .integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(OutboxDigest::LastDigestAt)
                            .big_integer()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        let seed = Query::insert()
            .into_table(OutboxDigest::Table)
            .columns([OutboxDigest::Id, OutboxDigest::LastDigestAt])
            .values_panic([1.into(), 0i64.into()])
            .to_owned();
        manager.exec_stmt(seed).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OutboxDigest::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(MailOutbox::Table)
                    .drop_column(MailOutbox::ReportedAt)
                    .to_owned(),
            )
            .await
    }
}
