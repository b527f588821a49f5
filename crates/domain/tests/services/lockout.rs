//! The per-account sign-in lock: counted failures, one notice per lock, a locked account
//! refusing its right password after the same hash verification, and unknown usernames
//! answered exactly like real ones.

use super::support::{AccountPorts, recording_outbox, t, user};
use microblog_domain::ports::{Admission, FailureOutcome, LockoutRule, OutboxError};
use microblog_domain::services::AuthenticateError;
use microblog_domain::values::PasswordHash;
use microblog_domain::{Addressee, MailRequest, User, UserId};
use std::sync::{Arc, Mutex};

/// Ports where `susan` (epoch 3) has the hash `$stored`, whose password is `right`; every
/// login verifies exactly one hash. The clock stands at `t(42)`.
fn susan_signs_in() -> AccountPorts {
    let mut ports = AccountPorts::new();
    ports.clock.set(42);
    ports
        .users
        .expect_by_username()
        .returning(|name| Ok((name.as_str() == "susan").then(|| user(1, "susan", "$stored"))));
    ports
        .hasher
        .expect_dummy_hash()
        .returning(|| PasswordHash::from_phc("$dummy"));
    ports
        .hasher
        .expect_verify()
        .times(1)
        .returning(|candidate, hash| Ok(hash.as_str() == "$stored" && candidate == "right"));
    ports
}

fn is_susan(user: &User) -> bool {
    user.id == UserId(1) && user.session_epoch == 3
}

fn failures_answer(ports: &mut AccountPorts, outcome: FailureOutcome) {
    ports
        .attempts
        .expect_record_failure()
        .withf(|user, now, rule| is_susan(user) && *now == t(42) && *rule == LockoutRule::default())
        .times(1)
        .return_once(move |_, _, _| Ok(outcome));
}

fn invalid(result: Result<User, AuthenticateError>) -> String {
    match result {
        Err(error @ AuthenticateError::InvalidCredentials) => error.to_string(),
        other => panic!("expected InvalidCredentials, got {other:?}"),
    }
}

#[tokio::test]
async fn the_failure_that_starts_the_lock_queues_one_notice_to_the_owner() {
    let mut ports = susan_signs_in();
    let until = t(42 + 900);
    failures_answer(
        &mut ports,
        FailureOutcome::LockStarted {
            failures: 10,
            until,
        },
    );
    let queued: Arc<Mutex<Vec<MailRequest>>> = Arc::default();
    ports.outbox = recording_outbox(queued.clone());
    let answer = ports.sign_in().authenticate("susan", "wrong").await;
    assert_eq!(invalid(answer), "Invalid username or password");
    let queued = queued.lock().unwrap();
    assert_eq!(
        *queued,
        [MailRequest::SignInLocked {
            to: Addressee {
                user_id: UserId(1),
                address: "susan@example.com".into(),
            },
            failed_attempts: 10,
            locked_at: t(42),
            locked_until: until,
        }],
        "one notice, to the account's owner at its address, saying how many, when, until when"
    );
}

#[tokio::test]
async fn failures_before_and_during_a_lock_queue_nothing() {
    for outcome in [
        FailureOutcome::Counted { failures: 9 },
        FailureOutcome::Locked { until: t(900) },
    ] {
        let mut ports = susan_signs_in();
        failures_answer(&mut ports, outcome);
        ports.outbox.expect_enqueue().never();
        ports.attempts.expect_record_success().never();
        let answer = ports.sign_in().authenticate("susan", "wrong").await;
        assert_eq!(
            invalid(answer),
            "Invalid username or password",
            "{outcome:?}"
        );
    }
}

#[tokio::test]
async fn a_locked_account_refuses_the_right_password_after_verifying_it() {
    let mut ports = susan_signs_in();
    ports
        .attempts
        .expect_record_success()
        .withf(|user, now| is_susan(user) && *now == t(42))
        .times(1)
        .returning(|_, _| Ok(Admission::Locked { until: t(900) }));
    ports.attempts.expect_record_failure().never();
    ports.outbox.expect_enqueue().never();
    let answer = ports.sign_in().authenticate("susan", "right").await;
    assert_eq!(invalid(answer), "Invalid username or password");
}

#[tokio::test]
async fn a_right_password_clears_the_count_and_signs_in() {
    let mut ports = susan_signs_in();
    ports
        .attempts
        .expect_record_success()
        .withf(|user, now| is_susan(user) && *now == t(42))
        .times(1)
        .returning(|_, _| Ok(Admission::Admitted));
    ports.attempts.expect_record_failure().never();
    let signed_in = ports.sign_in().authenticate("susan", "right").await;
    assert_eq!(signed_in.expect("signed in").id, UserId(1));
}

#[tokio::test]
async fn unknown_usernames_are_never_counted_and_answer_like_a_locked_account() {
    let mut locked = susan_signs_in();
    failures_answer(&mut locked, FailureOutcome::Locked { until: t(900) });
    let locked = invalid(locked.sign_in().authenticate("susan", "wrong").await);
    for name in ["nobody", "two words"] {
        let mut ports = susan_signs_in();
        ports.attempts.expect_record_failure().never();
        ports.attempts.expect_record_success().never();
        ports.outbox.expect_enqueue().never();
        let sign_in = ports.sign_in();
        let unknown = invalid(sign_in.authenticate(name, "right").await);
        assert_eq!(
            unknown, locked,
            "{name:?} answers like a known, locked account"
        );
    }
}

#[tokio::test]
async fn a_notice_that_cannot_be_queued_changes_nothing_in_the_answer() {
    let mut ports = susan_signs_in();
    failures_answer(
        &mut ports,
        FailureOutcome::LockStarted {
            failures: 10,
            until: t(942),
        },
    );
    ports
        .outbox
        .expect_enqueue()
        .times(1)
        .returning(|_, _| Err(OutboxError::new("disk full")));
    let answer = ports.sign_in().authenticate("susan", "wrong").await;
    assert_eq!(invalid(answer), "Invalid username or password");
}

#[tokio::test]
async fn a_counting_failure_is_unexpected_not_a_wrong_password() {
    let mut ports = susan_signs_in();
    ports
        .attempts
        .expect_record_failure()
        .returning(|_, _, _| Err(microblog_domain::ports::RepoError::new("gone")));
    let answer = ports.sign_in().authenticate("susan", "wrong").await;
    assert!(
        matches!(answer, Err(AuthenticateError::Unexpected(_))),
        "{answer:?}"
    );
}
