//! The microblog around the reset flow: posts, follows, timelines, profiles, explore.

use super::harness::{TestApp, location};

#[tokio::test]
async fn posting_following_and_the_timeline_work_together() {
    let app = TestApp::spawn().await;
    let susan = app.user("susan").await;
    let john = app.user("john").await;

    let posted = app.post(&john, "hello from john").await;
    assert_eq!(location(&posted), "/index");
    let after = app.page(&john, "/index").await;
    assert!(after.contains("Your post is now live!"));
    assert!(after.contains("hello from john"));

    let before = app.page(&susan, "/index").await;
    assert!(!before.contains("hello from john"), "not followed yet");
    let followed = app.follow(&susan, "john").await;
    assert_eq!(location(&followed), "/user/john");
    let profile = app.page(&susan, "/user/john").await;
    assert!(
        profile.contains("You are following john!"),
        "{}",
        profile.body
    );
    assert!(profile.contains("1 followers") || profile.contains("1 follower"));
    let timeline = app.page(&susan, "/index").await;
    assert!(
        timeline.contains("hello from john"),
        "followed posts appear"
    );

    let unfollowed = app
        .submit(&susan, "/user/john", "/unfollow/john", &[])
        .await;
    assert_eq!(location(&unfollowed), "/user/john");
    assert!(!app.page(&susan, "/index").await.contains("hello from john"));
}

#[tokio::test]
async fn explore_shows_everyone_and_pages_by_posts_per_page() {
    let app = TestApp::spawn_with(super::harness::Backend::Sqlite, &[("POSTS_PER_PAGE", "3")])
        .await
        .unwrap();
    let susan = app.user("susan").await;
    for n in 1..=4 {
        app.post(&susan, &format!("post number {n}")).await;
    }
    let first = app.page(&susan, "/explore").await;
    assert!(first.contains("post number 4") && !first.contains("post number 1"));
    assert!(first.contains("Older posts"));
    let second = app.page(&susan, "/explore?page=2").await;
    assert!(second.contains("post number 1"));
    assert!(second.contains("Newer posts"));
}

#[tokio::test]
async fn a_profile_shows_the_user_and_an_unknown_user_is_404() {
    let app = TestApp::spawn().await;
    let susan = app.user("susan").await;
    let own = app.page(&susan, "/user/susan").await;
    assert_eq!(own.status, 200);
    assert!(own.contains("Edit your profile"));
    assert!(
        own.contains("src=\"/avatar/susan.svg?s=128"),
        "local avatars by default"
    );
    assert!(!own.contains("gravatar"));
    let missing = app.page(&susan, "/user/nobody-here").await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_login_with_next() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    for path in ["/index", "/explore", "/user/susan", "/edit_profile"] {
        let response = app.get(&browser, path).await;
        let target = location(&response);
        assert!(target.starts_with("/login?next="), "{path} → {target}");
        assert!(
            target.contains(&path.replace('/', "%2F")) || target.contains(path),
            "{target}"
        );
    }
}

#[tokio::test]
async fn html_in_a_post_is_escaped() {
    let app = TestApp::spawn().await;
    let susan = app.user("susan").await;
    app.post(&susan, "<script>alert('x')</script>").await;
    let page = app.page(&susan, "/index").await;
    assert!(!page.contains("<script>alert"), "raw script tag leaked");
    assert!(page.contains("&lt;script&gt;"));
}

#[tokio::test]
async fn edit_profile_keeps_usernames_unique() {
    let app = TestApp::spawn().await;
    let susan = app.user("susan").await;
    app.user("john").await;
    let taken = app
        .submit(
            &susan,
            "/edit_profile",
            "",
            &[("username", "john"), ("about_me", "hi")],
        )
        .await;
    assert_eq!(taken.status(), 200);
    assert!(
        taken
            .text()
            .await
            .unwrap()
            .contains("Please use a different username.")
    );
    let saved = app
        .submit(
            &susan,
            "/edit_profile",
            "",
            &[("username", "susan"), ("about_me", "I like tea")],
        )
        .await;
    assert_eq!(location(&saved), "/edit_profile");
    assert!(app.page(&susan, "/user/susan").await.contains("I like tea"));
}
