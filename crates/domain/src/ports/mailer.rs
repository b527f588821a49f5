//! `Mailer`: delivers one composed email, saying whether a failure is worth a retry.

use crate::email::Email;
use async_trait::async_trait;

/// Why a delivery failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    /// Worth retrying later: connection refused or reset, timeout, a 4xx reply.
    #[error("temporary mail failure: {0}")]
    Transient(String),
    /// Retrying this email will not help: a 5xx reply to `RCPT` or `DATA` such as a rejected
    /// recipient, a malformed address. The text is the server's reply.
    #[error("permanent mail failure: {0}")]
    Permanent(String),
    /// The mail settings cannot work until an operator changes them: the server's
    /// certificate is not trusted (`MAIL_CA_FILE`, the system trust store) or its name does
    /// not match, the credentials are refused (530/534/535/538). Not retried: retrying every
    /// few minutes would only hide the problem; the text says which setting to fix.
    #[error("mail settings problem: {0}")]
    Configuration(String),
}

impl MailError {
    /// Whether sending the same email again later can succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Transient(_))
    }
}

/// A mail transport.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait Mailer: Send + Sync {
    /// Delivers `email` to all its recipients. `Ok` means the server accepted the message.
    ///
    /// # Errors
    /// [`MailError::Transient`] when the failure may pass (connection refused, timeout, 4xx),
    /// [`MailError::Permanent`] when it will not for this email (a 5xx such as a rejected
    /// recipient, an address the transport cannot use), [`MailError::Configuration`] when it
    /// will not for any email until the settings change (an untrusted certificate, rejected
    /// credentials).
    /// An implementation MUST return within its configured timeouts, never hang.
    async fn send(&self, email: &Email) -> Result<(), MailError>;
}
