//! Server-side sessions through the pages: logout that logs out, a new cookie at login,
//! `/sessions` and its revoke forms, and the sessions a reset or a password change ends.

use crate::support::{PASSWORD, TestApp};
use axum::http::StatusCode;
use microblog_domain::EmailKind;

const LOGIN_COOKIE: &str = "microblog_login";
const NEW_PASSWORD: &str = "a brand new password";

/// Whether this browser is signed in (the index answers instead of asking for a login).
async fn signed_in(app: &mut TestApp) -> bool {
    app.get("/index").await.status == StatusCode::OK
}

/// The revoke handles `/sessions` offers this browser, in page order.
async fn revoke_handles(app: &mut TestApp) -> Vec<String> {
    let page = app.get("/sessions").await.text();
    page.split("action=\"/sessions/")
        .skip(1)
        .filter_map(|rest| {
            rest.split_once("/revoke\"")
                .map(|(handle, _)| handle.to_owned())
        })
        .collect()
}

/// A second browser of the same user, signed in with the password.
async fn second_browser(app: &TestApp, username: &str) -> TestApp {
    let mut other = app.browser();
    let reply = other.login(username, PASSWORD).await;
    assert_eq!(reply.location(), "/index");
    other
}

#[tokio::test]
async fn a_cookie_copied_before_logout_opens_nothing_after_it() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    let stolen = app.cookie();
    let reply = app.submit("/index", "/logout", &[]).await;
    assert_eq!(reply.location(), "/index");
    assert!(!signed_in(&mut app).await);
    let mut thief = app.browser();
    thief.set_cookie(stolen);
    let reply = thief.get("/index").await;
    assert_eq!(reply.location(), "/login?next=%2Findex");
    assert!(
        reply
            .set_cookie(LOGIN_COOKIE)
            .unwrap()
            .contains("Max-Age=0"),
        "the dead cookie is removed"
    );
    assert!(app.world.sessions.all().is_empty(), "the row is gone");
}

#[tokio::test]
async fn get_logout_only_asks_and_a_post_without_the_token_changes_nothing() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    let page = app.get("/logout").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text()
            .contains("<form action=\"/logout\" method=\"post\">")
    );
    assert!(signed_in(&mut app).await, "a GET logs nobody out");
    let reply = app.post("/logout", &[]).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(signed_in(&mut app).await, "a forged POST logs nobody out");
    let mut visitor = app.browser();
    assert_eq!(visitor.get("/logout").await.location(), "/index");
}

#[tokio::test]
async fn login_gives_a_new_cookie_value_and_anonymous_visits_store_no_session() {
    let mut app = TestApp::new();
    app.register("susan", "susan@example.com", PASSWORD).await;
    app.get("/login").await;
    app.get("/index").await;
    assert!(app.world.sessions.all().is_empty(), "no row for a visitor");
    let before = app.cookie();
    assert!(!before.clone().unwrap().contains(LOGIN_COOKIE));
    app.login("susan", PASSWORD).await;
    let after = app.cookie().unwrap();
    assert!(after.contains(LOGIN_COOKIE), "{after}");
    let mut planted = app.browser();
    planted.set_cookie(before);
    assert!(
        !signed_in(&mut planted).await,
        "the pre-login cookie opens nothing"
    );
    let other = second_browser(&app, "susan").await;
    assert_ne!(other.cookie().unwrap(), after, "each login its own secret");
    let stored = app.world.sessions.all();
    assert_eq!(stored.len(), 2);
    let secret = after.split("; ").next().unwrap().split_once('=').unwrap().1;
    assert!(
        stored.iter().all(|s| s.secret_hash.as_str() != secret),
        "only a hash of the secret is stored"
    );
}

#[tokio::test]
async fn the_sessions_page_lists_the_users_own_sessions_and_marks_this_one() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    let _laptop = second_browser(&app, "susan").await;
    let mut john = app.browser();
    john.signed_in("john").await;
    let page = app.get("/sessions").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert_eq!(text.matches("This device").count(), 1, "{text}");
    assert_eq!(revoke_handles(&mut app).await.len(), 1, "one other session");
    assert!(text.contains("192.0.2.10"), "the sign-in address");
    assert!(text.contains("Sign out everywhere else"));
    let profile = app.get("/user/susan").await.text();
    assert!(profile.contains("href=\"/sessions\""));
    assert!(profile.contains("href=\"/change_password\""));
    let mut visitor = app.browser();
    assert_eq!(
        visitor.get("/sessions").await.location(),
        "/login?next=%2Fsessions"
    );
}

#[tokio::test]
async fn revoking_a_session_ends_exactly_that_one() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    let mut laptop = second_browser(&app, "susan").await;
    let mut phone = second_browser(&app, "susan").await;
    let phone_handle = phone
        .world
        .sessions
        .all()
        .last()
        .map(|s| s.handle.as_str().to_owned())
        .unwrap();
    assert!(revoke_handles(&mut app).await.contains(&phone_handle));
    let path = format!("/sessions/{phone_handle}/revoke");
    let reply = app.submit("/sessions", &path, &[]).await;
    assert_eq!(reply.location(), "/sessions");
    assert!(!signed_in(&mut phone).await, "the revoked one ends at once");
    assert!(signed_in(&mut laptop).await, "the others stay");
    assert!(signed_in(&mut app).await);
}

#[tokio::test]
async fn a_handle_of_another_users_session_answers_404_and_changes_nothing() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    let mut john = app.browser();
    let john_id = john.signed_in("john").await.id;
    let johns = app.world.sessions.all();
    let johns = johns.iter().find(|s| s.user_id == john_id).unwrap();
    let path = format!("/sessions/{}/revoke", johns.handle.as_str());
    let reply = app.submit("/sessions", &path, &[]).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(signed_in(&mut john).await, "john's session is untouched");
    let reply = app
        .submit("/sessions", "/sessions/not-a-handle/revoke", &[])
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let token = app.get("/sessions").await.csrf_token();
    let path = format!("/sessions/{}/revoke", johns.handle.as_str());
    let reply = john.post(&path, &[("csrf_token", &token)]).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "another's token");
}

#[tokio::test]
async fn sign_out_everywhere_else_keeps_only_this_session() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    let mut laptop = second_browser(&app, "susan").await;
    let mut phone = second_browser(&app, "susan").await;
    let mut john = app.browser();
    john.signed_in("john").await;
    let reply = app
        .submit("/sessions", "/sessions/revoke_others", &[])
        .await;
    assert_eq!(reply.location(), "/sessions");
    assert!(
        app.get("/sessions")
            .await
            .text()
            .contains("2 other sessions signed out.")
    );
    assert!(!signed_in(&mut laptop).await);
    assert!(!signed_in(&mut phone).await);
    assert!(signed_in(&mut app).await);
    assert!(signed_in(&mut john).await, "other users keep theirs");
}

#[tokio::test]
async fn a_password_reset_ends_every_session_of_the_user() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    let mut laptop = second_browser(&app, "susan").await;
    let mut guest = app.browser();
    guest
        .submit(
            "/reset_password_request",
            "/reset_password_request",
            &[("email", "susan@example.com")],
        )
        .await;
    guest.settle().await;
    let link = guest.reset_links().pop().unwrap();
    assert_eq!(guest.get(&link).await.location(), "/reset_password");
    let fields = [("password", NEW_PASSWORD), ("password2", NEW_PASSWORD)];
    let reply = guest
        .submit("/reset_password", "/reset_password", &fields)
        .await;
    assert_eq!(reply.location(), "/login");
    assert!(!signed_in(&mut app).await);
    assert!(!signed_in(&mut laptop).await);
}

/// Posts the change-password form from `app` (token from its page).
async fn change(
    app: &mut TestApp,
    current: &str,
    new: &str,
    repeat: &str,
) -> crate::support::Reply {
    let fields = [
        ("current_password", current),
        ("password", new),
        ("password2", repeat),
    ];
    app.submit("/change_password", "/change_password", &fields)
        .await
}

#[tokio::test]
async fn changing_the_password_keeps_this_session_ends_the_others_and_mails_a_notice() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    let mut laptop = second_browser(&app, "susan").await;
    let reply = change(&mut app, PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(reply.location(), "/index");
    let home = app.get("/index").await;
    assert_eq!(home.status, StatusCode::OK, "this session stays");
    assert!(home.text().contains("Your password has been changed."));
    assert!(!signed_in(&mut laptop).await, "the other session ended");
    let notices: Vec<_> = app
        .sent_emails()
        .await
        .into_iter()
        .filter(|email| email.kind == EmailKind::PasswordChanged)
        .collect();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].to, vec!["susan@example.com".to_owned()]);
    let mut fresh = app.browser();
    assert_eq!(fresh.login("susan", PASSWORD).await.location(), "/login");
    assert_eq!(
        fresh.login("susan", NEW_PASSWORD).await.location(),
        "/index"
    );
}

#[tokio::test]
async fn a_wrong_current_password_or_mismatch_redraws_the_form_and_changes_nothing() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    let mut laptop = second_browser(&app, "susan").await;
    let wrong = change(&mut app, "not my password", NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(wrong.status, StatusCode::OK);
    assert!(
        wrong.text().contains("Invalid password."),
        "{}",
        wrong.text()
    );
    let mismatch = change(&mut app, PASSWORD, NEW_PASSWORD, "something else").await;
    assert_eq!(mismatch.status, StatusCode::OK);
    assert!(mismatch.text().contains("Field must be equal to password."));
    let fields = [
        ("current_password", PASSWORD),
        ("password", NEW_PASSWORD),
        ("password2", NEW_PASSWORD),
    ];
    let unprotected = app.post("/change_password", &fields).await;
    assert_eq!(unprotected.status, StatusCode::BAD_REQUEST, "no CSRF token");
    assert!(signed_in(&mut laptop).await, "no session ended");
    let mut fresh = app.browser();
    assert_eq!(fresh.login("susan", PASSWORD).await.location(), "/index");
    let mut visitor = app.browser();
    let reply = visitor.get("/change_password").await;
    assert_eq!(reply.location(), "/login?next=%2Fchange_password");
}
