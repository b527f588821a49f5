//! `/login`, `/logout` and `/register`.

use crate::error::WebError;
use crate::extract::Web;
use crate::forms::FORM_EXPIRED;
use crate::forms::{FormView, LoginForm, MUST_EQUAL_PASSWORD, PageQuery, RegisterForm};
use crate::links;
use crate::render::found;
use crate::session::FlashLevel;
use axum::Form;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use microblog_domain::services::{AuthenticateError, RegisterCommand, RegisterError};
use microblog_domain::{EmailAddress, Password, Username};
use microblog_routes::{INDEX, LOGIN, login_with_next};
use minijinja::context;
use minijinja::value::Serde;
use time::OffsetDateTime;

/// `GET /login`.
pub(crate) async fn login_form(
    web: Web,
    Query(query): Query<PageQuery>,
) -> Result<Response, WebError> {
    if web.user.is_some() {
        return Ok(found(INDEX.path()));
    }
    let next = query.next.as_deref().and_then(links::local_path);
    login_page(&web, next.as_deref(), FormView::new(), StatusCode::OK)
}

/// `POST /login`: checks the credentials and logs in, then goes to `next` if it is a local
/// path, else to `/index`.
pub(crate) async fn login(
    web: Web,
    Query(query): Query<PageQuery>,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    if web.user.is_some() {
        return Ok(found(INDEX.path()));
    }
    let next = query.next.as_deref().and_then(links::local_path);
    let remember = !form.remember_me.is_empty();
    let mut view = FormView::new()
        .with("username", &form.username)
        .with("remember_me", if remember { "y" } else { "" });
    if !web.session.csrf_matches(&form.csrf_token) {
        let view = view.form_error(FORM_EXPIRED);
        return login_page(&web, next.as_deref(), view, StatusCode::BAD_REQUEST);
    }
    let complete =
        view.require("username", &form.username) & view.require("password", &form.password);
    if !complete {
        return login_page(&web, next.as_deref(), view, StatusCode::OK);
    }
    match web
        .state
        .accounts
        .authenticate(&form.username, &form.password)
        .await
    {
        Ok(user) => {
            web.session
                .log_in(&user, remember, OffsetDateTime::now_utc());
            Ok(found(next.as_deref().unwrap_or(INDEX.path())))
        }
        Err(error @ AuthenticateError::InvalidCredentials) => {
            web.session.flash(FlashLevel::Error, error.to_string());
            Ok(found(&login_with_next(next.as_deref())))
        }
        Err(AuthenticateError::Unexpected(error)) => Err(error.into()),
    }
}

fn login_page(
    web: &Web,
    next: Option<&str>,
    form: FormView,
    status: StatusCode,
) -> Result<Response, WebError> {
    let context = context! {
        title => "Sign In",
        action => login_with_next(next),
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
pub(crate) async fn register_form(web: Web) -> Result<Response, WebError> {
    if web.user.is_some() {
        return Ok(found(INDEX.path()));
    }
    register_page(&web, FormView::new(), StatusCode::OK)
}

/// `POST /register`: creates the account, then asks for a login.
pub(crate) async fn register(
    web: Web,
    Form(form): Form<RegisterForm>,
) -> Result<Response, WebError> {
    if web.user.is_some() {
        return Ok(found(INDEX.path()));
    }
    let mut view = FormView::new()
        .with("username", &form.username)
        .with("email", &form.email);
    if !web.session.csrf_matches(&form.csrf_token) {
        return register_page(&web, view.form_error(FORM_EXPIRED), StatusCode::BAD_REQUEST);
    }
    let username = view.check("username", Username::parse(&form.username));
    let email = view.check("email", EmailAddress::parse(&form.email));
    let password = view.check("password", Password::parse(&form.password));
    if form.password2 != form.password {
        view.field_error("password2", MUST_EQUAL_PASSWORD);
    }
    let (Some(username), Some(email), Some(password), false) =
        (username, email, password, view.has_errors())
    else {
        return register_page(&web, view, StatusCode::OK);
    };
    let command = RegisterCommand {
        username,
        email,
        password,
    };
    match web.state.accounts.register(command).await {
        Ok(_) => {
            web.session.flash(
                FlashLevel::Success,
                "Congratulations, you are now a registered user!",
            );
            Ok(found(LOGIN.path()))
        }
        Err(error @ RegisterError::UsernameTaken) => {
            view.field_error("username", error);
            register_page(&web, view, StatusCode::OK)
        }
        Err(error @ RegisterError::EmailTaken) => {
            view.field_error("email", error);
            register_page(&web, view, StatusCode::OK)
        }
        Err(RegisterError::Unexpected(error)) => Err(error.into()),
    }
}

fn register_page(web: &Web, form: FormView, status: StatusCode) -> Result<Response, WebError> {
    let context = context! { title => "Register", form => Serde(form) };
    web.page_with_status(status, "register.html", context)
}
