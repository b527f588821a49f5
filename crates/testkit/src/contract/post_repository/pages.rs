//! Contract of timeline order and pagination, on `timeline`, `explore` and `by_author`.

use super::{ids, post};
use crate::contract::user_repository::{T0, must, register};
use microblog_domain::ports::{PostRepository, UserRepository};
use microblog_domain::{Page, PageRequest, TimelinePost, UserId};

/// The three listings of one user's posts (who follows nobody, in a store with no one else).
async fn listings(
    posts: &dyn PostRepository,
    user: UserId,
    request: PageRequest,
) -> [(&'static str, Page<TimelinePost>); 3] {
    [
        (
            "timeline",
            must(posts.timeline(user, request).await, "timeline"),
        ),
        ("explore", must(posts.explore(request).await, "explore")),
        (
            "by_author",
            must(posts.by_author(user, request).await, "by_author"),
        ),
    ]
}

/// Newest first by timestamp, not by insertion; equal timestamps: higher id first.
pub async fn timelines_are_newest_first_with_id_tiebreak(
    users: &dyn UserRepository,
    posts: &dyn PostRepository,
) {
    let susan = register(users, "susan", "susan@example.com").await;
    let at = |secs| T0 + time::Duration::seconds(secs);
    // Inserted out of time order, and two sharing one second.
    let t2 = post(posts, susan.id, "at 2", at(2)).await;
    let t0 = post(posts, susan.id, "at 0", at(0)).await;
    let t3a = post(posts, susan.id, "at 3, first", at(3)).await;
    let t1 = post(posts, susan.id, "at 1", at(1)).await;
    let t3b = post(posts, susan.id, "at 3, second", at(3)).await;
    let expected = vec![t3b.id.0, t3a.id.0, t2.id.0, t1.id.0, t0.id.0];
    for (name, page) in listings(posts, susan.id, PageRequest::new(1, 10)).await {
        assert_eq!(
            ids(&page.items),
            expected,
            "{name}: timestamp DESC, id DESC"
        );
    }
    // The order holds across page boundaries too.
    let mut paged = Vec::new();
    for number in 1..=3 {
        let page = must(posts.explore(PageRequest::new(number, 2)).await, "explore");
        paged.extend(ids(&page.items));
    }
    assert_eq!(
        paged, expected,
        "explore pages concatenate to the same order"
    );
}

/// Exactly `per_page` posts: one page, no next. One more: page 1 has a next, page 2 holds
/// the oldest post and has a previous but no next; past the end: empty, no next.
pub async fn pages_end_exactly_where_the_posts_do(
    users: &dyn UserRepository,
    posts: &dyn PostRepository,
) {
    let susan = register(users, "susan", "susan@example.com").await;
    let per_page = 3;
    let at = |secs| T0 + time::Duration::seconds(secs);
    let empty = listings(posts, susan.id, PageRequest::new(1, per_page)).await;
    for (name, page) in empty {
        assert!(
            page.items.is_empty() && !page.has_next && !page.has_prev,
            "{name}: no posts"
        );
    }
    let oldest = post(posts, susan.id, "oldest", at(0)).await;
    for secs in 1..i64::from(per_page) {
        post(posts, susan.id, "filler", at(secs)).await;
    }
    for (name, page) in listings(posts, susan.id, PageRequest::new(1, per_page)).await {
        assert_eq!(
            page.items.len(),
            3,
            "{name}: exactly per_page posts fit on page 1"
        );
        assert!(
            !page.has_next,
            "{name}: exactly per_page posts means no next page"
        );
        assert!(!page.has_prev, "{name}: page 1 has no previous page");
    }

    let newest = post(posts, susan.id, "newest", at(10)).await;
    for (name, page) in listings(posts, susan.id, PageRequest::new(1, per_page)).await {
        assert_eq!(page.items.len(), 3, "{name}: page 1 stays full");
        assert_eq!(
            page.items[0].post.id, newest.id,
            "{name}: the newest post leads page 1"
        );
        assert!(
            page.has_next,
            "{name}: per_page + 1 posts means a next page"
        );
    }
    for (name, page) in listings(posts, susan.id, PageRequest::new(2, per_page)).await {
        assert_eq!(
            ids(&page.items),
            vec![oldest.id.0],
            "{name}: page 2 holds the oldest post"
        );
        assert!(
            page.has_prev && !page.has_next,
            "{name}: page 2 is the last page"
        );
        assert_eq!(
            (page.page, page.per_page),
            (2, per_page),
            "{name}: page says which it is"
        );
    }
    for (name, page) in listings(posts, susan.id, PageRequest::new(3, per_page)).await {
        assert!(page.items.is_empty(), "{name}: past the end is empty");
        assert!(
            page.has_prev && !page.has_next,
            "{name}: past the end has no next page"
        );
    }
}
