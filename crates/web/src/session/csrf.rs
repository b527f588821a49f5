//! `CsrfToken`: the session's anti-forgery token, and a submitted one. Compared in constant
//! time, and never printed in full (`Debug` is redacted).

use super::random_hex;
use serde::{Deserialize, Serialize};
use std::fmt;
use subtle::ConstantTimeEq;

/// Random bytes in a CSRF token (160 bits).
const CSRF_BYTES: usize = 20;

/// A CSRF token: the session's, or what a form posted as `csrf_token`. Tokens are equal only
/// when their bytes are, compared in constant time.
#[derive(Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct CsrfToken(String);

impl CsrfToken {
    /// A fresh token from the operating system's randomness.
    ///
    /// # Errors
    /// When the operating system has no random bytes to give.
    pub(crate) fn random() -> Result<Self, getrandom::Error> {
        random_hex(CSRF_BYTES).map(Self)
    }

    /// The text, for the form's hidden field.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    #[cfg(test)]
    pub(crate) fn submitted(text: &str) -> Self {
        Self(text.to_owned())
    }
}

impl PartialEq for CsrfToken {
    fn eq(&self, other: &Self) -> bool {
        bool::from(self.0.as_bytes().ct_eq(other.0.as_bytes()))
    }
}

impl Eq for CsrfToken {}

impl fmt::Debug for CsrfToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CsrfToken(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_hex_and_never_printed() {
        let (a, b) = (CsrfToken::random().unwrap(), CsrfToken::random().unwrap());
        assert_eq!(a.as_str().len(), CSRF_BYTES * 2);
        assert_ne!(a, b);
        assert_eq!(a, CsrfToken::submitted(a.as_str()));
        assert_eq!(format!("{a:?}"), "CsrfToken(<redacted>)");
    }
}
