//! The SMTP dialogue: transactions, parsing, ordering rules, limits.

use super::{Client, SOON, kept_subjects, simple_message};
use crate::smtp_sink::SmtpSink;

#[tokio::test]
async fn a_message_is_kept_with_its_envelope_and_parsed_parts() {
    let sink = SmtpSink::start().await.expect("sink");
    let mut client = Client::connect(&sink).await;
    client.expect("EHLO client.example", 250).await;
    let multipart = "From: Microblog <noreply@example.com>\r\n\
        To: alice@example.com, bob@example.com\r\n\
        Subject: =?utf-8?q?R=C3=A9initialiser?=\r\n\
        Message-ID: <abc@example.com>\r\n\
        Date: Tue, 1 Jul 2025 10:00:00 +0000\r\n\
        MIME-Version: 1.0\r\n\
        Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n\
        --b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDear alice,\r\n.leading dot\r\n\
        --b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Dear alice,</p>\r\n\
        --b--\r\n";
    let code = client
        .transaction(
            "noreply@example.com",
            &["alice@example.com", "bob@example.com"],
            multipart,
        )
        .await;
    assert_eq!(code, 250);
    client.expect("QUIT", 221).await;

    let message = sink
        .wait_for_message("BOB@example.com", SOON)
        .await
        .expect("message arrived");
    assert_eq!(message.id, 1);
    assert_eq!(message.envelope_from, "noreply@example.com");
    assert_eq!(message.recipients, ["alice@example.com", "bob@example.com"]);
    assert_eq!(message.from.as_deref(), Some("noreply@example.com"));
    assert_eq!(message.from_name.as_deref(), Some("Microblog"));
    assert_eq!(message.to, ["alice@example.com", "bob@example.com"]);
    assert_eq!(message.subject.as_deref(), Some("Réinitialiser"));
    assert_eq!(message.message_id.as_deref(), Some("abc@example.com"));
    assert!(message.date.as_deref().is_some_and(|d| d.contains("2025")));
    assert_eq!(
        message.text.as_deref().map(str::trim_end),
        Some("Dear alice,\r\n.leading dot")
    );
    assert_eq!(
        message.html.as_deref().map(str::trim_end),
        Some("<p>Dear alice,</p>")
    );
    assert!(!message.tls);
    assert_eq!(message.authenticated_as, None);
    let raw = message.raw_text();
    assert!(
        raw.contains("\r\n.leading dot\r\n"),
        "dot-stuffing undone: {raw}"
    );
    assert_eq!(
        message
            .header("content-type")
            .as_deref()
            .map(|h| h.starts_with("multipart/alternative")),
        Some(true)
    );
    assert_eq!(sink.messages_to("carol@example.com"), []);
}

#[tokio::test]
async fn a_text_only_message_has_no_html_part() {
    let sink = SmtpSink::start().await.expect("sink");
    let mut client = Client::connect(&sink).await;
    client.expect("HELO client.example", 250).await;
    let message = client.deliver(&sink, "Hi", "plain").await;
    assert_eq!(message.text.as_deref().map(str::trim_end), Some("plain"));
    assert_eq!(message.html, None);
}

#[tokio::test]
async fn ehlo_advertises_size_and_8bitmime_but_not_tls_or_auth_unless_configured() {
    let sink = SmtpSink::builder()
        .max_message_size(1234)
        .start()
        .await
        .expect("sink");
    let mut client = Client::connect(&sink).await;
    let text = client.expect("EHLO client.example", 250).await;
    assert!(text.contains("SIZE 1234"), "{text}");
    assert!(text.contains("8BITMIME"), "{text}");
    assert!(!text.contains("STARTTLS"), "{text}");
    assert!(!text.contains("AUTH"), "{text}");
    client.expect("STARTTLS", 502).await;
    client.expect("AUTH PLAIN", 502).await;
}

#[tokio::test]
async fn commands_out_of_order_are_refused_with_503() {
    let sink = SmtpSink::start().await.expect("sink");
    let mut client = Client::connect(&sink).await;
    client.expect("MAIL FROM:<a@example.com>", 503).await;
    client.expect("EHLO client.example", 250).await;
    client.expect("RCPT TO:<b@example.com>", 503).await;
    client.expect("DATA", 503).await;
    client.expect("MAIL FROM:<a@example.com>", 250).await;
    client.expect("MAIL FROM:<a@example.com>", 503).await;
    client.expect("DATA", 503).await;
    client.expect("RSET", 250).await;
    client.expect("RCPT TO:<b@example.com>", 503).await;
    client.expect("NOOP", 250).await;
    client.expect("VRFY b@example.com", 252).await;
    client.expect("EXPN staff", 500).await;
    assert_eq!(sink.received_total(), 0);
}

#[tokio::test]
async fn a_null_sender_is_accepted_for_bounces() {
    let sink = SmtpSink::start().await.expect("sink");
    let mut client = Client::connect(&sink).await;
    client.expect("EHLO client.example", 250).await;
    let code = client
        .transaction("", &["b@example.com"], &simple_message("Bounce", "x"))
        .await;
    assert_eq!(code, 250);
    let message = sink
        .wait_for_message("b@example.com", SOON)
        .await
        .expect("kept");
    assert_eq!(message.envelope_from, "");
}

#[tokio::test]
async fn several_messages_can_follow_on_one_connection() {
    let sink = SmtpSink::start().await.expect("sink");
    let mut client = Client::connect(&sink).await;
    client.expect("EHLO client.example", 250).await;
    for i in 0..5 {
        assert_eq!(client.send_simple(&format!("n{i}"), "x").await, 250);
    }
    assert_eq!(kept_subjects(&sink), ["n0", "n1", "n2", "n3", "n4"]);
    assert_eq!(sink.connections_total(), 1);
}

#[tokio::test]
async fn an_overlong_command_line_ends_the_session() {
    let sink = SmtpSink::start().await.expect("sink");
    let mut client = Client::connect(&sink).await;
    let (code, _) = client.command(&format!("EHLO {}", "x".repeat(5000))).await;
    assert_eq!(code, 500);
    assert_eq!(client.read_reply().await.0, 0, "connection closed");
}

#[tokio::test]
async fn a_message_over_the_size_limit_is_refused_and_not_kept() {
    let sink = SmtpSink::builder()
        .max_message_size(100)
        .start()
        .await
        .expect("sink");
    let mut client = Client::connect(&sink).await;
    client.expect("EHLO client.example", 250).await;
    client
        .expect("MAIL FROM:<a@example.com> SIZE=101", 552)
        .await;
    let big = simple_message("big", &"y".repeat(200));
    assert_eq!(
        client
            .transaction("a@example.com", &["b@example.com"], &big)
            .await,
        552
    );
    assert_eq!(sink.received_total(), 0);
    assert_eq!(client.read_reply().await.0, 0, "connection closed");
}

#[tokio::test]
async fn more_than_a_hundred_recipients_are_refused_temporarily() {
    let sink = SmtpSink::start().await.expect("sink");
    let mut client = Client::connect(&sink).await;
    client.expect("EHLO client.example", 250).await;
    client.expect("MAIL FROM:<a@example.com>", 250).await;
    for i in 0..100 {
        client
            .expect(&format!("RCPT TO:<r{i}@example.com>"), 250)
            .await;
    }
    client.expect("RCPT TO:<r100@example.com>", 452).await;
}

#[tokio::test]
async fn a_client_that_keeps_failing_is_disconnected() {
    let sink = SmtpSink::start().await.expect("sink");
    let mut client = Client::connect(&sink).await;
    for _ in 0..19 {
        client.expect("BOGUS", 500).await;
    }
    client.expect("BOGUS", 421).await;
    assert_eq!(client.read_reply().await.0, 0, "connection closed");
}
