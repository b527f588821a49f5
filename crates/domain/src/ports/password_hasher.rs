//! `PasswordHasher`: hashes and verifies passwords (slow on purpose).

use crate::values::{Password, PasswordHash};
use async_trait::async_trait;

/// Hashing did not happen or failed; never "wrong password".
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// Every hashing slot is taken and the short wait queue is full. Nothing was computed.
    /// Callers answer "busy, try again shortly" (503), never a 500: this is load, not a bug.
    #[error("password hashing is at capacity")]
    Busy,
    /// The scheme or its workers failed.
    #[error("password hashing failed")]
    Failed(#[source] super::BoxError),
}

/// A password hashing scheme.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait PasswordHasher: Send + Sync {
    /// Hashes a password with a fresh salt, off the async reactor. An implementation MUST
    /// bound the memory and threads it uses however many calls arrive at once: past its
    /// capacity it returns [`HashError::Busy`] at once rather than queueing without end.
    ///
    /// # Errors
    /// [`HashError::Busy`] past capacity; [`HashError::Failed`] when the scheme fails, never
    /// for any password that passed the policy.
    async fn hash(&self, password: &Password) -> Result<PasswordHash, HashError>;

    /// Whether `candidate` matches `hash`, in time independent of where they differ. A
    /// malformed stored hash is a mismatch (`Ok(false)`), not an error. `candidate` is raw
    /// text: login accepts what the user typed, policy or not, up to the caller's size bound.
    ///
    /// # Errors
    /// [`HashError::Busy`] past capacity (the same bound as `hash`: an unknown user's dummy
    /// verification waits in the same queue, so timings stay equal); [`HashError::Failed`]
    /// when the scheme itself fails.
    async fn verify(&self, candidate: &str, hash: &PasswordHash) -> Result<bool, HashError>;

    /// A valid hash of a random password, verified against when the user is unknown so an
    /// unknown username costs the same time as a wrong password.
    fn dummy_hash(&self) -> PasswordHash;
}
