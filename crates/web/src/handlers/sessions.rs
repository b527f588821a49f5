//! `/sessions`: the signed-in user's sessions, and the forms that end them.

use crate::error::WebError;
use crate::extract::{CsrfForm, CsrfProtected, SignedInVisitor, Web};
use crate::forms::RevokeButton;
use crate::render::found;
use crate::session::FlashLevel;
use crate::views::SessionView;
use axum::extract::Path;
use axum::response::Response;
use microblog_domain::SessionHandle;
use microblog_domain::services::RevokeSessionError;
use microblog_routes::SESSIONS;
use minijinja::context;
use minijinja::value::Serde;
use time::OffsetDateTime;

/// `GET /sessions`: one row per unexpired session of the visitor, most recently active
/// first, the current one marked "This device".
pub(crate) async fn list(
    SignedInVisitor { web, visitor }: SignedInVisitor,
) -> Result<Response, WebError> {
    let sessions = web.state.manage_sessions.list(&visitor).await?;
    let now = OffsetDateTime::now_utc();
    let rows: Vec<SessionView> = sessions
        .iter()
        .map(|session| SessionView::new(session, &visitor.session.handle, now))
        .collect();
    let context = context! { title => "Your Sessions", sessions => Serde(rows) };
    web.page("sessions.html", context)
}

/// `POST /sessions/<handle>/revoke`: ends that session of the visitor's at once. A handle
/// that is not one of the visitor's sessions (another user's included) answers 404 and
/// changes nothing.
pub(crate) async fn revoke(
    SignedInVisitor { web, visitor }: SignedInVisitor,
    Path(raw): Path<String>,
    CsrfForm(RevokeButton {}): CsrfForm<RevokeButton>,
) -> Result<Response, WebError> {
    let Some(handle) = SessionHandle::parse(&raw) else {
        return web.not_found();
    };
    match web.state.manage_sessions.revoke(&visitor, &handle).await {
        Ok(()) if handle == visitor.session.handle => {
            web.session.log_out();
            Ok(found(SESSIONS.path()))
        }
        Ok(()) => {
            web.session
                .flash(FlashLevel::Success, "The session has been signed out.");
            Ok(found(SESSIONS.path()))
        }
        Err(RevokeSessionError::NotFound) => web.not_found(),
        Err(RevokeSessionError::Unexpected(error)) => Err(error.into()),
    }
}

/// `POST /sessions/revoke_others`: ends every session of the visitor's but this one.
pub(crate) async fn revoke_others(
    SignedInVisitor { web, visitor }: SignedInVisitor,
    CsrfForm(RevokeButton {}): CsrfForm<RevokeButton>,
) -> Result<Response, WebError> {
    let ended = web.state.manage_sessions.revoke_others(&visitor).await?;
    let s = if ended == 1 { "" } else { "s" };
    web.session.flash(
        FlashLevel::Success,
        format!("{ended} other session{s} signed out."),
    );
    Ok(found(SESSIONS.path()))
}

impl CsrfProtected for RevokeButton {
    type Context = Web;

    async fn expired(self, web: Web) -> Result<Response, WebError> {
        web.form_expired(SESSIONS.path())
    }
}
