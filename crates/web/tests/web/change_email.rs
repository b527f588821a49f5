//! `/change_email`: the password guards it, the new address confirms it by its link, the old
//! address is told, a taken address is never attached and never revealed, a newer request
//! kills the older link.

use crate::support::{PASSWORD, TestApp};
use axum::http::StatusCode;
use microblog_domain::{EmailAddress, EmailKind};

const CHECK_NEW_ADDRESS: &str = "Check your new email address for the link that confirms it.";
const CHANGED: &str =
    "Your email address has been confirmed and is now the address of your account.";

/// Susan, signed in, her registration mail already delivered and forgotten.
async fn susan() -> TestApp {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    app.settle().await;
    app.world.mailer.clear();
    app
}

fn kinds_to(app: &TestApp) -> Vec<(EmailKind, String)> {
    app.world
        .mailer
        .sent()
        .into_iter()
        .map(|email| (email.kind, email.to.join(",")))
        .collect()
}

#[tokio::test]
async fn the_page_needs_a_login_and_is_linked_from_edit_profile() {
    let mut app = TestApp::new();
    let reply = app.get("/change_email").await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert!(
        reply.location().starts_with("/login"),
        "{}",
        reply.location()
    );
    app.signed_in("susan").await;
    assert!(
        app.get("/edit_profile")
            .await
            .text()
            .contains("/change_email")
    );
    let page = app.get("/change_email").await.text();
    assert!(
        page.contains("susan@example.com"),
        "shows the current address"
    );
    assert!(page.contains("name=\"email\"") && page.contains("name=\"password\""));
}

#[tokio::test]
async fn a_wrong_password_redraws_the_form_and_sends_nothing() {
    let mut app = susan().await;
    let reply = app.change_email("new@example.org", "wrong password").await;
    assert_eq!(reply.status, StatusCode::OK);
    let page = reply.text();
    assert!(page.contains("Invalid password."), "{page}");
    assert!(page.contains("new@example.org"), "the address is kept");
    assert!(app.sent_emails().await.is_empty(), "nothing sent");
    assert_eq!(app.world.users.named("susan").pending_email, None);
}

#[tokio::test]
async fn bad_addresses_the_same_address_and_a_missing_token_change_nothing() {
    let mut app = susan().await;
    let page = app.change_email("not an address", PASSWORD).await.text();
    assert!(page.contains("Invalid email address."), "{page}");
    let page = app.change_email("SUSAN@example.com", PASSWORD).await.text();
    assert!(
        page.contains("This is already your email address."),
        "{page}"
    );
    let reply = app
        .post(
            "/change_email",
            &[("email", "new@example.org"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "no CSRF token");
    assert!(app.sent_emails().await.is_empty());
    assert_eq!(app.world.users.named("susan").pending_email, None);
}

#[tokio::test]
async fn the_new_address_confirms_the_change_and_the_old_one_is_told() {
    let mut app = susan().await;
    let reply = app.change_email("Susan.New@Example.org", PASSWORD).await;
    assert_eq!(reply.location(), "/edit_profile");
    assert!(
        app.get("/edit_profile")
            .await
            .text()
            .contains(CHECK_NEW_ADDRESS)
    );
    app.settle().await;
    assert_eq!(
        kinds_to(&app),
        [(
            EmailKind::ConfirmEmailChange,
            "Susan.New@Example.org".to_owned()
        )],
        "one link, to the new address as entered"
    );
    let page = app.get("/change_email").await.text();
    assert!(
        page.contains("Susan.New@Example.org"),
        "the pending address is shown"
    );
    let link = app.change_links().pop().unwrap();

    // Until the link is followed, the old address is the account's.
    let mut visitor = app.browser();
    visitor.request_reset_for("susan.new@example.org").await;
    visitor.request_reset_for("susan@example.com").await;
    app.settle().await;
    assert_eq!(
        app.reset_links().len(),
        1,
        "only the old address gets a reset link"
    );
    assert_eq!(
        app.world.users.named("susan").email.as_str(),
        "susan@example.com"
    );
    app.world.mailer.clear();

    let reply = app.get(&link).await;
    assert_eq!(reply.location(), "/index");
    assert!(app.get("/index").await.text().contains(CHANGED));
    let susan = app.world.users.named("susan");
    assert_eq!(susan.email.as_str(), "Susan.New@Example.org");
    assert!(susan.email_confirmed, "the new address is confirmed");
    assert_eq!(susan.pending_email, None);

    let sent = app.sent_emails().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].kind, EmailKind::EmailChanged);
    assert_eq!(
        sent[0].to,
        ["susan@example.com"],
        "the notice goes to the old address"
    );
    let masked = EmailAddress::parse("Susan.New@Example.org")
        .unwrap()
        .masked();
    assert!(sent[0].text_body.contains(&masked), "{}", sent[0].text_body);
    assert!(
        !sent[0].text_body.contains("Susan.New@"),
        "never the whole new address"
    );

    let page = app.get(&link).await;
    assert_eq!(page.location(), "/index");
    assert!(
        app.get("/index")
            .await
            .text()
            .contains("This confirmation link has already been used."),
        "a second use says so"
    );
}

#[tokio::test]
async fn a_taken_address_looks_the_same_to_the_requester_and_warns_its_owner() {
    let mut app = susan().await;
    let mut bob = app.browser();
    bob.register("bob", "bob@example.com", PASSWORD).await;
    app.settle().await;
    app.world.mailer.clear();

    let free = app.change_email("free@example.org", PASSWORD).await;
    let taken = app.change_email("BOB@example.com", PASSWORD).await;
    assert_eq!(free.status, taken.status);
    assert_eq!(free.location(), taken.location());
    let flash = app.get("/edit_profile").await.text();
    assert!(
        flash.contains(CHECK_NEW_ADDRESS),
        "the same answer: {flash}"
    );

    app.settle().await;
    let sent = kinds_to(&app);
    assert!(
        sent.contains(&(EmailKind::EmailInUse, "bob@example.com".to_owned())),
        "bob is told: {sent:?}"
    );
    assert!(
        !sent
            .iter()
            .any(|(kind, to)| *kind == EmailKind::ConfirmEmailChange && to.contains("bob")),
        "no confirmation link to a taken address: {sent:?}"
    );
    let mail_to_bob = app
        .world
        .mailer
        .sent()
        .into_iter()
        .find(|e| e.to == ["bob@example.com"]);
    assert!(
        !mail_to_bob.unwrap().text_body.contains("/confirm_email/"),
        "no link"
    );
    assert_eq!(
        app.world.users.named("susan").email.as_str(),
        "susan@example.com"
    );
    assert_eq!(
        app.world.users.named("bob").email.as_str(),
        "bob@example.com"
    );
}

#[tokio::test]
async fn a_newer_request_kills_the_older_link() {
    let mut app = susan().await;
    app.change_email("first@example.org", PASSWORD).await;
    app.settle().await;
    let first = app.change_links().pop().unwrap();
    app.change_email("second@example.org", PASSWORD).await;
    app.settle().await;
    let second = app.change_links().pop().unwrap();
    assert_ne!(first, second);

    app.get(&first).await;
    let page = app.get("/index").await.text();
    assert!(
        page.contains("This confirmation link was replaced by a newer one"),
        "{page}"
    );
    assert_eq!(
        app.world.users.named("susan").email.as_str(),
        "susan@example.com"
    );

    app.get(&second).await;
    assert!(app.get("/index").await.text().contains(CHANGED));
    assert_eq!(
        app.world.users.named("susan").email.as_str(),
        "second@example.org"
    );
}

#[tokio::test]
async fn asking_again_for_the_same_address_also_kills_the_older_link() {
    let mut app = susan().await;
    app.change_email("new@example.org", PASSWORD).await;
    app.settle().await;
    let first = app.change_links().pop().unwrap();
    app.change_email("new@example.org", PASSWORD).await;
    app.settle().await;
    let second = app.change_links().pop().unwrap();
    app.get(&first).await;
    assert!(
        app.get("/index")
            .await
            .text()
            .contains("replaced by a newer one"),
        "the older link is dead"
    );
    app.get(&second).await;
    assert_eq!(
        app.world.users.named("susan").email.as_str(),
        "new@example.org"
    );
}
