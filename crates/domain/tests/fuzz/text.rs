//! String strategies that reach the corners of the parsers: separators, whitespace of every
//! kind, control characters, compatibility forms, lookalikes, and lengths around each limit.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use unicode_normalization::UnicodeNormalization;

/// Characters that have broken parsers before: header separators, Unicode whitespace and
/// controls, zero-width and BOM, Turkish i's, the Kelvin and Ohm signs, full-width and
/// mathematical letters (NFKC folds them to ASCII), ligatures, combining marks (some compose
/// with a lower-case ASCII letter but not with its capital: `w` + ring is `ẘ`), a Cyrillic
/// `а`, emoji, the replacement character, private use and the last code point.
const TRICKY: &[char] = &[
    '@',
    '.',
    '-',
    '_',
    '+',
    ' ',
    '\t',
    '\n',
    '\r',
    '\u{b}',
    '\u{c}',
    '/',
    '<',
    '>',
    ',',
    ';',
    '"',
    '\\',
    '\0',
    '\u{7f}',
    '\u{85}',
    '\u{a0}',
    '\u{1680}',
    '\u{2003}',
    '\u{2028}',
    '\u{3000}',
    '\u{200b}',
    '\u{feff}',
    'ı',
    'İ',
    '\u{212a}',
    '\u{2126}',
    'ａ',
    'Ａ',
    '＠',
    '．',
    '＜',
    'ß',
    'ẞ',
    'ﬀ',
    'ﬁ',
    '\u{307}',
    '\u{301}',
    '\u{308}',
    '\u{30a}',
    '\u{30c}',
    '\u{331}',
    'é',
    'Σ',
    'ς',
    'ǅ',
    '\u{1d400}',
    'ⅼ',
    'а',
    'ѕ',
    '😀',
    '\u{fffd}',
    '\u{e000}',
    '\u{10ffff}',
];

/// Whitespace that `str::trim` removes, and some it does not (zero-width space, BOM).
const PADDING: &[&str] = &[
    "", "", "", " ", "  ", "\t", "\n", "\r\n", "\u{a0}", "\u{3000}", "\u{2028}", "\u{200b}",
    "\u{feff}",
];

/// One character: mostly ASCII letters and digits, often a tricky one, sometimes any.
pub fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range('a', 'z'),
        1 => proptest::char::range('A', 'Z'),
        1 => proptest::char::range('0', '9'),
        3 => select(TRICKY),
        1 => any::<char>(),
    ]
}

/// Leading or trailing padding.
pub fn padding() -> impl Strategy<Value = &'static str> {
    select(PADDING)
}

/// Text of up to `max` characters, from tricky characters or from anything printable.
pub fn text(max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        3 => vec(tricky_char(), 0..max).prop_map(String::from_iter),
        1 => any::<String>(),
    ]
}

/// About `limit` characters (three either side) of one kind, ASCII or multi-byte, padded.
pub fn near_limit(limit: usize) -> impl Strategy<Value = String> {
    (
        padding(),
        select(&['x', 'é', '😀', '\u{307}', ' ', '\u{2003}'][..]),
        limit.saturating_sub(3)..=limit + 3,
        padding(),
    )
        .prop_map(|(before, c, n, after)| {
            format!(
                "{before}{}{after}",
                String::from_iter(std::iter::repeat_n(c, n))
            )
        })
}

/// Anything a form field may receive: random text or text around `limit` characters.
pub fn field(limit: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        3 => text(limit + limit / 2),
        1 => near_limit(limit),
        1 => (padding(), text(limit), padding()).prop_map(|(a, t, b)| format!("{a}{t}{b}")),
    ]
}

/// Address-shaped strings: a local part, some kind of `@`, a domain, padding; and addresses
/// around the 254-byte limit.
pub fn email_like() -> impl Strategy<Value = String> {
    let at = select(&["@", "@", "@", "@@", "", "＠", "@.", ".@"][..]);
    let tld = select(
        &[
            ".com",
            ".org",
            ".co.uk",
            ".ｃｏｍ",
            "",
            ".",
            "..x",
            ".c\u{307}om",
        ][..],
    );
    let local = vec(tricky_char(), 0..16).prop_map(String::from_iter);
    let domain = vec(tricky_char(), 0..16).prop_map(String::from_iter);
    prop_oneof![
        4 => (padding(), local, at, domain, tld, padding())
            .prop_map(|(a, l, at, d, t, b)| format!("{a}{l}{at}{d}{t}{b}")),
        1 => (235usize..250, select(&['a', 'é'][..]))
            .prop_map(|(n, c)| format!("{}@example.com", String::from_iter(std::iter::repeat_n(c, n)))),
        1 => text(40),
    ]
}

/// An ordinary ASCII address such as `kq@zt.com`.
pub fn ascii_email() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9._+-]{1,12}@[a-z0-9-]{1,12}\\.(com|org|net)"
}

/// A non-ASCII character whose NFKC form holds no ASCII: a lookalike that must never stand
/// for an ASCII letter (Turkish ı and İ, Cyrillic а, Greek ο, or any such code point).
pub fn lookalike_char() -> impl Strategy<Value = char> {
    let curated = select(
        &[
            'ı', 'İ', 'а', 'е', 'о', 'р', 'с', 'х', 'ѕ', 'і', 'ο', 'ɡ', 'ß',
        ][..],
    );
    let any_such = any::<char>().prop_filter("non-ASCII, NFKC keeps it non-ASCII", |&c| {
        !c.is_ascii() && c.to_string().nfkc().all(|d| !d.is_ascii())
    });
    prop_oneof![curated, any_such]
}
