//! A reset link's lifetime: it works once, dies when a newer one is used or another browser
//! uses it first, expires, and lets exactly one of two concurrent submissions through.

use super::harness::{Backend, TestApp, form_fields, is_redirect, link_path, location};

/// Where a dead link sends the browser: the form that mails a new one.
const REQUEST_FORM: &str = "/reset_password_request";
const USED: &str = "This reset link has already been used.";
const EXPIRED: &str = "This reset link has expired.";

#[tokio::test]
async fn a_link_works_only_once() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    app.register(&browser, "susan", "susan@example.com").await;
    app.request_reset(&browser, "susan@example.com").await;
    let link = app.reset_link("susan@example.com", 1).await;

    let first = app
        .reset_with_link(&browser, &link, "first new password", "first new password")
        .await;
    assert_eq!(location(&first), "/login");
    let later = app.browser();
    let again = app.get(&later, &link_path(&link)).await;
    assert!(is_redirect(&again));
    assert_eq!(location(&again), REQUEST_FORM, "a used link shows no form");
    let page = app.page(&later, REQUEST_FORM).await;
    assert!(page.contains(USED), "it says why, and offers a new link");
}

#[tokio::test]
async fn an_older_link_dies_when_a_newer_one_is_used() {
    let app = TestApp::spawn_with(Backend::Sqlite, &[("RESET_REQUEST_THROTTLE", "1")])
        .await
        .unwrap();
    let browser = app.browser();
    app.register(&browser, "susan", "susan@example.com").await;
    app.request_reset(&browser, "susan@example.com").await;
    let older = app.reset_link("susan@example.com", 1).await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    app.request_reset(&browser, "susan@example.com").await;
    let newer = app.reset_link("susan@example.com", 2).await;
    assert_ne!(older, newer);

    let done = app
        .reset_with_link(&browser, &newer, "newest password!", "newest password!")
        .await;
    assert_eq!(location(&done), "/login");
    let later = app.browser();
    let stale = app.get(&later, &link_path(&older)).await;
    assert_eq!(
        location(&stale),
        REQUEST_FORM,
        "the older link shows no form"
    );
    assert!(app.page(&later, REQUEST_FORM).await.contains(USED));
}

#[tokio::test]
async fn a_link_held_open_in_another_browser_dies_when_the_first_uses_it() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    app.register(&browser, "susan", "susan@example.com").await;
    app.request_reset(&browser, "susan@example.com").await;
    let link = app.reset_link("susan@example.com", 1).await;

    // The second browser opens the link and has the form in front of it...
    let slow = app.browser();
    assert_eq!(
        location(&app.get(&slow, &link_path(&link)).await),
        "/reset_password"
    );
    let form = app.page(&slow, "/reset_password").await;
    let (_, mut fields) = form_fields(&form.body, "").expect("the reset form");
    fields.extend([
        ("password".into(), "too late pass".into()),
        ("password2".into(), "too late pass".into()),
    ]);
    // ...while the first browser uses the link...
    let done = app
        .reset_with_link(&browser, &link, "newest password!", "newest password!")
        .await;
    assert_eq!(location(&done), "/login");
    // ...so the form the second browser submits is dead, and reloading it shows no form.
    let late = slow
        .post(app.url("/reset_password"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(location(&late), REQUEST_FORM, "the held token is dead");
    assert!(
        is_redirect(&app.get(&slow, "/reset_password").await),
        "no form any more"
    );
    let ok = app.login(&app.browser(), "susan", "newest password!").await;
    assert_eq!(location(&ok), "/index");
}

#[tokio::test]
async fn an_expired_link_is_refused() {
    let app = TestApp::spawn_with(Backend::Sqlite, &[("RESET_TOKEN_TTL", "2")])
        .await
        .unwrap();
    let browser = app.browser();
    app.register(&browser, "susan", "susan@example.com").await;
    app.request_reset(&browser, "susan@example.com").await;
    let link = app.reset_link("susan@example.com", 1).await;
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let opened = app.get(&browser, &link_path(&link)).await;
    assert_eq!(location(&opened), REQUEST_FORM, "expired: no form");
    assert!(app.page(&browser, REQUEST_FORM).await.contains(EXPIRED));
}

#[tokio::test]
async fn two_concurrent_submissions_of_one_link_let_exactly_one_succeed() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    app.register(&browser, "susan", "susan@example.com").await;
    app.request_reset(&browser, "susan@example.com").await;
    let link = app.reset_link("susan@example.com", 1).await;
    let (a, b) = (app.browser(), app.browser());
    for browser in [&a, &b] {
        assert_eq!(
            location(&app.get(browser, &link_path(&link)).await),
            "/reset_password"
        );
    }
    let fields_a = [
        ("password", "password of A!"),
        ("password2", "password of A!"),
    ];
    let fields_b = [
        ("password", "password of B!"),
        ("password2", "password of B!"),
    ];
    let (ra, rb) = tokio::join!(
        app.submit(&a, "/reset_password", "", &fields_a),
        app.submit(&b, "/reset_password", "", &fields_b),
    );
    let winners: Vec<_> = [location(&ra), location(&rb)]
        .into_iter()
        .filter(|l| l == "/login")
        .collect();
    assert_eq!(
        winners.len(),
        1,
        "exactly one wins: {:?} {:?}",
        location(&ra),
        location(&rb)
    );
    let a_works = location(&app.login(&app.browser(), "susan", "password of A!").await) == "/index";
    let b_works = location(&app.login(&app.browser(), "susan", "password of B!").await) == "/index";
    assert!(a_works ^ b_works, "exactly one new password is in force");
}
