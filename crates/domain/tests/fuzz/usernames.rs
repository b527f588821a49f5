//! Targets for usernames: a new name is trimmed, bounded, stable, and holds no control,
//! invisible or unassigned character nor Latin among Cyrillic or Greek letters; names that
//! look alike share one skeleton.

use super::forbidden::{forbidden_in_field, is_default_ignorable, latin_with_cyrillic_or_greek};
use super::harness::{Target, execute};
use super::text::{field, tricky_char};
use microblog_domain::values::{Username, UsernameError};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::Config;
use unicode_security::MixedScript;
use unicode_security::mixed_script::AugmentedScriptSet;

/// Every target in this file.
pub const TARGETS: &[Target] = &[
    Target {
        name: "username_parse",
        run: username_parse,
    },
    Target {
        name: "username_spoofing",
        run: username_spoofing,
    },
    Target {
        name: "username_skeleton",
        run: username_skeleton,
    },
];

/// Latin, Cyrillic and Greek lookalikes, Han and kana, digits and `_`, and the characters
/// that hide: zero width, joiners, BOM, soft hyphen, bidi controls, variation selectors,
/// tags, Hangul fillers.
const SPOOF_PARTS: &[char] = &[
    'a',
    'e',
    'o',
    'p',
    'l',
    'I',
    '1',
    '0',
    '_',
    'а',
    'е',
    'о',
    'р',
    'ο',
    'α',
    'Α',
    'Β',
    'В',
    '田',
    'た',
    'カ',
    '김',
    '\u{200b}',
    '\u{200c}',
    '\u{200d}',
    '\u{2060}',
    '\u{feff}',
    '\u{ad}',
    '\u{200e}',
    '\u{200f}',
    '\u{61c}',
    '\u{202a}',
    '\u{202e}',
    '\u{2066}',
    '\u{2069}',
    '\u{fe0f}',
    '\u{e0041}',
    '\u{e0100}',
    '\u{3164}',
    '\u{34f}',
    '\u{301}',
];

/// Names built from [`SPOOF_PARTS`], sometimes with other tricky characters.
fn spoof_like() -> impl Strategy<Value = String> {
    let part = prop_oneof![4 => select(SPOOF_PARTS), 1 => tricky_char()];
    vec(part, 1..12).prop_map(String::from_iter)
}

pub fn username_parse(config: Config) -> Result<u64, String> {
    execute(config, field(Username::MAX_CHARS), check_username)
}

pub fn username_spoofing(config: Config) -> Result<u64, String> {
    execute(config, spoof_like(), check_username)
}

/// What `Username::parse` promises of `raw`, whichever way it answers.
fn check_username(raw: String) -> Result<(), TestCaseError> {
    let trimmed = raw.trim();
    let basic = |c: char| c.is_whitespace() || c == '/' || c.is_control();
    match Username::parse(&raw) {
        Ok(name) => {
            let text = name.as_str();
            prop_assert_eq!(text, trimmed);
            prop_assert!((1..=Username::MAX_CHARS).contains(&text.chars().count()));
            prop_assert!(!text.chars().any(basic) && !forbidden_in_field(text));
            prop_assert!(!text.chars().any(is_default_ignorable), "invisible kept");
            prop_assert!(!latin_with_cyrillic_or_greek(text), "mixed scripts kept");
            prop_assert_eq!(Username::parse(text), Ok(name.clone()));
            prop_assert_eq!(Username::from_stored(text), Ok(name.clone()));
        }
        Err(UsernameError::Empty) => prop_assert!(trimmed.is_empty()),
        Err(UsernameError::TooLong) => {
            prop_assert!(trimmed.chars().count() > Username::MAX_CHARS);
        }
        Err(UsernameError::ForbiddenCharacter) => prop_assert!(trimmed.chars().any(basic)),
        Err(UsernameError::Reserved) => prop_assert!(matches!(trimmed, "." | "..")),
        Err(UsernameError::Invisible) => {
            prop_assert!(trimmed.chars().any(is_default_ignorable));
        }
        Err(UsernameError::Unassigned) => prop_assert!(
            trimmed
                .chars()
                .any(|c| AugmentedScriptSet::for_char(c).is_empty())
        ),
        Err(UsernameError::MixedScripts) => prop_assert!(!trimmed.is_single_script()),
    }
    if let Err(error) = Username::parse(&raw) {
        // What a new name may not be, a stored one may (or is refused the same way).
        let stored = Username::from_stored(&raw);
        let spoofing = matches!(
            error,
            UsernameError::Invisible | UsernameError::Unassigned | UsernameError::MixedScripts
        );
        prop_assert_eq!(stored.is_ok(), spoofing);
    }
    Ok(())
}

/// Letters with a Cyrillic twin: `a c e o p x y` and `а с е о р х у`.
const TWINS: &[(char, char)] = &[
    ('a', 'а'),
    ('c', 'с'),
    ('e', 'е'),
    ('o', 'о'),
    ('p', 'р'),
    ('x', 'х'),
    ('y', 'у'),
];

/// An ASCII name's skeleton ignores letter case; so does one with invisible characters
/// slipped in (as names stored before the rules may have); and a whole-Cyrillic lookalike of
/// a name made of twin letters has its skeleton too.
pub fn username_skeleton(config: Config) -> Result<u64, String> {
    let ascii = "[a-zA-Z0-9_.-]{1,20}";
    let twins = vec(0..TWINS.len(), 1..12);
    let hidden = (
        any::<prop::sample::Index>(),
        select(&['\u{200b}', '\u{ad}', '\u{feff}'][..]),
    );
    execute(
        config,
        (ascii, twins, hidden),
        |(ascii, twins, (at, invisible))| {
            let Ok(name) = Username::parse(&ascii) else {
                prop_assert!(matches!(ascii.as_str(), "." | ".."));
                return Ok(());
            };
            for other_case in [ascii.to_ascii_uppercase(), ascii.to_ascii_lowercase()] {
                let other =
                    Username::parse(&other_case).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(
                    other.skeleton(),
                    name.skeleton(),
                    "{} and {}",
                    ascii,
                    other_case
                );
            }
            let mut chars: Vec<char> = ascii.chars().collect();
            chars.insert(at.index(chars.len() + 1), invisible);
            let hiding = String::from_iter(chars);
            let stored =
                Username::from_stored(&hiding).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(stored.skeleton(), name.skeleton());

            let latin: String = twins.iter().map(|&i| TWINS[i].0).collect();
            let cyrillic: String = twins.iter().map(|&i| TWINS[i].1).collect();
            let (latin, cyrillic) = (Username::parse(&latin), Username::parse(&cyrillic));
            prop_assert!(latin.is_ok() && cyrillic.is_ok(), "one script each");
            if let (Ok(latin), Ok(cyrillic)) = (latin, cyrillic) {
                prop_assert_eq!(latin.skeleton(), cyrillic.skeleton());
            }
            Ok(())
        },
    )
}
