//! The send-time preparer: reset requests resolved, throttled and given a fresh link when
//! sent; stale, orphaned and too-old requests not sent.

use super::support::{AccountPorts, t, tokens, user};
use microblog_domain::ports::{OutboxEntry, OutboxId};
use microblog_domain::services::Prepared;
use microblog_domain::{Addressee, EmailKind, MailRequest, UserId};
use std::time::Duration;

fn entry(request: MailRequest, attempts: u32, queued_at: i64) -> OutboxEntry {
    OutboxEntry {
        id: OutboxId(1),
        request,
        attempts,
        queued_at: t(queued_at),
    }
}

fn reset_request(address: &str) -> MailRequest {
    MailRequest::ResetPassword {
        address: address.to_owned(),
    }
}

/// The token the echo composer wrote into the email.
fn token_in(prepared: &Prepared) -> String {
    let Prepared::Send(email) = prepared else {
        panic!("expected an email, got {prepared:?}");
    };
    let prefix = "\ntoken: ";
    let start = email.text_body.find(prefix).expect("a token") + prefix.len();
    email.text_body[start..].to_owned()
}

#[tokio::test]
async fn a_reset_request_gets_a_link_minted_at_send_time_for_the_stored_address() {
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
            *id == UserId(1) && *now == t(1800) && *window == Duration::from_secs(60)
        })
        .times(1)
        .returning(|_, _, _| Ok(true));
    // Requested at 0, sent half an hour later (a relay outage longer than the 10-minute TTL).
    let prepared = ports
        .preparer()
        .prepare(&entry(reset_request("susan@example.com"), 1, 0), t(1800))
        .await
        .unwrap();
    let Prepared::Send(email) = &prepared else {
        panic!("{prepared:?}");
    };
    assert_eq!(email.kind, EmailKind::ResetPassword);
    assert_eq!(email.to, ["susan@Example.com"], "the stored address");
    assert!(email.text_body.contains("valid_for_minutes: 10"));
    let token = token_in(&prepared);
    let claims = tokens()
        .verify(&token, t(1800 + 599))
        .expect("valid from delivery");
    assert_eq!(claims.user_id, UserId(1));
    assert!(
        tokens().verify(&token, t(1800 + 600)).is_err(),
        "for the TTL only"
    );
}

#[tokio::test]
async fn an_unknown_address_is_dropped_without_a_claim() {
    let mut ports = AccountPorts::new();
    ports.users.expect_by_email().returning(|_| Ok(None));
    ports.users.expect_claim_reset_slot().never();
    let prepared = ports
        .preparer()
        .prepare(&entry(reset_request("nobody@example.com"), 1, 0), t(1))
        .await
        .unwrap();
    assert!(matches!(prepared, Prepared::Drop(_)), "{prepared:?}");
}

#[tokio::test]
async fn a_throttled_request_is_dropped_and_a_retry_is_never_throttled_by_its_own_claim() {
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
    let preparer = ports.preparer();
    let first = preparer
        .prepare(&entry(reset_request("susan@example.com"), 1, 0), t(1))
        .await
        .unwrap();
    assert!(matches!(first, Prepared::Drop(_)), "{first:?}");
    // A second attempt (the first send failed) claimed its slot on attempt 1: it is sent.
    let retry = preparer
        .prepare(&entry(reset_request("susan@example.com"), 2, 0), t(5))
        .await
        .unwrap();
    assert!(matches!(retry, Prepared::Send(_)), "{retry:?}");
}

#[tokio::test]
async fn a_request_older_than_the_maximum_age_is_dead() {
    let mut ports = AccountPorts::new();
    ports.users.expect_by_email().never();
    let day = 24 * 3600;
    let preparer = ports.preparer();
    let prepared = preparer
        .prepare(&entry(reset_request("susan@example.com"), 1, 0), t(day + 1))
        .await
        .unwrap();
    let Prepared::Dead(reason) = prepared else {
        panic!("{prepared:?}");
    };
    assert!(reason.contains("MAIL_INTENT_MAX_AGE"), "{reason}");
}

#[tokio::test]
async fn a_notice_for_a_deleted_or_readdressed_account_is_dropped() {
    let notice = MailRequest::PasswordChanged {
        to: Addressee {
            user_id: UserId(1),
            address: "susan@example.com".into(),
        },
        changed_at: t(0),
    };
    let mut ports = AccountPorts::new();
    ports.users.expect_by_id().returning(|_| Ok(None));
    let gone = ports
        .preparer()
        .prepare(&entry(notice.clone(), 1, 0), t(1))
        .await;
    assert!(matches!(gone, Ok(Prepared::Drop(_))), "{gone:?}");

    let mut ports = AccountPorts::new();
    ports
        .users
        .expect_by_id()
        .returning(|_| Ok(Some(user(1, "susan2", "$h1"))));
    let moved = ports
        .preparer()
        .prepare(&entry(notice.clone(), 1, 0), t(1))
        .await;
    assert!(matches!(moved, Ok(Prepared::Drop(_))), "{moved:?}");

    let mut ports = AccountPorts::new();
    ports
        .users
        .expect_by_id()
        .returning(|_| Ok(Some(user(1, "susan", "$h1"))));
    let sent = ports.preparer().prepare(&entry(notice, 1, 0), t(1)).await;
    let Ok(Prepared::Send(email)) = sent else {
        panic!("{sent:?}");
    };
    assert_eq!(email.to, ["susan@Example.com"]);
    assert!(
        !email.text_body.contains("token: "),
        "the notice carries no link"
    );
}

fn change_request(address: &str, requested_at: i64) -> MailRequest {
    MailRequest::ConfirmEmailChange {
        user_id: UserId(1),
        address: address.to_owned(),
        requested_at: t(requested_at),
    }
}

fn pending(address: &str, requested_at: i64) -> Option<microblog_domain::PendingEmail> {
    Some(microblog_domain::PendingEmail {
        address: microblog_domain::EmailAddress::parse(address).unwrap(),
        requested_at: t(requested_at),
    })
}

#[tokio::test]
async fn an_address_change_is_sent_only_while_it_is_the_pending_one() {
    for (account_pending, why) in [
        (pending("new@example.org", 5), "a newer request replaced it"),
        (
            pending("other@example.org", 0),
            "another address is pending",
        ),
        (None, "the change was applied or cancelled"),
    ] {
        let mut ports = AccountPorts::new();
        ports.users.expect_by_id().returning(move |_| {
            Ok(Some(microblog_domain::User {
                pending_email: account_pending.clone(),
                ..user(1, "susan", "$h")
            }))
        });
        ports.users.expect_by_email().never();
        let request = entry(change_request("new@example.org", 0), 1, 0);
        let prepared = ports.preparer().prepare(&request, t(1)).await.unwrap();
        assert!(matches!(prepared, Prepared::Drop(_)), "{why}: {prepared:?}");
    }
}

#[tokio::test]
async fn an_address_change_to_a_taken_address_warns_its_owner_without_a_link() {
    let mut ports = AccountPorts::new();
    ports.users.expect_by_id().returning(|_| {
        Ok(Some(microblog_domain::User {
            pending_email: pending("bob@example.com", 0),
            ..user(1, "susan", "$h")
        }))
    });
    ports
        .users
        .expect_by_email()
        .returning(|_| Ok(Some(user(2, "bob", "$b"))));
    let request = entry(change_request("bob@example.com", 0), 1, 0);
    let prepared = ports.preparer().prepare(&request, t(1)).await.unwrap();
    let Prepared::Send(email) = prepared else {
        panic!("{prepared:?}");
    };
    assert_eq!(email.kind, EmailKind::EmailInUse);
    assert_eq!(email.to, [user(2, "bob", "$b").email.as_str()]);
    assert!(
        !email.text_body.contains("token"),
        "no link: {}",
        email.text_body
    );
}

#[tokio::test]
async fn an_address_change_to_a_free_address_gets_a_link_bound_to_that_request() {
    let mut ports = AccountPorts::new();
    ports.users.expect_by_id().returning(|_| {
        Ok(Some(microblog_domain::User {
            pending_email: pending("New@Example.org", 7),
            ..user(1, "susan", "$h")
        }))
    });
    ports.users.expect_by_email().returning(|_| Ok(None));
    let request = entry(change_request("New@Example.org", 7), 1, 7);
    let prepared = ports.preparer().prepare(&request, t(3600)).await.unwrap();
    let token = token_in(&prepared);
    let Prepared::Send(email) = &prepared else {
        unreachable!()
    };
    assert_eq!(email.kind, EmailKind::ConfirmEmailChange);
    assert_eq!(
        email.to,
        ["New@Example.org"],
        "to the new address as entered"
    );
    let claims = super::support::confirm_tokens()
        .verify(&token, t(3601))
        .unwrap();
    assert_eq!(claims.address, "new@example.org");
    assert_eq!(
        claims.purpose,
        microblog_domain::ConfirmPurpose::Change { requested_at: t(7) }
    );
}
