//! `WebError`: everything that ends a request with a 500 — or, when password hashing is at
//! capacity, a 503. A 500 response carries a [`ServerFailure`] marker; the error-page
//! middleware logs it, alerts the admins and renders the opaque 500 page with the request
//! id. A 503 carries [`SiteBusy`] and a `Retry-After`; the middleware renders the busy page.

use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use microblog_domain::services::{Busy, UnexpectedError};
use std::any::Any;

/// Seconds a client is asked to wait after a 503 for hashing at capacity.
pub(crate) const BUSY_RETRY_AFTER_SECONDS: &str = "2";

/// Marks a 503 answered because password hashing is at capacity (load, not a bug: no alert).
#[derive(Clone, Copy, Debug)]
pub(crate) struct SiteBusy;

/// A failure the user cannot fix.
#[derive(Debug, thiserror::Error)]
pub(crate) enum WebError {
    /// Too many password hashes at once: 503 with `Retry-After`, never a 500.
    #[error(transparent)]
    Busy(#[from] Busy),
    #[error(transparent)]
    Unexpected(#[from] UnexpectedError),
    #[error("rendering a page failed")]
    Template(#[from] minijinja::Error),
    #[error("the operating system gave no random bytes")]
    Random(#[from] getrandom::Error),
    #[error("the session layer is missing from this route")]
    NoSession,
}

/// What the error-page middleware needs to know about a 500.
#[derive(Clone, Debug)]
pub(crate) struct ServerFailure {
    /// Groups alerts for throttling: the top-level error's message (a fixed text), never
    /// anything taken from the request.
    pub(crate) kind: String,
    /// The error and all its sources, outermost first.
    pub(crate) chain: Vec<String>,
}

impl ServerFailure {
    pub(crate) fn from_error(error: &(dyn std::error::Error + 'static)) -> Self {
        let mut chain = vec![error.to_string()];
        let mut source = error.source();
        while let Some(cause) = source {
            chain.push(cause.to_string());
            source = cause.source();
        }
        // `transparent` variants print their source's message, so it may repeat.
        chain.dedup();
        Self {
            kind: error.to_string(),
            chain,
        }
    }

    /// An empty 500 response carrying this failure for the error-page middleware.
    pub(crate) fn into_response(self) -> Response {
        let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
        response.extensions_mut().insert(self);
        response
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let Self::Busy(_) = self {
            let mut response = StatusCode::SERVICE_UNAVAILABLE.into_response();
            response.headers_mut().insert(
                RETRY_AFTER,
                HeaderValue::from_static(BUSY_RETRY_AFTER_SECONDS),
            );
            response.extensions_mut().insert(SiteBusy);
            return response;
        }
        ServerFailure::from_error(&self).into_response()
    }
}

/// The response for a panic in a handler (tower-http `CatchPanicLayer`).
pub(crate) fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned());
    ServerFailure {
        kind: "panic in a request handler".to_owned(),
        chain: vec![format!("a request handler panicked: {message}")],
    }
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn the_chain_lists_every_cause() {
        let error = Outer(std::io::Error::other("disk on fire"));
        let failure = ServerFailure::from_error(&error);
        assert_eq!(failure.kind, "outer");
        assert_eq!(
            failure.chain,
            vec!["outer".to_owned(), "disk on fire".to_owned()]
        );
    }

    #[test]
    fn panic_payloads_become_messages() {
        let response = panic_response(Box::new("boom"));
        let failure = response.extensions().get::<ServerFailure>().unwrap();
        assert!(failure.chain[0].contains("boom"));
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
