//! Leasing due entries atomically, so concurrent dispatchers never share one.

use crate::entities::mail_outbox::{self, QUEUED, SENDING};
use crate::timestamp::{duration_micros, from_micros, to_micros};
use microblog_domain::MailRequest;
use microblog_domain::ports::{OutboxEntry, OutboxId};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, LockBehavior, LockType, Order, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    FromQueryResult, QueryFilter, QuerySelect,
};
use std::time::Duration;
use time::OffsetDateTime;

/// Leases up to `limit` due entries until `now + lease`, oldest first.
///
/// First a plain `SELECT` asks whether anything is due: the dispatcher polls about once a
/// second, and on SQLite an idle poll must not take the database's write lock. Then one
/// statement leases: `UPDATE ... SET status = 'sending', locked_until = ?, attempts =
/// attempts + 1 WHERE id IN (SELECT id ... due ... ORDER BY next_attempt_at, id LIMIT n)
/// RETURNING *`. On PostgreSQL the subquery locks its rows `FOR UPDATE SKIP LOCKED`, so a
/// concurrent claimer skips them instead of waiting and re-checks what it does get; on
/// SQLite the statement holds the write lock throughout, which serialises claimers.
///
/// An entry that cannot be decoded (a payload this version cannot read) is moved to `dead`
/// rather than failing every later poll.
pub(super) async fn claim_due(
    conn: &DatabaseConnection,
    now: OffsetDateTime,
    limit: u32,
    lease: Duration,
) -> Result<Vec<OutboxEntry>, DbErr> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let now = to_micros(now);
    let anything_due: Option<i64> = mail_outbox::Entity::find()
        .select_only()
        .column(mail_outbox::Column::Id)
        .filter(due(now))
        .limit(1)
        .into_tuple()
        .one(conn)
        .await?;
    if anything_due.is_none() {
        return Ok(Vec::new());
    }

    let mut pick = Query::select()
        .column(mail_outbox::Column::Id)
        .from(mail_outbox::Entity)
        .cond_where(due(now))
        .order_by(mail_outbox::Column::NextAttemptAt, Order::Asc)
        .order_by(mail_outbox::Column::Id, Order::Asc)
        .limit(u64::from(limit))
        .to_owned();
    if conn.get_database_backend() == DbBackend::Postgres {
        pick.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let lease_until = now.saturating_add(duration_micros(lease));
    let lease_rows = Query::update()
        .table(mail_outbox::Entity)
        .value(mail_outbox::Column::Status, SENDING)
        .value(mail_outbox::Column::LockedUntil, lease_until)
        .value(
            mail_outbox::Column::Attempts,
            Expr::col(mail_outbox::Column::Attempts).add(1),
        )
        .and_where(mail_outbox::Column::Id.in_subquery(pick))
        .returning_all()
        .to_owned();
    let mut leased = conn
        .query_all(&lease_rows)
        .await?
        .iter()
        .map(|row| mail_outbox::Model::from_query_result(row, ""))
        .collect::<Result<Vec<_>, _>>()?;
    // RETURNING promises no order.
    leased.sort_by_key(|row| (row.next_attempt_at, row.id));

    let mut entries = Vec::with_capacity(leased.len());
    for row in leased {
        match decode(&row) {
            Ok(entry) => entries.push(entry),
            Err(reason) => {
                tracing::error!(outbox_id = row.id, %reason, "undecodable outbox entry marked dead");
                super::mark_dead(conn, row.id, &format!("undecodable entry: {reason}")).await?;
            }
        }
    }
    Ok(entries)
}

/// `(status = 'queued' AND next_attempt_at <= now) OR (status = 'sending' AND locked_until
/// < now)`: waiting and due, or leased to a dispatcher that has gone quiet.
fn due(now: i64) -> Condition {
    Condition::any()
        .add(
            Condition::all()
                .add(mail_outbox::Column::Status.eq(QUEUED))
                .add(mail_outbox::Column::NextAttemptAt.lte(now)),
        )
        .add(
            Condition::all()
                .add(mail_outbox::Column::Status.eq(SENDING))
                .add(mail_outbox::Column::LockedUntil.lt(now)),
        )
}

fn decode(row: &mail_outbox::Model) -> Result<OutboxEntry, String> {
    let request: MailRequest = serde_json::from_str(&row.payload)
        .map_err(|err| format!("payload is not a mail request: {err}"))?;
    let attempts = u32::try_from(row.attempts).map_err(|err| format!("attempts: {err}"))?;
    Ok(OutboxEntry {
        id: OutboxId(row.id),
        request,
        attempts,
        queued_at: from_micros(row.created_at).map_err(|err| format!("created_at: {err}"))?,
    })
}
