//! `MinijinjaComposer`: rendered emails (snapshots), escaping, and operator templates.

mod escaping;
mod snapshots;
mod templates_dir;

use microblog_domain::ports::EmailComposer;
use microblog_domain::{Email, EmailIntent, ResetToken};
use microblog_mail::MinijinjaComposer;

/// The site the composed links point into.
const BASE_URL: &str = "https://m.example";

fn composer() -> MinijinjaComposer {
    composer_at(BASE_URL)
}

fn composer_at(base_url: &str) -> MinijinjaComposer {
    MinijinjaComposer::new(base_url).expect("the built-in templates are valid")
}

fn token(text: &str) -> ResetToken {
    ResetToken::from_link(text.to_owned())
}

fn compose(composer: &MinijinjaComposer, intent: &EmailIntent) -> Email {
    composer
        .compose(vec!["susan@example.com".into()], intent)
        .expect("composing never fails with valid templates")
}
