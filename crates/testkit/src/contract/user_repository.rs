//! Contract of `UserRepository`: what every adapter must do, one function per property.
//!
//! Each function expects an empty store (a fresh database per call) and panics, naming the
//! property, when the adapter breaks it; [`run_all`] runs every one, each on a fresh store.
//! Times are whole seconds, as the domain's clock produces them.

mod confirmation;
mod email_change;
mod lookalikes;
mod password;
mod reset_slot;
mod suite;

pub use confirmation::{
    an_address_is_confirmed_once_and_only_its_own, confirmation_slot_is_claimed_once_per_window,
};
pub use email_change::{
    a_pending_address_applies_once_and_only_the_latest, a_taken_address_is_never_attached,
};
pub use lookalikes::{
    concurrent_lookalike_registrations_have_one_winner, lookalike_usernames_are_taken,
    renaming_onto_a_lookalike_is_taken,
};
pub use password::{
    concurrent_password_replacements_have_one_winner,
    password_hash_is_replaced_only_from_the_expected_hash,
};
pub use reset_slot::reset_slot_is_claimed_once_per_window;
pub use suite::{PROPERTIES, Property, run_all};

use microblog_domain::ports::{CreateUserError, UpdateProfileError, UserRepository};
use microblog_domain::{AboutMe, EmailAddress, NewUser, PasswordHash, User, UserId, Username};
use std::fmt::Debug;
use time::OffsetDateTime;
use time::macros::datetime;

/// The instant the suites' stories start at.
pub(crate) const T0: OffsetDateTime = datetime!(2026-01-01 12:00 UTC);

/// Registers `name` with `email` at `T0`, panicking if the adapter refuses.
pub(crate) async fn register(users: &dyn UserRepository, name: &str, email: &str) -> User {
    let created = users.create(new_user(name, email)).await;
    must(created, &format!("registering {name} <{email}>"))
}

/// What registration hands the repository: `name` and `email` (both must parse), a
/// stand-in password hash, created at the suites' start instant. A fixture for adapter
/// tests too.
pub fn new_user(name: &str, email: &str) -> NewUser {
    NewUser {
        username: must(Username::parse(name), "a valid fixture username"),
        email: must(EmailAddress::parse(email), "a valid fixture address"),
        password_hash: hash("initial"),
        created_at: T0,
    }
}

/// A stand-in PHC string, distinct per `tag`.
pub(crate) fn hash(tag: &str) -> PasswordHash {
    PasswordHash::from_phc(format!("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ${tag}"))
}

#[track_caller]
pub(crate) fn must<T, E: Debug>(result: Result<T, E>, what: &str) -> T {
    match result {
        Ok(value) => value,
        Err(err) => panic!("{what}: unexpected error {err:?}"),
    }
}

fn username(name: &str) -> Username {
    must(Username::parse(name), "a valid fixture username")
}

fn email(address: &str) -> EmailAddress {
    must(EmailAddress::parse(address), "a valid fixture address")
}

/// A created user comes back unchanged by id, by exact username and by any case of its
/// address, with epoch 0, `last_seen = created_at`, an empty about-me and the address as
/// entered; unknown keys find nobody.
pub async fn created_user_round_trips(users: &dyn UserRepository) {
    let created = register(users, "susan", "Susan@Example.COM").await;
    assert_eq!(
        created.username.as_str(),
        "susan",
        "create keeps the username"
    );
    assert_eq!(
        created.email.as_str(),
        "Susan@Example.COM",
        "create keeps the address as entered"
    );
    assert_eq!(
        created.session_epoch, 0,
        "a new user starts at session epoch 0"
    );
    assert_eq!(
        created.last_seen, T0,
        "a new user was last seen when created"
    );
    assert_eq!(created.created_at, T0, "create keeps created_at");
    assert_eq!(
        created.about_me.as_str(),
        "",
        "a new user has an empty about-me"
    );
    assert_eq!(
        created.password_hash,
        hash("initial"),
        "create keeps the password hash"
    );

    let by_id = must(users.by_id(created.id).await, "by_id");
    assert_eq!(
        by_id.as_ref(),
        Some(&created),
        "by_id returns the created user"
    );
    let by_name = must(users.by_username(&username("susan")).await, "by_username");
    assert_eq!(
        by_name.as_ref(),
        Some(&created),
        "by_username returns the created user"
    );
    let by_email = must(
        users.by_email(&email("susan@example.com")).await,
        "by_email",
    );
    assert_eq!(by_email.as_ref(), Some(&created), "by_email ignores case");

    let nobody = UserId(created.id.0 + 1_000);
    assert_eq!(
        must(users.by_id(nobody).await, "by_id"),
        None,
        "unknown id finds nobody"
    );
    let other = username("Susan");
    assert_eq!(
        must(users.by_username(&other).await, "by_username"),
        None,
        "username is exact"
    );
    let unknown = email("nobody@example.com");
    assert_eq!(
        must(users.by_email(&unknown).await, "by_email"),
        None,
        "unknown email"
    );
}

/// A second user with the same username is `UsernameTaken`, and is not stored.
pub async fn taken_username_is_refused(users: &dyn UserRepository) {
    let first = register(users, "susan", "susan@example.com").await;
    let second = users.create(new_user("susan", "other@example.com")).await;
    assert!(
        matches!(second, Err(CreateUserError::UsernameTaken)),
        "a taken username must be UsernameTaken, got {second:?}"
    );
    let stored = must(
        users.by_email(&email("other@example.com")).await,
        "by_email",
    );
    assert_eq!(stored, None, "the refused user must not be stored");
    let kept = must(users.by_username(&username("susan")).await, "by_username");
    assert_eq!(kept, Some(first), "the first user is untouched");
}

/// `Alice@X.com` then `alice@x.com` is `EmailTaken`: uniqueness is on the normalized form.
pub async fn email_uniqueness_ignores_case(users: &dyn UserRepository) {
    register(users, "alice", "Alice@X.com").await;
    let second = users.create(new_user("alice2", "alice@x.com")).await;
    assert!(
        matches!(second, Err(CreateUserError::EmailTaken)),
        "the same address in another case must be EmailTaken, got {second:?}"
    );
    let stored = must(users.by_username(&username("alice2")).await, "by_username");
    assert_eq!(stored, None, "the refused user must not be stored");
}

/// Lookalike addresses (dotless ı, Cyrillic а) are different accounts: both register, and
/// each lookup finds its own user.
pub async fn lookalike_emails_stay_distinct(users: &dyn UserRepository) {
    let ascii = register(users, "alice", "alice@example.com").await;
    let dotless = register(users, "alyce", "alıce@example.com").await;
    let cyrillic = register(users, "alise", "аlice@example.com").await;
    for (address, expected) in [
        ("ALICE@example.com", &ascii),
        ("alıce@example.com", &dotless),
        ("аlice@example.com", &cyrillic),
    ] {
        let found = must(users.by_email(&email(address)).await, "by_email");
        assert_eq!(
            found.as_ref().map(|u| u.id),
            Some(expected.id),
            "by_email({address})"
        );
    }
}

/// Several registrations of one username at once: exactly one wins, the others are
/// `UsernameTaken` (a unique violation, never a storage error).
pub async fn concurrent_registrations_have_one_winner(users: &dyn UserRepository) {
    let attempt = |i: usize| users.create(new_user("racer", &format!("racer{i}@example.com")));
    let (a, b, c, d) = tokio::join!(attempt(0), attempt(1), attempt(2), attempt(3));
    let results = [a, b, c, d];
    let winners = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(
        winners, 1,
        "exactly one concurrent registration wins: {results:?}"
    );
    for result in &results {
        assert!(
            matches!(result, Ok(_) | Err(CreateUserError::UsernameTaken)),
            "a losing registration must be UsernameTaken, got {result:?}"
        );
    }
}

/// `update_profile` changes name and about-me; another user's name is `UsernameTaken` and
/// changes nothing; keeping one's own name is fine; an unknown id is `NotFound`.
pub async fn profile_updates_respect_taken_names(users: &dyn UserRepository) {
    let susan = register(users, "susan", "susan@example.com").await;
    let john = register(users, "john", "john@example.com").await;
    let about = must(AboutMe::parse("I write <b>posts</b>"), "a valid about-me");

    let updated = must(
        users
            .update_profile(susan.id, &username("susan_b"), &about)
            .await,
        "update_profile",
    );
    assert_eq!(
        updated.username.as_str(),
        "susan_b",
        "update_profile renames"
    );
    assert_eq!(updated.about_me, about, "update_profile sets about-me");
    assert_eq!(
        updated.email, susan.email,
        "update_profile keeps the address"
    );
    let stored = must(users.by_id(susan.id).await, "by_id");
    assert_eq!(stored.as_ref(), Some(&updated), "the update is stored");
    let old = must(users.by_username(&username("susan")).await, "by_username");
    assert_eq!(old, None, "the old name is free after a rename");

    let taken = users
        .update_profile(susan.id, &username("john"), &about)
        .await;
    assert!(
        matches!(taken, Err(UpdateProfileError::UsernameTaken)),
        "renaming onto another user's name must be UsernameTaken, got {taken:?}"
    );
    assert_eq!(
        must(users.by_id(john.id).await, "by_id"),
        Some(john),
        "john is untouched"
    );
    let unchanged = must(users.by_id(susan.id).await, "by_id");
    assert_eq!(
        unchanged,
        Some(updated.clone()),
        "a refused update changes nothing"
    );

    let empty = AboutMe::default();
    let same_name = users
        .update_profile(susan.id, &username("susan_b"), &empty)
        .await;
    let same_name = must(same_name, "update_profile keeping the name");
    assert_eq!(
        same_name.about_me.as_str(),
        "",
        "keeping one's name still updates about-me"
    );

    let ghost = username("ghost");
    let missing = users
        .update_profile(UserId(susan.id.0 + 1_000), &ghost, &empty)
        .await;
    assert!(
        matches!(missing, Err(UpdateProfileError::NotFound)),
        "an unknown id must be NotFound, got {missing:?}"
    );
}

/// `touch_last_seen` stores the time; an unknown id is `Ok`.
pub async fn last_seen_moves_when_touched(users: &dyn UserRepository) {
    let susan = register(users, "susan", "susan@example.com").await;
    let later = T0 + time::Duration::hours(5);
    must(
        users.touch_last_seen(susan.id, later).await,
        "touch_last_seen",
    );
    let stored = must(users.by_id(susan.id).await, "by_id");
    assert_eq!(
        stored.map(|u| u.last_seen),
        Some(later),
        "last_seen is the touched time"
    );
    let unknown = users
        .touch_last_seen(UserId(susan.id.0 + 1_000), later)
        .await;
    assert!(
        unknown.is_ok(),
        "touching an unknown id is Ok, got {unknown:?}"
    );
}
