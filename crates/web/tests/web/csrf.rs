//! CSRF: every POST needs the session's token; without it nothing happens (strict mocks
//! prove no port is called) and the form comes back with a 400.

use crate::support::{PASSWORD, TestApp};
use axum::http::StatusCode;
use microblog_domain::Page;
use microblog_domain::ports::{
    MockOutbox, MockPasswordHasher, MockPostRepository, MockTimelineStore, MockUserRepository,
};
use std::sync::Arc;

const EXPIRED: &str = "The form expired. Please try again.";

/// Posts to `uri` twice, with no token and with a wrong one; both must be refused with 400.
async fn assert_refused(app: &mut TestApp, uri: &str, fields: &[(&str, &str)]) {
    let without = app.post(uri, fields).await;
    assert_eq!(
        without.status,
        StatusCode::BAD_REQUEST,
        "{uri} without a token: {}",
        without.body
    );
    assert!(without.text().contains(EXPIRED), "{uri}");
    let mut forged = fields.to_vec();
    forged.push(("csrf_token", "0000000000000000000000000000000000000000"));
    let wrong = app.post(uri, &forged).await;
    assert_eq!(
        wrong.status,
        StatusCode::BAD_REQUEST,
        "{uri} with a wrong token"
    );
}

#[tokio::test]
async fn anonymous_forms_without_a_valid_token_touch_nothing() {
    // Strict mocks: any call to storage or the hasher would panic and turn into a 500.
    let mut app = TestApp::build(
        |ports| {
            ports.users = Arc::new(MockUserRepository::new());
            ports.hasher = Arc::new(MockPasswordHasher::new());
            ports.outbox = Arc::new(MockOutbox::new());
        },
        |_| {},
    );
    app.get("/login").await;
    assert_refused(
        &mut app,
        "/login",
        &[("username", "susan"), ("password", PASSWORD)],
    )
    .await;
    let register = [
        ("username", "x"),
        ("email", "x@example.com"),
        ("password", PASSWORD),
        ("password2", PASSWORD),
    ];
    assert_refused(&mut app, "/register", &register).await;
    assert_refused(
        &mut app,
        "/reset_password_request",
        &[("email", "susan@example.com")],
    )
    .await;
    assert_refused(
        &mut app,
        "/reset_password",
        &[("password", PASSWORD), ("password2", PASSWORD)],
    )
    .await;
}

#[tokio::test]
async fn logged_in_forms_without_a_valid_token_touch_nothing() {
    let mut posts = MockPostRepository::new();
    posts.expect_create().times(0);
    posts.expect_follow().times(0);
    posts.expect_unfollow().times(0);
    let mut timelines = MockTimelineStore::new();
    timelines
        .expect_home()
        .returning(|_, page| Ok(Page::empty(page)));
    let mut app = TestApp::build(
        |ports| {
            ports.posts = Arc::new(posts);
            ports.timelines = Arc::new(timelines);
        },
        |_| {},
    );
    app.signed_in("susan").await;
    let mut john = app.browser();
    john.signed_in("john").await;

    assert_refused(&mut app, "/index", &[("post", "forged post")]).await;
    assert_refused(&mut app, "/follow/john", &[]).await;
    assert_refused(&mut app, "/unfollow/john", &[]).await;
    assert_refused(
        &mut app,
        "/edit_profile",
        &[("username", "hacked"), ("about_me", "pwned")],
    )
    .await;
    let susan = app.world.users.named("susan");
    assert_eq!(susan.about_me.as_str(), "");
    let page = app.post("/index", &[("post", "forged post")]).await;
    assert!(
        page.text().contains("forged post</textarea>"),
        "the form is redrawn with the input"
    );
}

#[tokio::test]
async fn another_sessions_token_is_refused() {
    let mut alice = TestApp::new();
    alice.signed_in("alice").await;
    let mut mallory = alice.browser();
    mallory.signed_in("mallory").await;
    let mallorys_token = mallory.get("/index").await.csrf_token();
    let reply = alice
        .post(
            "/index",
            &[("post", "forged"), ("csrf_token", &mallorys_token)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(alice.world.posts.count(), 0);
}

#[tokio::test]
async fn the_csrf_token_changes_at_login() {
    let mut app = TestApp::new();
    app.register("susan", "susan@example.com", PASSWORD).await;
    let before = app.get("/login").await.csrf_token();
    app.post(
        "/login",
        &[
            ("username", "susan"),
            ("password", PASSWORD),
            ("csrf_token", &before),
        ],
    )
    .await;
    let after = app.get("/index").await.csrf_token();
    assert_ne!(before, after);
    let stale = app
        .post("/index", &[("post", "x"), ("csrf_token", &before)])
        .await;
    assert_eq!(stale.status, StatusCode::BAD_REQUEST);
}
