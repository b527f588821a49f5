//! `EmailComposer`: renders an intent into subject, text and HTML.

use crate::email::{Email, EmailIntent};

/// Rendering failed: a template is missing or broken. A deployment bug, not a user error.
#[derive(Debug, thiserror::Error)]
#[error("could not compose the {kind} email")]
pub struct ComposeError {
    pub kind: &'static str,
    #[source]
    pub source: super::BoxError,
}

/// Turns what to say ([`EmailIntent`]) into a message ([`Email`]). Synchronous: rendering is
/// CPU work on templates loaded at start-up.
#[cfg_attr(feature = "mocks", mockall::automock)]
pub trait EmailComposer: Send + Sync {
    /// Composes one email to `to`. The HTML part MUST be escaped: every value taken from the
    /// intent is untrusted text (usernames, links, error messages).
    ///
    /// # Errors
    /// [`ComposeError`] when a template is missing or fails to render. It MUST NOT fail for
    /// any value of the intent's fields.
    fn compose(&self, to: Vec<String>, intent: &EmailIntent) -> Result<Email, ComposeError>;
}
