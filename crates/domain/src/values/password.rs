//! `Password` (plaintext, policy-checked, never printed) and `PasswordHash` (a PHC string).

use super::control;
use std::fmt;

/// A plaintext password that meets the policy: at least 8 characters, at most 1024 bytes
/// (so a megabyte "password" cannot tie up Argon2), no control characters (a browser's
/// password field cannot hold a line break and no keyboard types a NUL: such a password
/// could never be typed at sign-in). It has no `Debug` or `Display` that reveals it.
#[derive(Clone)]
pub struct Password(String);

/// Why a string is not an acceptable [`Password`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("Password must be at least {min} characters.", min = Password::MIN_CHARS)]
    TooShort,
    #[error("Password must be at most {max} bytes.", max = Password::MAX_BYTES)]
    TooLong,
    #[error("Password may not contain control characters.")]
    ControlCharacter,
}

impl Password {
    /// The shortest password accepted, in characters.
    pub const MIN_CHARS: usize = 8;
    /// The longest password accepted, in bytes.
    pub const MAX_BYTES: usize = 1024;

    /// Applies the password policy to a new password. It is taken exactly as typed (no
    /// trimming). Sign-in checks what is typed against the stored hash and never parses it,
    /// so existing passwords keep working whatever they hold.
    ///
    /// # Errors
    /// [`PasswordError`] when the password is too short, too long, or holds a control
    /// character.
    pub fn parse(raw: &str) -> Result<Self, PasswordError> {
        if raw.len() > Self::MAX_BYTES {
            return Err(PasswordError::TooLong);
        }
        if control::any(raw) {
            return Err(PasswordError::ControlCharacter);
        }
        if raw.chars().count() < Self::MIN_CHARS {
            return Err(PasswordError::TooShort);
        }
        Ok(Self(raw.to_owned()))
    }

    /// The plaintext, for the hasher only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// A password hash in PHC string format (`$argon2id$v=19$...`).
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Wraps a stored PHC string. The hasher validates it when verifying.
    pub fn from_phc(phc: impl Into<String>) -> Self {
        Self(phc.into())
    }

    /// The PHC string, for storage.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_bounds() {
        assert_eq!(
            Password::parse("1234567").err(),
            Some(PasswordError::TooShort)
        );
        assert!(Password::parse("12345678").is_ok());
        assert!(
            Password::parse("ééééééé").is_err(),
            "7 characters, 14 bytes"
        );
        assert!(Password::parse(&"x".repeat(1024)).is_ok());
        assert_eq!(
            Password::parse(&"x".repeat(1025)).err(),
            Some(PasswordError::TooLong)
        );
    }

    #[test]
    fn control_characters_are_refused_anywhere() {
        for bad in [
            "hunter2\0hunter2",
            "\thunter2hunter2",
            "hunter2hunter2\n",
            "hunter2\u{85}xx",
        ] {
            assert_eq!(
                Password::parse(bad).err(),
                Some(PasswordError::ControlCharacter),
                "{bad:?}"
            );
        }
        assert!(
            Password::parse("correct horse battery").is_ok(),
            "spaces are fine"
        );
    }

    #[test]
    fn debug_never_prints_the_secret() {
        let password = Password::parse("hunter2hunter2").unwrap();
        assert!(!format!("{password:?}").contains("hunter2"));
        let hash = PasswordHash::from_phc("$argon2id$secret");
        assert!(!format!("{hash:?}").contains("secret"));
    }
}
