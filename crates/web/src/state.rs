//! `AppState`: what every handler and middleware shares (cheap to clone).

use crate::assets::Assets;
use crate::config::{Avatars, Readiness, Services, StartupError, WebConfig};
use crate::rate_limit::RateLimiter;
use crate::session::{LoginCookie, SessionCodec};
use crate::templates::Templates;
use microblog_domain::services::{
    Alerts, Blog, ChangeEmail, ChangePassword, EmailConfirmation, ForgotPassword, ManageSessions,
    PasswordReset, Profile, Registration, Sessions, SignIn,
};
use std::ops::Deref;
use std::sync::Arc;

/// The shared state behind an `Arc`.
#[derive(Clone)]
pub(crate) struct AppState(Arc<Inner>);

pub(crate) struct Inner {
    pub(crate) registration: Registration,
    pub(crate) sign_in: SignIn,
    pub(crate) sessions: Sessions,
    pub(crate) manage_sessions: ManageSessions,
    pub(crate) change_password: ChangePassword,
    pub(crate) change_email: ChangeEmail,
    pub(crate) email_confirmation: EmailConfirmation,
    pub(crate) forgot_password: ForgotPassword,
    pub(crate) password_reset: PasswordReset,
    pub(crate) profile: Profile,
    pub(crate) blog: Blog,
    pub(crate) alerts: Alerts,
    pub(crate) readiness: Arc<dyn Readiness>,
    pub(crate) templates: Templates,
    /// Reads and writes the encrypted anonymous-state cookie.
    pub(crate) cookies: SessionCodec,
    /// Writes the login cookie (a server-side session's secret).
    pub(crate) login_cookie: LoginCookie,
    pub(crate) limiter: RateLimiter,
    pub(crate) assets: Assets,
    /// Accept a valid incoming `X-Request-Id` and read `X-Forwarded-For` (behind a proxy).
    pub(crate) behind_proxy: bool,
    /// `BASE_URL` is https: send HSTS.
    pub(crate) https: bool,
    /// Where the pages' avatars come from; the pages' CSP follows.
    pub(crate) avatars: Avatars,
}

impl AppState {
    pub(crate) fn new(services: Services, config: &WebConfig) -> Result<Self, StartupError> {
        let https = config.base_url.starts_with("https://");
        Ok(Self(Arc::new(Inner {
            registration: services.registration,
            sign_in: services.sign_in,
            login_cookie: LoginCookie::new(https, services.sessions.rules().remember_for),
            sessions: services.sessions,
            manage_sessions: services.manage_sessions,
            change_password: services.change_password,
            change_email: services.change_email,
            email_confirmation: services.email_confirmation,
            forgot_password: services.forgot_password,
            password_reset: services.password_reset,
            profile: services.profile,
            blog: services.blog,
            alerts: services.alerts,
            readiness: services.readiness,
            templates: Templates::load()?,
            cookies: SessionCodec::new(&config.secret_key, https),
            limiter: RateLimiter::new(config.rate_limit_per_minute),
            assets: Assets::load(),
            behind_proxy: config.trust_forwarded_for,
            https,
            avatars: config.avatars,
        })))
    }
}

impl Deref for AppState {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        &self.0
    }
}
