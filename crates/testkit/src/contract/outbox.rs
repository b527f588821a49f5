//! Contract of `Outbox`: the durable mail queue's leases, retries and final states, one
//! function per property.
//!
//! Each function expects an empty queue (a fresh store per call) and panics, naming the
//! property, when the adapter breaks it; [`run_all`] runs every one, each on a fresh store.
//! Times are whole seconds, as the domain's clock produces them.

mod concurrency;
mod fencing;
mod requests;
mod suite;

pub use concurrency::concurrent_claims_never_share_an_entry;
pub use fencing::{renewed_lease_is_not_reclaimed, taken_over_lease_changes_nothing};
pub use requests::{
    dropped_entries_are_final, every_request_survives_storage,
    purge_deletes_only_finished_entries_before_the_cutoff,
};
pub use suite::{PROPERTIES, Property, run_all};

use microblog_domain::MailRequest;
use microblog_domain::ports::{LeaseState, Outbox, OutboxEntry};
use std::fmt::Debug;
use std::time::Duration;
use time::OffsetDateTime;
use time::macros::datetime;

/// The instant the suites' stories start at.
const T0: OffsetDateTime = datetime!(2026-01-01 12:00 UTC);
/// The lease every claim in these stories asks for.
const LEASE: Duration = Duration::from_secs(60);

fn at(secs: i64) -> OffsetDateTime {
    T0 + time::Duration::seconds(secs)
}

/// A distinct request per `n`, with several recipients and text that must survive storage.
fn request(n: usize) -> MailRequest {
    MailRequest::ServerError {
        to: vec![
            format!("user{n}@example.com"),
            "Zoë <zoe@exämple.org>, \"x\"".to_owned(),
        ],
        request_line: format!("GET /user/{n}?a=1&b=2"),
        request_id: format!("request-{n}"),
        error_chain: vec![
            format!("failure #{n}"),
            "\"quoted\" <b>✓</b>\nline".to_owned(),
        ],
        occurred_at: T0,
    }
}

#[track_caller]
fn must<T, E: Debug>(result: Result<T, E>, what: &str) -> T {
    match result {
        Ok(value) => value,
        Err(err) => panic!("{what}: unexpected error {err:?}"),
    }
}

/// Asserts that a fenced write found its lease held.
#[track_caller]
fn held(result: Result<LeaseState, impl Debug>, what: &str) {
    assert_eq!(
        must(result, what),
        LeaseState::Held,
        "{what}: the lease holds"
    );
}

async fn claim(outbox: &dyn Outbox, now: OffsetDateTime, limit: u32) -> Vec<OutboxEntry> {
    must(outbox.claim_due(now, limit, LEASE).await, "claim_due")
}

/// An enqueued email is not due before its enqueue time, is claimed at it exactly as
/// enqueued with attempt 1, and is not handed out again while leased.
pub async fn enqueued_email_is_claimed_with_one_attempt(outbox: &dyn Outbox) {
    let sent = request(1);
    let id = must(outbox.enqueue(&sent, at(0)).await, "enqueue");
    assert!(
        claim(outbox, at(-1), 10).await.is_empty(),
        "nothing is due before it was queued"
    );
    let claimed = claim(outbox, at(0), 10).await;
    let expected = vec![OutboxEntry {
        id,
        request: sent,
        attempts: 1,
        queued_at: at(0),
    }];
    assert_eq!(
        claimed, expected,
        "the request comes back intact, on its first attempt, with its queue time"
    );
    assert!(
        claim(outbox, at(0), 10).await.is_empty(),
        "a leased entry is not claimed twice"
    );
}

/// A lease holds until it runs out: not claimable up to and including `now + lease`,
/// claimable after it, counting a second attempt.
pub async fn expired_lease_is_reclaimed(outbox: &dyn Outbox) {
    let id = must(outbox.enqueue(&request(1), at(0)).await, "enqueue");
    assert_eq!(claim(outbox, at(0), 10).await.len(), 1, "first claim");
    let lease = i64::try_from(LEASE.as_secs()).unwrap_or(i64::MAX);
    assert!(
        claim(outbox, at(lease - 1), 10).await.is_empty(),
        "the lease still holds"
    );
    assert!(
        claim(outbox, at(lease), 10).await.is_empty(),
        "a lease ending now has not run out"
    );
    let again = claim(outbox, at(lease + 1), 10).await;
    let attempts: Vec<_> = again
        .iter()
        .map(|entry| (entry.id, entry.attempts))
        .collect();
    assert_eq!(
        attempts,
        vec![(id, 2)],
        "an expired lease is reclaimed as attempt 2"
    );
}

/// A rescheduled entry is due again at `next_attempt_at`, not a second before.
pub async fn rescheduled_entry_waits_for_its_next_attempt(outbox: &dyn Outbox) {
    let id = must(outbox.enqueue(&request(1), at(0)).await, "enqueue");
    let first = claim(outbox, at(0), 10).await;
    assert_eq!(first.len(), 1, "first claim");
    held(
        outbox
            .reschedule(first[0].lease(), at(300), "421 try again later")
            .await,
        "reschedule",
    );
    assert!(
        claim(outbox, at(299), 10).await.is_empty(),
        "not due before next_attempt_at"
    );
    let again = claim(outbox, at(300), 10).await;
    let attempts: Vec<_> = again
        .iter()
        .map(|entry| (entry.id, entry.attempts))
        .collect();
    assert_eq!(
        attempts,
        vec![(id, 2)],
        "due at next_attempt_at, as attempt 2"
    );
}

/// Sent and dead entries are never claimed again, even years later, and a late write from
/// the dispatcher that finished them changes nothing.
pub async fn sent_and_dead_entries_are_never_claimed_again(outbox: &dyn Outbox) {
    must(outbox.enqueue(&request(1), at(0)).await, "enqueue");
    must(outbox.enqueue(&request(2), at(0)).await, "enqueue");
    let leased = claim(outbox, at(0), 2).await;
    assert_eq!(leased.len(), 2, "both are leased");
    let (delivered, failed) = (leased[0].lease(), leased[1].lease());
    held(outbox.mark_sent(delivered, at(1)).await, "mark_sent");
    held(
        outbox.mark_dead(failed, "550 no such user").await,
        "mark_dead",
    );
    for (lease, what) in [(delivered, "a sent entry"), (failed, "a dead entry")] {
        let late = must(outbox.reschedule(lease, at(2), "late").await, "reschedule");
        assert_eq!(
            late,
            LeaseState::Lost,
            "a late reschedule of {what} is refused"
        );
        let late = must(outbox.renew(lease, at(100)).await, "renew");
        assert_eq!(
            late,
            LeaseState::Lost,
            "a late renewal of {what} is refused"
        );
    }
    let years_later = at(10 * 365 * 24 * 3600);
    assert!(
        claim(outbox, years_later, 10).await.is_empty(),
        "sent and dead stay final"
    );
}

/// A claim returns at most `limit` entries, the longest-waiting first (by due time, not
/// by insertion), and `limit` 0 leases nothing.
pub async fn claims_honour_the_limit_oldest_first(outbox: &dyn Outbox) {
    let mut by_due_time = Vec::new();
    for (n, secs) in [4, 0, 3, 1, 2].into_iter().enumerate() {
        let id = must(outbox.enqueue(&request(n), at(secs)).await, "enqueue");
        by_due_time.push((secs, id));
    }
    by_due_time.sort();
    let expected: Vec<_> = by_due_time.into_iter().map(|(_, id)| id).collect();
    assert!(
        claim(outbox, at(10), 0).await.is_empty(),
        "limit 0 leases nothing"
    );
    let mut claimed = Vec::new();
    for round in 0..3 {
        let batch = claim(outbox, at(10), 2).await;
        assert!(
            batch.len() <= 2,
            "round {round}: at most limit entries, got {}",
            batch.len()
        );
        claimed.extend(batch.into_iter().map(|entry| entry.id));
    }
    assert_eq!(claimed, expected, "entries come oldest first, each once");
    assert!(claim(outbox, at(10), 2).await.is_empty(), "nothing is left");
}
