//! What no accepted value may hold, written out from the standards rather than from the
//! parsers: control characters (C0, DEL, C1) everywhere but the layout of running text, and
//! in usernames default-ignorable characters and Latin letters among Cyrillic or Greek ones.
//! And the target that feeds control-heavy text to every value object.

use super::harness::{Target, execute};
use super::text::tricky_char;
use microblog_domain::values::{
    AboutMe, AboutMeError, EmailAddress, EmailAddressError, Password, PasswordError, PostBody,
    PostBodyError, Username, UsernameError,
};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::Config;

/// Every target in this file.
pub const TARGETS: &[Target] = &[Target {
    name: "no_value_holds_a_control_character",
    run: no_value_holds_a_control_character,
}];

/// The `Default_Ignorable_Code_Point` ranges of Unicode's DerivedCoreProperties.txt: zero
/// width characters, joiners, BOM, soft hyphen, bidi controls, variation selectors, tags.
const DEFAULT_IGNORABLE: &[(u32, u32)] = &[
    (0x00ad, 0x00ad),
    (0x034f, 0x034f),
    (0x061c, 0x061c),
    (0x115f, 0x1160),
    (0x17b4, 0x17b5),
    (0x180b, 0x180f),
    (0x200b, 0x200f),
    (0x202a, 0x202e),
    (0x2060, 0x206f),
    (0x3164, 0x3164),
    (0xfe00, 0xfe0f),
    (0xfeff, 0xfeff),
    (0xffa0, 0xffa0),
    (0xfff0, 0xfff8),
    (0x1bca0, 0x1bca3),
    (0x1d173, 0x1d17a),
    (0xe0000, 0xe0fff),
];

/// C0 (U+0000–U+001F), DEL (U+007F) or C1 (U+0080–U+009F).
pub fn is_c0_del_or_c1(c: char) -> bool {
    matches!(u32::from(c), 0x00..=0x1f | 0x7f..=0x9f)
}

/// Whether a name, address or password holds a control character.
pub fn forbidden_in_field(text: &str) -> bool {
    text.chars().any(is_c0_del_or_c1)
}

/// Whether running text holds a control character other than a tab, a line feed, or a
/// carriage return directly before a line feed.
pub fn forbidden_in_prose(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.iter().enumerate().any(|(i, &c)| {
        let layout = c == '\t' || c == '\n' || (c == '\r' && chars.get(i + 1) == Some(&'\n'));
        is_c0_del_or_c1(c) && !layout
    })
}

/// Whether `c` is default-ignorable (renders as nothing).
pub fn is_default_ignorable(c: char) -> bool {
    let c = u32::from(c);
    DEFAULT_IGNORABLE
        .iter()
        .any(|&(first, last)| (first..=last).contains(&c))
}

/// Over every code point: a new username is refused as invisible exactly when it holds a
/// default-ignorable character (the list above, from the standard, not from the parser).
#[test]
fn exactly_the_default_ignorable_code_points_are_refused_as_invisible() {
    for c in (0..=0x10_ffff).filter_map(char::from_u32) {
        let refused = matches!(
            Username::parse(&format!("ab{c}")),
            Err(UsernameError::Invisible)
        );
        assert_eq!(refused, is_default_ignorable(c), "U+{:04X}", u32::from(c));
    }
}

/// Whether `name` has a basic Latin letter and a basic Cyrillic or Greek letter.
pub fn latin_with_cyrillic_or_greek(name: &str) -> bool {
    let latin = name.chars().any(|c| c.is_ascii_alphabetic());
    let other = name.chars().any(
        |c| matches!(u32::from(c), 0x391..=0x3a1 | 0x3a3..=0x3a9 | 0x3b1..=0x3c9 | 0x410..=0x44f),
    );
    latin && other
}

/// One character, often a control character or a line break of either kind.
fn control_heavy_char() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => tricky_char().prop_map(String::from),
        2 => (0u32..0x20).prop_map(|c| char::from_u32(c).map(String::from).unwrap_or_default()),
        1 => (0x7fu32..0xa0).prop_map(|c| char::from_u32(c).map(String::from).unwrap_or_default()),
        1 => select(&["\r\n", "\n", "\t", "\r", "\u{2028}", "\u{2029}", "\u{85}"][..])
            .prop_map(String::from),
    ]
}

/// Text of up to `max` pieces, where control characters are common.
pub fn control_heavy(max: usize) -> impl Strategy<Value = String> {
    vec(control_heavy_char(), 0..max).prop_map(|pieces| pieces.concat())
}

/// Post bodies, about-me texts, addresses and passwords: whatever the text, either the
/// parser refuses it or the value holds no forbidden control character; a value refused for
/// a control character had one, and text with one inside is never accepted.
pub fn no_value_holds_a_control_character(config: Config) -> Result<u64, String> {
    let strategy = (control_heavy(48), control_heavy(12));
    execute(config, strategy, |(raw, local)| {
        let trimmed = raw.trim();
        match PostBody::parse(&raw) {
            Ok(body) => prop_assert!(!forbidden_in_prose(body.as_str())),
            Err(PostBodyError::ControlCharacter) => prop_assert!(forbidden_in_prose(trimmed)),
            Err(_) => {}
        }
        match AboutMe::parse(&raw) {
            Ok(about) => prop_assert!(!forbidden_in_prose(about.as_str())),
            Err(AboutMeError::ControlCharacter) => prop_assert!(forbidden_in_prose(trimmed)),
            Err(_) => {}
        }
        if forbidden_in_prose(trimmed) {
            prop_assert!(PostBody::parse(&raw).is_err() && AboutMe::parse(&raw).is_err());
        }
        let address = format!("{local}@example.com");
        match EmailAddress::parse(&address) {
            Ok(email) => {
                prop_assert!(!forbidden_in_field(email.as_str()));
                prop_assert!(!forbidden_in_field(email.normalized()));
            }
            Err(EmailAddressError::ControlCharacter) => {
                prop_assert!(forbidden_in_field(address.trim()));
            }
            Err(_) => prop_assert!(!forbidden_in_field(address.trim())),
        }
        match Password::parse(&raw) {
            Ok(password) => prop_assert!(!forbidden_in_field(password.expose())),
            Err(PasswordError::ControlCharacter) => prop_assert!(forbidden_in_field(&raw)),
            Err(_) => {}
        }
        Ok(())
    })
}
