//! `InMemoryOutbox` against the whole `Outbox` contract, and its helpers.

use microblog_domain::MailRequest;
use microblog_domain::ports::Outbox;
use microblog_testkit::InMemoryOutbox;
use microblog_testkit::contract::outbox as contract;
use std::sync::Arc;
use std::time::Duration;
use time::macros::datetime;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn in_memory_outbox_keeps_every_property_of_the_contract() {
    contract::run_all(|property| async move {
        let outbox: Arc<dyn Outbox> = Arc::new(InMemoryOutbox::default());
        property.check(Arc::clone(&outbox), outbox).await;
    })
    .await;
}

fn email(subject: &str) -> MailRequest {
    MailRequest::Composed {
        kind: "test".to_owned(),
        to: vec!["susan@example.com".to_owned()],
        subject: subject.to_owned(),
        text_body: "text".to_owned(),
        html_body: "<p>html</p>".to_owned(),
    }
}

#[tokio::test]
async fn helpers_list_every_email_and_the_last_error() {
    let outbox = InMemoryOutbox::default();
    let now = datetime!(2026-01-01 12:00 UTC);
    let first = outbox.enqueue(&email("first"), now).await.expect("enqueue");
    outbox
        .enqueue(&email("second"), now)
        .await
        .expect("enqueue");
    let leased = outbox.claim_due(now, 1, Duration::from_secs(60)).await;
    let leased = leased.expect("claim_due");
    assert_eq!(leased.len(), 1, "one leased");
    assert_eq!(outbox.last_error(first), None, "no error recorded yet");
    let later = now + time::Duration::minutes(5);
    outbox
        .reschedule(leased[0].lease(), later, "421 busy")
        .await
        .expect("reschedule");
    assert_eq!(outbox.last_error(first).as_deref(), Some("421 busy"));
    let again = outbox.claim_due(later, 1, Duration::from_secs(60)).await;
    let again = again.expect("claim_due");
    outbox
        .mark_sent(again[0].lease(), later)
        .await
        .expect("mark_sent");

    let subjects: Vec<_> = outbox
        .requests()
        .into_iter()
        .map(|request| match request {
            MailRequest::Composed { subject, .. } => subject,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        subjects,
        ["first", "second"],
        "requests lists all, sent or not"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn in_memory_outbox_keeps_every_property_of_the_admin_contract() {
    use microblog_testkit::contract::outbox_admin::{AdminOutbox, run_all};
    run_all(|property| async move {
        let outbox: Arc<dyn AdminOutbox> = Arc::new(InMemoryOutbox::default());
        property.check(Arc::clone(&outbox), outbox).await;
    })
    .await;
}
