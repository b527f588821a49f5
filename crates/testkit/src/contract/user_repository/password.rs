//! Contract of `UserRepository::replace_password_hash`: compare-and-set, one winner.

use super::{hash, must, register};
use microblog_domain::UserId;
use microblog_domain::ports::UserRepository;

/// `replace_password_hash` is compare-and-set: the wrong expected hash changes nothing; the
/// right one replaces it and bumps the session epoch once; the old hash no longer matches.
pub async fn password_hash_is_replaced_only_from_the_expected_hash(users: &dyn UserRepository) {
    let susan = register(users, "susan", "susan@example.com").await;
    let wrong = users
        .replace_password_hash(susan.id, &hash("wrong"), &hash("new"))
        .await;
    assert!(
        !must(wrong, "replace_password_hash"),
        "a wrong expected hash must not win"
    );
    let stored =
        must(users.by_id(susan.id).await, "by_id").map(|u| (u.password_hash, u.session_epoch));
    assert_eq!(
        stored,
        Some((hash("initial"), 0)),
        "a lost compare-and-set changes nothing"
    );

    let right = users
        .replace_password_hash(susan.id, &hash("initial"), &hash("new"))
        .await;
    assert!(
        must(right, "replace_password_hash"),
        "the expected hash must win"
    );
    let stored =
        must(users.by_id(susan.id).await, "by_id").map(|u| (u.password_hash, u.session_epoch));
    assert_eq!(
        stored,
        Some((hash("new"), 1)),
        "the hash is replaced and the epoch bumped once"
    );

    let stale = users
        .replace_password_hash(susan.id, &hash("initial"), &hash("other"))
        .await;
    assert!(
        !must(stale, "replace_password_hash"),
        "the old hash must no longer match"
    );
    let nobody = UserId(susan.id.0 + 1_000);
    let unknown = users
        .replace_password_hash(nobody, &hash("new"), &hash("x"))
        .await;
    assert!(
        !must(unknown, "replace_password_hash"),
        "an unknown id never wins"
    );
}

/// Two concurrent replacements from the same expected hash: exactly one wins, the epoch is
/// bumped once, and the stored hash is the winner's.
pub async fn concurrent_password_replacements_have_one_winner(users: &dyn UserRepository) {
    let susan = register(users, "susan", "susan@example.com").await;
    let (initial, new_first, new_second) = (hash("initial"), hash("first"), hash("second"));
    let (first, second) = tokio::join!(
        users.replace_password_hash(susan.id, &initial, &new_first),
        users.replace_password_hash(susan.id, &initial, &new_second),
    );
    let (first, second) = (must(first, "first replace"), must(second, "second replace"));
    assert!(
        first ^ second,
        "exactly one of two racing replacements wins ({first}, {second})"
    );
    let winner = if first { new_first } else { new_second };
    let stored =
        must(users.by_id(susan.id).await, "by_id").map(|u| (u.password_hash, u.session_epoch));
    assert_eq!(
        stored,
        Some((winner, 1)),
        "the winner's hash is stored, the epoch bumped once"
    );
}
