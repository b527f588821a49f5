//! `SecretKey`: the application's master secret, from which purpose-bound keys are derived.

use std::fmt;

/// The master secret (`SECRET_KEY`). Never used directly: [`SecretKey::derive`] gives each
/// purpose (reset tokens, token fingerprints, session cookies) its own key, so a key leaked
/// from one use is useless for another.
#[derive(Clone)]
pub struct SecretKey(Vec<u8>);

/// Why a string is not a usable [`SecretKey`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SecretKeyError {
    #[error("must be at least {min} bytes long", min = SecretKey::MIN_BYTES)]
    TooShort,
}

impl SecretKey {
    /// The shortest secret accepted, in bytes.
    pub const MIN_BYTES: usize = 32;

    /// Accepts a configured secret.
    ///
    /// # Errors
    /// [`SecretKeyError::TooShort`] below 32 bytes.
    pub fn parse(raw: &str) -> Result<Self, SecretKeyError> {
        if raw.len() < Self::MIN_BYTES {
            return Err(SecretKeyError::TooShort);
        }
        Ok(Self(raw.as_bytes().to_vec()))
    }

    /// A fresh random secret (for a process started without `SECRET_KEY`).
    pub fn random() -> Self {
        // 32 bytes from the OS, through jwt-simple's key generator.
        Self(jwt_simple::prelude::HS256Key::generate().to_bytes())
    }

    /// A 32-byte key for one purpose: HMAC-SHA256(secret, purpose).
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        hmac_sha256::HMAC::mac(purpose.as_bytes(), &self.0)
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_secrets_are_refused() {
        assert_eq!(
            SecretKey::parse("you-will-never-guess").err(),
            Some(SecretKeyError::TooShort)
        );
    }

    #[test]
    fn derived_keys_differ_by_purpose_and_secret() {
        let a = SecretKey::parse(&"a".repeat(32)).unwrap();
        let b = SecretKey::parse(&"b".repeat(32)).unwrap();
        assert_ne!(a.derive("reset"), a.derive("session"));
        assert_ne!(a.derive("reset"), b.derive("reset"));
        assert_eq!(a.derive("reset"), a.derive("reset"));
        assert_ne!(
            SecretKey::random().derive("x"),
            SecretKey::random().derive("x")
        );
    }
}
