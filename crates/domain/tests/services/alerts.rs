//! Failure emails to the administrators, throttled per kind.

use super::support::{TestClock, mail_queue, recording_outbox};
use microblog_domain::MailRequest;
use microblog_domain::ports::MockOutbox;
use microblog_domain::services::{Alerts, ServerErrorReport};
use std::sync::{Arc, Mutex};

fn report(kind: &str) -> ServerErrorReport {
    ServerErrorReport {
        kind: kind.into(),
        request_line: "GET /index".into(),
        request_id: "req-1".into(),
        error_chain: vec!["storage failed".into(), "connection refused".into()],
    }
}

#[tokio::test]
async fn at_most_one_failure_email_per_kind_per_minute() {
    let queued = Arc::new(Mutex::new(Vec::new()));
    let clock = TestClock::at(0);
    let alerts = Alerts::new(
        vec!["admin@example.com".into()],
        mail_queue(recording_outbox(Arc::clone(&queued)), &clock),
        Arc::new(clock.clone()),
    );
    assert!(alerts.server_error(report("db")).await);
    assert!(
        !alerts.server_error(report("db")).await,
        "same kind within a minute"
    );
    assert!(alerts.server_error(report("panic")).await, "another kind");
    clock.set(59);
    assert!(!alerts.server_error(report("db")).await);
    clock.set(60);
    assert!(alerts.server_error(report("db")).await, "a minute later");
    let queued = queued.lock().unwrap();
    assert_eq!(queued.len(), 3);
    let MailRequest::ServerError {
        to, error_chain, ..
    } = &queued[0]
    else {
        panic!("a failure email: {:?}", queued[0]);
    };
    assert_eq!(*to, vec!["admin@example.com".to_owned()]);
    assert!(error_chain.iter().any(|line| line == "connection refused"));
}

#[tokio::test]
async fn without_admins_nothing_is_queued() {
    let mut outbox = MockOutbox::new();
    outbox.expect_enqueue().never();
    let alerts = Alerts::new(
        vec![],
        mail_queue(outbox, &TestClock::at(0)),
        Arc::new(TestClock::at(0)),
    );
    assert!(!alerts.server_error(report("db")).await);
}
