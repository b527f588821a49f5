//! Leases as fencing tokens: renewal keeps an entry, and a lease taken over by another
//! claim can no longer change the entry.

use super::{LEASE, at, claim, held, must, request};
use microblog_domain::ports::{LeaseState, Outbox};

/// A renewed lease holds until its new end: the entry is not claimable up to it, and is
/// claimable (as the next attempt) after it.
pub async fn renewed_lease_is_not_reclaimed(outbox: &dyn Outbox) {
    let id = must(outbox.enqueue(&request(1), at(0)).await, "enqueue");
    let first = claim(outbox, at(0), 10).await;
    assert_eq!(first.len(), 1, "first claim");
    let lease = i64::try_from(LEASE.as_secs()).unwrap_or(i64::MAX);
    held(
        outbox.renew(first[0].lease(), at(lease * 2)).await,
        "renew before the lease ends",
    );
    assert!(
        claim(outbox, at(lease + 1), 10).await.is_empty(),
        "the renewed lease still holds after the original end"
    );
    let again = claim(outbox, at(lease * 2 + 1), 10).await;
    let attempts: Vec<_> = again.iter().map(|e| (e.id, e.attempts)).collect();
    assert_eq!(
        attempts,
        vec![(id, 2)],
        "reclaimed once the renewal ran out"
    );
}

/// Once an expired lease is claimed again, every write under the old lease — renew,
/// mark_sent, reschedule, mark_dead — reports `Lost` and changes nothing, while the new
/// holder's writes take effect.
pub async fn taken_over_lease_changes_nothing(outbox: &dyn Outbox) {
    must(outbox.enqueue(&request(1), at(0)).await, "enqueue");
    let old = claim(outbox, at(0), 10).await.remove(0).lease();
    let lease = i64::try_from(LEASE.as_secs()).unwrap_or(i64::MAX);
    let new = claim(outbox, at(lease + 1), 10).await;
    assert_eq!(new.len(), 1, "the expired lease is taken over");
    let new = new[0].lease();
    assert_ne!(old, new, "the takeover is a new lease");
    let stale = [
        ("renew", outbox.renew(old, at(lease * 10)).await),
        ("mark_sent", outbox.mark_sent(old, at(lease + 2)).await),
        (
            "reschedule",
            outbox.reschedule(old, at(lease + 2), "stale").await,
        ),
        ("mark_dead", outbox.mark_dead(old, "stale").await),
    ];
    for (what, result) in stale {
        assert_eq!(
            must(result, what),
            LeaseState::Lost,
            "{what} under the old lease"
        );
    }
    held(
        outbox.renew(new, at(lease * 3)).await,
        "the new holder renews",
    );
    assert!(
        claim(outbox, at(lease * 2 + 2), 10).await.is_empty(),
        "the stale renewal did not shorten or move the new lease"
    );
    held(
        outbox.mark_sent(new, at(lease + 3)).await,
        "the new holder records",
    );
    assert!(
        claim(outbox, at(lease * 100), 10).await.is_empty(),
        "sent, so never claimed again"
    );
}
