//! Control characters (C0, DEL and C1, what `char::is_control` means): none in names,
//! addresses and passwords; in running text only its layout, tabs and line breaks.

/// Whether `text` holds any control character.
pub(super) fn any(text: &str) -> bool {
    text.chars().any(char::is_control)
}

/// Whether `text` holds a control character other than the layout of running text: `\t`,
/// `\n`, and `\r` directly followed by `\n` (browsers send a textarea's line breaks as CRLF).
/// A lone `\r` is refused: it is no line break a page shows, and it could hide what follows.
pub(super) fn outside_layout(text: &str) -> bool {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let layout = match c {
            '\t' | '\n' => true,
            '\r' => chars.peek() == Some(&'\n'),
            _ => !c.is_control(),
        };
        if !layout {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_c0_c1_and_del_is_a_control_character() {
        let controls = (0u32..0x20).chain([0x7f]).chain(0x80..0xa0);
        for c in controls.filter_map(char::from_u32) {
            assert!(any(&format!("a{c}b")), "U+{:04X}", u32::from(c));
        }
        for text in ["plain", "\u{a0}", "\u{2028}", "\u{200b}", "😀", "e\u{301}"] {
            assert!(!any(text), "{text:?}");
        }
    }

    #[test]
    fn running_text_keeps_tabs_and_line_breaks_only() {
        for fine in ["a\nb", "a\r\nb", "a\tb", "a\r\n\r\nb", "\u{2028}", "é"] {
            assert!(!outside_layout(fine), "{fine:?}");
        }
        for bad in [
            "a\0b", "a\rb", "a\r", "\r\r\n", "a\u{b}b", "a\u{7f}", "\u{85}", "\u{9f}",
        ] {
            assert!(outside_layout(bad), "{bad:?}");
        }
    }
}
