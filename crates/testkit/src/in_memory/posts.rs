//! `InMemoryPosts`: the `PostRepository` port in memory, joining authors from an
//! [`InMemoryUsers`].

use super::{InMemoryUsers, lock, next_id};
use async_trait::async_trait;
use microblog_domain::ports::{PostRepository, RepoError};
use microblog_domain::{
    FollowCounts, Page, PageRequest, Post, PostBody, PostId, TimelinePost, User, UserId,
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
    /// In creation order; ids start at 1.
    posts: Vec<Post>,
    /// `(follower, followed)` edges.
    follows: BTreeSet<(UserId, UserId)>,
}

/// Why the store refuses a write: it names a user that does not exist.
#[derive(Debug, thiserror::Error)]
#[error("no user has id {}", .0.0)]
struct UnknownUser(UserId);

impl InMemoryPosts {
    /// Posts by the users in `users`, which the listings join for author names.
    pub fn new(users: Arc<InMemoryUsers>) -> Self {
        Self {
            users,
            state: Mutex::default(),
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

    fn known(&self, user: UserId) -> Result<(), RepoError> {
        if self.users.exists(user) {
            Ok(())
        } else {
            Err(RepoError::new(UnknownUser(user)))
        }
    }

    /// The page `request` of the posts `keep` selects, newest first (ties: higher id
    /// first), each with its author as stored now.
    fn page(
        &self,
        request: PageRequest,
        keep: impl Fn(&State, &Post) -> bool,
    ) -> Result<Page<TimelinePost>, RepoError> {
        let mut selected: Vec<Post> = {
            let state = lock(&self.state);
            state
                .posts
                .iter()
                .filter(|post| keep(&state, post))
                .cloned()
                .collect()
        };
        selected.sort_by_key(|post| Reverse((post.timestamp, post.id)));
        let offset = usize::try_from(request.offset()).unwrap_or(usize::MAX);
        let lookahead = usize::try_from(request.per_page()).map_or(usize::MAX, |n| n + 1);
        let authors = self.users.all();
        let rows = selected
            .into_iter()
            .skip(offset)
            .take(lookahead)
            .map(|post| with_author(post, &authors))
            .collect::<Result<_, _>>()?;
        Ok(Page::from_lookahead(request, rows))
    }
}

/// `post` with its author's name and address; a post whose author is gone is corrupt.
fn with_author(post: Post, authors: &[User]) -> Result<TimelinePost, RepoError> {
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
        let post = Post {
            id: PostId(next_id(state.posts.len())),
            author,
            body: body.clone(),
            timestamp: at,
        };
        state.posts.push(post.clone());
        Ok(post)
    }

    async fn timeline(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> Result<Page<TimelinePost>, RepoError> {
        self.page(page, |state, post| {
            post.author == user || state.follows.contains(&(user, post.author))
        })
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

    async fn follow(&self, follower: UserId, followed: UserId) -> Result<(), RepoError> {
        self.known(follower)?;
        self.known(followed)?;
        lock(&self.state).follows.insert((follower, followed));
        Ok(())
    }

    async fn unfollow(&self, follower: UserId, followed: UserId) -> Result<(), RepoError> {
        lock(&self.state).follows.remove(&(follower, followed));
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
