//! STARTTLS, implicit TLS and AUTH, as the tutorial's Gmail settings use them.

use super::{config, deliver, email, is_transient, mailer};
use microblog_domain::ports::{MailError, Mailer};
use microblog_testkit::smtp_sink::SmtpSink;

#[tokio::test]
async fn starttls_with_auth_like_gmail_delivers_over_tls_as_the_user() {
    // MAIL_SERVER/MAIL_PORT, MAIL_USE_TLS=1, MAIL_USERNAME, MAIL_PASSWORD: nothing else.
    let sink = SmtpSink::builder()
        .starttls(true)
        .auth("microblog@gmail.example", "app-password")
        .start()
        .await
        .expect("sink");
    let mut settings = config(&sink);
    settings.use_tls = true;
    settings.username = Some("microblog@gmail.example".into());
    settings.password = Some("app-password".into());
    settings.accept_invalid_certs = true;
    let got = deliver(
        &mailer(settings),
        &sink,
        &email("susan@example.com", "over tls"),
    )
    .await;
    assert!(got.tls, "sent after STARTTLS");
    assert_eq!(
        got.authenticated_as.as_deref(),
        Some("microblog@gmail.example")
    );
}

#[tokio::test]
async fn an_untrusted_certificate_fails_transiently_and_nothing_is_sent() {
    let sink = SmtpSink::builder()
        .starttls(true)
        .start()
        .await
        .expect("sink");
    let mut settings = config(&sink);
    settings.use_tls = true;
    let result = mailer(settings)
        .send(&email("susan@example.com", "x"))
        .await;
    assert!(is_transient(&result), "{result:?}");
    assert_eq!(sink.received_total(), 0);
}

#[tokio::test]
async fn required_starttls_never_falls_back_to_clear_text() {
    let sink = SmtpSink::start().await.expect("sink"); // no STARTTLS offered
    let mut settings = config(&sink);
    settings.use_tls = true;
    settings.accept_invalid_certs = true;
    let result = mailer(settings)
        .send(&email("susan@example.com", "x"))
        .await;
    assert!(is_transient(&result), "{result:?}");
    assert_eq!(sink.received_total(), 0);
}

#[tokio::test]
async fn implicit_tls_delivers_over_tls() {
    let sink = SmtpSink::builder()
        .implicit_tls(true)
        .start()
        .await
        .expect("sink");
    let mut settings = config(&sink);
    settings.use_ssl = true;
    settings.accept_invalid_certs = true;
    let got = deliver(&mailer(settings), &sink, &email("susan@example.com", "ssl")).await;
    assert!(got.tls);
}

#[tokio::test]
async fn auth_without_tls_works_against_a_local_server() {
    let sink = SmtpSink::builder()
        .auth("user", "pass")
        .start()
        .await
        .expect("sink");
    let mut settings = config(&sink);
    settings.username = Some("user".into());
    settings.password = Some("pass".into());
    let got = deliver(
        &mailer(settings),
        &sink,
        &email("susan@example.com", "auth"),
    )
    .await;
    assert_eq!(got.authenticated_as.as_deref(), Some("user"));
}

#[tokio::test]
async fn wrong_credentials_are_a_transient_settings_problem_and_nothing_is_sent() {
    let sink = SmtpSink::builder()
        .auth("user", "pass")
        .start()
        .await
        .expect("sink");
    let mut settings = config(&sink);
    settings.username = Some("user".into());
    settings.password = Some("wrong".into());
    let result = mailer(settings)
        .send(&email("susan@example.com", "x"))
        .await;
    match result {
        Err(MailError::Transient(reason)) => {
            assert!(reason.contains("535"), "{reason}");
            assert!(
                reason.contains("MAIL_PASSWORD"),
                "points at the setting: {reason}"
            );
        }
        other => panic!("expected a transient failure, got {other:?}"),
    }
    assert_eq!(sink.received_total(), 0);
}

#[tokio::test]
async fn a_server_requiring_auth_refuses_a_mailer_without_credentials() {
    let sink = SmtpSink::builder()
        .auth("user", "pass")
        .start()
        .await
        .expect("sink");
    let result = mailer(config(&sink))
        .send(&email("susan@example.com", "x"))
        .await;
    assert!(
        is_transient(&result),
        "530 is a settings problem: {result:?}"
    );
    assert_eq!(sink.received_total(), 0);
}
