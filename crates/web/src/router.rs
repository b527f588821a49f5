//! The routes (the tutorial's URLs) and the middleware stack around them.

use crate::WebConfig;
use crate::error::panic_response;
use crate::handlers::{auth, blog, profile, reset, system};
use crate::middleware::{error_pages, request_context, security_headers};
use crate::rate_limit::limit_form_posts;
use crate::session::load_session;
use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;

/// Builds the router. Outermost first, a request meets: the request id and access log, the
/// security headers, the error pages, the panic catcher, the body limit; then the probes
/// and static files directly, or the page routes behind the rate limit and the session.
pub(crate) fn build(state: AppState, config: &WebConfig) -> Router {
    let pages = Router::new()
        .route("/", get(blog::index).post(blog::publish))
        .route("/index", get(blog::index).post(blog::publish))
        .route("/explore", get(blog::explore))
        .route("/user/{username}", get(blog::user))
        .route("/follow/{username}", post(blog::follow))
        .route("/unfollow/{username}", post(blog::unfollow))
        .route(
            "/edit_profile",
            get(profile::edit_profile).post(profile::save_profile),
        )
        .route("/login", get(auth::login_form).post(auth::login))
        .route("/logout", get(auth::logout))
        .route("/register", get(auth::register_form).post(auth::register))
        .route(
            "/reset_password_request",
            get(reset::request_form).post(reset::request),
        )
        .route("/reset_password", get(reset::reset_form).post(reset::reset))
        .route(
            "/reset_password/{token}",
            get(reset::follow_link).post(reset::reset_with_token),
        )
        .fallback(system::not_found)
        .layer(from_fn_with_state(state.clone(), load_session))
        .layer(from_fn_with_state(state.clone(), limit_form_posts));
    Router::new()
        .route("/healthz", get(system::healthz))
        .route("/readyz", get(system::readyz))
        .route("/static/{file}", get(system::static_file))
        .merge(pages)
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(RequestBodyLimitLayer::new(config.max_body_bytes))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(from_fn_with_state(state.clone(), error_pages))
        .layer(from_fn_with_state(state.clone(), security_headers))
        .layer(from_fn_with_state(state.clone(), request_context))
        .with_state(state)
}
