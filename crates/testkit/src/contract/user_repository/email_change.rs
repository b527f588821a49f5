//! Contract of `UserRepository::request_email_change` and `apply_email_change`.

use super::{T0, email, must, register};
use microblog_domain::UserId;
use microblog_domain::ports::{EmailChangeOutcome, UserRepository};
use time::Duration;

/// A pending address changes nothing until applied; a newer request replaces it (the older
/// request time no longer applies); applying makes it the account's confirmed address
/// (found by its new key, no longer by the old one), reports the previous address, and
/// works once — of two concurrent calls exactly one applies.
pub async fn a_pending_address_applies_once_and_only_the_latest(users: &dyn UserRepository) {
    let susan = register(users, "susan", "Susan@Example.com").await;
    let first_at = T0 + Duration::microseconds(1_000_001);
    let latest_at = first_at + Duration::microseconds(1);
    let new = email("Susan.New@Example.org");
    for at in [first_at, latest_at] {
        let stored = users.request_email_change(susan.id, &new, at).await;
        assert!(must(stored, "request_email_change"), "the user exists");
    }
    let unknown = users
        .request_email_change(UserId(susan.id.0 + 1000), &new, T0)
        .await;
    assert!(
        !must(unknown, "request_email_change"),
        "an unknown id stores nothing"
    );
    let stored = must(users.by_id(susan.id).await, "by_id").expect("susan exists");
    assert_eq!(
        stored.email.as_str(),
        "Susan@Example.com",
        "nothing changed yet"
    );
    let pending = stored.pending_email.expect("a pending change is kept");
    assert_eq!(
        pending.address.as_str(),
        "Susan.New@Example.org",
        "as entered"
    );
    assert_eq!(pending.requested_at, latest_at, "to the microsecond");
    assert!(
        must(users.by_email(&new).await, "by_email").is_none(),
        "a pending address finds nobody"
    );

    let apply = |at| users.apply_email_change(susan.id, "susan.new@example.org", at, T0);
    assert_eq!(
        must(apply(first_at).await, "apply_email_change"),
        EmailChangeOutcome::NotPending,
        "a replaced request does not apply"
    );
    let (first, second) = tokio::join!(apply(latest_at), apply(latest_at));
    let outcomes = [must(first, "first apply"), must(second, "second apply")];
    let applied: Vec<_> = outcomes
        .iter()
        .filter(|outcome| matches!(outcome, EmailChangeOutcome::Applied { .. }))
        .collect();
    assert_eq!(applied.len(), 1, "exactly one applies: {outcomes:?}");
    assert!(
        outcomes.contains(&EmailChangeOutcome::NotPending),
        "the other finds nothing pending: {outcomes:?}"
    );
    let EmailChangeOutcome::Applied { previous } = applied[0] else {
        unreachable!("filtered above")
    };
    assert_eq!(previous.as_str(), "Susan@Example.com");
    let moved = must(users.by_email(&new).await, "by_email").expect("found by the new address");
    assert_eq!(moved.id, susan.id);
    assert!(moved.email_confirmed, "the new address is confirmed");
    assert_eq!(moved.pending_email, None, "nothing pending any more");
    let old = must(
        users.by_email(&email("susan@example.com")).await,
        "by_email",
    );
    assert!(old.is_none(), "the old address finds nobody");
}

/// An address another account took meanwhile is never attached: the change reports it,
/// both accounts keep their addresses, and the pending change is gone.
pub async fn a_taken_address_is_never_attached(users: &dyn UserRepository) {
    let susan = register(users, "susan", "susan@example.com").await;
    let wanted = email("shared@example.com");
    must(
        users.request_email_change(susan.id, &wanted, T0).await,
        "request_email_change",
    );
    let bob = register(users, "bob", "Shared@Example.com").await;
    let outcome = users
        .apply_email_change(susan.id, "shared@example.com", T0, T0)
        .await;
    assert_eq!(
        must(outcome, "apply_email_change"),
        EmailChangeOutcome::AddressTaken
    );
    let susan = must(users.by_id(susan.id).await, "by_id").expect("susan exists");
    assert_eq!(susan.email.as_str(), "susan@example.com");
    assert_eq!(susan.pending_email, None, "the change is cancelled");
    let owner = must(users.by_email(&wanted).await, "by_email").expect("bob keeps it");
    assert_eq!(owner.id, bob.id);
}
