//! Contract of `PostRepository`: posts, timelines, pagination, profiles and the follower
//! graph, one function per property.
//!
//! Each function expects an empty store (a fresh database per call) and both repositories
//! on it: users are created through `users` because posts refer to them. It panics, naming
//! the property, when the adapter breaks it; [`run_all`] runs every one, each on a fresh
//! store.

mod pages;
mod profile;
mod suite;

pub use pages::{
    cursors_walk_every_page_both_ways, pages_end_exactly_where_the_posts_do,
    timelines_are_newest_first_with_id_tiebreak,
};
pub use profile::{
    a_profile_of_an_unknown_name_is_none, a_profile_pages_as_by_author_does,
    a_profile_says_whether_the_viewer_follows_the_user,
    a_profile_without_posts_has_an_empty_page_and_the_counts,
};
pub use suite::{PROPERTIES, Property, run_all};

use super::user_repository::{T0, must, register};
use microblog_domain::ports::{PostRepository, UserRepository};
use microblog_domain::{FollowCounts, PageRequest, Post, PostBody, TimelinePost, UserId};
use time::OffsetDateTime;

/// Posts `text` by `author` at `at`, panicking if the adapter refuses.
async fn post(posts: &dyn PostRepository, author: UserId, text: &str, at: OffsetDateTime) -> Post {
    let body = must(PostBody::parse(text), "a valid fixture post");
    must(posts.create(author, &body, at).await, "creating a post")
}

/// The ids of a page, in order.
fn ids(page: &[TimelinePost]) -> Vec<i64> {
    page.iter().map(|item| item.post.id.0).collect()
}

/// A created post comes back as given, and the timelines carry it with its author's name
/// and address (as entered).
pub async fn created_post_round_trips(users: &dyn UserRepository, posts: &dyn PostRepository) {
    let susan = register(users, "susan", "Susan@Example.COM").await;
    let text = "Beautiful day in Portland! <script>alert(1)</script> — ünïcödé";
    let created = post(posts, susan.id, text, T0).await;
    assert_eq!(created.author, susan.id, "create keeps the author");
    assert_eq!(created.body.as_str(), text, "create keeps the body");
    assert_eq!(created.timestamp, T0, "create keeps the timestamp");

    let first = PageRequest::new(1, 10);
    let expected = TimelinePost {
        post: created.clone(),
        author_username: susan.username.clone(),
        author_email: susan.email.clone(),
    };
    let explore = must(posts.explore(first).await, "explore");
    assert_eq!(
        explore.items,
        vec![expected.clone()],
        "explore shows the post with its author"
    );
    let mine = must(posts.by_author(susan.id, first).await, "by_author");
    assert_eq!(
        mine.items,
        vec![expected.clone()],
        "by_author shows the post with its author"
    );
    let timeline = must(posts.timeline(susan.id, first).await, "timeline");
    assert_eq!(
        timeline.items,
        vec![expected],
        "a user's own post is on their timeline"
    );
}

/// A post by a user that does not exist is a storage error, and nothing is stored.
pub async fn post_by_unknown_author_fails(users: &dyn UserRepository, posts: &dyn PostRepository) {
    let susan = register(users, "susan", "susan@example.com").await;
    let body = must(PostBody::parse("orphan"), "a valid fixture post");
    let orphan = posts.create(UserId(susan.id.0 + 1_000), &body, T0).await;
    assert!(
        orphan.is_err(),
        "a post by an unknown author must fail, got {orphan:?}"
    );
    let explore = must(posts.explore(PageRequest::new(1, 10)).await, "explore");
    assert!(explore.items.is_empty(), "the refused post is not stored");
}

/// Following twice is one edge; counts and `is_following` see it in the right direction;
/// unfollowing removes it and is idempotent too.
pub async fn following_is_idempotent_and_counted(
    users: &dyn UserRepository,
    posts: &dyn PostRepository,
) {
    let susan = register(users, "susan", "susan@example.com").await;
    let john = register(users, "john", "john@example.com").await;
    let counts = |user| posts.follow_counts(user);
    let none = FollowCounts::default();
    assert_eq!(
        must(counts(susan.id).await, "follow_counts"),
        none,
        "nobody follows anyone yet"
    );

    must(posts.follow(susan.id, john.id).await, "follow");
    must(
        posts.follow(susan.id, john.id).await,
        "following twice must be Ok",
    );
    assert!(
        must(posts.is_following(susan.id, john.id).await, "is_following"),
        "susan follows john"
    );
    assert!(
        !must(posts.is_following(john.id, susan.id).await, "is_following"),
        "not the reverse"
    );
    let susan_counts = FollowCounts {
        followers: 0,
        following: 1,
    };
    let john_counts = FollowCounts {
        followers: 1,
        following: 0,
    };
    assert_eq!(
        must(counts(susan.id).await, "follow_counts"),
        susan_counts,
        "one edge, not two"
    );
    assert_eq!(
        must(counts(john.id).await, "follow_counts"),
        john_counts,
        "john has one follower"
    );

    must(posts.follow(john.id, susan.id).await, "follow back");
    let mutual = FollowCounts {
        followers: 1,
        following: 1,
    };
    assert_eq!(
        must(counts(susan.id).await, "follow_counts"),
        mutual,
        "following back counts"
    );

    must(posts.unfollow(susan.id, john.id).await, "unfollow");
    must(
        posts.unfollow(susan.id, john.id).await,
        "unfollowing twice must be Ok",
    );
    assert!(
        !must(posts.is_following(susan.id, john.id).await, "is_following"),
        "edge removed"
    );
    assert!(
        must(posts.is_following(john.id, susan.id).await, "is_following"),
        "reverse kept"
    );
    assert_eq!(
        must(counts(susan.id).await, "follow_counts"),
        john_counts,
        "counts after unfollow"
    );
}

/// A timeline holds the user's own posts and those of whom they follow, nobody else's — not
/// even the posts of someone who follows them.
pub async fn timeline_shows_own_and_followed_posts_only(
    users: &dyn UserRepository,
    posts: &dyn PostRepository,
) {
    let susan = register(users, "susan", "susan@example.com").await;
    let john = register(users, "john", "john@example.com").await;
    let mary = register(users, "mary", "mary@example.com").await;
    must(posts.follow(susan.id, john.id).await, "follow");
    must(posts.follow(mary.id, susan.id).await, "follow");
    let at = |secs| T0 + time::Duration::seconds(secs);
    let own = post(posts, susan.id, "mine", at(1)).await;
    let followed = post(posts, john.id, "john's", at(2)).await;
    post(posts, mary.id, "mary's, who follows susan", at(3)).await;

    let page = must(
        posts.timeline(susan.id, PageRequest::new(1, 10)).await,
        "timeline",
    );
    assert_eq!(
        ids(&page.items),
        vec![followed.id.0, own.id.0],
        "own and followed posts only"
    );

    must(posts.unfollow(susan.id, john.id).await, "unfollow");
    let page = must(
        posts.timeline(susan.id, PageRequest::new(1, 10)).await,
        "timeline",
    );
    assert_eq!(
        ids(&page.items),
        vec![own.id.0],
        "unfollowing removes their posts"
    );
}

/// `by_author` lists only that author's posts, newest first.
pub async fn by_author_lists_only_that_author(
    users: &dyn UserRepository,
    posts: &dyn PostRepository,
) {
    let susan = register(users, "susan", "susan@example.com").await;
    let john = register(users, "john", "john@example.com").await;
    let at = |secs| T0 + time::Duration::seconds(secs);
    let first = post(posts, susan.id, "one", at(1)).await;
    post(posts, john.id, "john", at(2)).await;
    let second = post(posts, susan.id, "two", at(3)).await;
    let page = must(
        posts.by_author(susan.id, PageRequest::new(1, 10)).await,
        "by_author",
    );
    assert_eq!(
        ids(&page.items),
        vec![second.id.0, first.id.0],
        "only susan's, newest first"
    );
    let nobody = must(
        posts
            .by_author(UserId(susan.id.0 + 1_000), PageRequest::new(1, 10))
            .await,
        "by_author",
    );
    assert!(
        nobody.items.is_empty() && !nobody.has_next,
        "an unknown author has an empty page"
    );
}
