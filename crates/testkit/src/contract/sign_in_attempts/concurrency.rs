//! Contract of concurrent calls: every failure counts, and one lock has one starter.

use super::{RULE, at, must, register};
use microblog_domain::User;
use microblog_domain::ports::{
    Admission, FailureOutcome, LockoutRule, SignInAttempts, UserRepository,
};
use std::sync::Arc;

/// Failures sent at once, half through each handle.
const FAILURES: usize = 30;
/// The threshold of the concurrent stories: well inside `FAILURES`.
const THRESHOLD: u32 = 10;

/// `calls` concurrent tasks alternating between the two handles, each running `call` at
/// the same instant; their results, in no particular order.
async fn at_once<T, F, Fut>(handles: [&Arc<dyn SignInAttempts>; 2], calls: usize, call: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(Arc<dyn SignInAttempts>, usize) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
{
    let tasks: Vec<_> = (0..calls)
        .map(|n| tokio::spawn(call(Arc::clone(handles[n % 2]), n)))
        .collect();
    let mut results = Vec::with_capacity(calls);
    for task in tasks {
        results.push(must(task.await, "a concurrent call"));
    }
    results
}

/// `FAILURES` wrong passwords at once, from two handles (two instances): each is counted
/// exactly once — the counts reported below the threshold are 1, 2, … each once, so no
/// update was lost — exactly one reports that it started the lock, with the threshold as
/// its count, and all the others meet the lock. Run it on a multi-thread runtime.
pub async fn concurrent_failures_all_count_and_one_starts_the_lock(
    users: &dyn UserRepository,
    first: Arc<dyn SignInAttempts>,
    second: Arc<dyn SignInAttempts>,
) {
    let susan = register(users, "susan", "susan@example.com").await;
    let rule = LockoutRule {
        threshold: THRESHOLD,
        ..RULE
    };
    let user = susan.clone();
    let outcomes = at_once([&first, &second], FAILURES, move |attempts, _| {
        let user = user.clone();
        async move { attempts.record_failure(&user, at(0), &rule).await }
    })
    .await;
    let outcomes: Vec<FailureOutcome> = outcomes
        .into_iter()
        .map(|outcome| must(outcome, "a concurrent record_failure"))
        .collect();
    let mut counted: Vec<u32> = outcomes
        .iter()
        .filter_map(|outcome| match outcome {
            FailureOutcome::Counted { failures } => Some(*failures),
            _ => None,
        })
        .collect();
    counted.sort_unstable();
    let expected: Vec<u32> = (1..THRESHOLD).collect();
    assert_eq!(
        counted, expected,
        "every failure below the threshold is counted once, none lost: {outcomes:?}"
    );
    let starters: Vec<_> = outcomes
        .iter()
        .filter(|outcome| matches!(outcome, FailureOutcome::LockStarted { .. }))
        .collect();
    let until = at(300);
    assert_eq!(
        starters,
        [&FailureOutcome::LockStarted {
            failures: THRESHOLD,
            until
        }],
        "exactly one failure starts the lock, at the threshold: {outcomes:?}"
    );
    let locked = outcomes
        .iter()
        .filter(|outcome| **outcome == FailureOutcome::Locked { until })
        .count();
    assert_eq!(
        locked,
        FAILURES - THRESHOLD as usize,
        "every later failure meets the lock: {outcomes:?}"
    );
    let after = must(second.record_success(&susan, at(1)).await, "record_success");
    assert_eq!(
        after,
        Admission::Locked { until },
        "both handles see the lock"
    );
}

/// Right and wrong passwords at once, from two handles: at most one failure starts a lock,
/// and once one has, no right password racing it lifted it.
pub async fn a_right_password_racing_failures_never_lifts_a_lock(
    users: &dyn UserRepository,
    first: Arc<dyn SignInAttempts>,
    second: Arc<dyn SignInAttempts>,
) {
    let susan = register(users, "susan", "susan@example.com").await;
    let user: User = susan.clone();
    let outcomes = at_once([&first, &second], 2 * FAILURES, move |attempts, n| {
        let user = user.clone();
        async move {
            if n % 3 == 0 {
                let admission = attempts.record_success(&user, at(0)).await;
                Err(must(admission, "a concurrent record_success"))
            } else {
                let outcome = attempts.record_failure(&user, at(0), &RULE).await;
                Ok(must(outcome, "a concurrent record_failure"))
            }
        }
    })
    .await;
    let starts = outcomes
        .iter()
        .filter(|outcome| matches!(outcome, Ok(FailureOutcome::LockStarted { .. })))
        .count();
    assert!(starts <= 1, "one lock, at most one starter: {outcomes:?}");
    if starts == 1 {
        let after = must(first.record_success(&susan, at(1)).await, "record_success");
        assert_eq!(
            after,
            Admission::Locked { until: at(300) },
            "no right password lifted the lock: {outcomes:?}"
        );
    }
}
