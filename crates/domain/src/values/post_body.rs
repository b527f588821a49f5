//! `PostBody`: 1–140 characters after trimming, no control characters but tabs and line
//! breaks.

use super::control;

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
    #[error("Post may not contain control characters.")]
    ControlCharacter,
}

impl PostBody {
    /// The longest post, in characters.
    pub const MAX_CHARS: usize = 140;

    /// Parses a post as typed; surrounding whitespace is trimmed. Tabs and line breaks
    /// (`\n`, `\r\n`) are kept; any other control character (C0, DEL, C1) is refused.
    ///
    /// # Errors
    /// [`PostBodyError`] when nothing is left after trimming, more than 140 characters, or
    /// a control character.
    pub fn parse(raw: &str) -> Result<Self, PostBodyError> {
        let body = Self::from_stored(raw)?;
        if control::outside_layout(body.as_str()) {
            return Err(PostBodyError::ControlCharacter);
        }
        Ok(body)
    }

    /// Parses a post read back from storage under the rules it was written with: 1–140
    /// characters after trimming. Posts stored before control characters were refused keep
    /// loading.
    ///
    /// # Errors
    /// [`PostBodyError::Empty`] or [`PostBodyError::TooLong`].
    pub fn from_stored(raw: &str) -> Result<Self, PostBodyError> {
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

    #[test]
    fn keeps_tabs_and_line_breaks_and_refuses_other_controls() {
        let kept = PostBody::parse("one\r\ntwo\n\tthree").unwrap();
        assert_eq!(kept.as_str(), "one\r\ntwo\n\tthree");
        for bad in ["a\0b", "a\u{1}b", "a\rb", "a\u{7f}", "a\u{85}b", "\u{9f}x"] {
            assert_eq!(
                PostBody::parse(bad),
                Err(PostBodyError::ControlCharacter),
                "{bad:?}"
            );
        }
        assert!(
            PostBody::from_stored("a\0b").is_ok(),
            "older posts still load"
        );
    }
}
