//! The error pages: a [`ServerFailure`] becomes the opaque 500 page (after the log line and
//! the admins' alert), and the plain-text 4xx answers of axum and tower-http become friendly
//! pages with the same status; a [`SiteBusy`] 503 becomes the "busy" page, keeping its
//! `Retry-After`.

use super::requests::{RequestId, redacted_path};
use crate::error::{ServerFailure, SiteBusy};
use crate::render::bare_page;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::header::{ALLOW, CONTENT_TYPE, RETRY_AFTER};
use axum::middleware::Next;
use axum::response::Response;
use microblog_domain::services::ServerErrorReport;
use minijinja::context;

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
    if response.extensions().get::<SiteBusy>().is_some() {
        tracing::warn!(request_id = %request_id, "password hashing at capacity: answered 503 to {request_line}");
        let context = context! {
            title => "The site is busy",
            message => "Too many people are signing in right now. Please try again in a few seconds.",
        };
        let mut page = bare_page(
            &state,
            StatusCode::SERVICE_UNAVAILABLE,
            "error.html",
            context,
        );
        if let Some(retry_after) = response.headers().get(RETRY_AFTER) {
            page.headers_mut().insert(RETRY_AFTER, retry_after.clone());
        }
        return page;
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
