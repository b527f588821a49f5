//! `DeadLetters` on `mail_outbox.reported_at` and the one row of `outbox_digest`: one
//! transaction takes the hourly slot, marks the unreported dead entries and queues the digest.

use super::SeaOrmOutbox;
use crate::entities::mail_outbox::{self, DEAD};
use crate::timestamp::{duration_micros, to_micros};
use async_trait::async_trait;
use microblog_domain::EmailKind;
use microblog_domain::ports::{
    DeadLetters, DeadMail, DigestBuilder, DigestQueued, OutboxError, OutboxId,
};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, FromQueryResult, TransactionTrait};
use std::time::Duration;
use time::OffsetDateTime;

#[async_trait]
impl DeadLetters for SeaOrmOutbox {
    async fn queue_digest(
        &self,
        now: OffsetDateTime,
        quiet: Duration,
        build: DigestBuilder<'_>,
    ) -> Result<Option<DigestQueued>, OutboxError> {
        let _turn = self.writes.turn().await;
        let txn = self.conn.begin().await.map_err(OutboxError::new)?;
        let at = to_micros(now);
        // The hourly slot: on PostgreSQL a concurrent taker waits for this row's lock, then
        // finds the condition false; on SQLite the write lock serialises takers.
        let slot = Query::update()
            .table(Alias::new("outbox_digest"))
            .value(Alias::new("last_digest_at"), at)
            .and_where(Expr::col(Alias::new("id")).eq(1))
            .and_where(
                Expr::col(Alias::new("last_digest_at"))
                    .lte(at.saturating_sub(duration_micros(quiet))),
            )
            .to_owned();
        let taken = txn.execute(&slot).await.map_err(OutboxError::new)?;
        if taken.rows_affected() != 1 {
            txn.rollback().await.map_err(OutboxError::new)?;
            return Ok(None);
        }
        let take = Query::update()
            .table(mail_outbox::Entity)
            .value(mail_outbox::Column::ReportedAt, at)
            .and_where(mail_outbox::Column::Status.eq(DEAD))
            .and_where(mail_outbox::Column::ReportedAt.is_null())
            .and_where(mail_outbox::Column::Kind.ne(EmailKind::DeadMailDigest.as_str()))
            .returning_all()
            .to_owned();
        let mut rows = txn
            .query_all(&take)
            .await
            .map_err(OutboxError::new)?
            .iter()
            .map(|row| mail_outbox::Model::from_query_result(row, ""))
            .collect::<Result<Vec<_>, _>>()
            .map_err(OutboxError::new)?;
        if rows.is_empty() {
            // Nothing to say: the slot stays free for the next dead mail.
            txn.rollback().await.map_err(OutboxError::new)?;
            return Ok(None);
        }
        rows.sort_by_key(|row| row.id);
        let mails: Vec<DeadMail> = rows
            .into_iter()
            .map(|row| DeadMail {
                id: OutboxId(row.id),
                recipients: recipients(&row.recipient),
                kind: row.kind,
                last_error: row.last_error,
            })
            .collect();
        let id = super::insert(&txn, &build(&mails), now).await?;
        txn.commit().await.map_err(OutboxError::new)?;
        Ok(Some(DigestQueued {
            id,
            reported: u64::try_from(mails.len()).unwrap_or(u64::MAX),
        }))
    }
}

/// The `recipient` column's JSON array (a row written otherwise is shown as it is).
pub(super) fn recipients(column: &str) -> Vec<String> {
    serde_json::from_str(column).unwrap_or_else(|_| vec![column.to_owned()])
}
