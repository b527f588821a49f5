//! The whole `PostRepository` contract: every property, and a runner for them all.

use super::{
    a_profile_of_an_unknown_name_is_none, a_profile_pages_as_by_author_does,
    a_profile_says_whether_the_viewer_follows_the_user,
    a_profile_without_posts_has_an_empty_page_and_the_counts, by_author_lists_only_that_author,
    created_post_round_trips, cursors_walk_every_page_both_ways,
    following_is_idempotent_and_counted, pages_end_exactly_where_the_posts_do,
    post_by_unknown_author_fails, timeline_shows_own_and_followed_posts_only,
    timelines_are_newest_first_with_id_tiebreak,
};
use crate::contract::{Check, run_each};
use microblog_domain::ports::{PostRepository, UserRepository};
use std::fmt;
use std::future::Future;

/// One property of the contract. Run it with [`Property::check`] on the two repositories of
/// one fresh, empty store.
#[derive(Clone, Copy)]
pub struct Property {
    name: &'static str,
    check: for<'a> fn(&'a dyn UserRepository, &'a dyn PostRepository) -> Check<'a>,
}

impl Property {
    /// The property's function name, e.g. `created_post_round_trips`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Checks the property on `users` and `posts`, both on one fresh and empty store
    /// (posts refer to users, who are created through `users`).
    ///
    /// # Panics
    /// When the adapter breaks the property (the message names the clause).
    pub async fn check(self, users: &dyn UserRepository, posts: &dyn PostRepository) {
        (self.check)(users, posts).await;
    }
}

impl fmt::Debug for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Property").field(&self.name).finish()
    }
}

/// Every property of the `PostRepository` contract.
pub const PROPERTIES: &[Property] = &[
    property!(created_post_round_trips(users, posts)),
    property!(post_by_unknown_author_fails(users, posts)),
    property!(following_is_idempotent_and_counted(users, posts)),
    property!(timeline_shows_own_and_followed_posts_only(users, posts)),
    property!(by_author_lists_only_that_author(users, posts)),
    property!(timelines_are_newest_first_with_id_tiebreak(users, posts)),
    property!(pages_end_exactly_where_the_posts_do(users, posts)),
    property!(cursors_walk_every_page_both_ways(users, posts)),
    property!(a_profile_of_an_unknown_name_is_none(users, posts)),
    property!(a_profile_without_posts_has_an_empty_page_and_the_counts(
        users, posts
    )),
    property!(a_profile_says_whether_the_viewer_follows_the_user(
        users, posts
    )),
    property!(a_profile_pages_as_by_author_does(users, posts)),
];

/// Runs every property: `on_fresh_store` gets each [`Property`] in turn and must
/// [`check`](Property::check) it on a fresh, empty store. Call it inside a Tokio runtime
/// (each property runs as its own task).
///
/// # Panics
/// After running them all, when any property failed, naming every one that did.
pub async fn run_all<F, Fut>(on_fresh_store: F)
where
    F: FnMut(Property) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run_each("PostRepository", PROPERTIES, Property::name, on_fresh_store).await;
}
