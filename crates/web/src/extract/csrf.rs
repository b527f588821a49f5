//! [`CsrfForm`]: a posted form whose `csrf_token` field matched the session's token before
//! the handler runs. Each form type says, by implementing [`CsrfProtected`], how its page
//! answers a missing or wrong token; the check itself lives only here.

use crate::error::WebError;
use crate::session::{CsrfToken, Session};
use crate::state::AppState;
use axum::Form;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// A form that must carry the session's CSRF token.
pub(crate) trait CsrfProtected: DeserializeOwned + Send {
    /// What the page needs from the request to answer an expired form: its guard, its query
    /// or its path.
    type Context: FromRequestParts<AppState> + Send;

    /// The answer when the token is missing or wrong (always a 400): the form redrawn with
    /// `FORM_EXPIRED`, or the error page. It may read what the page shows; it changes
    /// nothing.
    fn expired(
        self,
        context: Self::Context,
    ) -> impl Future<Output = Result<Response, WebError>> + Send;
}

/// The urlencoded form `T`, its `csrf_token` checked against the session's in constant time.
/// On a mismatch the handler never runs: the answer is `T::expired`.
pub(crate) struct CsrfForm<T>(pub(crate) T);

/// The body as posted: the token beside the form's own fields.
#[derive(Deserialize)]
struct Posted<T> {
    #[serde(default)]
    csrf_token: Option<CsrfToken>,
    #[serde(flatten)]
    form: T,
}

impl<T: CsrfProtected> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let session = request
            .extensions()
            .get::<Session>()
            .cloned()
            .ok_or_else(|| WebError::NoSession.into_response())?;
        let (mut parts, body) = request.into_parts();
        let request = Request::from_parts(parts.clone(), body);
        let Form(posted) = Form::<Posted<T>>::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let token = posted.csrf_token.as_ref();
        if token.is_some_and(|token| session.csrf_matches(token)) {
            return Ok(Self(posted.form));
        }
        let context = T::Context::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Err(posted
            .form
            .expired(context)
            .await
            .unwrap_or_else(IntoResponse::into_response))
    }
}
