//! `UnexpectedError`: what every service returns when something fails that the user cannot fix.

use crate::ports::{BoxError, RepoError};

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

/// A repository failure, as the services report it.
pub(crate) fn repo(error: RepoError) -> UnexpectedError {
    UnexpectedError::new("storage failed", error)
}
