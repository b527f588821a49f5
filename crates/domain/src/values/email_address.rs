//! `EmailAddress`: kept as entered, with a normalized form (trim, NFKC, lower case) for lookup.

use super::control;
use std::fmt;
use unicode_normalization::UnicodeNormalization;

/// An email address. [`EmailAddress::as_str`] is what the user typed (trimmed) and what mail is
/// sent to; [`EmailAddress::normalized`] is the lookup key that makes `Alice@Example.com` and
/// `alice@example.com` the same account.
///
/// Normalization is NFKD, a *per-character* lower-casing that never maps a non-ASCII letter
/// onto ASCII, then NFC: `alıce@` (dotless ı) and `alİce@` (whose key is `ali̇ce@`, with the
/// combining dot) stay distinct from `alice@`. (NFKC itself only folds what Unicode declares equivalent, such as full-width
/// letters or the Kelvin sign; and mail always goes to the *stored* address, never the typed
/// one, so even an equivalent spelling cannot redirect a reset link.)
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress {
    entered: String,
    normalized: String,
}

/// Why a string is not an [`EmailAddress`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EmailAddressError {
    #[error("Email is required.")]
    Empty,
    #[error("Email address is too long.")]
    TooLong,
    #[error("Invalid email address.")]
    Invalid,
    #[error("Email may not contain control characters.")]
    ControlCharacter,
}

impl EmailAddress {
    /// The longest address accepted, in bytes (RFC 5321's path limit).
    pub const MAX_BYTES: usize = 254;

    /// Parses an address: one `@`, a non-empty local part, a dotted domain, no whitespace,
    /// control characters, or characters that would break a mail header.
    ///
    /// # Errors
    /// [`EmailAddressError`] when the address is empty, too long, holds a control character
    /// or is malformed.
    pub fn parse(raw: &str) -> Result<Self, EmailAddressError> {
        let entered = raw.trim();
        if control::any(entered) {
            return Err(EmailAddressError::ControlCharacter);
        }
        check_syntax(entered)?;
        let normalized = normalize(entered);
        // A compatibility form can hide a space, a second `@` or a character that breaks a
        // header (`¨` is a space and a combining diaeresis, `＠` is `@`, `＜` is `<`): the key
        // must be a well-formed address too, so it is a fixed point and never says more.
        check_syntax(&normalized)?;
        Ok(Self {
            entered: entered.to_owned(),
            normalized,
        })
    }

    /// An address read back from storage with the key stored beside it, both written by
    /// [`EmailAddress::parse`]: checked only for what would make it dangerous to mail (a
    /// control character, no `@`), not normalized again; a page lists dozens of authors.
    ///
    /// # Errors
    /// [`EmailAddressError`] when either form is empty, holds a control character or no `@`.
    pub fn from_stored(entered: &str, normalized: &str) -> Result<Self, EmailAddressError> {
        for form in [entered, normalized] {
            if form.is_empty() {
                return Err(EmailAddressError::Empty);
            }
            if control::any(form) {
                return Err(EmailAddressError::ControlCharacter);
            }
            if !form.contains('@') {
                return Err(EmailAddressError::Invalid);
            }
        }
        Ok(Self {
            entered: entered.to_owned(),
            normalized: normalized.to_owned(),
        })
    }

    /// The address as entered (trimmed): where mail goes.
    pub fn as_str(&self) -> &str {
        &self.entered
    }

    /// The lookup key: NFKC, then lower-cased without crossing from non-ASCII into ASCII.
    pub fn normalized(&self) -> &str {
        &self.normalized
    }

    /// The address with all but a hint hidden, for telling its owner which address a notice
    /// is about without handing it to whoever reads the notice: `mary@example.com` →
    /// `m•••@e•••.com` (first character of the local part and of the domain, and the
    /// top-level domain).
    pub fn masked(&self) -> String {
        let (local, domain) = self
            .entered
            .rsplit_once('@')
            .expect("a parsed address has an `@`");
        let (host, top_level) = domain
            .rsplit_once('.')
            .expect("a parsed address has a dotted domain");
        let first = |part: &str| part.chars().next().map(String::from).unwrap_or_default();
        format!("{}•••@{}•••.{top_level}", first(local), first(host))
    }
}

/// One `@`, a non-empty local part, a dotted domain, at most [`EmailAddress::MAX_BYTES`], no
/// whitespace, control characters, or characters that would break a mail header.
fn check_syntax(address: &str) -> Result<(), EmailAddressError> {
    if address.is_empty() {
        return Err(EmailAddressError::Empty);
    }
    if address.len() > EmailAddress::MAX_BYTES {
        return Err(EmailAddressError::TooLong);
    }
    let (local, domain) = address.split_once('@').ok_or(EmailAddressError::Invalid)?;
    let bad_char = |c: char| {
        c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"' | '\\')
    };
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !domain.contains('@');
    if local.is_empty() || !domain_ok || address.chars().any(bad_char) {
        return Err(EmailAddressError::Invalid);
    }
    Ok(())
}

fn normalize(address: &str) -> String {
    // Decompose first (NFKD), so a capital with a mark (`İ` = `I` + U+0307, `J` + caron)
    // lower-cases exactly like its small twin; then compose again (NFC), so `j` + caron and
    // `ǰ` are one key. Composition never produces ASCII, so the lookalike guarantee holds.
    let lowered: String = address
        .nfkd()
        .flat_map(lowercase_without_ascii_folding)
        .collect();
    lowered.nfc().collect()
}

/// Lower-cases one character, except where a non-ASCII character would become (partly)
/// ASCII, as `İ` → `i̇` would: such characters are kept as they are.
fn lowercase_without_ascii_folding(c: char) -> Vec<char> {
    let lower: Vec<char> = c.to_lowercase().collect();
    if !c.is_ascii() && lower.iter().any(char::is_ascii) {
        vec![c]
    } else {
        lower
    }
}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("EmailAddress").field(&self.entered).finish()
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.entered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_keeps_only_first_letters_and_the_top_level_domain() {
        let masked = |raw: &str| EmailAddress::parse(raw).unwrap().masked();
        assert_eq!(masked("mary@example.com"), "m•••@e•••.com");
        assert_eq!(masked("Bob.Smith@mail.corp.example.org"), "B•••@m•••.org");
        assert_eq!(masked("émile@été.fr"), "é•••@é•••.fr");
        assert!(!masked("secret-name@hidden.net").contains("secret"));
    }

    #[test]
    fn a_stored_address_comes_back_as_parsed_and_a_damaged_one_is_refused() {
        let parsed = EmailAddress::parse("Susan@Example.COM").unwrap();
        let stored = EmailAddress::from_stored(parsed.as_str(), parsed.normalized()).unwrap();
        assert_eq!(stored, parsed);
        let refused = |entered: &str, key: &str| EmailAddress::from_stored(entered, key);
        assert_eq!(refused("", "a@b.c"), Err(EmailAddressError::Empty));
        assert_eq!(
            refused("a@b.c\r\nBcc: x@y.z", "a@b.c"),
            Err(EmailAddressError::ControlCharacter)
        );
        assert_eq!(refused("a@b.c", "ab.c"), Err(EmailAddressError::Invalid));
    }

    #[test]
    fn keeps_what_was_entered_and_normalizes_case() {
        let email = EmailAddress::parse("  Susan@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "Susan@Example.COM");
        assert_eq!(email.normalized(), "susan@example.com");
    }

    #[test]
    fn one_address_spelled_two_ways_has_one_key() {
        let upper = EmailAddress::parse("J\u{30c}@a.com").unwrap();
        let lower = EmailAddress::parse("j\u{30c}@a.com").unwrap();
        assert_eq!(upper.normalized(), lower.normalized());
        let again = EmailAddress::parse(lower.normalized()).unwrap();
        assert_eq!(
            again.normalized(),
            lower.normalized(),
            "the key is a fixed point"
        );
    }

    #[test]
    fn nfkc_folds_compatibility_forms() {
        let fullwidth = EmailAddress::parse("ａｌｉｃｅ@example.com").unwrap();
        assert_eq!(fullwidth.normalized(), "alice@example.com");
    }

    #[test]
    fn lookalikes_do_not_normalize_onto_ascii_addresses() {
        let ascii = EmailAddress::parse("alice@example.com").unwrap();
        for lookalike in [
            "alıce@example.com",
            "alİce@example.com",
            "аlice@example.com",
        ] {
            let parsed = EmailAddress::parse(lookalike).unwrap();
            assert_ne!(parsed.normalized(), ascii.normalized(), "{lookalike}");
        }
        let dotted = EmailAddress::parse("alİce@example.com").unwrap();
        assert_ne!(dotted.normalized(), "alice@example.com");
        assert_eq!(
            dotted.normalized(),
            "ali\u{307}ce@example.com",
            "İ is I + U+0307"
        );
    }

    #[test]
    fn refuses_addresses_whose_compatibility_form_is_malformed() {
        for hidden in [
            "\u{a8}.@a.com",          // ¨ is a space and a combining diaeresis
            "a\u{ff20}b@example.com", // ＠ is a second @
            "\u{ff1c}a@example.com",  // ＜ is <
            "a@example.com\u{2024}",  // ․ (one dot leader) ends the domain with a dot
        ] {
            assert_eq!(
                EmailAddress::parse(hidden),
                Err(EmailAddressError::Invalid),
                "{hidden:?}"
            );
        }
        let expands = format!("{}@example.com", "\u{fdfa}".repeat(20));
        assert_eq!(
            EmailAddress::parse(&expands),
            Err(EmailAddressError::TooLong),
            "one character may expand to eighteen"
        );
    }

    #[test]
    fn refuses_malformed_addresses() {
        assert_eq!(EmailAddress::parse(" "), Err(EmailAddressError::Empty));
        for bad in [
            "plain",
            "@example.com",
            "a@",
            "a@b",
            "a@.com",
            "a@b..com",
            "a b@example.com",
            "a@b@example.com",
            "a\r\nBcc: x@y.z@example.com",
            "<a@example.com>",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?}");
        }
        for control in [
            "a\0@example.com",
            "a@exa\u{7f}mple.com",
            "a\u{85}b@example.com",
        ] {
            assert_eq!(
                EmailAddress::parse(control),
                Err(EmailAddressError::ControlCharacter),
                "{control:?}"
            );
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(EmailAddress::parse(&long), Err(EmailAddressError::TooLong));
    }
}
