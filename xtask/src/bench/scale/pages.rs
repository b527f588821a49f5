//! The pages loaded at each size: `/login`, then `/index`, `/explore` and a profile, each
//! as its first page, a deep numbered page, a page beyond the last, and a cursor page, with
//! the posts each must show computed from the seeded world.

use super::world::{Timeline, World};
use crate::bench::seed;
use microblog_domain::PageRequest;
use microblog_domain::ports::FeedLimits;

/// `POSTS_PER_PAGE`, set explicitly on the server under test.
pub const PER_PAGE: usize = 25;

/// `?page=` of the "beyond the last page" probe.
const BEYOND: u32 = 100_000;

/// Which page of a timeline a probe asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Depth {
    First,
    /// `?page=N`: the page holding the timeline's middle post, or the deepest numbered page
    /// the product serves ([`Reach`]) when the middle is deeper.
    Deep(u32),
    /// `?page=100000`, past the last page.
    Beyond,
    /// `?before=<id>` of the timeline's middle post.
    Cursor(i64),
}

impl Depth {
    pub fn label(self) -> &'static str {
        match self {
            Self::First => "first",
            Self::Deep(_) => "deep",
            Self::Beyond => "beyond",
            Self::Cursor(_) => "cursor",
        }
    }

    fn query(self) -> String {
        match self {
            Self::First => String::new(),
            Self::Deep(page) => format!("?page={page}"),
            Self::Beyond => format!("?page={BEYOND}"),
            Self::Cursor(post) => format!("?before={post}"),
        }
    }
}

/// One URL to load, and what it must answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Probe {
    /// The page it belongs to (`/index`, `/explore`, `/user/<name>`, `/login`).
    pub page: &'static str,
    pub depth: Depth,
    pub path: String,
    pub logged_in: bool,
    /// The status it must answer: 200, or 404 for a numbered page deeper than the product
    /// serves ([`Reach`]: refused without a query, as issue 16 allows).
    pub status: u16,
    /// How many posts the answer lists (`None`: not a timeline).
    pub posts: Option<usize>,
}

/// How deep a timeline's numbered pages go: `PageRequest::MAX_OFFSET` posts, and for the
/// home timeline no deeper than its feed (`TIMELINE_MAX_ENTRIES`, left at its default on
/// the server under test); cursors reach everything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reach {
    Listing,
    HomeFeed,
}

impl Reach {
    fn serves(self, page: u32) -> bool {
        let request = PageRequest::new(page, PER_PAGE as u32);
        let feed = u64::from(FeedLimits::default().max_entries);
        request.within_reach() && (self == Self::Listing || request.within_first(feed))
    }

    /// The deepest numbered page served (of a list long enough).
    fn deepest(self) -> u32 {
        let mut page = PageRequest::MAX_OFFSET as u32 / PER_PAGE as u32 + 1;
        while !self.serves(page) {
            page -= 1;
        }
        page
    }
}

/// Every probe of a world, `/login` first.
pub fn probes(world: World) -> Vec<Probe> {
    let mut probes = vec![Probe {
        page: "/login",
        depth: Depth::First,
        path: "/login".to_owned(),
        logged_in: false,
        status: 200,
        posts: None,
    }];
    let timelines = [
        (
            "/index",
            "/index".to_owned(),
            world.home(0),
            Reach::HomeFeed,
        ),
        (
            "/explore",
            "/explore".to_owned(),
            world.explore(),
            Reach::Listing,
        ),
        (
            "/user/<name>",
            format!("/user/{}", seed::username(1)),
            world.profile(1),
            Reach::Listing,
        ),
    ];
    for (page, path, timeline, reach) in timelines {
        for (depth, posts) in depths(world, &timeline, reach) {
            probes.push(Probe {
                page,
                depth,
                path: format!("{path}{}", depth.query()),
                logged_in: true,
                status: status(depth, reach),
                posts: Some(posts),
            });
        }
    }
    probes
}

/// 404 for a numbered page the product refuses to look for, else 200.
fn status(depth: Depth, reach: Reach) -> u16 {
    let page = match depth {
        Depth::Deep(page) => page,
        Depth::Beyond => BEYOND,
        Depth::First | Depth::Cursor(_) => return 200,
    };
    if reach.serves(page) { 200 } else { 404 }
}

/// The four probes of `timeline`, each with how many posts its page lists.
fn depths(world: World, timeline: &Timeline, reach: Reach) -> [(Depth, usize); 4] {
    let len = timeline.len();
    let after = |skipped: usize| len.saturating_sub(skipped).min(PER_PAGE);
    let middle = len / 2;
    let deep = (middle / PER_PAGE + 1).min(reach.deepest() as usize);
    let cursor = timeline
        .nth_newest(middle)
        .map_or(1, |post| world.post_id(post));
    [
        (Depth::First, after(0)),
        (Depth::Deep(deep as u32), after((deep - 1) * PER_PAGE)),
        (Depth::Beyond, 0),
        (Depth::Cursor(cursor), after(middle + 1)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> World {
        World {
            users: 10,
            posts_per_user: 30,
            follows_per_user: 2,
        }
    }

    #[test]
    fn deep_and_cursor_probes_point_at_the_middle_of_each_timeline() {
        let probes = probes(small());
        let find = |path: &str| probes.iter().find(|p| p.path == path).unwrap();
        // The home timeline of user 0: 3 authors × 30 posts, middle post 45 → page 2.
        assert_eq!(find("/index?page=2").posts, Some(25));
        // Its 46th newest post is round 14 of user 2 (sequence 142, id 143).
        assert_eq!(find("/index?before=143").posts, Some(25));
        assert_eq!(find("/index?page=100000").status, 404);
        assert_eq!(find("/index?page=2").status, 200);
        // A profile of 30 posts: the middle is the 16th newest, on page 1; 14 are older.
        assert_eq!(find("/user/user0001?page=1").posts, Some(25));
        let cursor = probes
            .iter()
            .find(|p| p.page == "/user/<name>" && p.depth.label() == "cursor")
            .unwrap();
        assert_eq!(cursor.posts, Some(14));
        assert_eq!(probes[0].path, "/login");
        assert_eq!(probes.len(), 13);
    }

    #[test]
    fn deep_numbered_pages_stop_at_the_deepest_the_product_serves() {
        let big = World {
            users: 1_000,
            posts_per_user: 1_000,
            follows_per_user: 1,
        };
        let deep = probes(big)
            .into_iter()
            .find(|p| p.page == "/explore" && p.depth.label() == "deep")
            .unwrap();
        assert_eq!(deep.depth, Depth::Deep(401));
        assert_eq!(deep.posts, Some(25));
        let home = probes(big)
            .into_iter()
            .find(|p| p.page == "/index" && p.depth.label() == "deep")
            .unwrap();
        assert_eq!(
            home.depth,
            Depth::Deep(31),
            "posts 751-775 and a look-ahead of 800"
        );
        assert_eq!((home.status, home.posts), (200, Some(25)));
    }
}
