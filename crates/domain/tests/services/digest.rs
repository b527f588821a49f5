//! The dead-mail digest to the administrators: one per hour at most, each dead mail once,
//! recipients masked, on the in-memory outbox.

use super::support::{TestClock, t};
use microblog_domain::MailRequest;
use microblog_domain::ports::{Outbox, OutboxId};
use microblog_domain::services::{DeadMailDigest, OutboxSignal};
use microblog_testkit::InMemoryOutbox;
use std::sync::Arc;
use std::time::Duration;

const ADMIN: &str = "admin@example.com";

/// A reset request to `to`, refused for good by the relay at the clock's time (any other
/// mail due, a digest included, is delivered meanwhile).
async fn dies(outbox: &InMemoryOutbox, clock: &TestClock, to: &str) -> OutboxId {
    use microblog_domain::ports::Clock;
    let now = clock.now();
    let request = MailRequest::ResetPassword {
        address: to.to_owned(),
    };
    let id = outbox.enqueue(&request, now).await.unwrap();
    let leased = outbox
        .claim_due(now, 100, Duration::from_secs(60))
        .await
        .unwrap();
    let reply = format!("550 5.1.1 <{to}>: no such user");
    for entry in leased {
        if entry.id == id {
            outbox.mark_dead(entry.lease(), &reply).await.unwrap();
        } else {
            outbox.mark_sent(entry.lease(), now).await.unwrap();
        }
    }
    id
}

fn digest(outbox: &Arc<InMemoryOutbox>, clock: &TestClock, admins: &[&str]) -> DeadMailDigest {
    DeadMailDigest::new(
        Arc::clone(outbox) as _,
        Arc::new(clock.clone()),
        admins.iter().map(|a| (*a).to_owned()).collect(),
        OutboxSignal::default(),
    )
}

/// The digests queued so far: (recipients, total, listed ids).
fn digests(outbox: &InMemoryOutbox) -> Vec<(Vec<String>, u64, Vec<i64>)> {
    outbox
        .requests()
        .into_iter()
        .filter_map(|request| match request {
            MailRequest::DeadMailDigest {
                to, total, mails, ..
            } => Some((to, total, mails.iter().map(|m| m.id).collect())),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn two_dead_mails_make_one_digest_and_a_later_one_waits_for_the_hour() {
    let outbox = Arc::new(InMemoryOutbox::default());
    let clock = TestClock::at(0);
    let digest = digest(&outbox, &clock, &[ADMIN]);
    let first = dies(&outbox, &clock, "susan@example.com").await;
    clock.set(60);
    let second = dies(&outbox, &clock, "john@example.org").await;
    clock.set(120);
    let queued = digest.report_once().await.unwrap().expect("a digest");
    assert_eq!(queued.reported, 2);
    assert!(digest.report_once().await.unwrap().is_none(), "nothing new");
    assert_eq!(
        digests(&outbox),
        vec![(vec![ADMIN.to_owned()], 2, vec![first.0, second.0])],
        "one digest listing both"
    );

    clock.set(120 + 1800);
    let third = dies(&outbox, &clock, "amy@example.net").await;
    assert!(
        digest.report_once().await.unwrap().is_none(),
        "30 minutes after the digest: not yet"
    );
    clock.set(120 + 3599);
    assert!(digest.report_once().await.unwrap().is_none());
    clock.set(120 + 3600);
    let queued = digest
        .report_once()
        .await
        .unwrap()
        .expect("the hour is over");
    assert_eq!(queued.reported, 1);
    let all = digests(&outbox);
    assert_eq!(all.len(), 2, "two digests in all");
    assert_eq!(all[1].2, vec![third.0], "the second lists only the new one");
}

#[tokio::test]
async fn a_digest_masks_addresses_in_recipients_and_errors() {
    let outbox = Arc::new(InMemoryOutbox::default());
    let clock = TestClock::at(0);
    dies(&outbox, &clock, "susan@example.com").await;
    digest(&outbox, &clock, &[ADMIN])
        .report_once()
        .await
        .unwrap();
    let requests = outbox.requests();
    let Some(MailRequest::DeadMailDigest { mails, made_at, .. }) = requests.last() else {
        panic!("no digest in {requests:?}");
    };
    assert_eq!(*made_at, t(0));
    assert_eq!(mails[0].kind, "reset_password");
    assert_eq!(mails[0].recipients, vec!["s***@example.com".to_owned()]);
    assert_eq!(
        mails[0].last_error,
        "550 5.1.1 <s***@example.com>: no such user"
    );
}

#[tokio::test]
async fn without_admins_nothing_is_reported_or_marked() {
    let outbox = Arc::new(InMemoryOutbox::default());
    let clock = TestClock::at(0);
    dies(&outbox, &clock, "susan@example.com").await;
    assert!(
        digest(&outbox, &clock, &[])
            .report_once()
            .await
            .unwrap()
            .is_none()
    );
    assert!(digests(&outbox).is_empty());
    let later = digest(&outbox, &clock, &[ADMIN])
        .report_once()
        .await
        .unwrap();
    assert_eq!(
        later.map(|d| d.reported),
        Some(1),
        "once ADMINS is set, the dead mail is reported"
    );
}
