//! The security headers' values: the content security policy of every page (which depends
//! on where avatars come from) and of the generated avatars, and the
//! stricter treatment of the password-reset pages ([`private_page`]).

use crate::config::Avatars;
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY};
use axum::response::Response;

/// The content security policy of every page with `AVATARS=gravatar`: nothing inline,
/// styles and images from this site plus Gravatar's images, forms post only here, no
/// framing.
const CSP_GRAVATAR: &str = "default-src 'none'; style-src 'self'; img-src 'self' https://www.gravatar.com; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/// The policy of every page with local avatars (the default), and of the password-reset
/// pages whatever the avatars: the same without any third-party origin.
pub(crate) const CSP_FIRST_PARTY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The policy of a generated avatar: an image that may load, run and embed nothing.
pub(crate) const CSP_AVATAR: &str = "default-src 'none'; frame-ancestors 'none'; sandbox";

/// The content security policy of every page, given where avatars come from.
pub(crate) fn page_csp(avatars: Avatars) -> &'static str {
    match avatars {
        Avatars::Local => CSP_FIRST_PARTY,
        Avatars::Gravatar => CSP_GRAVATAR,
    }
}

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
