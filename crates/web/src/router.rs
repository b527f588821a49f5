//! The routes (patterns from the route table, `microblog_routes`) and the middleware stack
//! around them.

use crate::config::WebConfig;
use crate::error::panic_response;
use crate::handlers::{
    auth, avatar, blog, confirm, email, password, profile, reset, sessions, system,
};
use crate::middleware::{
    error_pages, limit_form_posts, load_session, request_context, security_headers,
};
use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use microblog_routes as routes;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;

/// Builds the router. Outermost first, a request meets: the metrics, the request id and
/// access log, the security headers, the error pages, the panic catcher, the body limit;
/// then the probes, static files and avatars directly, or the page routes behind the rate
/// limit and the session.
///
/// Each stack is one `ServiceBuilder` given to one `Router::layer` call (its layers listed
/// outermost first): axum boxes every route once per `layer` call and clones each box on
/// every request, so nine calls cost 13 k instructions a request more than two (callgrind,
/// `xtask/profile/profile.sh`).
pub(crate) fn build(state: AppState, config: &WebConfig) -> Router {
    let timeline = || get(blog::index).post(blog::publish);
    let pages = Router::new()
        .route(routes::ROOT.pattern(), timeline())
        .route(routes::INDEX.pattern(), timeline())
        .route(routes::EXPLORE.pattern(), get(blog::explore))
        .route(routes::USER.pattern(), get(blog::user))
        .route(routes::FOLLOW.pattern(), post(blog::follow))
        .route(routes::UNFOLLOW.pattern(), post(blog::unfollow))
        .route(
            routes::EDIT_PROFILE.pattern(),
            get(profile::edit_profile).post(profile::save_profile),
        )
        .route(
            routes::LOGIN.pattern(),
            get(auth::login_form).post(auth::login),
        )
        .route(
            routes::LOGOUT.pattern(),
            get(auth::logout_form).post(auth::logout),
        )
        .route(routes::SESSIONS.pattern(), get(sessions::list))
        .route(routes::REVOKE_SESSION.pattern(), post(sessions::revoke))
        .route(
            routes::REVOKE_OTHER_SESSIONS.pattern(),
            post(sessions::revoke_others),
        )
        .route(
            routes::CHANGE_PASSWORD.pattern(),
            get(password::change_password_form).post(password::change_password),
        )
        .route(
            routes::CHANGE_EMAIL.pattern(),
            get(email::change_email_form).post(email::change_email),
        )
        .route(
            routes::REGISTER.pattern(),
            get(auth::register_form).post(auth::register),
        )
        .route(
            routes::RESET_PASSWORD_REQUEST.pattern(),
            get(reset::request_form).post(reset::request),
        )
        .route(
            routes::RESET_PASSWORD.pattern(),
            get(reset::reset_form).post(reset::reset),
        )
        .route(
            routes::RESET_PASSWORD_TOKEN.pattern(),
            get(reset::follow_link).post(reset::reset_with_token),
        )
        .route(
            routes::CONFIRM_EMAIL_TOKEN.pattern(),
            get(confirm::follow_link),
        )
        .route(routes::RESEND_CONFIRMATION.pattern(), post(confirm::resend))
        .fallback(system::not_found)
        .layer(
            ServiceBuilder::new()
                .layer(from_fn_with_state(state.clone(), limit_form_posts))
                .layer(from_fn_with_state(state.clone(), load_session)),
        );
    Router::new()
        .route(routes::HEALTHZ.pattern(), get(system::healthz))
        .route(routes::READYZ.pattern(), get(system::readyz))
        .route(routes::STATIC.pattern(), get(system::static_file))
        .route(routes::AVATAR.pattern(), get(avatar::avatar))
        .merge(pages)
        .layer(
            ServiceBuilder::new()
                .layer(axum::middleware::from_fn(crate::metrics::track))
                .layer(from_fn_with_state(state.clone(), request_context))
                .layer(from_fn_with_state(state.clone(), security_headers))
                .layer(from_fn_with_state(state.clone(), error_pages))
                .layer(CatchPanicLayer::custom(panic_response))
                .layer(RequestBodyLimitLayer::new(config.max_body_bytes))
                .layer(DefaultBodyLimit::max(config.max_body_bytes)),
        )
        .with_state(state)
}
