//! The check every timeline property ends with: home pages equal read-time pages.

use crate::contract::user_repository::must;
use microblog_domain::ports::{PostRepository, TimelineStore};
use microblog_domain::{PageRequest, User};

/// For each of `users`, every numbered page of the home timeline (2 posts a page), and the
/// pages before and after each, equal the read-time timeline's (items, neighbours).
pub(super) async fn homes_match_read_time(
    posts: &dyn PostRepository,
    timelines: &dyn TimelineStore,
    users: &[&User],
) {
    for user in users {
        let mut number = 1;
        loop {
            let numbered = PageRequest::new(number, 2);
            let page = same_page(posts, timelines, user, numbered).await;
            if let (Some(first), Some(last)) = (page.items.first(), page.items.last()) {
                same_page(posts, timelines, user, PageRequest::before(last.post.id, 2)).await;
                same_page(posts, timelines, user, PageRequest::after(first.post.id, 2)).await;
                same_page(
                    posts,
                    timelines,
                    user,
                    PageRequest::before(first.post.id, 3),
                )
                .await;
            }
            if !page.has_next {
                break;
            }
            number += 1;
        }
    }
}

/// The page `request` of `user`'s home timeline, after checking that it equals the
/// read-time one.
async fn same_page(
    posts: &dyn PostRepository,
    timelines: &dyn TimelineStore,
    user: &User,
    request: PageRequest,
) -> microblog_domain::Page<microblog_domain::TimelinePost> {
    let home = must(timelines.home(user.id, request).await, "home");
    let read_time = must(posts.timeline(user.id, request).await, "timeline");
    let ids = |page: &microblog_domain::Page<microblog_domain::TimelinePost>| {
        page.items
            .iter()
            .map(|item| item.post.id.0)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        (ids(&home), home.has_next, home.has_prev),
        (ids(&read_time), read_time.has_next, read_time.has_prev),
        "{}'s home page {request:?} differs from the read-time timeline",
        user.username
    );
    assert_eq!(
        home, read_time,
        "{}'s page {request:?}, authors and all",
        user.username
    );
    home
}
