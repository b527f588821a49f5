//! The dead-mail digest: once per quiet period, each dead entry once.

use super::{AdminOutbox, HOUR, LEASE, at, dead, must};
use microblog_domain::MailRequest;
use microblog_domain::ports::{DeadMail, OutboxId};
use std::sync::{Arc, Mutex};

/// A digest request to `admin@example.com` listing the ids it was given.
fn digest_of(mails: &[DeadMail]) -> MailRequest {
    MailRequest::Test {
        to: vec!["admin@example.com".to_owned()],
        sent_at: at(i64::try_from(mails.len()).unwrap_or(0)),
    }
}

/// Queues a digest at `secs`, returning the dead entries it reported (none: no digest).
async fn digest(outbox: &dyn AdminOutbox, secs: i64) -> Option<Vec<DeadMail>> {
    let seen = Mutex::new(Vec::new());
    let build = |mails: &[DeadMail]| {
        *seen.lock().unwrap_or_else(|p| p.into_inner()) = mails.to_vec();
        digest_of(mails)
    };
    let queued = must(
        outbox.queue_digest(at(secs), HOUR, &build).await,
        "queue_digest",
    )?;
    let mails = seen.into_inner().unwrap_or_else(|p| p.into_inner());
    assert_eq!(
        queued.reported,
        mails.len() as u64,
        "it reports what it listed"
    );
    let due = must(outbox.claim_due(at(secs), 10, LEASE).await, "claim_due");
    assert!(
        due.iter().any(|e| e.id == queued.id),
        "the digest is queued, due now"
    );
    for entry in due {
        must(outbox.mark_sent(entry.lease(), at(secs)).await, "mark_sent");
    }
    Some(mails)
}

fn ids(mails: &[DeadMail]) -> Vec<OutboxId> {
    mails.iter().map(|m| m.id).collect()
}

/// Two dead mails make one digest listing both (with kind, recipients and last error);
/// one dead 30 minutes later waits until the hour is over; none is reported twice; with
/// nothing dead no digest is made and the hour is not used up.
pub async fn digest_reports_each_dead_mail_once_and_once_per_quiet_period(
    outbox: &dyn AdminOutbox,
) {
    assert!(digest(outbox, 0).await.is_none(), "nothing dead, no digest");
    let first = dead(outbox, 1, at(10), "550 5.1.1 no such user").await;
    let second = dead(outbox, 2, at(20), "554 rejected").await;
    let mails = digest(outbox, 30).await.expect("a digest right away");
    assert_eq!(ids(&mails), vec![first, second], "both, oldest first");
    assert_eq!(mails[0].kind, "test", "the kind");
    assert_eq!(
        mails[0].recipients,
        vec!["user1@example.com".to_owned()],
        "recipients"
    );
    assert_eq!(
        mails[0].last_error.as_deref(),
        Some("550 5.1.1 no such user"),
        "the error"
    );
    assert!(digest(outbox, 40).await.is_none(), "nothing new");

    let third = dead(outbox, 3, at(30 + 1800), "550 gone").await;
    assert!(
        digest(outbox, 30 + 1800).await.is_none(),
        "30 minutes later: not yet"
    );
    assert!(
        digest(outbox, 30 + 3599).await.is_none(),
        "a second before the hour: not yet"
    );
    let mails = digest(outbox, 30 + 3600).await.expect("the hour is over");
    assert_eq!(ids(&mails), vec![third], "only the newly dead mail");
    assert!(
        digest(outbox, 30 + 7300).await.is_none(),
        "each dead mail reported once"
    );
}

/// Many callers on two handles at once: one digest, each dead mail in it once.
pub async fn concurrent_digests_queue_one(
    outbox: Arc<dyn AdminOutbox>,
    other_process: Arc<dyn AdminOutbox>,
) {
    for n in 0..5 {
        dead(&*outbox, n, at(0), "550").await;
    }
    let mut tasks = tokio::task::JoinSet::new();
    for caller in 0..8 {
        let handle = if caller % 2 == 0 {
            &outbox
        } else {
            &other_process
        };
        let handle = Arc::clone(handle);
        tasks.spawn(async move {
            let build = |mails: &[DeadMail]| digest_of(mails);
            must(
                handle.queue_digest(at(60), HOUR, &build).await,
                "queue_digest",
            )
        });
    }
    let mut reported = Vec::new();
    while let Some(result) = tasks.join_next().await {
        reported.extend(must(result, "caller").map(|queued| queued.reported));
    }
    assert_eq!(reported, vec![5], "one digest, of all five dead mails");
}
