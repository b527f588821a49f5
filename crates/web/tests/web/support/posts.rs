//! `MemoryPosts`: the post repository in memory, following its contract (newest first, ties
//! by id, look-ahead paging, idempotent follows).

use super::fakes::MemoryUsers;
use async_trait::async_trait;
use microblog_domain::ports::{PostRepository, RepoError};
use microblog_domain::{
    FollowCounts, Page, PageRequest, Post, PostBody, PostId, TimelinePost, UserId,
};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;

/// Posts and follows, joined with [`MemoryUsers`] for authors.
pub struct MemoryPosts {
    users: Arc<MemoryUsers>,
    posts: Mutex<Vec<Post>>,
    follows: Mutex<HashSet<(UserId, UserId)>>,
}

impl MemoryPosts {
    pub fn new(users: Arc<MemoryUsers>) -> Self {
        Self {
            users,
            posts: Mutex::default(),
            follows: Mutex::default(),
        }
    }

    pub fn count(&self) -> usize {
        self.posts.lock().unwrap().len()
    }

    pub fn follows(&self, follower: UserId, followed: UserId) -> bool {
        self.follows.lock().unwrap().contains(&(follower, followed))
    }

    fn page(&self, request: PageRequest, keep: impl Fn(&Post) -> bool) -> Page<TimelinePost> {
        let users = self.users.all();
        let mut posts: Vec<Post> = self
            .posts
            .lock()
            .unwrap()
            .iter()
            .filter(|p| keep(p))
            .cloned()
            .collect();
        posts.sort_by(|a, b| b.timestamp.cmp(&a.timestamp).then(b.id.cmp(&a.id)));
        let rows = posts
            .into_iter()
            .skip(request.offset() as usize)
            .take(request.per_page() as usize + 1)
            .map(|post| {
                let author = users
                    .iter()
                    .find(|u| u.id == post.author)
                    .expect("author exists");
                TimelinePost {
                    author_username: author.username.clone(),
                    author_email: author.email.clone(),
                    post,
                }
            })
            .collect();
        Page::from_lookahead(request, rows)
    }
}

#[async_trait]
impl PostRepository for MemoryPosts {
    async fn create(
        &self,
        author: UserId,
        body: &PostBody,
        at: OffsetDateTime,
    ) -> Result<Post, RepoError> {
        let mut posts = self.posts.lock().unwrap();
        let post = Post {
            id: PostId(posts.len() as i64 + 1),
            author,
            body: body.clone(),
            timestamp: at,
        };
        posts.push(post.clone());
        Ok(post)
    }

    async fn timeline(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> Result<Page<TimelinePost>, RepoError> {
        let follows = self.follows.lock().unwrap().clone();
        Ok(self.page(page, |p| {
            p.author == user || follows.contains(&(user, p.author))
        }))
    }

    async fn explore(&self, page: PageRequest) -> Result<Page<TimelinePost>, RepoError> {
        Ok(self.page(page, |_| true))
    }

    async fn by_author(
        &self,
        author: UserId,
        page: PageRequest,
    ) -> Result<Page<TimelinePost>, RepoError> {
        Ok(self.page(page, |p| p.author == author))
    }

    async fn follow(&self, follower: UserId, followed: UserId) -> Result<(), RepoError> {
        self.follows.lock().unwrap().insert((follower, followed));
        Ok(())
    }

    async fn unfollow(&self, follower: UserId, followed: UserId) -> Result<(), RepoError> {
        self.follows.lock().unwrap().remove(&(follower, followed));
        Ok(())
    }

    async fn is_following(&self, follower: UserId, followed: UserId) -> Result<bool, RepoError> {
        Ok(self.follows(follower, followed))
    }

    async fn follow_counts(&self, user: UserId) -> Result<FollowCounts, RepoError> {
        let follows = self.follows.lock().unwrap();
        Ok(FollowCounts {
            followers: follows.iter().filter(|(_, b)| *b == user).count() as u64,
            following: follows.iter().filter(|(a, _)| *a == user).count() as u64,
        })
    }
}
