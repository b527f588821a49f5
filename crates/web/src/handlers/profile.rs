//! `/edit_profile`: change the username and the "about me" text.

use crate::error::WebError;
use crate::extract::{CsrfForm, CsrfProtected, CurrentUser, Web};
use crate::forms::{EditProfileForm, FORM_EXPIRED, FormView};
use crate::render::found;
use crate::session::FlashLevel;
use axum::http::StatusCode;
use axum::response::Response;
use microblog_domain::services::UpdateProfileError;
use microblog_routes::EDIT_PROFILE;
use minijinja::context;
use minijinja::value::Serde;

/// `GET /edit_profile`: the form, filled with the current values.
pub(crate) async fn edit_profile(
    CurrentUser { web, user }: CurrentUser,
) -> Result<Response, WebError> {
    let form = FormView::new()
        .with("username", user.username.as_str())
        .with("about_me", user.about_me.as_str());
    page(&web, form, StatusCode::OK)
}

/// `POST /edit_profile`: saves the changes.
pub(crate) async fn save_profile(
    CurrentUser { web, user }: CurrentUser,
    CsrfForm(form): CsrfForm<EditProfileForm>,
) -> Result<Response, WebError> {
    let command = match form.command(&user.username) {
        Ok(command) => command,
        Err(view) => return page(&web, view, StatusCode::OK),
    };
    match web.state.profile.update(user.id, command).await {
        Ok(_) => {
            web.session
                .flash(FlashLevel::Success, "Your changes have been saved.");
            Ok(found(EDIT_PROFILE.path()))
        }
        Err(error @ UpdateProfileError::UsernameTaken) => page(
            &web,
            form.view().with_error("username", error),
            StatusCode::OK,
        ),
        Err(UpdateProfileError::Unexpected(error)) => Err(error.into()),
    }
}

impl CsrfProtected for EditProfileForm {
    type Context = Web;

    async fn expired(self, web: Web) -> Result<Response, WebError> {
        let view = self.view().form_error(FORM_EXPIRED);
        page(&web, view, StatusCode::BAD_REQUEST)
    }
}

fn page(web: &Web, form: FormView, status: StatusCode) -> Result<Response, WebError> {
    let context = context! { title => "Edit Profile", form => Serde(form) };
    web.page_with_status(status, "edit_profile.html", context)
}
