//! The home timeline with its post form, explore, user pages, follow and unfollow.

use crate::error::WebError;
use crate::extract::{LoggedIn, Web};
use crate::forms::FORM_EXPIRED;
use crate::forms::{ButtonForm, FormView, PageQuery, PostForm};
use crate::render::found;
use crate::session::FlashLevel;
use crate::views::{PostList, UserView};
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use microblog_domain::services::FollowError;
use microblog_domain::{Page, PostBody, TimelinePost, Username};
use microblog_routes::{EXPLORE, INDEX};
use minijinja::context;
use minijinja::value::Serde;

/// `GET /` and `GET /index`: the post form and the timeline of followed users.
pub(crate) async fn index(
    LoggedIn { web, user }: LoggedIn,
    Query(query): Query<PageQuery>,
) -> Result<Response, WebError> {
    let posts = web.state.blog.timeline(user.id, query.page()).await?;
    index_page(&web, &posts, FormView::new(), StatusCode::OK)
}

/// `POST /` and `POST /index`: publishes a post.
pub(crate) async fn publish(
    LoggedIn { web, user }: LoggedIn,
    Form(form): Form<PostForm>,
) -> Result<Response, WebError> {
    let mut view = FormView::new().with("post", &form.post);
    if !web.session.csrf_matches(&form.csrf_token) {
        let posts = web.state.blog.timeline(user.id, 1).await?;
        let view = view.form_error(FORM_EXPIRED);
        return index_page(&web, &posts, view, StatusCode::BAD_REQUEST);
    }
    let Some(body) = view.check("post", PostBody::parse(&form.post)) else {
        let posts = web.state.blog.timeline(user.id, 1).await?;
        return index_page(&web, &posts, view, StatusCode::OK);
    };
    web.state.blog.post(user.id, body).await?;
    web.session
        .flash(FlashLevel::Success, "Your post is now live!");
    Ok(found(INDEX.path()))
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
        list => Serde(PostList::new(posts, INDEX.path())),
    };
    web.page_with_status(status, "index.html", context)
}

/// `GET /explore`: every post.
pub(crate) async fn explore(
    LoggedIn { web, .. }: LoggedIn,
    Query(query): Query<PageQuery>,
) -> Result<Response, WebError> {
    let posts = web.state.blog.explore(query.page()).await?;
    let context = context! {
        title => "Explore",
        show_form => false,
        list => Serde(PostList::new(&posts, EXPLORE.path())),
    };
    web.page("index.html", context)
}

/// `GET /user/<username>`: a profile with its posts; 404 for unknown names.
pub(crate) async fn user(
    LoggedIn { web, user: viewer }: LoggedIn,
    Path(username): Path<String>,
    Query(query): Query<PageQuery>,
) -> Result<Response, WebError> {
    let Ok(username) = Username::parse(&username) else {
        return web.not_found();
    };
    let profile = web
        .state
        .blog
        .profile(&username, Some(viewer.id), query.page())
        .await?;
    let Some(profile) = profile else {
        return web.not_found();
    };
    let name = profile.user.username.as_str();
    let context = context! {
        title => name,
        user => Serde(UserView::new(&profile.user)),
        followers => profile.counts.followers,
        following => profile.counts.following,
        is_self => profile.user.id == viewer.id,
        viewer_follows => profile.viewer_follows,
        list => Serde(PostList::new(&profile.posts, &microblog_routes::user(name))),
    };
    web.page("user.html", context)
}

/// `POST /follow/<username>`.
pub(crate) async fn follow(
    LoggedIn { web, user }: LoggedIn,
    Path(username): Path<String>,
    Form(form): Form<ButtonForm>,
) -> Result<Response, WebError> {
    change_following(web, user.id, &username, &form, true).await
}

/// `POST /unfollow/<username>`.
pub(crate) async fn unfollow(
    LoggedIn { web, user }: LoggedIn,
    Path(username): Path<String>,
    Form(form): Form<ButtonForm>,
) -> Result<Response, WebError> {
    change_following(web, user.id, &username, &form, false).await
}

async fn change_following(
    web: Web,
    me: microblog_domain::UserId,
    raw: &str,
    form: &ButtonForm,
    follow: bool,
) -> Result<Response, WebError> {
    if !web.session.csrf_matches(&form.csrf_token) {
        return web.form_expired(&microblog_routes::user(raw));
    }
    let Ok(username) = Username::parse(raw) else {
        let shown: String = raw.chars().take(Username::MAX_CHARS).collect();
        web.session
            .flash(FlashLevel::Error, format!("User {shown} not found."));
        return Ok(found(INDEX.path()));
    };
    let result = if follow {
        web.state.blog.follow(me, &username).await
    } else {
        web.state.blog.unfollow(me, &username).await
    };
    let profile = microblog_routes::user(username.as_str());
    match result {
        Ok(()) if follow => {
            web.session.flash(
                FlashLevel::Success,
                format!("You are following {username}!"),
            );
            Ok(found(&profile))
        }
        Ok(()) => {
            web.session.flash(
                FlashLevel::Info,
                format!("You are not following {username}."),
            );
            Ok(found(&profile))
        }
        Err(error @ FollowError::UserNotFound(_)) => {
            web.session.flash(FlashLevel::Error, error.to_string());
            Ok(found(INDEX.path()))
        }
        Err(error @ (FollowError::CannotFollowSelf | FollowError::CannotUnfollowSelf)) => {
            web.session.flash(FlashLevel::Error, error.to_string());
            Ok(found(&profile))
        }
        Err(FollowError::Unexpected(error)) => Err(error.into()),
    }
}
