//! Contract of `SignInAttempts`: per-account counts of wrong passwords and the lock they
//! lead to, one function per property.
//!
//! Each function expects an empty store (a fresh database per call) and two handles on it,
//! as two instances of the application would hold; users are created through `users`
//! because counts belong to them. It panics, naming the property, when the adapter breaks
//! it; [`run_all`] runs every one, each on a fresh store. Times are whole seconds.

mod concurrency;
mod suite;

pub use concurrency::{
    a_right_password_racing_failures_never_lifts_a_lock,
    concurrent_failures_all_count_and_one_starts_the_lock,
};
pub use suite::{PROPERTIES, Property, run_all};

use super::user_repository::{T0, must, register};
use microblog_domain::User;
use microblog_domain::ports::{
    Admission, FailureOutcome, LockoutRule, SignInAttempts, UserRepository,
};
use std::time::Duration;
use time::OffsetDateTime;

/// The rule of most stories: 3 failures within a minute lock for five minutes.
const RULE: LockoutRule = LockoutRule {
    threshold: 3,
    window: Duration::from_secs(60),
    duration: Duration::from_secs(300),
};

/// `seconds` after the suites' start instant.
fn at(seconds: i64) -> OffsetDateTime {
    T0 + time::Duration::seconds(seconds)
}

/// Records a wrong password for `user` at `at(seconds)` under `rule`.
async fn fail(
    attempts: &dyn SignInAttempts,
    user: &User,
    seconds: i64,
    rule: &LockoutRule,
) -> FailureOutcome {
    must(
        attempts.record_failure(user, at(seconds), rule).await,
        "record_failure",
    )
}

/// Records a right password for `user` at `at(seconds)`.
async fn succeed(attempts: &dyn SignInAttempts, user: &User, seconds: i64) -> Admission {
    must(
        attempts.record_success(user, at(seconds)).await,
        "record_success",
    )
}

/// Fails `user` `RULE.threshold` times at `at(seconds)`, the last starting a lock; returns
/// the lock's end.
async fn lock_out(attempts: &dyn SignInAttempts, user: &User, seconds: i64) -> OffsetDateTime {
    for _ in 1..RULE.threshold {
        fail(attempts, user, seconds, &RULE).await;
    }
    match fail(attempts, user, seconds, &RULE).await {
        FailureOutcome::LockStarted { until, .. } => until,
        other => panic!("the threshold's failure must start a lock, got {other:?}"),
    }
}

/// Failures are counted one by one; the one that reaches the threshold starts a lock that
/// lasts `duration` from it, and reports how many failures led to it; later failures and
/// even a right password meet the same lock, which they neither extend nor lift.
pub async fn failures_are_counted_until_the_threshold_locks(
    users: &dyn UserRepository,
    attempts: &dyn SignInAttempts,
) {
    let susan = register(users, "susan", "susan@example.com").await;
    assert_eq!(
        fail(attempts, &susan, 0, &RULE).await,
        FailureOutcome::Counted { failures: 1 },
        "the first failure is counted"
    );
    assert_eq!(
        fail(attempts, &susan, 1, &RULE).await,
        FailureOutcome::Counted { failures: 2 },
        "the second failure is counted"
    );
    let until = at(2 + 300);
    assert_eq!(
        fail(attempts, &susan, 2, &RULE).await,
        FailureOutcome::LockStarted { failures: 3, until },
        "the failure that reaches the threshold starts a lock of `duration`"
    );
    assert_eq!(
        fail(attempts, &susan, 3, &RULE).await,
        FailureOutcome::Locked { until },
        "a failure during the lock meets it, unextended"
    );
    assert_eq!(
        succeed(attempts, &susan, 4).await,
        Admission::Locked { until },
        "a right password during the lock is refused"
    );
    assert_eq!(
        succeed(attempts, &susan, 301).await,
        Admission::Locked { until },
        "the lock holds until its last second, and a refused success lifts nothing"
    );
}

/// A lock ends exactly `duration` after it started: then a right password is admitted, and
/// a failure starts a new count at 1.
pub async fn a_lock_ends_after_its_duration(
    users: &dyn UserRepository,
    attempts: &dyn SignInAttempts,
) {
    let susan = register(users, "susan", "susan@example.com").await;
    let john = register(users, "john", "john@example.com").await;
    assert_eq!(lock_out(attempts, &susan, 0).await, at(300));
    assert_eq!(
        succeed(attempts, &susan, 300).await,
        Admission::Admitted,
        "at its end the lock no longer holds"
    );
    assert_eq!(lock_out(attempts, &john, 0).await, at(300));
    assert_eq!(
        fail(attempts, &john, 300, &RULE).await,
        FailureOutcome::Counted { failures: 1 },
        "a failure after the lock starts a new count"
    );
}

/// A right password forgets the failures before it: the threshold is counted afresh.
pub async fn a_right_password_forgets_the_failures(
    users: &dyn UserRepository,
    attempts: &dyn SignInAttempts,
) {
    let susan = register(users, "susan", "susan@example.com").await;
    assert_eq!(
        succeed(attempts, &susan, 0).await,
        Admission::Admitted,
        "no failures"
    );
    fail(attempts, &susan, 1, &RULE).await;
    fail(attempts, &susan, 2, &RULE).await;
    assert_eq!(succeed(attempts, &susan, 3).await, Admission::Admitted);
    assert_eq!(
        fail(attempts, &susan, 4, &RULE).await,
        FailureOutcome::Counted { failures: 1 },
        "the success forgot both failures"
    );
    fail(attempts, &susan, 5, &RULE).await;
    assert!(
        matches!(
            fail(attempts, &susan, 6, &RULE).await,
            FailureOutcome::LockStarted { failures: 3, .. }
        ),
        "three failures after the success lock"
    );
}

/// A count lasts `window` from its first failure: a failure `window` or more later starts
/// a new count, which opens a new window.
pub async fn failures_older_than_the_window_start_a_new_count(
    users: &dyn UserRepository,
    attempts: &dyn SignInAttempts,
) {
    let susan = register(users, "susan", "susan@example.com").await;
    fail(attempts, &susan, 0, &RULE).await;
    assert_eq!(
        fail(attempts, &susan, 59, &RULE).await,
        FailureOutcome::Counted { failures: 2 },
        "inside the window the count goes on"
    );
    assert_eq!(
        fail(attempts, &susan, 60, &RULE).await,
        FailureOutcome::Counted { failures: 1 },
        "`window` after the first failure, a new count starts"
    );
    fail(attempts, &susan, 61, &RULE).await;
    assert!(
        matches!(
            fail(attempts, &susan, 119, &RULE).await,
            FailureOutcome::LockStarted { failures: 3, .. }
        ),
        "the new window counts to the threshold"
    );
}

/// Counts and locks belong to the user's session epoch: once it is bumped (a password
/// reset), the lock no longer holds and the count starts over.
pub async fn a_new_session_epoch_lifts_the_lock_and_the_count(
    users: &dyn UserRepository,
    attempts: &dyn SignInAttempts,
) {
    let susan = register(users, "susan", "susan@example.com").await;
    lock_out(attempts, &susan, 0).await;
    let reset = User {
        session_epoch: susan.session_epoch + 1,
        ..susan.clone()
    };
    assert_eq!(
        fail(attempts, &reset, 1, &RULE).await,
        FailureOutcome::Counted { failures: 1 },
        "under the new epoch the count starts over, unlocked"
    );
    assert_eq!(
        succeed(attempts, &reset, 2).await,
        Admission::Admitted,
        "under the new epoch the right password is admitted"
    );
}

/// One account's failures and lock never touch another's.
pub async fn accounts_are_counted_apart(users: &dyn UserRepository, attempts: &dyn SignInAttempts) {
    let susan = register(users, "susan", "susan@example.com").await;
    let john = register(users, "john", "john@example.com").await;
    lock_out(attempts, &susan, 0).await;
    assert_eq!(
        succeed(attempts, &john, 1).await,
        Admission::Admitted,
        "john is not locked"
    );
    assert_eq!(
        fail(attempts, &john, 2, &RULE).await,
        FailureOutcome::Counted { failures: 1 },
        "john's count is his own"
    );
}

/// A threshold of one locks at the first failure.
pub async fn a_threshold_of_one_locks_at_the_first_failure(
    users: &dyn UserRepository,
    attempts: &dyn SignInAttempts,
) {
    let susan = register(users, "susan", "susan@example.com").await;
    let strict = LockoutRule {
        threshold: 1,
        ..RULE
    };
    assert_eq!(
        fail(attempts, &susan, 0, &strict).await,
        FailureOutcome::LockStarted {
            failures: 1,
            until: at(300)
        },
    );
    assert_eq!(
        fail(attempts, &susan, 1, &strict).await,
        FailureOutcome::Locked { until: at(300) },
    );
}
