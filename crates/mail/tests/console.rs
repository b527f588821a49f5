//! `ConsoleMailer` prints each email with its link clickable on a line of its own, and logs
//! that it did without the link.

use microblog_domain::ports::Mailer;
use microblog_domain::{Email, EmailKind};
use microblog_mail::ConsoleMailer;
use std::io::Write;
use std::sync::{Arc, Mutex};
use tracing_subscriber::fmt::MakeWriter;

/// A log destination the test can read back.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(|p| p.into_inner());
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn the_console_mailer_prints_the_link_and_keeps_it_out_of_the_log() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let link = "http://localhost:5000/reset_password/eyJ0eXAi.eyJyZXNldCI6MX0.sig";
    let email = Email {
        kind: EmailKind::ResetPassword,
        to: vec!["susan@example.com".into()],
        subject: "[Microblog] Reset Your Password".into(),
        text_body: format!(
            "Dear susan,\n\nTo reset your password click on the following link:\n\n{link}\n"
        ),
        html_body: "<p>Dear susan,</p>".into(),
    };
    let printed = Captured::default();
    let mailer = ConsoleMailer::printing_to("Microblog <noreply@example.com>", printed.clone());
    assert_eq!(mailer.send(&email).await, Ok(()));

    let record = captured.text();
    assert!(
        record.contains("INFO") && record.contains("email printed"),
        "{record}"
    );
    assert!(
        !record.contains("eyJ0eXAi") && !record.contains("reset_password/"),
        "no token in the log: {record}"
    );
    let log = printed.text();
    assert!(
        log.contains("From: Microblog <noreply@example.com>"),
        "{log}"
    );
    assert!(log.contains("To: susan@example.com"), "{log}");
    assert!(
        log.contains("Subject: [Microblog] Reset Your Password"),
        "{log}"
    );
    assert!(
        log.lines().any(|line| line == format!("| {link}")),
        "link whole on its line: {log}"
    );
}
