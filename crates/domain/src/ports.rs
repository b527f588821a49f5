//! Ports: the traits adapters implement. Each documents what an implementation must return.
//!
//! With the `mocks` feature, mockall generates `MockUserRepository`, `MockPostRepository`,
//! `MockOutbox`, `MockMailer`, `MockEmailComposer`, `MockPasswordHasher` and `MockClock`
//! (and `MockSignInAttempts`, `MockSessionStore`, `MockTimelineStore`).

mod clock;
mod composer;
mod mailer;
mod outbox;
mod outbox_admin;
mod password_hasher;
mod posts;
mod sessions;
mod sign_in_attempts;
mod timelines;
mod users;

pub use clock::{Clock, SystemClock};
pub use composer::{ComposeError, EmailComposer};
pub use mailer::{MailError, Mailer};
pub use outbox::{Lease, LeaseState, Outbox, OutboxEntry, OutboxError, OutboxId};
pub use outbox_admin::{
    DeadLetters, DeadMail, DigestBuilder, DigestQueued, OutboxAdmin, OutboxRow, OutboxState,
    OutboxSummary, RetryOutcome, UnknownOutboxState,
};
pub use password_hasher::{HashError, PasswordHasher};
pub use posts::PostRepository;
pub use sessions::SessionStore;
pub use sign_in_attempts::{Admission, FailureOutcome, LockoutRule, SignInAttempts};
pub use timelines::{FeedLimits, RebuildBatch, TimelineStore};
pub use users::{CreateUserError, EmailChangeOutcome, UpdateProfileError, UserRepository};

#[cfg(feature = "mocks")]
pub use sessions::MockSessionStore;
#[cfg(feature = "mocks")]
pub use sign_in_attempts::MockSignInAttempts;
#[cfg(feature = "mocks")]
pub use timelines::MockTimelineStore;
#[cfg(feature = "mocks")]
pub use {
    clock::MockClock, composer::MockEmailComposer, mailer::MockMailer, outbox::MockOutbox,
    password_hasher::MockPasswordHasher, posts::MockPostRepository, users::MockUserRepository,
};

/// A boxed error from an adapter's infrastructure, kept for the log's cause chain.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The storage behind a repository failed (connection lost, query failed, corrupt row).
/// Nothing a user did can fix it; the web layer answers 500.
#[derive(Debug, thiserror::Error)]
#[error("storage failed")]
pub struct RepoError(#[source] pub BoxError);

impl RepoError {
    /// Wraps any infrastructure error.
    pub fn new(error: impl Into<BoxError>) -> Self {
        Self(error.into())
    }
}
