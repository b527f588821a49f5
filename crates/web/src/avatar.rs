//! Local avatars (`AVATARS=local`, the default): a GitHub-style identicon drawn as SVG from
//! the SHA-256 of a username — a 5 × 5 grid mirrored left to right, in one colour on a light
//! background — its URL (`/avatar/<username>.svg?s=<size>&v=<style>`), and the sizes it
//! may be asked for. Written here rather than taken from a crate: the identicon crates
//! either draw PNGs through the `image` stack or pick random colours.
//!
//! The URL carries everything the picture is made from (name, size, drawing version), so
//! the route needs no database and the answer may be cached for a year as `immutable`: a
//! rename or a new drawing is a new URL. The address never appears in it, hashed or not.

use microblog_routes::AVATAR;
use std::fmt::Write as _;

/// The drawing's version, part of every URL: bump it when the picture changes, so that
/// year-long caches of the old drawing are never served for the new one.
pub(crate) const STYLE: &str = "1";

/// The extension the route's file name ends with.
const EXTENSION: &str = ".svg";

/// A size in CSS pixels an avatar may be drawn at; anything else is refused, so a URL
/// cannot ask for an absurd picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct AvatarSize(u32);

impl AvatarSize {
    pub(crate) const MIN: u32 = 16;
    pub(crate) const MAX: u32 = 512;
    /// When the URL names no size.
    pub(crate) const DEFAULT: Self = Self(128);

    /// `raw` as a size: a whole number from [`Self::MIN`] to [`Self::MAX`].
    pub(crate) fn parse(raw: &str) -> Option<Self> {
        let digits = raw.len() <= 3 && raw.bytes().all(|b| b.is_ascii_digit());
        digits
            .then(|| raw.parse().ok())
            .flatten()
            .filter(|n| (Self::MIN..=Self::MAX).contains(n))
            .map(Self)
    }

    /// The size in pixels.
    pub(crate) const fn pixels(self) -> u32 {
        self.0
    }

    /// A size known to be valid (the pages' own).
    pub(crate) const fn fixed(pixels: u32) -> Self {
        assert!(pixels >= Self::MIN && pixels <= Self::MAX);
        Self(pixels)
    }
}

/// The username in an avatar file name (`susan.svg` → `susan`).
pub(crate) fn username_of(file: &str) -> Option<&str> {
    file.strip_suffix(EXTENSION)
}

/// `/avatar/<username>.svg?s=<size>&v=<style>`: the username percent-encoded as one segment.
pub(crate) fn local_url(username: &str, size: AvatarSize) -> String {
    let path = AVATAR.path(&format!("{username}{EXTENSION}"));
    format!("{path}?s={}&v={STYLE}", size.pixels())
}

/// The identicon of `username` at `size`. Only numbers and fixed text go into the SVG,
/// never the name itself, so nothing a visitor chose is reflected in it.
pub(crate) fn identicon(username: &str, size: AvatarSize) -> String {
    let hash = hmac_sha256::Hash::hash(username.as_bytes());
    // Hue from two bytes; saturation and lightness in a band dark enough on the background.
    let hue = u32::from(u16::from_be_bytes([hash[0], hash[1]])) % 360;
    let saturation = 45 + u32::from(hash[2]) % 20;
    let lightness = 38 + u32::from(hash[3]) % 14;
    let mut cells = String::new();
    // Columns 0–2 come from bits of bytes 4..; columns 3 and 4 mirror 1 and 0.
    for row in 0..5u8 {
        for column in 0..3u8 {
            let bit = usize::from(row * 3 + column);
            if (hash[4 + bit / 8] >> (bit % 8)) & 1 == 1 {
                let _ = write!(cells, "M{column} {row}h1v1h-1z");
                if column < 2 {
                    let _ = write!(cells, "M{} {row}h1v1h-1z", 4 - column);
                }
            }
        }
    }
    let pixels = size.0;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{pixels}\" height=\"{pixels}\" \
         viewBox=\"-0.5 -0.5 6 6\" shape-rendering=\"crispEdges\">\
         <rect x=\"-0.5\" y=\"-0.5\" width=\"6\" height=\"6\" fill=\"#f0f0f3\"/>\
         <path fill=\"hsl({hue} {saturation}% {lightness}%)\" d=\"{cells}\"/></svg>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_bounded_whole_numbers() {
        assert_eq!(AvatarSize::parse("36"), Some(AvatarSize(36)));
        assert_eq!(AvatarSize::parse("512"), Some(AvatarSize(512)));
        for bad in [
            "",
            "15",
            "513",
            "-1",
            "1e3",
            "36px",
            "0036",
            " 36",
            "99999999999",
        ] {
            assert_eq!(AvatarSize::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_url_names_the_user_and_size_and_encodes_the_name() {
        assert_eq!(
            local_url("susan", AvatarSize(36)),
            "/avatar/susan.svg?s=36&v=1"
        );
        assert_eq!(
            local_url("a?b#c<\"", AvatarSize(128)),
            "/avatar/a%3Fb%23c%3C%22.svg?s=128&v=1"
        );
        assert_eq!(username_of("a.svg.svg"), Some("a.svg"));
        assert_eq!(username_of("susan.png"), None);
    }

    #[test]
    fn identicons_are_deterministic_symmetric_and_differ_between_users() {
        let susan = identicon("susan", AvatarSize(36));
        assert_eq!(susan, identicon("susan", AvatarSize(36)));
        assert_ne!(susan, identicon("john", AvatarSize(36)));
        assert!(susan.contains("width=\"36\""));
        assert!(!susan.contains("susan"));
        let d = susan.split(" d=\"").nth(1).unwrap();
        for column in ["M0 ", "M1 "] {
            let mirror = if column == "M0 " { "M4 " } else { "M3 " };
            assert_eq!(d.matches(column).count(), d.matches(mirror).count());
        }
    }
}
