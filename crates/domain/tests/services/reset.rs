//! Password reset: requesting a link, and setting a new password through it.

use super::support::{AccountPorts, recording_outbox, t, tokens, user};
use microblog_domain::services::{ResetPasswordCommand, ResetPasswordError};
use microblog_domain::values::{EmailAddress, Password, PasswordHash};
use microblog_domain::{EmailIntent, EmailKind, ResetToken, User, UserId};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn typed(address: &str) -> EmailAddress {
    EmailAddress::parse(address).unwrap()
}

fn command(token: &ResetToken) -> ResetPasswordCommand {
    ResetPasswordCommand {
        token: token.clone(),
        new_password: Password::parse("brand-new-password").unwrap(),
    }
}

#[tokio::test]
async fn an_unknown_address_gets_ok_and_no_mail() {
    let mut ports = AccountPorts::new();
    ports
        .users
        .expect_by_email()
        .times(1)
        .returning(|_| Ok(None));
    ports.users.expect_claim_reset_slot().never();
    ports.outbox.expect_enqueue().never();
    let accounts = ports.reset();
    accounts
        .forgot
        .request(&typed("nobody@example.com"))
        .await
        .unwrap();
    accounts.tasks.finish().await;
}

#[tokio::test]
async fn a_known_address_queues_a_token_for_the_stored_address() {
    let mut ports = AccountPorts::new();
    ports
        .users
        .expect_by_email()
        .withf(|email| email.normalized() == "susan@example.com")
        .returning(|_| Ok(Some(user(1, "susan", "$h1"))));
    ports
        .users
        .expect_claim_reset_slot()
        .withf(|id, now, window| {
            *id == UserId(1) && *now == t(0) && *window == Duration::from_secs(60)
        })
        .times(1)
        .returning(|_, _, _| Ok(true));
    let queued = Arc::new(Mutex::new(Vec::new()));
    ports.outbox = recording_outbox(Arc::clone(&queued));
    let accounts = ports.reset();

    accounts
        .forgot
        .request(&typed("SUSAN@example.COM"))
        .await
        .unwrap();
    accounts.tasks.finish().await;

    let queued = queued.lock().unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].kind, EmailKind::ResetPassword);
    assert_eq!(
        queued[0].to,
        vec!["susan@Example.com".to_owned()],
        "the stored address"
    );
    let prefix = "\ntoken: ";
    let start = queued[0].text_body.find(prefix).expect("a token") + prefix.len();
    let token = &queued[0].text_body[start..];
    let claims = tokens().verify(token, t(1)).unwrap();
    assert_eq!(claims.user_id, UserId(1));
    assert!(queued[0].text_body.contains("valid_for_minutes: 10"));
}

#[tokio::test]
async fn a_request_returns_before_the_email_is_queued() {
    // Known and unknown addresses must take the same time: the request waits for the
    // look-up only, and the throttle, token and outbox work happens afterwards.
    let mut ports = AccountPorts::new();
    ports
        .users
        .expect_by_email()
        .returning(|_| Ok(Some(user(1, "susan", "$h1"))));
    let (release, gate) = std::sync::mpsc::channel::<()>();
    let gate = Mutex::new(gate);
    ports
        .users
        .expect_claim_reset_slot()
        .returning(move |_, _, _| {
            gate.lock().unwrap().recv().unwrap();
            Ok(true)
        });
    let queued = Arc::new(Mutex::new(Vec::new()));
    ports.outbox = recording_outbox(Arc::clone(&queued));
    let accounts = ports.reset();
    let answered = tokio::time::timeout(
        Duration::from_secs(5),
        accounts.forgot.request(&typed("susan@example.com")),
    )
    .await;
    assert!(
        answered.is_ok(),
        "the request did not wait for the queueing"
    );
    assert!(queued.lock().unwrap().is_empty(), "not queued yet");
    release.send(()).unwrap();
    accounts.tasks.finish().await;
    assert_eq!(queued.lock().unwrap().len(), 1, "queued afterwards");
}

#[tokio::test]
async fn a_throttled_request_sends_nothing_and_still_succeeds() {
    let mut ports = AccountPorts::new();
    ports
        .users
        .expect_by_email()
        .returning(|_| Ok(Some(user(1, "susan", "$h1"))));
    ports
        .users
        .expect_claim_reset_slot()
        .times(1)
        .returning(|_, _, _| Ok(false));
    ports.outbox.expect_enqueue().never();
    let accounts = ports.reset();
    accounts
        .forgot
        .request(&typed("susan@example.com"))
        .await
        .unwrap();
    accounts.tasks.finish().await;
}

/// Ports whose user store holds `current` for id 1.
fn ports_with(current: User) -> AccountPorts {
    let mut ports = AccountPorts::new();
    ports
        .users
        .expect_by_id()
        .returning(move |_| Ok(Some(current.clone())));
    ports
}

#[tokio::test]
async fn a_valid_link_sets_the_password_ends_sessions_and_sends_a_notice() {
    let susan = user(1, "susan", "$old");
    let token = tokens().issue(&susan, t(0));
    let mut ports = ports_with(susan);
    ports.clock.set(30);
    ports
        .hasher
        .expect_hash()
        .withf(|p| p.expose() == "brand-new-password")
        .times(1)
        .returning(|_| Ok(PasswordHash::from_phc("$new")));
    ports
        .users
        .expect_replace_password_hash()
        .withf(|id, expected, new| {
            *id == UserId(1) && expected.as_str() == "$old" && new.as_str() == "$new"
        })
        .times(1)
        .returning(|_, _, _| Ok(true));
    ports
        .sessions
        .expect_delete_all_for_user()
        .withf(|id, keep| *id == UserId(1) && keep.is_none())
        .times(1)
        .returning(|_, _| Ok(2));
    let queued = Arc::new(Mutex::new(Vec::new()));
    ports.outbox = recording_outbox(Arc::clone(&queued));

    let updated = ports.reset().reset.reset(command(&token)).await.unwrap();

    assert_eq!(
        updated.session_epoch, 4,
        "epoch bumped: a sign-in lock lifts"
    );
    let queued = queued.lock().unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].kind, EmailKind::PasswordChanged);
    let expected = EmailIntent::PasswordChanged {
        username: "susan".into(),
        changed_at: t(30),
    };
    assert_eq!(queued[0].text_body, format!("{expected:?}"));
    assert!(
        !queued[0].text_body.contains("\ntoken: "),
        "the notice carries no link"
    );
}

#[tokio::test]
async fn a_link_used_once_is_refused_the_second_time() {
    let before = user(1, "susan", "$old");
    let token = tokens().issue(&before, t(0));
    // After the first reset the stored hash is the new one.
    let mut ports = ports_with(user(1, "susan", "$new"));
    ports.hasher.expect_hash().never();
    ports.users.expect_replace_password_hash().never();
    ports.outbox.expect_enqueue().never();
    let result = ports.reset().reset.reset(command(&token)).await;
    assert!(matches!(result, Err(ResetPasswordError::InvalidToken)));
}

#[tokio::test]
async fn an_older_link_dies_when_a_newer_one_is_used() {
    let susan = user(1, "susan", "$old");
    let older = tokens().issue(&susan, t(0));
    let newer = tokens().issue(&susan, t(100));
    let ports = ports_with(user(1, "susan", "$after-newer"));
    ports.clock.set(120);
    let accounts = ports.reset();
    let verdict = |token: &ResetToken| {
        let accounts = accounts.clone();
        let token = token.clone();
        async move { accounts.reset.verify(&token).await }
    };
    assert!(matches!(
        verdict(&older).await,
        Err(ResetPasswordError::InvalidToken)
    ));
    assert!(matches!(
        verdict(&newer).await,
        Err(ResetPasswordError::InvalidToken)
    ));
}

#[tokio::test]
async fn a_link_expires_at_exactly_its_ttl() {
    let susan = user(1, "susan", "$old");
    let token = tokens().issue(&susan, t(0));
    let ports = ports_with(susan);
    let clock = ports.clock.clone();
    let accounts = ports.reset();
    clock.set(599);
    assert!(accounts.reset.verify(&token).await.is_ok());
    for seconds in [600, 601] {
        clock.set(seconds);
        let result = accounts.reset.verify(&token).await;
        assert!(
            matches!(result, Err(ResetPasswordError::InvalidToken)),
            "at {seconds}"
        );
    }
}

#[tokio::test]
async fn of_two_concurrent_uses_the_loser_is_refused_without_a_notice() {
    let susan = user(1, "susan", "$old");
    let token = tokens().issue(&susan, t(0));
    let mut ports = ports_with(susan);
    ports
        .hasher
        .expect_hash()
        .returning(|_| Ok(PasswordHash::from_phc("$new")));
    ports
        .users
        .expect_replace_password_hash()
        .times(1)
        .returning(|_, _, _| Ok(false));
    ports.outbox.expect_enqueue().never();
    let result = ports.reset().reset.reset(command(&token)).await;
    assert!(matches!(result, Err(ResetPasswordError::InvalidToken)));
}

#[tokio::test]
async fn a_link_for_a_deleted_user_is_refused() {
    let token = tokens().issue(&user(1, "susan", "$old"), t(0));
    let mut ports = AccountPorts::new();
    ports.users.expect_by_id().returning(|_| Ok(None));
    let result = ports.reset().reset.verify(&token).await;
    assert!(matches!(result, Err(ResetPasswordError::InvalidToken)));
}

#[tokio::test]
async fn garbage_links_are_refused_without_touching_storage() {
    let mut ports = AccountPorts::new();
    ports.users.expect_by_id().never();
    let accounts = ports.reset();
    for garbage in ["", "nope", "a.b.c"] {
        let result = accounts
            .reset
            .verify(&ResetToken::from_link(garbage.to_owned()))
            .await;
        assert!(matches!(result, Err(ResetPasswordError::InvalidToken)));
    }
}
