//! STARTTLS, implicit TLS and AUTH, with certificate verification on: the sink presents a
//! certificate from a private test CA, as a company relay does, and the mailer trusts it
//! only when told to (`MAIL_CA_FILE`).

use super::{config, deliver, email, is_transient, mailer};
use microblog_domain::ports::{MailError, Mailer};
use microblog_mail::SmtpConfig;
use microblog_testkit::smtp_sink::{SmtpSink, ca_certificate_path};

/// `config` for `sink` trusting the test CA, by the name on its certificate.
fn trusting_the_test_ca(sink: &SmtpSink) -> SmtpConfig {
    let mut settings = config(sink);
    settings.server = "localhost".into();
    settings.ca_file = Some(ca_certificate_path().to_owned());
    settings
}

fn configuration_problem(result: Result<(), MailError>) -> String {
    match result {
        Err(MailError::Configuration(reason)) => reason,
        other => panic!("expected a mail settings problem, got {other:?}"),
    }
}

#[tokio::test]
async fn starttls_with_auth_delivers_to_a_relay_whose_ca_is_in_mail_ca_file() {
    // MAIL_SERVER/MAIL_PORT, MAIL_USE_TLS=1, MAIL_USERNAME, MAIL_PASSWORD, MAIL_CA_FILE.
    let sink = SmtpSink::builder()
        .starttls(true)
        .auth("microblog@relay.example", "app-password")
        .start()
        .await
        .expect("sink");
    let mut settings = trusting_the_test_ca(&sink);
    settings.use_tls = true;
    settings.username = Some("microblog@relay.example".into());
    settings.password = Some("app-password".into());
    assert!(!settings.accept_invalid_certs, "verification stays on");
    let got = deliver(
        &mailer(settings),
        &sink,
        &email("susan@example.com", "over tls"),
    )
    .await;
    assert!(got.tls, "sent after STARTTLS");
    assert_eq!(
        got.authenticated_as.as_deref(),
        Some("microblog@relay.example")
    );
}

#[tokio::test]
async fn implicit_tls_delivers_to_a_relay_whose_ca_is_in_mail_ca_file() {
    let sink = SmtpSink::builder()
        .implicit_tls(true)
        .auth("user", "pass")
        .start()
        .await
        .expect("sink");
    let mut settings = trusting_the_test_ca(&sink);
    settings.use_ssl = true;
    settings.username = Some("user".into());
    settings.password = Some("pass".into());
    let got = deliver(&mailer(settings), &sink, &email("susan@example.com", "ssl")).await;
    assert!(got.tls);
    assert_eq!(got.authenticated_as.as_deref(), Some("user"));
}

#[tokio::test]
async fn a_certificate_from_an_unknown_ca_is_a_settings_problem_and_nothing_is_sent() {
    for implicit in [false, true] {
        let sink = SmtpSink::builder()
            .starttls(!implicit)
            .implicit_tls(implicit)
            .start()
            .await
            .expect("sink");
        let mut settings = config(&sink);
        settings.server = "localhost".into();
        (settings.use_tls, settings.use_ssl) = (!implicit, implicit);
        let reason = configuration_problem(
            mailer(settings)
                .send(&email("susan@example.com", "x"))
                .await,
        );
        assert!(reason.contains("UnknownIssuer"), "{reason}");
        assert!(
            reason.contains("MAIL_CA_FILE"),
            "points at the setting: {reason}"
        );
        assert_eq!(sink.received_total(), 0);
    }
}

#[tokio::test]
async fn required_starttls_never_falls_back_to_clear_text() {
    let sink = SmtpSink::start().await.expect("sink"); // no STARTTLS offered
    let mut settings = trusting_the_test_ca(&sink);
    settings.use_tls = true;
    let result = mailer(settings)
        .send(&email("susan@example.com", "x"))
        .await;
    assert!(is_transient(&result), "{result:?}");
    assert_eq!(sink.received_total(), 0);
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
async fn wrong_credentials_are_a_settings_problem_and_nothing_is_sent() {
    let sink = SmtpSink::builder()
        .starttls(true)
        .auth("user", "pass")
        .start()
        .await
        .expect("sink");
    let mut settings = trusting_the_test_ca(&sink);
    settings.use_tls = true;
    settings.username = Some("user".into());
    settings.password = Some("wrong".into());
    let reason = configuration_problem(
        mailer(settings)
            .send(&email("susan@example.com", "x"))
            .await,
    );
    assert!(reason.contains("535"), "{reason}");
    assert!(
        reason.contains("MAIL_PASSWORD"),
        "points at the setting: {reason}"
    );
    assert_eq!(sink.received_total(), 0);
}

#[tokio::test]
async fn a_server_requiring_auth_refuses_a_mailer_without_credentials_as_a_settings_problem() {
    let sink = SmtpSink::builder()
        .auth("user", "pass")
        .start()
        .await
        .expect("sink");
    let reason = configuration_problem(
        mailer(config(&sink))
            .send(&email("susan@example.com", "x"))
            .await,
    );
    assert!(reason.contains("530"), "{reason}");
    assert_eq!(sink.received_total(), 0);
}
