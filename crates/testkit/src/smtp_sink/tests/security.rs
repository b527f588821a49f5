//! STARTTLS, implicit TLS and AUTH.

use super::{Client, tls_connect};
use crate::smtp_sink::SmtpSink;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use tokio::io::AsyncWriteExt;

fn b64(text: &str) -> String {
    STANDARD.encode(text)
}

/// A plain sink that requires AUTH as `user` / `pass`.
async fn auth_sink() -> SmtpSink {
    SmtpSink::builder()
        .auth("user", "pass")
        .start()
        .await
        .expect("sink")
}

#[tokio::test]
async fn starttls_upgrades_the_connection_and_the_message_says_so() {
    let sink = SmtpSink::builder()
        .starttls(true)
        .start()
        .await
        .expect("sink");
    let mut client = Client::connect(&sink).await;
    let text = client.expect("EHLO client.example", 250).await;
    assert!(text.contains("STARTTLS"), "{text}");
    client.expect("STARTTLS", 220).await;
    let mut client = client.into_tls().await;
    let text = client.expect("EHLO client.example", 250).await;
    assert!(!text.contains("STARTTLS"), "not offered twice: {text}");
    client.expect("STARTTLS", 502).await;
    let message = client.deliver(&sink, "s", "x").await;
    assert!(message.tls);
}

#[tokio::test]
async fn commands_smuggled_behind_starttls_end_the_session() {
    let sink = SmtpSink::builder()
        .starttls(true)
        .start()
        .await
        .expect("sink");
    let mut client = Client::connect(&sink).await;
    client.expect("EHLO client.example", 250).await;
    // One write: STARTTLS and a plaintext command that would run "inside" TLS.
    let stream = client.io.get_mut();
    stream
        .write_all(b"STARTTLS\r\nMAIL FROM:<evil@example.com>\r\n")
        .await
        .expect("write");
    assert_eq!(client.read_reply().await.0, 220);
    assert_eq!(
        client.read_reply().await.0,
        0,
        "connection closed, no handshake"
    );
}

#[tokio::test]
async fn implicit_tls_speaks_tls_from_the_first_byte() {
    let sink = SmtpSink::builder()
        .implicit_tls(true)
        .start()
        .await
        .expect("sink");
    let stream = tokio::net::TcpStream::connect(sink.addr())
        .await
        .expect("connect");
    let mut client = Client {
        io: tokio::io::BufReader::new(tls_connect(stream).await),
    };
    assert_eq!(client.read_reply().await.0, 220);
    client.expect("EHLO client.example", 250).await;
    assert!(client.deliver(&sink, "s", "x").await.tls);
}

#[tokio::test]
async fn auth_plain_with_the_right_credentials_is_accepted_and_recorded() {
    let sink = auth_sink().await;
    let mut client = Client::connect(&sink).await;
    let text = client.expect("EHLO client.example", 250).await;
    assert!(text.contains("AUTH PLAIN LOGIN"), "{text}");
    client.expect("MAIL FROM:<a@example.com>", 530).await;
    client
        .expect(&format!("AUTH PLAIN {}", b64("\0user\0pass")), 235)
        .await;
    client
        .expect(&format!("AUTH PLAIN {}", b64("\0user\0pass")), 503)
        .await;
    let message = client.deliver(&sink, "s", "x").await;
    assert_eq!(message.authenticated_as.as_deref(), Some("user"));
}

#[tokio::test]
async fn auth_with_wrong_credentials_gets_535_and_no_mail_is_accepted() {
    let sink = auth_sink().await;
    let mut client = Client::connect(&sink).await;
    client.expect("EHLO client.example", 250).await;
    client
        .expect(&format!("AUTH PLAIN {}", b64("\0user\0wrong")), 535)
        .await;
    client
        .expect(&format!("AUTH PLAIN {}", b64("\0other\0pass")), 535)
        .await;
    client.expect("AUTH PLAIN", 334).await;
    client.expect(&b64("\0user\0pas"), 535).await;
    client.expect("AUTH PLAIN !!notbase64!!", 501).await;
    client.expect("AUTH CRAM-MD5", 504).await;
    client.expect("MAIL FROM:<a@example.com>", 530).await;
}

#[tokio::test]
async fn auth_login_asks_for_user_then_password() {
    let sink = auth_sink().await;
    let mut client = Client::connect(&sink).await;
    client.expect("EHLO client.example", 250).await;
    let prompt = client.expect("AUTH LOGIN", 334).await;
    assert_eq!(prompt, "VXNlcm5hbWU6");
    let prompt = client.expect(&b64("user"), 334).await;
    assert_eq!(prompt, "UGFzc3dvcmQ6");
    client.expect(&b64("nope"), 535).await;
    client
        .expect(&format!("AUTH LOGIN {}", b64("user")), 334)
        .await;
    client.expect("*", 501).await;
    client.expect("AUTH LOGIN", 334).await;
    client.expect(&b64("user"), 334).await;
    client.expect(&b64("pass"), 235).await;
    client.expect("MAIL FROM:<a@example.com>", 250).await;
}

#[tokio::test]
async fn with_starttls_available_credentials_are_only_taken_over_tls() {
    let sink = SmtpSink::builder()
        .starttls(true)
        .auth("user", "pass")
        .start()
        .await
        .expect("sink");
    let mut client = Client::connect(&sink).await;
    let text = client.expect("EHLO client.example", 250).await;
    assert!(!text.contains("AUTH"), "no AUTH in clear: {text}");
    client
        .expect(&format!("AUTH PLAIN {}", b64("\0user\0pass")), 538)
        .await;
    client.expect("STARTTLS", 220).await;
    let mut client = client.into_tls().await;
    let text = client.expect("EHLO client.example", 250).await;
    assert!(text.contains("AUTH PLAIN LOGIN"), "{text}");
    client
        .expect(&format!("AUTH PLAIN {}", b64("\0user\0pass")), 235)
        .await;
    let message = client.deliver(&sink, "s", "x").await;
    assert!(message.tls);
    assert_eq!(message.authenticated_as.as_deref(), Some("user"));
}
