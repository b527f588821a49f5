//! `InMemorySignInAttempts`: the `SignInAttempts` port in a map, one entry per user.

use super::{later, lock};
use async_trait::async_trait;
use microblog_domain::ports::{Admission, FailureOutcome, LockoutRule, RepoError, SignInAttempts};
use microblog_domain::{User, UserId};
use std::collections::HashMap;
use std::sync::Mutex;
use time::OffsetDateTime;

/// Wrong passwords counted in memory, under one mutex, so every call is one atomic step as
/// the port requires. It does not check that a user exists (the real store's foreign key
/// does); callers only ever record users they looked up.
#[derive(Debug, Default)]
pub struct InMemorySignInAttempts {
    rows: Mutex<HashMap<UserId, Row>>,
}

/// What the store keeps per user: the count of the current window, and the lock.
#[derive(Clone, Copy, Debug)]
struct Row {
    session_epoch: i64,
    window_started_at: OffsetDateTime,
    failures: u32,
    locked_until: Option<OffsetDateTime>,
    /// `failures` at the failure that started the current lock.
    locked_at_failure: Option<u32>,
}

impl Row {
    /// Whether a failure at `now` starts a new count instead of adding to this one.
    fn starts_over(&self, epoch: i64, now: OffsetDateTime, rule: &LockoutRule) -> bool {
        self.session_epoch != epoch
            || self.locked_until.is_some_and(|until| until <= now)
            || (self.locked_until.is_none() && later(self.window_started_at, rule.window) <= now)
    }
}

impl InMemorySignInAttempts {
    /// The wrong passwords counted for `user` in their current window (0 when none).
    pub fn failures(&self, user: UserId) -> u32 {
        lock(&self.rows).get(&user).map_or(0, |row| row.failures)
    }
}

#[async_trait]
impl SignInAttempts for InMemorySignInAttempts {
    async fn record_failure(
        &self,
        user: &User,
        now: OffsetDateTime,
        rule: &LockoutRule,
    ) -> Result<FailureOutcome, RepoError> {
        let threshold = rule.threshold.max(1);
        let lock_end = later(now, rule.duration);
        let epoch = user.session_epoch;
        let mut rows = lock(&self.rows);
        let fresh = Row {
            session_epoch: epoch,
            window_started_at: now,
            failures: 0,
            locked_until: None,
            locked_at_failure: None,
        };
        let row = rows.entry(user.id).or_insert(fresh);
        if row.starts_over(epoch, now, rule) {
            *row = fresh;
        }
        row.failures = row.failures.saturating_add(1);
        if let Some(until) = row.locked_until {
            return Ok(FailureOutcome::Locked { until });
        }
        if row.failures < threshold {
            return Ok(FailureOutcome::Counted {
                failures: row.failures,
            });
        }
        row.locked_until = Some(lock_end);
        row.locked_at_failure = Some(row.failures);
        Ok(FailureOutcome::LockStarted {
            failures: row.failures,
            until: lock_end,
        })
    }

    async fn record_success(
        &self,
        user: &User,
        now: OffsetDateTime,
    ) -> Result<Admission, RepoError> {
        let mut rows = lock(&self.rows);
        if let Some(row) = rows.get(&user.id)
            && row.session_epoch == user.session_epoch
            && let Some(until) = row.locked_until.filter(|until| *until > now)
        {
            return Ok(Admission::Locked { until });
        }
        rows.remove(&user.id);
        Ok(Admission::Admitted)
    }
}
