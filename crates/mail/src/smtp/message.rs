//! Turning a domain [`Email`] into an RFC 5322 message: multipart/alternative (text, then
//! HTML), From, To, Subject, Date, a Message-ID on the sender's domain and
//! `Auto-Submitted: auto-generated`, every header built by lettre's typed API.

use lettre::address::Envelope;
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message, MultiPart};
use microblog_domain::Email;
use microblog_domain::ports::MailError;

/// The envelope and the formatted content of `email`, from `sender`.
///
/// # Errors
/// [`MailError::Permanent`] when the email can never be sent as it is: no recipient, a
/// recipient that is not an address, a subject holding a line break (header injection).
pub(super) fn build(sender: &Mailbox, email: &Email) -> Result<(Envelope, Vec<u8>), MailError> {
    if email.to.is_empty() {
        return Err(MailError::Permanent("the email has no recipient".into()));
    }
    if email.subject.contains(['\r', '\n']) {
        return Err(MailError::Permanent(
            "the subject holds a line break (header injection refused)".into(),
        ));
    }
    let mut builder = Message::builder()
        .from(sender.clone())
        .subject(email.subject.as_str())
        .message_id(Some(message_id(sender)))
        .header(AutoSubmitted)
        .date_now();
    for to in &email.to {
        let mailbox: Mailbox = to.trim().parse().map_err(|e| {
            MailError::Permanent(format!("{to:?} is not a usable email address: {e}"))
        })?;
        builder = builder.to(mailbox);
    }
    let body = MultiPart::alternative_plain_html(email.text_body.clone(), email.html_body.clone());
    let message = builder
        .multipart(body)
        .map_err(|e| MailError::Permanent(format!("cannot build the message: {e}")))?;
    Ok((message.envelope().clone(), message.formatted()))
}

/// `<random@sender-domain>`: unique, and naming the domain the mail comes from rather than
/// the machine that happened to send it (lettre's default, e.g. `@vm`, which spam filters
/// score and which tells the world the host's name).
fn message_id(sender: &Mailbox) -> String {
    format!(
        "<{}@{}>",
        uuid::Uuid::new_v4().simple(),
        sender.email.domain()
    )
}

/// `Auto-Submitted: auto-generated` (RFC 3834): every email of this app is sent by a
/// program, so vacation responders and other automatic replies must not answer it.
#[derive(Clone, Copy, Debug)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use microblog_domain::EmailKind;

    fn sender() -> Mailbox {
        "Microblog <noreply@example.com>"
            .parse()
            .expect("valid sender")
    }

    fn email(to: &[&str], subject: &str) -> Email {
        Email {
            kind: EmailKind::Test,
            to: to.iter().map(|s| (*s).to_owned()).collect(),
            subject: subject.to_owned(),
            text_body: "text".into(),
            html_body: "<p>html</p>".into(),
        }
    }

    fn is_permanent(result: Result<(Envelope, Vec<u8>), MailError>) -> bool {
        matches!(result, Err(MailError::Permanent(_)))
    }

    #[test]
    fn the_envelope_holds_the_sender_and_every_recipient() {
        let (envelope, content) =
            build(&sender(), &email(&["a@example.com", "b@example.com"], "Hi")).expect("built");
        assert_eq!(
            envelope.from().map(ToString::to_string).as_deref(),
            Some("noreply@example.com")
        );
        let to: Vec<String> = envelope.to().iter().map(ToString::to_string).collect();
        assert_eq!(to, ["a@example.com", "b@example.com"]);
        let content = String::from_utf8(content).expect("ascii");
        for header in [
            "From: Microblog <noreply@example.com>",
            "Subject: Hi",
            "Message-ID: <",
            "Date: ",
        ] {
            assert!(content.contains(header), "missing {header}: {content}");
        }
        assert!(content.contains("multipart/alternative"));
    }

    #[test]
    fn message_ids_name_the_senders_domain_and_never_repeat() {
        let id = |content: Vec<u8>| {
            let content = String::from_utf8(content).expect("ascii");
            content
                .lines()
                .find_map(|l| l.strip_prefix("Message-ID: "))
                .map(str::to_owned)
                .expect("a Message-ID")
        };
        let mail = email(&["a@example.com"], "Hi");
        let first = id(build(&sender(), &mail).expect("built").1);
        let second = id(build(&sender(), &mail).expect("built").1);
        assert!(
            first.starts_with('<') && first.ends_with("@example.com>"),
            "{first}"
        );
        assert_ne!(first, second);
    }

    #[test]
    fn every_email_says_it_was_sent_automatically() {
        let (_, content) = build(&sender(), &email(&["a@example.com"], "Hi")).expect("built");
        let content = String::from_utf8(content).expect("ascii");
        assert!(
            content.contains("\r\nAuto-Submitted: auto-generated\r\n"),
            "{content}"
        );
    }

    #[test]
    fn a_subject_with_a_line_break_is_refused_not_injected() {
        for subject in [
            "Hi\r\nBcc: victim@example.com",
            "Hi\nBcc: x@example.com",
            "Hi\r",
        ] {
            assert!(is_permanent(build(
                &sender(),
                &email(&["a@example.com"], subject)
            )));
        }
    }

    #[test]
    fn recipients_that_are_not_addresses_are_refused() {
        for to in [
            "",
            "not an address",
            "a@example.com\r\nBcc: victim@example.com",
            "a@b@c",
        ] {
            assert!(
                is_permanent(build(&sender(), &email(&[to], "Hi"))),
                "{to:?}"
            );
        }
        assert!(is_permanent(build(&sender(), &email(&[], "Hi"))));
    }

    #[test]
    fn non_ascii_content_is_sent_seven_bit_clean() {
        let mut mail = email(&["a@example.com"], "Réinitialiser — ✓");
        mail.text_body = "Chère Zoë ✓".into();
        let (_, content) = build(&sender(), &mail).expect("built");
        assert!(content.is_ascii(), "encoded for any server");
    }
}
