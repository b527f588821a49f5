//! Registration and sign-in checks (sessions: `sessions.rs`).

use super::support::{AccountPorts, t, user};
use microblog_domain::ports::CreateUserError;
use microblog_domain::ports::{Admission, FailureOutcome};
use microblog_domain::services::{AuthenticateError, RegisterCommand, RegisterError};
use microblog_domain::values::{EmailAddress, Password, PasswordHash, Username};

fn command() -> RegisterCommand {
    RegisterCommand {
        username: Username::parse("susan").unwrap(),
        email: EmailAddress::parse("susan@example.com").unwrap(),
        password: Password::parse("cat-on-keyboard").unwrap(),
    }
}

#[tokio::test]
async fn register_stores_the_hash_never_the_password() {
    let mut ports = AccountPorts::new();
    ports
        .hasher
        .expect_hash()
        .withf(|p| p.expose() == "cat-on-keyboard")
        .times(1)
        .returning(|_| Ok(PasswordHash::from_phc("$argon2id$hashed")));
    ports
        .users
        .expect_create()
        .withf(|new| new.password_hash.as_str() == "$argon2id$hashed" && new.created_at == t(0))
        .times(1)
        .returning(|new| {
            let mut stored = user(1, new.username.as_str(), new.password_hash.as_str());
            stored.email = new.email;
            Ok(stored)
        });
    let created = ports.registration().register(command()).await.unwrap();
    assert_eq!(created.username.as_str(), "susan");
}

#[tokio::test]
async fn register_reports_taken_username_and_email() {
    for (repo_error, expected) in [
        (CreateUserError::UsernameTaken, "UsernameTaken"),
        (CreateUserError::EmailTaken, "EmailTaken"),
    ] {
        let mut ports = AccountPorts::new();
        ports
            .hasher
            .expect_hash()
            .returning(|_| Ok(PasswordHash::from_phc("h")));
        let mut once = Some(repo_error);
        ports
            .users
            .expect_create()
            .returning(move |_| Err(once.take().unwrap()));
        let error = ports.registration().register(command()).await.unwrap_err();
        assert_eq!(format!("{error:?}"), expected);
        assert!(!matches!(error, RegisterError::Unexpected(_)));
    }
}

#[tokio::test]
async fn an_unknown_username_still_costs_one_hash_verification() {
    let mut ports = AccountPorts::new();
    ports
        .users
        .expect_by_username()
        .times(1)
        .returning(|_| Ok(None));
    ports
        .hasher
        .expect_dummy_hash()
        .returning(|| PasswordHash::from_phc("$dummy"));
    ports
        .hasher
        .expect_verify()
        .withf(|_, hash| hash.as_str() == "$dummy")
        .times(1)
        .returning(|_, _| Ok(true));
    let result = ports
        .sign_in()
        .authenticate("nobody", "whatever-password")
        .await;
    assert!(matches!(result, Err(AuthenticateError::InvalidCredentials)));
}

#[tokio::test]
async fn a_malformed_username_costs_one_verification_and_no_lookup() {
    let mut ports = AccountPorts::new();
    ports.users.expect_by_username().never();
    ports
        .hasher
        .expect_dummy_hash()
        .returning(|| PasswordHash::from_phc("$dummy"));
    ports
        .hasher
        .expect_verify()
        .times(1)
        .returning(|_, _| Ok(false));
    let result = ports.sign_in().authenticate("two words", "whatever").await;
    assert!(matches!(result, Err(AuthenticateError::InvalidCredentials)));
}

#[tokio::test]
async fn login_succeeds_only_with_the_right_password() {
    for (typed, ok) in [("right-password", true), ("wrong-password", false)] {
        let mut ports = AccountPorts::new();
        ports
            .users
            .expect_by_username()
            .returning(|_| Ok(Some(user(1, "susan", "$stored"))));
        ports
            .attempts
            .expect_record_success()
            .returning(|_, _| Ok(Admission::Admitted));
        ports
            .attempts
            .expect_record_failure()
            .returning(|_, _, _| Ok(FailureOutcome::Counted { failures: 1 }));
        ports
            .hasher
            .expect_verify()
            .withf(|_, hash| hash.as_str() == "$stored")
            .times(1)
            .returning(|candidate, _| Ok(candidate == "right-password"));
        let result = ports.sign_in().authenticate("susan", typed).await;
        assert_eq!(result.is_ok(), ok, "{typed}");
    }
}

#[tokio::test]
async fn an_oversized_password_never_logs_in_and_is_not_hashed_in_full() {
    let mut ports = AccountPorts::new();
    ports
        .users
        .expect_by_username()
        .returning(|_| Ok(Some(user(1, "susan", "$stored"))));
    ports
        .attempts
        .expect_record_failure()
        .times(1)
        .returning(|_, _, _| Ok(FailureOutcome::Counted { failures: 1 }));
    ports
        .hasher
        .expect_verify()
        .withf(|candidate, _| candidate.is_empty())
        .times(1)
        .returning(|_, _| Ok(true));
    let huge = "x".repeat(Password::MAX_BYTES + 1);
    let result = ports.sign_in().authenticate("susan", &huge).await;
    assert!(matches!(result, Err(AuthenticateError::InvalidCredentials)));
}
