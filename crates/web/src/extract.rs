//! Extractors: [`Web`] (state, session, maybe a user) and [`LoggedIn`] (a user is required;
//! anonymous visitors are sent to `/login?next=...`).

pub(crate) use crate::render::Web;

use crate::error::WebError;
use crate::render::found;
use crate::session::{FlashLevel, Session, Visitor};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use microblog_domain::User;
use microblog_routes::{ROOT, login_with_next};

/// The state, the session and the visitor's user, as the session layer left them in the
/// request's extensions.
impl FromRequestParts<AppState> for Web {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let session = parts
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or(WebError::NoSession)?;
        let user = parts
            .extensions
            .get::<Visitor>()
            .and_then(|visitor| visitor.0.clone());
        Ok(Self {
            state: state.clone(),
            session,
            user,
        })
    }
}

/// A page that requires login (Flask-Login's `@login_required`).
pub(crate) struct LoggedIn {
    pub(crate) web: Web,
    pub(crate) user: User,
}

impl FromRequestParts<AppState> for LoggedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let web = Web::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        match web.user.clone() {
            Some(user) => Ok(Self { web, user }),
            None => {
                web.session
                    .flash(FlashLevel::Info, "Please log in to access this page.");
                let next = parts
                    .uri
                    .path_and_query()
                    .map_or(ROOT.path(), |pq| pq.as_str());
                Err(found(&login_with_next(Some(next))))
            }
        }
    }
}
