//! Contract of `PostRepository::profile`: the user found by name, a page of their posts,
//! their follow counts and whether the viewer follows them, each what the separate reads
//! (`UserRepository::by_username`, `by_author`, `follow_counts`) give.

use super::{ids, post};
use crate::contract::user_repository::{T0, must, register};
use microblog_domain::ports::{PostRepository, UserRepository};
use microblog_domain::{FollowCounts, PageRequest, PostId, ProfilePage, User, UserId, Username};

/// The profile of `user` as `viewer` sees it at `request`, which must exist.
async fn profile_of(
    posts: &dyn PostRepository,
    user: &User,
    viewer: Option<UserId>,
    request: PageRequest,
) -> ProfilePage {
    let profile = must(
        posts.profile(&user.username, viewer, request).await,
        "profile",
    );
    profile.unwrap_or_else(|| panic!("{} has a profile", user.username.as_str()))
}

/// The profile of a name nobody has is `None`, whoever asks and whichever page; a name
/// differing from one in use only by case is another name.
pub async fn a_profile_of_an_unknown_name_is_none(
    users: &dyn UserRepository,
    posts: &dyn PostRepository,
) {
    let susan = register(users, "susan", "susan@example.com").await;
    let only = post(posts, susan.id, "hello", T0).await;
    for name in ["ghost", "Susan"] {
        let name = must(Username::parse(name), "a valid fixture username");
        for request in [PageRequest::new(1, 10), PageRequest::before(only.id, 10)] {
            for viewer in [Some(susan.id), None] {
                let profile = must(posts.profile(&name, viewer, request).await, "profile");
                assert!(
                    profile.is_none(),
                    "{} is nobody's name, got {profile:?}",
                    name.as_str()
                );
            }
        }
    }
}

/// A user without posts has a profile: the user as stored, an empty page (page 1 without
/// neighbours, page 2 with a previous one, as `by_author` says) and their counts.
pub async fn a_profile_without_posts_has_an_empty_page_and_the_counts(
    users: &dyn UserRepository,
    posts: &dyn PostRepository,
) {
    let susan = register(users, "susan", "susan@example.com").await;
    let john = register(users, "john", "john@example.com").await;
    let mary = register(users, "mary", "mary@example.com").await;
    must(posts.follow(john.id, susan.id).await, "follow");
    must(posts.follow(mary.id, susan.id).await, "follow");
    must(posts.follow(susan.id, john.id).await, "follow");
    post(posts, john.id, "not susan's", T0).await;

    let first = profile_of(posts, &susan, Some(john.id), PageRequest::new(1, 10)).await;
    let stored = must(users.by_username(&susan.username).await, "by_username");
    assert_eq!(Some(first.user), stored, "the user as stored");
    assert!(
        first.posts.items.is_empty() && !first.posts.has_next && !first.posts.has_prev,
        "no posts, no neighbours: {:?}",
        first.posts
    );
    let counts = FollowCounts {
        followers: 2,
        following: 1,
    };
    assert_eq!(first.counts, counts, "two followers, following one");
    let counted = must(posts.follow_counts(susan.id).await, "follow_counts");
    assert_eq!(first.counts, counted, "the counts follow_counts gives");
    assert!(first.viewer_follows, "john follows susan");

    let second = PageRequest::new(2, 10);
    let page = profile_of(posts, &susan, None, second).await.posts;
    let listed = must(posts.by_author(susan.id, second).await, "by_author");
    assert_eq!(page, listed, "page 2 of no posts is by_author's");
    assert!(page.has_prev, "page 2 has a previous page");
}

/// Whether the viewer follows the user: yes when they do; no when they do not (even if
/// the user follows them), when nobody views, and on one's own profile, even with an edge
/// to oneself (the repository keeps one if given it).
pub async fn a_profile_says_whether_the_viewer_follows_the_user(
    users: &dyn UserRepository,
    posts: &dyn PostRepository,
) {
    let susan = register(users, "susan", "susan@example.com").await;
    let john = register(users, "john", "john@example.com").await;
    let mary = register(users, "mary", "mary@example.com").await;
    for n in 0..3 {
        post(posts, susan.id, "a post", T0 + time::Duration::seconds(n)).await;
    }
    must(posts.follow(john.id, susan.id).await, "follow");
    must(posts.follow(susan.id, mary.id).await, "follow");
    must(posts.follow(susan.id, susan.id).await, "follow oneself");

    let first = PageRequest::new(1, 2);
    let her = &susan;
    let follows = |viewer| async move {
        let profile = profile_of(posts, her, viewer, first).await;
        assert_eq!(profile.posts.items.len(), 2, "a full page");
        profile.viewer_follows
    };
    assert!(follows(Some(john.id)).await, "john follows susan");
    assert!(
        !follows(Some(mary.id)).await,
        "mary does not follow susan, who follows her"
    );
    assert!(!follows(None).await, "nobody views");
    assert!(
        !follows(Some(susan.id)).await,
        "one's own profile, even with an edge to oneself"
    );
    let counts = profile_of(posts, &susan, None, first).await.counts;
    let counted = must(posts.follow_counts(susan.id).await, "follow_counts");
    assert_eq!(counts, counted, "the counts follow_counts gives");
}

/// Every page of a profile (numbered, past the end, older and newer than a cursor, a
/// cursor on another author's post or on no post) is the page `by_author` gives for the
/// same request, bodies byte for byte, with the user's counts beside it.
pub async fn a_profile_pages_as_by_author_does(
    users: &dyn UserRepository,
    posts: &dyn PostRepository,
) {
    let susan = register(users, "susan", "susan@example.com").await;
    let john = register(users, "john", "john@example.com").await;
    must(posts.follow(john.id, susan.id).await, "follow");
    let at = |secs| T0 + time::Duration::seconds(secs);
    let mut hers = Vec::new();
    let mut his = Vec::new();
    // Quotes, backslashes and non-ASCII text, which a store may escape on the way.
    let texts = [
        "hers",
        r#"she said "hi" \ \n \u00e9 — ünïcödé 🎉 <b>&amp;</b>"#,
    ];
    for n in 0..8 {
        // Pairs share a second, so ids break ties; john posts in between.
        let text = texts[usize::from(n % 3 == 1)];
        hers.push(post(posts, susan.id, text, at(n / 2)).await.id);
        his.push(post(posts, john.id, "his", at(n / 2)).await.id);
    }
    hers.reverse();
    let per_page = 3;
    let requests = [
        PageRequest::new(1, per_page),
        PageRequest::new(2, per_page),
        PageRequest::new(3, per_page),
        PageRequest::new(4, per_page),
        PageRequest::before(hers[2], per_page),
        PageRequest::before(hers[6], per_page),
        PageRequest::after(hers[7], per_page),
        PageRequest::after(hers[2], per_page),
        PageRequest::before(his[4], per_page),
        PageRequest::after(his[1], per_page),
        PageRequest::before(PostId(hers[0].0 + 1_000), per_page),
    ];
    let counted = must(posts.follow_counts(susan.id).await, "follow_counts");
    for request in requests {
        let profile = profile_of(posts, &susan, Some(john.id), request).await;
        let listed = must(posts.by_author(susan.id, request).await, "by_author");
        assert_eq!(profile.posts, listed, "{request:?}: by_author's page");
        assert_eq!(profile.user.id, susan.id, "{request:?}: susan's profile");
        assert_eq!(profile.counts, counted, "{request:?}: follow_counts");
        assert!(profile.viewer_follows, "{request:?}: john follows susan");
    }
    let second = profile_of(posts, &susan, None, PageRequest::new(2, per_page)).await;
    let expected: Vec<i64> = hers[3..6].iter().map(|id| id.0).collect();
    assert_eq!(
        ids(&second.posts.items),
        expected,
        "page 2 holds her 4th to 6th newest posts, none of his"
    );
    assert!(second.posts.has_next && second.posts.has_prev);
    let newer = PageRequest::after(hers[7], per_page);
    let newer = profile_of(posts, &susan, None, newer).await.posts;
    let expected: Vec<i64> = hers[4..7].iter().map(|id| id.0).collect();
    assert_eq!(
        ids(&newer.items),
        expected,
        "newer than her oldest: the three before it, newest first"
    );
}
