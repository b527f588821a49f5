//! The whole `TimelineStore` contract: every property, and a runner for them all.

use super::{
    a_deleted_post_leaves_every_feed, a_follow_back_fills_the_newest_posts_once,
    a_post_fans_out_to_its_author_and_followers, a_rebuild_restores_every_feed_idempotently,
    an_author_with_many_followers_is_merged_at_read_time, an_unfollow_takes_the_authors_posts_out,
    feeds_keep_only_their_newest_entries, pages_beyond_the_feed_hold_whatever_the_rate,
};
use crate::contract::{Check, run_each};
use microblog_domain::ports::{PostRepository, TimelineStore, UserRepository};
use std::fmt;
use std::future::Future;

/// One property of the contract. Run it with [`Property::check`] on the three ports of one
/// fresh, empty store built with [`super::LIMITS`].
#[derive(Clone, Copy)]
pub struct Property {
    name: &'static str,
    check: for<'a> fn(
        &'a dyn UserRepository,
        &'a dyn PostRepository,
        &'a dyn TimelineStore,
    ) -> Check<'a>,
}

impl Property {
    /// The property's function name, e.g. `a_post_fans_out_to_its_author_and_followers`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Checks the property on `users`, `posts` and `timelines`, all on one fresh and empty
    /// store built with [`super::LIMITS`].
    ///
    /// # Panics
    /// When the adapter breaks the property (the message names the clause).
    pub async fn check(
        self,
        users: &dyn UserRepository,
        posts: &dyn PostRepository,
        timelines: &dyn TimelineStore,
    ) {
        (self.check)(users, posts, timelines).await;
    }
}

impl fmt::Debug for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Property").field(&self.name).finish()
    }
}

/// Every property of the `TimelineStore` contract.
pub const PROPERTIES: &[Property] = &[
    property!(a_post_fans_out_to_its_author_and_followers(
        users, posts, timelines
    )),
    property!(a_follow_back_fills_the_newest_posts_once(
        users, posts, timelines
    )),
    property!(an_unfollow_takes_the_authors_posts_out(
        users, posts, timelines
    )),
    property!(a_deleted_post_leaves_every_feed(users, posts, timelines)),
    property!(an_author_with_many_followers_is_merged_at_read_time(
        users, posts, timelines
    )),
    property!(feeds_keep_only_their_newest_entries(
        users, posts, timelines
    )),
    property!(pages_beyond_the_feed_hold_whatever_the_rate(
        users, posts, timelines
    )),
    property!(a_rebuild_restores_every_feed_idempotently(
        users, posts, timelines
    )),
];

/// Runs every property: `on_fresh_store` gets each [`Property`] in turn and must
/// [`check`](Property::check) it on a fresh, empty store built with [`super::LIMITS`]. Call
/// it inside a Tokio runtime (each property runs as its own task).
///
/// # Panics
/// After running them all, when any property failed, naming every one that did.
pub async fn run_all<F, Fut>(on_fresh_store: F)
where
    F: FnMut(Property) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run_each("TimelineStore", PROPERTIES, Property::name, on_fresh_store).await;
}
