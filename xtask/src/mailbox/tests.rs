//! The web inbox against real mail: sent by the app's `SmtpMailer` to the mailbox's SMTP
//! port, read back over HTTP.

use super::DevMailbox;
use microblog_domain::ports::Mailer;
use microblog_domain::{Email, EmailKind};
use microblog_mail::{SmtpConfig, SmtpMailer};
use microblog_testkit::smtp_sink::SmtpSink;
use reqwest::header::{CONTENT_SECURITY_POLICY, HOST};
use std::time::Duration;

async fn mailbox() -> DevMailbox {
    DevMailbox::start(SmtpSink::builder(), 0)
        .await
        .expect("mailbox starts")
}

async fn send(mailbox: &DevMailbox, subject: &str) {
    let mut config = SmtpConfig::new("127.0.0.1", "Microblog <no-reply@microblog.example>");
    config.port = mailbox.sink.port();
    let mailer = SmtpMailer::new(config).expect("valid settings");
    let email = Email {
        kind: EmailKind::ResetPassword,
        to: vec!["susan@example.com".into()],
        subject: subject.into(),
        text_body: "Click:\nhttp://127.0.0.1:5000/reset_password/abc.def\n".into(),
        html_body: "<p><a href=\"http://127.0.0.1:5000/reset_password/abc.def\">Reset</a></p>"
            .into(),
    };
    let before = mailbox.inbox.version();
    mailer.send(&email).await.expect("sent");
    for _ in 0..100 {
        if mailbox.inbox.version() != before {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the message never reached the web inbox");
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

async fn get_text(mailbox: &DevMailbox, path: &str) -> String {
    let response = client()
        .get(format!("{}{path}", mailbox.web_url()))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.expect("body")
}

#[tokio::test]
async fn mail_is_listed_newest_first_escaped_with_its_parts_headers_and_source() {
    let mailbox = mailbox().await;
    send(&mailbox, "First").await;
    send(&mailbox, "<script>alert(1)</script>").await;

    let list = get_text(&mailbox, "/").await;
    let (first, second) = (
        list.find("First").expect("first listed"),
        list.find("&lt;script&gt;").expect("second listed, escaped"),
    );
    assert!(second < first, "newest first");
    assert!(!list.contains("<script>alert"), "never raw markup");

    let page = get_text(&mailbox, "/messages/1").await;
    assert!(
        page.contains(
            "<a href=\"http:&#x2f;&#x2f;127.0.0.1:5000&#x2f;reset_password&#x2f;abc.def\">"
        ) || page.contains("<a href=\"http://127.0.0.1:5000/reset_password/abc.def\">"),
        "the text part's link is clickable: {page}"
    );
    assert!(page.contains("sandbox=\"allow-popups"), "{page}");
    assert!(page.contains("Auto-Submitted"), "headers shown: {page}");

    let raw = get_text(&mailbox, "/messages/1/raw").await;
    assert!(raw.contains("Subject: First"), "{raw}");

    let response = client()
        .get(format!("{}/messages/1/html", mailbox.web_url()))
        .send()
        .await
        .expect("answered");
    let policy = response.headers()[CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        policy.starts_with("sandbox ") && !policy.contains("allow-scripts"),
        "{policy}"
    );
    let html = response.text().await.unwrap();
    assert!(html.starts_with("<base target=\"_blank\">"), "{html}");
    mailbox.shutdown().await;
}

#[tokio::test]
async fn delete_all_empties_the_inbox_only_when_asked_from_its_own_page() {
    let mailbox = mailbox().await;
    send(&mailbox, "Keep me").await;
    let url = format!("{}/delete-all", mailbox.web_url());
    for (name, value) in [
        ("sec-fetch-site", "cross-site"),
        ("origin", "http://evil.example"),
    ] {
        let refused = client()
            .post(&url)
            .header(name, value)
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 403, "{name}: {value}");
    }
    assert_eq!(mailbox.inbox.newest_first().len(), 1);

    let version = mailbox.inbox.version();
    let done = client()
        .post(&url)
        .header("sec-fetch-site", "same-origin")
        .header("origin", mailbox.web_url())
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 303);
    assert!(mailbox.inbox.newest_first().is_empty());
    assert_ne!(mailbox.inbox.version(), version, "the page sees the change");
    let missing = client()
        .get(format!("{}/messages/1", mailbox.web_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    mailbox.shutdown().await;
}

#[tokio::test]
async fn another_host_name_is_refused_against_dns_rebinding() {
    let mailbox = mailbox().await;
    let answer = client()
        .get(format!("{}/", mailbox.web_url()))
        .header(HOST, "attacker.example")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 421);
    let version = get_text(&mailbox, "/api/version").await;
    assert_eq!(
        version,
        format!("{{\"version\":{}}}", mailbox.inbox.version())
    );
    mailbox.shutdown().await;
}
