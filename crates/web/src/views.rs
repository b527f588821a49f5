//! What templates see: users, posts, pagination and sessions, flattened into serializable
//! views. Links to users are the templates' own (`url_for('user', username=...)`).

mod device;

use crate::avatar::{self, AvatarSize};
use crate::config::Avatars;
use md5::{Digest, Md5};
use microblog_domain::{
    EmailAddress, Page, SessionHandle, StoredSession, TimelinePost, User, Username,
};
use serde::Serialize;
use std::collections::HashMap;
use time::OffsetDateTime;
use time::macros::format_description;

/// A row of `/sessions`: a readable device, the sign-in address, when it started and was
/// last active; `handle` names it in the revoke form, never its secret.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct SessionView {
    pub(crate) device: String,
    pub(crate) ip: String,
    pub(crate) started: String,
    pub(crate) last_active: String,
    pub(crate) handle: String,
    pub(crate) current: bool,
}

impl SessionView {
    pub(crate) fn new(
        session: &StoredSession,
        current: &SessionHandle,
        now: OffsetDateTime,
    ) -> Self {
        Self {
            device: device::device_label(&session.device.user_agent),
            ip: session
                .device
                .ip
                .clone()
                .unwrap_or_else(|| "unknown".to_owned()),
            started: full_time(session.created_at),
            last_active: relative_time(session.last_seen_at, now),
            handle: session.handle.as_str().to_owned(),
            current: &session.handle == current,
        }
    }
}

/// Avatar sizes: beside a post, and on a profile.
const POST_AVATAR: AvatarSize = AvatarSize::fixed(36);
const PROFILE_AVATAR: AvatarSize = AvatarSize::fixed(128);

/// A user as pages show them.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct UserView {
    pub(crate) username: String,
    pub(crate) avatar: String,
    pub(crate) about_me: String,
    pub(crate) last_seen: String,
    pub(crate) last_seen_iso: String,
    /// Whether the address is confirmed (the banner reminds the user while it is not).
    pub(crate) email_confirmed: bool,
}

impl UserView {
    pub(crate) fn new(user: &User, avatars: Avatars) -> Self {
        Self {
            username: user.username.to_string(),
            avatar: avatar_url(avatars, &user.username, &user.email, PROFILE_AVATAR),
            about_me: user.about_me.as_str().to_owned(),
            last_seen: full_time(user.last_seen),
            last_seen_iso: iso_time(user.last_seen),
            email_confirmed: user.email_confirmed,
        }
    }
}

/// A post with its author, as lists show it.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct PostView {
    pub(crate) body: String,
    pub(crate) author: String,
    pub(crate) avatar: String,
    pub(crate) when: String,
    pub(crate) when_full: String,
    pub(crate) when_iso: String,
}

impl PostView {
    /// `avatars` remembers the avatars already computed for this page's authors.
    fn new(post: &TimelinePost, now: OffsetDateTime, avatars: &mut PageAvatars) -> Self {
        let at = post.post.timestamp;
        Self {
            body: post.post.body.as_str().to_owned(),
            author: post.author_username.to_string(),
            avatar: avatars.of(&post.author_username, &post.author_email),
            when: relative_time(at, now),
            when_full: full_time(at),
            when_iso: iso_time(at),
        }
    }
}

/// One page of posts with the links to its neighbours ("Newer posts" is the previous page).
/// The links carry cursors (`?after=<first post id>`, `?before=<last post id>`), so the
/// next page costs one index range scan however deep it is.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct PostList {
    pub(crate) posts: Vec<PostView>,
    pub(crate) newer_url: Option<String>,
    pub(crate) older_url: Option<String>,
}

impl PostList {
    /// `base` is the page's path (already URL-safe); the cursor is appended. A page with
    /// nothing on it (its cursor post is gone, or it lies past the end) links back to the
    /// first page.
    pub(crate) fn new(page: &Page<TimelinePost>, base: &str, avatars: Avatars) -> Self {
        let now = OffsetDateTime::now_utc();
        let first = page.items.first().map(|item| item.post.id.0);
        let last = page.items.last().map(|item| item.post.id.0);
        let newer = match first {
            Some(id) => format!("{base}?after={id}"),
            None => base.to_owned(),
        };
        let mut avatars = PageAvatars::new(avatars);
        Self {
            posts: page
                .items
                .iter()
                .map(|post| PostView::new(post, now, &mut avatars))
                .collect(),
            newer_url: page.has_prev.then_some(newer),
            older_url: last
                .filter(|_| page.has_next)
                .map(|id| format!("{base}?before={id}")),
        }
    }
}

/// The post-sized avatars of one page's authors, each built once (a page often shows
/// several posts by one author).
struct PageAvatars {
    source: Avatars,
    /// By username.
    built: HashMap<String, String>,
}

impl PageAvatars {
    fn new(source: Avatars) -> Self {
        Self {
            source,
            built: HashMap::new(),
        }
    }

    fn of(&mut self, username: &Username, email: &EmailAddress) -> String {
        if let Some(url) = self.built.get(username.as_str()) {
            return url.clone();
        }
        let url = avatar_url(self.source, username, email, POST_AVATAR);
        self.built.insert(username.as_str().to_owned(), url.clone());
        url
    }
}

/// The avatar of a user: the local identicon of the username, or (`AVATARS=gravatar`)
/// the Gravatar image of the address.
fn avatar_url(
    source: Avatars,
    username: &Username,
    email: &EmailAddress,
    size: AvatarSize,
) -> String {
    match source {
        Avatars::Local => avatar::local_url(username.as_str(), size),
        Avatars::Gravatar => gravatar(email, size),
    }
}

/// The Gravatar image of an address: MD5 of the trimmed, lower-cased address (Gravatar's
/// definition), with generated identicons for addresses without a picture.
fn gravatar(email: &EmailAddress, size: AvatarSize) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Md5::digest(email.as_str().trim().to_lowercase().as_bytes());
    let mut url = String::with_capacity(96);
    url.push_str("https://www.gravatar.com/avatar/");
    for byte in digest {
        url.push(char::from(HEX[usize::from(byte >> 4)]));
        url.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    url.push_str("?d=identicon&s=");
    url.push_str(&size.pixels().to_string());
    url
}

pub(crate) fn full_time(at: OffsetDateTime) -> String {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    at.to_offset(time::UtcOffset::UTC)
        .format(format)
        .unwrap_or_else(|_| at.to_string())
}

fn iso_time(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| at.to_string())
}

/// "just now", "5 minutes ago", "3 days ago", then the date.
pub(crate) fn relative_time(at: OffsetDateTime, now: OffsetDateTime) -> String {
    let seconds = (now - at).whole_seconds();
    let plural = |n: i64, unit: &str| {
        let s = if n == 1 { "" } else { "s" };
        format!("{n} {unit}{s} ago")
    };
    match seconds {
        ..60 => "just now".to_owned(),
        60..3_600 => plural(seconds / 60, "minute"),
        3_600..86_400 => plural(seconds / 3_600, "hour"),
        86_400..2_592_000 => plural(seconds / 86_400, "day"),
        _ => {
            let format = format_description!("[month repr:short] [day padding:none], [year]");
            at.format(format).unwrap_or_else(|_| full_time(at))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;
    use time::macros::datetime;

    #[test]
    fn gravatar_hashes_the_lowercased_trimmed_address() {
        let email = EmailAddress::parse("  MyEmailAddress@example.com ").unwrap();
        // Gravatar's documented example hash for "myemailaddress@example.com".
        assert_eq!(
            gravatar(&email, POST_AVATAR),
            "https://www.gravatar.com/avatar/0bc83cb571cd1c50ba6f3e8a78ef1346?d=identicon&s=36"
        );
    }

    #[test]
    fn each_author_on_a_page_keeps_their_own_avatar() {
        let ann = (
            Username::parse("ann").unwrap(),
            EmailAddress::parse("ann@example.com").unwrap(),
        );
        let bob = (
            Username::parse("bob").unwrap(),
            EmailAddress::parse("Bob@Example.com").unwrap(),
        );
        let mut gravatars = PageAvatars::new(Avatars::Gravatar);
        let mut locals = PageAvatars::new(Avatars::Local);
        for _ in 0..2 {
            assert_eq!(gravatars.of(&ann.0, &ann.1), gravatar(&ann.1, POST_AVATAR));
            assert_eq!(gravatars.of(&bob.0, &bob.1), gravatar(&bob.1, POST_AVATAR));
            assert_eq!(locals.of(&ann.0, &ann.1), "/avatar/ann.svg?s=36&v=1");
            assert_eq!(locals.of(&bob.0, &bob.1), "/avatar/bob.svg?s=36&v=1");
        }
        assert_ne!(gravatars.of(&ann.0, &ann.1), gravatars.of(&bob.0, &bob.1));
    }

    #[test]
    fn relative_times_read_naturally() {
        let now = datetime!(2024-05-01 12:00 UTC);
        assert_eq!(relative_time(now - Duration::seconds(5), now), "just now");
        assert_eq!(
            relative_time(now - Duration::minutes(1), now),
            "1 minute ago"
        );
        assert_eq!(relative_time(now - Duration::hours(5), now), "5 hours ago");
        assert_eq!(relative_time(now - Duration::days(2), now), "2 days ago");
        assert_eq!(
            relative_time(datetime!(2023-01-09 08:00 UTC), now),
            "Jan 9, 2023"
        );
        assert_eq!(
            full_time(datetime!(2023-01-09 08:05 UTC)),
            "2023-01-09 08:05 UTC"
        );
    }
}
