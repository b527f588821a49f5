//! `SeaOrmSignInAttempts`: the `SignInAttempts` port on the `sign_in_attempts` table.
//!
//! A wrong password is **one statement**, `INSERT ... ON CONFLICT (user_id) DO UPDATE SET
//! <CASE expressions over the stored row> RETURNING ...`: it starts, counts or locks in the
//! database itself, so no read-then-write window exists between two instances. PostgreSQL
//! runs concurrent upserts of one row one after another (the conflict takes the row lock and
//! the `SET` sees the latest committed row; two first failures racing to insert are resolved
//! into one insert and one update), and SQLite runs every write alone. So N concurrent
//! failures leave a count of N, and the one whose count reached the threshold is the only
//! one that returns `failures = locked_at_failure`: the lock's starter.

use crate::entities::sign_in_attempt::{self, Column};
use crate::timestamp::{duration_micros, from_micros, to_micros};
use crate::write_gate::WriteGate;
use async_trait::async_trait;
use microblog_domain::User;
use microblog_domain::ports::{Admission, FailureOutcome, LockoutRule, RepoError, SignInAttempts};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
};
use time::OffsetDateTime;

/// Wrong passwords counted with sea-orm. Build one with
/// [`crate::Database::sign_in_attempts`].
#[derive(Clone, Debug)]
pub struct SeaOrmSignInAttempts {
    conn: DatabaseConnection,
    writes: WriteGate,
}

impl SeaOrmSignInAttempts {
    pub(crate) fn new(conn: DatabaseConnection, writes: WriteGate) -> Self {
        Self { conn, writes }
    }

    /// The end of `user`'s lock under `epoch`, if one holds at `now`.
    async fn lock_holding(
        &self,
        user: i64,
        epoch: i64,
        now: i64,
    ) -> Result<Option<i64>, RepoError> {
        let until: Option<Option<i64>> = sign_in_attempt::Entity::find()
            .select_only()
            .column(Column::LockedUntil)
            .filter(Column::UserId.eq(user))
            .filter(Column::SessionEpoch.eq(epoch))
            .filter(Column::LockedUntil.gt(now))
            .into_tuple()
            .one(&self.conn)
            .await
            .map_err(RepoError::new)?;
        Ok(until.flatten())
    }
}

/// The stored row's `column`, in the `SET` of the upsert (the row before this failure).
fn stored(column: Column) -> Expr {
    Expr::col((sign_in_attempt::Entity, column))
}

#[async_trait]
impl SignInAttempts for SeaOrmSignInAttempts {
    async fn record_failure(
        &self,
        user: &User,
        now: OffsetDateTime,
        rule: &LockoutRule,
    ) -> Result<FailureOutcome, RepoError> {
        let now = to_micros(now);
        let epoch = user.session_epoch;
        let threshold = i64::from(std::cmp::max(rule.threshold, 1));
        let lock_end = now.saturating_add(duration_micros(rule.duration));
        let window_opened_by = now.saturating_sub(duration_micros(rule.window));
        // A first failure locks at once only under a threshold of 1.
        let first_locks = threshold == 1;
        let first_until = first_locks.then_some(lock_end);
        let first_at_failure = first_locks.then_some(1_i64);

        // Start over: another epoch's row, an ended lock, or an unlocked window that closed.
        let start_over = Condition::any()
            .add(stored(Column::SessionEpoch).ne(epoch))
            .add(stored(Column::LockedUntil).lte(now))
            .add(
                Condition::all()
                    .add(stored(Column::LockedUntil).is_null())
                    .add(stored(Column::WindowStartedAt).lte(window_opened_by)),
            );
        // Past `start_over`, a lock that is set still holds.
        let locked = stored(Column::LockedUntil).is_not_null();
        let counted = stored(Column::Failures).add(1);
        let reaches = counted.clone().gte(threshold);

        let failures = Expr::case(start_over.clone(), 1_i64).finally(counted.clone());
        let window_started_at =
            Expr::case(start_over.clone(), now).finally(stored(Column::WindowStartedAt));
        let locked_until = Expr::case(start_over.clone(), first_until)
            .case(locked.clone(), stored(Column::LockedUntil))
            .case(reaches.clone(), lock_end)
            .finally(Expr::val(None::<i64>));
        let locked_at_failure = Expr::case(start_over, first_at_failure)
            .case(locked, stored(Column::LockedAtFailure))
            .case(reaches, counted)
            .finally(Expr::val(None::<i64>));

        let upsert = Query::insert()
            .into_table(sign_in_attempt::Entity)
            .columns([
                Column::UserId,
                Column::SessionEpoch,
                Column::WindowStartedAt,
                Column::Failures,
                Column::LockedUntil,
                Column::LockedAtFailure,
            ])
            .values_panic([
                user.id.0.into(),
                epoch.into(),
                now.into(),
                1_i64.into(),
                first_until.into(),
                first_at_failure.into(),
            ])
            .on_conflict(
                OnConflict::column(Column::UserId)
                    .value(Column::SessionEpoch, Expr::val(epoch))
                    .value(Column::WindowStartedAt, window_started_at)
                    .value(Column::Failures, failures)
                    .value(Column::LockedUntil, locked_until)
                    .value(Column::LockedAtFailure, locked_at_failure)
                    .to_owned(),
            )
            .returning(Query::returning().columns([
                Column::Failures,
                Column::LockedUntil,
                Column::LockedAtFailure,
            ]))
            .to_owned();

        let row = {
            let _turn = self.writes.turn().await;
            self.conn.query_one(&upsert).await.map_err(RepoError::new)?
        };
        let row = row.ok_or_else(|| RepoError::new("the upsert returned no row"))?;
        let count: i64 = row.try_get("", "failures").map_err(RepoError::new)?;
        let until: Option<i64> = row.try_get("", "locked_until").map_err(RepoError::new)?;
        let at_failure: Option<i64> = row
            .try_get("", "locked_at_failure")
            .map_err(RepoError::new)?;
        let failures = u32::try_from(count).unwrap_or(u32::MAX);
        Ok(match until {
            None => FailureOutcome::Counted { failures },
            Some(until) => {
                let until = from_micros(until).map_err(RepoError::new)?;
                if at_failure == Some(count) {
                    FailureOutcome::LockStarted { failures, until }
                } else {
                    FailureOutcome::Locked { until }
                }
            }
        })
    }

    /// A read first: most sign-ins have no failures to forget, and on SQLite a read never
    /// waits for the write lock. Then one conditional `DELETE ... WHERE user_id = ? AND
    /// (session_epoch <> ? OR locked_until IS NULL OR locked_until <= now)`, which cannot
    /// remove a lock that a concurrent failure started meanwhile.
    async fn record_success(
        &self,
        user: &User,
        now: OffsetDateTime,
    ) -> Result<Admission, RepoError> {
        let (id, epoch, now) = (user.id.0, user.session_epoch, to_micros(now));
        let found = sign_in_attempt::Entity::find_by_id(id)
            .all(&self.conn)
            .await
            .map_err(RepoError::new)?
            .into_iter()
            .next();
        let Some(row) = found else {
            return Ok(Admission::Admitted);
        };
        let locked = |until: i64| from_micros(until).map(|until| Admission::Locked { until });
        if row.session_epoch == epoch
            && let Some(until) = row.locked_until.filter(|until| *until > now)
        {
            return locked(until).map_err(RepoError::new);
        }
        let forgotten = {
            let _turn = self.writes.turn().await;
            sign_in_attempt::Entity::delete_many()
                .filter(Column::UserId.eq(id))
                .filter(
                    Condition::any()
                        .add(Column::SessionEpoch.ne(epoch))
                        .add(Column::LockedUntil.is_null())
                        .add(Column::LockedUntil.lte(now)),
                )
                .exec(&self.conn)
                .await
                .map_err(RepoError::new)?
        };
        if forgotten.rows_affected == 1 {
            return Ok(Admission::Admitted);
        }
        // A concurrent failure locked the account between the read and the delete.
        match self.lock_holding(id, epoch, now).await? {
            Some(until) => locked(until).map_err(RepoError::new),
            None => Ok(Admission::Admitted),
        }
    }
}
