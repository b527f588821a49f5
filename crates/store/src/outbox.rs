//! `SeaOrmOutbox`: the `Outbox` port on the `mail_outbox` table.
//!
//! Each row is a `MailRequest` (JSON in `payload`), never a rendered message or a token.
//! States: `queued` (due at `next_attempt_at`) → `sending` (leased until `locked_until`) →
//! `sent`, or back to `queued` by [`Outbox::reschedule`], or `dropped`, or `dead`. `sent`,
//! `dropped` and `dead` are final: a late `reschedule` from a dispatcher whose lease ran out
//! never revives them. `sent` and `dropped` rows are deleted by [`Outbox::purge_finished`].
//!
//! Every write about a leased entry is fenced by its [`Lease`]: one `UPDATE ... WHERE id = ?
//! AND status = 'sending' AND attempts = <generation>`, whose row count says whether the
//! caller still held the lease. A claim increments `attempts` in the same statement that
//! leases, so once another dispatcher has re-claimed an entry the old holder's writes match
//! no row.

mod admin;
mod claim;
mod digest;

use crate::entities::mail_outbox::{self, DEAD, DROPPED, QUEUED, SENDING, SENT};
use crate::timestamp::to_micros;
use crate::write_gate::WriteGate;
use async_trait::async_trait;
use microblog_domain::MailRequest;
use microblog_domain::ports::{Lease, LeaseState, Outbox, OutboxEntry, OutboxError, OutboxId};
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect, UpdateMany,
};
use std::time::Duration;
use time::OffsetDateTime;

/// The longest error text kept in `last_error`, in characters.
const MAX_ERROR_CHARS: usize = 2_000;

/// How many outbox entries are in each state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    pub queued: u64,
    pub sending: u64,
    pub sent: u64,
    pub dropped: u64,
    pub dead: u64,
}

/// The durable mail queue stored with sea-orm. Build one with [`crate::Database::outbox`].
#[derive(Clone, Debug)]
pub struct SeaOrmOutbox {
    conn: DatabaseConnection,
    writes: WriteGate,
}

impl SeaOrmOutbox {
    pub(crate) fn new(conn: DatabaseConnection, writes: WriteGate) -> Self {
        Self { conn, writes }
    }
}

#[async_trait]
impl Outbox for SeaOrmOutbox {
    async fn enqueue(
        &self,
        request: &MailRequest,
        now: OffsetDateTime,
    ) -> Result<OutboxId, OutboxError> {
        let _turn = self.writes.turn().await;
        insert(&self.conn, request, now).await
    }

    async fn claim_due(
        &self,
        now: OffsetDateTime,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<OutboxEntry>, OutboxError> {
        let _turn = self.writes.turn().await;
        claim::claim_due(&self.conn, now, limit, lease)
            .await
            .map_err(OutboxError::new)
    }

    async fn renew(&self, lease: Lease, until: OffsetDateTime) -> Result<LeaseState, OutboxError> {
        let _turn = self.writes.turn().await;
        fenced(
            &self.conn,
            lease,
            [(
                mail_outbox::Column::LockedUntil,
                Expr::value(to_micros(until)),
            )],
        )
        .await
    }

    async fn mark_sent(
        &self,
        lease: Lease,
        now: OffsetDateTime,
    ) -> Result<LeaseState, OutboxError> {
        let _turn = self.writes.turn().await;
        fenced(
            &self.conn,
            lease,
            [
                (mail_outbox::Column::Status, Expr::value(SENT)),
                (mail_outbox::Column::SentAt, Expr::value(to_micros(now))),
                (mail_outbox::Column::LockedUntil, Expr::value(None::<i64>)),
            ],
        )
        .await
    }

    async fn reschedule(
        &self,
        lease: Lease,
        next_attempt_at: OffsetDateTime,
        error: &str,
    ) -> Result<LeaseState, OutboxError> {
        let _turn = self.writes.turn().await;
        fenced(
            &self.conn,
            lease,
            [
                (mail_outbox::Column::Status, Expr::value(QUEUED)),
                (
                    mail_outbox::Column::NextAttemptAt,
                    Expr::value(to_micros(next_attempt_at)),
                ),
                (mail_outbox::Column::LockedUntil, Expr::value(None::<i64>)),
                (mail_outbox::Column::LastError, Expr::value(bounded(error))),
            ],
        )
        .await
    }

    async fn mark_dead(&self, lease: Lease, error: &str) -> Result<LeaseState, OutboxError> {
        let _turn = self.writes.turn().await;
        fenced(&self.conn, lease, dead(error)).await
    }

    async fn mark_dropped(
        &self,
        lease: Lease,
        now: OffsetDateTime,
        reason: &str,
    ) -> Result<LeaseState, OutboxError> {
        let _turn = self.writes.turn().await;
        fenced(
            &self.conn,
            lease,
            [
                (mail_outbox::Column::Status, Expr::value(DROPPED)),
                (mail_outbox::Column::SentAt, Expr::value(to_micros(now))),
                (mail_outbox::Column::LockedUntil, Expr::value(None::<i64>)),
                (mail_outbox::Column::LastError, Expr::value(bounded(reason))),
            ],
        )
        .await
    }

    async fn purge_finished(&self, before: OffsetDateTime) -> Result<u64, OutboxError> {
        let _turn = self.writes.turn().await;
        let result = mail_outbox::Entity::delete_many()
            .filter(mail_outbox::Column::Status.is_in([SENT, DROPPED]))
            .filter(mail_outbox::Column::SentAt.lt(to_micros(before)))
            .exec(&self.conn)
            .await
            .map_err(OutboxError::new)?;
        Ok(result.rows_affected)
    }
}

/// Inserts `request` as `queued`, due at `now`.
async fn insert(
    conn: &impl ConnectionTrait,
    request: &MailRequest,
    now: OffsetDateTime,
) -> Result<OutboxId, OutboxError> {
    let recipients = serde_json::to_string(&request.recipients()).map_err(OutboxError::new)?;
    let payload = serde_json::to_string(request).map_err(OutboxError::new)?;
    let now = to_micros(now);
    let row = mail_outbox::ActiveModel {
        id: NotSet,
        kind: Set(request.kind().as_str().to_owned()),
        recipient: Set(recipients),
        payload: Set(payload),
        status: Set(QUEUED.to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        locked_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        reported_at: Set(None),
    };
    let model = row.insert(conn).await.map_err(OutboxError::new)?;
    Ok(OutboxId(model.id))
}

/// Applies `changes` to the entry only while `lease` holds it; says whether it did.
async fn fenced<const N: usize>(
    conn: &DatabaseConnection,
    lease: Lease,
    changes: [(mail_outbox::Column, SimpleExpr); N],
) -> Result<LeaseState, OutboxError> {
    let update = changes
        .into_iter()
        .fold(
            mail_outbox::Entity::update_many(),
            |update: UpdateMany<_>, (column, value)| update.col_expr(column, value),
        )
        .filter(mail_outbox::Column::Id.eq(lease.id.0))
        .filter(mail_outbox::Column::Status.eq(SENDING))
        .filter(mail_outbox::Column::Attempts.eq(i64::from(lease.generation)));
    let result = update.exec(conn).await.map_err(OutboxError::new)?;
    Ok(if result.rows_affected == 1 {
        LeaseState::Held
    } else {
        LeaseState::Lost
    })
}

/// The columns of a `dead` entry, recording why.
fn dead(error: &str) -> [(mail_outbox::Column, SimpleExpr); 3] {
    [
        (mail_outbox::Column::Status, Expr::value(DEAD)),
        (mail_outbox::Column::LockedUntil, Expr::value(None::<i64>)),
        (mail_outbox::Column::LastError, Expr::value(bounded(error))),
    ]
}

/// Moves an unsent entry to `dead` without a lease (an undecodable row found while
/// claiming), recording why.
async fn mark_dead(conn: &DatabaseConnection, id: i64, error: &str) -> Result<(), DbErr> {
    dead(error)
        .into_iter()
        .fold(
            mail_outbox::Entity::update_many(),
            |update, (column, value)| update.col_expr(column, value),
        )
        .filter(mail_outbox::Column::Id.eq(id))
        .filter(mail_outbox::Column::Status.is_in([QUEUED, SENDING]))
        .exec(conn)
        .await?;
    Ok(())
}

fn bounded(error: &str) -> String {
    error.chars().take(MAX_ERROR_CHARS).collect()
}

/// Counts entries by state in one `GROUP BY`.
pub(crate) async fn counts(conn: &DatabaseConnection) -> Result<OutboxCounts, DbErr> {
    let rows: Vec<(String, i64)> = mail_outbox::Entity::find()
        .select_only()
        .column(mail_outbox::Column::Status)
        .column_as(mail_outbox::Column::Id.count(), "n")
        .group_by(mail_outbox::Column::Status)
        .into_tuple()
        .all(conn)
        .await?;
    let mut counts = OutboxCounts::default();
    for (status, n) in rows {
        let n = u64::try_from(n).unwrap_or_default();
        match status.as_str() {
            QUEUED => counts.queued = n,
            SENDING => counts.sending = n,
            SENT => counts.sent = n,
            DROPPED => counts.dropped = n,
            DEAD => counts.dead = n,
            _ => {}
        }
    }
    Ok(counts)
}
