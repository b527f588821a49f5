//! `Username`: 1–64 characters, no whitespace, no `/`, no control characters, not `.`/`..`.

use std::fmt;

/// A user's public handle, as it appears in `/user/<username>`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Username(String);

/// Why a string is not a [`Username`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UsernameError {
    #[error("Username is required.")]
    Empty,
    #[error("Username must be at most {max} characters.", max = Username::MAX_CHARS)]
    TooLong,
    #[error("Username may not contain spaces, slashes or control characters.")]
    ForbiddenCharacter,
    #[error("Username may not be \".\" or \"..\".")]
    Reserved,
}

impl Username {
    /// The longest username accepted, in characters.
    pub const MAX_CHARS: usize = 64;

    /// Parses a username as typed (surrounding whitespace is trimmed).
    ///
    /// # Errors
    /// [`UsernameError`] when the name is empty, too long, or holds whitespace, `/` or a
    /// control character.
    pub fn parse(raw: &str) -> Result<Self, UsernameError> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(UsernameError::Empty);
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(UsernameError::TooLong);
        }
        let forbidden = |c: char| c.is_whitespace() || c == '/' || c.is_control();
        if name.chars().any(forbidden) {
            return Err(UsernameError::ForbiddenCharacter);
        }
        // Browsers collapse `/user/..` before sending it: such a profile could never be shown.
        if name == "." || name == ".." {
            return Err(UsernameError::Reserved);
        }
        Ok(Self(name.to_owned()))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_names_and_trims() {
        assert_eq!(Username::parse("  susan ").unwrap().as_str(), "susan");
        assert_eq!(Username::parse("Zoë_ο").unwrap().as_str(), "Zoë_ο");
        assert!(Username::parse(&"a".repeat(64)).is_ok());
    }

    #[test]
    fn refuses_empty_long_and_forbidden() {
        assert_eq!(Username::parse("   "), Err(UsernameError::Empty));
        assert_eq!(Username::parse(".."), Err(UsernameError::Reserved));
        assert_eq!(Username::parse("."), Err(UsernameError::Reserved));
        assert!(Username::parse("...").is_ok());
        assert_eq!(
            Username::parse(&"é".repeat(65)),
            Err(UsernameError::TooLong)
        );
        for bad in ["a b", "a/b", "a\tb", "a\u{0}b", "a\u{2003}b"] {
            assert_eq!(
                Username::parse(bad),
                Err(UsernameError::ForbiddenCharacter),
                "{bad:?}"
            );
        }
    }
}
