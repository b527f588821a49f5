//! The middleware. Around every route, outermost first: request ids and the access log
//! ([`requests`]), the security headers (here), the error pages ([`errors`]). Around the
//! page routes only: the rate limit on form posts ([`limits`]) and the session
//! ([`sessions`]).

mod errors;
mod limits;
mod requests;
mod sessions;

pub(crate) use errors::error_pages;
pub(crate) use limits::limit_form_posts;
pub(crate) use requests::request_context;
pub(crate) use sessions::load_session;

use crate::headers::page_csp;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// Sets the security headers on every response, keeping any a handler chose itself (the
/// reset pages' stricter ones).
pub(crate) async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    default_header(headers, CONTENT_SECURITY_POLICY, page_csp(state.avatars));
    default_header(headers, REFERRER_POLICY, "same-origin");
    default_header(
        headers,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    default_header(headers, CACHE_CONTROL, "private, no-cache");
    if state.https {
        default_header(headers, STRICT_TRANSPORT_SECURITY, "max-age=63072000");
    }
    response
}

fn default_header(headers: &mut HeaderMap, name: HeaderName, value: &'static str) {
    headers
        .entry(name)
        .or_insert(HeaderValue::from_static(value));
}
