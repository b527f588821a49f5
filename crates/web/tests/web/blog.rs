//! Posting, timelines, explore, user pages, follow and unfollow, profile edits.

use crate::support::{PER_PAGE, TestApp};
use axum::http::StatusCode;

#[tokio::test]
async fn a_post_goes_live_with_a_flash_shown_exactly_once() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    let reply = app
        .submit("/index", "/index", &[("post", "My first post!")])
        .await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert_eq!(reply.location(), "/index");
    let home = app.get("/index").await;
    assert!(home.text().contains("Your post is now live!"));
    assert!(home.text().contains("My first post!"));
    let again = app.get("/index").await;
    assert!(
        !again.text().contains("Your post is now live!"),
        "flash shown once"
    );
    assert!(again.text().contains("My first post!"));
}

#[tokio::test]
async fn the_root_url_is_the_index_too() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    let reply = app.submit("/", "/", &[("post", "from the root")]).await;
    assert_eq!(reply.location(), "/index");
    assert!(app.get("/").await.text().contains("from the root"));
}

#[tokio::test]
async fn invalid_posts_are_refused_inline() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    let long = "x".repeat(141);
    let reply = app.submit("/index", "/index", &[("post", &long)]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.text().contains("Posts are at most 140 characters."));
    assert!(reply.text().contains(&long), "the text is kept for editing");
    let reply = app.submit("/index", "/index", &[("post", "   ")]).await;
    assert!(reply.text().contains("Say something."));
    assert_eq!(app.world.posts.count(), 0);
}

#[tokio::test]
async fn html_in_a_post_is_escaped() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    let evil = "<script>alert('x')</script><img src=x onerror=alert(1)>";
    app.submit("/index", "/index", &[("post", evil)]).await;
    for page in ["/index", "/explore", "/user/susan"] {
        let body = app.get(page).await.body;
        assert!(!body.contains("<script>alert"), "{page}");
        assert!(!body.contains("<img src=x"), "{page}");
        assert!(body.contains("&lt;script&gt;alert("), "{page}");
    }
}

#[tokio::test]
async fn timeline_shows_followed_posts_and_explore_shows_all() {
    let mut susan = TestApp::new();
    susan.signed_in("susan").await;
    let mut john = susan.browser();
    john.signed_in("john").await;
    let mut mary = susan.browser();
    mary.signed_in("mary").await;
    john.submit("/index", "/index", &[("post", "john was here")])
        .await;
    mary.submit("/index", "/index", &[("post", "mary was here")])
        .await;

    let home = susan.get("/index").await.text();
    assert!(!home.contains("john was here") && !home.contains("mary was here"));
    let reply = susan.submit("/user/john", "/follow/john", &[]).await;
    assert_eq!(reply.location(), "/user/john");
    let profile = susan.get("/user/john").await.text();
    assert!(profile.contains("You are following john!"));
    assert!(profile.contains("1 followers, 0 following."));
    assert!(profile.contains(">Unfollow</button>"));
    let home = susan.get("/index").await.text();
    assert!(home.contains("john was here") && !home.contains("mary was here"));
    let explore = susan.get("/explore").await.text();
    assert!(explore.contains("john was here") && explore.contains("mary was here"));

    let reply = susan.submit("/user/john", "/unfollow/john", &[]).await;
    assert_eq!(reply.location(), "/user/john");
    assert!(
        susan
            .get("/user/john")
            .await
            .text()
            .contains("You are not following john.")
    );
    assert!(!susan.get("/index").await.text().contains("john was here"));
}

#[tokio::test]
async fn following_refusals_are_flashed() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    let reply = app.submit("/index", "/follow/susan", &[]).await;
    assert_eq!(reply.location(), "/user/susan");
    assert!(
        app.get("/user/susan")
            .await
            .text()
            .contains("You cannot follow yourself!")
    );
    app.submit("/index", "/unfollow/susan", &[]).await;
    assert!(
        app.get("/user/susan")
            .await
            .text()
            .contains("You cannot unfollow yourself!")
    );
    let reply = app.submit("/index", "/follow/nobody", &[]).await;
    assert_eq!(reply.location(), "/index");
    assert!(
        app.get("/index")
            .await
            .text()
            .contains("User nobody not found.")
    );
}

#[tokio::test]
async fn follow_and_unfollow_are_post_only() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    for path in ["/follow/susan", "/unfollow/susan"] {
        let reply = app.get(path).await;
        assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED, "{path}");
        assert!(reply.header("allow").unwrap().contains("POST"));
        assert!(
            reply.text().contains("Method not allowed"),
            "a page, not a bare status"
        );
    }
}

#[tokio::test]
async fn user_page_shows_profile_details_and_own_edit_link() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    let page = app.get("/user/susan").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains("User: susan"));
    assert!(text.contains("Last seen on:"));
    assert!(text.contains("0 followers, 0 following."));
    assert!(text.contains("Edit your profile"));
    assert!(!text.contains(">Follow</button>"));
    // The generated avatar, 128 px on the profile.
    assert!(text.contains("/avatar/susan.svg?s=128&v=1"), "{text}");
}

#[tokio::test]
async fn unknown_users_get_the_404_page() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    for path in ["/user/nobody", "/user/%20", "/user/a%00b"] {
        let reply = app.get(path).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert!(reply.text().contains("File Not Found"));
        assert!(
            reply.text().contains("Logout"),
            "the navigation still knows the user"
        );
    }
}

#[tokio::test]
async fn pages_of_posts_link_newer_and_older_with_cursors() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    for n in 0..(PER_PAGE * 2 + 1) {
        app.submit("/index", "/index", &[("post", &format!("post number {n}"))])
            .await;
    }
    // Post number n has id n + 1.
    let first = app.get("/index").await.text();
    assert!(first.contains("post number 6") && !first.contains("post number 3"));
    assert!(first.contains("href=\"/index?before=5\"") && first.contains("Older posts"));
    assert!(!first.contains("Newer posts"));
    let second = app.get("/index?page=2").await.text();
    assert!(second.contains("post number 3") && second.contains("href=\"/index?after=4\""));
    assert!(second.contains("Newer posts") && second.contains("href=\"/index?before=2\""));
    let older = app.get("/index?before=5").await.text();
    assert_eq!(older, second, "the cursor link shows what ?page=2 shows");
    let newer = app.get("/index?after=4").await.text();
    let top = app.get("/index").await.text();
    assert_eq!(newer, top, "back to a full first page");
    let last = app.get("/explore?page=3").await.text();
    assert!(last.contains("post number 0") && !last.contains("Older posts"));
    assert!(last.contains("href=\"/explore?after=1\""));
    let profile = app.get("/user/susan?page=2").await.text();
    assert!(profile.contains("href=\"/user/susan?before=2\""));
    let junk = app.get("/index?page=abc&before=x").await;
    assert_eq!(junk.status, StatusCode::OK, "an unparsable page is page 1");
    assert!(junk.text().contains("post number 6"));
}

#[tokio::test]
async fn past_the_end_is_empty_and_too_deep_a_page_number_is_404() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    app.submit("/index", "/index", &[("post", "only post")])
        .await;
    let past = app.get("/explore?page=50").await;
    assert_eq!(past.status, StatusCode::OK, "the tutorial's empty page");
    let past = past.text();
    assert!(!past.contains("only post") && past.contains("href=\"/explore\""));
    for path in [
        "/index?page=100000",
        "/explore?page=100000",
        "/user/susan?page=100000",
    ] {
        assert_eq!(app.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let gone = app.get("/explore?before=999").await;
    assert_eq!(gone.status, StatusCode::OK, "a cursor naming no post");
    assert!(gone.text().contains("No posts yet."));
}

#[tokio::test]
async fn avatars_beside_posts_are_36_pixels() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    app.submit("/index", "/index", &[("post", "hello")]).await;
    let text = app.get("/explore").await.text();
    assert!(
        text.contains("/avatar/susan.svg?s=36&v=1\" width=\"36\" height=\"36\""),
        "{text}"
    );
}

#[tokio::test]
async fn edit_profile_prefills_saves_and_refuses_taken_names() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    let mut john = app.browser();
    john.signed_in("john").await;

    let form = app.get("/edit_profile").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text().contains("value=\"susan\""));
    let reply = app
        .submit(
            "/edit_profile",
            "/edit_profile",
            &[("username", "susie"), ("about_me", "I <3 Rust")],
        )
        .await;
    assert_eq!(reply.location(), "/edit_profile");
    let form = app.get("/edit_profile").await;
    assert!(form.text().contains("Your changes have been saved."));
    assert!(form.text().contains("I <3 Rust</textarea>"));
    let profile = app.get("/user/susie").await;
    assert!(profile.body.contains("I &lt;3 Rust"));

    let reply = app
        .submit(
            "/edit_profile",
            "/edit_profile",
            &[("username", "john"), ("about_me", "")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.text().contains("Please use a different username."));
    assert_eq!(
        app.world.users.named("susie").about_me.as_str(),
        "I <3 Rust"
    );

    let long = "y".repeat(141);
    let reply = app
        .submit(
            "/edit_profile",
            "/edit_profile",
            &[("username", "susie"), ("about_me", &long)],
        )
        .await;
    assert!(reply.text().contains("About me is at most 140 characters."));
}

#[tokio::test]
async fn names_that_need_escaping_round_trip_through_urls() {
    let mut app = TestApp::new();
    app.signed_in("a?b#c%").await;
    let mut other = app.browser();
    other.signed_in("viewer").await;
    let reply = other
        .submit("/user/a%3Fb%23c%25", "/follow/a%3Fb%23c%25", &[])
        .await;
    assert_eq!(reply.location(), "/user/a%3Fb%23c%25");
    assert!(
        other
            .get("/user/a%3Fb%23c%25")
            .await
            .text()
            .contains("You are following a?b#c%!")
    );
}
