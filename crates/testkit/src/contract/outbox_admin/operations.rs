//! Status, listing, retry and purge.

use super::{AdminOutbox, LEASE, at, dead, leased, must, request, sent};
use microblog_domain::ports::{LeaseState, OutboxId, OutboxState, RetryOutcome};

/// Counts are per state; the oldest queued time and the next attempt come from `queued`
/// entries only, and an empty queue has neither.
pub async fn summary_counts_every_state(outbox: &dyn AdminOutbox) {
    let empty = must(outbox.summary().await, "summary");
    assert_eq!(empty, Default::default(), "an empty queue counts nothing");
    dead(outbox, 1, at(0), "550 no such user").await;
    sent(outbox, 2, at(1)).await;
    let dropped = leased(outbox, 3, at(2)).await;
    must(
        outbox.mark_dropped(dropped.lease(), at(2), "unknown").await,
        "mark_dropped",
    );
    leased(outbox, 4, at(3)).await;
    let rescheduled = leased(outbox, 5, at(4)).await;
    must(
        outbox
            .reschedule(rescheduled.lease(), at(500), "421 busy")
            .await,
        "reschedule",
    );
    must(outbox.enqueue(&request(6), at(100)).await, "enqueue");
    let summary = must(outbox.summary().await, "summary");
    for (state, expected) in [
        (OutboxState::Queued, 2),
        (OutboxState::Sending, 1),
        (OutboxState::Sent, 1),
        (OutboxState::Dead, 1),
        (OutboxState::Dropped, 1),
    ] {
        assert_eq!(summary.count(state), expected, "{state} entries");
    }
    assert_eq!(
        summary.oldest_queued_at,
        Some(at(4)),
        "the oldest queued was queued at 4 s"
    );
    assert_eq!(
        summary.next_attempt_at,
        Some(at(100)),
        "the next attempt is the earliest due"
    );
}

/// `list` returns entries of the one state asked for, oldest first, at most `limit`, with
/// kind, recipients, attempts, last error, and a next attempt only when queued.
pub async fn list_shows_one_state_oldest_first_without_payloads(outbox: &dyn AdminOutbox) {
    let first = dead(outbox, 1, at(0), "550 first").await;
    sent(outbox, 2, at(1)).await;
    let second = dead(outbox, 3, at(2), "550 second").await;
    let third = dead(outbox, 4, at(3), "550 third").await;
    let queued = must(outbox.enqueue(&request(5), at(10)).await, "enqueue");

    let rows = must(outbox.list(OutboxState::Dead, 2).await, "list");
    let seen: Vec<_> = rows.iter().map(|row| row.id).collect();
    assert_eq!(
        seen,
        vec![first, second],
        "dead entries, oldest first, within the limit"
    );
    let row = &rows[0];
    assert_eq!(row.kind, "test", "the kind");
    assert_eq!(
        row.recipients,
        vec!["user1@example.com".to_owned()],
        "the recipients"
    );
    assert_eq!(row.attempts, 1, "one attempt");
    assert_eq!(
        row.last_error.as_deref(),
        Some("550 first"),
        "the last error"
    );
    assert_eq!(
        row.next_attempt_at, None,
        "a dead entry has no next attempt"
    );
    assert_eq!(row.queued_at, at(0), "when it was queued");
    let all = must(outbox.list(OutboxState::Dead, 50).await, "list");
    assert_eq!(all.len(), 3, "every dead entry, {third:?} included");

    let rows = must(outbox.list(OutboxState::Queued, 50).await, "list");
    assert_eq!(rows.len(), 1, "one queued entry");
    assert_eq!(
        (rows[0].id, rows[0].next_attempt_at),
        (queued, Some(at(10))),
        "its due time"
    );
    assert!(
        must(outbox.list(OutboxState::Dropped, 50).await, "list").is_empty(),
        "no dropped entry"
    );
}

/// A retried dead entry is due at once and claimed with its attempt count continued, so the
/// lease that killed it stays fenced out; it is delivered once.
pub async fn retry_requeues_dead_mail_and_keeps_leases_fenced(outbox: &dyn AdminOutbox) {
    let entry = leased(outbox, 1, at(0)).await;
    let stale = entry.lease();
    must(
        outbox.mark_dead(stale, "550 no such user").await,
        "mark_dead",
    );
    let outcome = must(outbox.retry(entry.id, at(100)).await, "retry");
    assert_eq!(outcome, RetryOutcome::Requeued, "a dead entry is requeued");
    assert!(
        must(outbox.claim_due(at(99), 10, LEASE).await, "claim_due").is_empty(),
        "due at the retry time, not before"
    );
    let again = must(outbox.claim_due(at(100), 10, LEASE).await, "claim_due");
    let claims: Vec<_> = again.iter().map(|e| (e.id, e.attempts)).collect();
    assert_eq!(claims, vec![(entry.id, 2)], "claimed again as attempt 2");
    let late = must(outbox.mark_sent(stale, at(101)).await, "mark_sent");
    assert_eq!(late, LeaseState::Lost, "the old lease writes nothing");
    let held = must(
        outbox.mark_sent(again[0].lease(), at(101)).await,
        "mark_sent",
    );
    assert_eq!(held, LeaseState::Held, "the new lease records the delivery");
    let summary = must(outbox.summary().await, "summary");
    assert_eq!(
        (summary.sent, summary.dead),
        (1, 0),
        "sent once, no longer dead"
    );

    let second = dead(outbox, 2, at(200), "550").await;
    let third = dead(outbox, 3, at(200), "550").await;
    sent(outbox, 4, at(200)).await;
    let requeued = must(outbox.retry_all_dead(at(300)).await, "retry_all_dead");
    assert_eq!(requeued, 2, "every dead entry, and only those");
    let claimed = must(outbox.claim_due(at(300), 10, LEASE).await, "claim_due");
    let mut ids: Vec<_> = claimed.iter().map(|e| e.id).collect();
    ids.sort();
    assert_eq!(ids, vec![second, third], "both retried entries are due");
}

/// Sending, sent and dropped entries are not retried (and not changed); an unknown id is
/// reported as such.
pub async fn retry_refuses_other_states_and_unknown_ids(outbox: &dyn AdminOutbox) {
    let delivered = sent(outbox, 1, at(0)).await;
    let dropped = leased(outbox, 2, at(1)).await;
    must(
        outbox.mark_dropped(dropped.lease(), at(1), "unknown").await,
        "mark_dropped",
    );
    let sending = leased(outbox, 3, at(2)).await;
    for (id, state) in [
        (delivered, OutboxState::Sent),
        (dropped.id, OutboxState::Dropped),
        (sending.id, OutboxState::Sending),
    ] {
        let outcome = must(outbox.retry(id, at(10)).await, "retry");
        assert_eq!(
            outcome,
            RetryOutcome::NotRetryable(state),
            "a {state} entry"
        );
    }
    let unknown = must(outbox.retry(OutboxId(9_999), at(10)).await, "retry");
    assert_eq!(unknown, RetryOutcome::NotFound, "an unknown id");
    let held = must(outbox.renew(sending.lease(), at(30)).await, "renew");
    assert_eq!(
        held,
        LeaseState::Held,
        "the sending entry's lease is untouched"
    );
    let summary = must(outbox.summary().await, "summary");
    assert_eq!(
        (summary.sent, summary.dropped, summary.sending),
        (1, 1, 1),
        "nothing moved"
    );
}

/// `purge_sent` deletes sent entries delivered before the cutoff only; `purge_dead` every
/// dead entry only.
pub async fn purges_delete_only_what_they_name(outbox: &dyn AdminOutbox) {
    sent(outbox, 1, at(0)).await;
    sent(outbox, 2, at(10)).await;
    dead(outbox, 3, at(11), "550").await;
    dead(outbox, 4, at(12), "550").await;
    let dropped = leased(outbox, 5, at(13)).await;
    must(
        outbox.mark_dropped(dropped.lease(), at(0), "unknown").await,
        "mark_dropped",
    );
    must(outbox.enqueue(&request(6), at(14)).await, "enqueue");
    assert_eq!(
        must(outbox.purge_sent(at(0)).await, "purge_sent"),
        0,
        "none before 0 s"
    );
    assert_eq!(
        must(outbox.purge_sent(at(5)).await, "purge_sent"),
        1,
        "the one sent at 0 s"
    );
    assert_eq!(
        must(outbox.purge_dead().await, "purge_dead"),
        2,
        "both dead entries"
    );
    assert_eq!(
        must(outbox.purge_dead().await, "purge_dead"),
        0,
        "nothing left to purge"
    );
    let summary = must(outbox.summary().await, "summary");
    let left = (summary.sent, summary.dead, summary.dropped, summary.queued);
    assert_eq!(
        left,
        (1, 0, 1, 1),
        "the later sent, the dropped and the queued entries stay"
    );
}
