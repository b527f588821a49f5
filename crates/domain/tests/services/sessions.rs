//! `Sessions` and the session side of `SignIn`: finding the visitor from a secret, touching
//! at most once a minute, idle and remembered expiry, and opening a session at sign-in.

use super::support::{AccountPorts, t, user};
use microblog_domain::ports::Admission;
use microblog_domain::services::AuthenticateError;
use microblog_domain::{Device, SessionHandle, SessionSecret, StoredSession, UserId};
use std::sync::{Arc, Mutex};
use time::Duration;

fn stored(secret: &SessionSecret, persistent: bool) -> StoredSession {
    StoredSession {
        handle: SessionHandle::generate().unwrap(),
        secret_hash: secret.hash(),
        user_id: UserId(1),
        device: Device::new("Firefox", Some("192.0.2.1".to_owned())),
        created_at: t(0),
        last_seen_at: t(0),
        expires_at: if persistent {
            t(0) + Duration::days(30)
        } else {
            t(0) + Duration::hours(2)
        },
        persistent,
    }
}

#[tokio::test]
async fn an_unknown_or_expired_secret_signs_nobody_in() {
    let mut ports = AccountPorts::new();
    ports
        .sessions
        .expect_find_active()
        .withf(|_, now| *now == t(0))
        .returning(|_, _| Ok(None));
    let secret = SessionSecret::generate().unwrap();
    assert!(
        ports
            .sessions()
            .authenticate(&secret)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn an_idle_session_is_touched_at_most_once_a_minute_and_slides_its_expiry() {
    let mut ports = AccountPorts::new();
    let clock = ports.clock.clone();
    let secret = SessionSecret::generate().unwrap();
    let row = stored(&secret, false);
    let handle = row.handle.clone();
    let wanted = secret.hash();
    ports
        .sessions
        .expect_find_active()
        .withf(move |hash, _| *hash == wanted)
        .returning(move |_, _| Ok(Some((row.clone(), user(1, "susan", "h")))));
    ports
        .sessions
        .expect_touch()
        .withf(move |h, seen, expires| {
            *h == handle && *seen == t(60) && *expires == t(60) + Duration::hours(2)
        })
        .times(1)
        .returning(|_, _, _| Ok(()));
    ports
        .users
        .expect_touch_last_seen()
        .withf(|id, at| *id == UserId(1) && *at == t(60))
        .times(1)
        .returning(|_, _| Ok(()));
    let sessions = ports.sessions();
    clock.set(59);
    let seen = sessions.authenticate(&secret).await.unwrap().unwrap();
    assert_eq!(seen.session.last_seen_at, t(0), "59 s later: no write");
    clock.set(60);
    let seen = sessions.authenticate(&secret).await.unwrap().unwrap();
    assert_eq!(seen.user.last_seen, t(60), "60 s later: one write");
    assert_eq!(seen.session.expires_at, t(60) + Duration::hours(2));
}

#[tokio::test]
async fn a_remembered_session_keeps_its_fixed_lifetime() {
    let mut ports = AccountPorts::new();
    let clock = ports.clock.clone();
    let secret = SessionSecret::generate().unwrap();
    let row = stored(&secret, true);
    ports
        .sessions
        .expect_find_active()
        .returning(move |_, _| Ok(Some((row.clone(), user(1, "susan", "h")))));
    ports
        .sessions
        .expect_touch()
        .withf(|_, seen, expires| *seen == t(3600) && *expires == t(0) + Duration::days(30))
        .times(1)
        .returning(|_, _, _| Ok(()));
    ports
        .users
        .expect_touch_last_seen()
        .returning(|_, _| Ok(()));
    clock.set(3600);
    let seen = ports
        .sessions()
        .authenticate(&secret)
        .await
        .unwrap()
        .unwrap();
    assert!(seen.session.persistent);
}

/// A right password for susan (hash "h"), with her unlocked.
fn right_password(ports: &mut AccountPorts) {
    ports
        .users
        .expect_by_username()
        .returning(|_| Ok(Some(user(1, "susan", "h"))));
    ports.hasher.expect_verify().returning(|_, _| Ok(true));
    ports
        .attempts
        .expect_record_success()
        .returning(|_, _| Ok(Admission::Admitted));
}

#[tokio::test]
async fn signing_in_stores_a_new_session_under_the_hash_of_a_fresh_secret() {
    let mut ports = AccountPorts::new();
    right_password(&mut ports);
    ports
        .users
        .expect_by_id()
        .returning(|_| Ok(Some(user(1, "susan", "h"))));
    let created = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&created);
    ports
        .sessions
        .expect_create()
        .times(2)
        .returning(move |session| {
            seen.lock().unwrap().push(session);
            Ok(())
        });
    let sign_in = ports.sign_in();
    let device = Device::new("Firefox", None);
    let first = sign_in
        .sign_in("susan", "right", false, device.clone())
        .await;
    let second = sign_in.sign_in("susan", "right", true, device).await;
    let (first, second) = (first.unwrap(), second.unwrap());
    assert_ne!(first.secret, second.secret, "every login gets a new secret");
    let created = created.lock().unwrap();
    assert_eq!(created[0].secret_hash, first.secret.hash());
    assert_ne!(created[0].secret_hash.as_str(), first.secret.as_str());
    assert_eq!(created[0].expires_at, t(0) + Duration::hours(2));
    assert_eq!(created[1].expires_at, t(0) + Duration::days(30));
    assert_ne!(created[0].handle, created[1].handle);
}

#[tokio::test]
async fn a_password_changed_during_sign_in_ends_the_new_session() {
    let mut ports = AccountPorts::new();
    right_password(&mut ports);
    ports
        .users
        .expect_by_id()
        .returning(|_| Ok(Some(user(1, "susan", "changed meanwhile"))));
    ports.sessions.expect_create().returning(|_| Ok(()));
    ports
        .sessions
        .expect_delete()
        .withf(|user, _| *user == UserId(1))
        .times(1)
        .returning(|_, _| Ok(true));
    let result = ports
        .sign_in()
        .sign_in("susan", "right", false, Device::default())
        .await;
    assert!(matches!(result, Err(AuthenticateError::InvalidCredentials)));
}
