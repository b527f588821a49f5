//! `AppState`: what every handler and middleware shares (cheap to clone).

use crate::assets::Assets;
use crate::config::{Readiness, Services, StartupError, WebConfig};
use crate::rate_limit::RateLimiter;
use crate::session::SessionCodec;
use crate::templates::Templates;
use microblog_domain::services::{Accounts, Alerts, Blog};
use std::ops::Deref;
use std::sync::Arc;

/// The shared state behind an `Arc`.
#[derive(Clone)]
pub(crate) struct AppState(Arc<Inner>);

pub(crate) struct Inner {
    pub(crate) accounts: Accounts,
    pub(crate) blog: Blog,
    pub(crate) alerts: Alerts,
    pub(crate) readiness: Arc<dyn Readiness>,
    pub(crate) templates: Templates,
    pub(crate) sessions: SessionCodec,
    pub(crate) limiter: RateLimiter,
    pub(crate) assets: Assets,
    /// Accept a valid incoming `X-Request-Id` and read `X-Forwarded-For` (behind a proxy).
    pub(crate) behind_proxy: bool,
    /// `BASE_URL` is https: send HSTS.
    pub(crate) https: bool,
}

impl AppState {
    pub(crate) fn new(services: Services, config: &WebConfig) -> Result<Self, StartupError> {
        let https = config.base_url.starts_with("https://");
        Ok(Self(Arc::new(Inner {
            accounts: services.accounts,
            blog: services.blog,
            alerts: services.alerts,
            readiness: services.readiness,
            templates: Templates::load()?,
            sessions: SessionCodec::new(&config.secret_key, https),
            limiter: RateLimiter::new(config.rate_limit_per_minute),
            assets: Assets::load(),
            behind_proxy: config.trust_forwarded_for,
            https,
        })))
    }
}

impl Deref for AppState {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        &self.0
    }
}
