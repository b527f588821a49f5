//! `PostBody`: 1–140 characters after trimming.

/// The text of a post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostBody(String);

/// Why a string is not a [`PostBody`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PostBodyError {
    #[error("Say something.")]
    Empty,
    #[error("Posts are at most {max} characters.", max = PostBody::MAX_CHARS)]
    TooLong,
}

impl PostBody {
    /// The longest post, in characters.
    pub const MAX_CHARS: usize = 140;

    /// Parses a post as typed; surrounding whitespace is trimmed.
    ///
    /// # Errors
    /// [`PostBodyError`] when nothing is left after trimming, or more than 140 characters.
    pub fn parse(raw: &str) -> Result<Self, PostBodyError> {
        let body = raw.trim();
        if body.is_empty() {
            return Err(PostBodyError::Empty);
        }
        if body.chars().count() > Self::MAX_CHARS {
            return Err(PostBodyError::TooLong);
        }
        Ok(Self(body.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_in_characters_not_bytes() {
        assert_eq!(PostBody::parse(" \n "), Err(PostBodyError::Empty));
        assert!(PostBody::parse(&"é".repeat(140)).is_ok());
        assert_eq!(
            PostBody::parse(&"é".repeat(141)),
            Err(PostBodyError::TooLong)
        );
        assert_eq!(PostBody::parse("  hi  ").unwrap().as_str(), "hi");
    }
}
