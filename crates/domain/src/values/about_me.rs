//! `AboutMe`: the profile text, at most 140 characters (may be empty).

/// A user's "about me" text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AboutMe(String);

/// Why a string is not an [`AboutMe`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AboutMeError {
    #[error("About me is at most {max} characters.", max = AboutMe::MAX_CHARS)]
    TooLong,
}

impl AboutMe {
    /// The longest text, in characters.
    pub const MAX_CHARS: usize = 140;

    /// Parses the text as typed; surrounding whitespace is trimmed.
    ///
    /// # Errors
    /// [`AboutMeError::TooLong`] above 140 characters.
    pub fn parse(raw: &str) -> Result<Self, AboutMeError> {
        let text = raw.trim();
        if text.chars().count() > Self::MAX_CHARS {
            return Err(AboutMeError::TooLong);
        }
        Ok(Self(text.to_owned()))
    }

    /// The text (possibly empty).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_is_fine_long_is_not() {
        assert_eq!(AboutMe::parse("").unwrap().as_str(), "");
        assert!(AboutMe::parse(&"x".repeat(140)).is_ok());
        assert_eq!(AboutMe::parse(&"x".repeat(141)), Err(AboutMeError::TooLong));
    }
}
