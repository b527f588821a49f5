//! Static files (the stylesheet and the icon): compiled into the binary, served with a long
//! cache lifetime and linked with a content hash, so a new version is fetched at once.
//! Debug builds read them from `static/` on every request instead, for live editing.

use md5::{Digest, Md5};
use std::borrow::Cow;
use std::path::PathBuf;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    embedded: &'static str,
}

const FILES: &[Asset] = &[
    Asset {
        name: "style.css",
        content_type: "text/css; charset=utf-8",
        embedded: include_str!("../../../static/style.css"),
    },
    Asset {
        name: "favicon.svg",
        content_type: "image/svg+xml",
        embedded: include_str!("../../../static/favicon.svg"),
    },
];

/// A static file's content and how to serve it.
pub(crate) struct StaticFile {
    pub(crate) content_type: &'static str,
    pub(crate) body: Cow<'static, str>,
    /// Long-lived and immutable (embedded), or revalidated (read from disk while developing).
    pub(crate) immutable: bool,
}

/// The static files and where they come from.
pub(crate) struct Assets {
    disk: Option<PathBuf>,
    css_url: String,
}

impl Assets {
    /// The files on disk in a debug build with its source tree, else the embedded copies.
    pub(crate) fn load() -> Self {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../static");
        let disk = (cfg!(debug_assertions) && dir.is_dir()).then_some(dir);
        Self {
            disk,
            ..Self::embedded()
        }
    }

    /// Only the copies compiled into the binary.
    pub(crate) fn embedded() -> Self {
        let css = FILES.first().map_or("", |asset| asset.embedded);
        Self {
            disk: None,
            css_url: versioned("style.css", css),
        }
    }

    /// The stylesheet's URL, with a version derived from its content.
    pub(crate) fn css_url(&self) -> String {
        match self.get("style.css") {
            Some(file) if !file.immutable => versioned("style.css", &file.body),
            _ => self.css_url.clone(),
        }
    }

    /// The file called `name`, if it is one of ours.
    pub(crate) fn get(&self, name: &str) -> Option<StaticFile> {
        let asset = FILES.iter().find(|asset| asset.name == name)?;
        let from_disk = self
            .disk
            .as_ref()
            .and_then(|dir| std::fs::read_to_string(dir.join(asset.name)).ok());
        Some(match from_disk {
            Some(body) => StaticFile {
                content_type: asset.content_type,
                body: Cow::Owned(body),
                immutable: false,
            },
            None => StaticFile {
                content_type: asset.content_type,
                body: Cow::Borrowed(asset.embedded),
                immutable: true,
            },
        })
    }
}

fn versioned(name: &str, content: &str) -> String {
    let digest = Md5::digest(content.as_bytes());
    let version: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    format!("{}?v={version}", microblog_routes::static_file(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stylesheet_is_served_and_versioned_by_content() {
        for assets in [Assets::load(), Assets::embedded()] {
            let css = assets.get("style.css").unwrap();
            assert!(css.content_type.starts_with("text/css"));
            assert!(css.body.contains(".post"));
            assert!(assets.css_url().starts_with("/static/style.css?v="));
            assert!(assets.get("favicon.svg").unwrap().body.starts_with("<svg"));
            assert!(assets.get("../Cargo.toml").is_none());
            assert!(assets.get("nope.css").is_none());
        }
        assert!(Assets::embedded().get("style.css").unwrap().immutable);
        assert_ne!(versioned("a", "one"), versioned("a", "two"));
    }
}
