//! Probes (`/healthz`, `/readyz`), static files, and the 404 page for unknown routes.

use crate::error::WebError;
use crate::extract::Web;
use crate::render::bare_page;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use minijinja::context;

/// The longest readiness reason shown.
const MAX_REASON_CHARS: usize = 200;

/// `GET /healthz`: the process is up. No session, no database.
pub(crate) async fn healthz() -> Response {
    (StatusCode::OK, [(CACHE_CONTROL, "no-store")], "ok").into_response()
}

/// `GET /readyz`: ready for traffic (database reachable, migrations current), else 503 with
/// a short reason.
pub(crate) async fn readyz(State(state): State<AppState>) -> Response {
    match state.readiness.check().await {
        Ok(()) => (StatusCode::OK, [(CACHE_CONTROL, "no-store")], "ready").into_response(),
        Err(reason) => {
            tracing::warn!(%reason, "not ready");
            let reason: String = reason.chars().take(MAX_REASON_CHARS).collect();
            let body = format!("not ready: {reason}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(CACHE_CONTROL, "no-store")],
                body,
            )
                .into_response()
        }
    }
}

/// `GET /static/<file>`.
pub(crate) async fn static_file(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Response {
    let Some(file) = state.assets.get(&name) else {
        return bare_page(&state, StatusCode::NOT_FOUND, "404.html", context! {});
    };
    let cache = if file.immutable {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let headers = [(CONTENT_TYPE, file.content_type), (CACHE_CONTROL, cache)];
    (headers, file.body.into_owned()).into_response()
}

/// Every unknown route: the 404 page.
pub(crate) async fn not_found(web: Web) -> Result<Response, WebError> {
    web.not_found()
}
