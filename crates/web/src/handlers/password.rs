//! `/change_password`: a signed-in user sets a new password, proving the current one.

use crate::error::WebError;
use crate::extract::{CsrfForm, CsrfProtected, SignedInVisitor, Web};
use crate::forms::{ChangePasswordForm, FORM_EXPIRED, FormView};
use crate::render::found;
use crate::session::FlashLevel;
use axum::http::StatusCode;
use axum::response::Response;
use microblog_domain::services::ChangePasswordError;
use microblog_routes::INDEX;
use minijinja::context;
use minijinja::value::Serde;

/// `GET /change_password`.
pub(crate) async fn change_password_form(
    SignedInVisitor { web, .. }: SignedInVisitor,
) -> Result<Response, WebError> {
    page(&web, FormView::new(), StatusCode::OK)
}

/// `POST /change_password`: on success every other session ends, this one stays, the
/// "password changed" notice is queued, and the user goes to `/index` with a flash. A
/// wrong current password or mismatched new ones redraw the form and change nothing.
pub(crate) async fn change_password(
    SignedInVisitor { web, visitor }: SignedInVisitor,
    CsrfForm(form): CsrfForm<ChangePasswordForm>,
) -> Result<Response, WebError> {
    let command = match form.command() {
        Ok(command) => command,
        Err(view) => return page(&web, view, StatusCode::OK),
    };
    match web.state.change_password.change(&visitor, command).await {
        Ok(_) => {
            web.session
                .flash(FlashLevel::Success, "Your password has been changed.");
            Ok(found(INDEX.path()))
        }
        Err(error @ ChangePasswordError::WrongCurrentPassword) => page(
            &web,
            FormView::new().with_error("current_password", error),
            StatusCode::OK,
        ),
        Err(ChangePasswordError::Busy(busy)) => Err(busy.into()),
        Err(ChangePasswordError::Unexpected(error)) => Err(error.into()),
    }
}

impl CsrfProtected for ChangePasswordForm {
    type Context = SignedInVisitor;

    async fn expired(
        self,
        SignedInVisitor { web, .. }: SignedInVisitor,
    ) -> Result<Response, WebError> {
        page(
            &web,
            FormView::new().form_error(FORM_EXPIRED),
            StatusCode::BAD_REQUEST,
        )
    }
}

fn page(web: &Web, form: FormView, status: StatusCode) -> Result<Response, WebError> {
    let context = context! { title => "Change Password", form => Serde(form) };
    web.page_with_status(status, "change_password.html", context)
}
