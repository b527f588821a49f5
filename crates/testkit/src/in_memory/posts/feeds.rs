//! `Feeds`: the home feeds of [`super::InMemoryPosts`], and its `TimelineStore` port.

use super::{InMemoryPosts, in_page_order, key, lock, with_author};
use async_trait::async_trait;
use microblog_domain::ports::{FeedLimits, RebuildBatch, RepoError, TimelineStore};
use microblog_domain::{Page, PagePosition, PageRequest, Post, PostId, TimelinePost, UserId};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use time::OffsetDateTime;

/// A feed entry, ordered oldest first: `(timestamp, post, author)`.
type Entry = (OffsetDateTime, PostId, UserId);

/// The posts a home page is picked from, and the key of its cursor post.
type Candidates = (Vec<Post>, Option<(OffsetDateTime, PostId)>);

/// Every user's feed, and the posts that were not fanned out.
#[derive(Debug, Default)]
pub(super) struct Feeds {
    limits: FeedLimits,
    entries: BTreeMap<UserId, BTreeSet<Entry>>,
    not_fanned_out: BTreeSet<PostId>,
}

impl Feeds {
    pub(super) fn new(limits: FeedLimits) -> Self {
        Self {
            limits,
            ..Self::default()
        }
    }

    /// A new post: into its author's feed, and its followers' unless they are too many.
    pub(super) fn fan_out(&mut self, post: &Post, followers: &[UserId]) {
        self.insert(post.author, post);
        let count = u64::try_from(followers.len()).unwrap_or(u64::MAX);
        if count > self.limits.fanout_max_followers {
            self.not_fanned_out.insert(post.id);
            return;
        }
        for follower in followers {
            self.insert(*follower, post);
        }
    }

    /// A new follow: the followed user's newest fanned-out posts into the follower's feed.
    pub(super) fn back_fill<'a>(
        &mut self,
        follower: UserId,
        theirs: impl Iterator<Item = &'a Post>,
    ) {
        let mut theirs: Vec<&Post> = theirs
            .filter(|post| !self.not_fanned_out.contains(&post.id))
            .collect();
        theirs.sort_by_key(|post| std::cmp::Reverse(key(post)));
        let max = usize::try_from(self.limits.max_entries).unwrap_or(usize::MAX);
        for post in theirs.into_iter().take(max) {
            self.insert(follower, post);
        }
    }

    /// An unfollow: the author's posts out of the follower's feed.
    pub(super) fn forget_author(&mut self, follower: UserId, author: UserId) {
        if let Some(feed) = self.entries.get_mut(&follower) {
            feed.retain(|entry| entry.2 != author);
        }
    }

    /// Adds `post` to `user`'s feed and trims it to the newest `max_entries`.
    fn insert(&mut self, user: UserId, post: &Post) {
        let max = usize::try_from(self.limits.max_entries).unwrap_or(usize::MAX);
        let feed = self.entries.entry(user).or_default();
        feed.insert((post.timestamp, post.id, post.author));
        while feed.len() > max {
            feed.pop_first();
        }
    }

    fn fanned_out(&self, post: PostId) -> bool {
        !self.not_fanned_out.contains(&post)
    }
}

impl InMemoryPosts {
    /// The posts a home page is picked from (the feed's and the merged ones) and the cursor's
    /// key; `None` when the feed does not reach far enough. A cursor naming no post gives
    /// no candidates.
    fn feed_candidates(
        &self,
        user: UserId,
        request: PageRequest,
    ) -> Result<Option<Candidates>, RepoError> {
        let state = lock(&self.state);
        let by_id: HashMap<PostId, &Post> = state.posts.iter().map(|p| (p.id, p)).collect();
        let cursor = match request.position() {
            PagePosition::Number(_) => None,
            PagePosition::Before(id) | PagePosition::After(id) => match by_id.get(&id) {
                Some(post) => Some(key(post)),
                None => return Ok(Some((Vec::new(), None))),
            },
        };
        let empty = BTreeSet::new();
        let feed = state.feeds.entries.get(&user).unwrap_or(&empty);
        let needed = request.offset() + u64::from(request.per_page()) + 1;
        let in_range = |entry: &&Entry| cursor.is_none_or(|c| (entry.0, entry.1) < c);
        let answers = match request.position() {
            PagePosition::After(_) => feed
                .iter()
                .any(|entry| cursor.is_some_and(|c| (entry.0, entry.1) <= c)),
            _ => feed.iter().filter(in_range).count() as u64 >= needed,
        };
        if !answers {
            return Ok(None);
        }
        let merged = state.posts.iter().filter(|post| {
            !state.feeds.fanned_out(post.id) && state.follows.contains(&(user, post.author))
        });
        let mut candidates: Vec<Post> = feed
            .iter()
            .filter_map(|entry| by_id.get(&entry.1).map(|post| (*post).clone()))
            .chain(merged.cloned())
            .collect();
        candidates.sort_by_key(|post| post.id);
        candidates.dedup_by_key(|post| post.id);
        Ok(Some((candidates, cursor)))
    }
}

#[async_trait]
impl TimelineStore for InMemoryPosts {
    /// The feed's posts and the followed authors' posts that were not fanned out; the
    /// read-time timeline when the feed does not reach far enough.
    async fn home(
        &self,
        user: UserId,
        request: PageRequest,
    ) -> Result<Page<TimelinePost>, RepoError> {
        let Some((candidates, cursor)) = self.feed_candidates(user, request)? else {
            return self.timeline_read_time(user, request).await;
        };
        let lookahead = usize::try_from(request.per_page()).map_or(usize::MAX, |n| n + 1);
        let authors = self.users.all();
        let rows = in_page_order(candidates, request, cursor)
            .into_iter()
            .take(lookahead)
            .map(|post| with_author(post, &authors))
            .collect::<Result<_, _>>()?;
        Ok(Page::from_lookahead(request, rows))
    }

    fn limits(&self) -> FeedLimits {
        lock(&self.state).feeds.limits
    }

    async fn feed_len(&self, user: UserId) -> Result<u64, RepoError> {
        let state = lock(&self.state);
        let len = state.feeds.entries.get(&user).map_or(0, BTreeSet::len);
        Ok(u64::try_from(len).unwrap_or(u64::MAX))
    }

    async fn delete_post(&self, post: PostId) -> Result<bool, RepoError> {
        let mut state = lock(&self.state);
        let before = state.posts.len();
        state.posts.retain(|stored| stored.id != post);
        for feed in state.feeds.entries.values_mut() {
            feed.retain(|entry| entry.1 != post);
        }
        state.feeds.not_fanned_out.remove(&post);
        Ok(state.posts.len() < before)
    }

    async fn rebuild(&self, after: Option<UserId>, users: u32) -> Result<RebuildBatch, RepoError> {
        let ids: Vec<UserId> = self
            .users
            .all()
            .iter()
            .map(|user| user.id)
            .filter(|id| after.is_none_or(|after| *id > after))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .take(usize::try_from(users).unwrap_or(usize::MAX))
            .collect();
        let mut state = lock(&self.state);
        let mut done = RebuildBatch::default();
        for user in ids {
            let State {
                posts,
                follows,
                feeds,
                ..
            } = &mut *state;
            feeds.entries.remove(&user);
            let theirs = posts.iter().filter(|post| {
                post.author == user
                    || (feeds.fanned_out(post.id) && follows.contains(&(user, post.author)))
            });
            let theirs: Vec<Post> = theirs.cloned().collect();
            for post in &theirs {
                feeds.insert(user, post);
            }
            let len = feeds.entries.get(&user).map_or(0, BTreeSet::len);
            done.entries += u64::try_from(len).unwrap_or(u64::MAX);
            done.users += 1;
            done.last_user = Some(user);
        }
        Ok(done)
    }

    async fn user_count(&self) -> Result<u64, RepoError> {
        Ok(u64::try_from(self.users.all().len()).unwrap_or(u64::MAX))
    }
}

use super::State;
