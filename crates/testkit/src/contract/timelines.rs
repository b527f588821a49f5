//! Contract of `TimelineStore`: fan-out on post, back-fill on follow, trim on unfollow,
//! deletion, the read-time merge for authors with many followers, the bound on a feed and
//! the rebuild, one function per property.
//!
//! Each function expects an empty store built with [`LIMITS`] (small, so every path is
//! reached with a few posts) and its three ports: users are created through `users`, posts
//! and follows through `posts` (whose writes keep the feeds). Besides what each property
//! states about feed sizes, every property checks that the home timeline equals the
//! read-time timeline (`PostRepository::timeline`) on every page, numbered or by cursor.

mod compare;
mod suite;

pub use suite::{PROPERTIES, Property, run_all};

use super::user_repository::{T0, must, register};
use compare::homes_match_read_time;
use microblog_domain::ports::{FeedLimits, PostRepository, TimelineStore, UserRepository};
use microblog_domain::{PageRequest, Post, PostBody, User, UserId};

/// The limits the store under test must be built with: feeds of 6 entries, fan-out up to
/// 2 followers.
pub const LIMITS: FeedLimits = FeedLimits {
    max_entries: 6,
    fanout_max_followers: 2,
};

/// `count` posts by `author`, one second apart after `from` seconds.
async fn posts_by(posts: &dyn PostRepository, author: &User, from: i64, count: i64) -> Vec<Post> {
    let mut made = Vec::new();
    for n in from..from + count {
        let body = must(
            PostBody::parse(&format!("post {n}")),
            "a valid fixture post",
        );
        let at = T0 + time::Duration::seconds(n);
        made.push(must(
            posts.create(author.id, &body, at).await,
            "creating a post",
        ));
    }
    made
}

async fn feed_len(timelines: &dyn TimelineStore, user: &User) -> u64 {
    must(timelines.feed_len(user.id).await, "feed_len")
}

async fn follow(posts: &dyn PostRepository, follower: &User, followed: &User) {
    must(posts.follow(follower.id, followed.id).await, "follow");
}

/// Susan, John and Mary, Susan following the other two.
async fn susan_follows_john_and_mary(
    users: &dyn UserRepository,
    posts: &dyn PostRepository,
) -> [User; 3] {
    let susan = register(users, "susan", "susan@example.com").await;
    let john = register(users, "john", "john@example.com").await;
    let mary = register(users, "mary", "mary@example.com").await;
    follow(posts, &susan, &john).await;
    follow(posts, &susan, &mary).await;
    [susan, john, mary]
}

/// A post lands in its author's feed and each follower's, and nobody else's.
pub async fn a_post_fans_out_to_its_author_and_followers(
    users: &dyn UserRepository,
    posts: &dyn PostRepository,
    timelines: &dyn TimelineStore,
) {
    let susan = register(users, "susan", "susan@example.com").await;
    let john = register(users, "john", "john@example.com").await;
    let mary = register(users, "mary", "mary@example.com").await;
    let bob = register(users, "bob", "bob@example.com").await;
    follow(posts, &john, &susan).await;
    follow(posts, &mary, &susan).await;
    posts_by(posts, &susan, 0, 1).await;
    for (user, expected) in [(&susan, 1), (&john, 1), (&mary, 1), (&bob, 0)] {
        assert_eq!(
            feed_len(timelines, user).await,
            expected,
            "{}'s feed after susan posts",
            user.username
        );
    }
    homes_match_read_time(posts, timelines, &[&susan, &john, &mary, &bob]).await;
}

/// Following someone copies their newest posts (at most `max_entries`) into the feed, once.
pub async fn a_follow_back_fills_the_newest_posts_once(
    users: &dyn UserRepository,
    posts: &dyn PostRepository,
    timelines: &dyn TimelineStore,
) {
    let susan = register(users, "susan", "susan@example.com").await;
    let john = register(users, "john", "john@example.com").await;
    posts_by(posts, &susan, 0, 2).await;
    posts_by(posts, &john, 1, 10).await;
    follow(posts, &susan, &john).await;
    let max = u64::from(LIMITS.max_entries);
    assert_eq!(
        feed_len(timelines, &susan).await,
        max,
        "back-filled, then trimmed"
    );
    follow(posts, &susan, &john).await;
    assert_eq!(
        feed_len(timelines, &susan).await,
        max,
        "a second follow adds nothing"
    );
    let first = must(
        timelines.home(susan.id, PageRequest::new(1, 3)).await,
        "home",
    );
    let newest: Vec<i64> = first.items.iter().map(|item| item.post.id.0).collect();
    let johns = must(
        posts.by_author(john.id, PageRequest::new(1, 3)).await,
        "by_author",
    );
    let johns: Vec<i64> = johns.items.iter().map(|item| item.post.id.0).collect();
    assert_eq!(newest, johns, "the newest posts come first");
    homes_match_read_time(posts, timelines, &[&susan, &john]).await;
}

/// Unfollowing takes exactly that author's posts out of the feed.
pub async fn an_unfollow_takes_the_authors_posts_out(
    users: &dyn UserRepository,
    posts: &dyn PostRepository,
    timelines: &dyn TimelineStore,
) {
    let [susan, john, mary] = susan_follows_john_and_mary(users, posts).await;
    posts_by(posts, &john, 0, 2).await;
    posts_by(posts, &mary, 2, 1).await;
    posts_by(posts, &susan, 3, 1).await;
    assert_eq!(feed_len(timelines, &susan).await, 4);
    must(posts.unfollow(susan.id, john.id).await, "unfollow");
    assert_eq!(
        feed_len(timelines, &susan).await,
        2,
        "mary's and her own remain"
    );
    must(posts.unfollow(susan.id, john.id).await, "unfollow twice");
    assert_eq!(feed_len(timelines, &susan).await, 2);
    homes_match_read_time(posts, timelines, &[&susan, &john, &mary]).await;
}

/// Deleting a post removes it from every feed; deleting it again reports nothing deleted.
pub async fn a_deleted_post_leaves_every_feed(
    users: &dyn UserRepository,
    posts: &dyn PostRepository,
    timelines: &dyn TimelineStore,
) {
    let susan = register(users, "susan", "susan@example.com").await;
    let john = register(users, "john", "john@example.com").await;
    follow(posts, &john, &susan).await;
    let made = posts_by(posts, &susan, 0, 2).await;
    assert!(must(timelines.delete_post(made[0].id).await, "delete_post"));
    assert!(
        !must(timelines.delete_post(made[0].id).await, "delete_post again"),
        "nothing left to delete"
    );
    assert_eq!(feed_len(timelines, &susan).await, 1);
    assert_eq!(feed_len(timelines, &john).await, 1);
    let explore = must(posts.explore(PageRequest::new(1, 10)).await, "explore");
    assert_eq!(explore.items.len(), 1, "the post itself is gone");
    homes_match_read_time(posts, timelines, &[&susan, &john]).await;
}

/// Posts of an author with more than `fanout_max_followers` followers are not copied into
/// feeds (nor back-filled) but appear on every follower's home timeline all the same.
pub async fn an_author_with_many_followers_is_merged_at_read_time(
    users: &dyn UserRepository,
    posts: &dyn PostRepository,
    timelines: &dyn TimelineStore,
) {
    let star = register(users, "star", "star@example.com").await;
    let quiet = register(users, "quiet", "quiet@example.com").await;
    let mut fans = Vec::new();
    for n in 0..3 {
        let fan = register(users, &format!("fan{n}"), &format!("fan{n}@example.com")).await;
        follow(posts, &fan, &star).await;
        if n < 2 {
            follow(posts, &fan, &quiet).await;
        }
        fans.push(fan);
    }
    posts_by(posts, &star, 0, 4).await;
    posts_by(posts, &quiet, 2, 4).await;
    assert_eq!(
        feed_len(timelines, &star).await,
        4,
        "the author's own feed has them"
    );
    for (fan, expected) in fans.iter().zip([4, 4, 0]) {
        assert_eq!(
            feed_len(timelines, fan).await,
            expected,
            "{} has quiet's posts if following quiet, never star's",
            fan.username
        );
    }
    let late = register(users, "late", "late@example.com").await;
    follow(posts, &late, &star).await;
    assert_eq!(
        feed_len(timelines, &late).await,
        0,
        "no back-fill of merged posts"
    );
    let mut everyone: Vec<&User> = fans.iter().collect();
    everyone.extend([&star, &quiet, &late]);
    homes_match_read_time(posts, timelines, &everyone).await;
}

/// A feed keeps its newest `max_entries` entries (plus at most `TRIM_SLACK` between
/// trims), and older pages still show every post.
pub async fn feeds_keep_only_their_newest_entries(
    users: &dyn UserRepository,
    posts: &dyn PostRepository,
    timelines: &dyn TimelineStore,
) {
    let susan = register(users, "susan", "susan@example.com").await;
    let john = register(users, "john", "john@example.com").await;
    follow(posts, &susan, &john).await;
    posts_by(posts, &john, 0, 40).await;
    let bound = u64::from(LIMITS.max_entries) + FeedLimits::TRIM_SLACK;
    for user in [&susan, &john] {
        let len = feed_len(timelines, user).await;
        assert!(
            (u64::from(LIMITS.max_entries)..=bound).contains(&len),
            "{}'s feed holds {len} entries, expected {} to {bound}",
            user.username,
            LIMITS.max_entries
        );
    }
    homes_match_read_time(posts, timelines, &[&susan, &john]).await;
}

/// Pages older than the feed are exact however the rate of posts beyond it differs from the
/// rate inside it: a store may look beyond the feed in a window sized from the feed's own
/// rate, and must notice when that window holds too few posts.
pub async fn pages_beyond_the_feed_hold_whatever_the_rate(
    users: &dyn UserRepository,
    posts: &dyn PostRepository,
    timelines: &dyn TimelineStore,
) {
    let [susan, john, mary] = susan_follows_john_and_mary(users, posts).await;
    // Oldest first: a post a day for a week, a burst a second apart, an hour's quiet, posts
    // a minute apart, then the feed's newest entries a second apart.
    let day = 86_400;
    let mut at = Vec::new();
    at.extend((0..7).map(|n| n * day));
    at.extend((0..9).map(|n| 8 * day + n));
    at.extend((0..5).map(|n| 8 * day + 3_600 + n * 60));
    at.extend((0..8).map(|n| 9 * day + n));
    for (n, second) in at.into_iter().enumerate() {
        let author = if n % 3 == 0 { &mary } else { &john };
        let body = must(
            PostBody::parse(&format!("post {n}")),
            "a valid fixture post",
        );
        let when = T0 + time::Duration::seconds(second);
        must(
            posts.create(author.id, &body, when).await,
            "creating a post",
        );
    }
    homes_match_read_time(posts, timelines, &[&susan, &john, &mary]).await;
}

/// A rebuild, in batches, leaves every feed exactly as it should be, and a second rebuild
/// changes nothing.
pub async fn a_rebuild_restores_every_feed_idempotently(
    users: &dyn UserRepository,
    posts: &dyn PostRepository,
    timelines: &dyn TimelineStore,
) {
    let mut people = Vec::new();
    for n in 0..5 {
        people.push(register(users, &format!("u{n}"), &format!("u{n}@example.com")).await);
    }
    for (a, b) in [(0, 1), (0, 2), (1, 2), (3, 2), (4, 2), (2, 0)] {
        follow(posts, &people[a], &people[b]).await;
    }
    for (n, person) in people.iter().enumerate() {
        let n = i64::try_from(n).unwrap_or(0);
        posts_by(posts, person, n, 3).await;
    }
    must(posts.unfollow(people[0].id, people[1].id).await, "unfollow");
    assert_eq!(must(timelines.user_count().await, "user_count"), 5);
    // u2 has 4 followers (> 2): merged at read time; u0 (followed by u2) and u1 fan out,
    // and u0 no longer follows u1. Expected feed sizes: own posts plus fanned-out posts of
    // whom they follow, at most 6.
    let expected = [3, 3, 6, 3, 3];
    for round in ["first", "second"] {
        let mut after = None;
        let mut total = (0, 0);
        loop {
            let batch = must(timelines.rebuild(after, 2).await, "rebuild");
            let Some(last) = batch.last_user else { break };
            assert!(batch.users <= 2, "at most a batch of users");
            total = (total.0 + batch.users, total.1 + batch.entries);
            after = Some(last);
        }
        assert_eq!(
            total,
            (5, expected.iter().sum()),
            "{round} rebuild: users and entries"
        );
        for (person, expected) in people.iter().zip(expected) {
            assert_eq!(
                feed_len(timelines, person).await,
                expected,
                "{round} rebuild: {}'s feed",
                person.username
            );
        }
        let everyone: Vec<&User> = people.iter().collect();
        homes_match_read_time(posts, timelines, &everyone).await;
    }
    let none = must(
        timelines.rebuild(Some(UserId(i64::MAX)), 2).await,
        "rebuild past the end",
    );
    assert_eq!(none.last_user, None, "no user after the last");
}
