//! `TimelineStore`: per-user home feeds written when a post is made (fan-out on write).

use super::RepoError;
use crate::entities::{Page, PageRequest, PostId, TimelinePost, UserId};
use async_trait::async_trait;

/// How big feeds grow and who is fanned out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeedLimits {
    /// Entries a feed keeps (`TIMELINE_MAX_ENTRIES`): its newest posts. Pages older than
    /// the feed are answered by the read-time query.
    pub max_entries: u32,
    /// Authors with more followers than this (`TIMELINE_FANOUT_MAX_FOLLOWERS`) are not
    /// copied into their followers' feeds; their posts are merged in when a feed is read.
    pub fanout_max_followers: u64,
}

impl FeedLimits {
    /// Between two trims a feed may hold this many entries beyond `max_entries`: a post
    /// trims the feeds of about one in `TRIM_SLACK` of its recipients, so a post never pays
    /// for trimming every feed it reaches.
    pub const TRIM_SLACK: u64 = 16;
}

impl Default for FeedLimits {
    /// 800 entries (Mastodon's default), fan-out up to 10,000 followers.
    fn default() -> Self {
        Self {
            max_entries: 800,
            fanout_max_followers: 10_000,
        }
    }
}

/// What one [`TimelineStore::rebuild`] call did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RebuildBatch {
    /// The highest user id rebuilt; `None` when no user was left.
    pub last_user: Option<UserId>,
    /// Feeds rebuilt.
    pub users: u64,
    /// Entries the rebuilt feeds now hold.
    pub entries: u64,
}

/// Every user's home feed: the newest posts of the user and of whom they follow, kept as
/// one row per (user, post) so that a home page is one index range scan.
///
/// The writes that change a feed belong to the store's [`super::PostRepository`] and run
/// in the same transaction as the change itself, so an entry is never lost or doubled:
/// `create` copies a post into its author's feed and, when the author has at most
/// `fanout_max_followers` followers, into each follower's; `follow` back-fills the
/// follower's feed with the followed user's newest fanned-out posts (at most
/// `max_entries`); `unfollow` takes the unfollowed user's posts out of the feed.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait TimelineStore: Send + Sync {
    /// A page of `user`'s home timeline: exactly what
    /// [`super::PostRepository::timeline`] gives for the same request (same posts, order and
    /// neighbours), read from the feed merged with the posts of followed authors that were
    /// not fanned out; beyond the feed's oldest entry, from the read-time query.
    ///
    /// # Errors
    /// [`RepoError`] when storage fails. An empty page is `Ok`.
    async fn home(&self, user: UserId, page: PageRequest) -> Result<Page<TimelinePost>, RepoError>;

    /// The limits the feeds are kept to; numbered home pages reach no deeper than
    /// `max_entries` posts, the part of a timeline a feed answers.
    fn limits(&self) -> FeedLimits;

    /// How many entries `user`'s feed holds now (at most `max_entries` after a rebuild or
    /// a follow, and `max_entries + TRIM_SLACK` in between).
    ///
    /// # Errors
    /// [`RepoError`] when storage fails.
    async fn feed_len(&self, user: UserId) -> Result<u64, RepoError>;

    /// Deletes a post and every feed entry of it, in one transaction. `Ok(false)` when no
    /// such post exists.
    ///
    /// # Errors
    /// [`RepoError`] when storage fails; nothing is deleted then.
    async fn delete_post(&self, post: PostId) -> Result<bool, RepoError>;

    /// Rebuilds, from posts and follows, the feeds of up to `users` users with ids above
    /// `after` (all users from the first when `None`), in id order. Idempotent: a rebuilt
    /// feed holds exactly the newest `max_entries` posts it should, whatever it held
    /// before. Call it again with the returned `last_user` until that is `None`.
    ///
    /// # Errors
    /// [`RepoError`] when storage fails; the batch's feeds are left as they were.
    async fn rebuild(&self, after: Option<UserId>, users: u32) -> Result<RebuildBatch, RepoError>;

    /// How many users (and so feeds) there are, for a rebuild's progress.
    ///
    /// # Errors
    /// [`RepoError`] when storage fails.
    async fn user_count(&self) -> Result<u64, RepoError>;
}
