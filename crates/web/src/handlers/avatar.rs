//! `GET /avatar/<username>.svg?s=<size>&v=<style>`: a user's generated identicon. Public and
//! outside the session layer: no cookie, no database; the picture is computed from the URL,
//! which is why it may be cached for a year.

use crate::avatar::{self, AvatarSize};
use crate::headers::CSP_AVATAR;
use crate::render::bare_page;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use microblog_domain::Username;
use minijinja::context;
use serde::Deserialize;

/// The query of an avatar URL: the size, and the drawing's version.
#[derive(Debug, Deserialize)]
pub(crate) struct AvatarQuery {
    s: Option<String>,
    v: Option<String>,
}

/// The identicon, or 404 for a file name that is not `<valid username>.svg` or a drawing
/// version this build does not make (its URL must not start answering with another
/// picture), and 400 for a size outside 16–512.
pub(crate) async fn avatar(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(query): Query<AvatarQuery>,
) -> Response {
    let username = avatar::username_of(&file).and_then(|name| Username::from_stored(name).ok());
    let style_matches = query.v.as_deref().is_none_or(|v| v == avatar::STYLE);
    let Some(username) = username.filter(|_| style_matches) else {
        return bare_page(&state, StatusCode::NOT_FOUND, "404.html", context! {});
    };
    let size = match query.s.as_deref() {
        None => AvatarSize::DEFAULT,
        Some(raw) => match AvatarSize::parse(raw) {
            Some(size) => size,
            None => return bad_size(&state),
        },
    };
    let headers = [
        (CONTENT_TYPE, "image/svg+xml"),
        (CACHE_CONTROL, "public, max-age=31536000, immutable"),
        (CONTENT_SECURITY_POLICY, CSP_AVATAR),
    ];
    (headers, avatar::identicon(username.as_str(), size)).into_response()
}

fn bad_size(state: &AppState) -> Response {
    let message = format!(
        "An avatar's size (s=) is a whole number of pixels from {} to {}.",
        AvatarSize::MIN,
        AvatarSize::MAX
    );
    let context = context! { title => "Bad avatar size", message => message };
    bare_page(state, StatusCode::BAD_REQUEST, "error.html", context)
}
