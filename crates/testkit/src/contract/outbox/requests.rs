//! Properties of the stored requests themselves: every kind round-trips, `dropped` is
//! final, and purging deletes finished entries only.

use super::{LEASE, T0, at, claim, held, must, request};
use microblog_domain::ports::{LeaseState, Outbox};
use microblog_domain::{Addressee, MailRequest, UserId};

/// One request of every kind, with values that must survive storage exactly (non-ASCII,
/// quotes, markup, line breaks, extreme timestamps).
fn every_kind() -> Vec<MailRequest> {
    let far = T0 + time::Duration::days(365 * 70);
    let addressee = Addressee {
        user_id: UserId(i64::from(i32::MAX) + 7),
        address: "zoë@exämple.org".to_owned(),
    };
    vec![
        MailRequest::ResetPassword {
            address: "alice+tag@example.com".to_owned(),
        },
        MailRequest::PasswordChanged {
            to: addressee.clone(),
            changed_at: T0,
        },
        MailRequest::SignInLocked {
            to: addressee,
            failed_attempts: 1000,
            locked_at: T0,
            locked_until: far,
        },
        MailRequest::ConfirmEmailChange {
            user_id: UserId(3),
            address: "Nüe.Address@Example.org".to_owned(),
            requested_at: T0 + time::Duration::microseconds(123_457),
        },
        MailRequest::EmailChanged {
            user_id: UserId(3),
            previous_address: "old@example.com".to_owned(),
            new_address: "new@example.org".to_owned(),
            changed_at: T0,
        },
        request(7),
        MailRequest::Test {
            to: vec!["ops@example.com".to_owned()],
            sent_at: T0,
        },
        MailRequest::Composed {
            kind: "password_changed".to_owned(),
            to: vec!["bob@example.com".to_owned()],
            subject: "[Microblog] Your password was changed".to_owned(),
            text_body: "Dear bob,\n.\nline after a lone dot\n".to_owned(),
            html_body: "<p>Dear bob &amp; ✓</p>".to_owned(),
        },
    ]
}

/// Every kind of request comes back from a claim exactly as it was enqueued.
pub async fn every_request_survives_storage(outbox: &dyn Outbox) {
    let requests = every_kind();
    for request in &requests {
        must(outbox.enqueue(request, at(0)).await, "enqueue");
    }
    let claimed: Vec<MailRequest> = claim(outbox, at(0), 100)
        .await
        .into_iter()
        .map(|entry| entry.request)
        .collect();
    assert_eq!(
        claimed, requests,
        "each request is stored and read back intact"
    );
}

/// A dropped entry is never claimed again, and a late write from its dispatcher changes
/// nothing; dropping needs the lease, like every other outcome.
pub async fn dropped_entries_are_final(outbox: &dyn Outbox) {
    must(outbox.enqueue(&request(1), at(0)).await, "enqueue");
    let leased = claim(outbox, at(0), 10).await;
    assert_eq!(leased.len(), 1, "leased");
    let lease = leased[0].lease();
    held(
        outbox
            .mark_dropped(lease, at(1), "no account has this address")
            .await,
        "mark_dropped",
    );
    let again = must(
        outbox.mark_dropped(lease, at(2), "again").await,
        "mark_dropped",
    );
    assert_eq!(
        again,
        LeaseState::Lost,
        "a dropped entry is not dropped twice"
    );
    let late = must(outbox.reschedule(lease, at(2), "late").await, "reschedule");
    assert_eq!(late, LeaseState::Lost, "a dropped entry is not revived");
    let lease_secs = i64::try_from(LEASE.as_secs()).unwrap_or(i64::MAX);
    assert!(
        claim(outbox, at(lease_secs * 10), 10).await.is_empty(),
        "dropped is final"
    );
}

/// `purge_finished` deletes sent and dropped entries finished before the cutoff, and
/// nothing else: not queued, leased or dead entries, nor those finished at or after it.
pub async fn purge_deletes_only_finished_entries_before_the_cutoff(outbox: &dyn Outbox) {
    for n in 0..6 {
        must(outbox.enqueue(&request(n), at(0)).await, "enqueue");
    }
    let leased = claim(outbox, at(0), 5).await;
    assert_eq!(leased.len(), 5, "five leased, one left queued");
    held(
        outbox.mark_sent(leased[0].lease(), at(10)).await,
        "mark_sent",
    );
    held(
        outbox
            .mark_dropped(leased[1].lease(), at(10), "throttled")
            .await,
        "mark_dropped",
    );
    held(
        outbox.mark_sent(leased[2].lease(), at(20)).await,
        "mark_sent",
    );
    held(
        outbox
            .mark_dead(leased[3].lease(), "550 no such user")
            .await,
        "mark_dead",
    );
    // leased[4] stays leased.
    let purged = must(outbox.purge_finished(at(20)).await, "purge_finished");
    assert_eq!(
        purged, 2,
        "the sent and the dropped entry finished before the cutoff"
    );
    let purged = must(outbox.purge_finished(at(20)).await, "purge_finished");
    assert_eq!(purged, 0, "purging is idempotent");
    held(
        outbox.renew(leased[4].lease(), at(100)).await,
        "the leased entry is still there",
    );
    let queued = claim(outbox, at(1), 10).await;
    assert_eq!(queued.len(), 1, "the queued entry is still there");
    let purged = must(outbox.purge_finished(at(21)).await, "purge_finished");
    assert_eq!(
        purged, 1,
        "the entry sent at the cutoff goes once the cutoff passes it"
    );
}
