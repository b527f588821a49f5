//! `AboutMe`: the profile text, at most 140 characters (may be empty), no control characters
//! but tabs and line breaks.

use super::control;

/// A user's "about me" text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AboutMe(String);

/// Why a string is not an [`AboutMe`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AboutMeError {
    #[error("About me is at most {max} characters.", max = AboutMe::MAX_CHARS)]
    TooLong,
    #[error("About me may not contain control characters.")]
    ControlCharacter,
}

impl AboutMe {
    /// The longest text, in characters.
    pub const MAX_CHARS: usize = 140;

    /// Parses the text as typed; surrounding whitespace is trimmed. Tabs and line breaks
    /// (`\n`, `\r\n`) are kept; any other control character (C0, DEL, C1) is refused.
    ///
    /// # Errors
    /// [`AboutMeError::TooLong`] above 140 characters, [`AboutMeError::ControlCharacter`].
    pub fn parse(raw: &str) -> Result<Self, AboutMeError> {
        let about = Self::from_stored(raw)?;
        if control::outside_layout(about.as_str()) {
            return Err(AboutMeError::ControlCharacter);
        }
        Ok(about)
    }

    /// Parses a text read back from storage under the rules it was written with: at most
    /// 140 characters after trimming. Texts stored before control characters were refused
    /// keep loading.
    ///
    /// # Errors
    /// [`AboutMeError::TooLong`] above 140 characters.
    pub fn from_stored(raw: &str) -> Result<Self, AboutMeError> {
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

    #[test]
    fn keeps_tabs_and_line_breaks_and_refuses_other_controls() {
        let kept = AboutMe::parse("tea\r\n\tcake").unwrap();
        assert_eq!(kept.as_str(), "tea\r\n\tcake");
        for bad in ["a\0b", "a\u{1b}[31m", "a\rb", "a\u{7f}", "a\u{85}b"] {
            assert_eq!(
                AboutMe::parse(bad),
                Err(AboutMeError::ControlCharacter),
                "{bad:?}"
            );
        }
        assert!(
            AboutMe::from_stored("a\0b").is_ok(),
            "older texts still load"
        );
    }
}
