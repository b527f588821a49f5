//! `TestApp`: spawns the binary with a fresh database and an SMTP sink, and drives it.

mod forms;
mod process;

pub use forms::{Page, form_fields};
use microblog_store::testing::TestDatabase;
use microblog_testkit::server_process::{Ready, ServerProcess};
use microblog_testkit::smtp_sink::{ReceivedMessage, SmtpSink};
pub use process::{Server, run};
use reqwest::{Client, Response, StatusCode};
use std::time::Duration;

pub const SECRET_KEY: &str = "whole-application tests secret key, 32+ bytes";
pub const BASE_URL: &str = "http://microblog.test";
pub const PASSWORD: &str = "correct horse battery";

/// Which database a test app runs on.
pub enum Backend {
    Sqlite,
    /// Skipped (the constructor returns `None`) when `TEST_DATABASE_URL` is unset.
    Postgres,
}

/// A running application with its database and mail sink.
pub struct TestApp {
    pub address: String,
    pub sink: SmtpSink,
    pub database: TestDatabase,
    server: Server,
    env: Vec<(String, String)>,
}

impl TestApp {
    /// The app on a fresh SQLite database.
    pub async fn spawn() -> Self {
        Self::spawn_with(Backend::Sqlite, &[])
            .await
            .expect("sqlite always runs")
    }

    /// The app on `backend`, with extra environment variables.
    pub async fn spawn_with(backend: Backend, extra_env: &[(&str, &str)]) -> Option<Self> {
        let database = match backend {
            Backend::Sqlite => TestDatabase::sqlite().await,
            Backend::Postgres => TestDatabase::postgres().await?,
        };
        let sink = SmtpSink::start_restartable().await.expect("sink starts");
        let mut env: Vec<(String, String)> = [
            ("DATABASE_URL", database.url()),
            ("SECRET_KEY", SECRET_KEY),
            ("BASE_URL", BASE_URL),
            ("MAIL_SERVER", "127.0.0.1"),
            ("ADMINS", "admin@microblog.test"),
            ("RATE_LIMIT_PER_MINUTE", "10000"),
            ("MAIL_TIMEOUT", "2"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        env.push(("MAIL_PORT".into(), sink.port().to_string()));
        env.extend(
            extra_env
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        let server = Server::start(&env, &[]).await;
        Some(Self {
            address: server.address.clone(),
            sink,
            database,
            server,
            env,
        })
    }

    /// Stops the server abruptly (SIGKILL) and starts it again on the same database.
    pub async fn restart(&mut self) {
        self.server.kill();
        self.server = Server::start(&self.env, &[]).await;
        self.address = self.server.address.clone();
    }

    /// Kills the app's own server process, leaving the database and sink (for tests that
    /// run their own instances from [`TestApp::start_instance`]).
    pub async fn stop_server(&mut self) {
        self.server.kill();
    }

    /// Another process on the same database, SMTP sink and secret (a second instance behind
    /// the same load balancer), with extra `serve` arguments. Point helpers at it by setting
    /// [`TestApp::address`] to its address.
    pub async fn start_instance(&self, extra_args: &[&str]) -> Server {
        Server::start(&self.env, extra_args).await
    }

    /// A `microblog <command>` process with this app's environment (e.g. `dispatch`),
    /// started without waiting for anything.
    pub async fn start_process(&self, args: &[&str]) -> ServerProcess {
        process::command(&self.env, args)
            .ready(Ready::Started)
            .start()
            .await
            .unwrap_or_else(|error| panic!("{args:?} does not start: {error}"))
    }

    /// Runs `microblog <args>` to completion with this app's environment (same database,
    /// same settings), e.g. `outbox status --json`.
    pub async fn run(&self, args: &[&str]) -> std::process::Output {
        process::run(&self.env, args).await
    }

    /// Everything the server has logged so far.
    pub fn logs(&self) -> String {
        self.server.logs()
    }

    /// A new browser: its own cookie jar, redirects not followed.
    pub fn browser(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .expect("client builds")
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    pub async fn get(&self, client: &Client, path: &str) -> Response {
        client
            .get(self.url(path))
            .send()
            .await
            .expect("GET answers")
    }

    /// GETs `path` and parses it.
    pub async fn page(&self, client: &Client, path: &str) -> Page {
        Page::read(self.get(client, path).await).await
    }

    /// GETs `page`, takes its POST form whose action contains `action` (any form when empty),
    /// fills `fields` over the form's own hidden fields, and submits it.
    pub async fn submit(
        &self,
        client: &Client,
        page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> Response {
        let page = self.page(client, page).await;
        let (target, mut values) = form_fields(&page.body, action).unwrap_or_else(|| {
            panic!(
                "no form with action {action:?} on {}:\n{}",
                page.path, page.body
            )
        });
        for (name, value) in fields {
            values.retain(|(n, _)| n != name);
            values.push(((*name).to_owned(), (*value).to_owned()));
        }
        let target = if target.is_empty() {
            page.path.clone()
        } else {
            target
        };
        client
            .post(self.url(&target))
            .form(&values)
            .send()
            .await
            .expect("POST answers")
    }

    pub async fn register(&self, client: &Client, username: &str, email: &str) -> Response {
        let fields = [
            ("username", username),
            ("email", email),
            ("password", PASSWORD),
            ("password2", PASSWORD),
        ];
        let response = self.submit(client, "/register", "", &fields).await;
        assert_eq!(
            location(&response),
            "/login",
            "registration of {username} succeeds"
        );
        response
    }

    pub async fn login(&self, client: &Client, username: &str, password: &str) -> Response {
        let fields = [("username", username), ("password", password)];
        self.submit(client, "/login", "", &fields).await
    }

    /// A fresh browser logged in as a freshly registered user.
    pub async fn user(&self, username: &str) -> Client {
        let browser = self.browser();
        self.register(&browser, username, &format!("{username}@example.com"))
            .await;
        let response = self.login(&browser, username, PASSWORD).await;
        assert_eq!(location(&response), "/index", "{username} logs in");
        browser
    }

    pub async fn request_reset(&self, client: &Client, email: &str) -> Response {
        self.submit(client, "/reset_password_request", "", &[("email", email)])
            .await
    }

    /// Opens a reset link as the browser would (the link's host is `BASE_URL`'s, the request
    /// goes to this server), then submits the reset form.
    pub async fn reset_with_link(
        &self,
        client: &Client,
        link: &str,
        password: &str,
        password2: &str,
    ) -> Response {
        let opened = self.get(client, &link_path(link)).await;
        let landing = location(&opened);
        assert_eq!(
            landing, "/reset_password",
            "a valid link leads to the token-free form"
        );
        let fields = [("password", password), ("password2", password2)];
        self.submit(client, &landing, "", &fields).await
    }

    pub async fn post(&self, client: &Client, body: &str) -> Response {
        self.submit(client, "/index", "", &[("post", body)]).await
    }

    pub async fn follow(&self, client: &Client, username: &str) -> Response {
        let page = format!("/user/{username}");
        self.submit(client, &page, &format!("/follow/{username}"), &[])
            .await
    }

    /// The oldest email to `to` other than the registration's address confirmation,
    /// waiting up to 20 s.
    pub async fn wait_for_mail(&self, to: &str) -> ReceivedMessage {
        self.sink
            .wait_for(Duration::from_secs(20), |m| {
                m.is_to(to) && !is_confirmation(m)
            })
            .await
            .unwrap_or_else(|| panic!("no email to {to} arrived; server log:\n{}", self.logs()))
    }

    /// The address-confirmation email to `to`, waiting up to 20 s.
    pub async fn wait_for_confirmation(&self, to: &str) -> ReceivedMessage {
        self.sink
            .wait_for(Duration::from_secs(20), |m| {
                m.is_to(to) && is_confirmation(m)
            })
            .await
            .unwrap_or_else(|| panic!("no confirmation to {to} arrived:\n{}", self.logs()))
    }

    /// The emails to `to` so far, the address confirmations left out.
    pub fn mails_to(&self, to: &str) -> Vec<ReceivedMessage> {
        let mails = self.sink.messages_to(to).into_iter();
        mails.filter(|m| !is_confirmation(m)).collect()
    }

    /// Every email so far, the address confirmations left out.
    pub fn mails(&self) -> Vec<ReceivedMessage> {
        let mails = self.sink.messages().into_iter();
        mails.filter(|m| !is_confirmation(m)).collect()
    }

    /// The reset link in the newest reset email to `to` (waiting for the `nth`, 1-based).
    pub async fn reset_link(&self, to: &str, nth: usize) -> String {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let mails: Vec<_> = self
                .sink
                .messages_to(to)
                .into_iter()
                .filter(|m| m.subject.as_deref() == Some("[Microblog] Reset Your Password"))
                .collect();
            if mails.len() >= nth {
                return extract_link(mails[nth - 1].text.as_deref().unwrap_or_default());
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "reset email #{nth} to {to} never came:\n{}",
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// The subject of the address-confirmation email every registration sends.
pub const CONFIRMATION_SUBJECT: &str = "[Microblog] Confirm Your Email Address";

fn is_confirmation(mail: &ReceivedMessage) -> bool {
    mail.subject.as_deref() == Some(CONFIRMATION_SUBJECT)
}

/// The `Location` header, or "" when there is none.
pub fn location(response: &Response) -> String {
    response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

pub fn is_redirect(response: &Response) -> bool {
    matches!(
        response.status(),
        StatusCode::FOUND | StatusCode::SEE_OTHER | StatusCode::MOVED_PERMANENTLY
    )
}

/// The first `BASE_URL/reset_password/...` link in a text.
pub fn extract_link(text: &str) -> String {
    let start = text
        .find(&format!("{BASE_URL}/reset_password/"))
        .unwrap_or_else(|| panic!("no reset link in:\n{text}"));
    text[start..]
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The path of a link on `BASE_URL`.
pub fn link_path(link: &str) -> String {
    link.strip_prefix(BASE_URL).unwrap_or(link).to_owned()
}
