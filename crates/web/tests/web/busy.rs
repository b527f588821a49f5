//! Password hashing at capacity: the pages that hash answer 503 with `Retry-After` and a
//! page that says the site is busy — never a 500, and no alert to the admins.

use crate::support::{PASSWORD, TestApp};
use axum::http::StatusCode;
use microblog_domain::ports::{HashError, MockPasswordHasher};
use std::sync::Arc;

/// A hasher that is always at capacity.
fn saturated() -> MockPasswordHasher {
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_hash().returning(|_| Err(HashError::Busy));
    hasher
        .expect_verify()
        .returning(|_, _| Err(HashError::Busy));
    hasher
        .expect_dummy_hash()
        .returning(|| microblog_domain::PasswordHash::from_phc("$argon2id$dummy"));
    hasher
}

fn assert_busy(reply: &crate::support::Reply, what: &str) {
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE, "{what}");
    assert_eq!(reply.header("retry-after"), Some("2"), "{what}");
    assert!(
        reply.text().contains("The site is busy"),
        "{what}: {}",
        reply.body
    );
}

#[tokio::test]
async fn login_and_registration_answer_503_when_hashing_is_at_capacity() {
    let mut app = TestApp::build(|ports| ports.hasher = Arc::new(saturated()), |_| {});
    app.get("/login").await;
    assert_busy(&app.login("susan", PASSWORD).await, "login");
    app.get("/register").await;
    assert_busy(
        &app.register("susan", "susan@example.com", PASSWORD).await,
        "register",
    );
    assert!(
        app.sent_emails().await.is_empty(),
        "load is not a failure: no alert to the admins"
    );
    assert!(app.world.users.all().is_empty(), "nothing was stored");
}

#[tokio::test]
async fn the_server_answers_normally_once_hashing_has_capacity_again() {
    let mut app = TestApp::new();
    app.register("susan", "susan@example.com", PASSWORD).await;
    let reply = app.login("susan", PASSWORD).await;
    assert_eq!(reply.status, StatusCode::FOUND);
}
