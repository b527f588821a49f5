//! Request ids and the access log: one line per request, inside a span that carries the id
//! and the (redacted) path.

use crate::session::random_hex;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use microblog_routes::{CONFIRM_EMAIL_TOKEN, HEALTHZ, READYZ, RESET_PASSWORD_TOKEN};
use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use tracing::Instrument;

const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The request's id, in logs, in the `X-Request-Id` response header and on the 500 page.
#[derive(Clone, Debug)]
pub(super) struct RequestId(pub(super) String);

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

/// The path as logs and alerts may show it: reset and confirmation tokens are secrets, so a
/// path under either link's route is shown as the route's masked pattern
/// (`/reset_password/<token>`, `/confirm_email/<token>`).
pub(super) fn redacted_path(path: &str) -> Cow<'_, str> {
    [RESET_PASSWORD_TOKEN.rule(), CONFIRM_EMAIL_TOKEN.rule()]
        .into_iter()
        .find(|secret| path.starts_with(secret.literal_prefix()))
        .map_or(Cow::Borrowed(path), |secret| Cow::Owned(secret.masked()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_tokens_never_reach_logs_or_alerts() {
        assert_eq!(
            redacted_path("/confirm_email/eyJhbGciOi.x.y"),
            "/confirm_email/<token>"
        );
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
