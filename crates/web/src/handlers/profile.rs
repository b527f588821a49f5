//! `/edit_profile`: change the username and the "about me" text.

use crate::error::WebError;
use crate::extract::{LoggedIn, Web};
use crate::forms::FORM_EXPIRED;
use crate::forms::{EditProfileForm, FormView};
use crate::render::found;
use crate::session::FlashLevel;
use axum::Form;
use axum::http::StatusCode;
use axum::response::Response;
use microblog_domain::services::{UpdateProfileCommand, UpdateProfileError};
use microblog_domain::{AboutMe, Username};
use microblog_routes::EDIT_PROFILE;
use minijinja::context;
use minijinja::value::Serde;

/// `GET /edit_profile`: the form, filled with the current values.
pub(crate) async fn edit_profile(LoggedIn { web, user }: LoggedIn) -> Result<Response, WebError> {
    let form = FormView::new()
        .with("username", user.username.as_str())
        .with("about_me", user.about_me.as_str());
    page(&web, form, StatusCode::OK)
}

/// `POST /edit_profile`: saves the changes.
pub(crate) async fn save_profile(
    LoggedIn { web, user }: LoggedIn,
    Form(form): Form<EditProfileForm>,
) -> Result<Response, WebError> {
    let mut view = FormView::new()
        .with("username", &form.username)
        .with("about_me", &form.about_me);
    if !web.session.csrf_matches(&form.csrf_token) {
        return page(&web, view.form_error(FORM_EXPIRED), StatusCode::BAD_REQUEST);
    }
    let username = view.check("username", Username::parse(&form.username));
    let about_me = view.check("about_me", AboutMe::parse(&form.about_me));
    let (Some(username), Some(about_me)) = (username, about_me) else {
        return page(&web, view, StatusCode::OK);
    };
    let command = UpdateProfileCommand { username, about_me };
    match web.state.accounts.update_profile(user.id, command).await {
        Ok(_) => {
            web.session
                .flash(FlashLevel::Success, "Your changes have been saved.");
            Ok(found(EDIT_PROFILE.path()))
        }
        Err(error @ UpdateProfileError::UsernameTaken) => {
            view.field_error("username", error);
            page(&web, view, StatusCode::OK)
        }
        Err(UpdateProfileError::Unexpected(error)) => Err(error.into()),
    }
}

fn page(web: &Web, form: FormView, status: StatusCode) -> Result<Response, WebError> {
    let context = context! { title => "Edit Profile", form => Serde(form) };
    web.page_with_status(status, "edit_profile.html", context)
}
