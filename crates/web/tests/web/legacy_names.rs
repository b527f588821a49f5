//! Users whose names were registered before today's naming rules (an invisible character,
//! say) keep working: they sign in, their profile opens, and they can edit their profile
//! without being made to rename.

use crate::support::{PASSWORD, TestApp};
use axum::http::StatusCode;
use microblog_crypto::Argon2Hasher;
use microblog_domain::ports::{PasswordHasher, UserRepository};
use microblog_domain::{EmailAddress, NewUser, Password, Username};
use time::OffsetDateTime;

/// A name with a zero width space: refused at registration today, stored before.
const LEGACY: &str = "al\u{200b}ice";

async fn app_with_a_legacy_user() -> TestApp {
    let app = TestApp::new();
    assert!(Username::parse(LEGACY).is_err(), "today's rules refuse it");
    let hash = Argon2Hasher::for_tests()
        .hash(&Password::parse(PASSWORD).unwrap())
        .await
        .unwrap();
    app.world
        .users
        .create(NewUser {
            username: Username::from_stored(LEGACY).unwrap(),
            email: EmailAddress::parse("alice@example.com").unwrap(),
            password_hash: hash,
            created_at: OffsetDateTime::now_utc(),
        })
        .await
        .unwrap();
    app
}

#[tokio::test]
async fn a_legacy_name_signs_in_opens_its_profile_and_keeps_its_name_on_edit() {
    let mut app = app_with_a_legacy_user().await;
    let reply = app.login(LEGACY, PASSWORD).await;
    assert_eq!(reply.location(), "/index", "{}", reply.body);

    let profile = app.get(&microblog_routes::user(LEGACY)).await;
    assert_eq!(profile.status, StatusCode::OK);

    let fields = [("username", LEGACY), ("about_me", "still here")];
    let saved = app.submit("/edit_profile", "/edit_profile", &fields).await;
    assert_eq!(saved.location(), "/edit_profile", "{}", saved.body);
    let stored = app.world.users.all().remove(0);
    assert_eq!(stored.username.as_str(), LEGACY);
    assert_eq!(stored.about_me.as_str(), "still here");
}

#[tokio::test]
async fn renaming_to_a_name_refused_today_is_still_refused() {
    let mut app = TestApp::new();
    app.signed_in("bob").await;
    let fields = [("username", "b\u{200b}ob"), ("about_me", "")];
    let reply = app.submit("/edit_profile", "/edit_profile", &fields).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.text().contains("invisible"), "{}", reply.body);
    assert_eq!(app.world.users.named("bob").username.as_str(), "bob");
}
