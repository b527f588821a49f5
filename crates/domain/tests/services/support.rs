//! Shared fixtures: a settable clock, sample users, and each account use case (and the
//! send-time mail preparer) built on one set of mocks.

use microblog_domain::ports::{
    Clock, MockEmailComposer, MockOutbox, MockPasswordHasher, MockUserRepository, OutboxId,
};
use microblog_domain::ports::{LockoutRule, MockSessionStore, MockSignInAttempts};
use microblog_domain::services::Lockout;
use microblog_domain::services::{
    EmailConfirmation, ForgotPassword, MailPreparer, MailQueue, OutboxSignal, PasswordReset,
    Registration, ResetPolicy, SessionRules, Sessions, SignIn,
};
use microblog_domain::values::{AboutMe, EmailAddress, PasswordHash, SecretKey, Username};
use microblog_domain::{ConfirmTokens, Email, EmailIntent, MailRequest, ResetTokens, User, UserId};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use time::OffsetDateTime;

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

pub fn confirm_tokens() -> ConfirmTokens {
    ConfirmTokens::new(&secret(), Duration::from_secs(48 * 3600))
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
        email_confirmed: false,
        pending_email: None,
        created_at: t(0),
    }
}

/// A composer that renders the intent's Debug form (and a reset token, which Debug hides,
/// on a line `token: ...`), so tests can read what was asked.
pub fn echo_composer() -> MockEmailComposer {
    let mut composer = MockEmailComposer::new();
    composer
        .expect_compose()
        .returning(|to, intent: &EmailIntent| {
            let mut text_body = format!("{intent:?}");
            match intent {
                EmailIntent::ResetPassword { token, .. } => {
                    text_body.push_str(&format!("\ntoken: {}", token.as_str()));
                }
                EmailIntent::ConfirmEmail { token, .. }
                | EmailIntent::ConfirmEmailChange { token, .. } => {
                    text_body.push_str(&format!("\ntoken: {}", token.as_str()));
                }
                _ => {}
            }
            Ok(Email {
                kind: intent.kind(),
                to,
                subject: format!("{:?}", intent.kind()),
                text_body,
                html_body: String::new(),
            })
        });
    composer
}

/// An outbox mock that records what it is given.
pub fn recording_outbox(into: Arc<Mutex<Vec<MailRequest>>>) -> MockOutbox {
    let mut outbox = MockOutbox::new();
    outbox.expect_enqueue().returning(move |request, _| {
        into.lock().unwrap().push(request.clone());
        Ok(OutboxId(1))
    });
    outbox
}

/// A mail queue over this outbox, on this clock.
pub fn mail_queue(outbox: MockOutbox, clock: &TestClock) -> MailQueue {
    MailQueue::new(
        Arc::new(outbox),
        Arc::new(clock.clone()),
        OutboxSignal::default(),
    )
}

/// The reset policy of these tests: `tokens()`, one email per address per minute.
pub fn reset_policy() -> ResetPolicy {
    ResetPolicy {
        tokens: tokens(),
        throttle: Duration::from_secs(60),
    }
}

/// The longest a request may wait in these tests: a day.
pub const MAX_AGE: Duration = Duration::from_secs(24 * 3600);

/// The ports of the account use cases, to set expectations on before building one.
pub struct AccountPorts {
    pub users: MockUserRepository,
    pub outbox: MockOutbox,
    pub composer: MockEmailComposer,
    pub hasher: MockPasswordHasher,
    pub clock: TestClock,
    pub attempts: MockSignInAttempts,
    pub sessions: MockSessionStore,
}

/// Both halves of the password reset.
#[derive(Clone)]
pub struct ResetUseCases {
    pub forgot: ForgotPassword,
    pub reset: PasswordReset,
}

impl AccountPorts {
    pub fn new() -> Self {
        Self {
            users: MockUserRepository::new(),
            outbox: MockOutbox::new(),
            composer: echo_composer(),
            hasher: MockPasswordHasher::new(),
            clock: TestClock::at(0),
            attempts: MockSignInAttempts::new(),
            sessions: MockSessionStore::new(),
        }
    }

    pub fn registration(self) -> Registration {
        Registration::new(
            Arc::new(self.users),
            Arc::new(self.hasher),
            Arc::new(self.clock),
        )
    }

    /// Sign-in with the default rule (10 failures), counting in `attempts`.
    pub fn sign_in(self) -> SignIn {
        let mail = mail_queue(self.outbox, &self.clock);
        let clock = Arc::new(self.clock);
        let users = Arc::new(self.users);
        let sessions = Sessions::new(
            users.clone(),
            Arc::new(self.sessions),
            clock.clone(),
            SessionRules::default(),
        );
        let lockout = Lockout::new(Arc::new(self.attempts), clock, LockoutRule::default());
        SignIn::new(users, Arc::new(self.hasher), lockout, mail, sessions)
    }

    pub fn sessions(self) -> Sessions {
        Sessions::new(
            Arc::new(self.users),
            Arc::new(self.sessions),
            Arc::new(self.clock),
            SessionRules::default(),
        )
    }

    pub fn reset(self) -> ResetUseCases {
        let users = Arc::new(self.users);
        let mail = mail_queue(self.outbox, &self.clock);
        let clock = Arc::new(self.clock);
        let sessions = Sessions::new(
            users.clone(),
            Arc::new(self.sessions),
            clock.clone(),
            SessionRules::default(),
        );
        ResetUseCases {
            forgot: ForgotPassword::new(mail.clone()),
            reset: PasswordReset::new(
                users,
                Arc::new(self.hasher),
                clock,
                mail,
                tokens(),
                sessions,
            ),
        }
    }

    /// Address confirmation over these users and outbox.
    pub fn confirmation(self) -> EmailConfirmation {
        let mail = mail_queue(self.outbox, &self.clock);
        EmailConfirmation::new(
            Arc::new(self.users),
            Arc::new(self.clock),
            mail,
            confirm_tokens(),
            Duration::from_secs(60),
        )
    }

    /// The dispatcher's send-time preparer over these users and the echo composer.
    pub fn preparer(self) -> MailPreparer {
        MailPreparer::new(
            Arc::new(self.users),
            Arc::new(self.composer),
            reset_policy(),
            confirm_tokens(),
            MAX_AGE,
        )
    }
}
