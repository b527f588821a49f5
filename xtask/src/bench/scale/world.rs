//! The seeded world as arithmetic: user `i` follows users `i+1..=i+k` (mod n), and post
//! `round` of user `a` is the `round × users + a`-th post of the site, in both time and id,
//! so every timeline (a home feed, explore, a profile) and any position in it is computed
//! without reading the database.

/// How big a seeded world is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct World {
    pub users: usize,
    pub posts_per_user: usize,
    pub follows_per_user: usize,
}

/// One post of the world: its round (the author's `round`-th post) and author index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeededPost {
    pub round: usize,
    pub author: usize,
}

impl World {
    pub fn total_posts(&self) -> usize {
        self.users * self.posts_per_user
    }

    /// The database id of user index `i` (ids start at 1).
    pub fn user_id(i: usize) -> i64 {
        i as i64 + 1
    }

    /// Where `post` stands in the site's history: 0 for the oldest. Timestamps (in seconds
    /// after the seed's base time) and ids (minus one) are both this number.
    pub fn sequence(&self, post: SeededPost) -> u64 {
        (post.round * self.users + post.author) as u64
    }

    pub fn post_id(&self, post: SeededPost) -> i64 {
        self.sequence(post) as i64 + 1
    }

    /// The users `i` follows, as the bench's seeder makes them: the next `k`, wrapping.
    pub fn followed(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        (1..=self.follows_per_user).map(move |step| (i + step) % self.users)
    }

    /// User `i`'s home timeline: their own posts and those of whom they follow.
    pub fn home(&self, i: usize) -> Timeline {
        Timeline::of(
            std::iter::once(i).chain(self.followed(i)),
            self.posts_per_user,
        )
    }

    /// `/explore`: every post.
    pub fn explore(&self) -> Timeline {
        Timeline::of(0..self.users, self.posts_per_user)
    }

    /// `/user/<name>`: the posts of user `i`.
    pub fn profile(&self, i: usize) -> Timeline {
        Timeline::of(std::iter::once(i), self.posts_per_user)
    }
}

/// The posts of some authors, newest first. Every author wrote one post per round, and a
/// round's posts are ordered by author index, so the order is arithmetic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeline {
    /// Distinct author indexes, highest first (the newest post of a round first).
    authors: Vec<usize>,
    rounds: usize,
}

impl Timeline {
    fn of(authors: impl Iterator<Item = usize>, rounds: usize) -> Self {
        let mut authors: Vec<usize> = authors.collect();
        authors.sort_unstable_by(|a, b| b.cmp(a));
        authors.dedup();
        Self { authors, rounds }
    }

    pub fn len(&self) -> usize {
        self.authors.len() * self.rounds
    }

    /// The `n`-th newest post (0 is the newest), if the timeline is that long.
    pub fn nth_newest(&self, n: usize) -> Option<SeededPost> {
        if n >= self.len() {
            return None;
        }
        let per_round = self.authors.len();
        Some(SeededPost {
            round: self.rounds - 1 - n / per_round,
            author: self.authors[n % per_round],
        })
    }

    /// The newest `limit` posts, newest first.
    pub fn newest(&self, limit: usize) -> impl Iterator<Item = SeededPost> + '_ {
        (0..limit.min(self.len())).filter_map(|n| self.nth_newest(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every post of `world` whose author is in `authors`, newest first, by sorting.
    fn sorted_posts(world: &World, authors: &[usize]) -> Vec<SeededPost> {
        let mut posts: Vec<SeededPost> = (0..world.posts_per_user)
            .flat_map(|round| (0..world.users).map(move |author| SeededPost { round, author }))
            .filter(|post| authors.contains(&post.author))
            .collect();
        posts.sort_by_key(|post| std::cmp::Reverse(world.sequence(*post)));
        posts
    }

    #[test]
    fn home_feeds_equal_a_brute_force_merge_of_followed_posts() {
        let world = World {
            users: 7,
            posts_per_user: 5,
            follows_per_user: 3,
        };
        // The follow edges, listed the slow way: user 5 follows 6, 0 and 1.
        let edges: Vec<(usize, usize)> = (0..7)
            .flat_map(|i| (1..=3).map(move |step| (i, (i + step) % 7)))
            .collect();
        assert!(edges.contains(&(5, 1)));
        for user in 0..world.users {
            let mut authors: Vec<usize> = edges
                .iter()
                .filter(|(from, _)| *from == user)
                .map(|(_, to)| *to)
                .collect();
            authors.push(user);
            let expected = sorted_posts(&world, &authors);
            for limit in [0, 1, 4, 9, 20, 100] {
                let computed: Vec<SeededPost> = world.home(user).newest(limit).collect();
                let wanted: Vec<SeededPost> = expected.iter().copied().take(limit).collect();
                assert_eq!(computed, wanted, "user {user}, limit {limit}");
            }
            assert_eq!(world.home(user).len(), expected.len());
        }
    }

    #[test]
    fn explore_and_profiles_are_in_id_order_newest_first() {
        let world = World {
            users: 4,
            posts_per_user: 3,
            follows_per_user: 1,
        };
        let explore: Vec<i64> = world
            .explore()
            .newest(100)
            .map(|p| world.post_id(p))
            .collect();
        assert_eq!(explore, (1..=12).rev().collect::<Vec<i64>>());
        let profile: Vec<i64> = world
            .profile(1)
            .newest(100)
            .map(|p| world.post_id(p))
            .collect();
        assert_eq!(profile, vec![10, 6, 2]);
        assert_eq!(world.profile(1).nth_newest(3), None);
    }
}
