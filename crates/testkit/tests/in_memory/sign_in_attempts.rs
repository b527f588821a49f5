//! `InMemorySignInAttempts` against the whole `SignInAttempts` contract, and its helper.

use microblog_domain::ports::UserRepository;
use microblog_domain::ports::{LockoutRule, SignInAttempts};
use microblog_testkit::contract::sign_in_attempts as contract;
use microblog_testkit::contract::user_repository::new_user;
use microblog_testkit::{InMemorySignInAttempts, InMemoryUsers};
use std::sync::Arc;
use time::macros::datetime;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn in_memory_sign_in_attempts_keep_every_property_of_the_contract() {
    contract::run_all(|property| async move {
        let users = InMemoryUsers::default();
        let attempts: Arc<dyn SignInAttempts> = Arc::new(InMemorySignInAttempts::default());
        property
            .check(&users, Arc::clone(&attempts), attempts)
            .await;
    })
    .await;
}

#[tokio::test]
async fn failures_shows_the_current_count() {
    let users = InMemoryUsers::default();
    let susan = users.create(new_user("susan", "susan@example.com")).await;
    let susan = susan.expect("create");
    let attempts = InMemorySignInAttempts::default();
    assert_eq!(attempts.failures(susan.id), 0, "nothing counted yet");
    let now = datetime!(2026-01-01 12:00 UTC);
    let rule = LockoutRule::default();
    for _ in 0..2 {
        attempts
            .record_failure(&susan, now, &rule)
            .await
            .expect("record_failure");
    }
    assert_eq!(attempts.failures(susan.id), 2, "two failures counted");
    attempts
        .record_success(&susan, now)
        .await
        .expect("record_success");
    assert_eq!(attempts.failures(susan.id), 0, "a success forgets them");
}
