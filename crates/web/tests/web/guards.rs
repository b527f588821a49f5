//! The guards run before the CSRF check: a logged-in user posting a logged-out-only form, or
//! a visitor posting a logged-in form, is redirected whatever the token; and an expired
//! follow button gets the error page leading back to the profile.

use crate::support::TestApp;
use axum::http::StatusCode;

const WRONG: (&str, &str) = ("csrf_token", "0000000000000000000000000000000000000000");

#[tokio::test]
async fn logged_in_users_posting_logged_out_forms_are_sent_to_the_index() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    for path in ["/login", "/register", "/reset_password_request"] {
        let reply = app.post(path, &[WRONG]).await;
        assert_eq!(reply.status, StatusCode::FOUND, "{path}");
        assert_eq!(reply.location(), "/index", "{path}");
    }
    for path in ["/reset_password", "/reset_password/some.token"] {
        let reply = app.post(path, &[WRONG]).await;
        assert_eq!(reply.location(), "/index", "{path}");
        assert_eq!(
            reply.header("referrer-policy"),
            Some("no-referrer"),
            "{path}"
        );
        assert_eq!(reply.header("cache-control"), Some("no-store"), "{path}");
    }
}

#[tokio::test]
async fn visitors_posting_logged_in_forms_are_asked_to_log_in() {
    let mut app = TestApp::new();
    for (path, next) in [
        ("/index", "%2Findex"),
        ("/edit_profile", "%2Fedit_profile"),
        ("/follow/john", "%2Ffollow%2Fjohn"),
        ("/unfollow/john", "%2Funfollow%2Fjohn"),
    ] {
        let reply = app.post(path, &[WRONG]).await;
        assert_eq!(reply.status, StatusCode::FOUND, "{path}");
        assert_eq!(reply.location(), format!("/login?next={next}"), "{path}");
    }
    let login = app.get("/login").await.text();
    assert!(login.contains("Please log in to access this page."));
}

#[tokio::test]
async fn an_expired_follow_button_leads_back_to_the_profile() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    let reply = app.post("/follow/zo%C3%AB", &[WRONG]).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.text().contains("The form expired. Please try again."));
    assert!(
        reply.body.contains("href=\"/user/zo%C3%AB\""),
        "{}",
        reply.body
    );
}
