//! `MinijinjaComposer`: rendered emails (snapshots), escaping, and operator templates.

mod escaping;
mod snapshots;
mod templates_dir;

use microblog_domain::ports::EmailComposer;
use microblog_domain::{Email, EmailIntent};
use microblog_mail::MinijinjaComposer;

fn composer() -> MinijinjaComposer {
    MinijinjaComposer::new().expect("the built-in templates are valid")
}

fn compose(composer: &MinijinjaComposer, intent: &EmailIntent) -> Email {
    composer
        .compose(vec!["susan@example.com".into()], intent)
        .expect("composing never fails with valid templates")
}
