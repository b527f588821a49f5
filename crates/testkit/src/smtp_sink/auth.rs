//! AUTH PLAIN and LOGIN: decoding the client's base64 answers and checking credentials.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// `334` challenge of AUTH LOGIN asking for the user name ("Username:").
pub(super) const LOGIN_USERNAME_PROMPT: &str = "VXNlcm5hbWU6";
/// `334` challenge of AUTH LOGIN asking for the password ("Password:").
pub(super) const LOGIN_PASSWORD_PROMPT: &str = "UGFzc3dvcmQ6";

/// A mechanism the sink offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mechanism {
    Plain,
    Login,
}

impl Mechanism {
    pub fn parse(name: &str) -> Option<Self> {
        if name.eq_ignore_ascii_case("PLAIN") {
            Some(Self::Plain)
        } else if name.eq_ignore_ascii_case("LOGIN") {
            Some(Self::Login)
        } else {
            None
        }
    }
}

/// Decodes one base64 line of the client into text; `None` when it is not base64 or UTF-8.
pub(super) fn decode(line: &str) -> Option<String> {
    let bytes = STANDARD.decode(line.trim()).ok()?;
    String::from_utf8(bytes).ok()
}

/// Splits an AUTH PLAIN answer, `authzid NUL authcid NUL password`, into user and password.
pub(super) fn split_plain(answer: &str) -> Option<(String, String)> {
    let mut parts = answer.split('\0');
    let (_authzid, user, password) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    Some((user.to_owned(), password.to_owned()))
}

/// Whether `user`/`password` are the expected credentials. Compares every byte whatever the
/// first difference, so the time taken says nothing about how much of a guess was right.
pub(super) fn check(expected: &(String, String), user: &str, password: &str) -> bool {
    let user_ok = same(expected.0.as_bytes(), user.as_bytes());
    let password_ok = same(expected.1.as_bytes(), password.as_bytes());
    user_ok & password_ok
}

fn same(a: &[u8], b: &[u8]) -> bool {
    let length_differs = u8::from(a.len() != b.len());
    let diff = a
        .iter()
        .zip(b.iter())
        .fold(length_differs, |acc, (x, y)| acc | (x ^ y));
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(text: &str) -> String {
        STANDARD.encode(text)
    }

    #[test]
    fn a_plain_answer_yields_user_and_password() {
        let answer = decode(&encode("\0alice\0s3cret")).expect("valid base64");
        assert_eq!(
            split_plain(&answer),
            Some(("alice".to_owned(), "s3cret".to_owned()))
        );
    }

    #[test]
    fn a_plain_answer_with_the_wrong_shape_is_refused() {
        assert_eq!(split_plain("alice"), None);
        assert_eq!(split_plain("a\0b\0c\0d"), None);
        assert_eq!(decode("%%% not base64"), None);
    }

    #[test]
    fn only_the_exact_credentials_pass() {
        let expected = ("user".to_owned(), "pass".to_owned());
        assert!(check(&expected, "user", "pass"));
        assert!(!check(&expected, "user", "pass2"));
        assert!(!check(&expected, "user", "pas"));
        assert!(!check(&expected, "User", "pass"));
        assert!(!check(&expected, "", ""));
    }

    #[test]
    fn login_prompts_are_the_base64_of_their_questions() {
        assert_eq!(decode(LOGIN_USERNAME_PROMPT).as_deref(), Some("Username:"));
        assert_eq!(decode(LOGIN_PASSWORD_PROMPT).as_deref(), Some("Password:"));
    }
}
