//! The server under hostile input: oversized bodies, open redirects, headers.

use super::harness::{TestApp, location};

#[tokio::test]
async fn an_oversized_body_is_refused_with_413_and_the_server_lives_on() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let huge = "a".repeat(70 * 1024);
    let response = browser
        .post(app.url("/login"))
        .form(&[("username", huge.as_str()), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    // The server may close that connection without reading the body; a new one is served.
    assert_eq!(
        app.get(&app.browser(), "/login").await.status(),
        200,
        "still serving"
    );
}

#[tokio::test]
async fn login_never_redirects_off_site() {
    let app = TestApp::spawn().await;
    app.register(&app.browser(), "susan", "susan@example.com")
        .await;
    for next in [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "http:/evil.example",
    ] {
        let browser = app.browser();
        let encoded: String = next.bytes().map(|b| format!("%{b:02X}")).collect();
        let fields = [
            ("username", "susan"),
            ("password", super::harness::PASSWORD),
        ];
        let response = app
            .submit(&browser, &format!("/login?next={encoded}"), "", &fields)
            .await;
        assert_eq!(location(&response), "/index", "next={next}");
    }
    let browser = app.browser();
    let fields = [
        ("username", "susan"),
        ("password", super::harness::PASSWORD),
    ];
    let response = app
        .submit(&browser, "/login?next=%2Fexplore", "", &fields)
        .await;
    assert_eq!(location(&response), "/explore", "a local next is honoured");
}

#[tokio::test]
async fn every_page_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    for path in [
        "/login",
        "/register",
        "/reset_password_request",
        "/no-such-page",
    ] {
        let response = app.get(&browser, path).await;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert!(headers.contains_key("content-security-policy"), "{path}");
        assert!(headers.contains_key("referrer-policy"), "{path}");
        assert!(
            headers.contains_key("x-frame-options")
                || headers["content-security-policy"]
                    .to_str()
                    .unwrap()
                    .contains("frame-ancestors 'none'"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn unknown_pages_are_404_pages() {
    let app = TestApp::spawn().await;
    let response = app.get(&app.browser(), "/definitely/not/here").await;
    assert_eq!(response.status(), 404);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .to_lowercase()
            .contains("not found")
    );
}
