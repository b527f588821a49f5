//! Contract of `UserRepository::confirm_email` and `claim_confirmation_slot`.

use super::{T0, must, register};
use microblog_domain::UserId;
use microblog_domain::ports::UserRepository;
use std::time::Duration;

/// A new user is unconfirmed; confirming needs the current address and works once (of two
/// concurrent calls, one wins); another address or an unknown id never confirms.
pub async fn an_address_is_confirmed_once_and_only_its_own(users: &dyn UserRepository) {
    let susan = register(users, "susan", "Susan@Example.com").await;
    assert!(!susan.email_confirmed, "a new address is unconfirmed");
    let confirm = |address: &'static str| users.confirm_email(susan.id, address, T0);
    assert!(
        !must(confirm("other@example.com").await, "confirm_email"),
        "another address is not confirmed"
    );
    assert!(
        !must(
            users
                .confirm_email(UserId(susan.id.0 + 1000), "susan@example.com", T0)
                .await,
            "confirm_email"
        ),
        "an unknown id confirms nothing"
    );
    let (first, second) = tokio::join!(confirm("susan@example.com"), confirm("susan@example.com"));
    let (first, second) = (must(first, "first confirm"), must(second, "second confirm"));
    assert!(
        first ^ second,
        "exactly one of two concurrent confirmations wins"
    );
    let stored = must(users.by_id(susan.id).await, "by_id").expect("susan");
    assert!(stored.email_confirmed, "the confirmation is stored");
    assert!(
        !must(confirm("susan@example.com").await, "confirm_email"),
        "a confirmed address is not confirmed again"
    );
}

/// One "send the confirmation again" per window, independent of the reset slot.
pub async fn confirmation_slot_is_claimed_once_per_window(users: &dyn UserRepository) {
    let susan = register(users, "susan", "susan@example.com").await;
    let window = Duration::from_secs(60);
    let at = |secs: i64| T0 + time::Duration::seconds(secs);
    let claim = |secs: i64| users.claim_confirmation_slot(susan.id, at(secs), window);
    assert!(
        must(
            users.claim_reset_slot(susan.id, at(0), window).await,
            "claim_reset_slot"
        ),
        "the reset slot is separate"
    );
    assert!(must(claim(0).await, "claim"), "the first request wins");
    assert!(
        !must(claim(59).await, "claim"),
        "within the window it loses"
    );
    assert!(
        must(claim(60).await, "claim"),
        "a window later it wins again"
    );
    assert!(
        !must(
            users
                .claim_confirmation_slot(UserId(susan.id.0 + 1000), at(0), window)
                .await,
            "claim"
        ),
        "an unknown id never wins"
    );
}
