//! Password reset: requesting a link, and setting a new password through it.

use super::support::{AccountPorts, recording_outbox, t, tokens, user};
use microblog_domain::ports::OutboxError;
use microblog_domain::services::{ResetPasswordCommand, ResetPasswordError};
use microblog_domain::values::{EmailAddress, Password, PasswordHash};
use microblog_domain::{MailRequest, ResetToken, User, UserId};
use std::sync::{Arc, Mutex};

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
async fn every_request_is_one_stored_request_for_the_normalized_address_and_no_lookup() {
    // Known, unknown and throttled addresses all take this one path: one insert, no
    // look-up, so neither the answer nor its time says who has an account, and the request
    // is durable before it is answered.
    for (typed_address, key) in [
        ("SUSAN@example.COM", "susan@example.com"),
        ("nobody@example.com", "nobody@example.com"),
    ] {
        let mut ports = AccountPorts::new();
        ports.users.expect_by_email().never();
        ports.users.expect_claim_reset_slot().never();
        let queued = Arc::new(Mutex::new(Vec::new()));
        ports.outbox = recording_outbox(Arc::clone(&queued));
        let accounts = ports.reset();
        accounts
            .forgot
            .request(&typed(typed_address))
            .await
            .unwrap();
        assert_eq!(
            *queued.lock().unwrap(),
            [MailRequest::ResetPassword {
                address: key.to_owned()
            }],
            "{typed_address}: one request, no token in it"
        );
    }
}

#[tokio::test]
async fn a_request_that_cannot_be_stored_is_an_error_not_a_silent_loss() {
    let mut ports = AccountPorts::new();
    ports
        .outbox
        .expect_enqueue()
        .returning(|_, _| Err(OutboxError::new("disk full")));
    let result = ports
        .reset()
        .forgot
        .request(&typed("susan@example.com"))
        .await;
    assert!(result.is_err(), "the visitor is not told it worked");
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

    assert_eq!(updated.session_epoch, 4, "epoch bumped: other sessions end");
    assert_eq!(
        *queued.lock().unwrap(),
        [MailRequest::password_changed(
            &user(1, "susan", "$old"),
            t(30)
        )],
        "one notice to susan at her address, with the time of the change"
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
    assert!(matches!(result, Err(ResetPasswordError::LinkUsed)));
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
        Err(ResetPasswordError::LinkUsed)
    ));
    assert!(matches!(
        verdict(&newer).await,
        Err(ResetPasswordError::LinkUsed)
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
            matches!(result, Err(ResetPasswordError::LinkExpired)),
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
    assert!(matches!(result, Err(ResetPasswordError::LinkUsed)));
}

#[tokio::test]
async fn a_link_for_a_deleted_user_is_refused() {
    let token = tokens().issue(&user(1, "susan", "$old"), t(0));
    let mut ports = AccountPorts::new();
    ports.users.expect_by_id().returning(|_| Ok(None));
    let result = ports.reset().reset.verify(&token).await;
    assert!(matches!(result, Err(ResetPasswordError::LinkInvalid)));
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
        assert!(matches!(result, Err(ResetPasswordError::LinkInvalid)));
    }
}
