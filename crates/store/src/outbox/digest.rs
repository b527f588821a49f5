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
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter,
    QuerySelect, TransactionTrait,
};
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
        let at = to_micros(now);
        let cutoff = at.saturating_sub(duration_micros(quiet));
        // Reads first: the task polls every few seconds, and most polls have nothing to do;
        // they must not take SQLite's write lock.
        if !slot_is_free(&self.conn, cutoff).await? || !anything_unreported(&self.conn).await? {
            return Ok(None);
        }
        let _turn = self.writes.turn().await;
        let txn = self.conn.begin().await.map_err(OutboxError::new)?;
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
            .cond_where(unreported())
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

/// Whether the last digest was queued at or before `cutoff` (a read; the transaction decides).
async fn slot_is_free(conn: &DatabaseConnection, cutoff: i64) -> Result<bool, OutboxError> {
    let read = Query::select()
        .column(Alias::new("last_digest_at"))
        .from(Alias::new("outbox_digest"))
        .and_where(Expr::col(Alias::new("id")).eq(1))
        .to_owned();
    let row = conn.query_one(&read).await.map_err(OutboxError::new)?;
    let last: Option<i64> = match row {
        Some(row) => Some(
            row.try_get("", "last_digest_at")
                .map_err(OutboxError::new)?,
        ),
        None => None,
    };
    Ok(last.is_some_and(|last| last <= cutoff))
}

/// Whether some dead entry (not a digest) awaits a report.
async fn anything_unreported(conn: &DatabaseConnection) -> Result<bool, OutboxError> {
    let found: Option<i64> = mail_outbox::Entity::find()
        .select_only()
        .column(mail_outbox::Column::Id)
        .filter(unreported())
        .limit(1)
        .into_tuple()
        .one(conn)
        .await
        .map_err(OutboxError::new)?;
    Ok(found.is_some())
}

/// Dead, not yet reported, and not a digest itself.
fn unreported() -> Condition {
    Condition::all()
        .add(mail_outbox::Column::Status.eq(DEAD))
        .add(mail_outbox::Column::ReportedAt.is_null())
        .add(mail_outbox::Column::Kind.ne(EmailKind::DeadMailDigest.as_str()))
}

/// The `recipient` column's JSON array (a row written otherwise is shown as it is).
pub(super) fn recipients(column: &str) -> Vec<String> {
    serde_json::from_str(column).unwrap_or_else(|_| vec![column.to_owned()])
}
