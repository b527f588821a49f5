//! The outer middleware: request ids and the access log, security headers, and the error
//! pages (500 with alert, and friendly pages for axum's plain-text 4xx answers).

use crate::error::ServerFailure;
use crate::render::bare_page;
use crate::session::random_hex;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::header::{
    ALLOW, CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY,
    STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use microblog_domain::services::ServerErrorReport;
use microblog_routes::{HEALTHZ, READYZ, RESET_PASSWORD_TOKEN};
use minijinja::context;
use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use tracing::Instrument;

/// The content security policy of every page: nothing inline, styles and images from this
/// site (plus Gravatar avatars), forms post only here, no framing.
pub(crate) const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' https://www.gravatar.com; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/// The policy of the password-reset pages: the same without any third-party origin.
pub(crate) const CSP_FIRST_PARTY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The request's id, in logs, in the `X-Request-Id` response header and on the 500 page.
#[derive(Clone, Debug)]
pub(crate) struct RequestId(pub(crate) String);

/// Gives the request an id (a proxy's `X-Request-Id` when behind a trusted proxy and the
/// id is plain), runs it inside a span carrying the id, and logs one line per request.
pub(crate) async fn request_context(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let incoming = request
        .headers()
        .get(&X_REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .filter(|id| state.behind_proxy && plain_id(id))
        .map(str::to_owned);
    let id = incoming.unwrap_or_else(new_request_id);
    request.extensions_mut().insert(RequestId(id.clone()));
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %request.method(),
        path = %redacted_path(request.uri().path()),
    );
    let probe = [HEALTHZ, READYZ]
        .map(|route| route.path())
        .contains(&request.uri().path());
    let started = Instant::now();
    async move {
        let mut response = next.run(request).await;
        let status = response.status().as_u16();
        // Milliseconds to the microsecond: most requests take well under one.
        let latency_ms = (started.elapsed().as_secs_f64() * 1e6).round() / 1e3;
        if probe {
            tracing::debug!(status, latency_ms, "probe answered");
        } else {
            tracing::info!(status, latency_ms, "request handled");
        }
        if let Ok(value) = HeaderValue::from_str(&id) {
            response.headers_mut().insert(X_REQUEST_ID, value);
        }
        response
    }
    .instrument(span)
    .await
}

fn plain_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

fn new_request_id() -> String {
    static FALLBACK: AtomicU64 = AtomicU64::new(0);
    random_hex(16).unwrap_or_else(|_| {
        let nanos = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
        format!("{nanos:x}-{}", FALLBACK.fetch_add(1, Ordering::Relaxed))
    })
}

/// The path as logs and alerts may show it: reset tokens are secrets, so a path under the
/// reset link's route is shown as the route's masked pattern (`/reset_password/<token>`).
pub(crate) fn redacted_path(path: &str) -> Cow<'_, str> {
    let secret = RESET_PASSWORD_TOKEN.rule();
    if path.starts_with(secret.literal_prefix()) {
        Cow::Owned(secret.masked())
    } else {
        Cow::Borrowed(path)
    }
}

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
    default_header(headers, CONTENT_SECURITY_POLICY, CSP);
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

/// Renders the pages for failures: a [`ServerFailure`] becomes the opaque 500 page (after
/// logging the cause chain and queueing the admins' alert), and the plain-text answers of
/// axum and tower-http (405, 413, 400, 415, 422) become friendly pages with the same status.
pub(crate) async fn error_pages(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let request_line = format!(
        "{} {}",
        request.method(),
        redacted_path(request.uri().path())
    );
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .map_or_else(String::new, |id| id.0.clone());
    let response = next.run(request).await;
    if let Some(failure) = response.extensions().get::<ServerFailure>().cloned() {
        tracing::error!(
            request_id = %request_id,
            error_chain = %failure.chain.join(": "),
            "server error answering {request_line}"
        );
        let report = ServerErrorReport {
            kind: failure.kind,
            request_line,
            request_id: request_id.clone(),
            error_chain: failure.chain,
        };
        let alerts = state.alerts.clone();
        tokio::spawn(async move { alerts.server_error(report).await });
        let status = StatusCode::INTERNAL_SERVER_ERROR;
        return bare_page(&state, status, "500.html", context! { request_id });
    }
    let is_html = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"text/html"));
    match (is_html, describe(response.status())) {
        (false, Some((title, message))) => {
            let context = context! { title, message };
            let mut page = bare_page(&state, response.status(), "error.html", context);
            if let Some(allow) = response.headers().get(ALLOW) {
                page.headers_mut().insert(ALLOW, allow.clone());
            }
            page
        }
        _ => response,
    }
}

fn describe(status: StatusCode) -> Option<(&'static str, &'static str)> {
    Some(match status {
        StatusCode::BAD_REQUEST => ("Bad request", "The request could not be understood."),
        StatusCode::METHOD_NOT_ALLOWED => (
            "Method not allowed",
            "This page cannot be used that way. Use the links and buttons on the site.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "Too much data",
            "What you sent is larger than this site accepts. Please shorten it and try again.",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE | StatusCode::UNPROCESSABLE_ENTITY => (
            "Unexpected form",
            "The form data could not be read. Please go back and submit the form again.",
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_tokens_never_reach_logs_or_alerts() {
        assert_eq!(
            redacted_path("/reset_password/eyJhbGciOi.x.y"),
            "/reset_password/<token>"
        );
        assert_eq!(redacted_path("/reset_password"), "/reset_password");
        assert_eq!(redacted_path("/user/susan"), "/user/susan");
    }

    #[test]
    fn only_plain_incoming_request_ids_are_kept() {
        assert!(plain_id("3f1c-aa_09.x"));
        assert!(!plain_id(""));
        assert!(!plain_id("a b"));
        assert!(!plain_id(&"a".repeat(65)));
        assert_eq!(new_request_id().len(), 32);
    }
}
