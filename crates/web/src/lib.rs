//! Microblog's web frontend: the axum router with every page of the Flask Mega-Tutorial's
//! microblog (chapter 10), server-side login sessions, CSRF tokens, flash messages, security
//! headers, per-IP rate limits and minijinja pages.
//!
//! The crate receives the domain's services ([`Services`]) and never touches storage or mail
//! itself: a handler's guard and form extractors apply the site's rules (login required or
//! forbidden, a matching CSRF token), then the handler calls a service, then renders or
//! redirects.
//!
//! Every URL comes from the route table, `microblog_routes`: the router registers its
//! patterns, handlers redirect to them, templates link with `url_for(name, **params)`, and
//! the rate limiter and log redaction take their paths from it.
//!
//! Templates live in `templates/*.html` and the stylesheet in `static/`: compiled into
//! release builds, read from disk (and reloaded on change) in debug builds. To look at the
//! pages with sample data: `cargo run -p microblog-web --example preview`.
//!
//! # Layers
//!
//! Modules only use modules below them (`use crate::...` never points up):
//!
//! 1. Foundations, each using at most the ones listed before it: `config` (what the
//!    application is built from), `error`, `headers`, `links`, `forms`, `avatar` (the
//!    generated identicons), `views`, `assets`,
//!    `rate_limit`, `session`, `templates`, `metrics` (request counts and durations).
//! 2. `state`: the shared [`AppState`](state::AppState).
//! 3. `render`: `Web` and turning templates into responses.
//! 4. `middleware` and `extract` (the guards and the CSRF-checked form).
//! 5. `handlers`.
//! 6. `router`, then this file.

mod assets;
mod avatar;
mod config;
mod error;
mod extract;
mod forms;
mod handlers;
mod headers;
mod links;
mod metrics;
mod middleware;
mod rate_limit;
mod render;
mod router;
mod session;
mod state;
mod templates;
mod views;

pub use config::{Avatars, Readiness, Services, StartupError, WebConfig};

/// Builds the whole application. Serve it with
/// `axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())` so the
/// rate limiter sees client addresses.
///
/// # Errors
/// [`StartupError::Template`] when a page template fails to load or parse.
pub fn app(services: Services, config: WebConfig) -> Result<axum::Router, StartupError> {
    let state = state::AppState::new(services, &config)?;
    Ok(router::build(state, &config))
}
