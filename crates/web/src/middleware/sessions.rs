//! The session layer of the page routes: decrypts the cookie, checks the logged-in user
//! against the user's current session epoch, and writes the cookie back when it changed.

use crate::error::WebError;
use crate::session::{Session, Visitor, append_set_cookie};
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use microblog_domain::UserId;
use time::OffsetDateTime;

/// Loads the session and the current user into the request's extensions. A session whose
/// user no longer exists, or whose epoch is stale (the password was reset since), is
/// treated as anonymous and the user is removed from the cookie.
pub(crate) async fn load_session(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let (data, had_cookie) = state
        .cookies
        .decode(request.headers(), OffsetDateTime::now_utc());
    let session = Session::new(data);
    let user = match session.user() {
        Some(known) => match state
            .sessions
            .session_user(UserId(known.id), known.epoch)
            .await
        {
            Ok(Some(user)) => Some(user),
            Ok(None) => {
                tracing::info!(
                    user_id = known.id,
                    "session ended: unknown user or stale epoch"
                );
                session.log_out();
                None
            }
            Err(error) => return WebError::from(error).into_response(),
        },
        None => None,
    };
    request.extensions_mut().insert(session.clone());
    request.extensions_mut().insert(Visitor(user));
    let mut response = next.run(request).await;
    if let Some(data) = session.changed_data()
        && let Some(cookie) = state.cookies.encode(data, had_cookie)
    {
        append_set_cookie(response.headers_mut(), cookie);
    }
    response
}
