//! The home timeline with its post form, explore, user pages, follow and unfollow.

use crate::error::WebError;
use crate::extract::{CsrfForm, CsrfProtected, CurrentUser, Web};
use crate::forms::{FORM_EXPIRED, FollowButton, FormView, PageQuery, PostForm};
use crate::render::found;
use crate::session::FlashLevel;
use crate::views::{PostList, UserView};
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use microblog_domain::services::FollowError;
use microblog_domain::{Page, TimelinePost, Username};
use microblog_routes::{EXPLORE, INDEX};
use minijinja::context;
use minijinja::value::Serde;

/// `GET /` and `GET /index`: the post form and the timeline of followed users.
pub(crate) async fn index(
    CurrentUser { web, user }: CurrentUser,
    Query(query): Query<PageQuery>,
) -> Result<Response, WebError> {
    let Some(posts) = web.state.blog.timeline(user.id, query.position()).await? else {
        return web.not_found();
    };
    index_page(&web, &posts, FormView::new(), StatusCode::OK)
}

/// `POST /` and `POST /index`: publishes a post.
pub(crate) async fn publish(
    CurrentUser { web, user }: CurrentUser,
    CsrfForm(form): CsrfForm<PostForm>,
) -> Result<Response, WebError> {
    let body = match form.body() {
        Ok(body) => body,
        Err(view) => {
            let posts = web.state.blog.first_timeline_page(user.id).await?;
            return index_page(&web, &posts, view, StatusCode::OK);
        }
    };
    web.state.blog.post(user.id, body).await?;
    web.session
        .flash(FlashLevel::Success, "Your post is now live!");
    Ok(found(INDEX.path()))
}

impl CsrfProtected for PostForm {
    type Context = CurrentUser;

    async fn expired(self, CurrentUser { web, user }: CurrentUser) -> Result<Response, WebError> {
        let posts = web.state.blog.first_timeline_page(user.id).await?;
        let view = self.view().form_error(FORM_EXPIRED);
        index_page(&web, &posts, view, StatusCode::BAD_REQUEST)
    }
}

fn index_page(
    web: &Web,
    posts: &Page<TimelinePost>,
    form: FormView,
    status: StatusCode,
) -> Result<Response, WebError> {
    let context = context! {
        title => "Home",
        show_form => true,
        form => Serde(form),
        list => Serde(PostList::new(posts, INDEX.path(), web.state.avatars)),
    };
    web.page_with_status(status, "index.html", context)
}

/// `GET /explore`: every post.
pub(crate) async fn explore(
    CurrentUser { web, .. }: CurrentUser,
    Query(query): Query<PageQuery>,
) -> Result<Response, WebError> {
    let Some(posts) = web.state.blog.explore(query.position()).await? else {
        return web.not_found();
    };
    let context = context! {
        title => "Explore",
        show_form => false,
        list => Serde(PostList::new(&posts, EXPLORE.path(), web.state.avatars)),
    };
    web.page("index.html", context)
}

/// `GET /user/<username>`: a profile with its posts; 404 for unknown names.
pub(crate) async fn user(
    CurrentUser { web, user: viewer }: CurrentUser,
    Path(username): Path<String>,
    Query(query): Query<PageQuery>,
) -> Result<Response, WebError> {
    let Ok(username) = Username::from_stored(&username) else {
        return web.not_found();
    };
    let profile = web
        .state
        .blog
        .profile(&username, Some(viewer.id), query.position())
        .await?;
    let Some(profile) = profile else {
        return web.not_found();
    };
    let name = profile.user.username.as_str();
    let context = context! {
        title => name,
        user => Serde(UserView::new(&profile.user, web.state.avatars)),
        followers => profile.counts.followers,
        following => profile.counts.following,
        is_self => profile.user.id == viewer.id,
        viewer_follows => profile.viewer_follows,
        list => Serde(PostList::new(
            &profile.posts,
            &microblog_routes::user(name),
            web.state.avatars,
        )),
    };
    web.page("user.html", context)
}

/// `POST /follow/<username>`.
pub(crate) async fn follow(
    CurrentUser { web, user }: CurrentUser,
    Path(raw): Path<String>,
    CsrfForm(FollowButton {}): CsrfForm<FollowButton>,
) -> Result<Response, WebError> {
    let Some(username) = parsed_name(&web, &raw) else {
        return Ok(found(INDEX.path()));
    };
    let result = web.state.blog.follow(user.id, &username).await;
    let done = (
        FlashLevel::Success,
        format!("You are following {username}!"),
    );
    following_changed(&web, &username, result.map(|()| done))
}

/// `POST /unfollow/<username>`.
pub(crate) async fn unfollow(
    CurrentUser { web, user }: CurrentUser,
    Path(raw): Path<String>,
    CsrfForm(FollowButton {}): CsrfForm<FollowButton>,
) -> Result<Response, WebError> {
    let Some(username) = parsed_name(&web, &raw) else {
        return Ok(found(INDEX.path()));
    };
    let result = web.state.blog.unfollow(user.id, &username).await;
    let done = (
        FlashLevel::Info,
        format!("You are not following {username}."),
    );
    following_changed(&web, &username, result.map(|()| done))
}

impl CsrfProtected for FollowButton {
    type Context = (Web, Path<String>);

    async fn expired(self, (web, Path(username)): Self::Context) -> Result<Response, WebError> {
        web.form_expired(&microblog_routes::user(&username))
    }
}

/// `raw` as a username (any stored one, even from before today's rules); if it cannot be
/// one, the "not found" flash.
fn parsed_name(web: &Web, raw: &str) -> Option<Username> {
    let parsed = Username::from_stored(raw).ok();
    if parsed.is_none() {
        let shown: String = raw.chars().take(Username::MAX_CHARS).collect();
        web.session
            .flash(FlashLevel::Error, format!("User {shown} not found."));
    }
    parsed
}

/// The flash after a follow or unfollow (`done` when it worked), and back to the profile, or
/// to the index when there is no such user.
fn following_changed(
    web: &Web,
    username: &Username,
    done: Result<(FlashLevel, String), FollowError>,
) -> Result<Response, WebError> {
    let profile = microblog_routes::user(username.as_str());
    let (level, message, to) = match done {
        Ok((level, message)) => (level, message, profile.as_str()),
        Err(error @ FollowError::UserNotFound(_)) => {
            (FlashLevel::Error, error.to_string(), INDEX.path())
        }
        Err(error @ (FollowError::CannotFollowSelf | FollowError::CannotUnfollowSelf)) => {
            (FlashLevel::Error, error.to_string(), profile.as_str())
        }
        Err(FollowError::Unexpected(error)) => return Err(error.into()),
    };
    web.session.flash(level, message);
    Ok(found(to))
}
