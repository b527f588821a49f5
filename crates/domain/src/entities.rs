//! Entities (`User`, `Post`, a profile page) and the pagination types of timelines.

mod page;

pub use page::{Page, PagePosition, PageRequest};

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
    /// Bumped with every password change (reset or `/change_password`). Login sessions are
    /// server-side rows now and are ended explicitly; the epoch scopes the sign-in lockout's
    /// counts, so a new password lifts a lock.
    pub session_epoch: i64,
    /// Whether the owner followed the confirmation link mailed to `email`. Signing in and
    /// password reset work either way; unconfirmed users see a reminder.
    pub email_confirmed: bool,
    /// A new address asked for at `/change_email` and not confirmed yet. Until its link is
    /// followed, `email` stays the account's address for everything (sign-in recovery
    /// included); a newer request replaces this one.
    pub pending_email: Option<PendingEmail>,
    pub created_at: OffsetDateTime,
}

/// An address change waiting for its confirmation link to be followed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingEmail {
    pub address: EmailAddress,
    /// When it was asked for, to the microsecond: the link minted for it carries this time,
    /// so a newer request (even for the same address) makes older links dead.
    pub requested_at: OffsetDateTime,
}

impl PendingEmail {
    /// Whether this is the change asked for at `requested_at` (to the microsecond) for the
    /// normalized `address`: what a link or a queued request for a change must match.
    pub fn is_request(&self, address: &str, requested_at: OffsetDateTime) -> bool {
        self.address.normalized() == address
            && crate::micros::same_microsecond(self.requested_at, requested_at)
    }
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

/// What a profile page shows: the user, one page of their posts (newest first, as
/// [`crate::ports::PostRepository::by_author`] lists them), their follow counts, and
/// whether the viewer follows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfilePage {
    pub user: User,
    pub posts: Page<TimelinePost>,
    pub counts: FollowCounts,
    /// Whether the viewer follows this user (`false` for anonymous viewers and oneself).
    pub viewer_follows: bool,
}
