//! `ConsoleMailer`: "sends" by printing, for when `MAIL_SERVER` is unset (development).

use async_trait::async_trait;
use microblog_domain::Email;
use microblog_domain::ports::{MailError, Mailer};
use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

/// Prints every email to standard output — From, To, Subject and the whole text part, so a
/// reset link can be followed straight from the terminal — and logs at INFO only that it
/// did (kind and recipient count): the link is printed, never part of a log record, so no
/// log line at INFO or above carries a token to a log collector. Never fails.
#[derive(Clone)]
pub struct ConsoleMailer {
    sender: String,
    output: Arc<Mutex<Box<dyn Write + Send>>>,
}

impl std::fmt::Debug for ConsoleMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsoleMailer")
            .field("sender", &self.sender)
            .finish_non_exhaustive()
    }
}

impl ConsoleMailer {
    /// A console mailer that shows `sender` as the From, printing to standard output.
    pub fn new(sender: impl Into<String>) -> Self {
        Self::printing_to(sender, std::io::stdout())
    }

    /// A console mailer printing to `output` (tests read it back).
    pub fn printing_to(sender: impl Into<String>, output: impl Write + Send + 'static) -> Self {
        Self {
            sender: sender.into(),
            output: Arc::new(Mutex::new(Box::new(output))),
        }
    }
}

#[async_trait]
impl Mailer for ConsoleMailer {
    async fn send(&self, email: &Email) -> Result<(), MailError> {
        let shown = format_email(&self.sender, email);
        {
            let mut output = self.output.lock().unwrap_or_else(PoisonError::into_inner);
            // A console that cannot be written to loses the development copy only.
            let _ = writeln!(
                output,
                "---- email not sent (MAIL_SERVER is unset), here it is:\n{shown}\n----"
            );
            let _ = output.flush();
        }
        tracing::info!(
            kind = email.kind.as_str(),
            recipients = email.to.len(),
            "email printed to the console (MAIL_SERVER is unset)"
        );
        Ok(())
    }
}

/// The console rendering of `email`: headers, then the text part with every line behind a
/// `| ` margin. The margin keeps text from the email (a username, say) from passing for a
/// log line of its own; links stay whole on their line, so terminals still make them
/// clickable.
pub fn format_email(sender: &str, email: &Email) -> String {
    let mut out = format!(
        "From: {}\nTo: {}\nSubject: {}\n",
        one_line(sender),
        one_line(&email.to.join(", ")),
        one_line(&email.subject)
    );
    for line in email.text_body.lines() {
        out.push_str("| ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&format!(
        "(and an HTML part of {} bytes)",
        email.html_body.len()
    ));
    out
}

/// `text` with control characters (line breaks included) shown escaped.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use microblog_domain::EmailKind;

    fn reset_email(link: &str) -> Email {
        Email {
            kind: EmailKind::ResetPassword,
            to: vec!["susan@example.com".into()],
            subject: "[Microblog] Reset Your Password".into(),
            text_body: format!(
                "Dear susan,\n\nTo reset your password click on the following link:\n\n{link}\n\nSincerely,\n"
            ),
            html_body: "<p>html</p>".into(),
        }
    }

    #[test]
    fn the_console_shows_headers_and_the_link_whole_on_its_own_line() {
        let link = "http://localhost:5000/reset_password/abc.def.ghi";
        let shown = format_email("Microblog <noreply@example.com>", &reset_email(link));
        assert!(shown.starts_with(
            "From: Microblog <noreply@example.com>\nTo: susan@example.com\n\
             Subject: [Microblog] Reset Your Password\n"
        ));
        assert!(
            shown.lines().any(|line| line == format!("| {link}")),
            "{shown}"
        );
        assert!(shown.contains("| Dear susan,"));
    }

    #[test]
    fn a_line_break_in_a_header_cannot_forge_another_line() {
        let mut email = reset_email("x");
        email.subject = "Hi\nTo: attacker@example.com".into();
        let shown = format_email("noreply@example.com", &email);
        assert!(
            shown.contains("Subject: Hi\\nTo: attacker@example.com\n"),
            "{shown}"
        );
        assert_eq!(shown.lines().filter(|l| l.starts_with("To: ")).count(), 1);
    }
}
