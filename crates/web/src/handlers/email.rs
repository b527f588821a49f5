//! `/change_email`: a signed-in user asks to move their account to a new address, proving
//! their password; the change happens when the link mailed to the new address is followed.

use crate::error::WebError;
use crate::extract::{CsrfForm, CsrfProtected, SignedInVisitor, Web};
use crate::forms::{ChangeEmailForm, FORM_EXPIRED, FormView};
use crate::render::found;
use crate::session::FlashLevel;
use axum::http::StatusCode;
use axum::response::Response;
use microblog_domain::User;
use microblog_domain::services::ChangeEmailError;
use microblog_routes::EDIT_PROFILE;
use minijinja::context;
use minijinja::value::Serde;

/// What a successful request says, whether or not the address was free (the requester
/// must not learn which addresses have accounts).
pub(crate) const CHECK_NEW_ADDRESS: &str = "Check your new email address for the link that confirms it. Until you follow it, your account keeps its current address.";

/// `GET /change_email`.
pub(crate) async fn change_email_form(
    SignedInVisitor { web, visitor }: SignedInVisitor,
) -> Result<Response, WebError> {
    page(&web, &visitor.user, FormView::new(), StatusCode::OK)
}

/// `POST /change_email`: on success the new address is pending and one mail request is
/// queued; the user goes back to `/edit_profile` with a flash. A wrong password redraws
/// the form and sends nothing.
pub(crate) async fn change_email(
    SignedInVisitor { web, visitor }: SignedInVisitor,
    CsrfForm(form): CsrfForm<ChangeEmailForm>,
) -> Result<Response, WebError> {
    let command = match form.command() {
        Ok(command) => command,
        Err(view) => return page(&web, &visitor.user, view, StatusCode::OK),
    };
    match web.state.change_email.request(&visitor, command).await {
        Ok(()) => {
            web.session.flash(FlashLevel::Info, CHECK_NEW_ADDRESS);
            Ok(found(EDIT_PROFILE.path()))
        }
        Err(error @ ChangeEmailError::WrongPassword) => page(
            &web,
            &visitor.user,
            form.view().with_error("password", error),
            StatusCode::OK,
        ),
        Err(error @ ChangeEmailError::SameAddress) => page(
            &web,
            &visitor.user,
            form.view().with_error("email", error),
            StatusCode::OK,
        ),
        Err(ChangeEmailError::Busy(busy)) => Err(busy.into()),
        Err(ChangeEmailError::Unexpected(error)) => Err(error.into()),
    }
}

impl CsrfProtected for ChangeEmailForm {
    type Context = SignedInVisitor;

    async fn expired(
        self,
        SignedInVisitor { web, visitor }: SignedInVisitor,
    ) -> Result<Response, WebError> {
        let view = self.view().form_error(FORM_EXPIRED);
        page(&web, &visitor.user, view, StatusCode::BAD_REQUEST)
    }
}

fn page(web: &Web, user: &User, form: FormView, status: StatusCode) -> Result<Response, WebError> {
    let pending = user.pending_email.as_ref().map(|pending| {
        context! {
            address => pending.address.as_str(),
            requested_at => crate::views::full_time(pending.requested_at),
        }
    });
    let context = context! {
        title => "Change Email",
        form => Serde(form),
        current_email => user.email.as_str(),
        pending => pending,
    };
    web.page_with_status(status, "change_email.html", context)
}
