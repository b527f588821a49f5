//! `InMemoryPosts` against the whole `PostRepository` contract, and its helpers.

use microblog_domain::ports::{PostRepository, UserRepository};
use microblog_domain::{PostBody, UserId};
use microblog_testkit::contract::post_repository as contract;
use microblog_testkit::contract::user_repository::new_user;
use microblog_testkit::{InMemoryPosts, InMemoryUsers};
use std::sync::Arc;
use time::macros::datetime;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn in_memory_posts_keep_every_property_of_the_contract() {
    contract::run_all(|property| async move {
        let users = Arc::new(InMemoryUsers::default());
        let posts = InMemoryPosts::new(Arc::clone(&users));
        property.check(&*users, &posts).await;
    })
    .await;
}

#[tokio::test]
async fn helpers_count_posts_and_see_follows() {
    let users = Arc::new(InMemoryUsers::default());
    let posts = InMemoryPosts::new(Arc::clone(&users));
    let susan = users.create(new_user("susan", "susan@example.com")).await;
    let john = users.create(new_user("john", "john@example.com")).await;
    let (susan, john) = (susan.expect("create").id, john.expect("create").id);
    assert_eq!(posts.count(), 0, "no posts yet");
    let body = PostBody::parse("hello").expect("body");
    let at = datetime!(2026-01-01 12:00 UTC);
    posts.create(susan, &body, at).await.expect("post");
    assert_eq!(posts.count(), 1, "count sees the post");

    posts.follow(susan, john).await.expect("follow");
    assert!(posts.follows(susan, john), "follows sees the edge");
    assert!(!posts.follows(john, susan), "in its direction only");
}

#[tokio::test]
async fn following_someone_unknown_fails_as_a_foreign_key_would() {
    let users = Arc::new(InMemoryUsers::default());
    let posts = InMemoryPosts::new(Arc::clone(&users));
    let susan = users.create(new_user("susan", "susan@example.com")).await;
    let susan = susan.expect("create").id;
    let ghost = UserId(susan.0 + 1_000);
    assert!(
        posts.follow(susan, ghost).await.is_err(),
        "an unknown followee"
    );
    assert!(
        posts.follow(ghost, susan).await.is_err(),
        "an unknown follower"
    );
    assert!(!posts.follows(ghost, susan), "nothing is stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn in_memory_feeds_keep_every_property_of_the_timeline_contract() {
    use microblog_testkit::contract::timelines;
    timelines::run_all(|property| async move {
        let users = Arc::new(InMemoryUsers::default());
        let posts = InMemoryPosts::with_feed_limits(Arc::clone(&users), timelines::LIMITS);
        property.check(&*users, &posts, &posts).await;
    })
    .await;
}
