//! Address confirmation through the real binary: registration mails a link, following it
//! confirms the address and removes the banner, on SQLite and PostgreSQL.

use super::harness::{Backend, PASSWORD, TestApp, link_path, location};

const BANNER: &str = "Please confirm your email address";

/// The `/confirm_email/...` link in `text`.
pub(super) fn confirmation_link(text: &str) -> String {
    let start = text.find("/confirm_email/").expect("a confirmation link");
    let word_start = text[..start]
        .rfind(char::is_whitespace)
        .map_or(0, |n| n + 1);
    text[word_start..]
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned()
}

async fn registration_confirms_the_address(app: TestApp) {
    let browser = app.browser();
    app.register(&browser, "susan", "susan@example.com").await;
    let mail = app.wait_for_confirmation("susan@example.com").await;
    let link = confirmation_link(mail.text.as_deref().unwrap_or_default());
    let html = mail.html.unwrap_or_default();
    assert!(html.contains(&link), "the HTML part has the same link");

    let susan = browser;
    assert_eq!(
        location(&app.login(&susan, "susan", PASSWORD).await),
        "/index"
    );
    assert!(app.page(&susan, "/index").await.contains(BANNER));
    let followed = app.get(&susan, &link_path(&link)).await;
    assert_eq!(location(&followed), "/index");
    let page = app.page(&susan, "/index").await;
    assert!(page.contains("Your email address has been confirmed."));
    assert!(!page.contains(BANNER), "the banner is gone");

    let again = app.get(&app.browser(), &link_path(&link)).await;
    assert_eq!(location(&again), "/index", "a used link does nothing more");
}

#[tokio::test]
async fn registration_mails_a_link_that_confirms_the_address_on_sqlite() {
    registration_confirms_the_address(TestApp::spawn().await).await;
}

#[tokio::test]
async fn registration_mails_a_link_that_confirms_the_address_on_postgres() {
    let Some(app) = TestApp::spawn_with(Backend::Postgres, &[]).await else {
        eprintln!("skipped: TEST_DATABASE_URL is not set");
        return;
    };
    registration_confirms_the_address(app).await;
}
