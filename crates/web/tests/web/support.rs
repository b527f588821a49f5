//! The test harness: the real router over in-memory ports (or mocks), driven in-process by
//! `tower::ServiceExt::oneshot`, with a tiny cookie-keeping "browser".

pub mod fakes;
pub mod wiring;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use fakes::SwitchableReadiness;
use microblog_crypto::Argon2Hasher;
use microblog_domain::services::MailDispatcher;
use microblog_domain::{Email, EmailKind, SecretKey, User};
use microblog_testkit::recording_mailer::RecordingMailer;
use microblog_testkit::{InMemoryOutbox, InMemoryPosts, InMemorySessions, InMemoryUsers};
use microblog_web::{WebConfig, app};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use tower::ServiceExt;
pub use wiring::{Ports, Wired};

/// Posts per page in these tests (small, so pagination is easy to reach).
pub const PER_PAGE: u32 = 3;
pub const PASSWORD: &str = "correct horse battery";

/// The fakes behind the default ports, for inspection.
#[derive(Clone)]
pub struct World {
    pub users: Arc<InMemoryUsers>,
    pub posts: Arc<InMemoryPosts>,
    pub outbox: Arc<InMemoryOutbox>,
    /// Where the dispatcher delivers, once a test settles the outbox.
    pub mailer: Arc<RecordingMailer>,
    pub sessions: Arc<InMemorySessions>,
    pub readiness: Arc<SwitchableReadiness>,
}

/// One browser talking to one application.
pub struct TestApp {
    router: Router,
    pub world: World,
    dispatcher: MailDispatcher,
    /// The browser's cookies, by name (the login cookie and the encrypted session cookie).
    cookies: BTreeMap<String, String>,
    peer: SocketAddr,
}

/// A response, its body read.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The body as sent (HTML-escaped where the page escapes).
    pub body: String,
}

impl TestApp {
    pub fn new() -> Self {
        Self::build(|_| {}, |_| {})
    }

    /// An application whose ports and configuration the test adjusts first.
    pub fn build(ports: impl FnOnce(&mut Ports), config: impl FnOnce(&mut WebConfig)) -> Self {
        let users = Arc::new(InMemoryUsers::default());
        let world = World {
            posts: Arc::new(InMemoryPosts::new(users.clone())),
            sessions: Arc::new(InMemorySessions::new(users.clone())),
            users,
            outbox: Arc::new(InMemoryOutbox::default()),
            mailer: Arc::new(RecordingMailer::new()),
            readiness: Arc::new(SwitchableReadiness::default()),
        };
        let mut chosen = Ports {
            sessions: world.sessions.clone(),
            users: world.users.clone(),
            posts: world.posts.clone(),
            timelines: world.posts.clone(),
            hasher: Arc::new(Argon2Hasher::for_tests()),
            outbox: world.outbox.clone(),
        };
        ports(&mut chosen);
        let secret = SecretKey::parse("a test secret that is at least 32 bytes long").unwrap();
        let mut web_config = WebConfig::new(secret.clone());
        config(&mut web_config);
        let wired = Wired {
            alerts_outbox: world.outbox.clone(),
            readiness: world.readiness.clone(),
            per_page: PER_PAGE,
        };
        let services = wiring::services(&chosen, &wired, &secret);
        let dispatcher =
            wiring::dispatcher(&chosen, world.outbox.clone(), world.mailer.clone(), &secret);
        let router = app(services, web_config).expect("templates load");
        Self {
            router,
            world,
            dispatcher,
            cookies: BTreeMap::new(),
            peer: "192.0.2.10:50000".parse().unwrap(),
        }
    }

    /// Another browser (no cookies) on the same application.
    pub fn browser(&self) -> Self {
        Self {
            router: self.router.clone(),
            world: self.world.clone(),
            dispatcher: self.dispatcher.clone(),
            cookies: BTreeMap::new(),
            peer: self.peer,
        }
    }

    /// This browser, connecting from another address.
    pub fn at_address(mut self, peer: &str) -> Self {
        self.peer = peer.parse().unwrap();
        self
    }

    /// The application's router, e.g. to serve it over a real socket.
    pub fn router(&self) -> Router {
        self.router.clone()
    }

    /// The `Cookie` header this browser sends, if it holds any cookie.
    pub fn cookie(&self) -> Option<String> {
        (!self.cookies.is_empty()).then(|| {
            let pairs: Vec<String> = self
                .cookies
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect();
            pairs.join("; ")
        })
    }

    /// Replaces every cookie of this browser with those of a `Cookie` header (as copied
    /// from another browser with [`Self::cookie`]).
    pub fn set_cookie(&mut self, cookie: Option<String>) {
        self.cookies.clear();
        for pair in cookie.iter().flat_map(|header| header.split("; ")) {
            if let Some((name, value)) = pair.split_once('=') {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    pub async fn get(&mut self, uri: &str) -> Reply {
        self.send(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    pub async fn post(&mut self, uri: &str, fields: &[(&str, &str)]) -> Reply {
        let request = Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form_body(fields)))
            .unwrap();
        self.send(request).await
    }

    /// Loads `page` for its CSRF token, then posts `fields` plus the token to `uri`.
    pub async fn submit(&mut self, page: &str, uri: &str, fields: &[(&str, &str)]) -> Reply {
        let token = self.get(page).await.csrf_token();
        let mut fields = fields.to_vec();
        fields.push(("csrf_token", &token));
        self.post(uri, &fields).await
    }

    /// Sends a request as this browser: its cookie, its peer address; keeps the new cookie.
    pub async fn send(&mut self, mut request: Request<Body>) -> Reply {
        if let Some(cookie) = self.cookie() {
            request
                .headers_mut()
                .insert(header::COOKIE, cookie.parse().unwrap());
        }
        request.extensions_mut().insert(ConnectInfo(self.peer));
        let response = self.router.clone().oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        for set in parts.headers.get_all(header::SET_COOKIE) {
            let set = set.to_str().unwrap();
            let pair = set.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if set.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        Reply {
            status: parts.status,
            headers: parts.headers,
            body: String::from_utf8(bytes.to_vec()).unwrap(),
        }
    }

    pub async fn register(&mut self, username: &str, email: &str, password: &str) -> Reply {
        let fields = [
            ("username", username),
            ("email", email),
            ("password", password),
            ("password2", password),
        ];
        self.submit("/register", "/register", &fields).await
    }

    pub async fn login(&mut self, username: &str, password: &str) -> Reply {
        self.submit(
            "/login",
            "/login",
            &[("username", username), ("password", password)],
        )
        .await
    }

    /// Registers `username` (email `<username>@example.com`) and logs this browser in.
    pub async fn signed_in(&mut self, username: &str) -> User {
        let reply = self
            .register(username, &format!("{username}@example.com"), PASSWORD)
            .await;
        assert_eq!(
            reply.location(),
            "/login",
            "registration of {username} failed: {}",
            reply.body
        );
        let reply = self.login(username, PASSWORD).await;
        assert_eq!(reply.location(), "/index", "login of {username} failed");
        self.world.users.named(username)
    }

    /// Delivers everything queued so far, as the dispatcher would (links minted now).
    pub async fn settle(&self) {
        self.dispatcher
            .drain()
            .await
            .expect("the in-memory outbox never fails");
    }

    /// Every email delivered once the outbox is settled, oldest first.
    pub async fn sent_emails(&self) -> Vec<Email> {
        self.settle().await;
        self.world.mailer.sent()
    }

    /// Asks for a reset link for `email` from the request form.
    pub async fn request_reset_for(&mut self, email: &str) -> Reply {
        let fields = [("email", email)];
        self.submit(
            "/reset_password_request",
            "/reset_password_request",
            &fields,
        )
        .await
    }

    /// The reset links mailed so far (after [`Self::settle`]), newest last, as paths.
    pub fn reset_links(&self) -> Vec<String> {
        self.links(EmailKind::ResetPassword)
    }

    /// The confirmation links mailed so far (after [`Self::settle`]), newest last, as paths.
    pub fn confirmation_links(&self) -> Vec<String> {
        self.links(EmailKind::ConfirmEmail)
    }

    /// The address-change confirmation links mailed so far (after [`Self::settle`]), newest
    /// last, as paths.
    pub fn change_links(&self) -> Vec<String> {
        self.links(EmailKind::ConfirmEmailChange)
    }

    /// Asks to move this browser's account to `email`, proving `password`.
    pub async fn change_email(&mut self, email: &str, password: &str) -> Reply {
        let fields = [("email", email), ("password", password)];
        self.submit("/change_email", "/change_email", &fields).await
    }

    fn links(&self, kind: EmailKind) -> Vec<String> {
        self.world
            .mailer
            .sent()
            .into_iter()
            .filter(|email| email.kind == kind)
            .map(|email| {
                email
                    .text_body
                    .trim_start_matches("http://microblog.test")
                    .to_owned()
            })
            .collect()
    }
}

pub fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(k, NON_ALPHANUMERIC),
                utf8_percent_encode(v, NON_ALPHANUMERIC)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

impl Reply {
    pub fn location(&self) -> &str {
        self.header("location").unwrap_or("")
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    /// The `Set-Cookie` header that sets the cookie `name`, if the response sets it.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|value| value.to_str().unwrap().to_owned())
            .find(|value| value.starts_with(&format!("{name}=")))
    }

    /// The body with minijinja's entity escapes undone, for searching visible text.
    pub fn text(&self) -> String {
        self.body
            .replace("&#x2f;", "/")
            .replace("&#x27;", "'")
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    }

    /// The value of the form's hidden `csrf_token` field.
    pub fn csrf_token(&self) -> String {
        let marker = "name=\"csrf_token\" value=\"";
        let start = self
            .body
            .find(marker)
            .unwrap_or_else(|| panic!("no CSRF field in: {}", self.body))
            + marker.len();
        let end = self.body[start..].find('"').unwrap();
        self.body[start..start + end].to_owned()
    }

    pub fn has_form(&self) -> bool {
        self.body.contains("<form")
    }
}
