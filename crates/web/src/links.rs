//! URLs the pages build: user pages, the login redirect, and the check that keeps `next`
//! from becoming an open redirect.

use percent_encoding::{AsciiSet, CONTROLS, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but RFC 3986's unreserved characters: for a path segment or a query value.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

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

/// `/user/<username>`, the name percent-encoded.
pub(crate) fn user_url(username: &str) -> String {
    format!("/user/{}", utf8_percent_encode(username, COMPONENT))
}

/// `/follow/<username>` or `/unfollow/<username>`.
pub(crate) fn follow_url(action: &str, username: &str) -> String {
    format!("/{action}/{}", utf8_percent_encode(username, COMPONENT))
}

/// `/login`, with `?next=` when there is somewhere to return to.
pub(crate) fn login_url(next: Option<&str>) -> String {
    match next {
        Some(next) => format!("/login?next={}", utf8_percent_encode(next, COMPONENT)),
        None => "/login".to_owned(),
    }
}

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

    #[test]
    fn names_are_encoded_into_one_path_segment() {
        assert_eq!(user_url("a?b#c%d"), "/user/a%3Fb%23c%25d");
        assert_eq!(follow_url("follow", "zoë"), "/follow/zo%C3%AB");
        assert_eq!(
            login_url(Some("/user/a b?page=2")),
            "/login?next=%2Fuser%2Fa%20b%3Fpage%3D2"
        );
        assert_eq!(login_url(None), "/login");
    }
}
