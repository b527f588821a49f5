//! Relays as they are in the wild: STARTTLS + AUTH with a certificate from a private CA,
//! trusted through the system store (`SSL_CERT_FILE`) or `MAIL_CA_FILE`, verification on.

use super::harness::{Backend, TestApp};
use microblog_testkit::smtp_sink::{Fault, SmtpSink, ca_certificate_path};
use std::process::{Command, Output};
use std::time::Duration;

const USER: &str = "microblog@relay.example";
const PASSWORD: &str = "relay password";

async fn company_relay() -> SmtpSink {
    SmtpSink::builder()
        .starttls(true)
        .auth(USER, PASSWORD)
        .start()
        .await
        .expect("sink")
}

/// `microblog send-test-email admin@example.com` against `relay` (STARTTLS, AUTH), with
/// `trust` added to the environment; its output once it has exited.
async fn send_test_email(relay: &SmtpSink, trust: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_microblog"));
    command
        .args(["send-test-email", "admin@example.com"])
        .current_dir(std::env::temp_dir())
        .env_remove("SSL_CERT_FILE")
        .env_remove("SSL_CERT_DIR")
        .env_remove("MAIL_CA_FILE")
        .env_remove("DATABASE_URL")
        .env("MAIL_SERVER", "localhost")
        .env("MAIL_PORT", relay.port().to_string())
        .env("MAIL_USE_TLS", "1")
        .env("MAIL_USERNAME", USER)
        .env("MAIL_PASSWORD", PASSWORD)
        .env("MAIL_DEFAULT_SENDER", "Microblog <no-reply@microblog.test>")
        .env("MAIL_TIMEOUT", "5")
        .env("NO_COLOR", "1")
        .envs(trust.iter().copied());
    tokio::task::spawn_blocking(move || command.output().expect("microblog runs"))
        .await
        .expect("joined")
}

fn describe(output: &Output) -> String {
    format!(
        "status {:?}\nstdout: {}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[tokio::test]
async fn send_test_email_goes_through_a_relay_whose_ca_is_in_the_system_store() {
    let relay = company_relay().await;
    let ca = ca_certificate_path().display().to_string();
    let output = send_test_email(&relay, &[("SSL_CERT_FILE", &ca)]).await;
    assert!(output.status.success(), "{}", describe(&output));
    let mail = relay
        .wait_for_message("admin@example.com", Duration::from_secs(5))
        .await
        .expect("arrived");
    assert!(mail.tls && mail.authenticated_as.as_deref() == Some(USER));
}

#[tokio::test]
async fn send_test_email_goes_through_a_relay_whose_ca_is_named_by_mail_ca_file() {
    let relay = company_relay().await;
    let ca = ca_certificate_path().display().to_string();
    let output = send_test_email(&relay, &[("MAIL_CA_FILE", &ca)]).await;
    assert!(output.status.success(), "{}", describe(&output));
    assert_eq!(relay.received_total(), 1);
}

#[tokio::test]
async fn an_untrusted_relay_is_reported_as_a_settings_problem_not_a_temporary_one() {
    let relay = company_relay().await;
    let output = send_test_email(&relay, &[]).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert!(stderr.contains("mail settings problem"), "{stderr}");
    assert!(stderr.contains("UnknownIssuer"), "{stderr}");
    assert!(stderr.contains("MAIL_CA_FILE"), "{stderr}");
    assert!(!stderr.contains("temporary"), "{stderr}");
    assert_eq!(relay.received_total(), 0);
}

/// A reset requested while the relay's certificate is untrusted: the mail is dead after one
/// attempt with the reason, not retried.
async fn untrusted_relay_kills_mail_at_once(backend: Backend) {
    let relay = company_relay().await;
    let port = relay.port().to_string();
    let env = [
        ("MAIL_SERVER", "localhost"),
        ("MAIL_PORT", port.as_str()),
        ("MAIL_USE_TLS", "1"),
        ("MAIL_USERNAME", USER),
        ("MAIL_PASSWORD", PASSWORD),
        ("SSL_CERT_FILE", "/nonexistent/ca.pem"),
        // No dead-mail digest: this test counts the outbox's rows.
        ("ADMINS", ""),
    ];
    let Some(app) = TestApp::spawn_with(backend, &env).await else {
        eprintln!("skipped: TEST_DATABASE_URL is not set");
        return;
    };
    app.register(&app.browser(), "susan", "susan@example.com")
        .await;
    app.request_reset(&app.browser(), "susan@example.com").await;
    let database = app.database.connect().await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while database.outbox_counts().await.unwrap().dead == 0 {
        assert!(tokio::time::Instant::now() < deadline, "{}", app.logs());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let counts = database.outbox_counts().await.unwrap();
    // The registration's address confirmation and the reset: both dead after one attempt.
    assert_eq!((counts.dead, counts.queued, counts.sent), (2, 0, 0));
    let logs = app.logs();
    assert!(logs.contains("the mail settings must be fixed"), "{logs}");
    assert!(logs.contains("UnknownIssuer"), "{logs}");
    assert_eq!(
        logs.matches("mail delivery failed; will retry").count(),
        0,
        "{logs}"
    );
    assert_eq!(relay.received_total(), 0);
}

#[tokio::test]
async fn an_untrusted_relay_makes_mail_dead_at_once_on_sqlite() {
    untrusted_relay_kills_mail_at_once(Backend::Sqlite).await;
}

#[tokio::test]
async fn an_untrusted_relay_makes_mail_dead_at_once_on_postgres() {
    untrusted_relay_kills_mail_at_once(Backend::Postgres).await;
}

/// A relay that answers `RCPT` with `550`: dead after one attempt, the reply kept; a `451`
/// before it was retried.
async fn refused_recipient_is_dead_at_once(backend: Backend) {
    // No dead-mail digest: this test counts the outbox's rows.
    let Some(app) = TestApp::spawn_with(backend, &[("ADMINS", "")]).await else {
        eprintln!("skipped: TEST_DATABASE_URL is not set");
        return;
    };
    app.register(&app.browser(), "susan", "susan@example.com")
        .await;
    // The registration's address confirmation is delivered before the relay turns hostile.
    app.wait_for_confirmation("susan@example.com").await;
    app.sink
        .fail_with(Fault::rcpt(451, "4.3.0 try again later").times(1));
    app.sink
        .fail_with(Fault::rcpt(550, "5.1.1 no such user here").times(1));
    app.request_reset(&app.browser(), "susan@example.com").await;
    let database = app.database.connect().await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while database.outbox_counts().await.unwrap().dead == 0 {
        assert!(tokio::time::Instant::now() < deadline, "{}", app.logs());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let counts = database.outbox_counts().await.unwrap();
    assert_eq!((counts.dead, counts.queued, counts.sent), (1, 0, 1));
    let logs = app.logs();
    assert!(logs.contains("5.1.1 no such user here"), "{logs}");
    assert!(logs.contains("permanent failure"), "{logs}");
    assert_eq!(
        logs.matches("will retry").count(),
        1,
        "the 451 only: {logs}"
    );
}

#[tokio::test]
async fn a_recipient_refused_with_550_is_dead_at_once_on_sqlite() {
    refused_recipient_is_dead_at_once(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_recipient_refused_with_550_is_dead_at_once_on_postgres() {
    refused_recipient_is_dead_at_once(Backend::Postgres).await;
}
