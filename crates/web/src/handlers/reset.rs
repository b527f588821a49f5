//! The password reset: asking for a link, following it (the token moves into the session and
//! the browser goes to the token-free `/reset_password`), and setting the new password.

use crate::error::WebError;
use crate::extract::{CsrfForm, CsrfProtected, Guest, PrivateGuest, Web};
use crate::forms::{FORM_EXPIRED, FormView, ResetPasswordForm, ResetRequestForm};
use crate::headers::private_page;
use crate::render::{found, see_other};
use crate::session::FlashLevel;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use microblog_domain::ResetToken;
use microblog_domain::services::{RequestResetError, ResetPasswordCommand, ResetPasswordError};
use microblog_routes::{LOGIN, RESET_PASSWORD, RESET_PASSWORD_REQUEST};
use minijinja::context;
use minijinja::value::Serde;

/// What a used link says (its password changed since it was sent: this or a newer link).
const USED_LINK: &str = "This reset link has already been used. If you still need to reset your password, request a new link below.";
/// What an expired link says.
const EXPIRED_LINK: &str = "This reset link has expired. Request a new link below.";
/// What anything else says (garbage, bad signature, wrong audience, no such account).
const INVALID_LINK: &str = "This reset link is invalid.";
const CHECK_EMAIL: &str = "Check your email for the instructions to reset your password";

/// `GET /reset_password_request`.
pub(crate) async fn request_form(Guest(web): Guest) -> Result<Response, WebError> {
    request_page(&web, FormView::new(), StatusCode::OK)
}

/// `POST /reset_password_request`: the same answer whether or not the address is known.
pub(crate) async fn request(
    Guest(web): Guest,
    CsrfForm(form): CsrfForm<ResetRequestForm>,
) -> Result<Response, WebError> {
    let email = match form.email() {
        Ok(email) => email,
        Err(view) => return request_page(&web, view, StatusCode::OK),
    };
    web.state
        .forgot_password
        .request(&email)
        .await
        .map_err(|RequestResetError::Unexpected(error)| error)?;
    web.session.flash(FlashLevel::Info, CHECK_EMAIL);
    Ok(found(LOGIN.path()))
}

impl CsrfProtected for ResetRequestForm {
    type Context = Web;

    async fn expired(self, web: Web) -> Result<Response, WebError> {
        let view = self.view().form_error(FORM_EXPIRED);
        request_page(&web, view, StatusCode::BAD_REQUEST)
    }
}

fn request_page(web: &Web, form: FormView, status: StatusCode) -> Result<Response, WebError> {
    let context = context! { title => "Reset Password", form => Serde(form) };
    web.page_with_status(status, "reset_password_request.html", context)
}

/// `GET /reset_password/<token>`: a valid link's token goes into the session and the browser
/// to `/reset_password`, so the token leaves the address bar and history.
pub(crate) async fn follow_link(
    PrivateGuest(web): PrivateGuest,
    Path(token): Path<ResetToken>,
) -> Result<Response, WebError> {
    match web.state.password_reset.verify(&token).await {
        Ok(_) => {
            web.session.set_reset_token(token);
            Ok(private_page(see_other(RESET_PASSWORD.path())))
        }
        Err(error) => refused(&web, error),
    }
}

/// `GET /reset_password`: the new-password form, while the session holds a valid token.
pub(crate) async fn reset_form(PrivateGuest(web): PrivateGuest) -> Result<Response, WebError> {
    let Some(token) = web.session.reset_token() else {
        return Ok(private_page(dead_link(&web, INVALID_LINK)));
    };
    match web.state.password_reset.verify(&token).await {
        Ok(_) => reset_page(&web, FormView::new(), StatusCode::OK),
        Err(error) => refused(&web, error),
    }
}

/// `POST /reset_password`: sets the password with the session's token.
pub(crate) async fn reset(
    PrivateGuest(web): PrivateGuest,
    CsrfForm(form): CsrfForm<ResetPasswordForm>,
) -> Result<Response, WebError> {
    let token = web.session.reset_token();
    set_password(web, token, form).await
}

/// `POST /reset_password/<token>`: the tutorial's form target, with the token in the path.
pub(crate) async fn reset_with_token(
    PrivateGuest(web): PrivateGuest,
    Path(token): Path<ResetToken>,
    CsrfForm(form): CsrfForm<ResetPasswordForm>,
) -> Result<Response, WebError> {
    set_password(web, Some(token), form).await
}

impl CsrfProtected for ResetPasswordForm {
    type Context = Web;

    async fn expired(self, web: Web) -> Result<Response, WebError> {
        let view = FormView::new().form_error(FORM_EXPIRED);
        reset_page(&web, view, StatusCode::BAD_REQUEST)
    }
}

async fn set_password(
    web: Web,
    token: Option<ResetToken>,
    form: ResetPasswordForm,
) -> Result<Response, WebError> {
    let Some(token) = token else {
        return Ok(private_page(dead_link(&web, INVALID_LINK)));
    };
    let new_password = match form.new_password() {
        Ok(password) => password,
        Err(view) => {
            // The redrawn form posts to `/reset_password`, so the session must hold the token.
            web.session.set_reset_token(token);
            return reset_page(&web, view, StatusCode::OK);
        }
    };
    let command = ResetPasswordCommand {
        token,
        new_password,
    };
    match web.state.password_reset.reset(command).await {
        Ok(_) => {
            web.session.clear_reset_token();
            web.session
                .flash(FlashLevel::Success, "Your password has been reset.");
            Ok(private_page(found(LOGIN.path())))
        }
        Err(error) => refused(&web, error),
    }
}

fn reset_page(web: &Web, form: FormView, status: StatusCode) -> Result<Response, WebError> {
    let context = context! { title => "Reset Password", form => Serde(form) };
    let page = web.page_with_status(status, "reset_password.html", context)?;
    Ok(private_page(page))
}

/// The answer to a failed verification or reset: a dead link explains itself, anything
/// else is an error page.
fn refused(web: &Web, error: ResetPasswordError) -> Result<Response, WebError> {
    let message = match error {
        ResetPasswordError::LinkUsed => USED_LINK,
        ResetPasswordError::LinkExpired => EXPIRED_LINK,
        ResetPasswordError::LinkInvalid => INVALID_LINK,
        ResetPasswordError::Busy(busy) => return Err(busy.into()),
        ResetPasswordError::Unexpected(error) => return Err(error.into()),
    };
    Ok(private_page(dead_link(web, message)))
}

/// Forgets the session's token and sends the browser to the form that mails a new link,
/// with `message` saying what was wrong with the one it held.
fn dead_link(web: &Web, message: &'static str) -> Response {
    web.session.clear_reset_token();
    web.session.flash(FlashLevel::Error, message);
    found(RESET_PASSWORD_REQUEST.path())
}
