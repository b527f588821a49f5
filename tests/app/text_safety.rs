//! Issue 13 through the real binary, on SQLite and PostgreSQL: invisible, mixed-script and
//! lookalike usernames, and control characters in posts and about-me texts, are answered
//! with the form and an error, never a 5xx, and store nothing.

use super::harness::{Backend, PASSWORD, TestApp, location};
use microblog_domain::ports::{PostRepository, UserRepository};
use microblog_domain::{EmailAddress, PageRequest, User, Username};
use microblog_store::Database;
use reqwest::{Client, StatusCode};

const INVISIBLE: &str = "Username may not contain invisible or direction-changing characters.";
const MIXED: &str = "Username may not mix alphabets (for example Latin and Cyrillic).";
const TAKEN: &str = "Please use a different username.";
const POST_CONTROL: &str = "Post may not contain control characters.";
const ABOUT_CONTROL: &str = "About me may not contain control characters.";

/// Each story as `sqlite::name` and `postgres::name` (skipped without `TEST_DATABASE_URL`).
macro_rules! on_both_backends {
    ($($name:ident;)*) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::Backend::Postgres).await;
                }
            )*
        }
    };
}

on_both_backends! {
    an_invisible_character_in_a_new_username_is_refused_and_creates_nothing;
    lookalikes_of_an_existing_name_are_refused;
    a_post_holding_nul_answers_the_form_and_stores_nothing;
    tabs_and_line_breaks_in_a_post_are_kept;
    an_about_me_holding_nul_answers_the_form_and_changes_nothing;
    renaming_onto_a_lookalike_of_another_user_is_refused;
}

async fn spawn(backend: Backend) -> Option<TestApp> {
    let app = TestApp::spawn_with(backend, &[]).await;
    if app.is_none() {
        eprintln!("skipped: TEST_DATABASE_URL is not set");
    }
    app
}

/// Submits the registration form for `username`, expecting it redrawn with `error`.
async fn refused_registration(app: &TestApp, username: &str, email: &str, error: &str) {
    let browser = app.browser();
    let fields = [
        ("username", username),
        ("email", email),
        ("password", PASSWORD),
        ("password2", PASSWORD),
    ];
    let response = app.submit(&browser, "/register", "", &fields).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{username:?} answers the form"
    );
    assert_eq!(location(&response), "", "{username:?} is not registered");
    let body = response.text().await.expect("body");
    assert!(
        body.contains(error),
        "{username:?} must be refused with {error:?}:\n{body}"
    );
    let stored = user_by_email(&app.database.connect().await, email).await;
    assert_eq!(stored, None, "the refused {username:?} must not be stored");
}

async fn user_by_email(db: &Database, address: &str) -> Option<User> {
    let email = EmailAddress::parse(address).expect("a valid address");
    db.users().by_email(&email).await.expect("by_email")
}

async fn user_named(db: &Database, name: &str) -> User {
    let name = Username::from_stored(name).expect("a name");
    let user = db.users().by_username(&name).await.expect("by_username");
    user.unwrap_or_else(|| panic!("{name} exists"))
}

/// Submits `/edit_profile` and returns the status and the page.
async fn edit_profile(
    app: &TestApp,
    browser: &Client,
    username: &str,
    about: &str,
) -> (StatusCode, String, String) {
    let fields = [("username", username), ("about_me", about)];
    let response = app.submit(browser, "/edit_profile", "", &fields).await;
    let (status, target) = (response.status(), location(&response));
    (status, target, response.text().await.expect("body"))
}

async fn an_invisible_character_in_a_new_username_is_refused_and_creates_nothing(backend: Backend) {
    let Some(app) = spawn(backend).await else {
        return;
    };
    refused_registration(&app, "al\u{200b}ice", "alice@example.com", INVISIBLE).await;
    refused_registration(&app, "bob\u{202e}", "bob@example.com", INVISIBLE).await;
}

async fn lookalikes_of_an_existing_name_are_refused(backend: Backend) {
    let Some(app) = spawn(backend).await else {
        return;
    };
    app.user("paypal").await;
    // Latin with one Cyrillic а: refused for mixing alphabets, before any lookup.
    refused_registration(&app, "p\u{430}ypal", "spoof1@example.com", MIXED).await;
    // All Cyrillic (р а у р а ӏ), and other spellings: one script each, but taken.
    let cyrillic = "\u{440}\u{430}\u{443}\u{440}\u{430}\u{4cf}";
    refused_registration(&app, cyrillic, "spoof2@example.com", TAKEN).await;
    refused_registration(&app, "PayPal", "spoof3@example.com", TAKEN).await;
    refused_registration(&app, "paypa1", "spoof4@example.com", TAKEN).await;
    app.user("paypals").await;
}

async fn a_post_holding_nul_answers_the_form_and_stores_nothing(backend: Backend) {
    let Some(app) = spawn(backend).await else {
        return;
    };
    let susan = app.user("susan").await;
    for body in [
        "hello\0world",
        "bell\u{7}",
        "esc\u{1b}[31m",
        "next\u{85}line",
    ] {
        let response = app.post(&susan, body).await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "{body:?} answers the form"
        );
        let page = response.text().await.expect("body");
        assert!(page.contains(POST_CONTROL), "{body:?} is refused:\n{page}");
    }
    let db = app.database.connect().await;
    let posts = db
        .posts()
        .explore(PageRequest::new(1, 10))
        .await
        .expect("explore");
    assert!(
        posts.items.is_empty(),
        "nothing is stored: {:?}",
        posts.items
    );
}

async fn tabs_and_line_breaks_in_a_post_are_kept(backend: Backend) {
    let Some(app) = spawn(backend).await else {
        return;
    };
    let susan = app.user("susan").await;
    let response = app.post(&susan, "one\r\ntwo\n\tthree").await;
    assert_eq!(location(&response), "/index", "the post is published");
    let db = app.database.connect().await;
    let posts = db
        .posts()
        .explore(PageRequest::new(1, 10))
        .await
        .expect("explore");
    let bodies: Vec<&str> = posts.items.iter().map(|p| p.post.body.as_str()).collect();
    assert_eq!(bodies, ["one\r\ntwo\n\tthree"]);
}

async fn an_about_me_holding_nul_answers_the_form_and_changes_nothing(backend: Backend) {
    let Some(app) = spawn(backend).await else {
        return;
    };
    let susan = app.user("susan").await;
    let (status, target, page) = edit_profile(&app, &susan, "susan", "I like\0tea").await;
    assert_eq!(
        (status, target.as_str()),
        (StatusCode::OK, ""),
        "the form again"
    );
    assert!(page.contains(ABOUT_CONTROL), "{page}");
    let stored = user_named(&app.database.connect().await, "susan").await;
    assert_eq!(stored.about_me.as_str(), "", "the about-me is unchanged");
}

async fn renaming_onto_a_lookalike_of_another_user_is_refused(backend: Backend) {
    let Some(app) = spawn(backend).await else {
        return;
    };
    let susan = app.user("susan").await;
    app.user("paypal").await;
    for lookalike in [
        "PAYPAL",
        "paypa1",
        "\u{440}\u{430}\u{443}\u{440}\u{430}\u{4cf}",
    ] {
        let (status, target, page) = edit_profile(&app, &susan, lookalike, "hi").await;
        assert_eq!(
            (status, target.as_str()),
            (StatusCode::OK, ""),
            "{lookalike:?}"
        );
        assert!(page.contains(TAKEN), "{lookalike:?} is taken:\n{page}");
    }
    let (status, _, page) = edit_profile(&app, &susan, "p\u{430}ypal", "hi").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(MIXED), "{page}");
    let db = app.database.connect().await;
    let kept = user_named(&db, "susan").await;
    assert_eq!(kept.about_me.as_str(), "", "a refused edit changes nothing");
    let (_, target, _) = edit_profile(&app, &susan, "Susan", "hi").await;
    assert_eq!(
        target, "/edit_profile",
        "another case of one's own name is fine"
    );
}
