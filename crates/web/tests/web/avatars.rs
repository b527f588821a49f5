//! Avatars: generated identicons served by the site by default (no address in any page, no
//! third-party origin in the CSP), the `/avatar/<username>.svg` route's answers and
//! refusals, and `AVATARS=gravatar` bringing back Gravatar and its CSP entry.

use crate::support::TestApp;
use axum::http::StatusCode;
use md5::{Digest, Md5};
use microblog_web::Avatars;

const FIRST_PARTY_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const GRAVATAR_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' https://www.gravatar.com; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

fn md5_hex(text: &str) -> String {
    Md5::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[tokio::test]
async fn pages_show_local_avatars_and_never_the_address_or_its_hash() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    app.submit("/index", "/index", &[("post", "hello")]).await;
    let hash = md5_hex("susan@example.com");
    for path in ["/index", "/explore", "/user/susan"] {
        let reply = app.get(path).await;
        let text = reply.text();
        assert!(
            text.contains("src=\"/avatar/susan.svg?s=36&v=1\""),
            "{path}: {text}"
        );
        assert!(
            text.contains("alt=\"susan\""),
            "{path}: the avatar link has a name"
        );
        assert!(!text.contains("gravatar"), "{path}");
        assert!(!text.contains("susan@example.com"), "{path}");
        assert!(!text.contains(&hash), "{path}");
        assert_eq!(
            reply.header("content-security-policy"),
            Some(FIRST_PARTY_CSP),
            "{path}"
        );
    }
    let profile = app.get("/user/susan").await.text();
    assert!(profile.contains("src=\"/avatar/susan.svg?s=128&v=1\""));
}

#[tokio::test]
async fn an_avatar_is_an_svg_cached_for_a_year_without_cookie_or_session() {
    let mut app = TestApp::new();
    let reply = app.get("/avatar/susan.svg?s=36&v=1").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("content-type"), Some("image/svg+xml"));
    assert_eq!(
        reply.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(
        reply.header("content-security-policy"),
        Some("default-src 'none'; frame-ancestors 'none'; sandbox")
    );
    assert!(
        reply.header("set-cookie").is_none(),
        "no session for images"
    );
    assert!(
        reply
            .body
            .starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"36\" height=\"36\"")
    );
    assert!(reply.body.trim_end().ends_with("</svg>"));
    assert!(!reply.body.contains("susan"));
    let again = app.get("/avatar/susan.svg?s=36&v=1").await;
    assert_eq!(again.body, reply.body, "deterministic");
    let john = app.get("/avatar/john.svg?s=36&v=1").await;
    assert_eq!(john.status, StatusCode::OK);
    assert_ne!(john.body, reply.body, "another user, another picture");
    let large = app.get("/avatar/susan.svg?s=128&v=1").await;
    assert!(large.body.contains("width=\"128\""));
    let default = app.get("/avatar/susan.svg").await;
    assert_eq!(default.body, large.body, "128 px when no size is named");
}

#[tokio::test]
async fn bad_sizes_are_400_and_bad_names_or_versions_404() {
    let mut app = TestApp::new();
    for size in ["0", "15", "513", "100000", "-36", "36px", "abc", "", "1e2"] {
        let reply = app.get(&format!("/avatar/susan.svg?s={size}&v=1")).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "s={size}");
        assert!(reply.text().contains("from 16 to 512"), "s={size}");
    }
    for path in [
        "/avatar/susan.png",
        "/avatar/susan",
        "/avatar/.svg",
        "/avatar/%20.svg",
        "/avatar/a%00b.svg",
        "/avatar/susan.svg?s=36&v=2",
        "/avatar/susan.svg?v=0",
    ] {
        let reply = app.get(path).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert!(reply.text().contains("File Not Found"), "{path}");
    }
}

#[tokio::test]
async fn a_hostile_name_is_never_reflected_in_the_svg() {
    let mut app = TestApp::new();
    let reply = app
        .get("/avatar/%3Cscript%3Ealert(1)%3C%5Cscript%3E%22%27%26.svg?s=64")
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(!reply.body.contains("script"), "{}", reply.body);
    assert!(!reply.body.contains("alert"), "{}", reply.body);
}

#[tokio::test]
async fn gravatar_is_used_and_allowed_only_when_asked_for() {
    let mut app = TestApp::build(|_| {}, |config| config.avatars = Avatars::Gravatar);
    app.signed_in("susan").await;
    let reply = app.get("/user/susan").await;
    let text = reply.text();
    let hash = md5_hex("susan@example.com");
    assert!(
        text.contains(&format!(
            "https://www.gravatar.com/avatar/{hash}?d=identicon&s=128"
        )),
        "{text}"
    );
    assert!(!text.contains("/avatar/susan.svg"));
    assert_eq!(reply.header("content-security-policy"), Some(GRAVATAR_CSP));
    let mut anonymous = app.browser();
    let reset = anonymous.get("/reset_password/not-a-token").await;
    assert_eq!(
        reset.header("content-security-policy"),
        Some(FIRST_PARTY_CSP),
        "the reset pages never allow a third party"
    );
}
