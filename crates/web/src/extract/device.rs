//! [`ClientDevice`]: where a request comes from, as a new session records it — the
//! `User-Agent` and the client's address (the proxy's `X-Forwarded-For` only when trusted,
//! as the rate limiter reads it).

use crate::rate_limit::client_ip;
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::USER_AGENT;
use axum::http::request::Parts;
use microblog_domain::Device;
use std::convert::Infallible;
use std::net::SocketAddr;

/// The requesting device. Never refuses: an absent or non-text user agent is empty, an
/// unknown address is `None`.
pub(crate) struct ClientDevice(pub(crate) Device);

impl FromRequestParts<AppState> for ClientDevice {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0);
        let ip = client_ip(&parts.headers, peer, state.behind_proxy);
        let ip = (!ip.is_unspecified()).then(|| ip.to_string());
        let user_agent = parts
            .headers
            .get(USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        Ok(Self(Device::new(user_agent, ip)))
    }
}
