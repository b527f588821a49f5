//! Cookies, sessions, security headers, body limits and rate limits.

use crate::support::{PASSWORD, TestApp, form_body};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};

/// With local avatars (the default) no page allows any third-party origin.
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

#[tokio::test]
async fn a_tampered_or_forged_cookie_is_ignored() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    let cookie = app.cookie().unwrap();
    let login = cookie
        .split("; ")
        .find(|pair| pair.starts_with("microblog_login="))
        .unwrap();
    let (name, value) = login.split_once('=').unwrap();
    let mut bytes = value.as_bytes().to_vec();
    let middle = bytes.len() / 2;
    bytes[middle] = if bytes[middle] == b'a' { b'b' } else { b'a' };
    for forged in [
        format!("{name}={}", String::from_utf8(bytes).unwrap()),
        format!("{name}=not-even-hex"),
        "session=not-even-base64!".to_owned(),
        "session={\"u\":{\"i\":1,\"e\":0,\"t\":9999999999}}".to_owned(),
    ] {
        app.set_cookie(Some(forged.clone()));
        let reply = app.get("/index").await;
        assert_eq!(reply.status, StatusCode::FOUND, "{forged}");
        assert_eq!(reply.location(), "/login?next=%2Findex", "{forged}");
    }
}

#[tokio::test]
async fn a_session_deleted_in_storage_logs_the_browser_out_and_a_new_login_works() {
    let mut app = TestApp::new();
    let susan = app.signed_in("susan").await;
    use microblog_domain::ports::SessionStore as _;
    app.world
        .sessions
        .delete_all_for_user(susan.id, None)
        .await
        .unwrap();
    let reply = app.get("/index").await;
    assert_eq!(reply.location(), "/login?next=%2Findex");
    assert!(
        reply.set_cookie("microblog_login").is_some(),
        "the dead login cookie is removed"
    );
    app.login("susan", PASSWORD).await;
    assert_eq!(
        app.get("/index").await.status,
        StatusCode::OK,
        "a new login works"
    );
}

#[tokio::test]
async fn security_headers_are_on_every_response() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    for path in [
        "/index",
        "/login",
        "/nowhere",
        "/healthz",
        "/static/style.css",
        "/follow/x",
    ] {
        let reply = app.get(path).await;
        assert_eq!(
            reply.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(reply.header("x-frame-options"), Some("DENY"), "{path}");
        assert_eq!(reply.header("content-security-policy"), Some(CSP), "{path}");
        assert_eq!(
            reply.header("referrer-policy"),
            Some("same-origin"),
            "{path}"
        );
        assert_eq!(
            reply.header("x-request-id").map(str::len),
            Some(32),
            "{path}"
        );
    }
}

#[tokio::test]
async fn pages_use_no_inline_styles_or_scripts() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    app.submit("/index", "/index", &[("post", "hello")]).await;
    for path in [
        "/index",
        "/explore",
        "/user/susan",
        "/edit_profile",
        "/nowhere",
    ] {
        let body = app.get(path).await.body;
        assert!(
            !body.contains("style=") && !body.contains("<style") && !body.contains("<script"),
            "{path}"
        );
    }
    let mut anonymous = app.browser();
    for path in ["/login", "/register", "/reset_password_request"] {
        let body = anonymous.get(path).await.body;
        assert!(
            !body.contains("style=") && !body.contains("<script"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn bodies_over_the_limit_get_413() {
    let mut app = TestApp::new();
    let token = app.get("/login").await.csrf_token();
    let big = "x".repeat(70 * 1024);
    let reply = app
        .post(
            "/login",
            &[
                ("username", &big),
                ("password", "x"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(reply.text().contains("Too much data"));

    let body = form_body(&[("post", &big)]);
    let request = Request::post("/index")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::CONTENT_LENGTH, body.len())
        .body(Body::from(body))
        .unwrap();
    assert_eq!(
        app.send(request).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
}

#[tokio::test]
async fn form_posts_are_rate_limited_per_client() {
    let mut app = TestApp::build(|_| {}, |config| config.rate_limit_per_minute = 3);
    for _ in 0..3 {
        let reply = app
            .submit(
                "/login",
                "/login",
                &[("username", "nobody"), ("password", "wrong password")],
            )
            .await;
        assert_eq!(reply.status, StatusCode::FOUND);
    }
    let reply = app
        .submit(
            "/login",
            "/login",
            &[("username", "nobody"), ("password", "wrong password")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(reply.header("retry-after").unwrap().parse::<u64>().unwrap() >= 1);
    assert!(reply.text().contains("Too many attempts"));
    assert_eq!(
        app.submit("/register", "/register", &[]).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        app.get("/login").await.status,
        StatusCode::OK,
        "pages still load"
    );

    let mut neighbour = app.browser().at_address("198.51.100.7:40000");
    let reply = neighbour
        .submit(
            "/login",
            "/login",
            &[("username", "nobody"), ("password", "x")],
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::FOUND,
        "another address has its own budget"
    );
}

#[tokio::test]
async fn behind_a_proxy_the_last_forwarded_hop_is_the_client() {
    let mut app = TestApp::build(
        |_| {},
        |config| {
            config.rate_limit_per_minute = 1;
            config.trust_forwarded_for = true;
        },
    );
    let token = app.get("/reset_password_request").await.csrf_token();
    let post = |client: &str| {
        let body = form_body(&[("email", "x@example.com"), ("csrf_token", &token)]);
        Request::post("/reset_password_request")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("x-forwarded-for", format!("6.6.6.6, {client}"))
            .body(Body::from(body))
            .unwrap()
    };
    assert_eq!(
        app.send(post("203.0.113.1")).await.status,
        StatusCode::FOUND
    );
    assert_eq!(
        app.send(post("203.0.113.1")).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        app.send(post("203.0.113.2")).await.status,
        StatusCode::FOUND,
        "spoofed first hops do not matter"
    );
}
