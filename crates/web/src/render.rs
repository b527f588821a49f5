//! Turning templates into responses: [`Web`], what a page handler works with, renders full
//! pages (with the user, flash messages and the CSRF token); [`bare_page`] renders error
//! pages for the middleware; [`found`] and [`see_other`] redirect.

use crate::error::WebError;
use crate::forms::FORM_EXPIRED;
use crate::session::Session;
use crate::state::AppState;
use crate::views::UserView;
use axum::http::header::LOCATION;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use microblog_domain::User;
use microblog_domain::services::SignedIn;
use minijinja::context;
use minijinja::value::{Serde, Value};

/// What every page handler works with: the shared state, the request's session and the
/// signed-in visitor (user and server-side session), if any. Handlers get it from a guard
/// (`extract`).
pub(crate) struct Web {
    pub(crate) state: AppState,
    pub(crate) session: Session,
    pub(crate) visitor: Option<SignedIn>,
}

impl Web {
    /// The logged-in user, if any.
    pub(crate) fn user(&self) -> Option<&User> {
        self.visitor.as_ref().map(|visitor| &visitor.user)
    }

    /// Renders `template` with 200 OK.
    pub(crate) fn page(&self, template: &str, context: Value) -> Result<Response, WebError> {
        self.page_with_status(StatusCode::OK, template, context)
    }

    /// Renders `template` with the navigation's user, the pending flash messages (which are
    /// thereby consumed) and the session's CSRF token (created if needed).
    pub(crate) fn page_with_status(
        &self,
        status: StatusCode,
        template: &str,
        context: Value,
    ) -> Result<Response, WebError> {
        let flashes: Vec<Value> = self
            .session
            .take_flashes()
            .into_iter()
            .map(|flash| context! { level => Serde(flash.level), message => flash.message })
            .collect();
        let csrf_token = self.session.csrf_token()?;
        let base = self.layout_context(flashes, csrf_token.as_str());
        let html = self
            .state
            .templates
            .render(template, context! { ..base, ..context })?;
        Ok((status, Html(html)).into_response())
    }

    /// A guest's form page as first shown (no user, no flash message, an empty form): every
    /// guest gets the same HTML but for the CSRF token, so the page is rendered once and
    /// then only joined with each token ([`Templates::with_token`]). `context` must be the
    /// same on every call for `template` (no `next`, no form state, no error); a signed-in
    /// visitor or a pending flash gets the page rendered in full.
    ///
    /// [`Templates::with_token`]: crate::templates::Templates::with_token
    pub(crate) fn pristine_guest_page(
        &self,
        template: &'static str,
        context: Value,
    ) -> Result<Response, WebError> {
        if self.visitor.is_some() || self.session.has_flashes() {
            return self.page(template, context);
        }
        let csrf_token = self.session.csrf_token()?;
        let html = self
            .state
            .templates
            .with_token(template, csrf_token.as_str(), |token| {
                let base = self.layout_context(Vec::new(), token);
                context! { ..base, ..context }
            })?;
        Ok(Html(html).into_response())
    }

    /// What the layout (`base.html`) reads on every page: the navigation's user, the flash
    /// messages, the CSRF token of its forms and the stylesheet's URL. One builder for the
    /// full rendering and the kept one, so they cannot drift apart.
    fn layout_context(&self, flashes: Vec<Value>, csrf_token: &str) -> Value {
        context! {
            current_user => self.user().map(|user| Serde(UserView::new(user, self.state.avatars))),
            flashes => flashes,
            csrf_token => csrf_token,
            css_url => self.state.assets.css_url(),
        }
    }

    /// The 404 page.
    pub(crate) fn not_found(&self) -> Result<Response, WebError> {
        self.page_with_status(StatusCode::NOT_FOUND, "404.html", context! {})
    }

    /// The error page for a form whose CSRF token did not match (400).
    pub(crate) fn form_expired(&self, back: &str) -> Result<Response, WebError> {
        let context = context! {
            title => "The form expired",
            message => FORM_EXPIRED,
            back_url => back,
        };
        self.page_with_status(StatusCode::BAD_REQUEST, "error.html", context)
    }
}

/// An error page without session or user, for the middleware (429, 413, 405, 500). If even
/// the template fails, a plain-text answer with the same status.
pub(crate) fn bare_page(
    state: &AppState,
    status: StatusCode,
    template: &str,
    context: Value,
) -> Response {
    let base = context! { bare_nav => true, css_url => state.assets.css_url() };
    match state
        .templates
        .render(template, context! { ..base, ..context })
    {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, template, "rendering an error page failed");
            (status, status.canonical_reason().unwrap_or("Error")).into_response()
        }
    }
}

/// A 302 redirect (Flask's default) to a local URL.
pub(crate) fn found(url: &str) -> Response {
    redirect(StatusCode::FOUND, url)
}

/// A 303 redirect: "see the other URL, with GET".
pub(crate) fn see_other(url: &str) -> Response {
    redirect(StatusCode::SEE_OTHER, url)
}

fn redirect(status: StatusCode, url: &str) -> Response {
    let location = HeaderValue::from_str(url)
        .unwrap_or_else(|_| HeaderValue::from_static(microblog_routes::INDEX.path()));
    (status, [(LOCATION, location)]).into_response()
}
