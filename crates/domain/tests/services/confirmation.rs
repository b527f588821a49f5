//! Address confirmation: the link confirms its own address once; the preparer mints it at
//! send time and skips confirmed or changed addresses; "send it again" is throttled.

use super::support::{AccountPorts, confirm_tokens, recording_outbox, t, user};
use microblog_domain::ports::{OutboxEntry, OutboxId};
use microblog_domain::services::{ConfirmEmailError, Confirmed, Prepared, Resend};
use microblog_domain::{Addressee, ConfirmPurpose, ConfirmToken, MailRequest, User, UserId};
use std::sync::{Arc, Mutex};

fn confirmed(user: User) -> User {
    User {
        email_confirmed: true,
        ..user
    }
}

fn link_for(address: &str, at: i64) -> ConfirmToken {
    confirm_tokens().issue(UserId(1), address, ConfirmPurpose::Registration, t(at))
}

#[tokio::test]
async fn a_valid_link_confirms_its_address_once() {
    let mut ports = AccountPorts::new();
    ports
        .users
        .expect_by_id()
        .returning(|_| Ok(Some(user(1, "susan", "$h"))));
    ports
        .users
        .expect_confirm_email()
        .withf(|id, address, _| *id == UserId(1) && address == "susan@example.com")
        .times(1)
        .returning(|_, _, _| Ok(true));
    let confirmed = ports
        .confirmation()
        .confirm(&link_for("susan@example.com", 0))
        .await
        .unwrap();
    assert_eq!(confirmed, Confirmed::Address);
}

#[tokio::test]
async fn used_expired_foreign_and_garbage_links_are_told_apart() {
    let mut ports = AccountPorts::new();
    ports
        .users
        .expect_by_id()
        .returning(|_| Ok(Some(confirmed(user(1, "susan", "$h")))));
    ports.users.expect_confirm_email().never();
    ports.clock.set(10);
    let confirmation = ports.confirmation();
    let used = confirmation
        .confirm(&link_for("susan@example.com", 0))
        .await;
    assert!(matches!(used, Err(ConfirmEmailError::LinkUsed)), "{used:?}");
    let other = confirmation.confirm(&link_for("old@example.com", 0)).await;
    assert!(
        matches!(other, Err(ConfirmEmailError::LinkInvalid)),
        "{other:?}"
    );
    let garbage = confirmation
        .confirm(&ConfirmToken::from_link("garbage".into()))
        .await;
    assert!(matches!(garbage, Err(ConfirmEmailError::LinkInvalid)));
    let reset_token = super::support::tokens().issue(&user(1, "susan", "$h"), t(0));
    let foreign = confirmation
        .confirm(&ConfirmToken::from_link(reset_token.as_str().to_owned()))
        .await;
    assert!(
        matches!(foreign, Err(ConfirmEmailError::LinkInvalid)),
        "a reset token is not one"
    );
    let ports = AccountPorts::new();
    ports.clock.set(48 * 3600);
    let expired = ports
        .confirmation()
        .confirm(&link_for("susan@example.com", 0))
        .await;
    assert!(
        matches!(expired, Err(ConfirmEmailError::LinkExpired)),
        "{expired:?}"
    );
}

#[tokio::test]
async fn the_preparer_mints_the_link_at_send_time_and_skips_confirmed_addresses() {
    let request = MailRequest::ConfirmEmail {
        to: Addressee {
            user_id: UserId(1),
            address: "susan@example.com".into(),
        },
    };
    let entry = OutboxEntry {
        id: OutboxId(1),
        request,
        attempts: 1,
        queued_at: t(0),
    };
    let mut ports = AccountPorts::new();
    ports
        .users
        .expect_by_id()
        .returning(|_| Ok(Some(user(1, "susan", "$h"))));
    let prepared = ports.preparer().prepare(&entry, t(3600)).await.unwrap();
    let Prepared::Send(email) = prepared else {
        panic!("{prepared:?}");
    };
    let token = email.text_body.rsplit("token: ").next().unwrap();
    let claims = confirm_tokens()
        .verify(token, t(3600 + 48 * 3600 - 1))
        .unwrap();
    assert_eq!(
        claims.address, "susan@example.com",
        "valid for the TTL from sending"
    );

    let mut ports = AccountPorts::new();
    ports
        .users
        .expect_by_id()
        .returning(|_| Ok(Some(confirmed(user(1, "susan", "$h")))));
    let skipped = ports.preparer().prepare(&entry, t(1)).await.unwrap();
    assert!(matches!(skipped, Prepared::Drop(_)), "{skipped:?}");
}

#[tokio::test]
async fn sending_it_again_is_throttled_and_needless_once_confirmed() {
    let mut ports = AccountPorts::new();
    let mut slots = vec![false, true];
    ports
        .users
        .expect_claim_confirmation_slot()
        .times(2)
        .returning(move |_, _, _| Ok(slots.pop().unwrap()));
    let queued = Arc::new(Mutex::new(Vec::new()));
    ports.outbox = recording_outbox(Arc::clone(&queued));
    let confirmation = ports.confirmation();
    let susan = user(1, "susan", "$h");
    assert_eq!(confirmation.resend(&susan).await.unwrap(), Resend::Queued);
    assert_eq!(
        confirmation.resend(&susan).await.unwrap(),
        Resend::Throttled
    );
    assert_eq!(
        confirmation.resend(&confirmed(susan)).await.unwrap(),
        Resend::AlreadyConfirmed
    );
    assert_eq!(queued.lock().unwrap().len(), 1);
}
