//! `Blog`: posts, timelines, explore, profiles, follow and unfollow.

use super::{UnexpectedError, repo};
use crate::entities::{FollowCounts, Page, PageRequest, Post, TimelinePost, User, UserId};
use crate::ports::{Clock, PostRepository, UserRepository};
use crate::values::{PostBody, Username};
use std::sync::Arc;

/// A profile page's content.
#[derive(Clone, Debug)]
pub struct ProfilePage {
    pub user: User,
    pub posts: Page<TimelinePost>,
    pub counts: FollowCounts,
    /// Whether the viewer follows this user (`false` for anonymous viewers and oneself).
    pub viewer_follows: bool,
}

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

/// The microblog use cases.
#[derive(Clone)]
pub struct Blog {
    users: Arc<dyn UserRepository>,
    posts: Arc<dyn PostRepository>,
    clock: Arc<dyn Clock>,
    per_page: u32,
}

impl Blog {
    /// Wires the service; `per_page` is `POSTS_PER_PAGE`.
    pub fn new(
        users: Arc<dyn UserRepository>,
        posts: Arc<dyn PostRepository>,
        clock: Arc<dyn Clock>,
        per_page: u32,
    ) -> Self {
        Self {
            users,
            posts,
            clock,
            per_page: per_page.max(1),
        }
    }

    fn page(&self, page: u32) -> PageRequest {
        PageRequest::new(page, self.per_page)
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

    /// The home timeline: `user`'s own posts and those of everyone they follow.
    ///
    /// # Errors
    /// `Unexpected` when storage fails.
    pub async fn timeline(
        &self,
        user: UserId,
        page: u32,
    ) -> Result<Page<TimelinePost>, UnexpectedError> {
        self.posts
            .timeline(user, self.page(page))
            .await
            .map_err(repo)
    }

    /// Every post, newest first.
    ///
    /// # Errors
    /// `Unexpected` when storage fails.
    pub async fn explore(&self, page: u32) -> Result<Page<TimelinePost>, UnexpectedError> {
        self.posts.explore(self.page(page)).await.map_err(repo)
    }

    /// A user's profile as `viewer` sees it, or `None` for an unknown username.
    ///
    /// # Errors
    /// `Unexpected` when storage fails.
    pub async fn profile(
        &self,
        username: &Username,
        viewer: Option<UserId>,
        page: u32,
    ) -> Result<Option<ProfilePage>, UnexpectedError> {
        let Some(user) = self.users.by_username(username).await.map_err(repo)? else {
            return Ok(None);
        };
        let posts = self
            .posts
            .by_author(user.id, self.page(page))
            .await
            .map_err(repo)?;
        let counts = self.posts.follow_counts(user.id).await.map_err(repo)?;
        let viewer_follows = match viewer {
            Some(viewer) if viewer != user.id => self
                .posts
                .is_following(viewer, user.id)
                .await
                .map_err(repo)?,
            _ => false,
        };
        Ok(Some(ProfilePage {
            user,
            posts,
            counts,
            viewer_follows,
        }))
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
