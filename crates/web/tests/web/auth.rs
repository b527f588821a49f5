//! Registration, login (with `next` and its open-redirect guard), logout, login-required.

use crate::support::{PASSWORD, TestApp};
use axum::http::StatusCode;

#[tokio::test]
async fn registration_flashes_and_redirects_to_login() {
    let mut app = TestApp::new();
    let reply = app.register("susan", "susan@example.com", PASSWORD).await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert_eq!(reply.location(), "/login");
    let page = app.get("/login").await;
    assert!(
        page.text()
            .contains("Congratulations, you are now a registered user!")
    );
    assert_eq!(
        app.world.users.named("susan").email.as_str(),
        "susan@example.com"
    );
}

#[tokio::test]
async fn registration_errors_are_shown_inline_and_keep_input_but_not_passwords() {
    let mut app = TestApp::new();
    app.register("susan", "susan@example.com", PASSWORD).await;
    let fields = [
        ("username", "susan"),
        ("email", "Other@Example.com"),
        ("password", "secret-one-1"),
        ("password2", "secret-two-2"),
    ];
    let reply = app.submit("/register", "/register", &fields).await;
    assert_eq!(reply.status, StatusCode::OK);
    let text = reply.text();
    assert!(text.contains("Field must be equal to password."), "{text}");
    assert!(text.contains("value=\"Other@Example.com\""));
    assert!(!text.contains("secret-one-1") && !text.contains("secret-two-2"));
    assert_eq!(app.world.users.all().len(), 1);

    let fields = [
        ("username", "susan"),
        ("email", "x@example.com"),
        ("password", PASSWORD),
        ("password2", PASSWORD),
    ];
    let reply = app.submit("/register", "/register", &fields).await;
    assert!(reply.text().contains("Please use a different username."));
    let fields = [
        ("username", "john"),
        ("email", "SUSAN@example.com"),
        ("password", PASSWORD),
        ("password2", PASSWORD),
    ];
    let reply = app.submit("/register", "/register", &fields).await;
    assert!(
        reply
            .text()
            .contains("Please use a different email address.")
    );
    let fields = [
        ("username", "john"),
        ("email", "not-an-address"),
        ("password", "short"),
        ("password2", "short"),
    ];
    let reply = app.submit("/register", "/register", &fields).await;
    assert!(reply.text().contains("Invalid email address."));
    assert!(
        reply
            .text()
            .contains("Password must be at least 8 characters.")
    );
    assert_eq!(app.world.users.all().len(), 1);
}

#[tokio::test]
async fn login_then_logout() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    let home = app.get("/index").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.text().contains("Hi, susan!"));
    assert!(
        home.text().contains("href=\"/user/susan\""),
        "nav links to the profile"
    );
    assert!(
        home.text()
            .contains("<form class=\"nav-form\" action=\"/logout\" method=\"post\">"),
        "the nav logs out with a POST form"
    );
    let reply = app.submit("/index", "/logout", &[]).await;
    assert_eq!(reply.location(), "/index");
    let reply = app.get("/index").await;
    assert_eq!(reply.location(), "/login?next=%2Findex");
}

#[tokio::test]
async fn wrong_password_flashes_and_returns_to_login() {
    let mut app = TestApp::new();
    app.register("susan", "susan@example.com", PASSWORD).await;
    let reply = app.login("susan", "wrong password").await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert_eq!(reply.location(), "/login");
    assert!(
        app.get("/login")
            .await
            .text()
            .contains("Invalid username or password")
    );
    let unknown = app.login("nobody", PASSWORD).await;
    assert_eq!(unknown.location(), "/login");
    assert_eq!(
        app.get("/index").await.status,
        StatusCode::FOUND,
        "still anonymous"
    );
}

#[tokio::test]
async fn empty_login_fields_are_required_inline() {
    let mut app = TestApp::new();
    let reply = app
        .submit("/login", "/login", &[("username", ""), ("password", "")])
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text().matches("This field is required.").count(), 2);
}

#[tokio::test]
async fn login_required_pages_redirect_with_next_and_a_flash() {
    let mut app = TestApp::new();
    for (path, next) in [
        ("/", "%2F"),
        ("/index?page=2", "%2Findex%3Fpage%3D2"),
        ("/explore", "%2Fexplore"),
        ("/user/susan", "%2Fuser%2Fsusan"),
        ("/edit_profile", "%2Fedit_profile"),
    ] {
        let reply = app.get(path).await;
        assert_eq!(reply.status, StatusCode::FOUND, "{path}");
        assert_eq!(reply.location(), format!("/login?next={next}"), "{path}");
    }
    let login = app.get("/login?next=%2Fexplore").await;
    assert!(login.text().contains("Please log in to access this page."));
    assert!(login.text().contains("action=\"/login?next=%2Fexplore\""));
}

#[tokio::test]
async fn next_is_honoured_for_local_paths() {
    let mut app = TestApp::new();
    app.register("susan", "susan@example.com", PASSWORD).await;
    let fields = [("username", "susan"), ("password", PASSWORD)];
    let reply = app
        .submit("/login", "/login?next=%2Fuser%2Fsusan%3Fpage%3D2", &fields)
        .await;
    assert_eq!(reply.location(), "/user/susan?page=2");
}

#[tokio::test]
async fn open_redirect_attempts_go_to_index() {
    for next in [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
    ] {
        let mut app = TestApp::new();
        app.register("susan", "susan@example.com", PASSWORD).await;
        let uri = format!(
            "/login?next={}",
            percent_encoding::utf8_percent_encode(next, percent_encoding::NON_ALPHANUMERIC)
        );
        let form = app.get(&uri).await;
        assert!(
            !form.text().contains("evil.example"),
            "{next}: the form does not carry it on"
        );
        let fields = [("username", "susan"), ("password", PASSWORD)];
        let reply = app.submit(&uri, &uri, &fields).await;
        assert_eq!(reply.location(), "/index", "{next}");
    }
}

#[tokio::test]
async fn logged_in_users_are_sent_away_from_login_and_register() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    for path in ["/login", "/register", "/reset_password_request"] {
        assert_eq!(app.get(path).await.location(), "/index", "{path}");
    }
}

#[tokio::test]
async fn remember_me_makes_the_cookie_persistent() {
    let mut app = TestApp::new();
    app.register("susan", "susan@example.com", PASSWORD).await;
    let token = app.get("/login").await.csrf_token();
    let fields = [
        ("username", "susan"),
        ("password", PASSWORD),
        ("remember_me", "y"),
        ("csrf_token", &token),
    ];
    let reply = app.post("/login", &fields).await;
    assert!(
        reply
            .set_cookie("microblog_login")
            .unwrap()
            .contains("Max-Age=2592000")
    );

    let mut other = app.browser();
    let reply = other.login("susan", PASSWORD).await;
    let cookie = reply.set_cookie("microblog_login").unwrap();
    assert!(
        !cookie.contains("Max-Age"),
        "browser-session cookie: {cookie}"
    );
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain http BASE_URL");
}

#[tokio::test]
async fn https_base_url_makes_cookies_secure_and_sends_hsts() {
    let mut app = TestApp::build(
        |_| {},
        |config| config.base_url = "https://microblog.example".to_owned(),
    );
    let reply = app.get("/login").await;
    assert!(reply.header("set-cookie").unwrap().contains("Secure"));
    assert!(reply.header("strict-transport-security").is_some());
}
