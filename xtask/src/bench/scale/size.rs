//! The seeded worlds of `--scale`: S, M and L, as issue 16 defines them.

use super::world::World;

/// One of the issue's dataset sizes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ScaleSize {
    S,
    M,
    L,
}

impl ScaleSize {
    /// Parses `S`, `M`, `L` (either case).
    pub fn parse(name: &str) -> anyhow::Result<Self> {
        match name.trim() {
            "S" | "s" => Ok(Self::S),
            "M" | "m" => Ok(Self::M),
            "L" | "l" => Ok(Self::L),
            other => anyhow::bail!("unknown scale {other:?}: expected S, M or L"),
        }
    }

    /// A comma-separated list (`S,M,L`), in size order, each size once.
    pub fn parse_list(list: &str) -> anyhow::Result<Vec<Self>> {
        let mut sizes = list
            .split(',')
            .map(Self::parse)
            .collect::<anyhow::Result<Vec<_>>>()?;
        sizes.sort();
        sizes.dedup();
        Ok(sizes)
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::S => "S",
            Self::M => "M",
            Self::L => "L",
        }
    }

    /// Users, posts per user and follows per user of this size.
    pub fn world(self) -> World {
        let (users, posts, follows) = match self {
            Self::S => (1_000, 50_000, 20),
            Self::M => (10_000, 1_000_000, 200),
            Self::L => (100_000, 5_000_000, 1_000),
        };
        World {
            users,
            posts_per_user: posts / users,
            follows_per_user: follows,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_parsed_in_size_order_without_repeats() {
        let sizes = ScaleSize::parse_list("L,s,M,S").unwrap();
        assert_eq!(sizes, vec![ScaleSize::S, ScaleSize::M, ScaleSize::L]);
        assert!(ScaleSize::parse_list("S,XL").is_err());
        assert!(ScaleSize::parse_list("").is_err());
    }

    #[test]
    fn sizes_hold_the_issues_totals() {
        let l = ScaleSize::L.world();
        assert_eq!(l.users * l.posts_per_user, 5_000_000);
        assert_eq!(l.follows_per_user, 1_000);
        let m = ScaleSize::M.world();
        assert_eq!((m.users, m.users * m.posts_per_user), (10_000, 1_000_000));
    }
}
