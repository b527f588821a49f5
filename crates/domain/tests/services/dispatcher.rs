//! The mail dispatcher: delivery, backoff, dead-lettering, wake-ups and shutdown.

use super::support::{AccountPorts, TestClock, t};
use microblog_domain::MailRequest;
use microblog_domain::ports::{
    LeaseState, MailError, MockMailer, MockOutbox, OutboxEntry, OutboxId,
};
use microblog_domain::services::{
    DispatcherConfig, MailDispatcher, MailPreparer, OutboxSignal, backoff,
};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

fn entry(id: i64, attempts: u32) -> OutboxEntry {
    OutboxEntry {
        id: OutboxId(id),
        request: MailRequest::Test {
            to: vec![format!("user{id}@example.com")],
            sent_at: t(0),
        },
        attempts,
        queued_at: t(0),
    }
}

/// A preparer that renders with the echo composer; no request here needs a user.
fn preparer() -> MailPreparer {
    AccountPorts::new().preparer()
}

/// An outbox whose first claim returns `entries` and later claims return nothing.
fn outbox_with(entries: Vec<OutboxEntry>) -> MockOutbox {
    let mut outbox = MockOutbox::new();
    let mut batch = Some(entries);
    outbox
        .expect_claim_due()
        .returning(move |_, _, _| Ok(batch.take().unwrap_or_default()));
    outbox
}

fn dispatcher(outbox: MockOutbox, mailer: MockMailer) -> MailDispatcher {
    MailDispatcher::new(
        Arc::new(outbox),
        Arc::new(mailer),
        preparer(),
        Arc::new(TestClock::at(0)),
        DispatcherConfig::default(),
        OutboxSignal::default(),
    )
}

#[test]
fn backoff_doubles_from_one_second_and_caps_at_five_minutes() {
    let delays: Vec<u64> = (1..=13).map(|n| backoff(n).as_secs()).collect();
    assert_eq!(
        delays,
        [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300, 300]
    );
    assert_eq!(backoff(u32::MAX), Duration::from_secs(300));
}

#[tokio::test]
async fn delivered_mail_is_marked_sent() {
    let mut outbox = outbox_with(vec![entry(1, 1), entry(2, 1)]);
    outbox
        .expect_mark_sent()
        .times(2)
        .returning(|_, _| Ok(LeaseState::Held));
    outbox.expect_reschedule().never();
    outbox.expect_mark_dead().never();
    let mut mailer = MockMailer::new();
    mailer.expect_send().times(2).returning(|_| Ok(()));
    let report = dispatcher(outbox, mailer).run_once().await.unwrap();
    assert_eq!((report.claimed, report.sent), (2, 2));
}

#[tokio::test]
async fn a_transient_failure_is_rescheduled_with_backoff_and_the_error() {
    for attempts in [1, 2, 5, 11] {
        let mut outbox = outbox_with(vec![entry(1, attempts)]);
        let expected_at = t(0) + backoff(attempts);
        outbox
            .expect_reschedule()
            .withf(move |lease, at, error| {
                lease.id == OutboxId(1)
                    && lease.generation == attempts
                    && *at == expected_at
                    && error.contains("451 try later")
            })
            .times(1)
            .returning(|_, _, _| Ok(LeaseState::Held));
        outbox.expect_mark_dead().never();
        let mut mailer = MockMailer::new();
        mailer
            .expect_send()
            .returning(|_| Err(MailError::Transient("451 try later".into())));
        let report = dispatcher(outbox, mailer).run_once().await.unwrap();
        assert_eq!(report.retried, 1, "attempt {attempts}");
    }
}

#[tokio::test]
async fn the_twelfth_failed_attempt_marks_the_mail_dead() {
    let mut outbox = outbox_with(vec![entry(1, 12)]);
    outbox.expect_reschedule().never();
    outbox
        .expect_mark_dead()
        .withf(|lease, error| lease.id == OutboxId(1) && error.contains("timeout"))
        .times(1)
        .returning(|_, _| Ok(LeaseState::Held));
    let mut mailer = MockMailer::new();
    mailer
        .expect_send()
        .returning(|_| Err(MailError::Transient("timeout".into())));
    assert_eq!(dispatcher(outbox, mailer).run_once().await.unwrap().dead, 1);
}

#[tokio::test]
async fn a_permanent_failure_is_dead_at_once() {
    let mut outbox = outbox_with(vec![entry(1, 1)]);
    outbox.expect_reschedule().never();
    outbox
        .expect_mark_dead()
        .withf(|_, error| error.contains("550"))
        .times(1)
        .returning(|_, _| Ok(LeaseState::Held));
    let mut mailer = MockMailer::new();
    mailer
        .expect_send()
        .returning(|_| Err(MailError::Permanent("550 no such user".into())));
    assert_eq!(dispatcher(outbox, mailer).run_once().await.unwrap().dead, 1);
}

#[tokio::test]
async fn a_settings_problem_is_dead_at_once_with_its_reason() {
    let mut outbox = outbox_with(vec![entry(1, 1)]);
    outbox.expect_reschedule().never();
    outbox
        .expect_mark_dead()
        .withf(|_, error| error.contains("UnknownIssuer") && error.contains("MAIL_CA_FILE"))
        .times(1)
        .returning(|_, _| Ok(LeaseState::Held));
    let mut mailer = MockMailer::new();
    mailer.expect_send().returning(|_| {
        Err(MailError::Configuration(
            "invalid peer certificate: UnknownIssuer (set MAIL_CA_FILE)".into(),
        ))
    });
    assert_eq!(dispatcher(outbox, mailer).run_once().await.unwrap().dead, 1);
}

#[tokio::test]
async fn the_running_dispatcher_wakes_on_signal_and_stops_on_shutdown() {
    let claims = Arc::new(Mutex::new(vec![vec![], vec![entry(7, 1)]]));
    let mut outbox = MockOutbox::new();
    let pending = Arc::clone(&claims);
    outbox
        .expect_claim_due()
        .returning(move |_, _, _| Ok(pending.lock().unwrap().pop().unwrap_or_default()));
    outbox
        .expect_mark_sent()
        .returning(|_, _| Ok(LeaseState::Held));
    let (sent_tx, mut sent_rx) = tokio::sync::mpsc::unbounded_channel();
    let mut mailer = MockMailer::new();
    mailer.expect_send().returning(move |email| {
        sent_tx.send(email.to.clone()).unwrap();
        Ok(())
    });
    // First claim (the newest vec, popped) finds entry 7; the second finds nothing.
    let signal = OutboxSignal::default();
    let config = DispatcherConfig {
        poll_interval: Duration::from_secs(3600),
        ..DispatcherConfig::default()
    };
    let dispatcher = MailDispatcher::new(
        Arc::new(outbox),
        Arc::new(mailer),
        preparer(),
        Arc::new(TestClock::at(0)),
        config,
        signal.clone(),
    );
    let shutdown = CancellationToken::new();
    let running = tokio::spawn(dispatcher.run(shutdown.clone()));
    let first = tokio::time::timeout(Duration::from_secs(5), sent_rx.recv()).await;
    assert_eq!(
        first.unwrap().unwrap(),
        vec!["user7@example.com".to_owned()]
    );

    claims.lock().unwrap().push(vec![entry(8, 1)]);
    signal.notify();
    let woken = tokio::time::timeout(Duration::from_secs(5), sent_rx.recv()).await;
    assert_eq!(
        woken.unwrap().unwrap(),
        vec!["user8@example.com".to_owned()],
        "woken, not polled"
    );

    shutdown.cancel();
    tokio::time::timeout(Duration::from_secs(5), running)
        .await
        .expect("stops promptly")
        .unwrap();
}

/// A dispatcher with a short lease, sending one mail at a time.
fn short_lease_dispatcher(outbox: MockOutbox, mailer: MockMailer) -> MailDispatcher {
    let config = DispatcherConfig {
        lease: Duration::from_millis(300),
        concurrency: 1,
        ..DispatcherConfig::default()
    };
    MailDispatcher::new(
        Arc::new(outbox),
        Arc::new(mailer),
        preparer(),
        Arc::new(TestClock::at(0)),
        config,
        OutboxSignal::default(),
    )
}

/// A mailer whose every send takes `delay`, counting the sends.
fn slow_mailer(delay: Duration, sends: usize) -> MockMailer {
    let mut mailer = MockMailer::new();
    mailer.expect_send().times(sends).returning(move |_| {
        std::thread::sleep(delay);
        Ok(())
    });
    mailer
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_slower_than_the_lease_keeps_its_lease_renewed() {
    let mut outbox = outbox_with(vec![entry(1, 1)]);
    let renewals = Arc::new(Mutex::new(0));
    let counted = Arc::clone(&renewals);
    outbox.expect_renew().returning(move |lease, _| {
        assert_eq!((lease.id, lease.generation), (OutboxId(1), 1));
        *counted.lock().unwrap() += 1;
        Ok(LeaseState::Held)
    });
    outbox
        .expect_mark_sent()
        .times(1)
        .returning(|_, _| Ok(LeaseState::Held));
    let mailer = slow_mailer(Duration::from_millis(700), 1);
    let report = short_lease_dispatcher(outbox, mailer)
        .run_once()
        .await
        .unwrap();
    assert_eq!((report.sent, report.lost), (1, 0));
    assert!(
        *renewals.lock().unwrap() >= 2,
        "renewed every third of the lease"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lease_taken_over_before_its_turn_is_not_sent() {
    let mut outbox = outbox_with(vec![entry(1, 1), entry(2, 3)]);
    outbox.expect_renew().returning(|lease, _| {
        Ok(match lease.id {
            OutboxId(2) => LeaseState::Lost,
            _ => LeaseState::Held,
        })
    });
    outbox
        .expect_mark_sent()
        .withf(|lease, _| lease.id == OutboxId(1))
        .times(1)
        .returning(|_, _| Ok(LeaseState::Held));
    // Entry 1 holds the only slot for longer than the lease; entry 2 waits, and loses.
    let mailer = slow_mailer(Duration::from_millis(700), 1);
    let report = short_lease_dispatcher(outbox, mailer)
        .run_once()
        .await
        .unwrap();
    assert_eq!((report.claimed, report.sent, report.lost), (2, 1, 1));
}

#[tokio::test]
async fn an_outcome_fenced_out_by_a_takeover_is_reported_lost() {
    let mut outbox = outbox_with(vec![entry(1, 1)]);
    outbox
        .expect_mark_sent()
        .times(1)
        .returning(|_, _| Ok(LeaseState::Lost));
    let mut mailer = MockMailer::new();
    mailer.expect_send().times(1).returning(|_| Ok(()));
    let report = dispatcher(outbox, mailer).run_once().await.unwrap();
    assert_eq!((report.sent, report.lost), (0, 1));
}

#[tokio::test]
async fn a_request_that_no_longer_applies_is_dropped_not_sent() {
    let mut outbox = outbox_with(vec![OutboxEntry {
        request: MailRequest::ResetPassword {
            address: "nobody@example.com".into(),
        },
        ..entry(3, 1)
    }]);
    outbox
        .expect_mark_dropped()
        .withf(|lease, at, reason| lease.id == OutboxId(3) && *at == t(0) && !reason.contains('@'))
        .times(1)
        .returning(|_, _, _| Ok(LeaseState::Held));
    outbox.expect_mark_sent().never();
    let mut mailer = MockMailer::new();
    mailer.expect_send().never();
    let mut ports = AccountPorts::new();
    ports.users.expect_by_email().returning(|_| Ok(None));
    let dispatcher = MailDispatcher::new(
        Arc::new(outbox),
        Arc::new(mailer),
        ports.preparer(),
        Arc::new(TestClock::at(0)),
        DispatcherConfig::default(),
        OutboxSignal::default(),
    );
    let report = dispatcher.run_once().await.unwrap();
    assert_eq!((report.dropped, report.sent), (1, 0), "counted as dropped");
}

#[tokio::test]
async fn a_request_that_cannot_be_prepared_is_retried_like_a_transient_failure() {
    let mut outbox = outbox_with(vec![OutboxEntry {
        request: MailRequest::ResetPassword {
            address: "susan@example.com".into(),
        },
        ..entry(4, 1)
    }]);
    outbox
        .expect_reschedule()
        .withf(|lease, at, error| {
            lease.id == OutboxId(4) && *at == t(1) && error.contains("storage")
        })
        .times(1)
        .returning(|_, _, _| Ok(LeaseState::Held));
    let mut mailer = MockMailer::new();
    mailer.expect_send().never();
    let mut ports = AccountPorts::new();
    ports.users.expect_by_email().returning(|_| {
        Err(microblog_domain::ports::RepoError::new(
            "connection refused",
        ))
    });
    let dispatcher = MailDispatcher::new(
        Arc::new(outbox),
        Arc::new(mailer),
        ports.preparer(),
        Arc::new(TestClock::at(0)),
        DispatcherConfig::default(),
        OutboxSignal::default(),
    );
    assert_eq!(dispatcher.run_once().await.unwrap().retried, 1);
}
