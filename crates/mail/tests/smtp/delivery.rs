//! Emails that should arrive do, whole, and the pool carries many at once.

use super::{SOON, config, deliver, email, mailer};
use microblog_domain::ports::Mailer;
use microblog_mail::{MinijinjaComposer, send_test_email};
use microblog_testkit::contract;
use microblog_testkit::smtp_sink::SmtpSink;
use std::sync::Arc;

#[tokio::test]
async fn an_email_arrives_as_multipart_with_its_subject_text_and_html() {
    let sink = SmtpSink::start().await.expect("sink");
    let mailer = mailer(config(&sink));
    let mut sent = email("susan@example.com", "[Microblog] Reset Your Password");
    sent.to.push("admin@example.com".into());
    let got = deliver(&mailer, &sink, &sent).await;
    assert_eq!(got.envelope_from, "noreply@example.com");
    assert_eq!(got.recipients, ["susan@example.com", "admin@example.com"]);
    assert_eq!(got.from.as_deref(), Some("noreply@example.com"));
    assert_eq!(got.from_name.as_deref(), Some("Microblog"));
    assert_eq!(got.to, ["susan@example.com", "admin@example.com"]);
    assert_eq!(
        got.subject.as_deref(),
        Some("[Microblog] Reset Your Password")
    );
    assert!(got.message_id.as_deref().is_some_and(|id| id.contains('@')));
    assert!(got.date.is_some());
    let content_type = got.header("Content-Type").expect("content type");
    assert!(
        content_type.starts_with("multipart/alternative"),
        "{content_type}"
    );
    let text = got.text.expect("text part");
    assert_eq!(text.replace("\r\n", "\n"), sent.text_body);
    let html = got.html.expect("html part");
    assert_eq!(html.replace("\r\n", "\n"), sent.html_body);
}

#[tokio::test]
async fn non_ascii_subjects_and_bodies_arrive_intact() {
    let sink = SmtpSink::start().await.expect("sink");
    let mailer = mailer(config(&sink));
    let mut sent = email("zoë@example.com", "Réinitialiser — ✓");
    sent.text_body = "Chère Zoë,\n.point\n✓ fini\n".into();
    let got = deliver(&mailer, &sink, &sent).await;
    assert_eq!(got.subject.as_deref(), Some("Réinitialiser — ✓"));
    assert_eq!(
        got.text.map(|t| t.replace("\r\n", "\n")).as_deref(),
        Some("Chère Zoë,\n.point\n✓ fini\n")
    );
}

#[tokio::test]
async fn the_smtp_mailer_passes_the_mailer_contract_and_everything_arrives() {
    let sink = SmtpSink::start().await.expect("sink");
    let mailer = mailer(config(&sink));
    let sent = contract::mailer::mailer(&mailer, "contract@example.com").await;
    assert!(
        sink.wait_for_total(sent.len() as u64, SOON).await,
        "all arrived"
    );
    for email in &sent {
        let got = sink
            .wait_for(SOON, |m| {
                m.subject.as_deref() == Some(email.subject.as_str())
            })
            .await
            .expect("arrived");
        assert_eq!(got.recipients, email.to);
        let text = got.text.expect("text part").replace("\r\n", "\n");
        assert_eq!(
            text, email.text_body,
            "text part intact through dot-stuffing and encoding"
        );
        assert_eq!(
            got.html.expect("html part").replace("\r\n", "\n"),
            email.html_body
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_emails_at_once_share_a_bounded_pool_of_connections() {
    let sink = SmtpSink::start().await.expect("sink");
    let mut settings = config(&sink);
    settings.pool_max_size = 4;
    let mailer = Arc::new(mailer(settings));
    let count = 300;
    let tasks: Vec<_> = (0..count)
        .map(|i| {
            let mailer = Arc::clone(&mailer);
            tokio::spawn(async move {
                mailer
                    .send(&email(&format!("user{i}@example.com"), &format!("n{i}")))
                    .await
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("task").expect("delivered");
    }
    assert!(sink.wait_for_total(count, SOON).await);
    assert_eq!(sink.messages_to("user123@example.com").len(), 1);
    // At most 4 connections are in use at once, and they are reused: a handful is opened in
    // all (lettre parks connections from a background task, so once in a while a sender may
    // find the pool empty for an instant and open a fresh one).
    let connections = sink.connections_total();
    assert!(
        connections <= 8,
        "{connections} connections for {count} emails"
    );
}

#[tokio::test]
async fn send_test_email_delivers_the_test_email() {
    let sink = SmtpSink::start().await.expect("sink");
    let mailer = mailer(config(&sink));
    let composer = MinijinjaComposer::new("http://localhost:5000").expect("built-in templates");
    send_test_email(&mailer, &composer, " ops@example.com ")
        .await
        .expect("sent");
    let got = sink
        .wait_for_message("ops@example.com", SOON)
        .await
        .expect("arrived");
    assert_eq!(got.subject.as_deref(), Some("[Microblog] Test email"));
    assert!(got.text.expect("text").contains("mail settings"));
}

#[test]
fn a_mailer_may_outlive_the_runtime_it_sent_with() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let sink = runtime.block_on(SmtpSink::start()).expect("sink");
    let mailer = mailer(config(&sink));
    runtime
        .block_on(mailer.send(&email("susan@example.com", "x")))
        .expect("delivered");
    drop(sink);
    drop(runtime);
    drop(mailer); // lettre's pool would spawn a task here, with no runtime to take it
}
