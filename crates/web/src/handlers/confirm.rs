//! Address confirmation: following the mailed link (logged in or not), and asking for the
//! confirmation mail again from the banner.

use crate::error::WebError;
use crate::extract::{CsrfForm, CsrfProtected, CurrentUser, Web};
use crate::forms::ResendConfirmationButton;
use crate::headers::private_page;
use crate::render::found;
use crate::session::FlashLevel;
use axum::extract::Path;
use axum::response::Response;
use microblog_domain::ConfirmToken;
use microblog_domain::services::{ConfirmEmailError, Confirmed, Resend};
use microblog_routes::INDEX;

/// What a followed link says.
pub(crate) const CONFIRMED: &str = "Your email address has been confirmed.";
/// What a followed address-change link says.
pub(crate) const CHANGED: &str =
    "Your email address has been confirmed and is now the address of your account.";
const SUPERSEDED_LINK: &str =
    "This confirmation link was replaced by a newer one: use the link in the most recent email.";
const TAKEN_ADDRESS: &str =
    "This email address is now used by another account, so it was not added to yours.";
const USED_LINK: &str = "This confirmation link has already been used.";
const EXPIRED_LINK: &str = "This confirmation link has expired. You can have a new one sent from the banner once you are logged in.";
const INVALID_LINK: &str = "This confirmation link is invalid.";

/// `GET /confirm_email/<token>`: confirms the address and goes to the index (the login page
/// for a visitor who is not logged in), with a flash saying what happened.
pub(crate) async fn follow_link(
    web: Web,
    Path(token): Path<ConfirmToken>,
) -> Result<Response, WebError> {
    let (level, message) = match web.state.email_confirmation.confirm(&token).await {
        Ok(Confirmed::Address) => (FlashLevel::Success, CONFIRMED),
        Ok(Confirmed::Change) => (FlashLevel::Success, CHANGED),
        Err(ConfirmEmailError::LinkSuperseded) => (FlashLevel::Error, SUPERSEDED_LINK),
        Err(ConfirmEmailError::AddressTaken) => (FlashLevel::Error, TAKEN_ADDRESS),
        Err(ConfirmEmailError::LinkUsed) => (FlashLevel::Info, USED_LINK),
        Err(ConfirmEmailError::LinkExpired) => (FlashLevel::Error, EXPIRED_LINK),
        Err(ConfirmEmailError::LinkInvalid) => (FlashLevel::Error, INVALID_LINK),
        Err(ConfirmEmailError::Unexpected(error)) => return Err(error.into()),
    };
    web.session.flash(level, message);
    Ok(private_page(found(INDEX.path())))
}

/// `POST /resend_confirmation`: the banner's "send the confirmation email again", at most
/// once per throttle window.
pub(crate) async fn resend(
    CurrentUser { web, user }: CurrentUser,
    CsrfForm(ResendConfirmationButton {}): CsrfForm<ResendConfirmationButton>,
) -> Result<Response, WebError> {
    let message = match web.state.email_confirmation.resend(&user).await? {
        Resend::Queued => format!("A new confirmation email is on its way to {}.", user.email),
        Resend::Throttled => {
            "A confirmation email was sent a moment ago; please check your inbox, or try again in a minute.".to_owned()
        }
        Resend::AlreadyConfirmed => CONFIRMED.to_owned(),
    };
    web.session.flash(FlashLevel::Info, message);
    Ok(found(INDEX.path()))
}

/// The resend button's CSRF failure: the "form expired" page, back to the index.
impl CsrfProtected for ResendConfirmationButton {
    type Context = Web;

    async fn expired(self, web: Web) -> Result<Response, WebError> {
        web.form_expired(INDEX.path())
    }
}
