//! `SmtpMailer` against the testkit's real SMTP sink on a random loopback port.

mod delivery;
mod failures;
mod security;
mod settings;

use microblog_domain::ports::{MailError, Mailer};
use microblog_domain::{Email, EmailKind};
use microblog_mail::{SmtpConfig, SmtpMailer};
use microblog_testkit::smtp_sink::{ReceivedMessage, SmtpSink};
use std::time::Duration;

/// Generous bound for what should happen at once on loopback.
const SOON: Duration = Duration::from_secs(10);

/// Plain SMTP to `port` on loopback, short timeouts.
fn config_for_port(port: u16) -> SmtpConfig {
    let mut config = SmtpConfig::new("127.0.0.1", "Microblog <noreply@example.com>");
    config.port = port;
    config.connect_timeout = Duration::from_secs(2);
    config.command_timeout = Duration::from_secs(5);
    config
}

fn config(sink: &SmtpSink) -> SmtpConfig {
    config_for_port(sink.port())
}

fn mailer(config: SmtpConfig) -> SmtpMailer {
    SmtpMailer::new(config).expect("valid mail settings")
}

/// Sends `email` and returns it as `sink` received it (waiting for its first recipient).
async fn deliver(mailer: &SmtpMailer, sink: &SmtpSink, email: &Email) -> ReceivedMessage {
    mailer.send(email).await.expect("delivered");
    sink.wait_for_message(&email.to[0], SOON)
        .await
        .expect("arrived")
}

fn is_transient(result: &Result<(), MailError>) -> bool {
    matches!(result, Err(MailError::Transient(_)))
}

fn is_permanent(result: &Result<(), MailError>) -> bool {
    matches!(result, Err(MailError::Permanent(_)))
}

fn email(to: &str, subject: &str) -> Email {
    Email {
        kind: EmailKind::ResetPassword,
        to: vec![to.to_owned()],
        subject: subject.to_owned(),
        text_body: format!(
            "Dear susan,\n\nTo reset your password click on the following link:\n\n\
             http://localhost:5000/reset_password/abc.def\n\n({subject})\n"
        ),
        html_body: format!("<p>Dear susan,</p>\n<p>{subject}</p>\n"),
    }
}
