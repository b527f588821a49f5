//! Test doubles only the web tests need: a plain-text email composer and a readiness check
//! a test can switch. The in-memory repositories and outbox come from `microblog-testkit`.

use async_trait::async_trait;
use microblog_domain::ports::{ComposeError, EmailComposer};
use microblog_domain::{Email, EmailIntent};
use microblog_web::Readiness;
use std::sync::Mutex;

/// Plain-text emails that carry what the tests need to read (the reset link).
pub struct TextComposer;

impl EmailComposer for TextComposer {
    fn compose(&self, to: Vec<String>, intent: &EmailIntent) -> Result<Email, ComposeError> {
        let (subject, text_body) = match intent {
            EmailIntent::ResetPassword { token, .. } => (
                "[Microblog] Reset Your Password".into(),
                microblog_routes::reset_password_link("http://microblog.test", token.as_str()),
            ),
            EmailIntent::ConfirmEmail { token, .. } => (
                "[Microblog] Confirm Your Email Address".into(),
                microblog_routes::confirm_email_link("http://microblog.test", token.as_str()),
            ),
            EmailIntent::ConfirmEmailChange { token, .. } => (
                "[Microblog] Confirm Your New Email Address".into(),
                microblog_routes::confirm_email_link("http://microblog.test", token.as_str()),
            ),
            EmailIntent::EmailChanged {
                username,
                new_address_masked,
                ..
            } => (
                "[Microblog] Your email address was changed".into(),
                format!("{username}\n{new_address_masked}"),
            ),
            EmailIntent::EmailInUse { username, .. } => (
                "[Microblog] Someone tried to use your email address".into(),
                username.clone(),
            ),
            EmailIntent::PasswordChanged { username, .. } => {
                ("[Microblog] Password changed".into(), username.clone())
            }
            EmailIntent::SignInLocked { username, .. } => (
                "[Microblog] Someone tried to sign in to your account".into(),
                username.clone(),
            ),
            EmailIntent::ServerError {
                request_line,
                request_id,
                error_chain,
                ..
            } => (
                "Microblog Failure".into(),
                format!("{request_line}\n{request_id}\n{}", error_chain.join("\n")),
            ),
            EmailIntent::DeadMailDigest { total, .. } => {
                (format!("Microblog Dead Mail ({total})"), String::new())
            }
            EmailIntent::Test { .. } => ("test".into(), String::new()),
        };
        Ok(Email {
            kind: intent.kind(),
            to,
            subject,
            html_body: text_body.clone(),
            text_body,
        })
    }
}

/// Ready or not, as a test decides.
#[derive(Default)]
pub struct SwitchableReadiness {
    pub failure: Mutex<Option<String>>,
}

#[async_trait]
impl Readiness for SwitchableReadiness {
    async fn check(&self) -> Result<(), String> {
        match self.failure.lock().unwrap().clone() {
            Some(reason) => Err(reason),
            None => Ok(()),
        }
    }
}
