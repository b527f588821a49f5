//! What the application is built from: the domain services the pages call, the readiness
//! probe, the web layer's configuration, and the error when the router cannot be built.

use async_trait::async_trait;
use microblog_domain::SecretKey;
use microblog_domain::services::{
    Alerts, Blog, ChangeEmail, ChangePassword, EmailConfirmation, ForgotPassword, ManageSessions,
    PasswordReset, Profile, Registration, Sessions, SignIn,
};
use std::sync::Arc;

/// The domain services the pages call, one per use case.
#[derive(Clone)]
pub struct Services {
    /// `/register`.
    pub registration: Registration,
    /// `/login`.
    pub sign_in: SignIn,
    /// The signed-in visitor behind each request's login cookie; `/logout`.
    pub sessions: Sessions,
    /// `/sessions` and its revoke forms.
    pub manage_sessions: ManageSessions,
    /// `/change_password`.
    pub change_password: ChangePassword,
    /// `/change_email`.
    pub change_email: ChangeEmail,
    /// `/confirm_email/<token>`, the first confirmation mail after `/register`, and the
    /// banner's `/resend_confirmation`.
    pub email_confirmation: EmailConfirmation,
    /// `/reset_password_request`.
    pub forgot_password: ForgotPassword,
    /// `/reset_password/<token>` and `/reset_password`.
    pub password_reset: PasswordReset,
    /// `/edit_profile`.
    pub profile: Profile,
    /// Posts, timelines, profiles, following.
    pub blog: Blog,
    /// The throttled "Microblog Failure" email on a server error.
    pub alerts: Alerts,
    /// What `/readyz` asks.
    pub readiness: Arc<dyn Readiness>,
}

/// Whether the service can take traffic: the database is reachable and its migrations are
/// current. Called by `/readyz` on every probe, so it must be cheap.
#[async_trait]
pub trait Readiness: Send + Sync {
    /// `Ok(())` when ready.
    ///
    /// # Errors
    /// A short reason (shown in the 503 answer of `/readyz`, so no secrets) when not ready.
    async fn check(&self) -> Result<(), String>;
}

/// How the web layer behaves.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// The master secret; the anonymous-state cookie's key is derived from it.
    pub secret_key: SecretKey,
    /// `BASE_URL`. When it starts with `https://` cookies are `Secure` and HSTS is sent.
    pub base_url: String,
    /// Per-IP limit on `POST /login`, `/register` and `/reset_password_request`, as requests
    /// per minute with a burst of the same size. `0` turns the limit off.
    pub rate_limit_per_minute: u32,
    /// Take the client IP from the last `X-Forwarded-For` hop (set only behind a reverse
    /// proxy that appends it; otherwise clients could pick their own rate-limit key).
    pub trust_forwarded_for: bool,
    /// Larger request bodies are answered with 413.
    pub max_body_bytes: usize,
    /// Where avatars come from (`AVATARS`).
    pub avatars: Avatars,
}

/// Where the pages' avatars come from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Avatars {
    /// An identicon this site draws from the username, at `/avatar/<username>.svg`: no
    /// third party learns who reads which page, and nothing about the address leaks.
    #[default]
    Local,
    /// The tutorial's Gravatar images, addressed by the MD5 of the email address; only then
    /// does the content security policy allow `https://www.gravatar.com`.
    Gravatar,
}

impl Avatars {
    /// `local` or `gravatar` (any case, surrounding spaces ignored).
    ///
    /// # Errors
    /// Any other value, with a message saying what is expected.
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "local" => Ok(Self::Local),
            "gravatar" => Ok(Self::Gravatar),
            _ => Err(format!("expected local or gravatar, got {raw:?}")),
        }
    }
}

impl WebConfig {
    /// The defaults for everything but the secret: `http://127.0.0.1:5000`, 20 requests per
    /// minute, no proxy, 64 KiB bodies, local avatars.
    pub fn new(secret_key: SecretKey) -> Self {
        Self {
            secret_key,
            base_url: "http://127.0.0.1:5000".to_owned(),
            rate_limit_per_minute: 20,
            trust_forwarded_for: false,
            max_body_bytes: 64 * 1024,
            avatars: Avatars::Local,
        }
    }
}

/// The router could not be built.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// A page template is missing or does not parse.
    #[error("page template {name} failed to load")]
    Template {
        /// The template's file name.
        name: &'static str,
        /// What minijinja reported.
        #[source]
        source: minijinja::Error,
    },
}
