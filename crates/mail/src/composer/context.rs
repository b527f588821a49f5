//! The variables each email's templates see, and sample intents to try them with.
//!
//! | kind | variables |
//! |---|---|
//! | `reset_password` | `username`, `link` (built here from the token and the site's base URL), `href` (the link if it is http(s), else empty), `valid_for_minutes` |
//! | `confirm_email` | `username`, `link` (built here from the token and the site's base URL), `href`, `valid_for_hours` |
//! | `confirm_email_change` | `username`, `link` (built here from the token and the site's base URL), `href`, `valid_for_hours` |
//! | `email_changed` | `username`, `new_address_masked` (`m•••@e•••.com`), `changed_at` |
//! | `email_in_use` | `username` (the address's owner), `requested_at` |
//! | `password_changed` | `username`, `changed_at` |
//! | `sign_in_locked` | `username`, `failed_attempts`, `locked_at`, `locked_until`, `link` (the reset request form, built here from the route table and the base URL), `href` (the link if it is http(s), else empty) |
//! | `server_error` | `request_line`, `request_id`, `error_chain` (list), `occurred_at` |
//! | `dead_mail_digest` | `total`, `mails` (list of `id`, `kind`, `recipients` (masked, joined), `last_error`), `more` (how many are not listed), `made_at` |
//! | `test` | `sent_at` |
//!
//! Times are rendered in UTC as `2025-07-01 10:00:00 UTC`.

use microblog_domain::{ConfirmToken, EmailIntent, EmailKind, ResetToken};
use minijinja::{Value, context};
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

/// The template variables of `intent`; links point into the site at `base_url`.
pub(super) fn values(intent: &EmailIntent, base_url: &str) -> Value {
    match intent {
        EmailIntent::ResetPassword {
            username,
            token,
            valid_for_minutes,
        } => {
            let link = microblog_routes::reset_password_link(base_url, token.as_str());
            context! {
                username => username,
                href => safe_href(&link),
                link => link,
                valid_for_minutes => *valid_for_minutes,
            }
        }
        EmailIntent::ConfirmEmail {
            username,
            token,
            valid_for_hours,
        }
        | EmailIntent::ConfirmEmailChange {
            username,
            token,
            valid_for_hours,
        } => {
            let link = microblog_routes::confirm_email_link(base_url, token.as_str());
            context! {
                username => username,
                href => safe_href(&link),
                link => link,
                valid_for_hours => *valid_for_hours,
            }
        }
        EmailIntent::EmailChanged {
            username,
            new_address_masked,
            changed_at,
        } => context! {
            username => username,
            new_address_masked => new_address_masked,
            changed_at => utc(*changed_at),
        },
        EmailIntent::EmailInUse {
            username,
            requested_at,
        } => context! {
            username => username,
            requested_at => utc(*requested_at),
        },
        EmailIntent::PasswordChanged {
            username,
            changed_at,
        } => context! {
            username => username,
            changed_at => utc(*changed_at),
        },
        EmailIntent::SignInLocked {
            username,
            failed_attempts,
            locked_at,
            locked_until,
        } => {
            let link = format!(
                "{base_url}{}",
                microblog_routes::RESET_PASSWORD_REQUEST.path()
            );
            context! {
                username => username,
                failed_attempts => *failed_attempts,
                locked_at => utc(*locked_at),
                locked_until => utc(*locked_until),
                href => safe_href(&link),
                link => link,
            }
        }
        EmailIntent::ServerError {
            request_line,
            request_id,
            error_chain,
            occurred_at,
        } => context! {
            request_line => request_line,
            request_id => request_id,
            error_chain => error_chain,
            occurred_at => utc(*occurred_at),
        },
        EmailIntent::DeadMailDigest {
            total,
            mails,
            made_at,
        } => {
            let listed: Vec<Value> = mails
                .iter()
                .map(|mail| {
                    context! {
                        id => mail.id,
                        kind => mail.kind.as_str(),
                        recipients => mail.recipients.join(", "),
                        last_error => mail.last_error.as_str(),
                    }
                })
                .collect();
            context! {
                total => *total,
                more => total.saturating_sub(listed.len() as u64),
                mails => listed,
                made_at => utc(*made_at),
            }
        }
        EmailIntent::Test { sent_at } => context! {
            sent_at => utc(*sent_at),
        },
    }
}

/// The link as an `href` only when it is a web address: whatever builds the link, a
/// `javascript:` or `data:` URL never becomes clickable.
fn safe_href(link: &str) -> &str {
    let lower = link.trim_start().to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        link
    } else {
        ""
    }
}

/// `at` in UTC, to the second.
fn utc(at: OffsetDateTime) -> String {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    at.to_offset(UtcOffset::UTC)
        .format(format)
        .unwrap_or_else(|_| at.to_string())
}

/// An intent of `kind` with representative values, to try templates at start-up.
pub(super) fn sample(kind: EmailKind) -> EmailIntent {
    let at = OffsetDateTime::UNIX_EPOCH;
    match kind {
        EmailKind::ResetPassword => EmailIntent::ResetPassword {
            username: "susan".into(),
            token: ResetToken::from_link("sample-token".into()),
            valid_for_minutes: 10,
        },
        EmailKind::ConfirmEmail => EmailIntent::ConfirmEmail {
            username: "susan".into(),
            token: ConfirmToken::from_link("sample-token".into()),
            valid_for_hours: 48,
        },
        EmailKind::ConfirmEmailChange => EmailIntent::ConfirmEmailChange {
            username: "susan".into(),
            token: ConfirmToken::from_link("sample-token".into()),
            valid_for_hours: 48,
        },
        EmailKind::EmailChanged => EmailIntent::EmailChanged {
            username: "susan".into(),
            new_address_masked: "s•••@e•••.org".into(),
            changed_at: at,
        },
        EmailKind::EmailInUse => EmailIntent::EmailInUse {
            username: "susan".into(),
            requested_at: at,
        },
        EmailKind::PasswordChanged => EmailIntent::PasswordChanged {
            username: "susan".into(),
            changed_at: at,
        },
        EmailKind::SignInLocked => EmailIntent::SignInLocked {
            username: "susan".into(),
            failed_attempts: 10,
            locked_at: at,
            locked_until: at + time::Duration::minutes(15),
        },
        EmailKind::ServerError => EmailIntent::ServerError {
            request_line: "GET /index".into(),
            request_id: "sample-request".into(),
            error_chain: vec!["storage failed".into(), "connection refused".into()],
            occurred_at: at,
        },
        EmailKind::DeadMailDigest => EmailIntent::DeadMailDigest {
            total: 2,
            mails: vec![microblog_domain::DeadMailLine {
                id: 17,
                kind: "reset_password".into(),
                recipients: vec!["s***@example.com".into()],
                last_error: "550 5.1.1 no such user".into(),
            }],
            made_at: at,
        },
        EmailKind::Test => EmailIntent::Test { sent_at: at },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn times_are_shown_in_utc() {
        assert_eq!(
            utc(datetime!(2025-07-01 12:30:05 +02:00)),
            "2025-07-01 10:30:05 UTC"
        );
    }

    #[test]
    fn only_web_links_become_hrefs() {
        assert_eq!(safe_href("https://x.example/r/t"), "https://x.example/r/t");
        assert_eq!(safe_href("HTTP://x.example/r/t"), "HTTP://x.example/r/t");
        assert_eq!(safe_href("javascript:alert(1)"), "");
        assert_eq!(safe_href(" data:text/html,<b>"), "");
    }
}
