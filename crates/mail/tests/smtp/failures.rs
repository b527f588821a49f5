//! Failures are classified (retry or not), bounded in time, and leave the mailer usable.

use super::{SOON, config, config_for_port, deliver, email, is_permanent, is_transient, mailer};
use microblog_domain::ports::{MailError, Mailer};
use microblog_testkit::smtp_sink::{Fault, SmtpSink};
use std::time::{Duration, Instant};

/// A loopback port where nothing listens: a stable one, which no other socket is handed
/// meanwhile and which a client's own ephemeral port can never equal (no self-connect).
fn closed_port() -> u16 {
    microblog_testkit::ports::stable_port().expect("a free port")
}

#[tokio::test]
async fn a_refused_connection_is_transient_and_quick() {
    let mailer = mailer(config_for_port(closed_port()));
    let started = Instant::now();
    let result = mailer.send(&email("susan@example.com", "x")).await;
    assert!(is_transient(&result), "{result:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_rejected_recipient_is_permanent_and_the_mailer_goes_on() {
    let sink = SmtpSink::start().await.expect("sink");
    let mailer = mailer(config(&sink));
    sink.fail_with(Fault::rcpt(550, "5.1.1 No such user here").times(1));
    let result = mailer.send(&email("ghost@example.com", "x")).await;
    match &result {
        Err(MailError::Permanent(reason)) => assert!(reason.contains("550"), "{reason}"),
        other => panic!("expected permanent, got {other:?}"),
    }
    mailer
        .send(&email("susan@example.com", "next"))
        .await
        .expect("delivered");
    assert_eq!(sink.messages().len(), 1);
}

#[tokio::test]
async fn temporary_refusals_are_transient() {
    let sink = SmtpSink::start().await.expect("sink");
    let mailer = mailer(config(&sink));
    for fault in [
        Fault::rcpt(451, "4.3.0 Try again later"),
        Fault::mail(421, "4.3.2 Shutting down"),
        Fault::message(452, "4.3.1 Insufficient storage"),
        Fault::connect(421, "4.3.2 Too busy"),
    ] {
        sink.fail_with(fault.clone().times(1));
        let result = mailer.send(&email("susan@example.com", "x")).await;
        assert!(is_transient(&result), "{fault:?}: {result:?}");
    }
    assert_eq!(sink.received_total(), 0);
    mailer
        .send(&email("susan@example.com", "after"))
        .await
        .expect("recovered");
}

#[tokio::test]
async fn refusals_of_the_content_are_permanent() {
    let sink = SmtpSink::start().await.expect("sink");
    let mailer = mailer(config(&sink));
    for fault in [
        Fault::data(554, "5.7.1 Rejected"),
        Fault::message(552, "5.3.4 Too big"),
    ] {
        sink.fail_with(fault.clone().times(1));
        let result = mailer.send(&email("susan@example.com", "x")).await;
        assert!(is_permanent(&result), "{fault:?}: {result:?}");
    }
}

#[tokio::test]
async fn a_silent_server_times_out_as_transient_within_the_configured_bound() {
    let sink = SmtpSink::start().await.expect("sink");
    sink.set_delay(Duration::from_secs(30));
    let mut settings = config(&sink);
    settings.connect_timeout = Duration::from_millis(200);
    settings.command_timeout = Duration::from_millis(300);
    let mailer = mailer(settings);
    let started = Instant::now();
    let result = mailer.send(&email("susan@example.com", "x")).await;
    assert!(is_transient(&result), "{result:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_send_abandoned_mid_dialogue_does_not_leave_a_confused_connection_for_the_next() {
    let sink = SmtpSink::start().await.expect("sink");
    let mut settings = config(&sink);
    settings.connect_timeout = Duration::from_millis(100);
    settings.command_timeout = Duration::from_millis(300);
    let mailer = mailer(settings);
    mailer
        .send(&email("susan@example.com", "first"))
        .await
        .expect("delivered");
    assert_eq!(sink.connections_total(), 1);
    // lettre parks a connection in its pool from a background task: let it land there.
    tokio::time::sleep(Duration::from_millis(100)).await;

    // Replies now take 300 ms: the reused connection's NOOP passes, the send gives up at
    // 400 ms while MAIL's reply is still on its way down that connection.
    sink.set_delay(Duration::from_millis(300));
    let result = mailer.send(&email("susan@example.com", "abandoned")).await;
    assert!(is_transient(&result), "{result:?}");

    // Reusing that connection, the next send would read those late replies as answers to
    // its own commands, get out of step and fail (a 503 read as the reply to RCPT).
    sink.set_delay(Duration::ZERO);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let result = mailer.send(&email("susan@example.com", "next")).await;
    assert_eq!(result, Ok(()), "the next send starts on a clean connection");
    let got = sink
        .wait_for(SOON, |m| m.subject.as_deref() == Some("next"))
        .await;
    assert_eq!(
        got.map(|m| m.recipients),
        Some(vec!["susan@example.com".to_owned()])
    );
}

#[tokio::test]
async fn the_mailer_recovers_when_the_server_comes_back() {
    let sink = SmtpSink::start_restartable().await.expect("sink");
    let port = sink.port();
    let mailer = mailer(config(&sink));
    mailer
        .send(&email("susan@example.com", "before"))
        .await
        .expect("delivered");
    sink.shutdown().await;

    let result = mailer.send(&email("susan@example.com", "while down")).await;
    assert!(is_transient(&result), "{result:?}");

    let sink = SmtpSink::start_on(port).await.expect("same port");
    let got = deliver(&mailer, &sink, &email("susan@example.com", "after")).await;
    assert_eq!(got.subject.as_deref(), Some("after"));
}

#[tokio::test]
async fn unusable_emails_are_permanent_and_never_reach_the_server() {
    let sink = SmtpSink::start().await.expect("sink");
    let mailer = mailer(config(&sink));
    let mut injected = email("susan@example.com", "x");
    injected.subject = "Hi\r\nBcc: victim@example.com".into();
    let mut no_recipient = email("susan@example.com", "x");
    no_recipient.to.clear();
    for bad in [
        email("not an address", "x"),
        email("susan@example.com\r\nBcc: victim@example.com", "x"),
        injected,
        no_recipient,
    ] {
        let result = mailer.send(&bad).await;
        assert!(is_permanent(&result), "{bad:?}: {result:?}");
    }
    assert_eq!(sink.connections_total(), 0);
}
