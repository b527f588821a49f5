//! Sorting lettre's SMTP errors into worth-a-retry and not.

use lettre::transport::smtp::Error;
use microblog_domain::ports::MailError;

/// Reply codes about logging in. They are 5xx, but they say the *transport's* settings are
/// wrong (MAIL_USERNAME/MAIL_PASSWORD, TLS), not that this email can never be delivered:
/// once an operator fixes the settings, the queued mail should still go out.
const AUTH_CODES: [&str; 4] = ["530", "534", "535", "538"];

/// Maps a lettre error to the domain's [`MailError`]:
///
/// - a 5xx reply (e.g. `550` recipient rejected, `552` too big, `554` refused) →
///   [`MailError::Permanent`], except the AUTH codes above;
/// - a message this server can never take (non-ASCII addresses without SMTPUTF8) →
///   [`MailError::Permanent`];
/// - everything else — a 4xx reply, connection refused or reset, timeouts, TLS failures,
///   unparsable replies, a server lacking STARTTLS or AUTH that the settings require →
///   [`MailError::Transient`].
pub(super) fn classify(error: &Error) -> MailError {
    let detail = error.to_string();
    let auth_refusal = error
        .status()
        .is_some_and(|code| AUTH_CODES.contains(&code.to_string().as_str()));
    if error.is_permanent() && !auth_refusal {
        return MailError::Permanent(detail);
    }
    if auth_refusal {
        return MailError::Transient(format!(
            "{detail} (check MAIL_USERNAME, MAIL_PASSWORD and MAIL_USE_TLS)"
        ));
    }
    // lettre reports "server lacks SMTPUTF8/8BITMIME for this message" as a client error
    // whose only distinguishing mark is its text.
    if error.is_client() && detail.contains("non-ascii") {
        return MailError::Permanent(detail);
    }
    MailError::Transient(detail)
}
