//! The services wired over the chosen ports, as the binary's composition root wires them
//! over the real adapters. Shared by the test harness and the preview example.

use super::fakes::TextComposer;
use microblog_domain::ports::LockoutRule;
use microblog_domain::ports::Mailer;
use microblog_domain::ports::{
    Clock, Outbox, PasswordHasher, PostRepository, SessionStore, SystemClock, TimelineStore,
    UserRepository,
};
use microblog_domain::services::Lockout;
use microblog_domain::services::{
    Alerts, Blog, ChangeEmail, ChangePassword, DispatcherConfig, EmailConfirmation, ForgotPassword,
    MailDispatcher, MailPreparer, MailQueue, ManageSessions, OutboxSignal, PasswordReset, Profile,
    Reauthentication, Registration, ResetPolicy, SessionRules, Sessions, SignIn,
};
use microblog_domain::{ConfirmTokens, ResetTokens, SecretKey};
use microblog_testkit::InMemorySignInAttempts;
use microblog_web::{Readiness, Services};
use std::sync::Arc;
use std::time::Duration;

/// The ports the services are built on; the in-memory fakes unless a test swaps one.
pub struct Ports {
    pub users: Arc<dyn UserRepository>,
    pub posts: Arc<dyn PostRepository>,
    /// The home feeds `posts` writes (the same in-memory store unless a test swaps both).
    pub timelines: Arc<dyn TimelineStore>,
    pub hasher: Arc<dyn PasswordHasher>,
    pub outbox: Arc<dyn Outbox>,
    pub sessions: Arc<dyn SessionStore>,
}

/// What the services need besides the ports.
pub struct Wired {
    /// Where the failure alerts go (the in-memory outbox even when a test swaps `outbox`).
    pub alerts_outbox: Arc<dyn Outbox>,
    pub readiness: Arc<dyn Readiness>,
    pub per_page: u32,
}

/// The reset tokens of these tests: signed with `secret`, valid ten minutes.
fn tokens(secret: &SecretKey) -> ResetTokens {
    ResetTokens::new(secret, Duration::from_secs(600))
}

/// The confirmation tokens of these tests: signed with `secret`, valid two days.
fn confirm_tokens(secret: &SecretKey) -> ConfirmTokens {
    ConfirmTokens::new(secret, Duration::from_secs(48 * 3600))
}

/// The mail dispatcher over `outbox` (the in-memory one, even when a test swaps the
/// services' outbox to make it fail), rendering with the plain-text composer and delivering
/// to `mailer`; tests drain it when they want the mail sent.
pub fn dispatcher(
    ports: &Ports,
    outbox: Arc<dyn Outbox>,
    mailer: Arc<dyn Mailer>,
    secret: &SecretKey,
) -> MailDispatcher {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let preparer = MailPreparer::new(
        ports.users.clone(),
        Arc::new(TextComposer),
        ResetPolicy {
            tokens: tokens(secret),
            throttle: Duration::from_secs(60),
        },
        confirm_tokens(secret),
        Duration::from_secs(24 * 3600),
    );
    MailDispatcher::new(
        outbox,
        mailer,
        preparer,
        clock,
        DispatcherConfig::default(),
        OutboxSignal::default(),
    )
}

pub fn services(ports: &Ports, wired: &Wired, secret: &SecretKey) -> Services {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let mail = MailQueue::new(ports.outbox.clone(), clock.clone(), OutboxSignal::default());
    let users = &ports.users;
    let sessions = Sessions::new(
        users.clone(),
        ports.sessions.clone(),
        clock.clone(),
        SessionRules::default(),
    );
    let lockout = Lockout::new(
        Arc::new(InMemorySignInAttempts::default()),
        clock.clone(),
        LockoutRule::default(),
    );
    let reauthentication =
        Reauthentication::new(ports.hasher.clone(), lockout.clone(), mail.clone());
    Services {
        registration: Registration::new(users.clone(), ports.hasher.clone(), clock.clone()),
        sign_in: SignIn::new(
            users.clone(),
            ports.hasher.clone(),
            lockout.clone(),
            mail.clone(),
            sessions.clone(),
        ),
        sessions: sessions.clone(),
        manage_sessions: ManageSessions::new(ports.sessions.clone(), clock.clone()),
        change_password: ChangePassword::new(
            users.clone(),
            clock.clone(),
            reauthentication.clone(),
            mail.clone(),
            sessions.clone(),
        ),
        change_email: ChangeEmail::new(
            users.clone(),
            clock.clone(),
            reauthentication,
            mail.clone(),
        ),
        email_confirmation: EmailConfirmation::new(
            users.clone(),
            clock.clone(),
            mail.clone(),
            confirm_tokens(secret),
            Duration::from_secs(60),
        ),
        forgot_password: ForgotPassword::new(mail.clone()),
        password_reset: PasswordReset::new(
            users.clone(),
            ports.hasher.clone(),
            clock.clone(),
            mail,
            tokens(secret),
            sessions,
        ),
        profile: Profile::new(users.clone()),
        blog: Blog::new(
            users.clone(),
            ports.posts.clone(),
            ports.timelines.clone(),
            clock.clone(),
            wired.per_page,
        ),
        alerts: Alerts::new(
            vec!["admin@example.com".to_owned()],
            MailQueue::new(
                wired.alerts_outbox.clone(),
                clock.clone(),
                OutboxSignal::default(),
            ),
            clock,
        ),
        readiness: wired.readiness.clone(),
    }
}
