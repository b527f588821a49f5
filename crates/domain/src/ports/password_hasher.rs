//! `PasswordHasher`: hashes and verifies passwords (slow on purpose).

use crate::values::{Password, PasswordHash};
use async_trait::async_trait;

/// Hashing failed (the hasher's parameters or its worker pool), not a wrong password.
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed")]
pub struct HashError(#[source] pub super::BoxError);

/// A password hashing scheme.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait PasswordHasher: Send + Sync {
    /// Hashes a password with a fresh salt, off the async reactor.
    ///
    /// # Errors
    /// [`HashError`] when the scheme fails; never for any password that passed the policy.
    async fn hash(&self, password: &Password) -> Result<PasswordHash, HashError>;

    /// Whether `candidate` matches `hash`, in time independent of where they differ. A
    /// malformed stored hash is a mismatch (`Ok(false)`), not an error. `candidate` is raw
    /// text: login accepts what the user typed, policy or not, up to the caller's size bound.
    ///
    /// # Errors
    /// [`HashError`] when the scheme itself fails.
    async fn verify(&self, candidate: &str, hash: &PasswordHash) -> Result<bool, HashError>;

    /// A valid hash of a random password, verified against when the user is unknown so an
    /// unknown username costs the same time as a wrong password.
    fn dummy_hash(&self) -> PasswordHash;
}
