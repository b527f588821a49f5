//! `ForgotPassword`: a visitor who forgot their password asks for a reset link by email.

use super::{MailQueue, UnexpectedError};
use crate::mail_request::MailRequest;
use crate::values::EmailAddress;

/// Why a reset request could not be handled. There is deliberately no "unknown address"
/// variant: an unknown address is `Ok`, exactly like a known one.
#[derive(Debug, thiserror::Error)]
pub enum RequestResetError {
    #[error(transparent)]
    Unexpected(#[from] UnexpectedError),
}

/// The "Reset Password" request use case.
#[derive(Clone)]
pub struct ForgotPassword {
    mail: MailQueue,
}

impl ForgotPassword {
    /// Wires the use case: requests go to `mail`, and the dispatcher does the rest.
    pub fn new(mail: MailQueue) -> Self {
        Self { mail }
    }

    /// Handles "Reset Password": stores one request keyed by the address's normalized form,
    /// whether or not an account has it — the same single insert either way, so neither the
    /// answer nor its timing says who has an account. When this returns `Ok` the request is
    /// durable: a crash right after the answer loses nothing. The dispatcher later looks the
    /// address up, applies the per-address throttle, drops unknown addresses and mints the
    /// link at the moment it sends (see `MailPreparer`).
    ///
    /// # Errors
    /// Only `Unexpected`, when the request could not be stored.
    pub async fn request(&self, email: &EmailAddress) -> Result<(), RequestResetError> {
        let request = MailRequest::ResetPassword {
            address: email.normalized().to_owned(),
        };
        self.mail.queue(&request).await?;
        tracing::info!("password reset requested");
        Ok(())
    }
}
