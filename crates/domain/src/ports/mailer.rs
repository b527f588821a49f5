//! `Mailer`: delivers one composed email, saying whether a failure is worth a retry.

use crate::email::Email;
use async_trait::async_trait;

/// Why a delivery failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    /// Worth retrying later: connection refused or reset, timeout, a 4xx reply, and
    /// rejected credentials (530/534/535/538: a configuration an operator can fix, after
    /// which queued mail must still go out).
    #[error("temporary mail failure: {0}")]
    Transient(String),
    /// Retrying will not help: a 5xx reply such as a rejected recipient, a malformed address.
    #[error("permanent mail failure: {0}")]
    Permanent(String),
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
    /// [`MailError::Transient`] when the failure may pass (connection refused, timeout, 4xx,
    /// rejected credentials), [`MailError::Permanent`] when it will not (other 5xx such as a
    /// rejected recipient, an address the transport cannot use).
    /// An implementation MUST return within its configured timeouts, never hang.
    async fn send(&self, email: &Email) -> Result<(), MailError>;
}
