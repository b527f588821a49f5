//! `/login`, `/logout` and `/register`.

use crate::error::WebError;
use crate::extract::{ClientDevice, CsrfForm, CsrfProtected, Guest, SignedInVisitor, Web};
use crate::forms::{FORM_EXPIRED, FormView, LoginForm, LogoutButton, PageQuery, RegisterForm};
use crate::render::found;
use crate::session::FlashLevel;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use microblog_domain::services::{AuthenticateError, RegisterError};
use microblog_routes::{INDEX, LOGIN, login_with_next};
use minijinja::context;
use minijinja::value::Serde;

/// `GET /login`.
pub(crate) async fn login_form(
    Query(query): Query<PageQuery>,
    Guest(web): Guest,
) -> Result<Response, WebError> {
    let next = query.local_next();
    let context = login_context(next.as_deref(), FormView::new());
    if next.is_none() {
        return web.pristine_guest_page("login.html", context);
    }
    web.page("login.html", context)
}

/// `POST /login`: checks the credentials and opens a new server-side session (a new cookie
/// value: nothing from before the login stays valid), then goes to `next` if it is a local
/// path, else to `/index`.
pub(crate) async fn login(
    Query(query): Query<PageQuery>,
    Guest(web): Guest,
    ClientDevice(device): ClientDevice,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<Response, WebError> {
    if let Err(view) = form.check() {
        return login_page(&web, &query, view, StatusCode::OK);
    }
    let next = query.local_next();
    match web
        .state
        .sign_in
        .sign_in(&form.username, &form.password, form.remember(), device)
        .await
    {
        Ok(opened) => {
            web.session.log_in(opened.secret, form.remember());
            Ok(found(next.as_deref().unwrap_or(INDEX.path())))
        }
        Err(error @ AuthenticateError::InvalidCredentials) => {
            web.session.flash(FlashLevel::Error, error.to_string());
            Ok(found(&login_with_next(next.as_deref())))
        }
        Err(AuthenticateError::Busy(busy)) => Err(busy.into()),
        Err(AuthenticateError::Unexpected(error)) => Err(error.into()),
    }
}

impl CsrfProtected for LoginForm {
    type Context = (Query<PageQuery>, Web);

    async fn expired(self, (Query(query), web): Self::Context) -> Result<Response, WebError> {
        let view = self.view().form_error(FORM_EXPIRED);
        login_page(&web, &query, view, StatusCode::BAD_REQUEST)
    }
}

/// The sign-in form; it posts back to itself, keeping a local `next`.
fn login_page(
    web: &Web,
    query: &PageQuery,
    form: FormView,
    status: StatusCode,
) -> Result<Response, WebError> {
    let context = login_context(query.local_next().as_deref(), form);
    web.page_with_status(status, "login.html", context)
}

fn login_context(next: Option<&str>, form: FormView) -> minijinja::Value {
    context! {
        title => "Sign In",
        action => login_with_next(next),
        form => Serde(form),
    }
}

/// `GET /logout`: a one-button confirmation page, so that a link or image on another site
/// cannot log anyone out; a visitor who is not logged in goes to the index.
pub(crate) async fn logout_form(web: Web) -> Result<Response, WebError> {
    if web.visitor.is_none() {
        return Ok(found(INDEX.path()));
    }
    logout_page(&web, None, StatusCode::OK)
}

/// `POST /logout` (the navigation's button and the confirmation page's): deletes the
/// session row, so the cookie, wherever it was copied, opens nothing any more; then back to
/// the index (which then asks for a login).
pub(crate) async fn logout(
    SignedInVisitor { web, visitor }: SignedInVisitor,
    CsrfForm(LogoutButton {}): CsrfForm<LogoutButton>,
) -> Result<Response, WebError> {
    web.state.sessions.log_out(&visitor).await?;
    web.session.log_out();
    Ok(found(INDEX.path()))
}

impl CsrfProtected for LogoutButton {
    type Context = Web;

    async fn expired(self, web: Web) -> Result<Response, WebError> {
        if web.visitor.is_none() {
            return Ok(found(INDEX.path()));
        }
        logout_page(&web, Some(FORM_EXPIRED), StatusCode::BAD_REQUEST)
    }
}

fn logout_page(
    web: &Web,
    form_error: Option<&str>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let context = context! { title => "Logout", form_error => form_error };
    web.page_with_status(status, "logout.html", context)
}

/// `GET /register`.
pub(crate) async fn register_form(Guest(web): Guest) -> Result<Response, WebError> {
    register_page(&web, FormView::new(), StatusCode::OK)
}

/// `POST /register`: creates the account, then asks for a login.
pub(crate) async fn register(
    Guest(web): Guest,
    CsrfForm(form): CsrfForm<RegisterForm>,
) -> Result<Response, WebError> {
    let command = match form.command() {
        Ok(command) => command,
        Err(view) => return register_page(&web, view, StatusCode::OK),
    };
    match web.state.registration.register(command).await {
        Ok(user) => {
            web.state.email_confirmation.welcome(&user).await;
            let welcome = "Congratulations, you are now a registered user!";
            web.session.flash(FlashLevel::Success, welcome);
            Ok(found(LOGIN.path()))
        }
        Err(error @ RegisterError::UsernameTaken) => register_page(
            &web,
            form.view().with_error("username", error),
            StatusCode::OK,
        ),
        Err(error @ RegisterError::EmailTaken) => {
            register_page(&web, form.view().with_error("email", error), StatusCode::OK)
        }
        Err(RegisterError::Busy(busy)) => Err(busy.into()),
        Err(RegisterError::Unexpected(error)) => Err(error.into()),
    }
}

impl CsrfProtected for RegisterForm {
    type Context = Web;

    async fn expired(self, web: Web) -> Result<Response, WebError> {
        let view = self.view().form_error(FORM_EXPIRED);
        register_page(&web, view, StatusCode::BAD_REQUEST)
    }
}

fn register_page(web: &Web, form: FormView, status: StatusCode) -> Result<Response, WebError> {
    let context = context! { title => "Register", form => Serde(form) };
    web.page_with_status(status, "register.html", context)
}
