//! `OutboxAdmin` on the `mail_outbox` table: what `microblog outbox` reads and changes.
//! Every change is one conditional statement, so it races safely with running dispatchers.

use super::SeaOrmOutbox;
use crate::entities::mail_outbox::{self, DEAD, QUEUED, SENT};
use crate::timestamp::{from_micros, to_micros};
use async_trait::async_trait;
use microblog_domain::ports::{
    OutboxAdmin, OutboxError, OutboxId, OutboxRow, OutboxState, OutboxSummary, RetryOutcome,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, UpdateMany};
use time::OffsetDateTime;

#[async_trait]
impl OutboxAdmin for SeaOrmOutbox {
    async fn summary(&self) -> Result<OutboxSummary, OutboxError> {
        let counts = super::counts(&self.conn).await.map_err(OutboxError::new)?;
        let (oldest, next): (Option<i64>, Option<i64>) = mail_outbox::Entity::find()
            .select_only()
            .column_as(mail_outbox::Column::CreatedAt.min(), "oldest")
            .column_as(mail_outbox::Column::NextAttemptAt.min(), "next")
            .filter(mail_outbox::Column::Status.eq(QUEUED))
            .into_tuple()
            .one(&self.conn)
            .await
            .map_err(OutboxError::new)?
            .unwrap_or((None, None));
        Ok(OutboxSummary {
            queued: counts.queued,
            sending: counts.sending,
            sent: counts.sent,
            dead: counts.dead,
            dropped: counts.dropped,
            oldest_queued_at: oldest.map(instant).transpose()?,
            next_attempt_at: next.map(instant).transpose()?,
        })
    }

    async fn list(&self, state: OutboxState, limit: u32) -> Result<Vec<OutboxRow>, OutboxError> {
        let rows = mail_outbox::Entity::find()
            .filter(mail_outbox::Column::Status.eq(state.as_str()))
            .order_by_asc(mail_outbox::Column::Id)
            .limit(u64::from(limit))
            .all(&self.conn)
            .await
            .map_err(OutboxError::new)?;
        rows.into_iter().map(|row| to_row(row, state)).collect()
    }

    async fn retry(&self, id: OutboxId, now: OffsetDateTime) -> Result<RetryOutcome, OutboxError> {
        let _turn = self.writes.turn().await;
        let requeued = requeue(now)
            .filter(mail_outbox::Column::Id.eq(id.0))
            .filter(mail_outbox::Column::Status.is_in([DEAD, QUEUED]))
            .exec(&self.conn)
            .await
            .map_err(OutboxError::new)?;
        if requeued.rows_affected == 1 {
            return Ok(RetryOutcome::Requeued);
        }
        let status: Option<String> = mail_outbox::Entity::find_by_id(id.0)
            .select_only()
            .column(mail_outbox::Column::Status)
            .into_tuple()
            .one(&self.conn)
            .await
            .map_err(OutboxError::new)?;
        match status {
            None => Ok(RetryOutcome::NotFound),
            Some(status) => OutboxState::parse(&status)
                .map(RetryOutcome::NotRetryable)
                .map_err(OutboxError::new),
        }
    }

    async fn retry_all_dead(&self, now: OffsetDateTime) -> Result<u64, OutboxError> {
        let _turn = self.writes.turn().await;
        let requeued = requeue(now)
            .filter(mail_outbox::Column::Status.eq(DEAD))
            .exec(&self.conn)
            .await
            .map_err(OutboxError::new)?;
        Ok(requeued.rows_affected)
    }

    async fn purge_sent(&self, before: OffsetDateTime) -> Result<u64, OutboxError> {
        let _turn = self.writes.turn().await;
        let result = mail_outbox::Entity::delete_many()
            .filter(mail_outbox::Column::Status.eq(SENT))
            .filter(mail_outbox::Column::SentAt.lt(to_micros(before)))
            .exec(&self.conn)
            .await
            .map_err(OutboxError::new)?;
        Ok(result.rows_affected)
    }

    async fn purge_dead(&self) -> Result<u64, OutboxError> {
        let _turn = self.writes.turn().await;
        let result = mail_outbox::Entity::delete_many()
            .filter(mail_outbox::Column::Status.eq(DEAD))
            .exec(&self.conn)
            .await
            .map_err(OutboxError::new)?;
        Ok(result.rows_affected)
    }
}

/// `SET status = 'queued', next_attempt_at = now, locked_until = NULL`; `attempts` (the
/// lease generation) is left alone, so fencing holds across a retry.
fn requeue(now: OffsetDateTime) -> UpdateMany<mail_outbox::Entity> {
    mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::Status, Expr::value(QUEUED))
        .col_expr(
            mail_outbox::Column::NextAttemptAt,
            Expr::value(to_micros(now)),
        )
        .col_expr(mail_outbox::Column::LockedUntil, Expr::value(None::<i64>))
}

fn instant(micros: i64) -> Result<OffsetDateTime, OutboxError> {
    from_micros(micros).map_err(OutboxError::new)
}

/// The operator's view of a row: its payload is never read.
fn to_row(row: mail_outbox::Model, state: OutboxState) -> Result<OutboxRow, OutboxError> {
    Ok(OutboxRow {
        id: OutboxId(row.id),
        recipients: super::digest::recipients(&row.recipient),
        kind: row.kind,
        attempts: u32::try_from(row.attempts).map_err(OutboxError::new)?,
        last_error: row.last_error,
        next_attempt_at: (state == OutboxState::Queued)
            .then(|| instant(row.next_attempt_at))
            .transpose()?,
        queued_at: instant(row.created_at)?,
    })
}
