//! The rate limit on the forms that cost a password hash or an email: `POST` to the login,
//! registration, reset-request and address-change forms (their paths from the route table).

use crate::rate_limit::client_ip;
use crate::render::bare_page;
use crate::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use microblog_routes::{CHANGE_EMAIL, LOGIN, REGISTER, RESET_PASSWORD_REQUEST, Route};
use minijinja::context;
use std::net::SocketAddr;

/// The limited form targets.
const LIMITED: [Route; 4] = [LOGIN, REGISTER, RESET_PASSWORD_REQUEST, CHANGE_EMAIL];

/// Answers 429 with a friendly page (and `Retry-After`) when a client posts the limited
/// forms too often.
pub(crate) async fn limit_form_posts(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    if request.method() != Method::POST || !LIMITED.iter().any(|route| route.path() == path) {
        return next.run(request).await;
    }
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0);
    let ip = client_ip(request.headers(), peer, state.behind_proxy);
    match state.limiter.check(ip) {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            tracing::warn!(client = %ip, path = request.uri().path(), "rate limit exceeded");
            let seconds = wait.as_secs().max(1);
            let context = context! {
                title => "Slow down",
                message => format!(
                    "Too many attempts from your network. Please wait {seconds} second{} and try again.",
                    if seconds == 1 { "" } else { "s" }
                ),
            };
            let mut page = bare_page(&state, StatusCode::TOO_MANY_REQUESTS, "error.html", context);
            page.headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(seconds));
            page
        }
    }
}
