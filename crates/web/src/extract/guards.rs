//! The guards: [`Guest`] and [`PrivateGuest`] keep logged-in users out, [`CurrentUser`] and
//! [`SignedInVisitor`] keep anonymous visitors out. Each answers the visitor it refuses before the handler runs.

use crate::headers::private_page;
use crate::render::{Web, found};
use crate::session::FlashLevel;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use microblog_domain::User;
use microblog_domain::services::SignedIn;
use microblog_routes::{INDEX, ROOT, login_with_next};
use std::convert::identity;

/// A page only for visitors who are not logged in (the tutorial's `if
/// current_user.is_authenticated: return redirect(url_for('index'))`): a logged-in user is
/// sent to the index with a 302.
pub(crate) struct Guest(pub(crate) Web);

impl FromRequestParts<AppState> for Guest {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        guest(parts, state, identity).await.map(Self)
    }
}

/// A logged-out-only page of the password reset (the link and the new-password form): as
/// [`Guest`], and the redirect keeps the reset pages' private headers.
pub(crate) struct PrivateGuest(pub(crate) Web);

impl FromRequestParts<AppState> for PrivateGuest {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        guest(parts, state, private_page).await.map(Self)
    }
}

async fn guest(
    parts: &mut Parts,
    state: &AppState,
    mark: fn(Response) -> Response,
) -> Result<Web, Response> {
    let web = Web::from_request_parts(parts, state)
        .await
        .map_err(IntoResponse::into_response)?;
    match web.visitor {
        Some(_) => Err(mark(found(INDEX.path()))),
        None => Ok(web),
    }
}

/// A page that requires login (Flask-Login's `@login_required`): anonymous visitors are
/// told "Please log in to access this page." and sent to `/login?next=<path and query>`.
pub(crate) struct CurrentUser {
    pub(crate) web: Web,
    pub(crate) user: User,
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let (web, visitor) = require_login(parts, state).await?;
        Ok(Self {
            web,
            user: visitor.user,
        })
    }
}

/// As [`CurrentUser`], for the pages about the visitor's sessions (`/sessions`, logout,
/// `/change_password`): the user together with the session this request came with.
pub(crate) struct SignedInVisitor {
    pub(crate) web: Web,
    pub(crate) visitor: SignedIn,
}

impl FromRequestParts<AppState> for SignedInVisitor {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let (web, visitor) = require_login(parts, state).await?;
        Ok(Self { web, visitor })
    }
}

async fn require_login(parts: &mut Parts, state: &AppState) -> Result<(Web, SignedIn), Response> {
    let web = Web::from_request_parts(parts, state)
        .await
        .map_err(IntoResponse::into_response)?;
    match web.visitor.clone() {
        Some(visitor) => Ok((web, visitor)),
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
