//! The extractors that carry the site's rules, so that a handler cannot be written without
//! them: [`Web`] for pages open to everyone, [`Guest`] and [`PrivateGuest`] for logged-out-only
//! pages, [`CurrentUser`] for pages that need a login, and [`CsrfForm`] for every form post,
//! whose token is checked before the handler runs.

mod csrf;
mod device;
mod guards;

pub(crate) use crate::render::Web;
pub(crate) use csrf::{CsrfForm, CsrfProtected};
pub(crate) use device::ClientDevice;
pub(crate) use guards::{CurrentUser, Guest, PrivateGuest, SignedInVisitor};

use crate::error::WebError;
use crate::session::{Session, Visitor};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

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
        let visitor = parts
            .extensions
            .get::<Visitor>()
            .and_then(|visitor| visitor.0.clone());
        Ok(Self {
            state: state.clone(),
            session,
            visitor,
        })
    }
}
