//! The security headers' values: the content security policy of every page, and the
//! stricter treatment of the password-reset pages ([`private_page`]).

use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY};
use axum::response::Response;

/// The content security policy of every page: nothing inline, styles and images from this
/// site (plus Gravatar avatars), forms post only here, no framing.
pub(crate) const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' https://www.gravatar.com; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/// The policy of the password-reset pages: the same without any third-party origin.
pub(crate) const CSP_FIRST_PARTY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Marks a response of the password-reset pages: no `Referer` leaves them, nothing is
/// cached, and no third-party resource is allowed.
pub(crate) fn private_page(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP_FIRST_PARTY),
    );
    response
}
