//! Contract of `SessionStore`: login sessions, one function per property.
//!
//! Each function expects an empty store (a fresh database per call) and two handles on it,
//! as two instances of the application would hold; users are created through `users`
//! because sessions belong to them. It panics, naming the property, when the adapter breaks
//! it; [`run_all`] runs every one, each on a fresh store.

mod suite;

pub use suite::{PROPERTIES, Property, run_all};

use super::user_repository::{T0, must, register};
use microblog_domain::ports::{SessionStore, UserRepository};
use microblog_domain::{Device, SessionHandle, SessionSecret, StoredSession, User};
use time::{Duration, OffsetDateTime};

/// `minutes` after the suites' start instant.
fn at(minutes: i64) -> OffsetDateTime {
    T0 + Duration::minutes(minutes)
}

/// A session of `user` opened at `at(opened)` expiring at `at(expires)`, with its secret.
fn session(user: &User, opened: i64, expires: i64) -> (SessionSecret, StoredSession) {
    let secret = must(SessionSecret::generate(), "a secret");
    let stored = StoredSession {
        handle: must(SessionHandle::generate(), "a handle"),
        secret_hash: secret.hash(),
        user_id: user.id,
        device: Device::new(
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            Some("192.0.2.7".to_owned()),
        ),
        created_at: at(opened),
        last_seen_at: at(opened),
        expires_at: at(expires),
        persistent: false,
    };
    (secret, stored)
}

/// Stores a session of `user` (see [`session`]) and returns its secret and row.
async fn open(
    sessions: &dyn SessionStore,
    user: &User,
    opened: i64,
    expires: i64,
) -> (SessionSecret, StoredSession) {
    let (secret, stored) = session(user, opened, expires);
    must(sessions.create(stored.clone()).await, "create");
    (secret, stored)
}

/// The session found by `secret` at `at(minutes)`; the user found with it must be the
/// session's own, as stored.
async fn find(
    sessions: &dyn SessionStore,
    secret: &SessionSecret,
    minutes: i64,
) -> Option<StoredSession> {
    let found = must(
        sessions.find_active(&secret.hash(), at(minutes)).await,
        "find_active",
    );
    found.map(|(session, user)| {
        assert_eq!(
            user.id, session.user_id,
            "a session is found with its own user"
        );
        session
    })
}

async fn handles(sessions: &dyn SessionStore, user: &User, minutes: i64) -> Vec<SessionHandle> {
    must(
        sessions.active_for_user(user.id, at(minutes)).await,
        "active_for_user",
    )
    .into_iter()
    .map(|session| session.handle)
    .collect()
}

/// A stored session comes back whole by its secret's hash until its `expires_at`, and is
/// absent from that instant on; an unknown secret finds nothing.
pub async fn a_session_is_found_by_its_secret_until_it_expires(
    users: &dyn UserRepository,
    sessions: &dyn SessionStore,
) {
    let susan = register(users, "susan", "susan@example.com").await;
    let (secret, stored) = open(sessions, &susan, 0, 120).await;
    assert_eq!(
        find(sessions, &secret, 0).await,
        Some(stored.clone()),
        "round trip"
    );
    assert_eq!(
        find(sessions, &secret, 119).await,
        Some(stored),
        "before expiry"
    );
    assert_eq!(
        find(sessions, &secret, 120).await,
        None,
        "absent at expires_at"
    );
    let stranger = must(SessionSecret::generate(), "a secret");
    assert_eq!(find(sessions, &stranger, 0).await, None, "unknown secret");
}

/// `touch` moves `last_seen_at` and `expires_at`; touching a deleted session leaves it
/// absent.
pub async fn touch_moves_last_seen_and_expiry_and_revives_nothing(
    users: &dyn UserRepository,
    sessions: &dyn SessionStore,
) {
    let susan = register(users, "susan", "susan@example.com").await;
    let (secret, stored) = open(sessions, &susan, 0, 120).await;
    must(
        sessions.touch(&stored.handle, at(100), at(220)).await,
        "touch",
    );
    let touched = find(sessions, &secret, 200)
        .await
        .expect("alive after the touch");
    assert_eq!(
        (touched.last_seen_at, touched.expires_at),
        (at(100), at(220))
    );
    assert!(must(
        sessions.delete(susan.id, &stored.handle).await,
        "delete"
    ));
    must(
        sessions.touch(&stored.handle, at(101), at(300)).await,
        "touch",
    );
    assert_eq!(
        find(sessions, &secret, 102).await,
        None,
        "a touch revives nothing"
    );
}

/// `active_for_user` lists that user's unexpired sessions only, most recently seen first.
pub async fn a_user_sees_only_their_unexpired_sessions_most_recent_first(
    users: &dyn UserRepository,
    sessions: &dyn SessionStore,
) {
    let susan = register(users, "susan", "susan@example.com").await;
    let john = register(users, "john", "john@example.com").await;
    let (_, old) = open(sessions, &susan, 0, 500).await;
    let (_, recent) = open(sessions, &susan, 5, 500).await;
    let (_, expired) = open(sessions, &susan, 1, 10).await;
    let (_, johns) = open(sessions, &john, 0, 500).await;
    must(sessions.touch(&old.handle, at(30), at(500)).await, "touch");
    assert_eq!(
        handles(sessions, &susan, 20).await,
        [old.handle, recent.handle]
    );
    assert!(
        !handles(sessions, &susan, 20)
            .await
            .contains(&expired.handle)
    );
    assert_eq!(handles(sessions, &john, 20).await, [johns.handle]);
}

/// `delete` ends the owner's session only: another user's handle deletes nothing and
/// answers `false`, like an unknown one.
pub async fn delete_ends_only_the_owners_session(
    users: &dyn UserRepository,
    sessions: &dyn SessionStore,
) {
    let susan = register(users, "susan", "susan@example.com").await;
    let john = register(users, "john", "john@example.com").await;
    let (secret, stored) = open(sessions, &susan, 0, 120).await;
    let foreign = must(sessions.delete(john.id, &stored.handle).await, "delete");
    assert!(!foreign, "john cannot end susan's session");
    assert!(find(sessions, &secret, 1).await.is_some(), "still open");
    assert!(must(
        sessions.delete(susan.id, &stored.handle).await,
        "delete"
    ));
    assert_eq!(find(sessions, &secret, 1).await, None, "ended");
    assert!(!must(
        sessions.delete(susan.id, &stored.handle).await,
        "delete again"
    ));
}

/// `delete_all_for_user` ends every session of that user but the kept one, counts them,
/// and leaves other users alone; without `keep` it ends them all.
pub async fn delete_all_keeps_the_kept_session_and_other_users(
    users: &dyn UserRepository,
    sessions: &dyn SessionStore,
) {
    let susan = register(users, "susan", "susan@example.com").await;
    let john = register(users, "john", "john@example.com").await;
    let (kept_secret, kept) = open(sessions, &susan, 0, 120).await;
    let (other_secret, _) = open(sessions, &susan, 1, 120).await;
    let (third_secret, _) = open(sessions, &susan, 2, 120).await;
    let (johns_secret, _) = open(sessions, &john, 0, 120).await;
    let ended = must(
        sessions
            .delete_all_for_user(susan.id, Some(kept.handle.clone()))
            .await,
        "delete_all_for_user",
    );
    assert_eq!(ended, 2);
    assert!(
        find(sessions, &kept_secret, 3).await.is_some(),
        "the kept one"
    );
    assert_eq!(find(sessions, &other_secret, 3).await, None);
    assert_eq!(find(sessions, &third_secret, 3).await, None);
    let all = must(
        sessions.delete_all_for_user(susan.id, None).await,
        "delete all",
    );
    assert_eq!(all, 1);
    assert_eq!(find(sessions, &kept_secret, 3).await, None);
    assert!(
        find(sessions, &johns_secret, 3).await.is_some(),
        "john's stays"
    );
}

/// `purge_expired` removes the sessions expired at `now` and counts them; live ones stay.
pub async fn purge_removes_only_expired_sessions(
    users: &dyn UserRepository,
    sessions: &dyn SessionStore,
) {
    let susan = register(users, "susan", "susan@example.com").await;
    let (_, expired) = open(sessions, &susan, 0, 10).await;
    let (live_secret, _) = open(sessions, &susan, 0, 100).await;
    assert_eq!(must(sessions.purge_expired(at(10)).await, "purge"), 1);
    assert_eq!(must(sessions.purge_expired(at(10)).await, "purge again"), 0);
    assert!(find(sessions, &live_secret, 10).await.is_some());
    let gone = must(sessions.delete(susan.id, &expired.handle).await, "delete");
    assert!(!gone, "the purged row is gone");
}

/// A session created, or ended, through one handle is seen through the other at once, as
/// one instance's logout must be seen by every other instance's next request.
pub async fn every_instance_sees_a_revoke_at_once(
    users: &dyn UserRepository,
    sessions: &dyn SessionStore,
    other_instance: &dyn SessionStore,
) {
    let susan = register(users, "susan", "susan@example.com").await;
    let (secret, stored) = open(sessions, &susan, 0, 120).await;
    assert!(
        find(other_instance, &secret, 1).await.is_some(),
        "seen by the other"
    );
    assert!(must(
        other_instance.delete(susan.id, &stored.handle).await,
        "delete"
    ));
    assert_eq!(find(sessions, &secret, 1).await, None, "ended for both");
}
