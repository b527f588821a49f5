//! The password reset pages: request, link, token-free form, new password.

use crate::support::{PASSWORD, TestApp};
use axum::http::StatusCode;
use microblog_domain::{ResetTokens, SecretKey};

const CHECK_EMAIL: &str = "Check your email for the instructions to reset your password";
const USED: &str = "This reset link has already been used.";
const EXPIRED: &str = "This reset link has expired.";
const INVALID: &str = "This reset link is invalid.";
/// Where every dead link lands: the form that mails a new one.
const REQUEST_FORM: &str = "/reset_password_request";
const NEW_PASSWORD: &str = "a brand new password";

async fn request_reset(app: &mut TestApp, email: &str) -> crate::support::Reply {
    let reply = app
        .submit(
            "/reset_password_request",
            "/reset_password_request",
            &[("email", email)],
        )
        .await;
    app.settle().await;
    reply
}

#[tokio::test]
async fn login_page_links_to_the_reset_request_form() {
    let mut app = TestApp::new();
    let login = app.get("/login").await.text();
    assert!(login.contains("New User? <a href=\"/register\">Click to Register!</a>"));
    assert!(login.contains(
        "Forgot Your Password? <a href=\"/reset_password_request\">Click to Reset It</a>"
    ));
    let form = app.get("/reset_password_request").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text().contains("name=\"email\""));
    assert!(form.text().contains("Request Password Reset"));
}

#[tokio::test]
async fn known_and_unknown_addresses_get_the_same_answer() {
    let mut app = TestApp::new();
    app.register("susan", "susan@example.com", PASSWORD).await;
    let known = request_reset(&mut app, "Susan@Example.com").await;
    let known_page = app.get("/login").await.text();
    let unknown = request_reset(&mut app, "nobody@example.com").await;
    let unknown_page = app.get("/login").await.text();
    for (reply, page) in [(&known, &known_page), (&unknown, &unknown_page)] {
        assert_eq!(reply.status, StatusCode::FOUND);
        assert_eq!(reply.location(), "/login");
        assert!(page.contains(CHECK_EMAIL));
    }
    let emails: Vec<_> = app
        .sent_emails()
        .await
        .into_iter()
        .filter(|email| email.kind == microblog_domain::EmailKind::ResetPassword)
        .collect();
    assert_eq!(emails.len(), 1, "mail only for the known address");
    assert_eq!(
        emails[0].to,
        vec!["susan@example.com".to_owned()],
        "sent to the stored address"
    );
}

#[tokio::test]
async fn a_malformed_address_redraws_the_form_with_the_error() {
    let mut app = TestApp::new();
    let reply = request_reset(&mut app, "not an address").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.text().contains("Invalid email address."));
    assert!(reply.text().contains("value=\"not an address\""));
    assert!(app.sent_emails().await.is_empty());
}

#[tokio::test]
async fn the_link_moves_the_token_into_the_session_and_off_the_url() {
    let mut app = TestApp::new();
    app.register("susan", "susan@example.com", PASSWORD).await;
    request_reset(&mut app, "susan@example.com").await;
    let link = app.reset_links().pop().unwrap();
    let token = link.trim_start_matches("/reset_password/").to_owned();

    let reply = app.get(&link).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), "/reset_password");
    assert_eq!(reply.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert!(
        !reply.header("set-cookie").unwrap().contains(&token),
        "the cookie is encrypted"
    );

    let form = app.get("/reset_password").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text().contains("name=\"password2\"") && form.text().contains("Reset Password"));
    assert!(
        !form.body.contains(&token),
        "the page never shows the token"
    );
    assert!(!form.body.contains("gravatar"), "no third-party resource");
    assert_eq!(form.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(form.header("cache-control"), Some("no-store"));
    assert!(
        !form
            .header("content-security-policy")
            .unwrap()
            .contains("gravatar")
    );

    let fields = [("password", NEW_PASSWORD), ("password2", NEW_PASSWORD)];
    let reply = app
        .submit("/reset_password", "/reset_password", &fields)
        .await;
    assert_eq!(reply.location(), "/login");
    assert!(
        app.get("/login")
            .await
            .text()
            .contains("Your password has been reset.")
    );
    assert_eq!(
        app.login("susan", PASSWORD).await.location(),
        "/login",
        "old password is dead"
    );
    assert_eq!(app.login("susan", NEW_PASSWORD).await.location(), "/index");
}

#[tokio::test]
async fn a_used_link_shows_no_form() {
    let mut app = TestApp::new();
    app.register("susan", "susan@example.com", PASSWORD).await;
    request_reset(&mut app, "susan@example.com").await;
    let link = app.reset_links().pop().unwrap();
    app.get(&link).await;
    let fields = [("password", NEW_PASSWORD), ("password2", NEW_PASSWORD)];
    app.submit("/reset_password", "/reset_password", &fields)
        .await;

    let mut later = app.browser();
    let reply = later.get(&link).await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert_eq!(reply.location(), REQUEST_FORM);
    let page = later.get(REQUEST_FORM).await;
    assert!(page.text().contains(USED), "{}", page.text());
    assert!(page.has_form(), "the form to request a new link");
    let form = later.get("/reset_password").await;
    assert_eq!(
        form.location(),
        REQUEST_FORM,
        "no token in the session: no form"
    );
    assert!(later.get(REQUEST_FORM).await.text().contains(INVALID));
}

#[tokio::test]
async fn an_expired_link_says_it_expired_and_offers_a_new_one() {
    let mut app = TestApp::new();
    app.register("susan", "susan@example.com", PASSWORD).await;
    let susan = app.world.users.named("susan");
    let secret = SecretKey::parse("a test secret that is at least 32 bytes long").unwrap();
    let tokens = ResetTokens::new(&secret, std::time::Duration::from_secs(600));
    let an_hour_ago = time::OffsetDateTime::now_utc() - time::Duration::hours(1);
    let link = format!(
        "/reset_password/{}",
        tokens.issue(&susan, an_hour_ago).as_str()
    );
    let reply = app.get(&link).await;
    assert_eq!(reply.location(), REQUEST_FORM);
    let page = app.get(REQUEST_FORM).await.text();
    assert!(page.contains(EXPIRED), "{page}");
    assert!(!page.contains(USED) && !page.contains(INVALID));
}

#[tokio::test]
async fn garbage_tokens_are_invalid_links() {
    let mut app = TestApp::new();
    for link in [
        "/reset_password/garbage",
        "/reset_password/eyJhbGciOiJub25lIn0.e30.",
        "/reset_password/%00",
    ] {
        let reply = app.get(link).await;
        assert_eq!(reply.location(), REQUEST_FORM, "{link}");
        assert!(!reply.has_form());
        let page = app.get(REQUEST_FORM).await.text();
        assert!(page.contains(INVALID), "{link}: {page}");
        assert!(!page.contains(USED) && !page.contains(EXPIRED));
    }
}

#[tokio::test]
async fn password_policy_and_mismatch_are_shown_inline() {
    let mut app = TestApp::new();
    app.register("susan", "susan@example.com", PASSWORD).await;
    request_reset(&mut app, "susan@example.com").await;
    app.get(&app.reset_links().pop().unwrap()).await;
    let reply = app
        .submit(
            "/reset_password",
            "/reset_password",
            &[("password", "short"), ("password2", "short")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply
            .text()
            .contains("Password must be at least 8 characters.")
    );
    let fields = [("password", NEW_PASSWORD), ("password2", "something else")];
    let reply = app
        .submit("/reset_password", "/reset_password", &fields)
        .await;
    assert!(reply.text().contains("Field must be equal to password."));
    assert!(
        !reply.body.contains(NEW_PASSWORD),
        "passwords are never echoed"
    );
    assert_eq!(
        app.login("susan", PASSWORD).await.location(),
        "/index",
        "nothing changed"
    );
}

#[tokio::test]
async fn posting_to_the_tokenized_url_works_like_the_tutorial() {
    let mut app = TestApp::new();
    app.register("susan", "susan@example.com", PASSWORD).await;
    request_reset(&mut app, "susan@example.com").await;
    let link = app.reset_links().pop().unwrap();
    let token = app.get("/reset_password_request").await.csrf_token();
    let fields = [
        ("password", NEW_PASSWORD),
        ("password2", NEW_PASSWORD),
        ("csrf_token", &token),
    ];
    let reply = app.post(&link, &fields).await;
    assert_eq!(reply.location(), "/login");
    assert_eq!(reply.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(app.login("susan", NEW_PASSWORD).await.location(), "/index");
}

#[tokio::test]
async fn a_reset_ends_every_other_session() {
    let mut desk = TestApp::new();
    desk.signed_in("susan").await;
    assert_eq!(desk.get("/index").await.status, StatusCode::OK);

    let mut phone = desk.browser();
    request_reset(&mut phone, "susan@example.com").await;
    phone.get(&phone.reset_links().pop().unwrap()).await;
    let fields = [("password", NEW_PASSWORD), ("password2", NEW_PASSWORD)];
    assert_eq!(
        phone
            .submit("/reset_password", "/reset_password", &fields)
            .await
            .location(),
        "/login"
    );

    let reply = desk.get("/index").await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert_eq!(reply.location(), "/login?next=%2Findex");
}

#[tokio::test]
async fn logged_in_users_skip_the_reset_pages() {
    let mut app = TestApp::new();
    app.signed_in("susan").await;
    for path in [
        "/reset_password_request",
        "/reset_password",
        "/reset_password/whatever",
    ] {
        assert_eq!(app.get(path).await.location(), "/index", "{path}");
    }
}
