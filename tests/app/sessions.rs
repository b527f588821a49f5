//! Server-side sessions end to end on SQLite and PostgreSQL, with two instances on one
//! database: a cookie copied before a logout, a revoke, a reset or (for the other browsers)
//! a password change opens nothing afterwards, on either instance.

use super::harness::{Backend, PASSWORD, TestApp, location};
use reqwest::cookie::{CookieStore as _, Jar};
use reqwest::{Client, StatusCode};
use std::sync::Arc;
use std::time::Duration;

const NEW_PASSWORD: &str = "a brand new passphrase";
const CHANGED: &str = "[Microblog] Your password was changed";

async fn app(backend: Backend) -> Option<TestApp> {
    let app = TestApp::spawn_with(backend, &[]).await;
    if app.is_none() {
        eprintln!("skipped: TEST_DATABASE_URL is not set");
    }
    app
}

/// A browser whose cookies the test can copy, as someone with access to it could.
struct Browser {
    client: Client,
    jar: Arc<Jar>,
}

impl Browser {
    fn new() -> Self {
        let jar = Arc::new(Jar::default());
        let client = Client::builder()
            .cookie_provider(Arc::clone(&jar))
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .expect("client builds");
        Self { client, jar }
    }

    /// The `Cookie` header this browser sends to `app`.
    fn copy_cookies(&self, app: &TestApp) -> String {
        let url = app.url("/").parse().expect("a URL");
        let header = self.jar.cookies(&url).expect("the browser holds cookies");
        header.to_str().expect("ASCII cookies").to_owned()
    }
}

/// A browser logged in as `username` (registered already).
async fn logged_in(app: &TestApp, username: &str, password: &str) -> Browser {
    let browser = Browser::new();
    let response = app.login(&browser.client, username, password).await;
    assert_eq!(location(&response), "/index", "{username} logs in");
    browser
}

/// Whether a request carrying `cookies` to the instance at `address` is signed in.
async fn opens(address: &str, cookies: &str) -> bool {
    let response = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client builds")
        .get(format!("http://{address}/index"))
        .header(reqwest::header::COOKIE, cookies)
        .send()
        .await
        .expect("GET answers");
    response.status() == StatusCode::OK
}

async fn logout_and_revoke_end_copied_cookies_on_every_instance(backend: Backend) {
    let Some(app) = app(backend).await else {
        return;
    };
    let other = app.start_instance(&[]).await;
    app.register(&app.browser(), "susan", "susan@example.com")
        .await;
    let laptop = logged_in(&app, "susan", PASSWORD).await;
    let copied = laptop.copy_cookies(&app);
    assert!(
        opens(&other.address, &copied).await,
        "any instance serves it"
    );
    let out = app.submit(&laptop.client, "/index", "/logout", &[]).await;
    assert_eq!(location(&out), "/index");
    assert!(!opens(&app.address, &copied).await, "dead after logout");
    assert!(
        !opens(&other.address, &copied).await,
        "on the other instance too"
    );

    let laptop = logged_in(&app, "susan", PASSWORD).await;
    let phone = logged_in(&app, "susan", PASSWORD).await;
    let phone_cookies = phone.copy_cookies(&app);
    let revoked = app
        .submit(&laptop.client, "/sessions", "/sessions/revoke_others", &[])
        .await;
    assert_eq!(location(&revoked), "/sessions");
    assert!(
        !opens(&other.address, &phone_cookies).await,
        "dead after a revoke"
    );
    assert!(opens(&other.address, &laptop.copy_cookies(&app)).await);
}

#[tokio::test]
async fn logout_and_revoke_end_copied_cookies_on_every_instance_on_sqlite() {
    logout_and_revoke_end_copied_cookies_on_every_instance(Backend::Sqlite).await;
}

#[tokio::test]
async fn logout_and_revoke_end_copied_cookies_on_every_instance_on_postgres() {
    logout_and_revoke_end_copied_cookies_on_every_instance(Backend::Postgres).await;
}

async fn a_change_ends_the_other_sessions_and_a_reset_ends_them_all(backend: Backend) {
    let Some(app) = app(backend).await else {
        return;
    };
    app.register(&app.browser(), "susan", "susan@example.com")
        .await;
    let laptop = logged_in(&app, "susan", PASSWORD).await;
    let phone = logged_in(&app, "susan", PASSWORD).await;
    let (laptop_cookies, phone_cookies) = (laptop.copy_cookies(&app), phone.copy_cookies(&app));
    let fields = [
        ("current_password", "not my password"),
        ("password", NEW_PASSWORD),
        ("password2", NEW_PASSWORD),
    ];
    let refused = app
        .submit(
            &laptop.client,
            "/change_password",
            "/change_password",
            &fields,
        )
        .await;
    assert_eq!(refused.status(), StatusCode::OK, "the form is redrawn");
    assert!(opens(&app.address, &phone_cookies).await, "nothing changed");
    let fields = [
        ("current_password", PASSWORD),
        ("password", NEW_PASSWORD),
        ("password2", NEW_PASSWORD),
    ];
    let changed = app
        .submit(
            &laptop.client,
            "/change_password",
            "/change_password",
            &fields,
        )
        .await;
    assert_eq!(location(&changed), "/index");
    assert!(
        opens(&app.address, &laptop_cookies).await,
        "this session stays"
    );
    assert!(!opens(&app.address, &phone_cookies).await, "the other ends");
    let notice = app.wait_for_mail("susan@example.com").await;
    assert_eq!(notice.subject.as_deref(), Some(CHANGED));

    let guest = app.browser();
    app.request_reset(&guest, "susan@example.com").await;
    let link = app.reset_link("susan@example.com", 1).await;
    let reset = app
        .reset_with_link(
            &guest,
            &link,
            "yet another passphrase",
            "yet another passphrase",
        )
        .await;
    assert_eq!(location(&reset), "/login");
    assert!(
        !opens(&app.address, &laptop_cookies).await,
        "a reset ends them all"
    );
}

#[tokio::test]
async fn a_change_ends_the_other_sessions_and_a_reset_ends_them_all_on_sqlite() {
    a_change_ends_the_other_sessions_and_a_reset_ends_them_all(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_change_ends_the_other_sessions_and_a_reset_ends_them_all_on_postgres() {
    a_change_ends_the_other_sessions_and_a_reset_ends_them_all(Backend::Postgres).await;
}
