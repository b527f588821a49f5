//! Contract of `UserRepository::claim_reset_slot`: one reset request per window.

use super::{T0, must, register};
use microblog_domain::UserId;
use microblog_domain::ports::UserRepository;
use std::time::Duration;

/// The first request wins; another within `window` loses and does not move the window;
/// exactly `window` after the last win the slot is free again; two requests at the same
/// instant have one winner; an unknown id never wins.
pub async fn reset_slot_is_claimed_once_per_window(users: &dyn UserRepository) {
    let susan = register(users, "susan", "susan@example.com").await;
    let window = Duration::from_secs(300);
    let at = |secs: i64| T0 + time::Duration::seconds(secs);
    let claim = |secs: i64| users.claim_reset_slot(susan.id, at(secs), window);

    assert!(
        must(claim(0).await, "claim_reset_slot"),
        "the first request wins the slot"
    );
    assert!(
        !must(claim(1).await, "claim_reset_slot"),
        "a request 1 s later loses"
    );
    assert!(
        !must(claim(299).await, "claim_reset_slot"),
        "a request 299 s later loses"
    );
    assert!(
        must(claim(300).await, "claim_reset_slot"),
        "exactly one window after the last win (losers do not extend it) the slot is free"
    );
    assert!(
        !must(claim(599).await, "claim_reset_slot"),
        "the window restarts at each win"
    );

    let (first, second) = tokio::join!(claim(600), claim(600));
    let (first, second) = (must(first, "first claim"), must(second, "second claim"));
    assert!(
        first ^ second,
        "of two simultaneous requests exactly one wins ({first}, {second})"
    );

    let unknown = users
        .claim_reset_slot(UserId(susan.id.0 + 1_000), at(0), window)
        .await;
    assert!(
        !must(unknown, "claim_reset_slot"),
        "an unknown id never wins"
    );
}
