//! The per-account sign-in lock, end to end on SQLite and PostgreSQL: wrong passwords from
//! many addresses lock the account, the right password then gets the very answer a wrong
//! one gets, the owner receives one notice, unknown usernames answer byte for byte like
//! real ones, and a password reset (or the lock's end) lets the owner in again.

use super::harness::{BASE_URL, Backend, PASSWORD, TestApp, location};
use reqwest::{Client, StatusCode};
use std::time::Duration;

const NOTICE: &str = "[Microblog] Someone tried to sign in to your account";

/// The app trusting `X-Forwarded-For`, with a per-address limit of 2 logins a minute: the
/// distinct addresses below are really seen as distinct (one address would be refused with
/// 429 from its third attempt on), and a per-address limit alone never locks anybody.
async fn app(backend: Backend, lockout: &[(&str, &str)]) -> Option<TestApp> {
    let mut env = vec![("TRUST_FORWARDED_FOR", "1"), ("RATE_LIMIT_PER_MINUTE", "2")];
    env.extend_from_slice(lockout);
    let app = TestApp::spawn_with(backend, &env).await;
    if app.is_none() {
        eprintln!("skipped: TEST_DATABASE_URL is not set");
    }
    app
}

/// A browser behind the proxy at client address `10.0.<n / 250>.<n % 250 + 1>`.
fn browser_at(n: u32) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    let address = format!("10.0.{}.{}", n / 250, n % 250 + 1);
    headers.insert("x-forwarded-for", address.parse().expect("a header value"));
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .default_headers(headers)
        .build()
        .expect("client builds")
}

/// What a login attempt shows: the answer's status, `Location` and body, and the flash
/// list of the page it leads to.
#[derive(Debug, PartialEq, Eq)]
struct Answer {
    status: StatusCode,
    location: String,
    body: Vec<u8>,
    flashes: String,
}

/// Hands out a fresh client address per attempt.
struct Attempts<'a> {
    app: &'a TestApp,
    next_address: u32,
}

impl<'a> Attempts<'a> {
    fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            next_address: 0,
        }
    }

    /// Logs in as `username` with `password`, from an address not used before.
    async fn login(&mut self, username: &str, password: &str) -> Answer {
        self.next_address += 1;
        let browser = browser_at(self.next_address);
        let response = self.app.login(&browser, username, password).await;
        let status = response.status();
        let location = location(&response);
        let body = response.bytes().await.expect("a body").to_vec();
        let next = self.app.page(&browser, &location).await;
        Answer {
            status,
            location,
            body,
            flashes: flashes(&next.body),
        }
    }

    /// A browser at a fresh address registered as `username` (<username>@example.com).
    async fn register(&mut self, username: &str) {
        self.next_address += 1;
        let browser = browser_at(self.next_address);
        let email = format!("{username}@example.com");
        self.app.register(&browser, username, &email).await;
    }
}

/// The flash list of a page, as served.
fn flashes(html: &str) -> String {
    let Some(start) = html.find("<ul class=\"flashes\">") else {
        return String::new();
    };
    let end = html[start..]
        .find("</ul>")
        .map_or(html.len(), |n| start + n + 5);
    html[start..end].to_owned()
}

/// The notices that reached `to` so far.
fn notices(app: &TestApp, to: &str) -> usize {
    app.sink
        .messages_to(to)
        .iter()
        .filter(|mail| mail.subject.as_deref() == Some(NOTICE))
        .count()
}

async fn ten_wrong_passwords_from_ten_addresses_lock_the_account(backend: Backend) {
    let Some(app) = app(backend, &[]).await else {
        return;
    };
    let mut attempts = Attempts::new(&app);
    attempts.register("susan").await;

    let refused = attempts.login("nobody", "wrong password").await;
    assert_eq!(refused.status, StatusCode::FOUND, "{refused:?}");
    assert_eq!(refused.location, "/login");
    assert!(
        refused.flashes.contains("Invalid username or password"),
        "{refused:?}"
    );
    for n in 1..=10 {
        let wrong = attempts
            .login("susan", &format!("wrong password {n}"))
            .await;
        assert_eq!(wrong, refused, "wrong password #{n} is answered as usual");
    }
    let right = attempts.login("susan", PASSWORD).await;
    assert_eq!(
        right, refused,
        "the locked account refuses the right password with the same answer"
    );

    let mail = app.wait_for_mail("susan@example.com").await;
    assert_eq!(mail.subject.as_deref(), Some(NOTICE));
    let text = mail.text.clone().expect("a text part");
    let html = mail.html.clone().expect("an html part");
    let link = format!("{BASE_URL}/reset_password_request");
    assert!(text.contains("Dear susan,"), "{text}");
    assert!(text.contains("10 times"), "says how many: {text}");
    assert!(text.contains(&link), "links to the reset form: {text}");
    assert!(html.contains(&format!("href=\"{link}\"")), "{html}");

    for n in 11..=13 {
        let wrong = attempts
            .login("susan", &format!("wrong password {n}"))
            .await;
        assert_eq!(wrong, refused, "wrong password #{n} during the lock");
    }
    // Long enough for a second notice to arrive if one had been queued.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        notices(&app, "susan@example.com"),
        1,
        "one notice per lock, not one per attempt"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_wrong_passwords_from_ten_addresses_lock_the_account_on_sqlite() {
    ten_wrong_passwords_from_ten_addresses_lock_the_account(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_wrong_passwords_from_ten_addresses_lock_the_account_on_postgres() {
    ten_wrong_passwords_from_ten_addresses_lock_the_account(Backend::Postgres).await;
}

async fn unknown_usernames_answer_exactly_like_locked_ones(backend: Backend) {
    let Some(app) = app(backend, &[]).await else {
        return;
    };
    let mut attempts = Attempts::new(&app);
    attempts.register("susan").await;
    let before = attempts.login("nobody", "wrong password").await;
    for n in 1..=10 {
        attempts.login("susan", "wrong password").await;
        let unknown = attempts.login("nobody", &format!("guess {n}")).await;
        assert_eq!(unknown, before, "unknown, attempt #{n}");
    }
    let after = attempts.login("nobody", PASSWORD).await;
    assert_eq!(
        after, before,
        "after ten failures, unknown still answers the same"
    );
    let locked = attempts.login("susan", PASSWORD).await;
    assert_eq!(locked, before, "and exactly like a known, locked account");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_usernames_answer_exactly_like_locked_ones_on_sqlite() {
    unknown_usernames_answer_exactly_like_locked_ones(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_usernames_answer_exactly_like_locked_ones_on_postgres() {
    unknown_usernames_answer_exactly_like_locked_ones(Backend::Postgres).await;
}

async fn a_password_reset_lifts_the_lock(backend: Backend) {
    let Some(app) = app(backend, &[("LOGIN_LOCKOUT_THRESHOLD", "3")]).await else {
        return;
    };
    let mut attempts = Attempts::new(&app);
    attempts.register("susan").await;
    for _ in 0..3 {
        attempts.login("susan", "wrong password").await;
    }
    let refused = attempts.login("susan", PASSWORD).await;
    assert_eq!(refused.location, "/login", "locked: {refused:?}");

    let owner = browser_at(1_000);
    app.request_reset(&owner, "susan@example.com").await;
    let link = app.reset_link("susan@example.com", 1).await;
    let reset = app
        .reset_with_link(&owner, &link, "a brand new secret", "a brand new secret")
        .await;
    assert_eq!(location(&reset), "/login", "the reset succeeds");
    let signed_in = app.login(&owner, "susan", "a brand new secret").await;
    assert_eq!(
        location(&signed_in),
        "/index",
        "right after the reset the new password signs in"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_reset_lifts_the_lock_on_sqlite() {
    a_password_reset_lifts_the_lock(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_reset_lifts_the_lock_on_postgres() {
    a_password_reset_lifts_the_lock(Backend::Postgres).await;
}

async fn a_lock_ends_by_itself_after_its_duration(backend: Backend) {
    let lockout = [
        ("LOGIN_LOCKOUT_THRESHOLD", "2"),
        ("LOGIN_LOCKOUT_DURATION", "2"),
    ];
    let Some(app) = app(backend, &lockout).await else {
        return;
    };
    let mut attempts = Attempts::new(&app);
    attempts.register("susan").await;
    attempts.login("susan", "wrong password").await;
    attempts.login("susan", "wrong password").await;
    let refused = attempts.login("susan", PASSWORD).await;
    assert_eq!(refused.location, "/login", "locked: {refused:?}");
    // The clock counts whole seconds: past two of them the lock has ended.
    tokio::time::sleep(Duration::from_millis(3_100)).await;
    let signed_in = attempts.login("susan", PASSWORD).await;
    assert_eq!(
        signed_in.location, "/index",
        "the lock ended: {signed_in:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_ends_by_itself_after_its_duration_on_sqlite() {
    a_lock_ends_by_itself_after_its_duration(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_ends_by_itself_after_its_duration_on_postgres() {
    a_lock_ends_by_itself_after_its_duration(Backend::Postgres).await;
}
