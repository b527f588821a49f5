//! `InMemoryUsers` against the whole `UserRepository` contract, and its helpers.

use microblog_domain::ports::UserRepository;
use microblog_testkit::InMemoryUsers;
use microblog_testkit::contract::user_repository::{self as contract, new_user};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn in_memory_users_keep_every_property_of_the_contract() {
    contract::run_all(|property| async move {
        property.check(&InMemoryUsers::default()).await;
    })
    .await;
}

#[tokio::test]
async fn helpers_see_users_as_stored_and_bump_their_epoch() {
    let users = InMemoryUsers::default();
    let susan = users.create(new_user("susan", "susan@example.com")).await;
    let susan = susan.expect("create");
    users
        .create(new_user("john", "john@example.com"))
        .await
        .expect("create");
    let names: Vec<_> = users.all().into_iter().map(|u| u.username).collect();
    assert_eq!(names.len(), 2, "all lists every user");
    assert_eq!(users.named("susan"), susan, "named finds by exact username");

    users.bump_epoch("susan");
    let stored = users.by_id(susan.id).await.expect("by_id").expect("susan");
    assert_eq!(stored.session_epoch, 1, "bump_epoch ends susan's sessions");
    assert_eq!(users.named("john").session_epoch, 0, "and only hers");
}

#[test]
#[should_panic(expected = "no user is named \"nobody\"")]
fn asking_for_a_user_never_created_is_a_test_bug() {
    InMemoryUsers::default().named("nobody");
}
