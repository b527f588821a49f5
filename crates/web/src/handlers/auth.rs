//! `/login`, `/logout` and `/register`.

use crate::error::WebError;
use crate::extract::{CsrfForm, CsrfProtected, Guest, Web};
use crate::forms::{FORM_EXPIRED, FormView, LoginForm, PageQuery, RegisterForm};
use crate::render::found;
use crate::session::FlashLevel;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use microblog_domain::services::{AuthenticateError, RegisterError};
use microblog_routes::{INDEX, LOGIN, login_with_next};
use minijinja::context;
use minijinja::value::Serde;
use time::OffsetDateTime;

/// `GET /login`.
pub(crate) async fn login_form(
    Query(query): Query<PageQuery>,
    Guest(web): Guest,
) -> Result<Response, WebError> {
    login_page(&web, &query, FormView::new(), StatusCode::OK)
}

/// `POST /login`: checks the credentials and logs in, then goes to `next` if it is a local
/// path, else to `/index`.
pub(crate) async fn login(
    Query(query): Query<PageQuery>,
    Guest(web): Guest,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<Response, WebError> {
    if let Err(view) = form.check() {
        return login_page(&web, &query, view, StatusCode::OK);
    }
    let next = query.local_next();
    match web
        .state
        .sign_in
        .authenticate(&form.username, &form.password)
        .await
    {
        Ok(user) => {
            let now = OffsetDateTime::now_utc();
            web.session.log_in(&user, form.remember(), now);
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
    let context = context! {
        title => "Sign In",
        action => login_with_next(query.local_next().as_deref()),
        form => Serde(form),
    };
    web.page_with_status(status, "login.html", context)
}

/// `GET /logout`: forgets the user, back to the index (which then asks for a login).
pub(crate) async fn logout(web: Web) -> Response {
    if web.user.is_some() {
        web.session.log_out();
    }
    found(INDEX.path())
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
