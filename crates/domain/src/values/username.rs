//! `Username`: 1–64 characters, no whitespace, `/` or control characters, not `.`/`..`; a
//! new one also no invisible or unassigned characters and one script. And its skeleton.

mod skeleton;
mod spoofing;

pub use skeleton::UsernameSkeleton;

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
    #[error("Username may not contain invisible or direction-changing characters.")]
    Invisible,
    #[error("Username may not contain unassigned or private-use characters.")]
    Unassigned,
    #[error("Username may not mix alphabets (for example Latin and Cyrillic).")]
    MixedScripts,
}

impl Username {
    /// The longest username accepted, in characters.
    pub const MAX_CHARS: usize = 64;

    /// Parses a name someone chooses, at registration or rename (surrounding whitespace is
    /// trimmed): every rule of [`Username::from_stored`], and no invisible or
    /// direction-changing character, no unassigned or private-use code point, and letters
    /// of one script (or of Latin with Han and kana, Bopomofo or Hangul). Whether it looks
    /// like a name that exists is storage's question: see [`Username::skeleton`].
    ///
    /// # Errors
    /// [`UsernameError`] when the name breaks a rule; the variant says which.
    pub fn parse(raw: &str) -> Result<Self, UsernameError> {
        let name = Self::from_stored(raw)?;
        spoofing::check(name.as_str())?;
        Ok(name)
    }

    /// Parses a name that may predate the rules against spoofing: the rules every name has
    /// always met (1–64 characters after trimming, no whitespace, `/` or control character,
    /// not `.` or `..`), and no more. For names read back from storage, so that accounts
    /// created before the rules keep working; and for names typed to *find* an existing
    /// account (sign-in, `/user/<name>`), which refuse nothing `parse` refuses to create.
    ///
    /// # Errors
    /// [`UsernameError`] when the name is empty, too long, reserved, or holds whitespace,
    /// `/` or a control character.
    pub fn from_stored(raw: &str) -> Result<Self, UsernameError> {
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

    /// What the name looks like: two names with one skeleton are one name to a reader
    /// (`alice`, `ALICE`, `аlice` with a Cyrillic `а`), so at most one of them may exist.
    pub fn skeleton(&self) -> UsernameSkeleton {
        UsernameSkeleton::of(&self.0)
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
        assert_eq!(Username::parse("Zoë_o").unwrap().as_str(), "Zoë_o");
        assert_eq!(Username::parse("Ζωή").unwrap().as_str(), "Ζωή");
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
        for bad in [
            "a b",
            "a/b",
            "a\tb",
            "a\u{0}b",
            "a\u{2003}b",
            "a\u{7f}",
            "a\u{85}b",
        ] {
            assert_eq!(
                Username::parse(bad),
                Err(UsernameError::ForbiddenCharacter),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn refuses_invisible_characters_and_mixed_scripts_in_new_names() {
        assert_eq!(
            Username::parse("al\u{200b}ice"),
            Err(UsernameError::Invisible)
        );
        assert_eq!(
            Username::parse("p\u{430}ypal"),
            Err(UsernameError::MixedScripts)
        );
        assert_eq!(
            Username::parse("Zoë_ο"),
            Err(UsernameError::MixedScripts),
            "a Greek omicron among Latin letters"
        );
    }

    #[test]
    fn stored_names_keep_loading_under_the_rules_they_were_made_with() {
        for legacy in ["al\u{200b}ice", "p\u{430}ypal", "Zoë_ο", "\u{e000}"] {
            let name = Username::from_stored(legacy).unwrap();
            assert_eq!(name.as_str(), legacy);
        }
        assert_eq!(
            Username::from_stored("a\0b"),
            Err(UsernameError::ForbiddenCharacter),
            "control characters were never allowed"
        );
    }

    #[test]
    fn the_skeleton_ignores_case_and_lookalikes() {
        let paypal = Username::parse("paypal").unwrap().skeleton();
        let cyrillic = Username::from_stored("p\u{430}ypal").unwrap().skeleton();
        let shouted = Username::parse("PAYPAL").unwrap().skeleton();
        assert_eq!(paypal, cyrillic);
        assert_eq!(paypal, shouted);
        assert_ne!(paypal, Username::parse("paypals").unwrap().skeleton());
    }
}
