//! `send_test_email`: what `microblog send-test-email <address>` does.

use microblog_domain::EmailIntent;
use microblog_domain::ports::{EmailComposer, MailError, Mailer};
use time::OffsetDateTime;

/// Composes the test email for `to` and sends it at once (no outbox, no retry), so an
/// operator sees straight away whether the mail settings work.
///
/// # Errors
/// What the mailer returns; a composing failure (broken templates) is reported as
/// [`MailError::Permanent`].
pub async fn send_test_email(
    mailer: &dyn Mailer,
    composer: &dyn EmailComposer,
    to: &str,
) -> Result<(), MailError> {
    let intent = EmailIntent::Test {
        sent_at: OffsetDateTime::now_utc(),
    };
    let email = composer
        .compose(vec![to.trim().to_owned()], &intent)
        .map_err(|e| MailError::Permanent(format!("{e}: {}", source_text(&e))))?;
    mailer.send(&email).await
}

fn source_text(error: &dyn std::error::Error) -> String {
    error.source().map(ToString::to_string).unwrap_or_default()
}
