//! Posts, profiles, follow and unfollow rules.

use super::support::{TestClock, t, user};
use microblog_domain::ports::{
    FeedLimits, MockPostRepository, MockTimelineStore, MockUserRepository,
};
use microblog_domain::services::{Blog, FollowError};
use microblog_domain::values::{PostBody, Username};
use microblog_domain::{
    FollowCounts, Page, PagePosition, PageRequest, Post, PostId, ProfilePage, TimelinePost, User,
    UserId,
};
use std::sync::Arc;

fn blog(users: MockUserRepository, posts: MockPostRepository) -> Blog {
    blog_with_feeds(users, posts, MockTimelineStore::new())
}

/// Feeds of the default limits: 800 entries, 31 numbered pages of 25 and a look-ahead.
fn blog_with_feeds(
    users: MockUserRepository,
    posts: MockPostRepository,
    mut timelines: MockTimelineStore,
) -> Blog {
    timelines
        .expect_limits()
        .return_const(FeedLimits::default());
    Blog::new(
        Arc::new(users),
        Arc::new(posts),
        Arc::new(timelines),
        Arc::new(TestClock::at(42)),
        25,
    )
}

fn users_with_susan_and_john() -> MockUserRepository {
    let mut users = MockUserRepository::new();
    users.expect_by_username().returning(|name| {
        Ok(match name.as_str() {
            "susan" => Some(user(1, "susan", "h")),
            "john" => Some(user(2, "john", "h")),
            _ => None,
        })
    });
    users
}

fn name(raw: &str) -> Username {
    Username::parse(raw).unwrap()
}

#[tokio::test]
async fn a_post_is_stamped_with_the_clock() {
    let mut posts = MockPostRepository::new();
    posts
        .expect_create()
        .withf(|author, body, at| *author == UserId(1) && body.as_str() == "hi" && *at == t(42))
        .times(1)
        .returning(|author, body, at| {
            Ok(Post {
                id: PostId(1),
                author,
                body: body.clone(),
                timestamp: at,
            })
        });
    let post = blog(MockUserRepository::new(), posts)
        .post(UserId(1), PostBody::parse("hi").unwrap())
        .await
        .unwrap();
    assert_eq!(post.timestamp, t(42));
}

#[tokio::test]
async fn nobody_can_follow_or_unfollow_themselves() {
    let mut posts = MockPostRepository::new();
    posts.expect_follow().never();
    posts.expect_unfollow().never();
    let blog = blog(users_with_susan_and_john(), posts);
    assert!(matches!(
        blog.follow(UserId(1), &name("susan")).await,
        Err(FollowError::CannotFollowSelf)
    ));
    assert!(matches!(
        blog.unfollow(UserId(1), &name("susan")).await,
        Err(FollowError::CannotUnfollowSelf)
    ));
}

#[tokio::test]
async fn following_an_unknown_user_names_them() {
    let blog = blog(users_with_susan_and_john(), MockPostRepository::new());
    let error = blog.follow(UserId(1), &name("ghost")).await.unwrap_err();
    assert_eq!(error.to_string(), "User ghost not found.");
}

#[tokio::test]
async fn follow_and_unfollow_reach_the_repository() {
    let mut posts = MockPostRepository::new();
    posts
        .expect_follow()
        .withf(|a, b| (*a, *b) == (UserId(1), UserId(2)))
        .times(2)
        .returning(|_, _| Ok(()));
    posts
        .expect_unfollow()
        .withf(|a, b| (*a, *b) == (UserId(1), UserId(2)))
        .times(1)
        .returning(|_, _| Ok(()));
    let blog = blog(users_with_susan_and_john(), posts);
    blog.follow(UserId(1), &name("john")).await.unwrap();
    blog.follow(UserId(1), &name("john")).await.unwrap();
    blog.unfollow(UserId(1), &name("john")).await.unwrap();
}

fn empty_page(request: PageRequest) -> Page<TimelinePost> {
    Page::from_lookahead(request, Vec::new())
}

fn profile_of(user: User, posts: Page<TimelinePost>) -> ProfilePage {
    ProfilePage {
        user,
        posts,
        counts: FollowCounts {
            followers: 3,
            following: 4,
        },
        viewer_follows: true,
    }
}

#[tokio::test]
async fn a_profile_is_one_call_to_the_store() {
    let mut users = MockUserRepository::new();
    users.expect_by_username().never();
    let mut posts = MockPostRepository::new();
    posts.expect_by_author().never();
    posts.expect_follow_counts().never();
    posts.expect_is_following().never();
    posts
        .expect_profile()
        .withf(|name, viewer, page| {
            name.as_str() == "john"
                && *viewer == Some(UserId(1))
                && (page.number(), page.per_page()) == (Some(2), 25)
        })
        .times(1)
        .returning(|_, _, page| Ok(Some(profile_of(user(2, "john", "h"), empty_page(page)))));
    posts
        .expect_profile()
        .withf(|name, _, _| name.as_str() == "ghost")
        .times(1)
        .returning(|_, _, _| Ok(None));
    let blog = blog(users, posts);
    let john = blog
        .profile(&name("john"), Some(UserId(1)), PagePosition::Number(2))
        .await
        .unwrap()
        .unwrap();
    assert!(john.viewer_follows, "as the store says");
    assert_eq!((john.counts.followers, john.counts.following), (3, 4));
    assert_eq!(john.posts.position, PagePosition::Number(2));
    let ghost = blog
        .profile(&name("ghost"), None, PagePosition::Number(1))
        .await;
    assert!(ghost.unwrap().is_none(), "an unknown name");
}

#[tokio::test]
async fn a_numbered_page_too_deep_to_reach_is_refused_without_a_query() {
    let mut posts = MockPostRepository::new();
    posts.expect_explore().never();
    posts.expect_timeline().never();
    posts.expect_profile().never();
    let mut timelines = MockTimelineStore::new();
    timelines.expect_home().never();
    let blog = blog_with_feeds(MockUserRepository::new(), posts, timelines);
    let deep = PagePosition::Number(100_000);
    assert!(blog.explore(deep).await.unwrap().is_none());
    assert!(blog.timeline(UserId(1), deep).await.unwrap().is_none());
    assert!(
        blog.profile(&name("john"), None, deep)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn numbered_home_pages_reach_as_deep_as_the_feed_and_cursors_beyond() {
    let mut timelines = MockTimelineStore::new();
    timelines
        .expect_home()
        .withf(|_, page| page.number() == Some(31) || page.number().is_none())
        .times(2)
        .returning(|_, page| Ok(Page::empty(page)));
    let blog = blog_with_feeds(
        MockUserRepository::new(),
        MockPostRepository::new(),
        timelines,
    );
    let home = |at| blog.timeline(UserId(1), at);
    // Page 31 and its look-ahead post are posts 751 to 776 of a feed of 800.
    assert!(home(PagePosition::Number(31)).await.unwrap().is_some());
    assert!(
        home(PagePosition::Number(32)).await.unwrap().is_none(),
        "page 32 ends at post 800: its look-ahead lies beyond the feed"
    );
    assert!(home(PagePosition::Number(400)).await.unwrap().is_none());
    let older = PagePosition::Before(PostId(3));
    assert!(
        home(older).await.unwrap().is_some(),
        "a cursor reaches any depth"
    );
}

/// Post `id` by `author`, named `username`, at second `id`.
fn post_by(id: i64, author: UserId, username: &str) -> TimelinePost {
    TimelinePost {
        post: Post {
            id: PostId(id),
            author,
            body: PostBody::parse("p").unwrap(),
            timestamp: t(id),
        },
        author_username: name(username),
        author_email: microblog_domain::EmailAddress::parse(&format!("{username}@example.com"))
            .unwrap(),
    }
}

#[tokio::test]
async fn a_newer_posts_page_that_reaches_the_top_short_is_the_first_page() {
    let mut posts = MockPostRepository::new();
    let post = |id| post_by(id, UserId(1), "susan");
    posts.expect_explore().times(2).returning(move |request| {
        Ok(match request.position() {
            // Only two posts are newer than post 30: fewer than a page.
            PagePosition::After(_) => Page::from_lookahead(request, vec![post(31), post(32)]),
            PagePosition::Number(1) => {
                Page::from_lookahead(request, (8..=33).rev().map(post).collect())
            }
            other => panic!("unexpected {other:?}"),
        })
    });
    let blog = blog(MockUserRepository::new(), posts);
    let page = blog
        .explore(PagePosition::After(PostId(30)))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(page.position, PagePosition::Number(1));
    assert_eq!(page.items.len(), 25, "a full first page");
    assert!(!page.has_prev && page.has_next);
}

#[tokio::test]
async fn a_newer_posts_profile_page_that_reaches_the_top_short_is_the_first_page() {
    let mut posts = MockPostRepository::new();
    let post = |id| post_by(id, UserId(2), "john");
    posts
        .expect_profile()
        .withf(|name, viewer, _| name.as_str() == "john" && *viewer == Some(UserId(1)))
        .times(2)
        .returning(move |_, _, request| {
            let items = match request.position() {
                PagePosition::After(_) => vec![post(31), post(32)],
                PagePosition::Number(1) => (8..=33).rev().map(post).collect(),
                other => panic!("unexpected {other:?}"),
            };
            let page = Page::from_lookahead(request, items);
            Ok(Some(profile_of(user(2, "john", "h"), page)))
        });
    let blog = blog(MockUserRepository::new(), posts);
    let after = PagePosition::After(PostId(30));
    let john = blog.profile(&name("john"), Some(UserId(1)), after).await;
    let page = john.unwrap().unwrap().posts;
    assert_eq!(page.position, PagePosition::Number(1));
    assert_eq!(page.items.len(), 25, "a full first page");
    assert!(!page.has_prev && page.has_next);
}

#[tokio::test]
async fn the_home_timeline_is_read_from_the_feeds_not_merged_from_follows() {
    let mut posts = MockPostRepository::new();
    posts.expect_timeline().never();
    let mut timelines = MockTimelineStore::new();
    timelines
        .expect_home()
        .withf(|user, page| {
            *user == UserId(1) && page.position() == PagePosition::Before(PostId(9))
        })
        .times(1)
        .returning(|_, page| Ok(Page::empty(page)));
    timelines
        .expect_home()
        .withf(|_, page| page.number() == Some(1))
        .times(1)
        .returning(|_, page| Ok(Page::empty(page)));
    let blog = blog_with_feeds(MockUserRepository::new(), posts, timelines);
    let at = PagePosition::Before(PostId(9));
    assert!(blog.timeline(UserId(1), at).await.unwrap().is_some());
    assert!(
        blog.first_timeline_page(UserId(1))
            .await
            .unwrap()
            .items
            .is_empty()
    );
}
