//! Extractors: [`Web`] (state, session, maybe a user) and [`LoggedIn`] (a user is required;
//! anonymous visitors are sent to `/login?next=...`).

use crate::error::WebError;
use crate::session::{FlashLevel, Session};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use microblog_domain::User;
use microblog_routes::{ROOT, login_with_next};

/// The user the session layer found for this request, if any.
#[derive(Clone, Debug)]
pub(crate) struct CurrentUser(pub(crate) Option<User>);

/// What every page handler works with.
pub(crate) struct Web {
    pub(crate) state: AppState,
    pub(crate) session: Session,
    pub(crate) user: Option<User>,
}

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
            .get::<CurrentUser>()
            .and_then(|current| current.0.clone());
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
                Err(crate::render::found(&login_with_next(Some(next))))
            }
        }
    }
}
