//! `PostRepository`: posts, timelines and the follower graph.

use super::RepoError;
use crate::entities::{FollowCounts, Page, PageRequest, Post, ProfilePage, TimelinePost, UserId};
use crate::values::{PostBody, Username};
use async_trait::async_trait;
use time::OffsetDateTime;

/// Stores posts and who follows whom.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait PostRepository: Send + Sync {
    /// Stores a post by `author` at `at`, and (in the same transaction) copies it into the
    /// home feeds of the author and, unless the author has too many followers, of each
    /// follower ([`super::TimelineStore`]).
    ///
    /// # Errors
    /// [`RepoError`] when storage fails (including an `author` that does not exist).
    async fn create(
        &self,
        author: UserId,
        body: &PostBody,
        at: OffsetDateTime,
    ) -> Result<Post, RepoError>;

    /// Posts by `user` and by everyone `user` follows, newest first (ties: higher id first),
    /// each with its author, in one query over posts and follows: the read-time timeline,
    /// which the feeds of [`super::TimelineStore::home`] must always agree with.
    ///
    /// # Errors
    /// [`RepoError`] when storage fails. An empty page is `Ok`.
    async fn timeline(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> Result<Page<TimelinePost>, RepoError>;

    /// All posts, newest first (ties: higher id first).
    ///
    /// # Errors
    /// [`RepoError`] when storage fails.
    async fn explore(&self, page: PageRequest) -> Result<Page<TimelinePost>, RepoError>;

    /// Posts by `author`, newest first (ties: higher id first).
    ///
    /// # Errors
    /// [`RepoError`] when storage fails.
    async fn by_author(
        &self,
        author: UserId,
        page: PageRequest,
    ) -> Result<Page<TimelinePost>, RepoError>;

    /// The profile of the user named `username` as `viewer` sees it: the user, the page
    /// `page` of their posts (exactly what [`Self::by_author`] lists for that request),
    /// their [`Self::follow_counts`], and whether `viewer` follows them (`false` when
    /// `viewer` is `None` or the user themselves). Everything is read together, so a
    /// profile page costs one round trip to the store (a cursor page may add the look-up
    /// of its cursor post); a cursor naming no post gives an empty page of a found user.
    ///
    /// # Errors
    /// [`RepoError`] when storage fails. An unknown username is `Ok(None)`.
    async fn profile(
        &self,
        username: &Username,
        viewer: Option<UserId>,
        page: PageRequest,
    ) -> Result<Option<ProfilePage>, RepoError>;

    /// Makes `follower` follow `followed`, and (in the same transaction) back-fills the
    /// follower's feed with the followed user's newest fanned-out posts. Idempotent:
    /// following twice is one edge and one back-fill, `Ok`.
    /// Self-follow is the service's rule to refuse; the repository stores what it is given.
    ///
    /// # Errors
    /// [`RepoError`] when storage fails.
    async fn follow(&self, follower: UserId, followed: UserId) -> Result<(), RepoError>;

    /// Removes the edge if present, and (in the same transaction) the unfollowed user's posts
    /// from the follower's feed. Idempotent.
    ///
    /// # Errors
    /// [`RepoError`] when storage fails.
    async fn unfollow(&self, follower: UserId, followed: UserId) -> Result<(), RepoError>;

    /// Whether `follower` follows `followed`.
    ///
    /// # Errors
    /// [`RepoError`] when storage fails.
    async fn is_following(&self, follower: UserId, followed: UserId) -> Result<bool, RepoError>;

    /// How many follow `user`, and how many `user` follows.
    ///
    /// # Errors
    /// [`RepoError`] when storage fails.
    async fn follow_counts(&self, user: UserId) -> Result<FollowCounts, RepoError>;
}
