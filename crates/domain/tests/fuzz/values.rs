//! Targets for the value-object parsers and pagination: never a panic, and what a parsed
//! value promises (trimmed, bounded in characters and bytes, stable when parsed again, no
//! control character). Usernames have their own file.

use super::forbidden::{forbidden_in_field, forbidden_in_prose};
use super::harness::{Target, execute};
use super::text::{ascii_email, email_like, field, lookalike_char, near_limit, text};
use microblog_domain::values::{
    AboutMe, AboutMeError, EmailAddress, EmailAddressError, Password, PasswordError, PostBody,
    PostBodyError, SecretKey,
};
use microblog_domain::{Page, PageRequest};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::Config;
use unicode_normalization::UnicodeNormalization;

/// Every target in this file.
pub const TARGETS: &[Target] = &[
    Target {
        name: "email_parse",
        run: email_parse,
    },
    Target {
        name: "email_lookalikes",
        run: email_lookalikes,
    },
    Target {
        name: "password_parse",
        run: password_parse,
    },
    Target {
        name: "post_body_parse",
        run: post_body_parse,
    },
    Target {
        name: "about_me_parse",
        run: about_me_parse,
    },
    Target {
        name: "secret_key_parse",
        run: secret_key_parse,
    },
    Target {
        name: "page_request_new",
        run: page_request_new,
    },
];

pub fn email_parse(config: Config) -> Result<u64, String> {
    execute(config, email_like(), |raw| {
        let trimmed = raw.trim();
        match EmailAddress::parse(&raw) {
            Ok(email) => check_email(&email, trimmed)?,
            Err(EmailAddressError::Empty) => prop_assert!(trimmed.is_empty()),
            Err(EmailAddressError::TooLong) => {
                // Too long as typed, or its key is: only non-ASCII can expand under NFKD.
                prop_assert!(trimmed.len() > EmailAddress::MAX_BYTES || !trimmed.is_ascii());
            }
            Err(EmailAddressError::Invalid) => {
                prop_assert!(!trimmed.is_empty() && trimmed.len() <= EmailAddress::MAX_BYTES);
            }
            Err(EmailAddressError::ControlCharacter) => {
                prop_assert!(forbidden_in_field(trimmed));
            }
        }
        Ok(())
    })
}

/// What a parsed address promises.
fn check_email(email: &EmailAddress, trimmed: &str) -> Result<(), TestCaseError> {
    let entered = email.as_str();
    prop_assert_eq!(entered, trimmed);
    prop_assert!(!forbidden_in_field(entered), "no control character");
    prop_assert!(entered.len() <= EmailAddress::MAX_BYTES);
    prop_assert_eq!(entered.matches('@').count(), 1, "exactly one @");
    let header_breaking = |c: char| {
        c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"' | '\\')
    };
    prop_assert!(
        !entered.chars().any(header_breaking),
        "nothing that breaks a header"
    );
    let again = EmailAddress::parse(entered);
    prop_assert_eq!(again.as_ref(), Ok(email), "parse is idempotent");
    // The only ASCII in the lookup key comes from the ASCII of the NFKD form, lower-cased:
    // no non-ASCII character becomes ASCII except where Unicode says they are the same. (The
    // final NFC may fold an ASCII letter and a combining mark into one non-ASCII letter, as
    // `t` + U+0308 → `ẗ`, so the key's ASCII is a subsequence, not always all of it.)
    let ascii_of_nfkd: String = entered
        .nfkd()
        .filter(char::is_ascii)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let ascii_of_key: String = email.normalized().chars().filter(char::is_ascii).collect();
    prop_assert!(
        is_subsequence(&ascii_of_key, &ascii_of_nfkd),
        "key ASCII {ascii_of_key:?} not drawn from {ascii_of_nfkd:?}"
    );
    if entered.is_ascii() {
        prop_assert_eq!(email.normalized(), entered.to_ascii_lowercase());
    }
    let again = EmailAddress::parse(email.normalized());
    prop_assert_eq!(
        again.as_ref().map(EmailAddress::normalized),
        Ok(email.normalized()),
        "the key is itself an address, and a fixed point"
    );
    let shouted = EmailAddress::parse(&entered.to_ascii_uppercase());
    prop_assert_eq!(
        shouted.as_ref().map(EmailAddress::normalized),
        Ok(email.normalized()),
        "ASCII case never matters"
    );
    Ok(())
}

pub fn email_lookalikes(config: Config) -> Result<u64, String> {
    let strategy = (ascii_email(), any::<Index>(), lookalike_char());
    execute(config, strategy, |(ascii, at, lookalike)| {
        let original =
            EmailAddress::parse(&ascii).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut chars: Vec<char> = ascii.chars().collect();
        let i = at.index(chars.len());
        chars[i] = lookalike;
        let spoof: String = chars.into_iter().collect();
        if let Ok(spoof) = EmailAddress::parse(&spoof) {
            prop_assert_ne!(spoof.normalized(), original.normalized());
        }
        Ok(())
    })
}

pub fn password_parse(config: Config) -> Result<u64, String> {
    let strategy = prop_oneof![
        3 => field(2 * Password::MIN_CHARS),
        1 => near_limit(Password::MIN_CHARS),
        1 => near_limit(Password::MAX_BYTES),
        1 => near_limit(Password::MAX_BYTES / 2),
        1 => near_limit(Password::MAX_BYTES / 4),
    ];
    execute(config, strategy, |raw| {
        let long_enough = raw.chars().count() >= Password::MIN_CHARS;
        match Password::parse(&raw) {
            Ok(password) => {
                prop_assert_eq!(password.expose(), raw.as_str(), "taken exactly as typed");
                prop_assert!(raw.len() <= Password::MAX_BYTES && long_enough);
                prop_assert!(!forbidden_in_field(&raw), "no control character");
                let debug = format!("{password:?}");
                prop_assert!(debug.contains(&raw) == "Password(<redacted>)".contains(&raw));
            }
            Err(PasswordError::TooLong) => prop_assert!(raw.len() > Password::MAX_BYTES),
            Err(PasswordError::TooShort) => {
                prop_assert!(raw.len() <= Password::MAX_BYTES && !long_enough);
            }
            Err(PasswordError::ControlCharacter) => prop_assert!(forbidden_in_field(&raw)),
        }
        Ok(())
    })
}

pub fn post_body_parse(config: Config) -> Result<u64, String> {
    execute(config, field(PostBody::MAX_CHARS), |raw| {
        let trimmed = raw.trim();
        match PostBody::parse(&raw) {
            Ok(body) => {
                prop_assert_eq!(body.as_str(), trimmed);
                let chars = body.as_str().chars().count();
                prop_assert!((1..=PostBody::MAX_CHARS).contains(&chars));
                prop_assert!(!forbidden_in_prose(body.as_str()), "no control character");
                prop_assert!(body.as_str().len() <= 4 * PostBody::MAX_CHARS);
                prop_assert_eq!(PostBody::parse(body.as_str()), Ok(body.clone()));
            }
            Err(PostBodyError::Empty) => prop_assert!(trimmed.is_empty()),
            Err(PostBodyError::TooLong) => {
                prop_assert!(trimmed.chars().count() > PostBody::MAX_CHARS);
            }
            Err(PostBodyError::ControlCharacter) => prop_assert!(forbidden_in_prose(trimmed)),
        }
        Ok(())
    })
}

pub fn about_me_parse(config: Config) -> Result<u64, String> {
    execute(config, field(AboutMe::MAX_CHARS), |raw| {
        let trimmed = raw.trim();
        match AboutMe::parse(&raw) {
            Ok(about) => {
                prop_assert_eq!(about.as_str(), trimmed);
                prop_assert!(about.as_str().chars().count() <= AboutMe::MAX_CHARS);
                prop_assert!(!forbidden_in_prose(about.as_str()), "no control character");
                prop_assert!(about.as_str().len() <= 4 * AboutMe::MAX_CHARS);
                prop_assert_eq!(AboutMe::parse(about.as_str()), Ok(about.clone()));
            }
            Err(AboutMeError::TooLong) => {
                prop_assert!(trimmed.chars().count() > AboutMe::MAX_CHARS);
            }
            Err(AboutMeError::ControlCharacter) => prop_assert!(forbidden_in_prose(trimmed)),
        }
        Ok(())
    })
}

pub fn secret_key_parse(config: Config) -> Result<u64, String> {
    let strategy = (
        field(SecretKey::MIN_BYTES),
        field(SecretKey::MIN_BYTES),
        text(24),
        text(24),
    );
    execute(config, strategy, |(raw, other, purpose, other_purpose)| {
        match SecretKey::parse(&raw) {
            Ok(key) => {
                prop_assert!(raw.len() >= SecretKey::MIN_BYTES);
                let debug = format!("{key:?}");
                prop_assert!(!debug.contains(&raw), "Debug never shows the secret");
                prop_assert_eq!(key.derive(&purpose), key.derive(&purpose), "deterministic");
                if purpose != other_purpose {
                    prop_assert_ne!(key.derive(&purpose), key.derive(&other_purpose));
                }
                if let Ok(other_key) = SecretKey::parse(&other)
                    && other != raw
                {
                    prop_assert_ne!(key.derive(&purpose), other_key.derive(&purpose));
                }
            }
            Err(_) => prop_assert!(raw.len() < SecretKey::MIN_BYTES),
        }
        Ok(())
    })
}

pub fn page_request_new(config: Config) -> Result<u64, String> {
    let count = prop_oneof![any::<u32>(), 0u32..4, Just(u32::MAX), Just(401u32)];
    let strategy = (count.clone(), count, 1u32..40, 0usize..90);
    execute(
        config,
        strategy,
        |(page, per_page, small_per_page, rows)| {
            let request = PageRequest::new(page, per_page);
            prop_assert_eq!(request.number(), Some(page.max(1)));
            prop_assert_eq!(request.per_page(), per_page.max(1));
            let expected = u64::from(page.max(1) - 1) * u64::from(request.per_page());
            prop_assert_eq!(request.offset(), expected);
            prop_assert_eq!(request.within_reach(), expected <= PageRequest::MAX_OFFSET);
            let small = PageRequest::new(page, small_per_page);
            let fetched: Vec<usize> = (0..rows).collect();
            let shown = Page::from_lookahead(small, fetched.clone());
            let per = small_per_page as usize;
            prop_assert_eq!(
                &shown.items[..],
                &fetched[..rows.min(per)],
                "a prefix, in order"
            );
            prop_assert_eq!(shown.has_next, rows > per);
            prop_assert_eq!(shown.has_prev, page > 1);
            prop_assert_eq!(
                (shown.position, shown.per_page),
                (small.position(), small_per_page)
            );
            Ok(())
        },
    )
}

/// Whether `needle`'s characters appear in `haystack` in order (not necessarily adjacent).
fn is_subsequence(needle: &str, haystack: &str) -> bool {
    let mut rest = haystack.chars();
    needle.chars().all(|c| rest.any(|h| h == c))
}
