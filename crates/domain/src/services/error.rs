//! `UnexpectedError`: what every service returns when something fails that the user cannot fix.

use crate::ports::{BoxError, HashError, RepoError};

/// Something failed that the user cannot fix (storage, hashing, templates). Answer 500.
#[derive(Debug, thiserror::Error)]
#[error("{context}")]
pub struct UnexpectedError {
    context: &'static str,
    #[source]
    source: BoxError,
}

impl UnexpectedError {
    pub(crate) fn new(context: &'static str, source: impl Into<BoxError>) -> Self {
        Self {
            context,
            source: source.into(),
        }
    }
}

/// Too much password hashing at once: nothing was done. The user may simply try again in a
/// moment; the web layer answers 503 with `Retry-After`.
#[derive(Debug, thiserror::Error)]
#[error("The site is busy. Please try again in a moment.")]
pub struct Busy;

/// A hashing failure, as a use case's error: `Busy` past capacity, else unexpected.
pub(crate) fn hashing<E: From<Busy> + From<UnexpectedError>>(error: HashError) -> E {
    match error {
        HashError::Busy => Busy.into(),
        HashError::Failed(_) => UnexpectedError::new("hashing the password failed", error).into(),
    }
}

/// A repository failure, as the services report it.
pub(crate) fn repo(error: RepoError) -> UnexpectedError {
    UnexpectedError::new("storage failed", error)
}
