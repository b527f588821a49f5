//! `InMemoryPosts`: the `PostRepository` and `TimelineStore` ports in memory, joining
//! authors from an [`InMemoryUsers`].

mod feeds;

use super::{InMemoryUsers, lock};
use async_trait::async_trait;
use feeds::Feeds;
use microblog_domain::ports::{FeedLimits, PostRepository, RepoError, UserRepository};
use microblog_domain::{
    FollowCounts, Page, PagePosition, PageRequest, Post, PostBody, PostId, ProfilePage,
    TimelinePost, User, UserId, Username,
};
use std::cmp::Reverse;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;

/// Posts and the follower graph in memory. Like the real store's foreign keys, it refuses
/// a post or a follow naming a user that `users` does not hold, with a [`RepoError`].
#[derive(Debug)]
pub struct InMemoryPosts {
    users: Arc<InMemoryUsers>,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// In creation order; ids start at 1 and are never reused.
    posts: Vec<Post>,
    /// The id the next post gets, less one.
    last_id: i64,
    /// `(follower, followed)` edges.
    follows: BTreeSet<(UserId, UserId)>,
    /// Every user's home feed, and which posts were not fanned out.
    feeds: Feeds,
}

/// Why the store refuses a write: it names a user that does not exist.
#[derive(Debug, thiserror::Error)]
#[error("no user has id {}", .0.0)]
struct UnknownUser(UserId);

impl InMemoryPosts {
    /// Posts by the users in `users`, which the listings join for author names, with home
    /// feeds of the default limits.
    pub fn new(users: Arc<InMemoryUsers>) -> Self {
        Self::with_feed_limits(users, FeedLimits::default())
    }

    /// Posts by the users in `users`, with home feeds of `limits`.
    pub fn with_feed_limits(users: Arc<InMemoryUsers>, limits: FeedLimits) -> Self {
        let state = State {
            feeds: Feeds::new(limits),
            ..State::default()
        };
        Self {
            users,
            state: Mutex::new(state),
        }
    }

    /// How many posts are stored.
    pub fn count(&self) -> usize {
        lock(&self.state).posts.len()
    }

    /// Whether `follower` follows `followed`, without going through the async port.
    pub fn follows(&self, follower: UserId, followed: UserId) -> bool {
        lock(&self.state).follows.contains(&(follower, followed))
    }

    /// The home timeline computed from posts and follows, ignoring the feeds.
    async fn timeline_read_time(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> Result<Page<TimelinePost>, RepoError> {
        self.page(page, |state, post| {
            post.author == user || state.follows.contains(&(user, post.author))
        })
    }

    fn known(&self, user: UserId) -> Result<(), RepoError> {
        if self.users.exists(user) {
            Ok(())
        } else {
            Err(RepoError::new(UnknownUser(user)))
        }
    }

    /// The page `request` of the posts `keep` selects, newest first (ties: higher id
    /// first), each with its author as stored now. A cursor names a post by id; when no
    /// such post exists the page is empty.
    fn page(
        &self,
        request: PageRequest,
        keep: impl Fn(&State, &Post) -> bool,
    ) -> Result<Page<TimelinePost>, RepoError> {
        let (selected, cursor) = {
            let state = lock(&self.state);
            let selected: Vec<Post> = state
                .posts
                .iter()
                .filter(|post| keep(&state, post))
                .cloned()
                .collect();
            let cursor = match request.position() {
                PagePosition::Number(_) => None,
                PagePosition::Before(id) | PagePosition::After(id) => {
                    match state.posts.iter().find(|post| post.id == id) {
                        Some(post) => Some(key(post)),
                        None => return Ok(Page::empty(request)),
                    }
                }
            };
            (selected, cursor)
        };
        let lookahead = usize::try_from(request.per_page()).map_or(usize::MAX, |n| n + 1);
        let authors = self.users.all();
        let rows = in_page_order(selected, request, cursor)
            .into_iter()
            .take(lookahead)
            .map(|post| with_author(post, &authors))
            .collect::<Result<_, _>>()?;
        Ok(Page::from_lookahead(request, rows))
    }
}

/// The order key of listings: `(timestamp, id)`, compared newest last.
pub(super) fn key(post: &Post) -> (OffsetDateTime, PostId) {
    (post.timestamp, post.id)
}

/// `posts` from where `request` starts, in its order: newest first after skipping the
/// offset or older than the cursor; oldest first when newer than the cursor.
pub(super) fn in_page_order(
    mut posts: Vec<Post>,
    request: PageRequest,
    cursor: Option<(OffsetDateTime, PostId)>,
) -> Vec<Post> {
    posts.sort_by_key(|post| Reverse(key(post)));
    match (request.position(), cursor) {
        (PagePosition::Before(_), Some(cursor)) => {
            posts.retain(|post| key(post) < cursor);
            posts
        }
        (PagePosition::After(_), Some(cursor)) => {
            posts.retain(|post| key(post) > cursor);
            posts.reverse();
            posts
        }
        _ => {
            let offset = usize::try_from(request.offset()).unwrap_or(usize::MAX);
            posts.into_iter().skip(offset).collect()
        }
    }
}

/// `post` with its author's name and address; a post whose author is gone is corrupt.
pub(super) fn with_author(post: Post, authors: &[User]) -> Result<TimelinePost, RepoError> {
    let author = authors
        .iter()
        .find(|user| user.id == post.author)
        .ok_or_else(|| RepoError::new(UnknownUser(post.author)))?;
    Ok(TimelinePost {
        author_username: author.username.clone(),
        author_email: author.email.clone(),
        post,
    })
}

#[async_trait]
impl PostRepository for InMemoryPosts {
    async fn create(
        &self,
        author: UserId,
        body: &PostBody,
        at: OffsetDateTime,
    ) -> Result<Post, RepoError> {
        self.known(author)?;
        let mut state = lock(&self.state);
        state.last_id += 1;
        let post = Post {
            id: PostId(state.last_id),
            author,
            body: body.clone(),
            timestamp: at,
        };
        state.posts.push(post.clone());
        let followers: Vec<UserId> = state
            .follows
            .iter()
            .filter(|(follower, followed)| *followed == author && *follower != author)
            .map(|(follower, _)| *follower)
            .collect();
        state.feeds.fan_out(&post, &followers);
        Ok(post)
    }

    async fn timeline(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> Result<Page<TimelinePost>, RepoError> {
        self.timeline_read_time(user, page).await
    }

    async fn explore(&self, page: PageRequest) -> Result<Page<TimelinePost>, RepoError> {
        self.page(page, |_, _| true)
    }

    async fn by_author(
        &self,
        author: UserId,
        page: PageRequest,
    ) -> Result<Page<TimelinePost>, RepoError> {
        self.page(page, |_, post| post.author == author)
    }

    /// Composed of the other reads: in memory a call costs nothing.
    async fn profile(
        &self,
        username: &Username,
        viewer: Option<UserId>,
        page: PageRequest,
    ) -> Result<Option<ProfilePage>, RepoError> {
        let Some(user) = self.users.by_username(username).await? else {
            return Ok(None);
        };
        let posts = self.by_author(user.id, page).await?;
        let counts = self.follow_counts(user.id).await?;
        let viewer_follows =
            viewer.is_some_and(|viewer| viewer != user.id && self.follows(viewer, user.id));
        Ok(Some(ProfilePage {
            user,
            posts,
            counts,
            viewer_follows,
        }))
    }

    async fn follow(&self, follower: UserId, followed: UserId) -> Result<(), RepoError> {
        self.known(follower)?;
        self.known(followed)?;
        let mut state = lock(&self.state);
        if state.follows.insert((follower, followed)) && follower != followed {
            let State { posts, feeds, .. } = &mut *state;
            let theirs = posts.iter().filter(|post| post.author == followed);
            feeds.back_fill(follower, theirs);
        }
        Ok(())
    }

    async fn unfollow(&self, follower: UserId, followed: UserId) -> Result<(), RepoError> {
        let mut state = lock(&self.state);
        if state.follows.remove(&(follower, followed)) && follower != followed {
            state.feeds.forget_author(follower, followed);
        }
        Ok(())
    }

    async fn is_following(&self, follower: UserId, followed: UserId) -> Result<bool, RepoError> {
        Ok(self.follows(follower, followed))
    }

    async fn follow_counts(&self, user: UserId) -> Result<FollowCounts, RepoError> {
        let state = lock(&self.state);
        let count = |edge: fn(&(UserId, UserId)) -> UserId| {
            let n = state.follows.iter().filter(|e| edge(e) == user).count();
            u64::try_from(n).unwrap_or(u64::MAX)
        };
        Ok(FollowCounts {
            followers: count(|(_, followed)| *followed),
            following: count(|(follower, _)| *follower),
        })
    }
}
