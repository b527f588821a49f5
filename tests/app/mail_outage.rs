//! No mail is ever lost: SMTP down at request time, and a server crash during the outage.

use super::harness::{Backend, TestApp, location};
use microblog_testkit::smtp_sink::SmtpSink;
use std::time::Duration;

#[tokio::test]
async fn mail_requested_while_smtp_is_down_arrives_when_it_comes_back() {
    let mut app = TestApp::spawn().await;
    app.register(&app.browser(), "susan", "susan@example.com")
        .await;
    let port = app.sink.port();
    let sink = std::mem::replace(&mut app.sink, SmtpSink::start().await.unwrap());
    sink.shutdown().await;

    let answer = app.request_reset(&app.browser(), "susan@example.com").await;
    assert_eq!(
        location(&answer),
        "/login",
        "the request does not wait for SMTP"
    );
    tokio::time::sleep(Duration::from_secs(2)).await;

    app.sink = SmtpSink::start_on(port).await.unwrap();
    let mail = app.wait_for_mail("susan@example.com").await;
    assert_eq!(
        mail.subject.as_deref(),
        Some("[Microblog] Reset Your Password")
    );
}

#[tokio::test]
async fn mail_survives_a_server_crash_during_the_outage_and_arrives_once() {
    let mut app = TestApp::spawn().await;
    app.register(&app.browser(), "susan", "susan@example.com")
        .await;
    app.wait_for_confirmation("susan@example.com").await;
    let port = app.sink.port();
    let sink = std::mem::replace(&mut app.sink, SmtpSink::start().await.unwrap());
    sink.shutdown().await;

    app.request_reset(&app.browser(), "susan@example.com").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    app.restart().await;
    tokio::time::sleep(Duration::from_millis(500)).await;

    app.sink = SmtpSink::start_on(port).await.unwrap();
    app.wait_for_mail("susan@example.com").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(app.mails_to("susan@example.com").len(), 1, "exactly once");
    let counts = app.database.connect().await.outbox_counts().await.unwrap();
    assert_eq!(
        (counts.sent, counts.queued, counts.sending, counts.dead),
        (2, 0, 0, 0),
        "the address confirmation and the reset mail"
    );
}

#[tokio::test]
async fn the_reset_flow_works_on_postgres_too() {
    let Some(app) = TestApp::spawn_with(Backend::Postgres, &[]).await else {
        eprintln!("skipped: TEST_DATABASE_URL is not set");
        return;
    };
    let browser = app.browser();
    app.register(&browser, "susan", "susan@example.com").await;
    app.request_reset(&browser, "SUSAN@example.com").await;
    let link = app.reset_link("susan@example.com", 1).await;
    let done = app
        .reset_with_link(&browser, &link, "postgres password", "postgres password")
        .await;
    assert_eq!(location(&done), "/login");
    let ok = app
        .login(&app.browser(), "susan", "postgres password")
        .await;
    assert_eq!(location(&ok), "/index");
}
