//! Entities (`User`, `Post`) and the pagination types of timelines.

use crate::values::{AboutMe, EmailAddress, PasswordHash, PostBody, Username};
use time::OffsetDateTime;

/// A user's database identity.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct UserId(pub i64);

/// A post's database identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PostId(pub i64);

/// A registered user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub username: Username,
    pub email: EmailAddress,
    pub password_hash: PasswordHash,
    pub about_me: AboutMe,
    pub last_seen: OffsetDateTime,
    /// Bumped whenever every existing session must end (a password reset). Sessions carry
    /// the epoch they were issued under; a mismatch logs them out.
    pub session_epoch: i64,
    /// Whether the owner followed the confirmation link mailed to `email`. Signing in and
    /// password reset work either way; unconfirmed users see a reminder.
    pub email_confirmed: bool,
    pub created_at: OffsetDateTime,
}

/// What registration stores.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewUser {
    pub username: Username,
    pub email: EmailAddress,
    pub password_hash: PasswordHash,
    pub created_at: OffsetDateTime,
}

/// A post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Post {
    pub id: PostId,
    pub author: UserId,
    pub body: PostBody,
    pub timestamp: OffsetDateTime,
}

/// A post with what a page needs of its author (fetched in the same query).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelinePost {
    pub post: Post,
    pub author_username: Username,
    pub author_email: EmailAddress,
}

/// How many users follow someone, and how many they follow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FollowCounts {
    pub followers: u64,
    pub following: u64,
}

/// Which page of a list to show: 1-based `page`, `per_page` items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    page: u32,
    per_page: u32,
}

impl PageRequest {
    /// The largest page number honoured; beyond it the request is clamped (no huge OFFSET).
    pub const MAX_PAGE: u32 = 100_000;

    /// A page request; `page` below 1 becomes 1, above [`Self::MAX_PAGE`] is clamped, and
    /// `per_page` is at least 1.
    pub fn new(page: u32, per_page: u32) -> Self {
        Self {
            page: page.clamp(1, Self::MAX_PAGE),
            per_page: per_page.max(1),
        }
    }

    /// The 1-based page number.
    pub fn page(&self) -> u32 {
        self.page
    }

    /// Items per page.
    pub fn per_page(&self) -> u32 {
        self.per_page
    }

    /// How many items precede this page.
    pub fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.per_page)
    }
}

/// One page of a list, with whether there are neighbours.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    pub has_next: bool,
    pub has_prev: bool,
}

impl<T> Page<T> {
    /// Builds a page from a look-ahead fetch of up to `per_page + 1` rows: the extra row, if
    /// present, only says that a next page exists and is dropped.
    pub fn from_lookahead(request: PageRequest, mut rows: Vec<T>) -> Self {
        let per_page = request.per_page() as usize;
        let has_next = rows.len() > per_page;
        rows.truncate(per_page);
        Self {
            items: rows,
            page: request.page(),
            per_page: request.per_page(),
            has_next,
            has_prev: request.page() > 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_request_clamps_and_offsets() {
        assert_eq!(PageRequest::new(0, 25).page(), 1);
        assert_eq!(PageRequest::new(3, 25).offset(), 50);
        assert_eq!(PageRequest::new(u32::MAX, 25).page(), PageRequest::MAX_PAGE);
        assert_eq!(PageRequest::new(1, 0).per_page(), 1);
    }

    #[test]
    fn lookahead_row_sets_has_next_and_is_dropped() {
        let full = Page::from_lookahead(PageRequest::new(2, 2), vec![1, 2, 3]);
        assert_eq!(
            (full.items, full.has_next, full.has_prev),
            (vec![1, 2], true, true)
        );
        let last = Page::from_lookahead(PageRequest::new(1, 2), vec![1, 2]);
        assert_eq!(
            (last.items, last.has_next, last.has_prev),
            (vec![1, 2], false, false)
        );
    }
}
