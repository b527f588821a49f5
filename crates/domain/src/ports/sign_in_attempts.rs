//! `SignInAttempts`: wrong passwords counted per account, and the temporary lock they lead to.

use super::RepoError;
use crate::entities::User;
use async_trait::async_trait;
use std::time::Duration;
use time::OffsetDateTime;

/// When wrong passwords lock an account: `threshold` failures within `window` of the first
/// one lock it for `duration`, whatever addresses they came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LockoutRule {
    /// Failures that lock the account (at least 1).
    pub threshold: u32,
    /// How long a count lasts: it opens with a failure and closes `window` later.
    pub window: Duration,
    /// How long the lock lasts, from the failure that started it.
    pub duration: Duration,
}

impl Default for LockoutRule {
    /// 10 failures within 15 minutes lock the account for 15 minutes.
    fn default() -> Self {
        Self {
            threshold: 10,
            window: Duration::from_secs(15 * 60),
            duration: Duration::from_secs(15 * 60),
        }
    }
}

/// What recording one wrong password did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureOutcome {
    /// Counted; the account is not locked. `failures` is the count in the current window,
    /// this one included.
    Counted { failures: u32 },
    /// This failure reached the threshold: the account is locked from now until `until`.
    /// Exactly one failure per lock reports this, however many arrive at once.
    LockStarted {
        failures: u32,
        until: OffsetDateTime,
    },
    /// The account was already locked; the lock is unchanged (not extended) and no notice
    /// is due.
    Locked { until: OffsetDateTime },
}

/// Whether a right password may sign in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admission {
    /// Not locked: the failures were forgotten; sign in.
    Admitted,
    /// Locked until `until`: refuse, exactly as a wrong password is refused.
    Locked { until: OffsetDateTime },
}

/// Counts wrong passwords per account, in storage every instance shares, and locks an
/// account that gets too many.
///
/// A count and its lock belong to a user *under their current session epoch*
/// (`user.id`, `user.session_epoch`): a password reset bumps the epoch in the same statement
/// that changes the password, so it lifts the lock and clears the count atomically, with no
/// call here. State recorded under another epoch MUST be treated as absent.
///
/// Callers pass users that exist; an adapter may refuse an unknown id with a [`RepoError`]
/// (a foreign key). Unknown usernames are never recorded at all.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait SignInAttempts: Send + Sync {
    /// Records one wrong password for `user` at `now`, as **one atomic step**:
    /// - while a lock holds (`now` before its end), the failure is counted but neither
    ///   extends nor restarts the lock, and is [`FailureOutcome::Locked`];
    /// - else when there is no count, the count's window opened `rule.window` or more before
    ///   `now`, or the last lock has ended, a new count starts at 1 with its window opening
    ///   at `now`;
    /// - else the count goes up by one;
    /// - when that count reaches `rule.threshold`, the account is locked until
    ///   `now + rule.duration` and the failure is [`FailureOutcome::LockStarted`];
    ///   otherwise it is [`FailureOutcome::Counted`].
    ///
    /// Concurrent calls, in this process or another sharing the storage, MUST each be
    /// counted (no lost update), and of those that reach the threshold together exactly one
    /// MUST report `LockStarted`.
    ///
    /// # Errors
    /// [`RepoError`] when storage fails; then nothing was recorded.
    async fn record_failure(
        &self,
        user: &User,
        now: OffsetDateTime,
        rule: &LockoutRule,
    ) -> Result<FailureOutcome, RepoError>;

    /// Records a right password for `user` at `now`, atomically: while a lock holds it
    /// changes nothing and answers [`Admission::Locked`]; otherwise it forgets the user's
    /// failures (a new count starts from nothing) and answers [`Admission::Admitted`].
    ///
    /// # Errors
    /// [`RepoError`] when storage fails.
    async fn record_success(
        &self,
        user: &User,
        now: OffsetDateTime,
    ) -> Result<Admission, RepoError>;
}
