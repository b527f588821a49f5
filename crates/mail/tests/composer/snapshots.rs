//! Each email as rendered, compared with `snapshots/<kind>.snap` after redacting what changes
//! from run to run (the token in the link, times). `UPDATE_SNAPSHOTS=1` rewrites the files;
//! review the diff before keeping it.

use super::{compose, composer};
use microblog_domain::{Email, EmailIntent};
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};
use time::OffsetDateTime;

/// A token unlike any other run's, as a real one would be.
fn fresh_token() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("eyJhbGciOiJIUzI1NiJ9.eyJyZXNldCI6{nanos:x}.c2lnbmF0dXJl")
}

/// Replaces `token` by `[TOKEN]` and every `YYYY-MM-DD hh:mm:ss UTC` by `[TIME]`.
fn redact(text: &str, token: Option<&str>) -> String {
    let text = match token {
        Some(token) => text.replace(token, "[TOKEN]"),
        None => text.to_owned(),
    };
    let shape = "dddd-dd-dd dd:dd:dd UTC";
    let mut out = String::new();
    let mut rest = text.as_str();
    while !rest.is_empty() {
        let matches = rest.len() >= shape.len()
            && rest.bytes().zip(shape.bytes()).all(|(c, s)| match s {
                b'd' => c.is_ascii_digit(),
                _ => c == s,
            });
        if matches {
            out.push_str("[TIME]");
            rest = &rest[shape.len()..];
        } else {
            let c = rest.chars().next().unwrap_or_default();
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

fn check(name: &str, email: &Email, token: Option<&str>) {
    let rendered = redact(
        &format!(
            "subject: {}\n----- text -----\n{}\n----- html -----\n{}\n",
            email.subject, email.text_body, email.html_body
        ),
        token,
    );
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/composer/snapshots")
        .join(format!("{name}.snap"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &rendered).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_SNAPSHOTS=1)", path.display()));
    assert_eq!(rendered, expected, "{name} differs from {}", path.display());
}

#[test]
fn reset_password_email_matches_its_snapshot() {
    let token = fresh_token();
    let intent = EmailIntent::ResetPassword {
        username: "susan".into(),
        token: super::token(&token),
        valid_for_minutes: 10,
    };
    let email = compose(&super::composer_at("http://localhost:5000"), &intent);
    assert!(
        email.text_body.contains(&token),
        "the link is in the text part"
    );
    check("reset_password", &email, Some(&token));
}

/// A confirmation email (registration or address change) carries its link in both parts
/// and matches its snapshot.
fn check_confirmation(
    kind: &str,
    subject: &str,
    intent: impl Fn(microblog_domain::ConfirmToken) -> EmailIntent,
) {
    let token = fresh_token();
    let intent = intent(microblog_domain::ConfirmToken::from_link(token.clone()));
    let email = compose(&super::composer_at("http://localhost:5000"), &intent);
    let link = format!("http://localhost:5000/confirm_email/{token}");
    assert!(
        email.text_body.contains(&link),
        "the link is in the text part"
    );
    assert!(email.html_body.contains(&link), "and in the HTML part");
    assert_eq!(email.subject, subject);
    check(kind, &email, Some(&token));
}

#[test]
fn confirm_email_email_matches_its_snapshot() {
    check_confirmation(
        "confirm_email",
        "[Microblog] Confirm Your Email Address",
        |token| EmailIntent::ConfirmEmail {
            username: "susan".into(),
            token,
            valid_for_hours: 48,
        },
    );
}

#[test]
fn confirm_email_change_email_matches_its_snapshot() {
    check_confirmation(
        "confirm_email_change",
        "[Microblog] Confirm Your New Email Address",
        |token| EmailIntent::ConfirmEmailChange {
            username: "susan".into(),
            token,
            valid_for_hours: 48,
        },
    );
}

#[test]
fn email_changed_email_matches_its_snapshot() {
    let intent = EmailIntent::EmailChanged {
        username: "susan".into(),
        new_address_masked: "s•••@e•••.org".into(),
        changed_at: OffsetDateTime::now_utc(),
    };
    let email = compose(&composer(), &intent);
    assert!(email.text_body.contains("s•••@e•••.org"));
    assert!(!email.text_body.contains("http"), "no link in the notice");
    check("email_changed", &email, None);
}

#[test]
fn email_in_use_email_matches_its_snapshot() {
    let intent = EmailIntent::EmailInUse {
        username: "bob".into(),
        requested_at: OffsetDateTime::now_utc(),
    };
    let email = compose(&composer(), &intent);
    assert!(!email.text_body.contains("http"), "no link in the warning");
    check("email_in_use", &email, None);
}

#[test]
fn password_changed_email_matches_its_snapshot() {
    let intent = EmailIntent::PasswordChanged {
        username: "susan".into(),
        changed_at: OffsetDateTime::now_utc(),
    };
    check("password_changed", &compose(&composer(), &intent), None);
}

#[test]
fn sign_in_locked_email_matches_its_snapshot() {
    let locked_at = OffsetDateTime::now_utc();
    let intent = EmailIntent::SignInLocked {
        username: "susan".into(),
        failed_attempts: 10,
        locked_at,
        locked_until: locked_at + time::Duration::minutes(15),
    };
    let email = compose(&super::composer_at("http://localhost:5000"), &intent);
    let link = "http://localhost:5000/reset_password_request";
    assert!(
        email.text_body.contains(link),
        "the text part links to the reset form"
    );
    assert!(
        email.html_body.contains(&format!("href=\"{link}\"")),
        "the HTML part links to the reset form"
    );
    check("sign_in_locked", &email, None);
}

#[test]
fn server_error_email_matches_its_snapshot() {
    let token = fresh_token();
    let intent = EmailIntent::ServerError {
        request_line: "POST /reset_password/[request]".into(),
        request_id: token.clone(),
        error_chain: vec![
            "could not queue the email".into(),
            "storage failed".into(),
            "database is locked".into(),
        ],
        occurred_at: OffsetDateTime::now_utc(),
    };
    check("server_error", &compose(&composer(), &intent), Some(&token));
}

#[test]
fn dead_mail_digest_email_matches_its_snapshot() {
    let line = |id, kind: &str, error: &str| microblog_domain::DeadMailLine {
        id,
        kind: kind.into(),
        recipients: vec!["s***@example.com".into()],
        last_error: error.into(),
    };
    let intent = EmailIntent::DeadMailDigest {
        total: 3,
        mails: vec![
            line(
                17,
                "reset_password",
                "550 5.1.1 <susan@example.com>: no such user",
            ),
            line(18, "password_changed", "too many attempts: 421 try later"),
        ],
        made_at: OffsetDateTime::now_utc(),
    };
    let email = compose(&composer(), &intent);
    assert_eq!(email.subject, "Microblog Dead Mail (3)");
    assert!(email.text_body.contains("microblog outbox retry <id>"));
    assert!(
        email.html_body.contains("&lt;susan@example.com&gt;"),
        "the relay's reply is escaped in HTML"
    );
    assert!(
        email.text_body.contains("... and 1 more."),
        "the unlisted one is counted"
    );
    check("dead_mail_digest", &email, None);
}

#[test]
fn test_email_matches_its_snapshot() {
    let intent = EmailIntent::Test {
        sent_at: OffsetDateTime::now_utc(),
    };
    check("test", &compose(&composer(), &intent), None);
}

#[test]
fn redaction_hides_tokens_and_times_only() {
    assert_eq!(
        redact("at 2025-07-01 10:00:00 UTC, t=abc, 2025-07-01", Some("abc")),
        "at [TIME], t=[TOKEN], 2025-07-01"
    );
}
