//! The check that keeps `?next=` from becoming an open redirect. (Every other URL comes from
//! the route table, `microblog_routes`.)

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

/// What must not appear raw in a `Location` header built from a local path.
const LOCATION: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'^');

/// The longest `next` honoured.
const MAX_NEXT_BYTES: usize = 2048;

/// `next` as a redirect target, if it is a path on this site: it starts with exactly one
/// `/` (not `//` or `/\`, which browsers read as another host), has no control characters
/// or backslashes, and is not absurdly long. Characters a header cannot carry raw are
/// percent-encoded.
pub(crate) fn local_path(next: &str) -> Option<String> {
    let mut chars = next.chars();
    let local = chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && !next.chars().any(|c| c.is_control() || c == '\\')
        && next.len() <= MAX_NEXT_BYTES;
    local.then(|| utf8_percent_encode(next, LOCATION).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_redirect_targets() {
        assert_eq!(local_path("/index").as_deref(), Some("/index"));
        assert_eq!(
            local_path("/user/susan?page=2").as_deref(),
            Some("/user/susan?page=2")
        );
        assert_eq!(local_path("/").as_deref(), Some("/"));
        for evil in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "javascript:alert(1)",
            "evil.example",
            "",
            "/\t/evil.example",
            "/index\r\nSet-Cookie: x=1",
            "/a\\b",
            " /index",
        ] {
            assert_eq!(local_path(evil), None, "{evil:?}");
        }
        assert_eq!(local_path(&format!("/{}", "a".repeat(3000))), None);
    }

    #[test]
    fn unicode_and_spaces_are_encoded_for_the_location_header() {
        assert_eq!(
            local_path("/user/Zoë x").as_deref(),
            Some("/user/Zo%C3%AB%20x")
        );
    }
}
