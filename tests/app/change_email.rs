//! Address change through the real binary, on SQLite and PostgreSQL: the link mailed to the
//! new address moves the account, the old address is told (the new one masked), a reset for
//! the pending address sends nothing, and a taken address only warns its owner.

use super::confirmation::confirmation_link;
use super::harness::{Backend, PASSWORD, TestApp, link_path, location};
use std::time::Duration;

const CHANGE_SUBJECT: &str = "[Microblog] Confirm Your New Email Address";

async fn change_email(app: &TestApp, client: &reqwest::Client, email: &str) {
    let fields = [("email", email), ("password", PASSWORD)];
    let response = app
        .submit(client, "/change_email", "/change_email", &fields)
        .await;
    assert_eq!(
        location(&response),
        "/edit_profile",
        "the change is asked for"
    );
}

async fn the_new_address_confirms_and_the_old_one_is_told(app: TestApp) {
    let susan = app.user("susan").await;
    change_email(&app, &susan, "Susan.New@Example.org").await;
    let mail = app.wait_for_mail("Susan.New@Example.org").await;
    assert_eq!(mail.subject.as_deref(), Some(CHANGE_SUBJECT));
    let link = confirmation_link(mail.text.as_deref().unwrap_or_default());
    assert!(link.contains("/confirm_email/"), "{link}");

    // Pending: the old address still recovers the account, the new one does not.
    let visitor = app.browser();
    app.request_reset(&visitor, "susan.new@example.org").await;
    app.request_reset(&visitor, "susan@example.com").await;
    app.reset_link("susan@example.com", 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        app.mails_to("susan.new@example.org").len(),
        1,
        "only the confirmation link went to the pending address"
    );

    let followed = app.get(&susan, &link_path(&link)).await;
    assert_eq!(location(&followed), "/index");
    let page = app.page(&susan, "/index").await;
    assert!(
        page.contains("is now the address of your account"),
        "{}",
        page.body
    );

    let notice = loop {
        let notices: Vec<_> = app
            .mails_to("susan@example.com")
            .into_iter()
            .filter(|m| m.subject.as_deref() == Some("[Microblog] Your email address was changed"))
            .collect();
        if let Some(notice) = notices.into_iter().next() {
            break notice;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let text = notice.text.unwrap_or_default();
    assert!(text.contains("S•••@E•••.org"), "masked: {text}");
    assert!(
        !text.contains("Susan.New"),
        "never the whole new address: {text}"
    );

    // Moved: the new address recovers the account (once the per-account reset throttle,
    // one second here, has passed) and signing in works as before.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    app.request_reset(&visitor, "susan.new@example.org").await;
    app.reset_link("Susan.New@Example.org", 1).await;
    let again = app.browser();
    assert_eq!(
        location(&app.login(&again, "susan", PASSWORD).await),
        "/index"
    );
}

async fn a_taken_address_only_warns_its_owner(app: TestApp) {
    let susan = app.user("susan").await;
    app.register(&app.browser(), "bob", "bob@example.com").await;
    change_email(&app, &susan, "bob@example.com").await;
    let warning = app.wait_for_mail("bob@example.com").await;
    assert_eq!(
        warning.subject.as_deref(),
        Some("[Microblog] Someone tried to use your email address")
    );
    assert!(
        !warning.text.unwrap_or_default().contains("/confirm_email/"),
        "no link in the warning"
    );
    let page = app.page(&susan, "/change_email").await;
    assert!(
        page.contains("susan@example.com"),
        "susan keeps her address"
    );
}

const QUICK_RESETS: &[(&str, &str)] = &[("RESET_REQUEST_THROTTLE", "1")];

#[tokio::test]
async fn the_new_address_confirms_the_change_on_sqlite() {
    let app = TestApp::spawn_with(Backend::Sqlite, QUICK_RESETS).await;
    the_new_address_confirms_and_the_old_one_is_told(app.expect("sqlite always runs")).await;
}

#[tokio::test]
async fn the_new_address_confirms_the_change_on_postgres() {
    let Some(app) = TestApp::spawn_with(Backend::Postgres, QUICK_RESETS).await else {
        eprintln!("skipped: TEST_DATABASE_URL is not set");
        return;
    };
    the_new_address_confirms_and_the_old_one_is_told(app).await;
}

#[tokio::test]
async fn a_taken_address_only_warns_its_owner_on_sqlite() {
    a_taken_address_only_warns_its_owner(TestApp::spawn().await).await;
}

#[tokio::test]
async fn a_taken_address_only_warns_its_owner_on_postgres() {
    let Some(app) = TestApp::spawn_with(Backend::Postgres, &[]).await else {
        eprintln!("skipped: TEST_DATABASE_URL is not set");
        return;
    };
    a_taken_address_only_warns_its_owner(app).await;
}
