//! Untrusted values: escaped in HTML, verbatim in text, never able to add a header.

use super::{compose, composer, composer_at, token};
use microblog_domain::EmailIntent;
use time::OffsetDateTime;

const SCRIPT: &str = "<script>alert('x')</script>&\"";

fn reset(username: &str, token_text: &str, minutes: u64) -> EmailIntent {
    EmailIntent::ResetPassword {
        username: username.into(),
        token: token(token_text),
        valid_for_minutes: minutes,
    }
}

#[test]
fn a_script_in_a_username_is_escaped_in_html_and_verbatim_in_text() {
    let email = compose(&composer(), &reset(SCRIPT, "t", 10));
    assert!(!email.html_body.contains("<script>"), "{}", email.html_body);
    assert!(
        email.html_body.contains("&lt;script&gt;alert("),
        "{}",
        email.html_body
    );
    assert!(
        email.text_body.contains(&format!("Dear {SCRIPT},")),
        "{}",
        email.text_body
    );
    assert!(
        !email.text_body.contains("&lt;"),
        "text is not HTML-escaped"
    );
}

#[test]
fn a_link_cannot_break_out_of_its_href() {
    // The token is percent-encoded into its path segment; the base URL is operator
    // configuration, escaped all the same.
    let hostile = "https://m.example/\"><img src=x onerror=alert(1)>";
    let link = microblog_routes::reset_password_link(hostile, "t\"><b>");
    let email = compose(&composer_at(hostile), &reset("susan", "t\"><b>", 10));
    assert!(link.ends_with("/reset_password/t%22%3E%3Cb%3E"), "{link}");
    assert!(!email.html_body.contains("\"><img"), "{}", email.html_body);
    assert!(
        email.html_body.contains("&quot;&gt;&lt;img"),
        "{}",
        email.html_body
    );
    assert!(
        email.text_body.contains(&link),
        "the text part shows the link as is"
    );
}

#[test]
fn a_script_link_is_shown_but_never_clickable() {
    let site = composer_at("javascript:alert(1)");
    let email = compose(&site, &reset("susan", "t", 10));
    assert!(email.html_body.contains("href=\"\""), "{}", email.html_body);
    assert!(
        !email.html_body.contains("href=\"javascript"),
        "{}",
        email.html_body
    );
}

#[test]
fn the_reset_email_says_how_long_the_link_lasts() {
    let email = compose(&composer(), &reset("susan", "t", 10));
    assert!(
        email.text_body.contains("valid for 10 minutes"),
        "{}",
        email.text_body
    );
    let email = compose(&composer(), &reset("susan", "t", 1));
    assert!(
        email.text_body.contains("valid for 1 minute "),
        "{}",
        email.text_body
    );
}

#[test]
fn an_error_chain_is_escaped_in_html_and_verbatim_in_text() {
    let intent = EmailIntent::ServerError {
        request_line: "GET /user/<b>bold</b>".into(),
        request_id: "r-1".into(),
        error_chain: vec![SCRIPT.into()],
        occurred_at: OffsetDateTime::UNIX_EPOCH,
    };
    let email = compose(&composer(), &intent);
    assert_eq!(email.subject, "Microblog Failure");
    assert!(!email.html_body.contains("<script>") && !email.html_body.contains("<b>bold"));
    assert!(email.text_body.contains(SCRIPT) && email.text_body.contains("/user/<b>bold</b>"));
}

#[test]
fn the_password_changed_notice_has_no_link_and_says_what_to_do() {
    let intent = EmailIntent::PasswordChanged {
        username: "susan".into(),
        changed_at: OffsetDateTime::UNIX_EPOCH,
    };
    let email = compose(&composer(), &intent);
    assert!(!email.text_body.contains("http") && !email.html_body.contains("href"));
    assert!(email.text_body.contains("1970-01-01 00:00:00 UTC"));
    assert!(email.text_body.contains("password reset at once"));
    assert!(email.text_body.contains("contact the\nadministrators"));
}

#[test]
fn composing_never_fails_whatever_the_values() {
    let composer = composer();
    let odd = [
        String::new(),
        "x".repeat(100_000),
        "{{ username }}{% if %}".into(),
        "\u{0}\u{7}\r\n\t".into(),
        "ünïcödé ✓ 🙂".into(),
    ];
    for value in &odd {
        for intent in [
            reset(value, value, u64::MAX),
            EmailIntent::PasswordChanged {
                username: value.clone(),
                changed_at: OffsetDateTime::now_utc(),
            },
            EmailIntent::ServerError {
                request_line: value.clone(),
                request_id: value.clone(),
                error_chain: vec![value.clone(); 3],
                occurred_at: OffsetDateTime::now_utc(),
            },
        ] {
            let email = compose(&composer, &intent);
            assert!(!email.subject.contains(['\r', '\n']));
        }
    }
}

#[test]
fn template_syntax_in_a_value_is_shown_not_run() {
    let email = compose(&composer(), &reset("{{ link }}", "t", 10));
    assert!(
        email.text_body.contains("Dear {{ link }},"),
        "{}",
        email.text_body
    );
}
