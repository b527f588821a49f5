//! What a new username may not hold beyond the basics: invisible and direction-changing
//! characters, unassigned or private-use code points, and letters of several scripts
//! (Unicode TS #39, through `unicode-security`).

use super::UsernameError;
use unicode_security::mixed_script::AugmentedScriptSet;
use unicode_security::{MixedScript, RestrictionLevel, RestrictionLevelDetection, skeleton};

/// Checks the rules a name must meet to be *given* (at registration or rename); names
/// stored before these rules existed are not checked again.
pub(super) fn check(name: &str) -> Result<(), UsernameError> {
    if name.chars().any(is_default_ignorable) {
        return Err(UsernameError::Invisible);
    }
    if name.chars().any(has_no_script) {
        return Err(UsernameError::Unassigned);
    }
    if mixes_scripts(name) {
        return Err(UsernameError::MixedScripts);
    }
    Ok(())
}

/// Whether `c` is a `Default_Ignorable_Code_Point`: zero width space, joiners and
/// non-joiners, word joiner, BOM, soft hyphen, every bidi control (LRM, RLM, ALM, LRE, RLE,
/// PDF, LRO, RLO, LRI, RLI, FSI, PDI), variation selectors, tag characters, Hangul fillers
/// and the rest: characters a renderer shows as nothing.
///
/// TS #39's skeleton drops exactly these characters (its step 2), and every other character
/// has a non-empty prototype; so `unicode-security`'s own table answers, and its Unicode
/// version is the one the skeleton uses. (`tests/fuzz/forbidden.rs` checks every code point
/// against Unicode's own list.)
pub(super) fn is_default_ignorable(c: char) -> bool {
    let mut buffer = [0; 4];
    skeleton(c.encode_utf8(&mut buffer)).next().is_none()
}

/// Whether `c` belongs to no script at all: unassigned, private-use or a noncharacter. No
/// font agrees on how it looks, so it can stand in for anything.
fn has_no_script(c: char) -> bool {
    AugmentedScriptSet::for_char(c).is_empty()
}

/// Whether the letters of `name` come from scripts that TS #39's *Highly Restrictive* level
/// does not allow together. One script is fine (digits, punctuation, emoji and combining
/// marks count as any script), and so are the combinations one language writes with: Latin
/// with Han and Japanese kana, with Han and Bopomofo, or with Han and Hangul. Latin with
/// Cyrillic or Greek (`pаypal` with a Cyrillic `а`) is not.
fn mixes_scripts(name: &str) -> bool {
    if name.is_single_script() {
        return false;
    }
    // The restriction level calls a name with any character outside the identifier profile
    // (an emoji, `!`) unrestricted; script-neutral characters take no part in mixing, so
    // they are left out, and what is left is judged by its letters.
    let letters: String = name.chars().filter(|&c| !is_script_neutral(c)).collect();
    !letters
        .as_str()
        .check_restriction_level(RestrictionLevel::HighlyRestrictive)
}

/// Whether `c` is used with every script (Unicode's Common or Inherited script).
fn is_script_neutral(c: char) -> bool {
    let set = AugmentedScriptSet::for_char(c);
    set.base.is_common() || set.base.is_inherited()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_script_and_the_east_asian_mixes_are_fine() {
        for name in [
            "susan",
            "Zoë",
            "Ζωή",
            "Борис",
            "田中たなか",
            "Tanaka田中",
            "김민준",
            "a.b_c-1",
            "susan😀",
            "e\u{301}",
            "אבי",
            "مريم",
        ] {
            assert_eq!(check(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn latin_with_cyrillic_or_greek_is_mixed() {
        for name in ["pаypal", "Zoë_ο", "aᚠ", "Борис_b", "αlpha"] {
            assert_eq!(check(name), Err(UsernameError::MixedScripts), "{name}");
        }
    }

    #[test]
    fn invisible_and_unassigned_characters_are_named_as_such() {
        for name in [
            "al\u{200b}ice",
            "\u{feff}bob",
            "bob\u{202e}",
            "a\u{fe0f}",
            "a\u{e0041}",
        ] {
            assert_eq!(check(name), Err(UsernameError::Invisible), "{name:?}");
        }
        for name in ["\u{e000}", "a\u{10ffff}", "a\u{378}"] {
            assert_eq!(check(name), Err(UsernameError::Unassigned), "{name:?}");
        }
    }
}
