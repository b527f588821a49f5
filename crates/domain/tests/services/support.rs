//! Shared fixtures: a settable clock, sample users, and an `Accounts` built on mocks.

use microblog_domain::ports::{
    Clock, MockEmailComposer, MockOutbox, MockPasswordHasher, MockUserRepository, OutboxId,
};
use microblog_domain::services::{Accounts, AccountsConfig, OutboxSignal};
use microblog_domain::values::{AboutMe, EmailAddress, PasswordHash, SecretKey, Username};
use microblog_domain::{Email, EmailIntent, ResetTokens, User, UserId};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use time::OffsetDateTime;

pub const BASE_URL: &str = "https://microblog.example";

/// A clock tests can move.
#[derive(Clone)]
pub struct TestClock(Arc<Mutex<OffsetDateTime>>);

impl TestClock {
    pub fn at(seconds: i64) -> Self {
        Self(Arc::new(Mutex::new(t(seconds))))
    }

    pub fn set(&self, seconds: i64) {
        *self.0.lock().unwrap() = t(seconds);
    }
}

impl Clock for TestClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap()
    }
}

/// A fixed instant, `seconds` after an arbitrary epoch in 2027.
pub fn t(seconds: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_800_000_000 + seconds).unwrap()
}

pub fn secret() -> SecretKey {
    SecretKey::parse("services test secret, at least 32 bytes").unwrap()
}

pub fn tokens() -> ResetTokens {
    ResetTokens::new(&secret(), Duration::from_secs(600))
}

pub fn user(id: i64, name: &str, hash: &str) -> User {
    User {
        id: UserId(id),
        username: Username::parse(name).unwrap(),
        email: EmailAddress::parse(&format!("{name}@Example.com")).unwrap(),
        password_hash: PasswordHash::from_phc(hash),
        about_me: AboutMe::default(),
        last_seen: t(0),
        session_epoch: 3,
        created_at: t(0),
    }
}

/// A composer that renders the intent's Debug form, so tests can read what was asked.
pub fn echo_composer() -> MockEmailComposer {
    let mut composer = MockEmailComposer::new();
    composer
        .expect_compose()
        .returning(|to, intent: &EmailIntent| {
            Ok(Email {
                kind: intent.kind(),
                to,
                subject: format!("{:?}", intent.kind()),
                text_body: format!("{intent:?}"),
                html_body: String::new(),
            })
        });
    composer
}

/// An outbox mock that records what it is given.
pub fn recording_outbox(into: Arc<Mutex<Vec<Email>>>) -> MockOutbox {
    let mut outbox = MockOutbox::new();
    outbox.expect_enqueue().returning(move |email, _| {
        into.lock().unwrap().push(email.clone());
        Ok(OutboxId(1))
    });
    outbox
}

/// The ports of `Accounts`, to set expectations on before building it.
pub struct AccountPorts {
    pub users: MockUserRepository,
    pub outbox: MockOutbox,
    pub composer: MockEmailComposer,
    pub hasher: MockPasswordHasher,
    pub clock: TestClock,
}

impl AccountPorts {
    pub fn new() -> Self {
        Self {
            users: MockUserRepository::new(),
            outbox: MockOutbox::new(),
            composer: echo_composer(),
            hasher: MockPasswordHasher::new(),
            clock: TestClock::at(0),
        }
    }

    pub fn build(self) -> Accounts {
        Accounts::new(
            Arc::new(self.users),
            Arc::new(self.outbox),
            Arc::new(self.composer),
            Arc::new(self.hasher),
            Arc::new(self.clock),
            tokens(),
            OutboxSignal::default(),
            AccountsConfig {
                base_url: BASE_URL.to_owned(),
                ..AccountsConfig::default()
            },
        )
    }
}
