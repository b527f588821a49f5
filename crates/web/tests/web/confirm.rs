//! Address confirmation: the mail sent at registration, its link, the banner and the
//! throttled "send it again".

use crate::support::{PASSWORD, TestApp};
use axum::http::StatusCode;

const BANNER: &str = "Please confirm your email address";
const CONFIRMED: &str = "Your email address has been confirmed.";

#[tokio::test]
async fn registration_mails_a_link_that_confirms_the_address_and_removes_the_banner() {
    let mut app = TestApp::new();
    app.register("susan", "susan@example.com", PASSWORD).await;
    app.settle().await;
    let links = app.confirmation_links();
    assert_eq!(links.len(), 1, "one confirmation mail");
    assert!(links[0].starts_with("/confirm_email/"), "{}", links[0]);

    app.login("susan", PASSWORD).await;
    assert!(
        app.get("/index").await.text().contains(BANNER),
        "unconfirmed: banner"
    );
    let reply = app.get(&links[0]).await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert_eq!(reply.location(), "/index");
    let page = app.get("/index").await.text();
    assert!(page.contains(CONFIRMED), "{page}");
    assert!(!page.contains(BANNER), "confirmed: no banner");
}

#[tokio::test]
async fn a_confirmation_link_works_once_then_says_it_was_used() {
    let mut app = TestApp::new();
    app.register("susan", "susan@example.com", PASSWORD).await;
    app.settle().await;
    let link = app.confirmation_links().pop().unwrap();
    app.get(&link).await;
    assert!(app.get("/login").await.text().contains(CONFIRMED));
    app.get(&link).await;
    let page = app.get("/login").await.text();
    assert!(
        page.contains("This confirmation link has already been used."),
        "{page}"
    );
}

#[tokio::test]
async fn garbage_and_reset_tokens_are_invalid_confirmation_links() {
    let mut app = TestApp::new();
    app.register("susan", "susan@example.com", PASSWORD).await;
    app.request_reset_for("susan@example.com").await;
    app.settle().await;
    let reset_token = app
        .reset_links()
        .pop()
        .unwrap()
        .replace("/reset_password/", "");
    for link in [
        "/confirm_email/garbage".to_owned(),
        "/confirm_email/eyJhbGciOiJub25lIn0.e30.".to_owned(),
        format!("/confirm_email/{reset_token}"),
    ] {
        let reply = app.get(&link).await;
        assert_eq!(reply.location(), "/index", "{link}");
        let page = app.get("/login").await.text();
        assert!(
            page.contains("This confirmation link is invalid."),
            "{link}: {page}"
        );
    }
}

#[tokio::test]
async fn sending_the_confirmation_again_is_throttled() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    app.settle().await;
    assert_eq!(app.confirmation_links().len(), 1);
    // The registration mail took this window's slot? No: registration does not claim it,
    // so the first resend goes out and the second, at once after, does not.
    let first = app.submit("/index", "/resend_confirmation", &[]).await;
    assert_eq!(first.location(), "/index");
    assert!(app.get("/index").await.text().contains("is on its way"));
    app.submit("/index", "/resend_confirmation", &[]).await;
    assert!(
        app.get("/index")
            .await
            .text()
            .contains("was sent a moment ago")
    );
    app.settle().await;
    assert_eq!(app.confirmation_links().len(), 2, "one more mail, not two");
}

#[tokio::test]
async fn an_unconfirmed_address_still_gets_its_reset_link() {
    let mut app = TestApp::new();
    app.register("susan", "susan@example.com", PASSWORD).await;
    app.request_reset_for("susan@example.com").await;
    app.settle().await;
    assert_eq!(
        app.reset_links().len(),
        1,
        "the tutorial's flow does not change"
    );
}
