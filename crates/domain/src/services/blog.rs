//! `Blog`: posts, timelines, explore, profiles, follow and unfollow.

use super::{UnexpectedError, repo};
use crate::entities::{
    Page, PagePosition, PageRequest, Post, ProfilePage, TimelinePost, User, UserId,
};
use crate::ports::RepoError;
use crate::ports::{Clock, PostRepository, TimelineStore, UserRepository};
use crate::values::{PostBody, Username};
use std::sync::Arc;

/// Why a follow or unfollow was refused.
#[derive(Debug, thiserror::Error)]
pub enum FollowError {
    #[error("User {0} not found.")]
    UserNotFound(String),
    #[error("You cannot follow yourself!")]
    CannotFollowSelf,
    #[error("You cannot unfollow yourself!")]
    CannotUnfollowSelf,
    #[error(transparent)]
    Unexpected(#[from] UnexpectedError),
}

/// Which list of posts a page is of.
#[derive(Clone, Copy, Debug)]
enum Listing {
    /// A user's home timeline.
    Home(UserId),
    /// Every post.
    Explore,
}

/// The microblog use cases.
#[derive(Clone)]
pub struct Blog {
    users: Arc<dyn UserRepository>,
    posts: Arc<dyn PostRepository>,
    timelines: Arc<dyn TimelineStore>,
    clock: Arc<dyn Clock>,
    per_page: u32,
}

impl Blog {
    /// Wires the service; `timelines` must be the home feeds of the store behind `posts`
    /// (its writes keep them); `per_page` is `POSTS_PER_PAGE`.
    pub fn new(
        users: Arc<dyn UserRepository>,
        posts: Arc<dyn PostRepository>,
        timelines: Arc<dyn TimelineStore>,
        clock: Arc<dyn Clock>,
        per_page: u32,
    ) -> Self {
        Self {
            users,
            posts,
            timelines,
            clock,
            per_page: per_page.max(1),
        }
    }

    /// The page at `at`, fetched by `fetch`; `None`, without a query, for a numbered page
    /// deeper than [`PageRequest::MAX_OFFSET`] items, or than a home feed holds
    /// ([`FeedLimits::max_entries`](crate::ports::FeedLimits)): beyond the feed, a numbered
    /// page would cost a sort of every followed post. A "Newer posts" page that reaches the
    /// top with fewer than a page of posts is answered with the first page, so the newest
    /// page is always full.
    async fn listing(
        &self,
        listing: Listing,
        at: PagePosition,
    ) -> Result<Option<Page<TimelinePost>>, UnexpectedError> {
        let request = PageRequest::at(at, self.per_page);
        let within_feed = match listing {
            Listing::Home(_) => {
                request.within_first(u64::from(self.timelines.limits().max_entries))
            }
            Listing::Explore => true,
        };
        if !request.within_reach() || !within_feed {
            return Ok(None);
        }
        let page = self.fetch(listing, request).await.map_err(repo)?;
        if short_top(request, &page) {
            let first = PageRequest::new(1, self.per_page);
            return self.fetch(listing, first).await.map(Some).map_err(repo);
        }
        Ok(Some(page))
    }

    async fn fetch(
        &self,
        listing: Listing,
        request: PageRequest,
    ) -> Result<Page<TimelinePost>, RepoError> {
        match listing {
            Listing::Home(user) => self.timelines.home(user, request).await,
            Listing::Explore => self.posts.explore(request).await,
        }
    }

    /// Publishes a post by `author`, timestamped now.
    ///
    /// # Errors
    /// `Unexpected` when storage fails.
    pub async fn post(&self, author: UserId, body: PostBody) -> Result<Post, UnexpectedError> {
        self.posts
            .create(author, &body, self.clock.now())
            .await
            .map_err(repo)
    }

    /// The home timeline: `user`'s own posts and those of everyone they follow, from their
    /// home feed ([`TimelineStore::home`]); `None` for
    /// a numbered page too deep to reach (the handler answers 404).
    ///
    /// # Errors
    /// `Unexpected` when storage fails.
    pub async fn timeline(
        &self,
        user: UserId,
        at: PagePosition,
    ) -> Result<Option<Page<TimelinePost>>, UnexpectedError> {
        self.listing(Listing::Home(user), at).await
    }

    /// The first page of the home timeline (the page beside the post form).
    ///
    /// # Errors
    /// `Unexpected` when storage fails.
    pub async fn first_timeline_page(
        &self,
        user: UserId,
    ) -> Result<Page<TimelinePost>, UnexpectedError> {
        let first = PageRequest::new(1, self.per_page);
        self.timelines.home(user, first).await.map_err(repo)
    }

    /// Every post, newest first; `None` for a numbered page too deep to reach.
    ///
    /// # Errors
    /// `Unexpected` when storage fails.
    pub async fn explore(
        &self,
        at: PagePosition,
    ) -> Result<Option<Page<TimelinePost>>, UnexpectedError> {
        self.listing(Listing::Explore, at).await
    }

    /// A user's profile as `viewer` sees it, or `None` for an unknown username or a
    /// numbered page too deep to reach. One call to the store
    /// ([`PostRepository::profile`]) brings the user, the page, the counts and whether the
    /// viewer follows them; a short "Newer posts" page is answered with the first page, as
    /// in [`Self::explore`].
    ///
    /// # Errors
    /// `Unexpected` when storage fails.
    pub async fn profile(
        &self,
        username: &Username,
        viewer: Option<UserId>,
        at: PagePosition,
    ) -> Result<Option<ProfilePage>, UnexpectedError> {
        let request = PageRequest::at(at, self.per_page);
        if !request.within_reach() {
            return Ok(None);
        }
        let profile = self.posts.profile(username, viewer, request).await;
        let Some(profile) = profile.map_err(repo)? else {
            return Ok(None);
        };
        if short_top(request, &profile.posts) {
            let first = PageRequest::new(1, self.per_page);
            let profile = self.posts.profile(username, viewer, first).await;
            return profile.map_err(repo);
        }
        Ok(Some(profile))
    }

    /// `follower` follows the user named `username`. Following twice is harmless.
    ///
    /// # Errors
    /// [`FollowError::UserNotFound`], [`FollowError::CannotFollowSelf`], or `Unexpected`.
    pub async fn follow(&self, follower: UserId, username: &Username) -> Result<(), FollowError> {
        let target = self.target(username).await?;
        if target.id == follower {
            return Err(FollowError::CannotFollowSelf);
        }
        self.posts.follow(follower, target.id).await.map_err(repo)?;
        Ok(())
    }

    /// `follower` stops following the user named `username`. Unfollowing twice is harmless.
    ///
    /// # Errors
    /// [`FollowError::UserNotFound`], [`FollowError::CannotUnfollowSelf`], or `Unexpected`.
    pub async fn unfollow(&self, follower: UserId, username: &Username) -> Result<(), FollowError> {
        let target = self.target(username).await?;
        if target.id == follower {
            return Err(FollowError::CannotUnfollowSelf);
        }
        self.posts
            .unfollow(follower, target.id)
            .await
            .map_err(repo)?;
        Ok(())
    }

    async fn target(&self, username: &Username) -> Result<User, FollowError> {
        self.users
            .by_username(username)
            .await
            .map_err(repo)?
            .ok_or_else(|| FollowError::UserNotFound(username.to_string()))
    }
}

/// Whether `page`, fetched for `request`, is a "Newer posts" page that reached the top with
/// fewer than a page of posts: it is then answered with the first page, so the newest page
/// is always full.
fn short_top(request: PageRequest, page: &Page<TimelinePost>) -> bool {
    matches!(request.position(), PagePosition::After(_))
        && !page.has_prev
        && page.items.len() < request.per_page() as usize
}
