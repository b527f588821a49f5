//! Contract of timeline order and pagination (numbered pages and cursors), on `timeline`,
//! `explore` and `by_author`.

use super::{ids, post};
use crate::contract::user_repository::{T0, must, register};
use microblog_domain::ports::{PostRepository, UserRepository};
use microblog_domain::{Page, PagePosition, PageRequest, PostId, TimelinePost, UserId};

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
            (page.position, page.per_page),
            (PagePosition::Number(2), per_page),
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

/// Following "Older posts" cursors from page 1 visits every post once, in order, and
/// "Newer posts" cursors walk back page by page; a cursor naming no post gives an empty
/// page.
pub async fn cursors_walk_every_page_both_ways(
    users: &dyn UserRepository,
    posts: &dyn PostRepository,
) {
    let susan = register(users, "susan", "susan@example.com").await;
    let at = |secs| T0 + time::Duration::seconds(secs);
    let mut expected = Vec::new();
    for n in 0..8 {
        // Pairs share a second, so the id breaks the tie inside a cursor's key too.
        expected.push(post(posts, susan.id, "walk", at(n / 2)).await.id.0);
    }
    expected.sort_by(|a, b| b.cmp(a));
    let per_page = 3;
    let first = listings(posts, susan.id, PageRequest::new(1, per_page)).await;
    for (name, mut page) in first {
        let mut pages = vec![ids(&page.items)];
        while page.has_next {
            let last = page.items.last().map(|item| item.post.id);
            let last = last.unwrap_or_else(|| panic!("{name}: a page with a next is not empty"));
            page = one_listing(posts, name, susan.id, PageRequest::before(last, per_page)).await;
            assert!(
                page.has_prev,
                "{name}: a page older than a cursor has newer posts"
            );
            pages.push(ids(&page.items));
        }
        assert_eq!(
            pages.concat(),
            expected,
            "{name}: older-posts cursors visit every post once, in order"
        );
        assert_eq!(pages.len(), 3, "{name}: 8 posts make 3 pages of 3");
        let mut back = vec![ids(&page.items)];
        while page.has_prev {
            let top = page.items.first().map(|item| item.post.id);
            let top = top.unwrap_or_else(|| panic!("{name}: a page with newer is not empty"));
            page = one_listing(posts, name, susan.id, PageRequest::after(top, per_page)).await;
            assert!(
                page.has_next,
                "{name}: a page newer than a cursor has older posts"
            );
            back.push(ids(&page.items));
        }
        back.reverse();
        assert_eq!(
            back.concat(),
            expected[expected.len() - back.concat().len()..].to_vec(),
            "{name}: newer-posts cursors walk back in order"
        );
        assert_eq!(
            back.last(),
            pages.last(),
            "{name}: the walk back starts from the last page"
        );
        assert_eq!(
            back[back.len() - 2],
            pages[pages.len() - 2],
            "{name}: one step newer is the page before"
        );
        let gone = PostId(expected[0] + 1_000);
        let nowhere = one_listing(posts, name, susan.id, PageRequest::before(gone, per_page)).await;
        assert!(
            nowhere.items.is_empty() && !nowhere.has_next,
            "{name}: a cursor naming no post gives an empty page"
        );
    }
}

/// The listing called `name` (as [`listings`] names them) at `request`.
async fn one_listing(
    posts: &dyn PostRepository,
    name: &str,
    user: UserId,
    request: PageRequest,
) -> Page<TimelinePost> {
    let page = match name {
        "timeline" => posts.timeline(user, request).await,
        "explore" => posts.explore(request).await,
        _ => posts.by_author(user, request).await,
    };
    must(page, name)
}
