//! The session layer of the page routes: decrypts the anonymous-state cookie, finds the
//! signed-in visitor from the login cookie's secret (in the database, on every request), and
//! writes both cookies back when they changed.

use crate::error::WebError;
use crate::session::{LoginCookie, Session, Visitor, append_set_cookie};
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Loads the session and the signed-in visitor into the request's extensions. A login
/// cookie whose session is unknown, expired, revoked or logged out is removed, and the
/// visitor is anonymous. Anonymous visitors never cause a write: no session row exists
/// until a login.
pub(crate) async fn load_session(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let (data, had_cookie) = state.cookies.decode(request.headers());
    let session = Session::new(data);
    let (secret, had_login_cookie) = LoginCookie::read(request.headers());
    let visitor = match secret {
        Some(secret) => match state.sessions.authenticate(&secret).await {
            Ok(found) => found,
            Err(error) => return WebError::from(error).into_response(),
        },
        None => None,
    };
    if visitor.is_none() && had_login_cookie {
        tracing::info!("login cookie refused: no such session (ended, expired or forged)");
        session.forget_login_cookie();
    }
    request.extensions_mut().insert(session.clone());
    request.extensions_mut().insert(Visitor(visitor));
    let mut response = next.run(request).await;
    if let Some(data) = session.changed_data()
        && let Some(cookie) = state.cookies.encode(data, had_cookie)
    {
        append_set_cookie(response.headers_mut(), cookie);
    }
    if let Some(change) = session.login_change()
        && let Some(cookie) = state.login_cookie.header(&change)
    {
        append_set_cookie(response.headers_mut(), cookie);
    }
    response
}
